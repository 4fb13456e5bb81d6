#!/usr/bin/env bash
# Distinct-topic join storm: BENCH_JOIN_USERS (6,000) distinct users each join a topic of their own
# (room:<run>-<k>, a new topic per socket: every join is a topic's first on its node), in one invocation on
#   1. one node started without -cluster (single),
#   2. one node started with -cluster and alone in its cluster (cluster-1),
#   3. three clustered nodes (cluster-3), the sockets spread evenly over them,
# each BENCH_JOIN_ROUNDS (2) times, after one unrecorded warm-up storm per setup, and per server jar when
# BENCH_JOIN_JARS lists several ("label=path ...", e.g. "old=/tmp/old.jar new=verticles/target/switchboard.jar
# old=/tmp/old.jar new=verticles/target/switchboard.jar" alternates them). Nodes use the jar's built-in
# loopback cluster.xml, Hazelcast ports 5961/5971/5981, a random cluster name; nothing pinned. Reports join
# time, server CPU and join latency (join sent to ok) per node. Every node started here is stopped here by its
# PID (EXIT trap); every run is bounded in time (--timeout-seconds).
#
#   bench/joinstorm.sh
#   BENCH_SKIP_BUILD=1 BENCH_JOIN_USERS=2000 BENCH_JOIN_PARTS="cluster-3" bench/joinstorm.sh
#
# Knobs: BENCH_JOIN_JARS ("current=verticles/target/switchboard.jar"), BENCH_JOIN_USERS (6000), BENCH_JOIN_TOPICS (= users; 1: everyone joins one new topic), BENCH_JOIN_ROUNDS (2), BENCH_JOIN_PARTS ("single cluster-1 cluster-3"),
# BENCH_JOIN_TIMEOUT (300 s per storm), BENCH_JOIN_HEARTBEAT_MS (25000, each socket's heartbeat period), BENCH_JOIN_JAVA_OPTS (extra JVM flags for the nodes),
# BENCH_SKIP_BUILD=1, BENCH_OUT.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

USERS=${BENCH_JOIN_USERS:-6000}
TOPICS=${BENCH_JOIN_TOPICS:-$USERS}
ROUNDS=${BENCH_JOIN_ROUNDS:-2}
PARTS=${BENCH_JOIN_PARTS:-"single cluster-1 cluster-3"}
TIMEOUT=${BENCH_JOIN_TIMEOUT:-300}
HEARTBEAT=${BENCH_JOIN_HEARTBEAT_MS:-25000}
read -r -a JAVA_OPTS <<< "${BENCH_JOIN_JAVA_OPTS:-}"
OUT=${BENCH_OUT:-bench/target/joinstorm-$(date +%Y%m%d-%H%M%S)}
RESULTS=$OUT/results.jsonl

ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -q -o install -DskipTests -pl shared,bench -am
  [[ -f verticles/target/switchboard.jar ]] || mvn -B -q -o package -DskipTests
fi
# Private copies: a colleague's build must not swap the jars under live JVMs; they also record what was measured.
read -r -a JARS <<< "${BENCH_JOIN_JARS:-current=verticles/target/switchboard.jar}"
declare -A JAR_COPY=()
for entry in "${JARS[@]}"; do
  label=${entry%%=*}
  [[ -n ${JAR_COPY[$label]:-} ]] && continue
  JAR_COPY[$label]=$OUT/switchboard-$label.jar
  cp "${entry#*=}" "${JAR_COPY[$label]}"
done
cp bench/target/switchboard-bench.jar "$OUT/switchboard-bench.jar"
BENCH_JAR=$OUT/switchboard-bench.jar

NODES=(A B C)
declare -A HTTP=([A]=4400 [B]=4410 [C]=4420) METRICS=([A]=4401 [B]=4411 [C]=4421) HZ=([A]=5961 [B]=5971 [C]=5981)
declare -A PID=()
for n in "${NODES[@]}"; do
  for p in "${HTTP[$n]}" "${METRICS[$n]}" "${HZ[$n]}"; do
    if ss -Hltn "sport = :$p" | grep -q .; then
      echo "port $p is already in use; not starting" >&2
      exit 1
    fi
  done
done

export SWITCHBOARD_JWT_SECRET=${SWITCHBOARD_JWT_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}
export SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_METRICS_HOST=127.0.0.1
export SWITCHBOARD_RATE_PER_SECOND=1000000
# The node-wide connection limits (docs/RELIABILITY.md, "Limits") are meant for production traffic, not for a load
# generator opening thousands of sockets as fast as it can: lift them unless the caller set them.
export SWITCHBOARD_MAX_CONNECTIONS_PER_USER=${SWITCHBOARD_MAX_CONNECTIONS_PER_USER:-10000000}
export SWITCHBOARD_UPGRADES_PER_SECOND=${SWITCHBOARD_UPGRADES_PER_SECOND:-10000000}
export SWITCHBOARD_UPGRADE_BURST=${SWITCHBOARD_UPGRADE_BURST:-10000000}
# 75% of the 20,000 descriptors by default; a single-node storm holds up to 19,500 sockets.
export SWITCHBOARD_MAX_CONNECTIONS=${SWITCHBOARD_MAX_CONNECTIONS:-19500}
RUN=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)"
  lscpu | head -n 15
  free -m
  java -version 2>&1
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "node JVM flags: ${JAVA_OPTS[*]:-none}"
  echo "server jars: ${JARS[*]}"
  sha1sum "$OUT"/switchboard-*.jar
} > "$OUT/machine.txt"

stop_nodes() {
  local n p
  for n in "${!PID[@]}"; do
    p=${PID[$n]}
    kill -0 "$p" 2>/dev/null && kill -TERM "$p" 2>/dev/null || true
  done
  for n in "${!PID[@]}"; do
    p=${PID[$n]}
    for _ in $(seq 1 150); do
      kill -0 "$p" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  PID=()
}
trap stop_nodes EXIT
trap 'exit 130' INT TERM

# start_node NAME CLUSTERED CLUSTER_NAME SETUP JAR
start_node() {
  local n=$1 clustered=$2 cluster=$3 setup=$4 jar=$5 log=$OUT/node-$1-$4.log
  local cmd=(java "${JAVA_OPTS[@]}" -jar "$jar")
  [[ $clustered == 1 ]] && cmd+=(-cluster)
  SWITCHBOARD_CLUSTER_NAME=$cluster SWITCHBOARD_CLUSTER_JOIN_WAIT_SECONDS=0 \
    SWITCHBOARD_CLUSTER_PORT=${HZ[$n]} \
    SWITCHBOARD_CLUSTER_MEMBERS=127.0.0.1:${HZ[A]},127.0.0.1:${HZ[B]},127.0.0.1:${HZ[C]} \
    SWITCHBOARD_HTTP_PORT=${HTTP[$n]} SWITCHBOARD_METRICS_PORT=${METRICS[$n]} \
    "${cmd[@]}" > "$log" 2>&1 &
  PID[$n]=$!
  for _ in $(seq 1 900); do
    grep -q "Switchboard started" "$log" && { echo "node $n ($setup) started (pid ${PID[$n]})"; return 0; }
    kill -0 "${PID[$n]}" 2>/dev/null || { echo "node $n died at start:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "node $n did not start within 90 s" >&2
  exit 1
}

await_members() { # await_members COUNT: bounded wait until A's cluster view has COUNT nodes
  local count=0
  for _ in $(seq 1 60); do
    count=$(curl -s --max-time 2 "http://127.0.0.1:${METRICS[A]}/cluster" | python3 -c \
      'import json,sys; print(json.load(sys.stdin).get("node_count",0))' 2>/dev/null || echo 0)
    [[ $count == "$1" ]] && return 0
    sleep 0.5
  done
  echo "the cluster did not form (node_count=$count, wanted $1)" >&2
  exit 1
}

url() { echo "ws://127.0.0.1:${HTTP[$1]}/socket/websocket"; }

FAILED=()
# storm SCENARIO TOPIC_PREFIX NODE...
storm() {
  local scenario=$1 topic=$2 urls="" pids="" n
  shift 2
  for n in "$@"; do
    urls+="${urls:+,}$(url "$n")"
    pids+="${pids:+,}${PID[$n]}"
  done
  echo "--- $scenario: $USERS users, $TOPICS new topic(s), on $*" | tee -a "$OUT/summary.txt"
  if ! java -jar "$BENCH_JAR" storm --url "$urls" --jwt-secret "$SWITCHBOARD_JWT_SECRET" --users "$USERS" \
      --topics "$TOPICS" --topic "$topic" --pid "$pids" --out "$RESULTS" --target switchboard \
      --scenario "$scenario" --timeout-seconds "$TIMEOUT" --heartbeat-ms "$HEARTBEAT" | tee -a "$OUT/summary.txt"; then
    FAILED+=("$scenario")
  fi
}

# setup NAME CLUSTERED NODE...: per server jar, start the nodes, warm up, storm ROUNDS times, stop.
setup() {
  local name=$1 clustered=$2 n round i=0 entry label scenario cluster
  shift 2
  if [[ " $PARTS " != *" $name "* ]]; then
    return 0
  fi
  for entry in "${JARS[@]}"; do
    label=${entry%%=*}
    i=$((i + 1))
    scenario=$name
    ((${#JARS[@]} > 1)) && scenario=$label-$name
    cluster="sb-join-$RUN-$name-$i"
    for n in "$@"; do start_node "$n" "$clustered" "$cluster" "$scenario-$i" "${JAR_COPY[$label]}"; done
    [[ $clustered == 1 ]] && await_members $#
    # A fresh JVM spends seconds compiling: one unrecorded storm first.
    storm "$scenario-warmup" "room:$RUN-$name-$i-w-" "$@"
    for round in $(seq 1 "$ROUNDS"); do
      storm "$scenario" "room:$RUN-$name-$i-$round-" "$@"
    done
    stop_nodes
  done
}

setup single 0 A
setup cluster-1 1 A
setup cluster-3 1 A B C

# Summary: one row per recorded storm (warm-ups left out).
python3 - "$RESULTS" > "$OUT/summary.md" <<'EOF'
import json, sys
print("| scenario | nodes | joined | join s | joins/s | server CPU s | µs CPU/join | join p50 ms | p99 ms | max ms | unanswered |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
try:
    rows = [json.loads(l) for l in open(sys.argv[1])]
except FileNotFoundError:
    rows = []
for r in rows:
    if r["scenario"].endswith("-warmup"):
        continue
    L = r["joinLatency"]
    print(f'| {r["scenario"]} | {r["nodes"]} | {r["joined"]:,}/{r["users"]:,} | {r["joinSeconds"]:.2f} | '
          f'{r["joined"] / r["joinSeconds"]:,.0f} | {r["serverCpuSeconds"]:.2f} | {r["serverCpuMicrosPerJoin"]:,.0f} | '
          f'{L["p50Ms"]:,.0f} | {L["p99Ms"]:,.0f} | {L["maxMs"]:,.0f} | {r["joinsUnanswered"]} |')
EOF
cat "$OUT/summary.md"
echo "results: $RESULTS"
if ((${#FAILED[@]} > 0)); then
  echo "FAILED (not every join answered ok): ${FAILED[*]}" >&2
  exit 1
fi

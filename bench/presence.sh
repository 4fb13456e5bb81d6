#!/usr/bin/env bash
# Presence join storm: BENCH_PRESENCE_USERS (5,000) distinct users join one topic at once, on a presence topic
# (presence:*, Phoenix Presence list) and on a plain broadcast topic (room:*) in the same invocation, twice each
# in turn (presence, plain, presence, plain), first on one node (server pinned to core 0, generator to core 1),
# then on three clustered nodes (the jar's built-in loopback cluster.xml, Hazelcast ports 5931/5941/5951, random
# cluster name; nothing pinned) with the sockets spread evenly. Every node started here is stopped here by its
# PID (EXIT trap); every run is bounded in time.
#
#   bench/presence.sh
#   BENCH_SKIP_BUILD=1 BENCH_PRESENCE_USERS=2000 BENCH_PRESENCE_PARTS=single bench/presence.sh
#
# Knobs: BENCH_PRESENCE_USERS (5000), BENCH_PRESENCE_PARTS ("single cluster"), BENCH_SKIP_BUILD=1, BENCH_OUT.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

USERS=${BENCH_PRESENCE_USERS:-5000}
PARTS=${BENCH_PRESENCE_PARTS:-"single cluster"}
OUT=${BENCH_OUT:-bench/target/presence-$(date +%Y%m%d-%H%M%S)}
RESULTS=$OUT/results.jsonl

ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -q -o install -DskipTests -pl shared,bench -am
  [[ -f verticles/target/switchboard.jar ]] || mvn -B -q -o package -DskipTests
fi
cp verticles/target/switchboard.jar "$OUT/switchboard.jar"
cp bench/target/switchboard-bench.jar "$OUT/switchboard-bench.jar"
SERVER_JAR=$OUT/switchboard.jar
BENCH_JAR=$OUT/switchboard-bench.jar

NODES=(A B C)
declare -A HTTP=([A]=4300 [B]=4310 [C]=4320) METRICS=([A]=4301 [B]=4311 [C]=4321) HZ=([A]=5931 [B]=5941 [C]=5951)
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
# The node-wide connection limits (docs/RELIABILITY.md, "Limits") are meant for production traffic, not for a load
# generator opening thousands of sockets as one user as fast as it can: lift them unless the caller set them.
export SWITCHBOARD_MAX_CONNECTIONS_PER_USER=${SWITCHBOARD_MAX_CONNECTIONS_PER_USER:-10000000}
export SWITCHBOARD_UPGRADES_PER_SECOND=${SWITCHBOARD_UPGRADES_PER_SECOND:-10000000}
export SWITCHBOARD_UPGRADE_BURST=${SWITCHBOARD_UPGRADE_BURST:-10000000}
# 75% of the 20,000 descriptors by default; the idle and storm runs hold up to 19,000 sockets on one node.
export SWITCHBOARD_MAX_CONNECTIONS=${SWITCHBOARD_MAX_CONNECTIONS:-19500}
CLUSTER_NAME=sb-presence-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)"
  lscpu | head -n 15
  free -m
  java -version 2>&1
  echo "cluster name: $CLUSTER_NAME"
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

# start_node NAME CLUSTERED [taskset cpu list]
start_node() {
  local n=$1 clustered=$2 cpus=${3:-} log=$OUT/node-$1-$2.log
  local cmd=(java -jar "$SERVER_JAR")
  [[ $clustered == 1 ]] && cmd+=(-cluster)
  [[ -n $cpus ]] && cmd=(taskset -c "$cpus" "${cmd[@]}")
  SWITCHBOARD_CLUSTER_NAME=$CLUSTER_NAME SWITCHBOARD_CLUSTER_JOIN_WAIT_SECONDS=0 \
    SWITCHBOARD_CLUSTER_PORT=${HZ[$n]} \
    SWITCHBOARD_CLUSTER_MEMBERS=127.0.0.1:${HZ[A]},127.0.0.1:${HZ[B]},127.0.0.1:${HZ[C]} \
    SWITCHBOARD_HTTP_PORT=${HTTP[$n]} SWITCHBOARD_METRICS_PORT=${METRICS[$n]} \
    "${cmd[@]}" > "$log" 2>&1 &
  PID[$n]=$!
  for _ in $(seq 1 900); do
    grep -q "Switchboard started" "$log" && { echo "node $n started (pid ${PID[$n]})"; return 0; }
    kill -0 "${PID[$n]}" 2>/dev/null || { echo "node $n died at start:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "node $n did not start within 90 s" >&2
  exit 1
}

url() { echo "ws://127.0.0.1:${HTTP[$1]}/socket/websocket"; }

# storm SCENARIO TOPIC URLS PIDS [extra args]
storm() {
  local scenario=$1 topic=$2 urls=$3 pids=$4
  shift 4
  $GEN java -jar "$BENCH_JAR" storm --url "$urls" --jwt-secret "$SWITCHBOARD_JWT_SECRET" --users "$USERS" \
    --topic "$topic" --pid "$pids" --out "$RESULTS" --target switchboard --scenario "$scenario" "$@" \
    | tee -a "$OUT/summary.txt"
}

if [[ " $PARTS " == *" single "* ]]; then
  GEN="taskset -c 1"
  start_node A 0 0
  # A fresh JVM spends seconds compiling: one unrecorded storm of each kind first.
  storm "warmup" "presence:warmup-" "$(url A)" "${PID[A]}" --out /dev/null
  storm "warmup" "room:warmup-" "$(url A)" "${PID[A]}" --out /dev/null
  for round in 1 2; do
    storm "single-presence" "presence:storm-s$round-" "$(url A)" "${PID[A]}" --heap
    storm "single-plain" "room:storm-s$round-" "$(url A)" "${PID[A]}" --heap
  done
  stop_nodes
fi

if [[ " $PARTS " == *" cluster "* ]]; then
  GEN=""
  for n in "${NODES[@]}"; do start_node "$n" 1; done
  for _ in $(seq 1 60); do
    count=$(curl -s --max-time 2 "http://127.0.0.1:${METRICS[A]}/cluster" | python3 -c \
      'import json,sys; print(json.load(sys.stdin).get("node_count",0))' 2>/dev/null || echo 0)
    [[ $count == 3 ]] && break
    sleep 0.5
  done
  [[ $count == 3 ]] || { echo "the cluster did not form (node_count=$count)" >&2; exit 1; }
  urls="$(url A),$(url B),$(url C)"
  pids="${PID[A]},${PID[B]},${PID[C]}"
  storm "warmup" "presence:warmup-" "$urls" "$pids" --out /dev/null
  storm "warmup" "room:warmup-" "$urls" "$pids" --out /dev/null
  for round in 1 2; do
    storm "cluster-presence" "presence:storm-c$round-" "$urls" "$pids"
    storm "cluster-plain" "room:storm-c$round-" "$urls" "$pids"
  done
  stop_nodes
fi
echo "results: $RESULTS"

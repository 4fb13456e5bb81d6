#!/usr/bin/env bash
# Cluster benchmark: starts three clustered Switchboard nodes A, B, C on this machine (the jar's built-in
# cluster.xml, loopback only, Hazelcast ports 5901/5911/5921 and a random cluster name, so nobody else's test
# cluster on 5701-5703 is touched), then measures
#   1. same-node vs cross-node delivery: 1 topic x 500 subscribers, 1 publisher; subscribers and publisher on A,
#      then subscribers on B and the publisher on A; at BENCH_CLUSTER_RATES offered deliveries/s;
#   2. cluster messages per broadcast: subscribers on B and C, publisher on A, switchboard_cluster_published_total
#      and switchboard_cluster_received_total scraped from every node before and after;
#   3. BENCH_CLUSTER_IDLE (50,000) joined idle connections: one `idle` generator per node in parallel, all held
#      open at once, RSS per node before/after.
# Every node started here is stopped here by its PID (EXIT trap); every load run is bounded in time.
#
#   bench/cluster.sh
#   BENCH_SKIP_BUILD=1 BENCH_CLUSTER_IDLE=30000 bench/cluster.sh
#
# Knobs: BENCH_SECONDS (10), BENCH_WARMUP (3), BENCH_CLUSTER_RATES ("50000 150000"), BENCH_CLUSTER_SUBS (500),
# BENCH_CLUSTER_IDLE (50000), BENCH_CLUSTER_PARTS ("fanout counters idle"), BENCH_SKIP_BUILD=1, BENCH_OUT,
# BENCH_QUIET_WAIT (60).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SECS=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-3}
RATES=${BENCH_CLUSTER_RATES:-"50000 150000"}
SUBS=${BENCH_CLUSTER_SUBS:-500}
IDLE=${BENCH_CLUSTER_IDLE:-50000}
PARTS=${BENCH_CLUSTER_PARTS:-"fanout counters idle"}
OUT=${BENCH_OUT:-bench/target/cluster-$(date +%Y%m%d-%H%M%S)}
RESULTS=$OUT/results.jsonl
COUNTERS=$OUT/counters.tsv
SUMMARY=$OUT/summary.md

ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -q -o install -DskipTests -pl shared,bench -am
  [[ -f verticles/target/switchboard.jar ]] || mvn -B -q -o package -DskipTests
fi
# Private copies: a colleague's build must not swap the jars under live JVMs; they also record what was measured.
cp verticles/target/switchboard.jar "$OUT/switchboard.jar"
cp bench/target/switchboard-bench.jar "$OUT/switchboard-bench.jar"
SERVER_JAR=$OUT/switchboard.jar
BENCH_JAR=$OUT/switchboard-bench.jar

NODES=(A B C)
declare -A HTTP=([A]=4200 [B]=4210 [C]=4220) METRICS=([A]=4201 [B]=4211 [C]=4221) HZ=([A]=5901 [B]=5911 [C]=5921)
declare -A PID=()
for n in "${NODES[@]}"; do
  for p in "${HTTP[$n]}" "${METRICS[$n]}" "${HZ[$n]}"; do
    if ss -Hltn "sport = :$p" | grep -q .; then
      echo "port $p is already in use; not starting the cluster" >&2
      exit 1
    fi
  done
done

export SWITCHBOARD_JWT_SECRET=${SWITCHBOARD_JWT_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}
export SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_METRICS_HOST=127.0.0.1
export SWITCHBOARD_RATE_PER_SECOND=1000000
# The node-wide connection limits (docs/RELIABILITY.md, "Limits") are meant for production traffic, not for a load
# generator opening thousands of sockets as one user as fast as it can: lift them unless the caller set them.
export SWITCHBOARD_MAX_CONNECTIONS_PER_USER=${SWITCHBOARD_MAX_CONNECTIONS_PER_USER:-10000000}
export SWITCHBOARD_UPGRADES_PER_SECOND=${SWITCHBOARD_UPGRADES_PER_SECOND:-10000000}
export SWITCHBOARD_UPGRADE_BURST=${SWITCHBOARD_UPGRADE_BURST:-10000000}
# 75% of the 20,000 descriptors by default; the idle and storm runs hold up to 19,000 sockets on one node.
export SWITCHBOARD_MAX_CONNECTIONS=${SWITCHBOARD_MAX_CONNECTIONS:-19500}
CLUSTER_NAME=sb-bench-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
TOKEN=$(java -jar "$SERVER_JAR" token bench-user --ttl 86400 | tail -n 1)

{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)  (three server JVMs and the load generator(s) share these cores; nothing pinned)"
  lscpu | head -n 15
  free -m
  java -version 2>&1
  echo "ulimit -n: $(ulimit -n)"
  echo "cluster name: $CLUSTER_NAME"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

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
GEN_PIDS=()
cleanup() {
  local g
  for g in "${GEN_PIDS[@]}"; do
    kill -TERM "$g" 2>/dev/null || true
  done
  stop_nodes
}
trap cleanup EXIT
trap 'exit 130' INT TERM

MEMBERS=127.0.0.1:${HZ[A]},127.0.0.1:${HZ[B]},127.0.0.1:${HZ[C]}
start_node() {
  local n=$1 log=$OUT/node-$1.log
  SWITCHBOARD_CLUSTER_NAME=$CLUSTER_NAME SWITCHBOARD_CLUSTER_JOIN_WAIT_SECONDS=0 \
    SWITCHBOARD_CLUSTER_PORT=${HZ[$n]} SWITCHBOARD_CLUSTER_MEMBERS=$MEMBERS \
    SWITCHBOARD_HTTP_PORT=${HTTP[$n]} SWITCHBOARD_METRICS_PORT=${METRICS[$n]} \
    java -jar "$SERVER_JAR" -cluster > "$log" 2>&1 &
  PID[$n]=$!
  for _ in $(seq 1 900); do
    grep -q "Switchboard started" "$log" && { echo "node $n started (pid ${PID[$n]})"; return 0; }
    kill -0 "${PID[$n]}" 2>/dev/null || { echo "node $n died at start:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "node $n did not start within 90 s:" >&2
  tail -n 50 "$log" >&2
  exit 1
}
for n in "${NODES[@]}"; do start_node "$n"; done
grep -h "Joined Hazelcast" "$OUT"/node-*.log || true

# Bounded wait until A's cluster view has all three nodes.
for _ in $(seq 1 60); do
  count=$(curl -s --max-time 2 "http://127.0.0.1:${METRICS[A]}/cluster" | python3 -c \
    'import json,sys; print(json.load(sys.stdin).get("node_count",0))' 2>/dev/null || echo 0)
  [[ $count == 3 ]] && break
  sleep 0.5
done
echo "cluster view of A: $count nodes"
[[ $count == 3 ]] || { echo "the cluster did not form (node_count=$count)" >&2; exit 1; }

url() { echo "ws://127.0.0.1:${HTTP[$1]}/socket/websocket"; }

# counter NODE NAME: the sum of a Prometheus counter's samples on that node.
counter() {
  curl -s --max-time 5 "http://127.0.0.1:${METRICS[$1]}/metrics" |
    awk -v m="$2" '$1 == m || index($1, m "{") == 1 { s += $NF } END { printf "%.0f\n", s + 0 }'
}
snapshot() { # snapshot LABEL: one row per node
  local n
  for n in "${NODES[@]}"; do
    printf '%s\t%s\t%s\t%s\n' "$1" "$n" "$(counter "$n" switchboard_cluster_published_total)" \
      "$(counter "$n" switchboard_cluster_received_total)" >> "$COUNTERS"
  done
}
printf 'label\tnode\tpublished\treceived\n' > "$COUNTERS"

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
own_ticks() { # CPU ticks of our nodes (they are not idle between runs: heartbeats, gossip)
  local n t=0
  for n in "${NODES[@]}"; do
    t=$((t + $(awk '{print $14+$15}' "/proc/${PID[$n]}/stat")))
  done
  echo $t
}
wait_quiet() {
  local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-60})) a b oa ob
  while ((SECONDS < deadline)); do
    a=$(busy_ticks); oa=$(own_ticks); sleep 2; b=$(busy_ticks); ob=$(own_ticks)
    ((((b - a) - (ob - oa)) * 100 / $(getconf CLK_TCK) < 30)) && return 0
  done
  echo "WARNING: the machine is busy with other work; this run's figures are skewed" >&2
}

FAILED=()
fanout() { # fanout SCENARIO SUB_NODES(comma) PUB_NODE PID_NODE RATE_DELIVERIES
  local scenario=$1 subs=$2 pub=$3 pidnode=$4 rate=$5 urls="" n
  for n in ${subs//,/ }; do urls+="${urls:+,}$(url "$n")"; done
  wait_quiet
  echo "--- $scenario: $SUBS subscribers on $subs, publisher on $pub, offered $rate deliveries/s"
  snapshot "$scenario:before"
  if ! timeout $((SECS + WARMUP + 200)) java -jar "$BENCH_JAR" fanout --target "cluster" --scenario "$scenario" \
      --url "$urls" --publisher-url "$(url "$pub")" --token "$TOKEN" --pid "${PID[$pidnode]}" \
      --subscribers "$SUBS" --topics 1 --publishers 1 --rate $((rate / SUBS)) --seconds "$SECS" \
      --warmup-seconds "$WARMUP" --payload-bytes 100 --out "$RESULTS" | grep -v '^RESULT '; then
    FAILED+=("$scenario")
  fi
  snapshot "$scenario:after"
}

has() { [[ " $PARTS " == *" $1 "* ]]; }

if has fanout; then
  for r in $RATES; do
    fanout "same-A-$((r / 1000))k" A A A "$r"
    fanout "cross-B-$((r / 1000))k" B A B "$r"
  done
fi
if has counters; then
  r=${RATES%% *}
  fanout "counters-BC-$((r / 1000))k" B,C A B "$r"
fi

if has idle; then
  wait_quiet
  per=$(((IDLE + 2) / 3))
  echo "--- idle: $per connections to each of A, B, C at once (total $((per * 3)))"
  rm -f "$OUT/release"
  GEN_PIDS=()
  declare -A IDLE_LOG=()
  for n in "${NODES[@]}"; do
    IDLE_LOG[$n]=$OUT/idle-$n.log
    java -jar "$BENCH_JAR" idle --target "cluster-$n" --scenario "idle-3nodes-$n" --url "$(url "$n")" \
      --token "$TOKEN" --pid "${PID[$n]}" --connections "$per" --topics 100 --timeout-seconds 240 \
      --hold-seconds 200 --hold-file "$OUT/release" --out "$RESULTS" > "${IDLE_LOG[$n]}" 2>&1 &
    GEN_PIDS+=($!)
  done
  # Wait (bounded) until every generator has reported (it then holds its sockets) or exited.
  for _ in $(seq 1 3000); do
    done_count=0
    for i in 0 1 2; do
      n=${NODES[$i]}
      if grep -q "holding the sockets open" "${IDLE_LOG[$n]}" || ! kill -0 "${GEN_PIDS[$i]}" 2>/dev/null; then
        done_count=$((done_count + 1))
      fi
    done
    ((done_count == 3)) && break
    sleep 0.1
  done
  sleep 3 # one gossip round for the cluster view
  echo "held at once:" | tee "$OUT/idle-held.txt"
  for n in "${NODES[@]}"; do
    echo "node $n: RSS $(awk '/VmRSS/{print $2, $3}' "/proc/${PID[$n]}/status"), established sockets on its port:" \
      "$(ss -Htn state established "sport = :${HTTP[$n]}" | wc -l)" | tee -a "$OUT/idle-held.txt"
  done
  curl -s --max-time 5 "http://127.0.0.1:${METRICS[A]}/cluster" | tee -a "$OUT/idle-held.txt"
  echo
  touch "$OUT/release"
  for i in 0 1 2; do
    if ! wait "${GEN_PIDS[$i]}"; then FAILED+=("idle-${NODES[$i]}"); fi
  done
  GEN_PIDS=()
  for n in "${NODES[@]}"; do
    echo "== idle generator for node $n"
    grep -v '^RESULT ' "${IDLE_LOG[$n]}"
  done
fi

# Summary: ratios with absolute figures beside them.
python3 - "$RESULTS" "$COUNTERS" "$OUT" > "$SUMMARY" <<'EOF'
import json, sys, collections
res, counters, out = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {}
try:
    for line in open(res):
        r = json.loads(line); rows[r["scenario"]] = r
except FileNotFoundError:
    pass
c = collections.defaultdict(dict)
for line in list(open(counters))[1:]:
    label, node, pub, rec = line.split("\t")
    c[label][node] = (int(pub), int(rec))
def delta(s, node):
    b, a = c.get(s + ":before", {}).get(node), c.get(s + ":after", {}).get(node)
    return (a[0] - b[0], a[1] - b[1]) if a and b else (0, 0)
print("| scenario | offered deliveries/s | delivered/s | loss | p50 ms | p99 ms | max ms | sub-node CPU ns/delivery | published(A) | received A/B/C |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for s, r in rows.items():
    if r["kind"] != "fanout": continue
    L = r["latency"]
    pa = delta(s, "A")[0]
    rec = "/".join(f'{delta(s, n)[1]:,}' for n in "ABC")
    print(f'| {s} | {r["offeredDeliveriesPerSec"]:,.0f} | {r["deliveriesPerSec"]:,.0f} | {r["lost"]} ({r["lossPct"]:.3f}%) | '
          f'{L.get("p50Ms", L.get("p50", 0))} | {L.get("p99Ms", L.get("p99", 0))} | {L.get("maxMs", L.get("max", 0))} | '
          f'{r["serverCpuNsPerDelivery"]:,.0f} | {pa:,} | {rec} |')
print()
for s, r in rows.items():
    if s.startswith("cross-"):
        same = rows.get("same-A-" + s.split("-")[-1])
        if same:
            ls, lc = same["latency"], r["latency"]
            if same["deliveriesPerSec"] > 0: print(f'{s}: cross/same delivered/s {r["deliveriesPerSec"] / same["deliveriesPerSec"]:.2f}x '
                  f'({r["deliveriesPerSec"]:,.0f} vs {same["deliveriesPerSec"]:,.0f}); latency JSON same={json.dumps(ls)} cross={json.dumps(lc)}')
for s in rows:
    if s.startswith("counters-"):
        pa = delta(s, "A")[0]; rb = delta(s, "B")[1]; rc = delta(s, "C")[1]; ra = delta(s, "A")[1]
        print(f'{s}: (received(B)+received(C))/published(A) = {((rb + rc) / pa) if pa else float("nan"):.3f} '
              f'({rb:,} + {rc:,} / {pa:,}); received(A) = {ra:,}')
idle = [r for r in rows.values() if r["kind"] == "idle"]
if idle:
    print()
    print("| node | joined | connect s | connect+join/s | RSS before MB | RSS after MB | RSS KB/conn | live heap KB/conn |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in sorted(idle, key=lambda r: r["target"]):
        print(f'| {r["target"]} | {r["joined"]:,}/{r["connections"]:,} | {r["connectSeconds"]:.1f} | {r["connectPerSec"]:,.0f} | '
              f'{r["rssBeforeKb"] / 1024:,.0f} | {r["rssAfterKb"] / 1024:,.0f} | {r["rssKbPerConnection"]:.2f} | {r["heapKbPerConnection"]:.2f} |')
    tj = sum(r["joined"] for r in idle); tn = sum(r["connections"] for r in idle)
    print(f'\ntotal joined {tj:,}/{tn:,}; slowest connect {max(r["connectSeconds"] for r in idle):.1f} s')
EOF
echo
cat "$SUMMARY"
echo "Results: $OUT"
if ((${#FAILED[@]} > 0)); then
  echo "FAILED: ${FAILED[*]}" >&2
  exit 1
fi

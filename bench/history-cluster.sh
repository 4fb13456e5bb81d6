#!/usr/bin/env bash
# History's cost in a cluster, a first look: two clustered nodes on loopback (the jar's cluster.xml, Hazelcast
# ports 5961/5971, a random cluster name), subscribers on B, publishers on A; publish-heavy (200 topics x 1
# subscriber, 20 publishers, windows of 8) on room:* (history) and on plain:* (the same rule without), alternating,
# twice. Nothing is pinned: both nodes and the generator share the machine. Both nodes are stopped by PID on exit.
#
#   BENCH_SKIP_BUILD=1 bench/history-cluster.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${BENCH_OUT:-bench/target/history-cluster-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests
fi
cp verticles/target/switchboard.jar bench/target/switchboard-bench.jar "$OUT/"
sed 's|  "channels": \[|  "channels": [\n    { "pattern": "plain:*", "kind": "broadcast", "join": "authenticated", "clientEvents": ["message", "shout"] },|' \
  conf/config.json > "$OUT/config.json"
cd "$OUT"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export SWITCHBOARD_JWT_SECRET=bench-secret-0123456789abcdef0123456789abcdef SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_METRICS_HOST=127.0.0.1
export SWITCHBOARD_RATE_PER_SECOND=1000000 SWITCHBOARD_MAX_CONNECTIONS_PER_USER=10000000 SWITCHBOARD_UPGRADES_PER_SECOND=10000000
export SWITCHBOARD_CLUSTER_NAME=sb-hc-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n') SWITCHBOARD_CLUSTER_MEMBERS=127.0.0.1:5961,127.0.0.1:5971
declare -A PID
for n in A:4500:5961 B:4510:5971; do
  IFS=: read -r name port hz <<<"$n"
  SWITCHBOARD_HTTP_PORT=$port SWITCHBOARD_METRICS_PORT=$((port + 1)) SWITCHBOARD_CLUSTER_PORT=$hz \
    java -Xmn64m -jar switchboard.jar -cluster -conf config.json > "node-$name.log" 2>&1 &
  PID[$name]=$!
done
trap 'kill ${PID[A]} ${PID[B]} 2>/dev/null || true; wait' EXIT
for n in A B; do
  for _ in $(seq 1 600); do grep -q "Switchboard started" "node-$n.log" && break; sleep 0.1; done
  grep -q "Switchboard started" "node-$n.log" || { echo "node $n did not start" >&2; exit 1; }
done
for _ in $(seq 1 100); do
  [[ $(curl -s 127.0.0.1:4501/cluster | grep -o '"node_count":[0-9]*' | cut -d: -f2) == 2 ]] && break
  sleep 0.2
done
TOKEN=$(java -jar switchboard.jar token bench-user --ttl 3600 | tail -n 1)
for round in 1 2; do
  for t in plain room; do
    echo "--- publish-heavy across nodes on $t:* (round $round)"
    java -jar switchboard-bench.jar fanout --target "$t" --scenario cluster-publish-heavy --topic-prefix "$t:c$round-" \
      --url ws://127.0.0.1:4510/socket/websocket --publisher-url ws://127.0.0.1:4500/socket/websocket --token "$TOKEN" \
      --pid "${PID[A]}" --subscribers 200 --topics 200 --publishers 20 --rate 0 --window 8 --seconds 10 \
      --warmup-seconds 5 --payload-bytes 100 --out results.jsonl | grep -E "deliveries |server CPU|WARNING"
  done
done
echo "results: $OUT/results.jsonl"

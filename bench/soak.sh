#!/usr/bin/env bash
# Soak (issue 15): one node (the fat jar, heap committed and touched at the start so that RSS shows native
# growth alone), 10,000 sockets, each a user of its own on one of 100 history topics (room:*), churning: every second
# SOAK_CHURN of them leave, close, reconnect and rejoin, and SOAK_PUSHES pushes fan out to their topic's ~100
# subscribers. Every minute the churn pauses until every socket is back in, and the node's RSS, live heap after
# a full GC, descriptors and threads are sampled; at the end, each one's slope and whether it stayed flat
# (bench SoakTrend). CI runs a two-minute version (bench SoakIT). The node is stopped by PID on exit.
#
#   BENCH_SKIP_BUILD=1 SOAK_SECONDS=1800 bench/soak.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${BENCH_OUT:-bench/target/soak-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests
fi
cp verticles/target/switchboard.jar bench/target/switchboard-bench.jar "$OUT/"
cd "$OUT"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
export SWITCHBOARD_JWT_SECRET=bench-secret-0123456789abcdef0123456789abcdef SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_METRICS_HOST=127.0.0.1
export SWITCHBOARD_HTTP_PORT=4600 SWITCHBOARD_METRICS_PORT=4601
java -Xms1g -Xmx1g -XX:+AlwaysPreTouch -jar switchboard.jar > node.log 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null || true; wait' EXIT
for _ in $(seq 1 600); do grep -q "Switchboard started" node.log && break; sleep 0.1; done
grep -q "Switchboard started" node.log || { echo "the node did not start" >&2; exit 1; }
java -jar switchboard-bench.jar soak --url ws://127.0.0.1:4600/socket/websocket --jwt-secret "$SWITCHBOARD_JWT_SECRET" \
  --pid "$NODE" --sockets "${SOAK_SOCKETS:-10000}" --topics 100 --seconds "${SOAK_SECONDS:-1800}" --sample-seconds 60 \
  --warmup-seconds 60 --churn-per-second "${SOAK_CHURN:-200}" --pushes-per-second "${SOAK_PUSHES:-200}" \
  --out results.jsonl --target switchboard --scenario soak
echo "results: $OUT/results.jsonl"

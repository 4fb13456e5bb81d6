#!/usr/bin/env bash
# History's cost, measured against the same server with history off, in one invocation: the shipped config plus a
# `plain:*` broadcast rule that keeps no history, so `room:*` (history on, 100 broadcasts for 5 minutes) and
# `plain:*` differ in that only. One node, server pinned to core 0, load generator to core 1; every run alternates
# plain, history, plain, history. Then `recover`: the time for a rejoin to recover BENCH_HISTORY_MISSED (300) missed
# broadcasts, and the live heap per kept broadcast. The server started here is stopped here by its PID (EXIT trap).
#
#   bench/history.sh
#   BENCH_SKIP_BUILD=1 BENCH_SECONDS=5 bench/history.sh
#
# Knobs: BENCH_SECONDS (10), BENCH_WARMUP (5), BENCH_HISTORY_FANOUT_RATE (publishes/s of the 1x1000 fan-out, 200),
# BENCH_HISTORY_MISSED (300), BENCH_HISTORY_ROUNDS (50), BENCH_HISTORY_PARTS ("fanout recover"), BENCH_SKIP_BUILD=1, BENCH_OUT, BENCH_SB_PORT (4400).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SECS=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-5}
FANOUT_RATE=${BENCH_HISTORY_FANOUT_RATE:-200}
MISSED=${BENCH_HISTORY_MISSED:-300}
ROUNDS=${BENCH_HISTORY_ROUNDS:-50}
PORT=${BENCH_SB_PORT:-4400}
OUT=${BENCH_OUT:-bench/target/history-$(date +%Y%m%d-%H%M%S)}
RESULTS=$OUT/results.jsonl

ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests
fi
cp verticles/target/switchboard.jar "$OUT/switchboard.jar"
cp bench/target/switchboard-bench.jar "$OUT/switchboard-bench.jar"

# The shipped config with two more rules in front: plain:* is room:* without history; recover:* keeps 1,000 (the
# shipped 100 could not replay 300).
sed 's|  "channels": \[|  "channels": [\n    { "pattern": "plain:*", "kind": "broadcast", "join": "authenticated", "clientEvents": ["message", "shout"] },\n    { "pattern": "recover:*", "kind": "broadcast", "join": "authenticated", "clientEvents": ["shout"], "history": { "size": 1000 } },|' \
  conf/config.json > "$OUT/config.json"
grep -q '"plain:\*"' "$OUT/config.json" || { echo "could not add the plain:* rule to the config" >&2; exit 1; }

export SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_METRICS_HOST=127.0.0.1
export SWITCHBOARD_HTTP_PORT=$PORT SWITCHBOARD_METRICS_PORT=$((PORT + 1))
export SWITCHBOARD_RATE_PER_SECOND=${SWITCHBOARD_RATE_PER_SECOND:-1000000}
export SWITCHBOARD_JWT_SECRET=${SWITCHBOARD_JWT_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}
# The node-wide connection limits (docs/RELIABILITY.md, "Limits") are meant for production traffic, not for a load
# generator opening thousands of sockets as one user as fast as it can: lift them unless the caller set them.
export SWITCHBOARD_MAX_CONNECTIONS_PER_USER=${SWITCHBOARD_MAX_CONNECTIONS_PER_USER:-10000000}
export SWITCHBOARD_UPGRADES_PER_SECOND=${SWITCHBOARD_UPGRADES_PER_SECOND:-10000000}
export SWITCHBOARD_UPGRADE_BURST=${SWITCHBOARD_UPGRADE_BURST:-10000000}
# 75% of the 20,000 descriptors by default; the idle and storm runs hold up to 19,000 sockets on one node.
export SWITCHBOARD_MAX_CONNECTIONS=${SWITCHBOARD_MAX_CONNECTIONS:-19500}
TOKEN=$(java -jar "$OUT/switchboard.jar" token bench-user --ttl 86400 | tail -n 1)
{
  echo "date: $(date -u +%FT%TZ)"; echo "nproc: $(nproc)"; lscpu | head -n 15; java -version 2>&1
  git log -1 --format='commit: %H'
} > "$OUT/machine.txt"

SERVER_PID=""
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

log=$OUT/server.log
taskset -c 0 java -Xmn64m -jar "$OUT/switchboard.jar" -conf "$OUT/config.json" > "$log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  grep -q "Switchboard started" "$log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "server died at start:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
grep -q "Switchboard started" "$log" || { echo "server did not start within 30 s" >&2; exit 1; }
URL="ws://127.0.0.1:$PORT/socket/websocket"

gen() {
  taskset -c 1 java -jar "$OUT/switchboard-bench.jar" "$@" --url "$URL" --token "$TOKEN" --pid "$SERVER_PID" \
    --out "$RESULTS" | grep -v '^RESULT '
}

PARTS=${BENCH_HISTORY_PARTS:-"fanout recover"}
for round in $([[ " $PARTS " == *" fanout "* ]] && echo 1 2); do
  for t in plain room; do
    echo "--- fan-out 1 topic x 1,000 subscribers on $t:*, $FANOUT_RATE publishes/s (round $round)"
    gen fanout --target "$t" --scenario "fanout-1x1000" --topic-prefix "$t:fan$round-" --subscribers 1000 \
      --topics 1 --publishers 1 --rate "$FANOUT_RATE" --seconds "$SECS" --warmup-seconds "$WARMUP" --payload-bytes 100
  done
  for t in plain room; do
    echo "--- publish-heavy: 1,000 topics x 1 subscriber, 100 publishers as fast as windows of 8 allow, on $t:* (round $round)"
    gen fanout --target "$t" --scenario "publish-heavy" --topic-prefix "$t:pub$round-" --subscribers 1000 \
      --topics 1000 --publishers 100 --rate 0 --window 8 --seconds "$SECS" --warmup-seconds "$WARMUP" --payload-bytes 100
  done
done
if [[ " $PARTS " == *" recover "* ]]; then
echo "--- recover: $ROUNDS rejoins, each after $MISSED missed broadcasts; then live heap per kept broadcast"
gen recover --target room --scenario "recover-$MISSED" --topic-prefix recover:bench- --rounds "$ROUNDS" --missed "$MISSED" \
  --fill-topics 200 --keep 100 --payload-bytes 100
fi
echo "results: $RESULTS"
java -jar "$OUT/switchboard-bench.jar" table --in "$RESULTS" --baseline plain || true

#!/usr/bin/env bash
# Connect+join cost against the bare Vert.x server (issue 15, "Cheaper connects"): BENCH_CONNECT_USERS (19,000)
# distinct users connect and join one of 100 topics at once (`storm`), against a Switchboard node (JWT verified at
# each upgrade, history topics, limits, metrics) and against bench's bare-server (just enough Phoenix V2 to join,
# no auth), alternating switchboard, bare, switchboard, bare ... BENCH_CONNECT_ROUNDS (2) times in one invocation,
# each server after one unrecorded warm-up storm in its fresh JVM. The servers are pinned to core 0 and the
# generator to core 1, both servers on the same transport (BENCH_CONNECT_TRANSPORT, epoll). Reports server CPU per
# connect+join and the ratio. Every server started here is stopped by its PID.
#
#   BENCH_SKIP_BUILD=1 bench/connectstorm.sh
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
USERS=${BENCH_CONNECT_USERS:-19000}
ROUNDS=${BENCH_CONNECT_ROUNDS:-2}
TRANSPORT=${BENCH_CONNECT_TRANSPORT:-epoll}
OUT=${BENCH_OUT:-bench/target/connectstorm-$(date +%Y%m%d-%H%M%S)}
RESULTS=$OUT/results.jsonl
mkdir -p "$OUT"
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests
fi
# Private copies: a colleague's build must not swap the jars under live JVMs.
cp "${BENCH_SERVER_JAR:-verticles/target/switchboard.jar}" "$OUT/switchboard.jar"
cp bench/target/switchboard-bench.jar "$OUT/switchboard-bench.jar"
{
  echo "date: $(date -u +%FT%TZ)"; echo "nproc: $(nproc)"; uptime
  echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"; sha1sum "$OUT"/*.jar
} > "$OUT/machine.txt"

export SWITCHBOARD_JWT_SECRET=bench-secret-0123456789abcdef0123456789abcdef
export SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_METRICS_HOST=127.0.0.1 SWITCHBOARD_HTTP_PORT=4460
export SWITCHBOARD_METRICS_PORT=4461 SWITCHBOARD_TRANSPORT=$TRANSPORT
# A load generator opens sockets faster than production clients would: lift the node-wide door limits.
export SWITCHBOARD_MAX_CONNECTIONS_PER_USER=10000000 SWITCHBOARD_UPGRADES_PER_SECOND=10000000
export SWITCHBOARD_UPGRADE_BURST=10000000 SWITCHBOARD_MAX_CONNECTIONS=19500
BARE_PORT=4470

SERVER=""
stop_server() {
  if [[ -n $SERVER ]] && kill -0 "$SERVER" 2>/dev/null; then
    kill -TERM "$SERVER"
    for _ in $(seq 1 150); do kill -0 "$SERVER" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  SERVER=""
}
trap stop_server EXIT

# start TARGET: starts the server, sets SERVER and URL
start() {
  local log=$OUT/server-$1-$2.log
  if [[ $1 == switchboard ]]; then
    taskset -c 0 java -jar "$OUT/switchboard.jar" > "$log" 2>&1 &
    URL="ws://127.0.0.1:$SWITCHBOARD_HTTP_PORT/socket/websocket"
  else
    taskset -c 0 java -jar "$OUT/switchboard-bench.jar" bare-server --host 127.0.0.1 --port $BARE_PORT \
      --mode coalesced --transport "$TRANSPORT" > "$log" 2>&1 &
    URL="ws://127.0.0.1:$BARE_PORT/socket/websocket"
  fi
  SERVER=$!
  for _ in $(seq 1 300); do
    grep -qE "listening|Switchboard started" "$log" && return 0
    kill -0 "$SERVER" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$1 did not start" >&2
  exit 1
}

storm() { # storm TARGET SCENARIO
  taskset -c 1 java -jar "$OUT/switchboard-bench.jar" storm --url "$URL" --jwt-secret "$SWITCHBOARD_JWT_SECRET" \
    --users "$USERS" --topics 100 --topic "room:connect-$2-" --pid "$SERVER" --out "$RESULTS" --target "$1" \
    --scenario "$2" --timeout-seconds 300 | tee -a "$OUT/summary.txt"
}

for round in $(seq 1 "$ROUNDS"); do
  for target in switchboard bare; do
    start "$target" "$round"
    storm "$target" "$target-$round-warmup"
    storm "$target" "$target-$round"
    stop_server
  done
done

python3 - "$RESULTS" <<'EOF' | tee "$OUT/summary.md"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if '"warmup' not in l and '-warmup"' not in l]
rows = [r for r in rows if not r["scenario"].endswith("-warmup")]
print("| round | Switchboard µs CPU/connect+join | bare µs CPU/connect+join | Switchboard / bare | all joined after (Switchboard / bare) |")
print("|---|---:|---:|---:|---:|")
by = {r["scenario"]: r for r in rows}
rounds = sorted({s.rsplit("-", 1)[1] for s in by})
for n in rounds:
    s, b = by.get(f"switchboard-{n}"), by.get(f"bare-{n}")
    if s and b:
        print(f"| {n} | {s['serverCpuMicrosPerJoin']:.0f} | {b['serverCpuMicrosPerJoin']:.0f} | "
              f"{s['serverCpuMicrosPerJoin'] / b['serverCpuMicrosPerJoin']:.2f}× | "
              f"{s['joinSeconds']:.2f} s / {b['joinSeconds']:.2f} s |")
EOF
echo "results: $RESULTS"

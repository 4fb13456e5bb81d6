#!/usr/bin/env bash
# Runs the benchmark end to end: builds, then for each target (Switchboard, bare flush, bare coalesced) starts the
# server pinned to core 0, drives it from core 1 with the load generator, stops it, and prints one table with
# absolute figures and ratios to the coalesced bare baseline. Loopback only; every server started here is stopped
# here (by PID, also on Ctrl-C/errors via the EXIT trap).
#
#   bench/run.sh                         # everything (about 10 minutes)
#   BENCH_SCENARIOS="a" bench/run.sh     # only scenario a; also "b", "c", or any mix ("a c")
#   BENCH_SCENARIOS="d e f" BENCH_TARGETS=switchboard bench/run.sh   # compression, batching, stuck consumer
#   BENCH_TARGETS="switchboard bare-coalesced" BENCH_SECONDS=5 bench/run.sh
#
# Knobs (environment): BENCH_JAVA_OPTS (server JVM flags, "-Xmn64m"), BENCH_SECONDS (10), BENCH_WARMUP (3),
# BENCH_FEATURE_WARMUP (10, for d, e, f), BENCH_RATES (offered deliveries/s of scenario a,
# "100000 200000 400000"), BENCH_MAX=1 adds an "as fast as the window allows" run to a and b, BENCH_IDLE (18000
# connections), BENCH_QUIET_WAIT (at most this many seconds, 180, to wait for an idle machine before each run),
# BENCH_SKIP_BUILD=1, BENCH_BARE_TRANSPORT (nio; or epoll, io_uring: the bare servers' transport, compare with
# SWITCHBOARD_TRANSPORT), BENCH_OUT (results folder), BENCH_SB_PORT (4000), BENCH_BARE_PORT (4100). SWITCHBOARD_*
# variables set by the caller reach the Switchboard server (e.g. SWITCHBOARD_SOCKET_INSTANCES=1).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

SECS=${BENCH_SECONDS:-10}
WARMUP=${BENCH_WARMUP:-3}
# d, e, f: each run is the first use of its code path (compression, batching, a stuck socket) on that server, so a
# 3 s warm-up measured the JIT compiling it (e at 100 msgs/s: 2.42x with 3 s, 3.30x after 15 s on fresh servers).
FEATURE_WARMUP=${BENCH_FEATURE_WARMUP:-10}
RATES=${BENCH_RATES:-"100000 200000 400000"}
MAX=${BENCH_MAX:-1}
IDLE=${BENCH_IDLE:-18000}
SCENARIOS=${BENCH_SCENARIOS:-"a b c d e f"}
TARGETS=${BENCH_TARGETS:-"switchboard bare-flush bare-coalesced"}
SB_PORT=${BENCH_SB_PORT:-4000}
BARE_PORT=${BENCH_BARE_PORT:-4100}
OUT=${BENCH_OUT:-bench/target/results-$(date +%Y%m%d-%H%M%S)}
RESULTS=$OUT/results.jsonl
# JVM flags for every server started here (Switchboard and the bare baselines alike). -Xmn64m caps the young
# generation: a JVM on one core runs SerialGC, whose default eden (~100 MB here) is touched once and stays resident,
# a fixed cost that the idle scenario would otherwise spread over its sockets (docs/CONFIG.md, "JVM flags").
JAVA_OPTS=${BENCH_JAVA_OPTS--Xmn64m}

# The hard limit here is 20,000 descriptors per process; the idle scenario needs about 18,000 on each side.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)"
mkdir -p "$OUT"

if [[ ${BENCH_SKIP_BUILD:-0} != 1 ]]; then
  mvn -B -q -o install -DskipTests || mvn -B -q install -DskipTests
fi
# Run private copies: a build running meanwhile (ours or a colleague's) would swap the jars under live JVMs. The
# copies also record exactly what was measured.
cp verticles/target/switchboard.jar "$OUT/switchboard.jar"
cp bench/target/switchboard-bench.jar "$OUT/switchboard-bench.jar"
SERVER_JAR=$OUT/switchboard.jar
BENCH_JAR=$OUT/switchboard-bench.jar

# Switchboard's own settings: loopback only, a fixed 32+ byte HS256 secret so `token` and the server agree.
export SWITCHBOARD_HTTP_HOST=127.0.0.1
export SWITCHBOARD_METRICS_HOST=127.0.0.1
export SWITCHBOARD_HTTP_PORT=$SB_PORT
export SWITCHBOARD_METRICS_PORT=$((SB_PORT + 1))
# The default per-socket inbound limit (100 pushes/s, then error replies and a 1008 close) would cap a single
# publisher far below the fan-out rates measured here; lift it unless the caller set it (README: rateLimit).
export SWITCHBOARD_RATE_PER_SECOND=${SWITCHBOARD_RATE_PER_SECOND:-1000000}
export SWITCHBOARD_JWT_SECRET=${SWITCHBOARD_JWT_SECRET:-bench-secret-0123456789abcdef0123456789abcdef}
# The node-wide connection limits (docs/RELIABILITY.md, "Limits") are meant for production traffic, not for a load
# generator opening thousands of sockets as one user as fast as it can: lift them unless the caller set them.
export SWITCHBOARD_MAX_CONNECTIONS_PER_USER=${SWITCHBOARD_MAX_CONNECTIONS_PER_USER:-10000000}
export SWITCHBOARD_UPGRADES_PER_SECOND=${SWITCHBOARD_UPGRADES_PER_SECOND:-10000000}
export SWITCHBOARD_UPGRADE_BURST=${SWITCHBOARD_UPGRADE_BURST:-10000000}
# 75% of the 20,000 descriptors by default; the idle and storm runs hold up to 19,000 sockets on one node.
export SWITCHBOARD_MAX_CONNECTIONS=${SWITCHBOARD_MAX_CONNECTIONS:-19500}
TOKEN=$(java -jar "$SERVER_JAR" token bench-user --ttl 86400 | tail -n 1)

{
  echo "date: $(date -u +%FT%TZ)"
  echo "nproc: $(nproc)"
  lscpu | head -n 15
  java -version 2>&1
  echo "ulimit -n: $(ulimit -n)"
  echo "server JVM flags: ${JAVA_OPTS:-(none)}; SWITCHBOARD_TRANSPORT: ${SWITCHBOARD_TRANSPORT:-auto}; bare transport: ${BENCH_BARE_TRANSPORT:-nio}"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

SERVER_PID=""
stop_server() {
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    # Wait for that PID to exit (bounded); only then force it.
    for _ in $(seq 1 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT
trap 'exit 130' INT TERM

# start_server TARGET: starts it pinned to core 0, sets SERVER_PID and URL, waits (bounded) until it is up.
start_server() {
  local target=$1 log="$OUT/server-$1-$(date +%H%M%S%N).log" port
  case $target in
    switchboard)
      port=$SB_PORT
      taskset -c 0 java $JAVA_OPTS -jar "$SERVER_JAR" > "$log" 2>&1 &
      ;;
    bare-flush | bare-coalesced)
      port=$BARE_PORT
      taskset -c 0 java $JAVA_OPTS -jar "$BENCH_JAR" bare-server --host 127.0.0.1 --port "$port" --mode "${target#bare-}" \
        --transport "${BENCH_BARE_TRANSPORT:-nio}" > "$log" 2>&1 &
      ;;
    *) echo "unknown target $target" >&2; exit 2 ;;
  esac
  SERVER_PID=$!
  URL="ws://127.0.0.1:$port/socket/websocket"
  for _ in $(seq 1 300); do
    grep -qE "listening|Succeeded in deploying" "$log" && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || { echo "$target died at start:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  echo "$target did not start within 30 s:" >&2
  cat "$log" >&2
  exit 1
}

# This machine may be shared (someone's `mvn verify` takes both cores): before each run wait, bounded, until the
# whole machine is nearly idle; each result also records the CPU that was busy outside server and generator.
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
wait_quiet() {
  local deadline=$((SECONDS + ${BENCH_QUIET_WAIT:-180})) a b
  while ((SECONDS < deadline)); do
    a=$(busy_ticks); sleep 2; b=$(busy_ticks)
    (((b - a) * 100 / $(getconf CLK_TCK) < 30)) && return 0 # under 0.15 cores busy over 2 s
  done
  echo "WARNING: the machine is still busy with other work; this run's figures are skewed" >&2
}

# gen ARGS...: the load generator, pinned to core 1, tagged and appended to the results. A failed run (e.g. fewer
# than 99% joined) is reported and makes the script exit non-zero at the end; the other runs still happen.
FAILED=()
gen() {
  wait_quiet
  if ! taskset -c 1 java -jar "$BENCH_JAR" "$@" --url "$URL" --token "$TOKEN" --pid "$SERVER_PID" \
      --out "$RESULTS" | grep -v '^RESULT '; then
    FAILED+=("$CURRENT: $*")
  fi
}

has() { [[ " $SCENARIOS " == *" $1 "* ]]; }

for target in $TARGETS; do
  CURRENT=$target
  if has a || has b; then
    start_server "$target"
    echo "=== $target (pid $SERVER_PID) ==="
    if has a; then
      for r in $RATES; do
        echo "--- a: 1 topic x 1,000 subscribers, 1 publisher, offered $r deliveries/s"
        gen fanout --target "$target" --scenario "a-$((r / 1000))k" --subscribers 1000 --topics 1 --publishers 1 \
          --rate $((r / 1000)) --seconds "$SECS" --warmup-seconds "$WARMUP" --payload-bytes 100
      done
      # Same top rate from 10 publisher sockets: separates per-socket push handling from per-delivery cost.
      top=${RATES##* }
      echo "--- a: offered $top deliveries/s from 10 publishers"
      gen fanout --target "$target" --scenario "a-$((top / 1000))k-10pub" --subscribers 1000 --topics 1 \
        --publishers 10 --rate $((top / 1000)) --seconds "$SECS" --warmup-seconds "$WARMUP" --payload-bytes 100
      if [[ $MAX == 1 ]]; then
        echo "--- a: as fast as a window of 32 un-acknowledged pushes allows"
        gen fanout --target "$target" --scenario "a-max" --subscribers 1000 --topics 1 --publishers 1 \
          --rate 0 --window 32 --seconds "$SECS" --warmup-seconds "$WARMUP" --payload-bytes 100
      fi
    fi
    if has b; then
      echo "--- b: 100 topics x 100 subscribers, 100 publishers, offered 300,000 deliveries/s"
      gen fanout --target "$target" --scenario "b-300k" --subscribers 10000 --topics 100 --publishers 100 \
        --rate 3000 --seconds "$SECS" --warmup-seconds "$WARMUP" --payload-bytes 100
      if [[ $MAX == 1 ]]; then
        echo "--- b: as fast as windows of 8 un-acknowledged pushes per publisher allow"
        gen fanout --target "$target" --scenario "b-max" --subscribers 10000 --topics 100 --publishers 100 \
          --rate 0 --window 8 --seconds "$SECS" --warmup-seconds "$WARMUP" --payload-bytes 100
      fi
    fi
    stop_server
  fi
  # d, e, f measure Switchboard's own features, each against itself with the feature off in the same invocation
  # (the bare servers have no compression, batching or slow-consumer cut-off).
  if [[ $target == switchboard ]] && { has d || has e || has f; }; then
    start_server "$target"
    echo "=== $target (pid $SERVER_PID): features on vs off ==="
    if has d; then
      # 4 KB of typical JSON (a page of chat messages): room:* compresses payloads over 1 KB once per broadcast,
      # chat:* sends them as they are.
      for t in chat room; do
        echo "--- d: 1 topic x 1,000 subscribers, 4 KB JSON payloads on $t:*, offered ${BENCH_D_RATE:-50000} deliveries/s"
        gen fanout --target "$target" --scenario "d-4k-$t" --topic-prefix "$t:bench-" --payload-kind json \
          --payload-bytes 4096 --subscribers 1000 --topics 1 --publishers 1 --rate $((${BENCH_D_RATE:-50000} / 1000)) \
          --seconds "$SECS" --warmup-seconds "$FEATURE_WARMUP" $([[ $t == room ]] && echo --baseline-scenario d-4k-chat)
      done
    fi
    if has e; then
      # 100-byte messages: batch:* collects add_message into one batch event (10 messages or 50 ms), chat:* sends
      # each shout on its own.
      for r in ${BENCH_E_RATES:-100000 200000}; do
        echo "--- e: 1 topic x 1,000 subscribers, 100-byte messages, offered $r deliveries/s, batching off then on"
        gen fanout --target "$target" --scenario "e-$((r / 1000))k-off" --topic-prefix chat:bench- \
          --subscribers 1000 --topics 1 --publishers 1 --rate $((r / 1000)) --seconds "$SECS" \
          --warmup-seconds "$FEATURE_WARMUP" --payload-bytes 100
        gen fanout --target "$target" --scenario "e-$((r / 1000))k-batch" --topic-prefix batch:bench- \
          --event add_message --subscribers 1000 --topics 1 --publishers 1 --rate $((r / 1000)) \
          --seconds "$SECS" --warmup-seconds "$FEATURE_WARMUP" --payload-bytes 100 --baseline-scenario "e-$((r / 1000))k-off"
      done
    fi
    if has f; then
      # One subscriber stops reading (its TCP window closes) while 999 others receive 4 KB messages; the server
      # must cut it at limits.maxOutboundBytes (4008) without the others noticing. 200 KB/s reach the stuck socket:
      # loopback's kernel buffers take a few MB before Switchboard's own bound (1 MB) even starts to fill.
      r=${BENCH_F_RATE:-50000}
      for stuck in 0 1; do
        echo "--- f: 1 topic x 1,000 subscribers, 4 KB messages, offered $r deliveries/s, $stuck stuck"
        gen fanout --target "$target" --scenario "f-stuck$stuck" --topic-prefix chat:bench- --subscribers 1000 \
          --topics 1 --publishers 1 --rate $((r / 1000)) --seconds "${BENCH_F_SECONDS:-40}" \
          --warmup-seconds "$FEATURE_WARMUP" --payload-bytes 4096 --stuck "$stuck" \
          --metrics-url "http://127.0.0.1:$((SB_PORT + 1))/metrics" $([[ $stuck == 1 ]] && echo --baseline-scenario f-stuck0)
      done
    fi
    stop_server
  fi
  if has c; then
    # A fresh server per idle run, so the RSS growth is the sockets' alone.
    for deflate in no yes; do
      start_server "$target"
      echo "=== $target (pid $SERVER_PID): c: $IDLE idle connections over 100 topics, deflate offered: $deflate"
      flag=()
      # Deflate contexts make connecting CPU-heavy for the generator: fewer connects in flight, or they time out.
      # The generator's client (Netty's) refuses client_no_context_takeover, which Switchboard asks of every
      # client as browsers accept, unless it allows it, and then it also offers it; the server ends up in the same
      # state as with a browser (DeflateBrowserTest checks the browser's answer). The bare server ignores the offer.
      [[ $deflate == yes ]] && flag=(--deflate-client-no-context --connect-concurrency 50)
      gen idle --target "$target" --scenario "c-idle$([[ $deflate == yes ]] && echo -deflate)" \
        --connections "$IDLE" --topics 100 "${flag[@]}"
      stop_server
    done
  fi
done

echo
echo "Results: $RESULTS"
java -jar "$BENCH_JAR" table --in "$RESULTS" | tee "$OUT/table.md"
if ((${#FAILED[@]} > 0)); then
  echo
  echo "FAILED runs (no row in the table):" >&2
  printf '  %s\n' "${FAILED[@]}" >&2
  exit 1
fi

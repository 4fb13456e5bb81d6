#!/usr/bin/env bash
# The docker-compose topology without Docker: three clustered fat-jar nodes on loopback behind Debian's haproxy,
# which runs the very same deploy/haproxy/haproxy.cfg (backend addresses come from the environment).
#
#   deploy/local-cluster.sh start    build first: mvn -B -q package -DskipTests
#   deploy/local-cluster.sh status
#   deploy/local-cluster.sh stop     stops exactly the processes whose PIDs start wrote to the run dir
#
#   clients       ws://127.0.0.1:4100/socket          (HAProxy, round-robin, /health checks)
#   nodes         127.0.0.1:4101, :4102, :4103         (socket port, also /health)
#   metrics       127.0.0.1:4111, :4112, :4113         (/metrics, /health, /cluster)
#   HAProxy stats 127.0.0.1:4199/stats, its Prometheus exporter 127.0.0.1:4199/metrics
#   Hazelcast     127.0.0.1:5801..5803 (loopback only; the shipped cluster.xml with these members)
#
# Environment (all optional):
#   SWITCHBOARD_JWT_SECRET   HS256 secret shared by the nodes (>= 32 bytes); default: a fixed DEV-ONLY secret
#   SWITCHBOARD_CLUSTER_NAME cluster name (default switchboard-local)
#   SWITCHBOARD_JAR          fat jar (default verticles/target/switchboard.jar)
#   LOCAL_CLUSTER_RUN_DIR    PIDs and logs (default target/local-cluster, git-ignored)
#   LOCAL_CLUSTER_DEADLINE   seconds to wait for each process to become ready (default 90)
# A token for a client:  SWITCHBOARD_JWT_SECRET=... java -jar verticles/target/switchboard.jar token alice
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${LOCAL_CLUSTER_RUN_DIR:-$ROOT/target/local-cluster}"
JAR="${SWITCHBOARD_JAR:-$ROOT/verticles/target/switchboard.jar}"
HAPROXY_CFG="$ROOT/deploy/haproxy/haproxy.cfg"
DEADLINE="${LOCAL_CLUSTER_DEADLINE:-90}"
DEV_SECRET='local-cluster-dev-secret-NOT-for-production-0123456789'
SECRET="${SWITCHBOARD_JWT_SECRET:-$DEV_SECRET}"
CLUSTER_NAME="${SWITCHBOARD_CLUSTER_NAME:-switchboard-local}"

LB_PORT=4100
STATS_PORT=4199
SOCKET_PORTS=(4101 4102 4103)
METRICS_PORTS=(4111 4112 4113)
HZ_PORTS=(5801 5802 5803)
MEMBERS="127.0.0.1:${HZ_PORTS[0]},127.0.0.1:${HZ_PORTS[1]},127.0.0.1:${HZ_PORTS[2]}"

log() { echo "local-cluster: $*"; }
die() { echo "local-cluster: $*" >&2; exit 1; }

haproxy_bin() {
  command -v haproxy 2>/dev/null || { [ -x /usr/sbin/haproxy ] && echo /usr/sbin/haproxy; } || true
}

# PID from a pid file if that process is alive and still the one we started (guards against PID reuse).
live_pid() {
  local file="$RUN_DIR/$1.pid" pid
  [ -f "$file" ] || return 1
  pid="$(cat "$file")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -e switchboard.jar -e haproxy || return 1
  echo "$pid"
}

# Waits (event-driven, with a deadline) for a line containing $3 in log $2 of process $1.
wait_for_line() {
  local pid="$1" file="$2" pattern="$3" end=$((SECONDS + DEADLINE)) line
  coproc TAILER { exec tail -n +1 -F "$file" 2>/dev/null; }
  local tailer="$TAILER_PID" out="${TAILER[0]}"
  while [ "$SECONDS" -lt "$end" ]; do
    if IFS= read -r -t 1 line <&"$out"; then
      if [[ "$line" == *"$pattern"* ]]; then
        kill "$tailer" 2>/dev/null || true
        return 0
      fi
    elif ! kill -0 "$pid" 2>/dev/null; then
      break # the process died: no line will come
    fi
  done
  kill "$tailer" 2>/dev/null || true
  return 1
}

start_node() {
  local i="$1" n=$(($1 + 1))
  local logf="$RUN_DIR/node$n.log"
  : > "$logf"
  (
    cd "$ROOT" # conf/config.json of the repo (the same as the built-in default)
    export SWITCHBOARD_HTTP_HOST=127.0.0.1 SWITCHBOARD_HTTP_PORT="${SOCKET_PORTS[$i]}"
    export SWITCHBOARD_METRICS_HOST=127.0.0.1 SWITCHBOARD_METRICS_PORT="${METRICS_PORTS[$i]}"
    export SWITCHBOARD_JWT_SECRET="$SECRET" SWITCHBOARD_CLUSTER_NAME="$CLUSTER_NAME"
    export SWITCHBOARD_CLUSTER_PORT="${HZ_PORTS[$i]}" SWITCHBOARD_CLUSTER_MEMBERS="$MEMBERS"
    exec java -Xmx512m -jar "$JAR" -cluster -cluster-host 127.0.0.1
  ) >> "$logf" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/node$n.pid"
  log "node$n pid $! (sockets 127.0.0.1:${SOCKET_PORTS[$i]}, metrics 127.0.0.1:${METRICS_PORTS[$i]}, log $logf)"
}

await_node() {
  local n=$(($1 + 1)) pid
  pid="$(cat "$RUN_DIR/node$n.pid")"
  if ! wait_for_line "$pid" "$RUN_DIR/node$n.log" "Switchboard started" ||
     ! curl -sf --max-time 5 "http://127.0.0.1:${SOCKET_PORTS[$1]}/health" > /dev/null; then
    tail -n 30 "$RUN_DIR/node$n.log" >&2 || true
    die "node$n did not become healthy within ${DEADLINE}s (log: $RUN_DIR/node$n.log); run '$0 stop'"
  fi
  log "node$n ready"
}

start() {
  [ -f "$JAR" ] || die "no $JAR: build first (mvn -B -q package -DskipTests)"
  local haproxy; haproxy="$(haproxy_bin)"
  [ -n "$haproxy" ] || die "haproxy not installed (deploy/install-test-deps.sh, or apt-get install haproxy)"
  [ "${#SECRET}" -ge 32 ] || die "SWITCHBOARD_JWT_SECRET must be at least 32 bytes"
  mkdir -p "$RUN_DIR"
  for name in node1 node2 node3 haproxy; do
    if pid="$(live_pid "$name")"; then die "$name already running (pid $pid): '$0 stop' first"; fi
  done
  [ "$SECRET" = "$DEV_SECRET" ] && log "WARNING: using the built-in DEV secret; set SWITCHBOARD_JWT_SECRET for anything real"

  # The first node forms the cluster; the other two join it (started together).
  start_node 0
  await_node 0
  start_node 1
  start_node 2
  await_node 1
  await_node 2

  : > "$RUN_DIR/haproxy.log"
  # HAProxy needs about two file descriptors per connection: fit maxconn to this shell's limit.
  local nofile maxconn
  nofile="$(ulimit -n)"
  if [ "$nofile" = unlimited ]; then maxconn=20000; else maxconn=$(( (nofile - 100) / 2 )); fi
  [ "$maxconn" -le 20000 ] || maxconn=20000
  LB_MAXCONN="$maxconn" LB_BIND="127.0.0.1:$LB_PORT" LB_STATS_BIND="127.0.0.1:$STATS_PORT" \
  NODE1_ADDR="127.0.0.1:${SOCKET_PORTS[0]}" NODE2_ADDR="127.0.0.1:${SOCKET_PORTS[1]}" \
  NODE3_ADDR="127.0.0.1:${SOCKET_PORTS[2]}" \
    "$haproxy" -db -f "$HAPROXY_CFG" >> "$RUN_DIR/haproxy.log" 2>&1 < /dev/null &
  echo $! > "$RUN_DIR/haproxy.pid"
  log "haproxy pid $! (127.0.0.1:$LB_PORT, stats 127.0.0.1:$STATS_PORT/stats, log $RUN_DIR/haproxy.log)"
  # HAProxy binds within milliseconds of starting, or exits: a bounded number of /health probes through it.
  local hpid="$!" attempt ok=""
  for attempt in $(seq 1 200); do
    if curl -sf --max-time 2 "http://127.0.0.1:$LB_PORT/health" > /dev/null 2>&1; then ok=1; break; fi
    kill -0 "$hpid" 2>/dev/null || break
  done
  if [ -z "$ok" ]; then
    cat "$RUN_DIR/haproxy.log" >&2 || true
    die "haproxy did not answer /health on 127.0.0.1:$LB_PORT; run '$0 stop'"
  fi
  log "ready after ${SECONDS}s: ws://127.0.0.1:$LB_PORT/socket  (cluster: curl -s 127.0.0.1:${METRICS_PORTS[0]}/cluster)"
}

stop() {
  local pids=() names=() name pid
  for name in haproxy node1 node2 node3; do
    if pid="$(live_pid "$name")"; then
      kill -TERM "$pid" 2>/dev/null || true # nodes drain (close 1012) and leave the cluster; exit 143
      pids+=("$pid"); names+=("$name")
      log "SIGTERM $name (pid $pid)"
    fi
  done
  local i
  for i in "${!pids[@]}"; do
    pid="${pids[$i]}"
    # Wait for the exit (tail --pid returns when the process is gone), bounded by a deadline.
    if ! timeout 30 tail --pid="$pid" -s 0.2 -f /dev/null; then
      log "${names[$i]} (pid $pid) still running after 30 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "${names[$i]} stopped"
  done
  rm -f "$RUN_DIR"/{haproxy,node1,node2,node3}.pid
  [ "${#pids[@]}" -gt 0 ] || log "nothing running (run dir $RUN_DIR)"
}

status() {
  local name pid rc=0
  for name in node1 node2 node3 haproxy; do
    if pid="$(live_pid "$name")"; then log "$name running (pid $pid)"; else log "$name not running"; rc=3; fi
  done
  if curl -sf --max-time 2 "http://127.0.0.1:$LB_PORT/health" > /dev/null; then
    log "LB /health OK; cluster view: $(curl -s --max-time 2 "http://127.0.0.1:${METRICS_PORTS[0]}/cluster" || true)"
  fi
  return "$rc"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  restart) stop; start ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac

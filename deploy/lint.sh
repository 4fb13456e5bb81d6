#!/usr/bin/env bash
# Static checks of the deployment files. Needs haproxy and promtool (deploy/install-test-deps.sh); the compose
# check uses "docker compose" or "docker-compose" when present (no engine needed), else a YAML parse.
#
#   deploy/lint.sh                                  config checks
#   deploy/lint.sh http://127.0.0.1:4111/metrics    also "promtool check metrics" on a running node's scrape
#                                                   (e.g. after deploy/local-cluster.sh start)
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
failures=0
pass() { echo "lint: ok    $*"; }
fail() { echo "lint: FAIL  $*" >&2; failures=$((failures + 1)); }
skip() { echo "lint: skip  $*"; }
tool() { command -v "$1" 2>/dev/null || { [ -x "/usr/sbin/$1" ] && echo "/usr/sbin/$1"; } || true; }

HAPROXY="$(tool haproxy)"
PROMTOOL="$(tool promtool)"

# 1. HAProxy: the cfg with loopback addresses, as local-cluster.sh and HaproxyTopologyIT run it. (Compose's
#    node1:4000 names are not resolvable here, and resolving them would query a non-local DNS server.)
if [ -n "$HAPROXY" ]; then
  if out="$(LB_BIND=127.0.0.1:4100 LB_STATS_BIND=127.0.0.1:4199 NODE1_ADDR=127.0.0.1:4101 \
            NODE2_ADDR=127.0.0.1:4102 NODE3_ADDR=127.0.0.1:4103 "$HAPROXY" -c -f deploy/haproxy/haproxy.cfg 2>&1)"; then
    pass "haproxy -c -f deploy/haproxy/haproxy.cfg"
  else
    fail "haproxy -c -f deploy/haproxy/haproxy.cfg"; echo "$out" >&2
  fi
else
  fail "haproxy not installed (deploy/install-test-deps.sh)"
fi

# 2. Prometheus config, and the dashboard's PromQL (each expression as a recording rule for promtool).
if [ -n "$PROMTOOL" ]; then
  if out="$("$PROMTOOL" check config deploy/prometheus/prometheus.yml 2>&1)"; then
    pass "promtool check config deploy/prometheus/prometheus.yml"
  else
    fail "promtool check config deploy/prometheus/prometheus.yml"; echo "$out" >&2
  fi
  if command -v python3 >/dev/null 2>&1; then
    rules="$(mktemp --suffix=.rules.yml)"
    if python3 - deploy/grafana/dashboards/switchboard.json > "$rules" <<'PY'
import json, sys
dash = json.load(open(sys.argv[1]))
print("groups:\n  - name: dashboard\n    rules:")
n = 0
for p in dash["panels"]:
    for t in p.get("targets", []):
        n += 1
        print(f"      - record: dashboard:expr{n}\n        expr: {json.dumps(t['expr'])}")
PY
    then
      if out="$("$PROMTOOL" check rules "$rules" 2>&1)"; then
        pass "dashboard JSON parses and its PromQL passes promtool check rules"
      else
        fail "dashboard PromQL"; echo "$out" >&2
      fi
    else
      fail "deploy/grafana/dashboards/switchboard.json is not valid dashboard JSON"
    fi
    rm -f "$rules"
  else
    skip "dashboard PromQL (no python3)"
  fi
else
  fail "promtool not installed (deploy/install-test-deps.sh)"
fi

# 3. Compose file and Grafana provisioning.
if docker compose version >/dev/null 2>&1; then
  if docker compose -f docker-compose.yml config -q; then pass "docker compose config -q"; else fail "docker compose config"; fi
elif command -v docker-compose >/dev/null 2>&1; then
  if docker-compose -f docker-compose.yml config -q; then pass "docker-compose config -q"; else fail "docker-compose config"; fi
elif python3 -c 'import yaml' 2>/dev/null; then
  if python3 -c 'import sys, yaml; d = yaml.safe_load(open("docker-compose.yml")); assert {"node1","node2","node3","haproxy","prometheus","grafana"} <= set(d["services"])'; then
    pass "docker-compose.yml parses (YAML only: no docker compose here)"
  else
    fail "docker-compose.yml"
  fi
else
  skip "docker-compose.yml (no docker compose, docker-compose or python3-yaml)"
fi
if python3 -c 'import yaml' 2>/dev/null; then
  for f in deploy/grafana/provisioning/*/*.yml; do
    if python3 -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$f"; then pass "$f parses"; else fail "$f"; fi
  done
fi

# 4. Scripts.
for f in deploy/*.sh; do
  if bash -n "$f"; then pass "bash -n $f"; else fail "bash -n $f"; fi
done

# 5. Optional: a real scrape must lint clean: promtool exit 0 (3 = parsed with findings, 1 = not parseable), Vert.x's
#    and Micrometer's families included (ScrapeLintTest checks the same after traffic).
if [ $# -gt 0 ] && [ -n "$PROMTOOL" ]; then
  if scrape="$(curl -sf --max-time 5 "$1")"; then
    if out="$(printf '%s\n' "$scrape" | "$PROMTOOL" check metrics 2>&1)"; then
      pass "promtool check metrics on $1"
    else
      fail "promtool check metrics on $1 (exit $?)"; echo "$out" >&2
    fi
  else
    fail "cannot scrape $1"
  fi
fi

if [ "$failures" -gt 0 ]; then
  echo "lint: $failures check(s) failed" >&2
  exit 1
fi
echo "lint: all checks passed"

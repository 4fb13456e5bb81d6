#!/usr/bin/env bash
# Installs the Debian packages the tests need: haproxy and promtool (package "prometheus") for the deployment
# tests and deploy/lint.sh, chromium for the demo page's browser test. Run by the build before the tests.
# Idempotent: does nothing when all are on the PATH. Installs only when running as root (CI containers);
# otherwise prints the command to run and exits 0, and the tests that need what is missing fail saying so (never skip).
set -euo pipefail

missing=()
command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
[ -x /usr/bin/chromium ] || missing+=(chromium)

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-deps: haproxy, promtool and chromium already installed, nothing to do"
  echo "install-test-deps: $(haproxy -v 2>/dev/null | head -n 1)"
  echo "install-test-deps: $(promtool --version 2>&1 | head -n 1)"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-deps: missing ${missing[*]}; not root, so not installing." >&2
  echo "install-test-deps: run: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-test-deps: missing ${missing[*]} and there is no apt-get; install them yourself" >&2
  exit 0
fi

echo "install-test-deps: installing ${missing[*]} with apt-get"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
# The Debian packages start system services where an init system runs; the tests start their own processes.
echo "install-test-deps: installed: $(haproxy -v 2>/dev/null | head -n 1); $(promtool --version 2>&1 | head -n 1)"

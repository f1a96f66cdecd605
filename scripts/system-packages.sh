#!/usr/bin/env bash
# The system programs the test suite starts for real: redis-server (shared state across replicas)
# and chromium (the explorer's browser test). Installs what is missing where it can (root with
# apt-get); otherwise stops at once naming the one command to run.
set -euo pipefail
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} (Debian packages the tests start for real)..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "npm test needs ${missing[*]}: run 'sudo apt-get install -y ${missing[*]}', then npm test again" >&2
exit 1

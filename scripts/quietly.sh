#!/usr/bin/env bash
# Runs a command and shows its output only when it fails: `npm start` builds without printing
# codegen's progress, and a failed build still shows everything it said.
set -uo pipefail
out=$("$@" 2>&1)
status=$?
[ "$status" -ne 0 ] && printf '%s\n' "$out" >&2
exit "$status"

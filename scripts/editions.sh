#!/usr/bin/env bash
# What an edition of the synthetic world costs (193 countries x 500 items x 3 cycles, 289,500 items):
#
#   scripts/editions.sh
#
# Builds the release binary, writes the world with `gcm synth` (defaults), imports it into a fresh
# SQLite file, then times `gcm snapshot create` under /usr/bin/time -v (wall time, peak memory) and prints
# the store's size beside the edition's stored size; then serves the store and times the first answer
# from the edition (which materialises it) and a second one. Figures: docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
gcm="$PWD/target/release/gcm"
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export GCM__DATABASE__URL="sqlite://$work/gcm.sqlite3"
"$gcm" synth --out "$work/world" >/dev/null
start=$(date +%s.%N)
"$gcm" import "$work/world" >/dev/null
echo "imported in $(echo "$(date +%s.%N) - $start" | bc) s"
before=$(stat -c %s "$work/gcm.sqlite3")
/usr/bin/time -v "$gcm" snapshot create --id world --title "Synthetic world" 2>"$work/time.txt"
grep -E "Elapsed|Maximum resident" "$work/time.txt"
"$gcm" migrate >/dev/null 2>&1  # folds the WAL into the file, so its size is the store's
after=$(stat -c %s "$work/gcm.sqlite3")
echo "store before: $before bytes; after the edition: $after bytes"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
rm -f "${TMPDIR:-/tmp}"/gcm-editions/world-*.sqlite3
GCM__SERVER__BIND="127.0.0.1:$port" GCM__LOG__FILTER=info "$gcm" serve >"$work/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.5; done
for round in first second; do
  curl -fs -o /dev/null -w "$round answer from the edition: %{http_code} %{time_total}s\n" \
    "http://127.0.0.1:$port/api/v1/countries/MEX/profile?snapshot=world"
done
grep -o "materialised edition.*" "$work/serve.log" || true
ls -l "${TMPDIR:-/tmp}"/gcm-editions/world-*.sqlite3

#!/usr/bin/env bash
# Load test of the main read endpoints on the synthetic world (193 countries x 500 items x 3 cycles).
#
#   scripts/load.sh [CONNECTIONS] [SECONDS] [REQUESTS]      (defaults: 64, 20, 200000)
#   LOAD_ENCODING=identity scripts/load.sh                  (uncompressed answers; the default is
#                                                             gzip, as browsers ask)
#
# Builds the release binary, writes the synthetic world with `gcm synth`, imports it into a fresh SQLite
# file, starts `gcm serve` on a free loopback port, warms each endpoint once (so the answers are cached,
# as a busy service's are), then drives from a second process (wrk, installed from Debian's packages when
# missing): indicators JSON, a country page, the coverage-matrix SVG and the indicators CSV in turn. It
# prints throughput, p50/p90/p99 latency and the error count, and exits non-zero on any error. The run is
# bounded in time (SECONDS) and in requests (REQUESTS). Figures: docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

connections="${1:-64}"
seconds="${2:-20}"
requests="${3:-200000}"
threads=2

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if ! command -v wrk >/dev/null 2>&1; then
  echo "installing wrk from Debian packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq wrk >/dev/null
fi

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
echo "== synthetic world"
"$gcm" synth --countries 193 --items-per-country 500 --cycles 3 --seed 2026 --out "$work/world" >/dev/null
start=$(date +%s)
"$gcm" import "$work/world" >/dev/null
echo "imported in $(( $(date +%s) - start )) s"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
GCM__SERVER__BIND="127.0.0.1:$port" GCM__LOG__FILTER=warn "$gcm" serve >"$work/serve.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  curl -fs "$base/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$base/health" >/dev/null

echo "== warming the caches (one request per endpoint; first answers)"
for path in "/api/v1/indicators?group=world" "/countries/MEX?lang=en" \
            "/charts/coverage-matrix.svg?group=lac" "/exports/indicators.csv?group=lac"; do
  curl -fs -o /dev/null -H "Accept-Encoding: ${LOAD_ENCODING:-gzip}" \
    -w "  %{http_code} %{time_total}s %{size_download} bytes  $path\n" "$base$path"
done

echo "== wrk: $connections connections, $threads threads, at most $seconds s and $requests requests, Accept-Encoding: ${LOAD_ENCODING:-gzip}"
export LOAD_REQUESTS_PER_THREAD=$(( requests / threads ))
out=$(wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency -s scripts/load/paths.lua "$base")
echo "$out"
line=$(echo "$out" | grep '^LOAD ')
errors=$(echo "$line" | sed -E 's/.* errors=([0-9]+).*/\1/')
if [ "$errors" != "0" ]; then
  echo "load: $errors errors" >&2
  exit 1
fi

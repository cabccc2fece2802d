#!/usr/bin/env bash
# Side-by-side timing of gcm and a pandas script on the synthetic world (`gcm synth` defaults: 193
# countries x 500 items x 3 cycles = 289,500 items).
#
#   scripts/bench/compare.sh [RUNS]                 (default 5 runs of each step, alternating the two)
#   GCM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432 scripts/bench/compare.sh
#                                                   (also times the import into PostgreSQL, into a fresh
#                                                    database created and dropped by the script)
#   GCM_BENCH_CACHE=DIR                             (where the Python virtual environment is kept;
#                                                    default ~/.cache/gcm-bench)
#   GCM_BENCH_BINARY=PATH                           (time that gcm binary instead of building one, e.g.
#                                                    an earlier version's, for a before/after table)
#
# Steps, each timed RUNS times with gcm and pandas taking turns, printed as medians and ratios:
#   1. import of the world into a fresh SQLite file (`gcm import`), beside pandas reading the JSON Lines;
#   2. a cold process writing the world's indicators CSV (`gcm export indicators --group world`), beside
#      scripts/bench/pandas_indicators.py computing the indicators and writing its CSV tables, with the
#      peak memory of each from /usr/bin/time -v;
#   3. the first world indicators answer after `gcm serve` starts (launch, then poll);
#   4. a warm, uncached world recompute over HTTP (`/api/v1/indicators?group=world` with a query the
#      response cache has not seen), beside pandas recomputing with its frame in memory;
#   5. the world coverage-matrix SVG over HTTP (uncached), beside matplotlib's SVG and PNG.
# Figures: docs/PERFORMANCE.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

runs="${1:-5}"
cache="${GCM_BENCH_CACHE:-$HOME/.cache/gcm-bench}"
venv="$cache/venv"
python="$venv/bin/python"
peer="$PWD/scripts/bench/pandas_indicators.py"

if ! "$python" -c 'import pandas, matplotlib' >/dev/null 2>&1; then
  echo "== installing pandas and matplotlib into $venv"
  mkdir -p "$cache"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --upgrade pip
  "$venv/bin/pip" install --quiet pandas matplotlib
fi

if [ -n "${GCM_BENCH_BINARY:-}" ]; then
  gcm="$(realpath "$GCM_BENCH_BINARY")"
else
  echo "== building the release binary"
  cargo build --release --quiet --bin gcm
  gcm="$PWD/target/release/gcm"
fi

work="$(mktemp -d)"
server_pid=""
pg_db=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() {
  stop_server
  if [ -n "$pg_db" ]; then psql "$GCM_BENCH_POSTGRES_URL/postgres" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# Results: one line per measurement, "STEP SIDE VALUE", summarised at the end.
results="$work/results"
: >"$results"
record() { echo "$1 $2 $3" >>"$results"; }

# Runs a command under /usr/bin/time -v; prints "SECONDS PEAK_MIB".
timed() {
  /usr/bin/time -v -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt" || {
    cat "$work/err.txt" >&2
    return 1
  }
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i] }
    /Maximum resident set size/ { kib = $2 }
    END { printf "%.3f %.1f\n", s, kib / 1024 }' "$work/time.txt"
}

now() { date +%s.%N; }

echo "== writing the synthetic world"
"$gcm" synth --out "$work/world" >/dev/null
items="$work/world/items.jsonl"
item_count=$(wc -l <"$items")
echo "   $item_count items"

export GCM__LOG__FILTER=warn
store="$work/gcm.sqlite3"

echo "== 1. import into SQLite (fresh file each run) | pandas reading the JSON Lines"
for run in $(seq 1 "$runs"); do
  rm -f "$store" "$store-wal" "$store-shm"
  read -r seconds peak < <(GCM__DATABASE__URL="sqlite://$store" timed "$gcm" import "$work/world")
  record import gcm "$seconds"
  record import_rate gcm "$(awk -v n="$item_count" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')"
  record import_peak gcm "$peak"
  "$python" "$peer" "$items" "$work/pandas" --no-chart >"$work/pandas.json"
  record import pandas "$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"]["read"])' "$work/pandas.json")"
  echo "   run $run: gcm ${seconds}s (peak ${peak} MiB)"
done

if [ -n "${GCM_BENCH_POSTGRES_URL:-}" ]; then
  echo "== 1b. import into PostgreSQL (fresh database each run)"
  for run in $(seq 1 "$runs"); do
    pg_db="gcm_bench_$$"
    psql "$GCM_BENCH_POSTGRES_URL/postgres" -qc "DROP DATABASE IF EXISTS $pg_db" >/dev/null
    psql "$GCM_BENCH_POSTGRES_URL/postgres" -qc "CREATE DATABASE $pg_db" >/dev/null
    read -r seconds peak < <(GCM__DATABASE__URL="$GCM_BENCH_POSTGRES_URL/$pg_db" timed "$gcm" import "$work/world")
    record import_pg gcm "$seconds"
    record import_pg_rate gcm "$(awk -v n="$item_count" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')"
    psql "$GCM_BENCH_POSTGRES_URL/postgres" -qc "DROP DATABASE $pg_db" >/dev/null
    pg_db=""
    echo "   run $run: gcm ${seconds}s"
  done
fi

export GCM__DATABASE__URL="sqlite://$store"

echo "== 2. cold process to the world's indicators CSV"
for run in $(seq 1 "$runs"); do
  read -r seconds peak < <(timed "$gcm" export indicators --group world --out "$work/indicators.csv")
  record cold gcm "$seconds"
  record cold_peak gcm "$peak"
  read -r pseconds ppeak < <(timed "$python" "$peer" "$items" "$work/pandas" --no-chart)
  record cold pandas "$pseconds"
  record cold_peak pandas "$ppeak"
  echo "   run $run: gcm ${seconds}s ${peak} MiB | pandas ${pseconds}s ${ppeak} MiB"
done

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
world="/api/v1/indicators?group=world"

echo "== 3. first world indicators answer after start (launch, then poll every 5 ms)"
for run in $(seq 1 "$runs"); do
  started=$(now)
  GCM__SERVER__BIND="127.0.0.1:$port" "$gcm" serve >"$work/serve.log" 2>&1 &
  server_pid=$!
  answered=""
  for _ in $(seq 1 4000); do
    if curl -fs -o /dev/null "$base$world&first=$run" 2>/dev/null; then answered=$(now); break; fi
    sleep 0.005
  done
  [ -n "$answered" ] || { cat "$work/serve.log" >&2; echo "the server did not answer" >&2; exit 1; }
  record first gcm "$(awk -v a="$started" -v b="$answered" 'BEGIN { printf "%.3f", b - a }')"
  if [ "$run" -lt "$runs" ]; then stop_server; fi
done

# curl's total time of one request, in seconds; fails on an error status.
fetch() { curl -fs -o "$work/answer" -w '%{time_total}' "$base$1"; }

echo "== 4. warm, uncached world recompute over HTTP | pandas recompute with the frame in memory"
fetch "$world" >/dev/null
"$python" "$peer" "$items" "$work/pandas" --no-chart --warm "$runs" >"$work/pandas.json"
"$python" -c 'import json,sys
for s in json.load(open(sys.argv[1]))["seconds"]["warm_recompute"]: print("warm pandas", s)' "$work/pandas.json" >>"$results"
for run in $(seq 1 "$runs"); do
  record warm gcm "$(fetch "$world&uncached=$run-$RANDOM")"
done

echo "== 5. world coverage-matrix SVG over HTTP | matplotlib SVG + PNG"
matrix="/charts/coverage-matrix.svg?group=world"
fetch "$matrix" >/dev/null
for run in $(seq 1 "$runs"); do
  record svg gcm "$(fetch "$matrix&uncached=$run-$RANDOM")"
  "$python" "$peer" "$items" "$work/pandas" >"$work/pandas.json"
  record svg pandas "$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"]["chart"])' "$work/pandas.json")"
done
stop_server

median() { awk -v step="$1" -v side="$2" '$1 == step && $2 == side { print $3 }' "$results" | sort -g |
  awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ms() { awk -v s="$1" 'BEGIN { if (s == "-") print "-"; else printf "%.1f ms", s * 1000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == 0) print "-"; else printf "%.1fx", b / a }'; }

echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "medians of $runs runs, $item_count items"
echo
echo "| step | gcm | pandas | pandas / gcm |"
echo "|---|---|---|---|"
g=$(median cold gcm); p=$(median cold pandas)
echo "| cold process to the world's indicators CSV | $(ms "$g"), peak $(median cold_peak gcm) MiB | $(ms "$p"), peak $(median cold_peak pandas) MiB | $(ratio "$g" "$p") |"
echo "| first world indicators answer after start | $(ms "$(median first gcm)") | - | - |"
g=$(median warm gcm); p=$(median warm pandas)
echo "| warm uncached world recompute over HTTP | $(ms "$g") | $(ms "$p") (compute + CSV, frame in memory) | $(ratio "$g" "$p") |"
g=$(median svg gcm); p=$(median svg pandas)
echo "| world coverage-matrix SVG over HTTP | $(ms "$g") | $(ms "$p") (SVG + PNG) | $(ratio "$g" "$p") |"
g=$(median import gcm); p=$(median import pandas)
echo "| import of the world into SQLite | $(ms "$g") ($(median import_rate gcm) items/s, peak $(median import_peak gcm) MiB) | $(ms "$p") (reading the JSON Lines) | $(ratio "$g" "$p") |"
if [ -n "${GCM_BENCH_POSTGRES_URL:-}" ]; then
  echo "| import of the world into PostgreSQL | $(ms "$(median import_pg gcm)") ($(median import_pg_rate gcm) items/s) | - | - |"
fi

#!/usr/bin/env bash
# Runs the cargo-fuzz targets of fuzz/ one after another, each for a bounded time, on a seed corpus made
# from the repository's own files. Exits non-zero if any target finds a crash (a panic, a failed
# invariant, a time-out or running out of memory); the input that did it is kept in fuzz/artifacts/.
#
#   scripts/fuzz.sh                  # every target, 60 s each
#   scripts/fuzz.sh 300              # every target, 300 s each
#   FUZZ_SECONDS=30 scripts/fuzz.sh segmenter classifier
#
# Targets: import_parser (import files: items JSON Lines and the CSVs, parsed and validated), segmenter,
# classifier, document (the report planner behind `gcm ingest`). Logs go to fuzz/logs/<target>.log.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${FUZZ_SECONDS:-60}
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
    seconds=$1
    shift
fi
all_targets=(import_parser segmenter classifier document)
if [[ $# -gt 0 ]]; then
    targets=("$@")
else
    targets=("${all_targets[@]}")
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi

# Stable Rust, not nightly. cargo-fuzz's default sanitizer (AddressSanitizer) needs `-Zsanitizer`, a
# nightly-only flag, and this project's machines have only a stable toolchain. `--sanitizer none` drops
# it: the coverage instrumentation libFuzzer needs (`-Cpasses=sancov-module` and the sanitizer-coverage
# LLVM options) is available on stable, and the code under test is safe Rust, where AddressSanitizer
# would only slow the search down. What the targets look for is panics and broken invariants, which
# `--release --debug-assertions` keeps (overflow checks included) at optimised speed.
# With these options cargo-fuzz 0.13 passes no `-Z` flag, so RUSTC_BOOTSTRAP (which lets stable accept
# nightly flags) is not needed; it is not set because cargo rebuilds every crate when it changes.
fuzz_flags=(--sanitizer none --release --debug-assertions)

# Longest input tried: long enough for several paragraphs or CSV rows, short enough to keep runs fast.
max_len=${FUZZ_MAX_LEN:-8192}

# Seed corpora, rebuilt from the repository's files on every run (fuzz/corpus is not committed; what
# the fuzzer adds to it is kept between runs on the same machine).
seed() { # seed TARGET NAME  (content on standard input)
    mkdir -p "fuzz/corpus/$1"
    cat >"fuzz/corpus/$1/seed-$2"
}

# Cuts a text into pieces of 40 lines, at most 6 per file: realistic paragraphs, headings and debris.
text_pieces() { # text_pieces FILE -> fuzz/seeds-tmp/<file>-<n>
    local file=$1 base
    base=$(basename "$file")
    split -l 40 -d -a 3 "$file" "$seeds_tmp/$base-"
    find "$seeds_tmp" -name "$base-*" | sort | tail -n +7 | xargs -r rm -f
}

seeds_tmp=$(mktemp -d)
trap 'rm -rf "$seeds_tmp"' EXIT
for file in fixtures/sources/*.txt tests/fixtures/reports/*.md; do
    text_pieces "$file"
done
for piece in "$seeds_tmp"/*; do
    name=$(basename "$piece")
    seed segmenter "$name" <"$piece"
    seed classifier "$name" <"$piece"
    # The document target's first byte picks the given language: 0 none (detected), 1 en, 2 es.
    { printf '\000'; cat "$piece"; } | seed document "$name-detect"
done
seed document report-es < <(printf '\002'; cat tests/fixtures/reports/*.md)

# import_parser: files separated by NUL, each led by its kind (see fuzz/fuzz_targets/import_parser.rs).
seed import_parser cycles < <(printf 'c'; cat fixtures/cycles.csv)
seed import_parser sources < <(printf 's'; cat fixtures/sources.csv)
seed import_parser submissions < <(printf 'u'; cat fixtures/submissions.csv)
seed import_parser champions < <(printf 'h'; cat fixtures/champions.csv)
# Items of the bundled fixtures, one a seed: the target's store holds their sources, so their spans and
# quotes are checked.
n=0
while IFS= read -r line && [[ $n -lt 24 ]]; do
    printf 'i%s\n' "$line" | seed import_parser "item-$n"
    n=$((n + 1))
done < <(awk 'NR % 16 == 1' fixtures/items.jsonl)
# A whole small import: a cycle, a source with its text, an item quoting it, a submission, a champion.
{
    printf 'c%s\n%s\n' 'id,region,title_en,title_es,review_start,review_end,feeds_until,note' \
        '2030,LAC,A review,Un examen,2030-04,2030-05-02,2030-05-02,'
    printf '\000s%s\n%s\n' 'id,file,title,publisher,kind,language,published,cycle,note' \
        'fz-1,report.txt,A report,A publisher,national_report,en,2030-01,2030,'
    printf '\000t%s\n%s\n' 'The Ministry opened a regularization procedure for migrant workers.' \
        'Second line of the report.'
    printf '\000i%s\n' '{"id":"fz-1-1","source":"fz-1","line_start":1,"line_end":1,"kind":"practice","title":"T","quote":"regularization procedure","language":"en","reporting_iso3":"MEX","objectives":[{"objective":5,"basis":"explicit","primary":true}],"principles":["human rights"]}'
    printf '\000u%s\n%s\n' 'cycle,iso3,kind,source,line_start,line_end' '2030,MEX,voluntary national report,fz-1,1,2'
    printf '\000h%s\n%s\n' 'iso3,since,as_of,source,line_start,line_end,note' 'MEX,2029,2030-02,fz-1,2,2,'
} | seed import_parser whole-import

mkdir -p fuzz/logs
failed=()
summary=()
for target in "${targets[@]}"; do
    echo "== $target: ${seconds}s"
    log="fuzz/logs/$target.log"
    status=0
    # -timeout: an input that takes 10 s is a finding (quadratic blow-up), not something to wait out.
    (cd fuzz && cargo fuzz run "${fuzz_flags[@]}" "$target" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -print_final_stats=1) \
        >"$log" 2>&1 || status=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    corpus=$(find "fuzz/corpus/$target" -type f | wc -l)
    if [[ $status -ne 0 ]]; then
        failed+=("$target")
        result="FAILED (exit $status; see $log and fuzz/artifacts/$target/)"
        grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -5 || true
    else
        result=ok
    fi
    summary+=("$(printf '%-14s %6ss %12s runs %8s exec/s %6s corpus  %s' \
        "$target" "$seconds" "${runs:-?}" "${rate:-?}" "$corpus" "$result")")
done

echo
printf '%s\n' "${summary[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    echo "crashes found in: ${failed[*]}" >&2
    exit 1
fi

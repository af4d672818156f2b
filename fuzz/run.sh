#!/usr/bin/env bash
# Run the fuzz targets one after the other, each for SECONDS (default 600), at the lowest
# CPU priority, seeded from tests/hostile/, fixtures/ and rules/. Not part of CI.
#   fuzz/run.sh [SECONDS] [TARGET...]        targets: extract normalize segment quotes readers rules
# cargo-fuzz needs nightly features; on a stable toolchain RUSTC_BOOTSTRAP=1 enables them.
# Findings land in fuzz/artifacts/TARGET/; each becomes a regression test in tests/fuzzed.rs.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(extract normalize segment quotes readers rules)
mkdir -p fuzz/logs
for t in "${targets[@]}"; do
  dir=fuzz/corpus/$t
  mkdir -p "$dir"
  case $t in
    rules)
      # The first line's length picks the file the rest becomes (see fuzz_targets/rules.rs).
      for f in rules/*/*.toml; do { echo; cat "$f"; } > "$dir/seed-$(basename "$f")"; done
      for f in rules/lexicons/*.txt; do { echo x; cat "$f"; } > "$dir/seed-lexicon-$(basename "$f")"; done
      { echo xx; cat rules/lexicons/abbreviations.txt; } > "$dir/seed-abbreviations"
      { echo xxx; cat rules/lexicons/quote_marks.txt; } > "$dir/seed-quote-marks"
      { echo xxxx; cat rules/lexicons/reporting_verbs.txt; } > "$dir/seed-reporting-verbs"
      ;;
    readers) cp tests/hostile/* "$dir/" ;;
    *)
      for f in tests/hostile/*.txt tests/hostile/*.md fixtures/*/input.*; do
        [ -f "$f" ] && cp "$f" "$dir/seed-$(echo "$f" | tr / _)"
      done
      ;;
  esac
  echo "== $t for $secs s"
  RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -O "$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 \
    >"fuzz/logs/$t.log" 2>&1 || echo "!! $t stopped with a finding: see fuzz/logs/$t.log and fuzz/artifacts/$t/"
  grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|SUMMARY|panicked" "fuzz/logs/$t.log" || true
done

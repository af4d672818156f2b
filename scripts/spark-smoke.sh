#!/usr/bin/env bash
# Opt-in smoke test of the Spark recipe in docs/scaling.md (not run in CI): extracts a
# sample of ../shared/corpus with one claimex run, then with Spark (local mode) over 1 and 4
# partitions, and checks that the concatenated part files equal the single run byte for
# byte. Needs `pip install pyspark` and Java 17.
#   scripts/spark-smoke.sh [DOCUMENTS]    (default 2000 documents of reuters21578.jsonl)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-2000}
CORPUS=../shared/corpus/reuters21578.jsonl
[ -f "$CORPUS" ] || { echo "missing $CORPUS (../shared must be beside the checkout)" >&2; exit 66; }
python3 -c "import pyspark" 2>/dev/null || { echo "pyspark is not installed: pip install pyspark" >&2; exit 69; }
cargo build --release -q
BIN=$PWD/target/release/claimex
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}

head -n "$N" "$CORPUS" > "$WORK/sample.jsonl"
"$BIN" extract -q --input-format jsonl - -o - --format jsonl < "$WORK/sample.jsonl" > "$WORK/single.jsonl"
echo "single run: $(wc -l < "$WORK/single.jsonl") records"
status=0
for p in 1 4; do
  python3 scripts/spark_extract.py "$BIN" "$WORK/sample.jsonl" "$WORK/spark-$p" "$p" 2> "$WORK/spark-$p.log" \
    || { tail -20 "$WORK/spark-$p.log" >&2; exit 1; }
  parts=$(ls "$WORK/spark-$p"/part-* | wc -l)
  cat "$WORK/spark-$p"/part-* > "$WORK/spark-$p.jsonl"
  if cmp -s "$WORK/single.jsonl" "$WORK/spark-$p.jsonl"; then
    echo "spark, $p partition(s), $parts part file(s): identical to the single run"
  else
    echo "spark, $p partition(s): DIFFERS from the single run" >&2
    cmp "$WORK/single.jsonl" "$WORK/spark-$p.jsonl" >&2 || true
    status=1
  fi
done
exit $status

#!/usr/bin/env bash
# Throughput and memory benchmark of the release binary (issue: speed and scale).
# Not run in CI. Prints MB/s, documents/s and peak RSS for 1 and 2 threads, per stage
# (cumulative: split = ingest+normalize+segment; jsonl = + taggers + records + JSON;
# full = + CSV tables and manifest) and for a 1 GB JSONL stream made on the fly.
#
#   scripts/bench.sh            # all of it
#   RUNS=5 scripts/bench.sh     # best of 5 instead of 3
#   SKIP_GB=1 scripts/bench.sh  # skip the 1 GB streaming run
#   SKIP_PEER=1 scripts/bench.sh  # skip blingfire, the peer measured in the same run
#   SKIP_LINEAR=1 scripts/bench.sh  # skip the one-document 5 MB vs 50 MB run
#   SKIP_CEILING=1 scripts/bench.sh  # skip the two-process ceiling of the two-thread ratio
#
# The peer: blingfire's sentence splitting alone (PyPI `blingfire`), in a scratch
# virtualenv outside the repository ($BENCH_VENV, made on first use; never a dependency).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
CORPUS=(../shared/corpus/bbc_news_2225.jsonl ../shared/corpus/reuters21578.jsonl)
for f in "${CORPUS[@]}"; do [ -f "$f" ] || { echo "missing $f (../shared must be beside the checkout)" >&2; exit 66; }; done
cargo build --release -q
BIN=target/release/claimex
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

BYTES=$(cat "${CORPUS[@]}" | wc -c)
DOCS=$(cat "${CORPUS[@]}" | wc -l)
MB=$(python3 -c "print($BYTES/1e6)")
echo "corpus: ${CORPUS[*]} ($MB MB, $DOCS documents)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), commit $(git rev-parse --short HEAD), $(date -u +%F)"
echo

# run LABEL THREADS CMD... : best wall time of $RUNS runs, with peak RSS of that run.
run() {
  local label=$1 threads=$2; shift 2
  local best="" rss=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/time" "$@" >/dev/null 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }
    read -r secs kb < "$OUT/time"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(0 if $secs < $best else 1)"; then best=$secs; rss=$kb; fi
  done
  python3 - "$label" "$threads" "$best" "$rss" "$BYTES" "$DOCS" <<'PY'
import sys
label, threads, secs, kb, nbytes, docs = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
secs = max(secs, 1e-3)
print(f"{label:<28} threads {threads}  {secs:6.2f} s  {nbytes/1e6/secs:7.1f} MB/s  {docs/secs:9.0f} docs/s  peak RSS {kb/1024:6.1f} MB")
PY
}

if [ -z "${SKIP_PEER:-}" ]; then
  VENV=${BENCH_VENV:-${TMPDIR:-/tmp}/claimex-bench-venv}
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import blingfire" 2>/dev/null; then
    python3 -m venv "$VENV" && "$VENV/bin/pip" install -q blingfire numpy
  fi
  "$VENV/bin/python" scripts/blingfire_split.py "${CORPUS[@]}"
fi

for t in 1 2; do
  run "split (segment only)" "$t" "$BIN" split -q --threads "$t" "${CORPUS[@]}"
  run "extract --format jsonl" "$t" "$BIN" extract -q --threads "$t" --format jsonl "${CORPUS[@]}" -o "$OUT/jsonl"
  run "extract (full dataset)" "$t" "$BIN" extract -q --threads "$t" "${CORPUS[@]}" -o "$OUT/full"
done

if [ -z "${SKIP_CEILING:-}" ]; then
  # What two cores give this workload with nothing shared: one 1-thread full extraction
  # alone, then two at once (separate processes, separate outputs), best of $RUNS. Their
  # ratio is about what two threads of one process can reach on this machine; the same for
  # md5sum, a compute-bound loop that only streams its input, tells the CPU's share from the caches'.
  echo
  echo "two cores, nothing shared (the ceiling for the two-thread ratio on this machine):"
  cat "${CORPUS[@]}" > "$OUT/corpus.jsonl"
  head -c 300000000 /dev/zero > "$OUT/zeros"
  pair() {
    local best="" alone=""
    for _ in $(seq "$RUNS"); do
      local t0 t1 t2
      rm -rf "$OUT"/ceiling-*
      t0=$(date +%s.%N); "$@" a >/dev/null; t1=$(date +%s.%N)
      "$@" b >/dev/null & "$@" c >/dev/null; wait; t2=$(date +%s.%N)
      alone=$(python3 -c "print(min(${alone:-1e9}, $t1 - $t0))")
      best=$(python3 -c "print(min(${best:-1e9}, $t2 - $t1))")
    done
    python3 -c "print(f'  {\"$LABEL\":<22} alone {$alone:6.2f} s, two at once {$best:6.2f} s: {2 * $alone / $best:.2f}x')"
  }
  extract1() { "$BIN" extract -q --threads 1 "$OUT/corpus.jsonl" -o "$OUT/ceiling-$1"; }
  md5() { md5sum "$OUT/zeros"; }
  LABEL="extract, 1 thread" pair extract1
  LABEL="md5sum of 300 MB" pair md5
  rm -rf "$OUT"/ceiling-* "$OUT/zeros" "$OUT/corpus.jsonl"
fi

if [ -z "${SKIP_GB:-}" ]; then
  REPEAT=$(( 1000000000 / BYTES + 1 ))
  echo
  echo "streaming ~1 GB (corpus x $REPEAT) on stdin, 2 threads:"
  /usr/bin/time -f "%e %M" -o "$OUT/time" bash -c "for i in \$(seq $REPEAT); do cat ${CORPUS[*]}; done | $BIN extract -q --threads 2 --input-format jsonl - -o - --format jsonl > /dev/null"
  read -r secs kb < "$OUT/time"
  python3 -c "b=$BYTES*$REPEAT; print(f'  {b/1e9:.2f} GB in {$secs:.1f} s, {b/1e6/$secs:.1f} MB/s, peak RSS {$kb/1024:.1f} MB')"
fi

if [ -z "${SKIP_LINEAR:-}" ]; then
  # Linearity: one document of 5 MB and one of 50 MB (the corpus's texts joined as
  # paragraphs), full extraction on one thread; the bar is at most 12x the time and 10x
  # the memory for 10x the text.
  echo
  echo "one document, full extraction, 1 thread:"
  python3 - "$OUT" "${CORPUS[@]}" <<'PY'
import json, sys
out, paths = sys.argv[1], sys.argv[2:]
texts = [json.loads(line)["text"] for p in paths for line in open(p, encoding="utf-8")]
for size in (5_000_000, 50_000_000):
    parts, n, i = [], 0, 0
    while n < size:
        t = texts[i % len(texts)]
        parts.append(t)
        n += len(t.encode()) + 2
        i += 1
    with open(f"{out}/doc{size // 1_000_000}.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "one", "text": "\n\n".join(parts)}) + "\n")
PY
  for mb in 5 50; do
    /usr/bin/time -f "%e %U %M" -o "$OUT/time.$mb" "$BIN" extract -q --threads 1 "$OUT/doc$mb.jsonl" -o "$OUT/doc$mb"
    rm -rf "$OUT/doc$mb"
    read -r secs user kb < "$OUT/time.$mb"
    echo "  $mb MB: $secs s (user $user s), peak RSS $((kb / 1024)) MB"
  done
  read -r s5 u5 k5 < "$OUT/time.5"; read -r s50 u50 k50 < "$OUT/time.50"
  python3 -c "print(f'  50 MB / 5 MB: time x{$s50/$s5:.1f} (user x{$u50/$u5:.1f}), memory x{$k50/$k5:.1f}')"
fi

#!/usr/bin/env python3
"""Sentence splitting alone with blingfire, the yardstick of the speed issue.

Reads JSONL corpora (a "text" field per line), splits every text with
blingfire.text_to_sentences, and prints seconds and MB/s for the split itself (JSON
parsing is timed apart and not counted). blingfire is a peer, never a dependency: it runs
from a scratch virtualenv outside the repository, made by scripts/bench.sh.

    python blingfire_split.py ../shared/corpus/bbc_news_2225.jsonl ../shared/corpus/reuters21578.jsonl
"""
import json
import sys
import time

import blingfire


def main(paths):
    texts, nbytes = [], 0
    for path in paths:
        with open(path, "rb") as f:
            for line in f:
                nbytes += len(line)
                if line.strip():
                    texts.append(json.loads(line)["text"])
    best = None
    for _ in range(3):
        start = time.perf_counter()
        sentences = 0
        for text in texts:
            sentences += blingfire.text_to_sentences(text).count("\n") + 1
        secs = time.perf_counter() - start
        best = secs if best is None else min(best, secs)
    print(f"{'blingfire text_to_sentences':<28} threads 1  {best:6.2f} s  {nbytes / 1e6 / best:7.1f} MB/s  {len(texts) / best:9.0f} docs/s  ({sentences} sentences)")


if __name__ == "__main__":
    main(sys.argv[1:])

#!/usr/bin/env python3
"""A word-list baseline for the `hedged` figure (opt-in; no test runs it).

Marks a sentence uncertain when it contains one of 30 common hedge and weasel words (the
regex WORDS below, matched case-insensitively as whole words) and scores that against a
gold file with an `id`, a `text` and a `label` (`uncertain` or `certain`) per line, as
`../shared/tools/score.py hedge` scores claimex. Given `--pred`, a claimex
`documents.jsonl` of the same gold file, it prints claimex's figure beside the word list's,
so a change to the hedge rules can be judged by its margin over a word list. `--tuned`
scores instead the 30 words picked greedily for F1 on the Wikipedia weasel train file itself
(among words seen 10 times or more with a precision above 0.4 there): a word list fitted to
the very data it is scored on, so an upper bound for a word list, not a fair baseline.

    python3 tools/hedge_wordlist_baseline.py ../shared/gold/wiki_weasel_train.jsonl \
        --pred out/documents.jsonl
"""
import argparse
import json
import re

WORDS = re.compile(
    r"\b(?:some|many|most|several|various|numerous|often|usually|generally|widely|commonly|"
    r"may|might|could|possibly|probably|perhaps|likely|apparently|reportedly|allegedly|"
    r"seems?|appears?|suggests?|believed|considered|regarded|thought|critics|experts)\b",
    re.IGNORECASE,
)

TUNED = re.compile(
    r"\b(?:some|many|most|been|considered|probably|known|critics|very|thought|regarded|believed|"
    r"perhaps|possibly|date|famous|alleged|suggested|political|reputation|code|suggests|"
    r"countries|argued|unclear|highly|fans|noted|largest|allegedly)\b",
    re.IGNORECASE,
)


def prf(tp, npred, ngold):
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp}, pred {npred}, gold {ngold})"


def claimex_hedged(path):
    """doc_id -> whether claimex hedged any claim or attribution of it (as score.py reads it)."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                d = json.loads(line)
                out[str(d["doc_id"])] = any(c.get("hedged") for c in d.get("claims", [])) or any(
                    a.get("hedge") for a in d.get("attributions", []))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", help="gold JSONL: id, text, label")
    ap.add_argument("--pred", help="claimex documents.jsonl of the same file, to compare")
    ap.add_argument("--tuned", action="store_true", help="the list fitted on the weasel train file")
    args = ap.parse_args()
    gold = [json.loads(line) for line in open(args.gold, encoding="utf-8") if line.strip()]
    ngold = sum(g["label"] == "uncertain" for g in gold)
    regex = TUNED if args.tuned else WORDS
    words = [bool(regex.search(g["text"])) for g in gold]
    tp = sum(w and g["label"] == "uncertain" for w, g in zip(words, gold))
    print(f"sentences {len(gold)}, uncertain {ngold}")
    name = "tuned list (30 words)" if args.tuned else "word list (30 words) "
    print(f"  {name} {prf(tp, sum(words), ngold)}")
    if args.pred:
        pred = claimex_hedged(args.pred)
        hedged = [pred.get(str(g["id"]), False) for g in gold]
        tp = sum(h and g["label"] == "uncertain" for h, g in zip(hedged, gold))
        print(f"  claimex hedged        {prf(tp, sum(hedged), ngold)}")


if __name__ == "__main__":
    main()

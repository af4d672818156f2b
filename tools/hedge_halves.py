#!/usr/bin/env python3
"""The hedge figure on two halves of a gold file split by document id (opt-in; no test runs it).

A rule written while reading one file's errors fits that file; to see how far it carries,
split the Wikipedia weasel gold by id into two halves, read the errors of the `study` half
only (ids whose MD5 digest is even), and report precision, recall and F1 on both: the
`held-out` half (odd digests) was never read. Scored as ../shared/tools/score.py hedge scores
(a sentence is hedged when any claim is hedged or any attribution has a hedge).

    cargo build --release
    python3 tools/hedge_halves.py ../shared/gold/wiki_weasel_train.jsonl [--rules rules/] \
        [--errors fn|fp] [--limit 40]

`--rules` extracts with that rule directory (no rebuild after editing a rule); `--errors`
prints the study half's false negatives or false positives, with the cues claimex found.
Standard library only.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def half(doc_id):
    return "study" if int(hashlib.md5(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def prf(tp, npred, ngold):
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return f"P {p:.3f}  R {r:.3f}  F1 {f:.3f}   (tp {tp}, pred {npred}, gold {ngold})"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("--rules", help="rule directory to extract with (default: the built-in rules)")
    ap.add_argument("--binary", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "claimex"))
    ap.add_argument("--errors", choices=["fn", "fp"], help="print the study half's false negatives or positives")
    ap.add_argument("--limit", type=int, default=40)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as out:
        cmd = [args.binary, "extract", "-q", "--format", "jsonl", args.gold, "-o", out]
        if args.rules:
            cmd += ["--rules", args.rules]
        subprocess.run(cmd, check=True)
        with open(os.path.join(out, "documents.jsonl"), encoding="utf-8") as f:
            preds = {str(d["doc_id"]): d for d in map(json.loads, f)}

    counts = {h: [0, 0, 0] for h in ("study", "held-out", "all")}
    errors = []
    with open(args.gold, encoding="utf-8") as f:
        for g in map(json.loads, f):
            d = preds.get(str(g["id"]), {})
            cues = [c for c in d.get("claims", []) if c.get("hedged")]
            hedged = bool(cues) or any(a.get("hedge") for a in d.get("attributions", []))
            unc = g["label"] == "uncertain"
            h = half(str(g["id"]))
            for k in (h, "all"):
                counts[k][0] += hedged and unc
                counts[k][1] += hedged
                counts[k][2] += unc
            if h == "study" and args.errors and (hedged, unc) == ((False, True) if args.errors == "fn" else (True, False)):
                found = [h2 for c in d.get("claims", []) for h2 in c.get("hedge_cues", [])]
                found += [a.get("hedge") for a in d.get("attributions", []) if a.get("hedge")]
                errors.append(f"{g['id']}\t{json.dumps(found, ensure_ascii=False)}\t{g['text']}")

    for h, (tp, npred, ngold) in counts.items():
        print(f"  {h:9} {prf(tp, npred, ngold)}")
    for e in errors[: args.limit]:
        print(e)
    if errors:
        print(f"({len(errors)} {args.errors} in the study half)", file=sys.stderr)


if __name__ == "__main__":
    main()

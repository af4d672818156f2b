#!/usr/bin/env python3
"""Convert the seed document's hand annotation (../shared/seed/*.gold.json) into claimex's own
gold format: one documents.jsonl line holding only the annotated fields, for `claimex eval`.

    python3 scripts/seed_gold.py ../shared/seed/000_df037e6e29c2adaf.gold.json > /tmp/seed.gold.jsonl
    claimex extract ../shared/seed/000_df037e6e29c2adaf.txt -o /tmp/seed-out
    claimex eval --gold /tmp/seed.gold.jsonl --pred /tmp/seed-out

The converted file is third-party text: generate it where you need it, never commit it.

Mapping (chosen so that `claimex eval` reproduces `score.py seed`):
- sentences: body, boilerplate and author_bio sentences with their `block`; the lines that are
  not sentences (masthead, title, author) as `optional` records with no block;
- quotes: text and kind; `speaker` only where the annotation names one (score.py scores the
  speaker only there);
- attributions: source/cue/content texts, `source_resolved`, `content_kind`, `hedge`
  (null = no hedge); `optional: true` where the annotation has `required: false`;
- claims: the annotated key substring as `text`, with types, hedged and negated;
- metadata: as annotated.
Standard library only.
"""
import json
import sys


def span(text):
    return None if text is None else {"text": text}


def convert(gold):
    doc_id = gold["document"].rsplit(".", 1)[0]
    sentences = []
    for block in ("body", "boilerplate", "author_bio"):
        sentences += [{"text": s, "block": block} for s in gold["sentences"].get(block, [])]
    sentences += [{"text": s, "optional": True} for s in gold.get("not_sentences", [])]
    quotes = []
    for q in gold.get("quotes", []):
        r = {"text": q["text"], "kind": q["kind"]}
        if q.get("speaker"):
            r["speaker"] = q["speaker"]
        quotes.append(r)
    attributions = []
    for a in gold.get("attributions", []):
        r = {
            "source": span(a["source"]),
            "source_resolved": a["resolved"],
            "cue": span(a["cue"]),
            "content": span(a["content"]),
            "content_kind": a["content_kind"],
            "hedge": a["hedge"],
        }
        if not a.get("required", True):
            r["optional"] = True
        attributions.append(r)
    claims = []
    for c in gold.get("claim_features", []):
        r = {"text": c["sentence"], "types": c["types"], "hedged": c["hedged"]}
        if "negated" in c:
            r["negated"] = c["negated"]
        if c.get("optional"):
            r["optional"] = True
        claims.append(r)
    return {
        "doc_id": doc_id,
        "metadata": gold.get("metadata", {}),
        "sentences": sentences,
        "quotes": quotes,
        "attributions": attributions,
        "claims": claims,
    }


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        gold = json.load(f)
    print(json.dumps(convert(gold), ensure_ascii=False))


if __name__ == "__main__":
    main()

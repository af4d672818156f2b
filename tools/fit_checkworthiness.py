#!/usr/bin/env python3
"""Fit the weights of rules/claims/checkworthiness.toml by logistic regression.

The features are what claimex itself reports (`checkworthiness_features` of each claim), so
the fit sees exactly the features the rules compute. Training data: the ClaimBuster
sentences (one document per sentence, label = check-worthy) and the CLEF 2019 debates (each
gold sentence scored by the best claim overlapping it), both read from ../shared/gold.

    cargo build --release
    ./target/release/claimex extract ../shared/gold/claimbuster_2.5xNCS.jsonl -o /tmp/cb -q --format jsonl
    ./target/release/claimex extract ../shared/gold/clef2019_checkworthiness.jsonl -o /tmp/clef -q --format jsonl
    python3 tools/fit_checkworthiness.py --cb /tmp/cb/documents.jsonl --clef /tmp/clef/documents.jsonl [--write]

Which claim of a sentence counts depends on the current weights, so run extract and fit
twice after changing features. Newton's method on the L2-penalised log-loss; CLEF rows are
weighted so that CLEF as a whole counts `--clef-weight` times as much as ClaimBuster.
Standard library only.
"""
import argparse
import json
import math
import re
import sys

GOLD = "../shared/gold/"


def load_pred(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            out[str(d["doc_id"])] = d
    return out


def best(claims):
    if not claims:
        return None
    return max(claims, key=lambda c: c["checkworthiness"])["checkworthiness_features"]


def solve(a, b):
    n = len(a)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(n):
            if r != c and m[r][c]:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def fit(rows, dim, l2, iters=15):
    """rows: (feature indexes, label, sample weight); index 0 is the intercept."""
    w = [0.0] * dim
    for _ in range(iters):
        g = [0.0] * dim
        h = [[0.0] * dim for _ in range(dim)]
        for x, y, s in rows:
            z = sum(w[i] for i in x)
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            e, hh = (p - y) * s, p * (1 - p) * s
            for i in x:
                g[i] += e
                for j in x:
                    h[i][j] += hh
        for i in range(1, dim):
            g[i] += l2 * w[i]
            h[i][i] += l2
        h[0][0] += 1e-9
        w = [wi - si for wi, si in zip(w, solve(h, g))]
    return w


def roc_auc(scored):
    items = sorted(range(len(scored)), key=lambda i: scored[i][0])
    rank = [0.0] * len(scored)
    i = 0
    while i < len(items):
        j = i
        while j < len(items) and scored[items[j]][0] == scored[items[i]][0]:
            j += 1
        for k in range(i, j):
            rank[items[k]] = (i + j + 1) / 2
        i = j
    pos = sum(y for _, y in scored)
    neg = len(scored) - pos
    return (sum(rank[i] for i in range(len(scored)) if scored[i][1]) - pos * (pos + 1) / 2) / (pos * neg)


def average_precision(scored):
    ranked = sorted(range(len(scored)), key=lambda i: (-scored[i][0], i))
    hits = total = 0
    for k, i in enumerate(ranked, 1):
        if scored[i][1]:
            hits += 1
            total += hits / k
    pos = sum(y for _, y in scored)
    return total / pos if pos else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cb", required=True, help="claimex documents.jsonl of the ClaimBuster gold file")
    ap.add_argument("--clef", required=True, help="claimex documents.jsonl of the CLEF 2019 gold file")
    ap.add_argument("--toml", default="rules/claims/checkworthiness.toml")
    ap.add_argument("--clef-weight", type=float, default=8.0)
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--write", action="store_true", help="write the fitted weights into the TOML file")
    args = ap.parse_args()

    toml = open(args.toml, encoding="utf-8").read()
    blocks = toml.split("[[rule]]")[1:]
    names = [re.search(r'name = "([^"]+)"', b).group(1) for b in blocks]
    intercepts = [n for n, b in zip(names, blocks) if 'when = "always"' in b and "pattern" not in b]
    features = [n for n in names if n not in intercepts]
    index = {n: i + 1 for i, n in enumerate(features)}

    cb_gold = [json.loads(l) for l in open(GOLD + "claimbuster_2.5xNCS.jsonl", encoding="utf-8")]
    clef_gold = [json.loads(l) for l in open(GOLD + "clef2019_checkworthiness.jsonl", encoding="utf-8")]
    cb, clef = load_pred(args.cb), load_pred(args.clef)

    def enc(fs):
        return None if fs is None else [0] + sorted(index[f] for f in fs if f in index)

    cb_rows = [(enc(best(cb.get(g["id"], {}).get("claims", []))), int(g["label"])) for g in cb_gold]
    clef_docs = []
    for g in clef_gold:
        claims = clef.get(g["id"], {}).get("claims", [])
        rows = []
        for s in g["sentences"]:
            cs = [c for c in claims if min(c["end"], s["end"]) - max(c["start"], s["start"]) > 0]
            rows.append((enc(best(cs)), int(s["label"])))
        clef_docs.append(rows)
    train_cb = [(x, y) for x, y in cb_rows if x is not None]
    train_clef = [(x, y) for rows in clef_docs for x, y in rows if x is not None]
    k = args.clef_weight * len(train_cb) / max(1, len(train_clef))
    rows = [(x, y, 1.0) for x, y in train_cb] + [(x, y, k) for x, y in train_clef]
    w = fit(rows, len(features) + 1, args.l2)

    def score(x):
        return -1e9 if x is None else sum(w[i] for i in x)

    auc = roc_auc([(score(x), y) for x, y in cb_rows])
    mean_ap = sum(average_precision([(score(x), y) for x, y in rows]) for rows in clef_docs) / len(clef_docs)
    print(f"ClaimBuster ROC AUC {auc:.4f}   CLEF 2019 MAP {mean_ap:.4f}   (in-sample)", file=sys.stderr)
    fitted = {n: w[0] for n in intercepts}
    fitted.update({n: w[index[n]] for n in features})
    for n in names:
        print(f"{n:24s} {fitted[n]:+.2f}")
    if args.write:
        out = [toml.split("[[rule]]")[0]]
        for n, b in zip(names, blocks):
            out.append(re.sub(r"\nweight = -?[\d.]+\n", f"\nweight = {round(fitted[n], 2)}\n", b, count=1))
        open(args.toml, "w", encoding="utf-8").write("[[rule]]".join(out))
        print(f"wrote {args.toml}", file=sys.stderr)


if __name__ == "__main__":
    main()

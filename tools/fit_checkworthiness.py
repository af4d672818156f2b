#!/usr/bin/env python3
"""Fit the weights of rules/claims/checkworthiness.toml by logistic regression.

The features are what claimex itself reports (`checkworthiness_features` of each claim), so
the fit sees exactly the features the rules compute. Training data: the ClaimBuster
sentences (one document per sentence, label = check-worthy) and the CLEF 2019 debates, both
read from ../shared/gold. A sentence is represented by one of the claims overlapping it:
the one the weights score highest, as the scorer does. Which one that is depends on the
weights, so the fit alternates: start from no weights (the first claim), fit, re-choose each
sentence's claim under the fitted weights, refit (`--rounds`). The result does not depend
on the weights the TOML file held before.

    cargo build --release
    python3 tools/fit_checkworthiness.py [--write]

runs ./target/release/claimex (with `--rules rules/`, so an edited rule file needs no
rebuild) over both gold files; `--cb`/`--clef` take documents.jsonl files extracted before.

Newton's method on the L2-penalised log-loss; CLEF rows are weighted so that CLEF as a
whole counts `--clef-weight` times as much as ClaimBuster. The intercept is then refitted
on ClaimBuster alone (rankings do not depend on it), so scores read as probabilities for
sentences of political talk. tools/lodo_checkworthiness.py measures how the fit transfers
to a debate it did not see. Standard library only.
"""
import argparse
import bisect
import json
import math
import os
import re
import subprocess
import sys
import tempfile

GOLD = "../shared/gold/"
CB_GOLD = GOLD + "claimbuster_2.5xNCS.jsonl"
CLEF_GOLD = GOLD + "clef2019_checkworthiness.jsonl"
CLEF_WEIGHT = 8.0
L2 = 1.0


def read_rules(path):
    """The TOML text, its rule blocks, their names, the intercepts and the features."""
    toml = open(path, encoding="utf-8").read()
    blocks = toml.split("[[rule]]")[1:]
    names = [re.search(r'name = "([^"]+)"', b).group(1) for b in blocks]
    intercepts = [n for n, b in zip(names, blocks) if 'when = "always"' in b and "pattern" not in b]
    features = [n for n in names if n not in intercepts]
    return toml, blocks, names, intercepts, features


def write_rules(path, toml, blocks, names, weights):
    out = [toml.split("[[rule]]")[0]]
    for n, b in zip(names, blocks):
        out.append(re.sub(r"\nweight = -?[\d.]+\n", f"\nweight = {round(weights[n], 2)}\n", b, count=1))
    open(path, "w", encoding="utf-8").write("[[rule]]".join(out))


def extract(claimex, rules, gold, out):
    """Run claimex over a gold file; the path of its documents.jsonl."""
    cmd = [claimex, "extract", "-q", "--format", "jsonl", gold, "-o", out]
    if rules:
        cmd += ["--rules", rules]
    subprocess.run(cmd, check=True)
    return os.path.join(out, "documents.jsonl")


def load_pred(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            out[str(d["doc_id"])] = d
    return out


def load_sentences(cb_pred, clef_pred, features):
    """Each gold sentence as (claims, label), a claim being the sorted indexes of its
    features (0, the intercept, first): ClaimBuster as one list, CLEF as one list per debate
    with the debates' ids."""
    index = {n: i + 1 for i, n in enumerate(features)}

    def enc(c):
        return tuple([0] + sorted(index[f] for f in c["checkworthiness_features"] if f in index))

    cb, clef = load_pred(cb_pred), load_pred(clef_pred)
    cb_rows = []
    for line in open(CB_GOLD, encoding="utf-8"):
        g = json.loads(line)
        cb_rows.append(([enc(c) for c in cb.get(str(g["id"]), {}).get("claims", [])], int(g["label"])))
    clef_docs = []
    for line in open(CLEF_GOLD, encoding="utf-8"):
        g = json.loads(line)
        claims = sorted(clef.get(str(g["id"]), {}).get("claims", []), key=lambda c: c["start"])
        starts = [c["start"] for c in claims]
        longest = max((c["end"] - c["start"] for c in claims), default=0)
        rows = []
        for s in g["sentences"]:
            # Claims overlapping the sentence start after `s.start - longest`, before `s.end`.
            lo, hi = bisect.bisect_left(starts, s["start"] - longest), bisect.bisect_left(starts, s["end"])
            cs = [enc(c) for c in claims[lo:hi] if min(c["end"], s["end"]) - max(c["start"], s["start"]) > 0]
            rows.append((cs, int(s["label"])))
        clef_docs.append((g["id"], rows))
    return cb_rows, clef_docs


def sentence_score(w, claims):
    """A sentence's score: its best claim's log-odds (no claim: below every claim)."""
    return max((sum(w[i] for i in x) for x in claims), default=-1e9)


def best_claim(w, claims):
    return max(claims, key=lambda x: sum(w[i] for i in x)) if claims else None


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


def newton(groups, dim, l2, w, iters=25, tol=1e-6):
    """groups: {feature indexes: [weighted positives, weighted total]}; index 0, the
    intercept, is not penalised. Returns the weights minimising the penalised log-loss."""
    w = list(w)
    for _ in range(iters):
        g = [0.0] * dim
        h = [[0.0] * dim for _ in range(dim)]
        for x, (pos, tot) in groups.items():
            z = sum(w[i] for i in x)
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            e, hh = p * tot - pos, p * (1 - p) * tot
            for i in x:
                g[i] += e
                hi = h[i]
                for j in x:
                    hi[j] += hh
        for i in range(1, dim):
            g[i] += l2 * w[i]
            h[i][i] += l2
        h[0][0] += 1e-9
        step = solve(h, g)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < tol:
            break
    return w


def fit(cb_rows, clef_docs, dim, clef_weight=CLEF_WEIGHT, l2=L2, rounds=3):
    """Fit on ClaimBuster and the given CLEF debates: alternately choose each sentence's
    claim under the weights and refit the weights on those claims. Sentences without a claim
    are left out."""
    w = [0.0] * dim
    clef_rows = [r for _, rows in clef_docs for r in rows]
    n_cb = sum(1 for cs, _ in cb_rows if cs)
    n_clef = sum(1 for cs, _ in clef_rows if cs)
    k = clef_weight * n_cb / max(1, n_clef)
    for _ in range(rounds):
        groups = {}
        for rows, s in ((cb_rows, 1.0), (clef_rows, k)):
            for cs, y in rows:
                x = best_claim(w, cs)
                if x is None:
                    continue
                a = groups.setdefault(x, [0.0, 0.0])
                a[0] += s * y
                a[1] += s
        w = newton(groups, dim, l2, w)
    # A constant does not change any ranking, so set the intercept for calibration: refit it
    # alone on ClaimBuster (about 29% check-worthy), so that a score reads as a probability
    # for a sentence of political talk, and 0.5 is a usable threshold.
    train_cb = [(best_claim(w, cs), y) for cs, y in cb_rows if cs]
    for _ in range(30):
        g = h = 0.0
        for x, y in train_cb:
            z = sum(w[i] for i in x)
            p = 1 / (1 + math.exp(-max(-30, min(30, z))))
            g += p - y
            h += p * (1 - p)
        w[0] -= g / max(h, 1e-9)
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
    """As ../shared/tools/score.py: ties keep the sentences' order."""
    ranked = sorted(range(len(scored)), key=lambda i: (-scored[i][0], i))
    hits = total = 0
    for k, i in enumerate(ranked, 1):
        if scored[i][1]:
            hits += 1
            total += hits / k
    pos = sum(y for _, y in scored)
    return total / pos if pos else 0.0


def cb_auc(w, cb_rows):
    return roc_auc([(sentence_score(w, cs), y) for cs, y in cb_rows])


def debate_ap(w, rows):
    return average_precision([(sentence_score(w, cs), y) for cs, y in rows])


def add_data_args(ap):
    ap.add_argument("--cb", help="claimex documents.jsonl of the ClaimBuster gold file (default: extract it)")
    ap.add_argument("--clef", help="claimex documents.jsonl of the CLEF 2019 gold file (default: extract it)")
    ap.add_argument("--claimex", default="target/release/claimex", help="the binary that extracts them")
    ap.add_argument("--toml", default="rules/claims/checkworthiness.toml")
    ap.add_argument("--clef-weight", type=float, default=CLEF_WEIGHT)
    ap.add_argument("--l2", type=float, default=L2)


def load_data(args):
    """The rules and the gold sentences with their claims' features, extracting the gold
    files with `--rules` (the directory the TOML file is in) unless given."""
    rules = read_rules(args.toml)
    with tempfile.TemporaryDirectory(prefix="checkworthy-") as tmp:
        rules_dir = os.path.dirname(os.path.dirname(os.path.abspath(args.toml)))
        cb = args.cb or extract(args.claimex, rules_dir, CB_GOLD, os.path.join(tmp, "cb"))
        clef = args.clef or extract(args.claimex, rules_dir, CLEF_GOLD, os.path.join(tmp, "clef"))
        cb_rows, clef_docs = load_sentences(cb, clef, rules[4])
    return rules, cb_rows, clef_docs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_args(ap)
    ap.add_argument("--write", action="store_true", help="write the fitted weights into the TOML file")
    args = ap.parse_args()

    (toml, blocks, names, intercepts, features), cb_rows, clef_docs = load_data(args)
    w = fit(cb_rows, clef_docs, len(features) + 1, args.clef_weight, args.l2)
    mean_ap = sum(debate_ap(w, rows) for _, rows in clef_docs) / len(clef_docs)
    print(f"ClaimBuster ROC AUC {cb_auc(w, cb_rows):.4f}   CLEF 2019 MAP {mean_ap:.4f}   (in-sample)", file=sys.stderr)
    fitted = {n: w[0] for n in intercepts}
    fitted.update({n: w[i + 1] for i, n in enumerate(features)})
    for n in names:
        print(f"{n:24s} {fitted[n]:+.2f}")
    if args.write:
        write_rules(args.toml, toml, blocks, names, fitted)
        print(f"wrote {args.toml}", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Leave-one-debate-out check of the check-worthiness fit: how it ranks a debate it has not seen.

Each of the 26 CLEF 2019 documents (../shared/gold/clef2019_checkworthiness.jsonl) is held
out in turn: the weights of rules/claims/checkworthiness.toml are fitted, exactly as
tools/fit_checkworthiness.py fits them, on ClaimBuster and the other 25 debates, and the
held-out debate is ranked by those weights (its sentences scored by their best claim, as
../shared/tools/score.py scores them). Prints each debate's average precision and the mean
(the leave-one-out MAP), next to the in-sample fit's figures and the shipped weights'.

    cargo build --release
    python3 tools/lodo_checkworthiness.py [--min-map 0.20]

The features are those the rules report (extracted with `--rules rules/`, so an edited rule
file needs no rebuild). Exits 1 when `--min-map` is given and the mean is below it.
Standard library only.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fit_checkworthiness as fc  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    fc.add_data_args(ap)
    ap.add_argument("--min-map", type=float, help="fail (exit 1) when the leave-one-out MAP is below this")
    args = ap.parse_args()

    (_, _, names, intercepts, features), cb_rows, clef_docs = fc.load_data(args)
    dim = len(features) + 1
    shipped = [0.0] * dim
    text = open(args.toml, encoding="utf-8").read()
    for block in text.split("[[rule]]")[1:]:
        name = fc.re.search(r'name = "([^"]+)"', block).group(1)
        weight = float(fc.re.search(r"\nweight = (-?[\d.]+)\n", block).group(1))
        shipped[0 if name in intercepts else features.index(name) + 1] += weight

    full = fc.fit(cb_rows, clef_docs, dim, args.clef_weight, args.l2)
    print(f"{'debate':48s} {'sentences':>9s} {'worthy':>6s} {'shipped':>8s} {'in-sample':>9s} {'held-out':>8s}")
    aps = []
    for k, (doc_id, rows) in enumerate(clef_docs):
        w = fc.fit(cb_rows, clef_docs[:k] + clef_docs[k + 1 :], dim, args.clef_weight, args.l2)
        ap_out = fc.debate_ap(w, rows)
        aps.append((fc.debate_ap(shipped, rows), fc.debate_ap(full, rows), ap_out))
        worthy = sum(y for _, y in rows)
        print(f"{doc_id:48s} {len(rows):9d} {worthy:6d} {aps[-1][0]:8.4f} {aps[-1][1]:9.4f} {ap_out:8.4f}", flush=True)
    mean = [sum(a[i] for a in aps) / len(aps) for i in range(3)]
    print(f"{'MAP':48s} {'':9s} {'':6s} {mean[0]:8.4f} {mean[1]:9.4f} {mean[2]:8.4f}")
    print(f"ClaimBuster ROC AUC: shipped {fc.cb_auc(shipped, cb_rows):.4f}, in-sample fit {fc.cb_auc(full, cb_rows):.4f}")
    print(f"leave-one-debate-out MAP {mean[2]:.4f}")
    if args.min_map is not None and mean[2] < args.min_map:
        print(f"leave-one-debate-out MAP {mean[2]:.4f} is below {args.min_map}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

#!/bin/sh
# Read claimex's Parquet tables with two other readers, pyarrow and DuckDB (issue 15 §3).
# Opt-in, not part of CI: it builds a scratch virtualenv outside the repository
# (/tmp/venv-parquet, or $VENV) the first time, runs `claimex extract --format parquet` on
# fixtures/ (or the inputs given), and checks with both readers that every Parquet table
# has the rows of its CSV table and the column types docs/spec.md lists.
#
#   scripts/parquet-check.sh [INPUT...]
#
# CLAIMEX_BIN picks the binary (default: a release build, built if missing).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
venv=${VENV:-/tmp/venv-parquet}
out=${OUT:-/tmp/claimex-parquet-check}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pyarrow, duckdb' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q pyarrow duckdb
fi
bin=${CLAIMEX_BIN:-$repo/target/release/claimex}
if [ -z "${CLAIMEX_BIN:-}" ] && [ ! -x "$bin" ]; then
    (cd "$repo" && cargo build --release --quiet)
fi
[ $# -gt 0 ] || set -- "$repo/fixtures"
rm -rf "$out"
"$bin" extract -q --format parquet -o "$out" "$@"

"$venv/bin/python" - "$out" "$repo/docs/spec.md" <<'EOF'
import csv, json, re, sys
import duckdb, pyarrow as pa, pyarrow.parquet as pq

out, spec = sys.argv[1], open(sys.argv[2], encoding="utf-8").read()
csv.field_size_limit(1 << 30)

# The spec's Parquet column table: `table.column` -> (type, nullable); others are Utf8.
documented = {}
rows = spec.split("| Parquet column |", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
for row in rows:
    cells = [c.strip() for c in row.strip("|").split("|")]
    for col in re.findall(r"`([^`]+)`", cells[0]):
        documented[col] = (cells[1].strip("`"), cells[2].startswith("when"))

def arrow_name(t):
    if pa.types.is_string(t): return "Utf8"
    if pa.types.is_int64(t): return "Int64"
    if pa.types.is_float64(t): return "Float64"
    if pa.types.is_boolean(t): return "Boolean"
    if pa.types.is_list(t):
        assert not t.value_field.nullable, t
        return f"List<{arrow_name(t.value_type)}>"
    if pa.types.is_struct(t):
        return "Struct<" + ", ".join(f"{f.name}: {arrow_name(f.type)}" for f in t) + ">"
    raise AssertionError(f"undocumented type {t}")

def same_value(v, cell, kind):
    """A Parquet value (as pyarrow gives it) against its CSV cell."""
    if v is None:
        return cell == ""
    if kind.startswith("List"):
        return v == json.loads(cell)
    if kind == "Boolean":
        return cell == ("true" if v else "false")
    if kind == "Float64":
        return float(cell) == v
    return str(v) == cell

# DuckDB's names for the same types.
duck = {"Utf8": "VARCHAR", "Int64": "BIGINT", "Float64": "DOUBLE", "Boolean": "BOOLEAN",
        "List<Utf8>": "VARCHAR[]",
        "List<Struct<start: Int64, end: Int64, text: Utf8, kind: Utf8>>":
            'STRUCT("start" BIGINT, "end" BIGINT, "text" VARCHAR, kind VARCHAR)[]'}

failures = 0
def check(ok, what):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    failures += not ok

con = duckdb.connect()
for table in ["sentences", "quotes", "attributions", "claims"]:
    with open(f"{out}/{table}.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        csv_rows = list(reader)
    path = f"{out}/{table}.parquet"
    t = pq.read_table(path)
    check(t.column_names == header, f"{table}: pyarrow columns equal the CSV header ({len(header)})")
    check(t.num_rows == len(csv_rows), f"{table}: pyarrow rows {t.num_rows} = CSV rows {len(csv_rows)}")
    types_ok = True
    for field in t.schema:
        want = documented.get(f"{table}.{field.name}", ("Utf8", False))
        got = (arrow_name(field.type), field.nullable)
        if got != want:
            types_ok = False
            print(f"     {table}.{field.name}: pyarrow {got}, spec {want}")
    check(types_ok, f"{table}: pyarrow types and nullability as docs/spec.md lists them")
    # Values: each row's cells read back as the CSV writes them.
    same = True
    kinds = {f.name: arrow_name(f.type) for f in t.schema}
    for i, row in enumerate(t.to_pylist()):
        for c, name in enumerate(header):
            if not same_value(row[name], csv_rows[i][c], kinds[name]) and same:
                print(f"     {table} row {i} {name}: parquet {row[name]!r}, csv {csv_rows[i][c]!r}")
                same = False
    check(same, f"{table}: every pyarrow value equals its CSV cell")

    n = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]
    check(n == len(csv_rows), f"{table}: DuckDB rows {n} = CSV rows {len(csv_rows)}")
    described = con.execute(f"describe select * from read_parquet('{path}')").fetchall()
    duck_ok = True
    for name, typ, *_ in described:
        want = duck[documented.get(f"{table}.{name}", ("Utf8", False))[0]]
        if typ != want:
            duck_ok = False
            print(f"     {table}.{name}: DuckDB {typ}, expected {want}")
    check(duck_ok, f"{table}: DuckDB types ({len(described)} columns)")

# A query across tables, as a user would write it.
q = f"""select count(*) from read_parquet('{out}/claims.parquet') c
        join read_parquet('{out}/attributions.parquet') a using (doc_id, attribution_id)
        where c.hedged or len(c.types) > 0"""
print("     claims joined to their attributions (DuckDB):", con.execute(q).fetchone()[0])
print(f"pyarrow {pa.__version__}, duckdb {duckdb.__version__}: {failures} failed")
sys.exit(1 if failures else 0)
EOF

"""The Python package as a user calls it: built as a wheel, installed in a virtualenv.

Run by .ci/run (scripts/python-test.sh). Where CLAIMEX_BIN names the command-line binary,
records and tables are also compared with what `claimex extract` writes for the same
documents: the package must give the same dataset as the CLI.
"""

import csv
import json
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import claimex

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
BIN = os.environ.get("CLAIMEX_BIN")


def fixture_docs():
    """The repository's own fixture texts, as mappings (id, text, one metadata field)."""
    docs = []
    for case in sorted(FIXTURES.iterdir()):
        for f in sorted(case.glob("input.*")):
            if f.suffix in (".md", ".txt"):
                docs.append({"id": case.name, "text": f.read_text(encoding="utf-8"), "case": case.name})
    assert len(docs) >= 10, "fixtures missing"
    return docs


def test_extract_gives_a_record_whose_offsets_are_code_points():
    # Characters outside the BMP and CJK before the claims: Python indexes code points, so
    # every span's text must be text[start:end].
    text = "🚢🚢 港口. The port authority said on Monday that cargo volumes rose 12% in 2023. \"We expected less,\" its director said."
    rec = claimex.extract(text, id="harbour")
    assert rec["doc_id"] == "harbour"
    assert rec["errors"] == []
    assert rec["attributions"], rec
    for a in rec["attributions"]:
        for part in ("cue", "content"):
            span = a[part]
            assert text[span["start"]:span["end"]] == span["text"]
    for q in rec["quotes"]:
        assert text[q["start"]:q["end"]] == q["text"]
    for c in rec["claims"]:
        for e in c["entities"]:
            assert text[e["start"]:e["end"]] == e["text"]
    assert any("12%" in c["text"] for c in rec["claims"])


def test_extract_rejects_what_is_not_text():
    with pytest.raises(TypeError):
        claimex.extract(b"bytes are not text")
    with pytest.raises(TypeError):
        list(claimex.extract_many([42]))
    with pytest.raises(ValueError, match="document 1"):
        list(claimex.extract_many(["fine", {"id": "x"}]))
    with pytest.raises(ValueError):
        list(claimex.extract_many(["a"], threads=0))


def test_extract_many_streams_in_order_whatever_the_threads():
    docs = [f"Officials said {i} ships waited offshore. The strike ended on day {i}." for i in range(600)]
    one = list(claimex.extract_many(docs, threads=1))
    two = list(claimex.extract_many(iter(docs), threads=2))
    assert [r["doc_id"] for r in one] == [str(i) for i in range(600)]
    assert one == two
    assert one[7] == claimex.extract(docs[7], id="7")


def test_extract_many_reads_its_input_lazily():
    taken = []

    def corpus():
        for i in range(10_000):
            taken.append(i)
            yield f"Document {i} says prices rose."

    records = claimex.extract_many(corpus())
    first = next(records)
    assert first["doc_id"] == "0"
    # One batch read, not the whole corpus.
    assert 0 < len(taken) < 1000


def test_mappings_keep_their_other_fields_as_metadata():
    (rec,) = claimex.extract_many([{"id": "n1", "text": "Rents rose.", "url": "https://example.org/a", "year": 2024}])
    assert rec["doc_id"] == "n1"
    assert rec["metadata"] == {"url": "https://example.org/a", "year": 2024}


def test_rules_from_a_directory_and_their_errors(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules)
    text = "The minister said that unemployment fell to 5% in May."
    assert claimex.extract(text, rules=rules) == claimex.extract(text)
    broken = tmp_path / "broken"
    shutil.copytree(REPO / "rules", broken)
    verbs = broken / "attribution" / "verbs.toml"
    verbs.write_text(verbs.read_text(encoding="utf-8").replace("pattern = ", "pattern = '(unclosed' # ", 1), encoding="utf-8")
    with pytest.raises(ValueError) as err:
        claimex.extract(text, rules=broken)
    assert "verbs.toml:" in str(err.value)
    with pytest.raises(ValueError, match="no such rules directory"):
        claimex.extract(text, rules=tmp_path / "missing")


def test_to_pandas_has_the_csv_tables_columns_and_typed_cells():
    records = list(claimex.extract_many(fixture_docs()))
    tables = claimex.to_pandas(records)
    assert set(tables) == {"sentences", "quotes", "attributions", "claims"}
    for name, df in tables.items():
        assert list(df.columns) == claimex.TABLES[name]
        assert len(df) == sum(len(r[name]) for r in records), name
    claims = tables["claims"]
    assert claims["types"].map(lambda v: isinstance(v, list)).all()
    assert claims["hedged"].map(lambda v: isinstance(v, bool)).all()
    assert claims["checkworthiness"].dtype.kind == "f"
    assert str(tables["attributions"]["source_start"].dtype) in ("int64", "Int64")
    first = records[0]["claims"][0]
    row = claims[(claims.doc_id == records[0]["doc_id"]) & (claims.claim_id == first["id"])].iloc[0]
    assert row["text"] == first["text"] and row["types"] == first["types"] and row["entities"] == first["entities"]


def csv_value_equals(cell, value):
    """A CSV cell as `claimex extract` writes it against the same value in a DataFrame."""
    if not isinstance(value, (list, dict)) and pd.isna(value):
        return cell == ""  # None, pandas' NA, or NaN for a missing string (pandas 3)
    if isinstance(value, bool):
        return cell == str(value).lower()
    if isinstance(value, (list, dict)):
        return json.loads(cell) == value
    if isinstance(value, (int, float)):
        return float(cell) == float(value)
    return cell == value


@pytest.mark.skipif(not BIN, reason="CLAIMEX_BIN not set: the comparison with the CLI needs its binary")
def test_the_package_gives_the_dataset_the_cli_writes(tmp_path):
    docs = fixture_docs()
    corpus = tmp_path / "docs.jsonl"
    corpus.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    out = tmp_path / "out"
    subprocess.run([BIN, "extract", "-q", str(corpus), "-o", str(out)], check=True)
    cli = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    ours = list(claimex.extract_many(docs, threads=2))
    assert len(cli) == len(ours)
    for a, b in zip(cli, ours):
        a.pop("source"), b.pop("source")  # where the text came from: a file line vs. Python
        assert a == b, a["doc_id"]
    tables = claimex.to_pandas(ours)
    for name, df in tables.items():
        with open(out / f"{name}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        assert rows[0] == list(df.columns), name
        assert len(rows) - 1 == len(df), name
        for row, (_, record) in zip(rows[1:], df.iterrows()):
            for col, cell in zip(rows[0], row):
                assert csv_value_equals(cell, record[col]), (name, col, cell, record[col])

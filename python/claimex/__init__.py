"""claimex from Python: sentences, quotations, attributions and claims of a text.

    >>> import claimex
    >>> rec = claimex.extract("The council said on Monday that rents rose 4% last year.")
    >>> [c["text"] for c in rec["claims"]]

A record is a line of ``documents.jsonl`` (the schema is docs/spec.md in the repository)
parsed into a dict: the same fields, offsets in code points of the text, so
``text[s["start"]:s["end"]]`` is a span's original text.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Optional, Union

from . import _claimex

__all__ = ["extract", "extract_many", "to_pandas", "TABLES", "__version__"]

__version__: str = _claimex.__version__

#: The tables ``to_pandas`` builds, with their columns: those of the CSV files
#: ``claimex extract`` writes, in the same order.
TABLES: dict[str, list[str]] = {name: list(cols) for name, cols in _claimex.table_columns()}

Record = dict[str, Any]
DocumentLike = Union[str, tuple[str, str], Mapping[str, Any]]

# Documents handed to the native side at once by extract_many: large enough to keep every
# thread busy, small enough that records stream out while the input is still being read.
_BATCH = 256


def _rules(rules: Optional[Union[str, os.PathLike[str]]]) -> Optional[str]:
    return None if rules is None else os.fspath(rules)


def extract(text: str, id: Optional[str] = None, rules: Optional[Union[str, os.PathLike[str]]] = None, metadata: Optional[Mapping[str, Any]] = None) -> Record:
    """Extract one text; its record (a ``documents.jsonl`` line as a dict).

    ``id`` defaults to ``"0"``; ``rules`` is a rules directory (a copy of the repository's
    ``rules/`` you edited), compiled once per process, or None for the built-in rules;
    ``metadata`` is kept in the record as given. A bad rules directory raises ValueError
    listing every error as ``path:line:col``.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be str, not {type(text).__name__}")
    meta = json.dumps(dict(metadata)) if metadata else ""
    return json.loads(_claimex.extract_line(text, "0" if id is None else str(id), meta, _rules(rules)))


def _document(i: int, item: DocumentLike) -> tuple[str, str, str]:
    """(id, text, metadata JSON) of the i-th item: a str, an (id, text) pair, or a mapping
    with "text" (and "id"; its other keys become metadata, as JSONL fields do)."""
    if isinstance(item, str):
        return str(i), item, ""
    if isinstance(item, tuple) and len(item) == 2:
        return str(item[0]), item[1], ""
    if isinstance(item, Mapping):
        if "text" not in item or not isinstance(item["text"], str):
            raise ValueError(f"document {i}: no string field 'text'")
        meta = {k: v for k, v in item.items() if k not in ("id", "text")}
        return str(item.get("id", i)), item["text"], json.dumps(meta) if meta else ""
    raise TypeError(f"document {i}: expected str, (id, text) or a mapping with 'text', not {type(item).__name__}")


def extract_many(docs: Iterable[DocumentLike], threads: Optional[int] = None, rules: Optional[Union[str, os.PathLike[str]]] = None) -> Iterator[Record]:
    """Extract many documents in parallel, yielding their records in input order.

    Each item is a text (its id is its position, from ``"0"``), an ``(id, text)`` pair, or a
    mapping with ``"text"``, ``"id"`` and other fields kept as metadata (a parsed JSONL
    line). The input is read lazily, a batch at a time, so a generator over a large corpus
    streams through. ``threads`` defaults to all cores; the records do not depend on it.
    """
    if threads is not None and threads < 1:
        raise ValueError("threads must be at least 1")
    rules = _rules(rules)
    batch: list[tuple[str, str, str]] = []
    for i, item in enumerate(docs):
        batch.append(_document(i, item))
        if len(batch) == _BATCH:
            yield from map(json.loads, _claimex.extract_lines(batch, threads or 0, rules))
            batch = []
    if batch:
        yield from map(json.loads, _claimex.extract_lines(batch, threads or 0, rules))


def _cell(rec: Mapping[str, Any], id_column: str, column: str) -> Any:
    """A table cell from an item of a record, by the CSV column's name: ``quote_id`` is the
    item's ``id``; a column naming a span (``source``, ``cue``) is its text, and
    ``source_start`` or ``cue_lemma`` a field of it."""
    if column == id_column:
        return rec.get("id")
    if column in rec:
        value = rec[column]
        return value.get("text") if isinstance(value, Mapping) else value
    head, _, field = column.partition("_")
    span = rec.get(head)
    return span.get(field) if isinstance(span, Mapping) else None


def _rows(records: Iterable[Record]) -> dict[str, list[list[Any]]]:
    rows: dict[str, list[list[Any]]] = {name: [] for name in TABLES}
    for record in records:
        doc_id = record.get("doc_id")
        for name, columns in TABLES.items():
            id_column = columns[1]
            for item in record.get(name) or ():
                rows[name].append([doc_id] + [_cell(item, id_column, c) for c in columns[1:]])
    return rows


def to_pandas(records: Iterable[Record]) -> dict[str, Any]:
    """The records as pandas DataFrames, one per table: ``sentences``, ``quotes``,
    ``attributions`` and ``claims``, with the CSV tables' columns. Lists (claim types,
    rule ids, sentence ids) stay Python lists and entities lists of dicts, not JSON text;
    offsets that can be absent (an attribution without a source) are pandas' nullable
    ``Int64``, other absent values None. Needs pandas (``pip install claimex[pandas]``)."""
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise ImportError("claimex.to_pandas needs pandas: pip install pandas") from e
    tables = {}
    for name, rows in _rows(records).items():
        df = pd.DataFrame(rows, columns=TABLES[name])
        for i, column in enumerate(df.columns):
            values = [row[i] for row in rows if row[i] is not None]
            if len(values) < len(rows) and values and all(type(v) is int for v in values):
                df[column] = pd.array([row[i] for row in rows], dtype="Int64")
        tables[name] = df
    return tables

"""SPARQL answers as text: an aligned table, SPARQL 1.1 results JSON, CSV or TSV."""

from __future__ import annotations

from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, QueryTriples, RdfFormat

from provrdf.errors import FormatError
from provrdf.store.base import QueryResult

__all__ = ["RESULT_FORMATS", "format_results"]

RESULT_FORMATS = ("table", "json", "csv", "tsv")
_STANDARD = {"json": QueryResultsFormat.JSON, "csv": QueryResultsFormat.CSV, "tsv": QueryResultsFormat.TSV}


def format_results(result: QueryResult, fmt: str = "table") -> str:
    """``result`` written as ``fmt``; CONSTRUCT/DESCRIBE answers are written as Turtle.

    >>> from pyoxigraph import Store
    >>> print(format_results(Store().query("SELECT ?x WHERE { VALUES ?x { 1 2 } }")))
    x
    -
    1
    2
    """
    if fmt not in RESULT_FORMATS:
        raise FormatError(f"unknown result format {fmt!r}; known: {', '.join(RESULT_FORMATS)}")
    if isinstance(result, QueryTriples):
        return _text(result.serialize(format=RdfFormat.TURTLE))
    if fmt in _STANDARD:
        return _text(result.serialize(format=_STANDARD[fmt]))
    if isinstance(result, QueryBoolean):
        return "true" if bool(result) else "false"
    return _table(result)


def _cell(term: object) -> str:
    if term is None:
        return ""
    return getattr(term, "value", str(term))


def _table(result: QuerySolutions) -> str:
    names = [variable.value for variable in result.variables]
    rows = [[_cell(row[name]) for name in names] for row in result]
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(names)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(names, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _text(data: bytes | None) -> str:
    """What pyoxigraph serialized (with no output file given, the bytes) as text."""
    return (data or b"").decode("utf-8")

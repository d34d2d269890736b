r"""SPARQL answers: what every store gives back, and their text forms.

A query answers :class:`Solutions` (SELECT), a :class:`Boolean` (ASK) or a
:class:`Graph` (CONSTRUCT, DESCRIBE), whichever engine ran it; terms are
pyoxigraph's (``NamedNode``, ``BlankNode``, ``Literal``, ``Triple``).
:func:`format_results` writes them as an aligned table, or in the SPARQL 1.1
results formats JSON, CSV and TSV; a graph is written as Turtle. Every text
ends with exactly one line terminator.

>>> answer = Solutions(("x", "y"), [(Literal("a, b"), None)])
>>> [row["y"] for row in answer]
[None]
>>> format_results(answer, "csv")
'x,y\r\n"a, b",\r\n'
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Union

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from provrdf.errors import FormatError
from provrdf.rdf.namespaces import XSD

__all__ = ["RESULT_FORMATS", "Boolean", "Graph", "QueryResult", "Solution", "Solutions", "Term", "format_results"]

#: An RDF term of an answer.
Term = Union[NamedNode, BlankNode, Literal, Triple]

RESULT_FORMATS = ("table", "json", "csv", "tsv")
_PLAIN = XSD + "string"


class Solution:
    """One row of a SELECT answer, as :class:`sqlite3.Row` is one of a table.

    ``row["x"]`` or ``row[0]`` is a variable's term, ``None`` where it is
    unbound; iterating gives the terms in the order of the variables, and
    :meth:`keys` the variables.
    """

    __slots__ = ("_variables", "_values")

    def __init__(self, variables: Sequence[str], values: Sequence[Term | None]) -> None:
        self._variables, self._values = variables, values

    def __getitem__(self, key: str | int) -> Term | None:
        if isinstance(key, int):
            return self._values[key]
        try:
            return self._values[self._variables.index(key)]
        except ValueError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[Term | None]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Solution) and (self._variables, self._values) == (other._variables, other._values)

    def __hash__(self) -> int:
        return hash((tuple(self._variables), tuple(self._values)))

    def __repr__(self) -> str:
        return f"<Solution {dict(zip(self._variables, self._values))}>"

    def keys(self) -> Sequence[str]:
        """The variables, in order."""
        return self._variables

    def node(self, variable: str) -> NamedNode:
        """The IRI bound to ``variable``; a :class:`TypeError` when it is unbound or no IRI."""
        term = self[variable]
        if not isinstance(term, NamedNode):
            raise TypeError(f"?{variable} is {term!r}, not an IRI")
        return term

    def text(self, variable: str) -> str:
        """The IRI, lexical form or blank node id bound to ``variable``; a :class:`TypeError` when unbound."""
        term = self[variable]
        if term is None:
            raise TypeError(f"?{variable} is unbound")
        return str(term) if isinstance(term, Triple) else term.value


class Solutions:
    """The answer of a SELECT query: its variables and its rows, in order."""

    def __init__(self, variables: Sequence[str], rows: Iterable[Sequence[Term | None]]) -> None:
        self.variables = tuple(variables)
        self._rows = [tuple(row) for row in rows]

    def __iter__(self) -> Iterator[Solution]:
        return (Solution(self.variables, row) for row in self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"<Solutions {len(self)} row(s) of {', '.join(self.variables)}>"


class Boolean:
    """The answer of an ASK query."""

    def __init__(self, value: bool) -> None:
        self.value = bool(value)

    def __bool__(self) -> bool:
        return self.value

    def __repr__(self) -> str:
        return f"<Boolean {self.value}>"


class Graph:
    """The answer of a CONSTRUCT or DESCRIBE query: its triples."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.triples = list(triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self.triples)

    def __len__(self) -> int:
        return len(self.triples)

    def __repr__(self) -> str:
        return f"<Graph {len(self)} triple(s)>"


#: What a SPARQL query gives back.
QueryResult = Union[Solutions, Boolean, Graph]


def format_results(result: QueryResult, fmt: str = "table") -> str:
    """``result`` written as ``fmt`` (CONSTRUCT/DESCRIBE answers as Turtle), ending with one line terminator.

    >>> print(format_results(Solutions(["x"], [[Literal(1)], [Literal(2)]])), end="")
    x
    -
    1
    2
    >>> format_results(Boolean(True), "json")
    '{"head": {}, "boolean": true}\\n'
    """
    if fmt not in RESULT_FORMATS:
        raise FormatError(f"unknown result format {fmt!r}; known: {', '.join(RESULT_FORMATS)}")
    if isinstance(result, Graph):
        return (serialize(result.triples, format=RdfFormat.TURTLE) or b"").decode("utf-8")
    if isinstance(result, Boolean):
        return json.dumps({"head": {}, "boolean": result.value}) + "\n" if fmt == "json" else f"{_bool(result)}\n"
    return {"table": _table, "json": _json, "csv": _csv, "tsv": _tsv}[fmt](result)


def _bool(result: Boolean) -> str:
    return "true" if result.value else "false"


def _table(result: Solutions) -> str:
    names = list(result.variables)
    rows = [[_cell(row[name]) for name in names] for row in result]
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(names)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(names, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n"


def _cell(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return str(term)
    return term.value


# -- SPARQL 1.1 Query Results JSON ----------------------------------------------------------


def _json(result: Solutions) -> str:
    bindings = [{name: _json_term(term) for name, term in zip(result.variables, row) if term is not None}
                for row in result]
    return json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}) + "\n"


def _json_term(term: Term) -> dict:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Triple):
        parts = {"subject": term.subject, "predicate": term.predicate, "object": term.object}
        return {"type": "triple", "value": {name: _json_term(part) for name, part in parts.items()}}
    found: dict = {"type": "literal", "value": term.value}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype.value != _PLAIN:
        found["datatype"] = term.datatype.value
    return found


# -- SPARQL 1.1 Query Results CSV and TSV ---------------------------------------------------


def _csv(result: Solutions) -> str:
    lines = [",".join(map(_csv_field, result.variables))]
    lines += [",".join(_csv_field(_cell(row[name])) for name in result.variables) for row in result]
    return "\r\n".join(lines) + "\r\n"


def _csv_field(text: str) -> str:
    if any(char in text for char in '",\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _tsv(result: Solutions) -> str:
    lines = ["\t".join(f"?{name}" for name in result.variables)]
    lines += ["\t".join(_tsv_term(row[name]) for name in result.variables) for row in result]
    return "\n".join(lines) + "\n"


def _tsv_term(term: Term | None) -> str:
    """A term in its SPARQL/Turtle form; a tab inside a literal is written ``\\t``."""
    return "" if term is None else str(term).replace("\t", "\\t")

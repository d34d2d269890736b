"""SPARQL answers as provrdf's own types, and their standard text forms."""

from __future__ import annotations

import csv
import io
import json

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from provrdf.results import Boolean, Graph, Solutions, format_results
from provrdf.store import open_store

XSD_INT = NamedNode("http://www.w3.org/2001/XMLSchema#integer")
EX = "http://example.org/"


@pytest.fixture
def answer() -> Solutions:
    return Solutions(("s", "label", "n"), [
        (NamedNode(EX + "a"), Literal('say "hi", twice\nthen\tstop', language="en"), Literal("3", datatype=XSD_INT)),
        (BlankNode("b0"), None, Literal("x")),
    ])


def test_rows_are_read_by_name_or_position_and_iterate_their_terms(answer):
    first, second = answer
    assert first["s"] == first[0] == NamedNode(EX + "a") and second["label"] is None
    assert list(second) == [BlankNode("b0"), None, Literal("x")]
    assert first.keys() == ("s", "label", "n") and first.node("s").value == EX + "a" and first.text("n") == "3"
    with pytest.raises(KeyError):
        first["nope"]
    with pytest.raises(TypeError, match=r"\?label is unbound"):
        second.text("label")
    with pytest.raises(TypeError, match="not an IRI"):
        second.node("s")


def test_json_is_the_sparql_results_json_format(answer):
    found = json.loads(format_results(answer, "json"))
    assert found["head"] == {"vars": ["s", "label", "n"]}
    first, second = found["results"]["bindings"]
    assert first == {"s": {"type": "uri", "value": EX + "a"},
                     "label": {"type": "literal", "value": 'say "hi", twice\nthen\tstop', "xml:lang": "en"},
                     "n": {"type": "literal", "value": "3", "datatype": XSD_INT.value}}
    assert second == {"s": {"type": "bnode", "value": "b0"}, "n": {"type": "literal", "value": "x"}}


def test_csv_quotes_what_needs_it_and_ends_with_one_crlf(answer):
    text = format_results(answer, "csv")
    assert text.endswith('3\r\n_:b0,,x\r\n') and not text.endswith("\r\n\r\n")
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["s", "label", "n"], [EX + "a", 'say "hi", twice\nthen\tstop', "3"], ["_:b0", "", "x"]]


def test_tsv_writes_terms_in_their_sparql_form(answer):
    lines = format_results(answer, "tsv").split("\n")
    assert lines[0] == "?s\t?label\t?n" and lines[-1] == "" and len(lines) == 4
    assert lines[1].split("\t") == [f"<{EX}a>", '"say \\"hi\\", twice\\nthen\\tstop"@en', f'"3"^^<{XSD_INT.value}>']
    assert lines[2].split("\t") == ["_:b0", "", '"x"']


def test_booleans_and_graphs():
    assert format_results(Boolean(False), "csv") == "false\n"
    assert json.loads(format_results(Boolean(True), "json")) == {"head": {}, "boolean": True}
    triple = Triple(NamedNode(EX + "a"), NamedNode(EX + "p"), Literal("o"))
    assert format_results(Graph([triple]), "table").strip() == f'<{EX}a> <{EX}p> "o" .'


def test_an_unknown_format_is_refused(answer):
    with pytest.raises(Exception, match="unknown result format 'xml'; known: table, json, csv, tsv"):
        format_results(answer, "xml")


def test_the_store_answers_in_these_types():
    with open_store(":memory:") as store:
        store.update(f'INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> "o" }} }}')
        rows = store.select(f"SELECT ?o WHERE {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}")
        assert isinstance(rows, Solutions) and [row["o"] for row in rows] == [Literal("o")]
        assert isinstance(store.query(f"ASK {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}"), Boolean)
        constructed = store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }}")
        assert isinstance(constructed, Graph) and len(constructed) == 1

"""The embedded store: base IRI, atomic graph replacement, persistence, escaping."""

from __future__ import annotations

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from provrdf.errors import StoreError
from provrdf.identifiers import DEFAULT_BASE
from provrdf.rdf.encode import Encoder
from provrdf.store import open_store
from provrdf.store.base import SETTINGS_GRAPH

from helpers import chain_record

G = NamedNode("https://example.org/graph/1")
S = NamedNode("https://example.org/s")
P = NamedNode("https://example.org/p")


def test_new_store_records_its_base(tmp_path):
    with open_store(tmp_path / "s", base="https://data.example.org/prov/") as store:
        assert store.base == "https://data.example.org/prov/"
    with open_store(tmp_path / "s") as store:
        assert store.base == "https://data.example.org/prov/"


def test_store_refuses_another_base(tmp_path):
    open_store(tmp_path / "s").close()
    with pytest.raises(StoreError, match=DEFAULT_BASE):
        open_store(tmp_path / "s", base="https://elsewhere.example.org/")


def test_data_survives_reopening(tmp_path):
    with open_store(tmp_path / "s") as store:
        store.replace({G: [Quad(S, P, Literal("kept"), G)]})
    with open_store(tmp_path / "s") as store:
        assert [q.object.value for q in store.quads(G)] == ["kept"]


def test_replace_swaps_a_graph_and_leaves_others(memory_store):
    other = NamedNode("https://example.org/graph/2")
    memory_store.replace({G: [Quad(S, P, Literal("old"), G)], other: [Quad(S, P, Literal("other"), other)]})
    memory_store.replace({G: [Quad(S, P, Literal("new"), G)]})
    named = [q for q in memory_store.quads() if q.predicate == P and isinstance(q.graph_name, NamedNode)]
    assert sorted(q.object.value for q in named) == ["new", "other"]
    assert sorted(q.object.value for q in memory_store.quads(DefaultGraph())) == ["new", "other"]


def test_failed_update_changes_nothing(memory_store):
    memory_store.replace({G: [Quad(S, P, Literal("before"), G)]})
    with pytest.raises(StoreError):
        memory_store.update(f"DROP GRAPH {G} ; INSERT DATA {{ GRAPH {G} {{ {S} {P} }} }}")
    assert [q.object.value for q in memory_store.quads(G)] == ["before"]


def test_hostile_literal_is_stored_verbatim(memory_store):
    hostile = 'x" } } ; DROP ALL ; INSERT DATA { <a> <b> "c'
    memory_store.replace({G: [Quad(S, P, Literal(hostile), G)]})
    assert [q.object.value for q in memory_store.quads(G)] == [hostile]


def test_replacing_a_record_twice_gives_the_same_quads(memory_store):
    encoded = Encoder(memory_store.base).encode(chain_record(0))
    memory_store.replace(encoded.graphs)
    first = sorted(map(str, memory_store.quads()))
    memory_store.replace(Encoder(memory_store.base).encode(chain_record(0)).graphs)
    assert sorted(map(str, memory_store.quads())) == first
    named = [q for q in memory_store.quads() if isinstance(q.graph_name, NamedNode)]
    assert len(named) == len(encoded) + 2  # + the settings graph's two triples
    content = {q.triple for q in named if q.graph_name != SETTINGS_GRAPH}
    assert {q.triple for q in memory_store.quads(DefaultGraph())} == content


def test_remote_location_is_a_clear_error():
    with pytest.raises(StoreError, match="remote SPARQL"):
        open_store("http://localhost:7878/")

"""The knowledge graph: the default graph is the set union of the content graphs, after any write."""

from __future__ import annotations

import random

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from provrdf import ingest, query
from provrdf.store import open_store
from provrdf.store.base import SETTINGS_GRAPH, Change, ingest_log_graph
from provrdf.store.knowledge import canonical

from helpers import DATA, DEMO

EX = "http://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def union_of_content(store) -> set:
    bookkeeping = store.bookkeeping_graphs()
    return {q.triple for q in store.quads() if isinstance(q.graph_name, NamedNode) and q.graph_name not in bookkeeping}


def knowledge(store) -> set:
    return {q.triple for q in store.quads(DefaultGraph())}


def test_random_writes_keep_the_default_graph_the_union_of_the_content_graphs():
    rng = random.Random(20261208)
    graphs = [NamedNode(f"{EX}g{i}") for i in range(4)]
    terms = [NamedNode(f"{EX}n{i}") for i in range(3)] + [Literal("x"), Literal("01", datatype=NamedNode(XSD + "integer"))]
    quad = lambda graph: Quad(rng.choice(terms[:3]), NamedNode(EX + "p"), rng.choice(terms), graph)  # noqa: E731
    with open_store(":memory:") as store:
        for step in range(300):
            graph = rng.choice(graphs)
            kind = rng.random()
            if kind < 0.4:
                change = Change(replace={graph: [quad(graph) for _ in range(rng.randrange(4))]})
            elif kind < 0.7:
                change = Change(add=[quad(graph) for _ in range(2)])
            else:
                change = Change(remove=rng.sample(list(store.quads(graph)) or [quad(graph)], 1))
            store.write(change)
            assert knowledge(store) == union_of_content(store), f"after step {step}"
        assert knowledge(store)  # the walk did not end empty


def test_a_triple_two_graphs_state_stays_until_neither_does(memory_store):
    a, b = NamedNode(EX + "a"), NamedNode(EX + "b")
    fact = Quad(a, NamedNode(EX + "p"), Literal("shared"))
    memory_store.replace({a: [Quad(*fact.triple, a)], b: [Quad(*fact.triple, b)]})
    assert knowledge(memory_store) == {fact.triple}
    memory_store.replace({a: []})
    assert knowledge(memory_store) == {fact.triple}
    delta = memory_store.replace({b: []})
    assert knowledge(memory_store) == set() and Quad(*fact.triple, DefaultGraph()) in delta.remove


def test_bookkeeping_never_enters_the_knowledge_graph(memory_store):
    log = ingest_log_graph(memory_store)
    memory_store.write(Change(add=[Quad(NamedNode(EX + "run"), NamedNode(EX + "p"), Literal("x"), log)]))
    assert knowledge(memory_store) == set()
    assert not any(q.graph_name == SETTINGS_GRAPH for q in memory_store.quads(DefaultGraph()))


def test_a_write_that_changes_nothing_writes_nothing(memory_store):
    g = NamedNode(EX + "g")
    quads = [Quad(NamedNode(EX + "a"), NamedNode(EX + "t"), Literal("2025-06-11T10:02:47.090+00:00",
                                                                   datatype=NamedNode(XSD + "dateTime")), g)]
    assert memory_store.replace({g: quads})
    assert not memory_store.replace({g: quads})  # the same value, spelt as before: nothing to do
    assert [q.object.value for q in memory_store.quads(g)] == ["2025-06-11T10:02:47.09Z"]


def test_canonical_forms_are_those_the_store_keeps():
    g = NamedNode(EX + "g")
    written = [Quad(g, g, Literal(text, datatype=NamedNode(XSD + kind)), g)
               for text, kind in (("01", "integer"), ("1.50", "decimal"), ("1", "boolean"), ("x", "string"))]
    assert [q.object.value for q in canonical(written)] == ["1", "1.5", "true", "x"]


def test_each_activity_is_counted_once_and_each_fact_answered_once(memory_store):
    logs = sorted(DEMO.glob("*.provenance.log")) + [DATA / "ctapipe" / "v0.19_2023.provenance.log"]
    ingest(memory_store, logs + logs[:2])  # two logs twice
    runs = sum(path.read_text().count('"activity_uuid"') for path in logs)
    activities = int(next(iter(query(memory_store, "SELECT (COUNT(?a) AS ?n) { ?a a prov:Activity }"))).text("n"))
    assert activities == runs == 6  # the pipeline's activities, each once, and no ingest run
    # the organisation every ctapipe activity is associated with: stated by every record, answered once
    agent = next(iter(query(memory_store, "SELECT ?x { ?a prov:wasAssociatedWith ?x . ?x a prov:Organization }"))).node("x")
    facts = list(query(memory_store, f"SELECT ?p ?o {{ {agent} ?p ?o }}"))
    stated = list(query(memory_store, f"SELECT ?p ?o {{ GRAPH ?g {{ {agent} ?p ?o }} }}"))
    assert len(facts) == len(set(facts)) >= 2
    assert set(stated) == set(facts) and len(stated) == len(facts) * 6  # each record says them again


@pytest.mark.parametrize("order", ["forward", "backward", "shuffled"])
def test_any_ingest_order_gives_the_same_quads(order):
    from helpers import CAPTURE_SOURCES

    sources = list(CAPTURE_SOURCES) + sorted((DATA / "ctapipe" / "v0.32_chain").glob("*.provenance.log"))
    ordered = {"forward": sources, "backward": sources[::-1],
               "shuffled": random.Random(7).sample(sources, len(sources))}
    results = []
    for files in (sources, ordered[order]):
        with open_store(":memory:") as store:
            report = ingest(store, files)
            assert report.ok, report.rejected[:1]
            log = ingest_log_graph(store)
            results.append({q for q in store.quads() if q.graph_name != log})
    assert results[0] == results[1]
    assert len(results[0]) > 10_000

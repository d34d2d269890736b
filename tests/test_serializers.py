"""Every export format, parsed back and checked for content."""

from __future__ import annotations

from datetime import datetime, timezone

import prov.model as pm
import pytest
import rdflib
from helpers import CHAIN
from rdflib.namespace import PROV, RDF, XSD
from helpers.readback import RDF_PARSERS, activities_in, all_records, parse_rdf, read_prov

from provrdf.api import export, ingest, lineage
from provrdf.errors import FormatError, OptionError
from provrdf.serializers import store_quads
from provrdf.serializers.provdoc import to_prov_document
from provrdf.formats import FORMATS, get_format
from provrdf.identifiers import mint
from provrdf.rdf.namespaces import PROV as PROV_IRI
from provrdf.rdf.terms import R
from provrdf.store.base import ingest_log_graph
import pyoxigraph
from pyoxigraph import DefaultGraph

CTAO = rdflib.Namespace("https://w3id.org/provrdf/ctao#")


@pytest.mark.parametrize("name", sorted(RDF_PARSERS))
def test_rdf_formats_round_trip_the_chain(chain_store, name):
    graph = parse_rdf(export(chain_store, name), name)
    activities = set(graph.subjects(RDF.type, PROV.Activity))
    assert {a.rsplit("/", 1)[-1] for a in activities} == {uuid for uuid, *_ in CHAIN}
    act = rdflib.URIRef(mint(chain_store.base, "activity", CHAIN[1][0]))
    dl1 = rdflib.URIRef(mint(chain_store.base, "entity", f"path:{CHAIN[1][2]}"))
    assert (act, PROV.used, dl1) in graph
    assert graph.value(act, CTAO.exitCode).toPython() == 0
    started = graph.value(act, PROV.startedAtTime)
    assert started.datatype == XSD.dateTime
    assert started.toPython() == datetime(2025, 3, 27, 1, 2, 11, 482000, tzinfo=timezone.utc)


@pytest.mark.parametrize("name", ["trig", "nquads", "jsonld"])
def test_dataset_formats_keep_one_graph_per_record_with_bundles(chain_store, name):
    dataset = rdflib.Dataset()
    dataset.parse(data=export(chain_store, name, bundles=True), format=RDF_PARSERS[name])
    named = {str(c.identifier) for c in dataset.graphs() if isinstance(c.identifier, rdflib.URIRef)
             and c.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID}
    assert named == {g.value for g in chain_store.graphs()} - {g.value for g in chain_store.bookkeeping_graphs()}
    assert {mint(chain_store.base, "bundle", uuid) for uuid, *_ in CHAIN} <= named
    assert not len(dataset.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID))


@pytest.mark.parametrize("name", ["trig", "nquads", "jsonld"])
def test_the_whole_store_is_the_knowledge_graph_in_the_default_graph(chain_store, name):
    dataset = rdflib.Dataset()
    dataset.parse(data=export(chain_store, name), format=RDF_PARSERS[name])
    assert [g.identifier for g in dataset.graphs() if len(g)] == [rdflib.graph.DATASET_DEFAULT_GRAPH_ID]
    knowledge = rdflib.Graph().parse(data=pyoxigraph.serialize([q.triple for q in chain_store.quads(DefaultGraph())],
                                                               format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt")
    assert set(dataset.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)) == set(knowledge) and len(knowledge) > 100


# -- what an export of the store writes --------------------------------------------------------------

DOCUMENT = """document
  prefix ex <https://example.org/>
  entity(ex:shared, [prov:label="said at the top and in the bundle"])
  entity(ex:top, [prov:label="said at the top only"])
  entity(ex:b, [prov:type='prov:Bundle'])
  bundle ex:b
    entity(ex:shared, [prov:label="said at the top and in the bundle"])
    activity(ex:inside, 2025-01-01T10:00:00Z, -)
    used(ex:u; ex:inside, ex:shared, -)
  endBundle
endDocument
"""
EX = "https://example.org/"


@pytest.fixture
def document_store(memory_store, tmp_path):
    """A store holding :data:`DOCUMENT`: a top level and a bundle its source declared, sharing a statement."""
    source = tmp_path / "document.provn"
    source.write_text(DOCUMENT)
    report = ingest(memory_store, [source])
    assert report.stored == 2 and not report.rejected
    return memory_store


def _records(document: pm.ProvBundle) -> dict[str, set[str]]:
    return {str(r.identifier.uri): {str(v) for v in r.get_attribute("prov:label")}
            for r in document.get_records() if r.is_element()}


@pytest.mark.parametrize("name", ["provn", "provjson", "provxml", "provjsonld"])
def test_a_bundle_the_source_declared_stays_a_bundle(document_store, name):
    document = read_prov(export(document_store, name), name)
    assert [b.identifier.uri for b in document.bundles] == [EX + "b"]
    bundle = next(iter(document.bundles))
    assert _records(document) == {EX + "shared": {"said at the top and in the bundle"},
                                  EX + "top": {"said at the top only"}, EX + "b": set()}
    assert _records(bundle) == {EX + "shared": {"said at the top and in the bundle"}, EX + "inside": set()}
    assert [r.get_type().uri for r in bundle.get_records() if r.is_relation()] == [PROV_IRI + "Usage"]
    assert document == read_prov(DOCUMENT.encode(), "provn")


def test_trig_writes_a_declared_bundle_as_its_named_graph_without_the_store_s_mark(document_store):
    dataset = rdflib.Dataset()
    dataset.parse(data=export(document_store, "trig"), format="trig")
    bundle = dataset.graph(rdflib.URIRef(EX + "b"))
    top = dataset.graph(rdflib.graph.DATASET_DEFAULT_GRAPH_ID)
    inside, shared, mark = rdflib.URIRef(EX + "inside"), rdflib.URIRef(EX + "shared"), (rdflib.URIRef(EX + "b"), RDF.type, PROV.Bundle)
    assert (inside, RDF.type, PROV.Activity) in bundle and (inside, RDF.type, PROV.Activity) not in top
    assert (shared, RDF.type, PROV.Entity) in bundle and (shared, RDF.type, PROV.Entity) in top
    assert mark not in bundle and mark in top  # the top level said it, the bundle did not
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {str(rdflib.graph.DATASET_DEFAULT_GRAPH_ID), EX + "b"}


def test_with_bundles_every_record_is_a_bundle(document_store):
    document = read_prov(export(document_store, "provn", bundles=True), "provn")
    names = sorted(b.identifier.uri for b in document.bundles)
    assert len(names) == 2 and names[0] == EX + "b" and "/bundle/w3c/" in names[1]
    assert not list(document.get_records())


def test_the_ingest_log_only_when_asked_as_a_bundle_of_its_own(document_store):
    log = ingest_log_graph(document_store).value
    plain = read_prov(export(document_store, "provjson"), "provjson")
    assert log not in {b.identifier.uri for b in plain.bundles}
    with_log = read_prov(export(document_store, "provjson", with_log=True), "provjson")
    bundle = next(b for b in with_log.bundles if b.identifier.uri == log)
    runs = [r for r in bundle.get_records() if isinstance(r, pm.ProvActivity)]
    assert len(runs) == 1 and R.IngestRun.value in {str(t.uri) for t in runs[0].get_attribute("prov:type")}
    assert {b.identifier.uri for b in with_log.bundles} == {EX + "b", log}


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS if f.name != "png"])
def test_no_format_writes_the_ingest_log_unless_asked(document_store, fmt, graphviz_dot):
    assert activities_in(export(document_store, fmt), fmt) == {EX + "inside"}
    with_log = activities_in(export(document_store, fmt, with_log=True), fmt)
    assert EX + "inside" in with_log and len(with_log) == 2


def test_one_graph_is_written_flat_or_with_bundles_as_its_named_graph(document_store):
    top = next(g.value for g in document_store.graphs() if "/bundle/w3c/" in g.value)
    flat = read_prov(export(document_store, "provn", graph=top), "provn")
    assert not list(flat.bundles) and set(_records(flat)) == {EX + "shared", EX + "top", EX + "b"}
    named = read_prov(export(document_store, "provn", graph=top, bundles=True), "provn")
    assert [b.identifier.uri for b in named.bundles] == [top] and not list(named.get_records())
    declared = read_prov(export(document_store, "provn", graph=EX + "b"), "provn")
    assert [b.identifier.uri for b in declared.bundles] == [EX + "b"] and not list(declared.get_records())


def test_the_log_goes_with_the_whole_store_not_with_one_graph(document_store):
    with pytest.raises(OptionError, match="export it alone with its graph IRI"):
        export(document_store, "turtle", graph=EX + "b", with_log=True)
    log = parse_rdf(export(document_store, "turtle", graph=ingest_log_graph(document_store).value), "turtle")
    assert set(log.subjects(RDF.type, PROV.Activity)) == set(log.subjects(RDF.type, rdflib.URIRef(R.IngestRun.value)))


@pytest.mark.parametrize("name", ["provjson", "provxml"])
def test_prov_formats_are_read_back_equal(chain_store, name):
    data = export(chain_store, name)
    document = read_prov(data, name)
    assert document == to_prov_document(store_quads(chain_store), chain_store.base)
    records = all_records(document)
    usages = [r for r in records if isinstance(r, pm.ProvUsage)]
    assert len(usages) == 3
    roles = {str(v) for r in usages for v in r.get_attribute("prov:role")}
    assert roles == {"DL0/Event", "DL1/Event"}
    activities = [r for r in records if isinstance(r, pm.ProvActivity)]
    assert {a.identifier.uri.rsplit("/", 1)[-1] for a in activities} == {uuid for uuid, *_ in CHAIN}
    types = {str(t) for a in activities for t in a.get_attribute("prov:type")}
    assert types == {"voprov:Activity"}


def test_provn_names_every_activity_and_relation(chain_store):
    text = export(chain_store, "provn").decode()
    records = all_records(read_prov(text.encode(), "provn"))
    activities = {r.identifier.uri for r in records if isinstance(r, pm.ProvActivity)}
    assert activities == {activity_iri(chain_store, step) for step in range(len(CHAIN))}
    assert len([r for r in records if isinstance(r, pm.ProvUsage)]) == 3
    assert len([r for r in records if isinstance(r, pm.ProvGeneration)]) == 3
    assert 'prov:role="DL1/Event"' in text


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS if f.name != "png"])
def test_lineage_result_exports_in_every_format(chain_store, fmt, graphviz_dot):
    result = lineage(chain_store, CHAIN[2][3], depth=2)
    assert activities_in(export(chain_store, fmt, result=result), fmt) == {activity_iri(chain_store, 2)}


def test_lineage_result_exports_as_png(chain_store, graphviz_dot):
    data = export(chain_store, "png", result=lineage(chain_store, CHAIN[2][3], depth=2))
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 1000


def test_one_graph_exports_one_record(chain_store):
    graph = mint(chain_store.base, "bundle", CHAIN[0][0])
    parsed = parse_rdf(export(chain_store, "nquads", graph=graph), "nquads")
    assert {a.rsplit("/", 1)[-1] for a in parsed.subjects(RDF.type, PROV.Activity)} == {CHAIN[0][0]}


def test_unknown_format_lists_the_known_ones():
    with pytest.raises(FormatError, match="known: turtle, trig"):
        get_format("prov-yaml")


def activity_iri(store, step: int) -> str:
    return mint(store.base, "activity", CHAIN[step][0])


@pytest.mark.parametrize("graph, message", [("not an iri", "is not an IRI"),
                                             ("https://example.org/no-such-graph", "no graph named")])
def test_a_graph_that_is_no_iri_or_not_stored_is_an_option_error(chain_store, graph, message):
    with pytest.raises(OptionError, match=message):
        export(chain_store, "turtle", graph=graph)

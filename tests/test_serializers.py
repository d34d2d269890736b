"""Every export format, parsed back and checked for content."""

from __future__ import annotations

from datetime import datetime, timezone

import prov.model as pm
import pytest
import rdflib
from helpers import CHAIN
from rdflib.namespace import PROV, RDF, XSD
from helpers.readback import RDF_PARSERS, activities_in, all_records, parse_rdf, read_prov

from provrdf.api import export, lineage
from provrdf.errors import FormatError, OptionError
from provrdf.serializers import store_quads
from provrdf.serializers.provdoc import to_prov_document
from provrdf.formats import FORMATS, get_format
from provrdf.identifiers import mint

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


@pytest.mark.parametrize("name", ["trig", "nquads"])
def test_dataset_formats_keep_one_graph_per_record(chain_store, name):
    dataset = rdflib.Dataset()
    dataset.parse(data=export(chain_store, name), format=RDF_PARSERS[name])
    bundles = {str(c.identifier) for c in dataset.graphs() if "/bundle/" in str(c.identifier)}
    assert bundles == {mint(chain_store.base, "bundle", uuid) for uuid, *_ in CHAIN}


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

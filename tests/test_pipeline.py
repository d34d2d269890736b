"""Ingest: chains connect, re-ingest changes nothing, bad records are rejected alone."""

from __future__ import annotations

import shutil

import pytest

from pyoxigraph import DefaultGraph, RdfFormat, serialize

from provrdf.api import ingest, lineage, open_store, query, validate
from provrdf.errors import StoreError
from provrdf.ingest_log import ingest_log_graph
from provrdf.store.base import sparql_prefixes
from provrdf.store.embedded import EmbeddedStore

from helpers import DATA, DEMO

BAD_RECORD = DATA / "ctapipe" / "bad_record.provenance.log"
STOP_BEFORE_START = DATA / "invalid" / "stop_before_start.provenance.log"


def demo_logs():
    logs = sorted(DEMO.glob("*.provenance.log"))
    assert len(logs) == 3
    return logs


def dump(store) -> bytes:
    return serialize(sorted(store.quads(), key=str), format=RdfFormat.N_QUADS)


def count(store, sparql: str) -> int:
    return int(next(iter(query(store, f"SELECT (COUNT(DISTINCT *) AS ?n) WHERE {{ {sparql} }}")))["n"].value)


def test_demo_chain_is_one_connected_lineage(memory_store):
    report = ingest(memory_store, demo_logs())
    assert report.ok and report.stored == 3
    final = next(iter(query(memory_store, """
        SELECT ?e WHERE { ?e prov:wasGeneratedBy ?a . FILTER NOT EXISTS { ?x prov:used ?e } }""")))["e"]
    result = lineage(memory_store, final.value)
    activities = {n for n in result.nodes if n.value.startswith(memory_store.base + "activity/")}
    assert len(activities) == 3
    assert any(n.value.endswith(".simtel.zst") for n in result.nodes)


def test_reingest_changes_nothing(tmp_path):
    from provrdf.store import open_store

    with open_store(tmp_path / "store") as store:
        ingest(store, demo_logs())
        before = dump(store)
        again = ingest(store, demo_logs())
        assert (again.stored, again.unchanged, again.quads) == (0, 3, 0)
        assert dump(store) == before


def test_ingest_log_has_one_entry_per_source_content(memory_store, tmp_path):
    logs = demo_logs()
    copy = tmp_path / "copy.provenance.log"
    shutil.copy(logs[0], copy)
    ingest(memory_store, logs + [copy, logs[0]])
    log = ingest_log_graph(memory_store)
    assert count(memory_store, f"GRAPH {log} {{ ?run a provrdf:IngestRun }}") == 3
    assert count(memory_store, f"GRAPH {log} {{ ?run provrdf:reader 'ctapipe' ; prov:generated ?b }}") == 3
    locations = {row["l"].value for row in query(memory_store, f"""
        SELECT ?l WHERE {{ GRAPH {log} {{ ?run prov:used ?s . ?s prov:atLocation ?l ; provrdf:sha256 ?h }} }}""")}
    assert {str(copy), str(logs[0])} <= locations


def test_broken_records_are_rejected_alone(memory_store):
    report = ingest(memory_store, [BAD_RECORD])
    assert report.stored == 2
    assert [r.record for r in report.rejected] == [1, 2]
    assert all(r.source == str(BAD_RECORD) for r in report.rejected)
    assert count(memory_store, "?a a prov:Activity ; voprov:name ?n") == 2


def test_shacl_violation_rejects_only_that_record(memory_store):
    report = ingest(memory_store, [STOP_BEFORE_START])
    assert report.stored == 2
    (rejection,) = report.rejected
    assert rejection.record == 1
    assert rejection.issues and all(i.severity == "Violation" for i in rejection.issues)
    assert any(i.focus.endswith("/activity/7d2e4f60-3c1a-4b9e-8f2d-6a8b0c2d4e5f") for i in rejection.issues)
    stored = {row["a"].value.rsplit("/", 1)[-1] for row in query(memory_store, "SELECT ?a WHERE { ?a a prov:Activity }")}
    assert "7d2e4f60-3c1a-4b9e-8f2d-6a8b0c2d4e5f" not in stored
    assert {"0c6f8a52-2b1d-4e8f-9a3c-5d7e9f1a2b3c", "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"} <= stored


def test_no_validate_stores_what_shacl_would_reject(memory_store):
    report = ingest(memory_store, [STOP_BEFORE_START], validate=False)
    assert report.stored == 3 and report.ok


def test_validate_stores_nothing():
    report = validate([STOP_BEFORE_START, BAD_RECORD])
    assert report.stored == 4
    assert sorted((r.source.rsplit("/", 1)[-1], r.record) for r in report.rejected) == [
        ("bad_record.provenance.log", 1), ("bad_record.provenance.log", 2),
        ("stop_before_start.provenance.log", 1)]


class FailingStore(EmbeddedStore):
    """A real in-memory store whose n-th write of a record fails, like a full disk."""

    def __init__(self, fail_at: int) -> None:
        super().__init__(None, base="https://w3id.org/provrdf/id/")
        self.calls, self.fail_at = 0, fail_at

    def apply(self, delta):
        if any("/bundle/" in q.graph_name.value for q in delta.add if not q.graph_name == DefaultGraph()):
            self.calls += 1
            if self.calls == self.fail_at:
                raise StoreError("No space left on device")
        super().apply(delta)


def test_store_failure_loses_only_that_record():
    store = FailingStore(fail_at=2)
    report = ingest(store, demo_logs())
    assert report.stored == 2
    (rejection,) = report.rejected
    assert "No space left on device" in rejection.message
    assert count(store, "?a a prov:Activity ; voprov:name ?n") == 2
    again = ingest(store, demo_logs())  # the failed record goes in on the next try
    assert again.ok and count(store, "?a a prov:Activity ; voprov:name ?n") == 3


def test_unknown_file_format_is_a_rejection(memory_store, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("observing night summary: clouds\n")
    report = ingest(memory_store, [text])
    (rejection,) = report.rejected
    assert "not a provenance format provrdf knows (tried: ctapipe" in rejection.message


def test_truncated_log_keeps_the_complete_records_and_names_the_line(memory_store):
    report = ingest(memory_store, [DATA / "ctapipe" / "truncated.provenance.log"])
    assert report.stored == 2
    (rejection,) = report.rejected
    assert (rejection.record, rejection.line) == (2, 640)
    assert str(rejection).startswith(f"{DATA / 'ctapipe' / 'truncated.provenance.log'}, record 2, line 640: invalid JSON")


# -- the same file named by two tools -------------------------------------------------


def _tool_record(tool: str, used: tuple[str, str] | None, generated: tuple[str, str]) -> "m.Record":
    """One activity of ``tool`` using and generating (entity id, location) files."""
    from provrdf import model as m

    record = m.Record(id=f"{tool}/run", source=f"{tool}.log", activities=[m.Activity(id=f"{tool}/run", name=tool)])
    for entity, location in filter(None, [used, generated]):
        record.entities.append(m.Entity(id=entity, kind="dataset", location=location))
    if used:
        record.usages.append(m.Usage(f"{tool}/run", used[0], role="input"))
    record.generations.append(m.Generation(generated[0], f"{tool}/run", role="output"))
    record.config_files.append(m.ConfigFile(f"{tool}/run", "config.yaml", location="/data/config.yaml"))
    return record


def test_the_same_file_named_by_two_tools_is_linked_and_crossed(memory_store):
    from provrdf.pipeline import Ingester

    dl2 = "/fefs/dl2/gamma_run1.dl2.h5"
    producer = _tool_record("ctapipe", ("path:/fefs/dl1/gamma_run1.dl1.h5", "/fefs/dl1/gamma_run1.dl1.h5"),
                            ("8b86a06d-5ece-4f51-8b3a-2048f822ba3d", dl2))
    consumer = _tool_record("gammapy", ("md5:9c4f6c1d0b8e2a7f5e3d1c9b8a7f6e5d", f"file://{dl2}"),
                            ("md5:4b8e1f0a6c2d9e7b3a5f1c8d0e6b2a94", "/data/flux_points.fits"))
    report = Ingester(memory_store).records([producer, consumer], "two tools", "test")
    assert report.ok, report.rejected
    links = {(row["a"].value.rsplit("/", 1)[-1], row["b"].value.rsplit("/", 1)[-1])
             for row in query(memory_store, "SELECT ?a ?b WHERE { ?a prov:alternateOf ?b }")}
    assert links == {("md5:9c4f6c1d0b8e2a7f5e3d1c9b8a7f6e5d", "8b86a06d-5ece-4f51-8b3a-2048f822ba3d")}
    assert count(memory_store, "?c prov:alternateOf ?d . ?c a voprov:ConfigFile") == 0
    result = lineage(memory_store, "/data/flux_points.fits", configuration=False)
    activities = {node.value for node in result.nodes if "/activity/" in node.value}
    assert activities == {memory_store.base + "activity/ctapipe/run", memory_store.base + "activity/gammapy/run"}
    located = {row["l"].value for row in query(memory_store, f"""SELECT ?l WHERE {{
        VALUES ?n {{ {" ".join(map(str, result.nodes))} }} ?n prov:atLocation ?l }}""")}
    assert located == {"/data/flux_points.fits", f"file://{dl2}", dl2, "/fefs/dl1/gamma_run1.dl1.h5"}
    two_steps = lineage(memory_store, "/data/flux_points.fits", depth=2, configuration=False)
    two = {row["l"].value for row in query(memory_store, f"""SELECT ?l WHERE {{
        VALUES ?n {{ {" ".join(map(str, two_steps.nodes))} }} ?n prov:atLocation ?l }}""")}
    assert two == {"/data/flux_points.fits", f"file://{dl2}", dl2}  # crossing to the same file is free


def test_location_variants_match_paths_and_file_urls():
    from provrdf.link import location_variants

    assert location_variants("/a/./b.fits") == ["/a/./b.fits", "/a/b.fits", "file:///a/b.fits"]
    assert location_variants("file:///a/b%20c.fits") == ["file:///a/b%20c.fits", "/a/b c.fits"]
    assert location_variants("LFN:/vo.cta.in2p3.fr/MC/./run1.h5") == [
        "LFN:/vo.cta.in2p3.fr/MC/./run1.h5", "/vo.cta.in2p3.fr/MC/run1.h5"]
    for not_a_file in ("opus_store:1234", "var1", "global_var", "data/run1.fits",
                       "https://archive.example.org/get?id=12", "file:///a/b.fits?v=2", "//host/share"):
        assert location_variants(not_a_file) == [], not_a_file


# -- nothing dropped silently -----------------------------------------------------------------

#: Every PROV-DM and ProvDM statement kind, and a SPARQL pattern that finds it in the store.
STATEMENT_KINDS = {
    "used": "?a prov:qualifiedUsage [ prov:entity ?e ; prov:hadRole ?r ]",
    "wasGeneratedBy": "?e prov:qualifiedGeneration [ prov:activity ?a ; prov:atTime ?t ]",
    "wasInvalidatedBy": "?e prov:qualifiedInvalidation [ prov:activity ?a ]",
    "wasStartedBy": "?a prov:qualifiedStart [ prov:entity ?trigger ; prov:hadActivity ?starter ]",
    "wasEndedBy": "?a prov:qualifiedEnd [ prov:entity ?trigger ; prov:hadActivity ?ender ]",
    "wasInformedBy": "?a prov:wasInformedBy ?b",
    "wasAssociatedWith": "?a prov:qualifiedAssociation [ prov:agent ?ag ; prov:hadPlan ?plan ]",
    "wasAttributedTo": "?e prov:wasAttributedTo ?ag",
    "actedOnBehalfOf": "?d prov:qualifiedDelegation [ prov:agent ?r ; prov:hadActivity ?a ]",
    "wasDerivedFrom": "?e prov:wasDerivedFrom ?f",
    "wasRevisionOf": "?e prov:wasRevisionOf ?f",
    "wasQuotedFrom": "?e prov:wasQuotedFrom ?f",
    "hadPrimarySource": "?e prov:hadPrimarySource ?f",
    "wasInfluencedBy": "?x prov:qualifiedInfluence [ a prov:Influence ; prov:influencer ?y ] "
                       "FILTER NOT EXISTS { ?x voprov:qualifiedConfiguration ?c }",
    "specializationOf": "?e prov:specializationOf ?f",
    "alternateOf": "?e prov:alternateOf ?f",
    "hadMember": "?c prov:hadMember ?e",
    "mentionOf": "?e prov:mentionOf ?f ; prov:asInBundle ?b",
    "bundle": "?b a prov:Bundle",
    "isDescribedBy": "?a a voprov:Activity ; voprov:isDescribedBy ?d . ?d a voprov:ActivityDescription",
    "wasConfiguredBy": "?a voprov:qualifiedConfiguration [ voprov:artefact ?p ; voprov:artefactType 'Parameter' ]",
    "configFile": "?a voprov:wasConfiguredBy ?c . ?c a voprov:ConfigFile ; prov:atLocation ?l",
    "hadReference": "?d voprov:hadReference ?e",
    "isRelatedTo": "?d voprov:hasUsageDescription ?u . ?u voprov:entityDescription ?ed",
    "parameterDescription": "?d voprov:hasParameterDescription [ voprov:valueType ?t ; voprov:options ?o ]",
    "configFileDescription": "?d voprov:hasConfigFileDescription [ voprov:contentType ?t ]",
    "valueEntity": "?e a voprov:ValueEntity ; prov:value ?v",
    "datasetDescription": "?d a voprov:DatasetDescription ; voprov:contentType ?t",
    "valueDescription": "?d a voprov:ValueDescription ; voprov:valueType ?t",
    "unknown attribute": "?e <http://cta-observatory.org/ns#nEvents> ?n",
    "name and label": "?p voprov:name 'nxpix' ; rdfs:label 'nxpix = 100'",
}


@pytest.fixture(scope="module")
def every_kind():
    store = open_store(":memory:")
    report = ingest(store, [DATA / "prov" / "every_statement.provn", DATA / "voprov" / "cta_analysis.provn"])
    assert report.ok, [str(r) for r in report.rejected]
    return store


@pytest.mark.parametrize("kind", sorted(STATEMENT_KINDS))
def test_every_statement_kind_is_in_the_store(every_kind, kind):
    """PROV-DM's statements (the prov package's document) and ProvDM's (voprov's): each one is stored."""
    assert every_kind.ask(sparql_prefixes() + f"ASK {{ {STATEMENT_KINDS[kind]} }}"), kind

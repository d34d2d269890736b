"""The ingest log: bookkeeping with provrdf's own classes, outside the knowledge graph, rejections logged."""

from __future__ import annotations

from provrdf import ingest, query
from provrdf.ingest_log import ingest_log_graph
from provrdf.rdf.namespaces import PROV, PROVRDF

from helpers import DATA, DEMO


def classes(store, graph) -> set[str]:
    return {row.text("c") for row in query(store, f"SELECT DISTINCT ?c {{ GRAPH {graph} {{ ?n a ?c }} }}")}


def test_log_nodes_have_provrdf_classes_and_bundle_only(memory_store):
    ingest(memory_store, sorted(DEMO.glob("*.provenance.log")))
    log = ingest_log_graph(memory_store)
    assert classes(memory_store, log) == {PROVRDF + "IngestRun", PROVRDF + "Source", PROVRDF + "Software",
                                          PROV + "Bundle"}
    in_knowledge = query(memory_store, "SELECT ?n { ?n a ?c FILTER(STRSTARTS(STR(?c), STR(provrdf:))) }")
    assert len(in_knowledge) == 0
    runs = query(memory_store, f"SELECT ?r (COUNT(?b) AS ?n) {{ GRAPH {log} {{ ?r prov:generated ?b }} }} GROUP BY ?r")
    assert sorted(row.text("n") for row in runs) == ["1", "1", "1"]


def test_a_rejected_attempt_is_logged_as_rejected(memory_store, tmp_path):
    notes = tmp_path / "notes.provenance.log"
    notes.write_text('[{"activity_name": "ctapipe-process"}]')  # no uuid, no times: the one record is broken
    report = ingest(memory_store, [notes, DATA / "ctapipe" / "bad_record.provenance.log"])
    assert len(report.rejected) == 3
    log = ingest_log_graph(memory_store)
    rows = query(memory_store, f"""SELECT ?l ?why ?b {{ GRAPH {log} {{
        ?r prov:used/prov:atLocation ?l ; provrdf:rejected ?why OPTIONAL {{ ?r prov:generated ?b }} }} }}""")
    by_source: dict[str, list] = {}
    for row in rows:
        by_source.setdefault(row.text("l").rsplit("/", 1)[-1], []).append((row.text("why"), row["b"]))
    assert [why for why, _ in by_source["notes.provenance.log"]] == ["record 0: activity has no activity_uuid"]
    assert by_source["notes.provenance.log"][0][1] is None  # a run that stored nothing generated nothing
    bad = by_source["bad_record.provenance.log"]
    assert {why.split(":")[0] for why, _ in bad} == {"record 1", "record 2"} and all(b is not None for _, b in bad)


def test_reading_the_same_content_again_adds_nothing_to_the_log(memory_store):
    logs = sorted(DEMO.glob("*.provenance.log"))
    ingest(memory_store, logs)
    log = ingest_log_graph(memory_store)
    before = set(memory_store.quads(log))
    again = ingest(memory_store, logs)
    assert again.unchanged == 3 and set(memory_store.quads(log)) == before

"""Tests of the in-process tracer: the events it writes, read back by the gammapy reader,
and the records it ingests straight into a store."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

import provrdf
from provrdf.capture import detect, gammapy
from provrdf.capture.tracer import Tracer, fingerprint, format_line, system_info
from provrdf.errors import ParseError
from provrdf.pipeline import StoreSink
from provrdf.model import Record
from provrdf.rdf.encode import Encoder
from provrdf.store import open_store
from provrdf.store.base import sparql_prefixes

DEFINITION = """\
activities:
  get_observations:
    description: "Select the observations of the data store"
    parameters:
      - name: datastore
        description: "DataStore path as string"
        value: settings.datastore
      - name: zenith_max
    usage:
      - role: datastore
        description: "DataStore folder"
        entityType: DataStore
        location: settings.datastore
    generation:
      - role: observations selected
        entityType: Observations
        value: observations
        has_members: {entityType: Observation, list: observations, id: obs_id, namespace: hess-dl3}
"""


# -- helpers -----------------------------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def events(log: Path) -> list[dict]:
    """The payloads of a tracer log, in order."""
    parsed = [gammapy.parse_line(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert all(item is not None for item in parsed)
    return [payload for _, payload in parsed]


def read_records(log: Path) -> list[Record]:
    items = list(gammapy.read(log))
    assert not [item for item in items if isinstance(item, ParseError)], items
    return items


def activity(records: list[Record], name: str, index: int = 0) -> Record:
    found = [r for r in records if r.activities and r.activities[0].name == name and not r.id.startswith("session/")]
    return found[index]


def parameters(record: Record) -> dict[str, str]:
    return {p.name: p.value for p in record.parameters}


def used(record: Record) -> dict[str | None, str]:
    return {u.role: u.entity for u in record.usages}


def generated(record: Record) -> dict[str | None, str]:
    return {g.role: g.entity for g in record.generations}


def entity(record: Record, local: str):
    return next(e for e in record.entities if e.id == local)


def rows(store, sparql: str) -> list[tuple[str, ...]]:
    return sorted(tuple(term.value for term in row) for row in store.query(sparql_prefixes() + sparql))


class Observation:
    def __init__(self, obs_id: int) -> None:
        self.obs_id = obs_id


class Analysis:
    """A small stand-in for gammapy's high-level interface."""

    def __init__(self, datastore: str) -> None:
        self.settings = {"datastore": datastore}
        self.observations: list[Observation] | None = None
        self.fit_result = None

    def get_observations(self, zenith_max: float = 40.0, ids: tuple = (23523, 23526)) -> None:
        self.observations = [Observation(i) for i in ids]

    def run_fit(self, model: str = "pl") -> dict:
        self.fit_result = {"model": model, "norm": 3.1e-11}
        return self.fit_result

    def summary(self) -> str:
        return "ok"

    def _helper(self) -> int:
        return 1


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "events.txt").write_text("1.5\n2.5\n4.0\n", encoding="utf-8")
    return {"events": tmp_path / "events.txt", "binned": tmp_path / "binned.txt", "log": tmp_path / "prov.log"}


def make_reduce(tracer: Tracer):
    @tracer.trace
    def reduce(events, output, scale=2.0, label="run 1", bins=(0, 1, 2)):
        values = [float(x) * scale for x in Path(events).read_text().split()]
        Path(output).write_text("\n".join(map(str, values)) + "\n")
        return sum(values)

    return reduce


# -- the log: events, then records read back by the gammapy reader ------------------------


def test_function_call_writes_session_and_activity_events(files):
    with Tracer(files["log"], session_name="reduction", agent="ana") as tracer:
        reduce = make_reduce(tracer)
        assert reduce(str(files["events"]), files["binned"], scale=3.0) == pytest.approx(24.0)
    payloads = events(files["log"])
    session, start, params = payloads[:3]
    assert session["session_id"] == tracer.session_id and session["name"] == "reduction"
    assert session["system"]["executable"] and session["system"]["python"]["implementation"]
    assert "provrdf" in {p["name"] for p in session["system"]["python"]["packages"]}
    assert start["name"] == "reduce" and start["in_session"] == tracer.session_id and start["agent_name"] == "ana"
    # a path that does not exist yet is a parameter, and generated if the call creates it
    assert params == {"activity_id": start["activity_id"], "parameters": {
        "output": str(files["binned"]), "scale": 3.0, "label": "run 1", "bins": [0, 1, 2]}}
    digest_in, digest_out = sha256(files["events"]), sha256(files["binned"])
    file_in = next(p for p in payloads if p.get("entity_id") == digest_in)
    assert file_in == {"entity_id": digest_in, "name": "events.txt", "location": str(files["events"]),
                       "hash": digest_in, "hash_type": "sha256", "type": "File", "contentType": "text/plain"}
    relations = [p for p in payloads if "used_id" in p or "generated_id" in p]
    assert {"activity_id": start["activity_id"], "used_id": digest_in, "used_role": "events"} in relations
    assert {"activity_id": start["activity_id"], "generated_id": digest_out, "generated_role": "output"} in relations
    result = next(p for p in relations if p.get("generated_role") == "result")
    assert next(p for p in payloads if p.get("entity_id") == result["generated_id"])["value"] == "24.0"
    assert payloads[-1]["activity_id"] == start["activity_id"] and "endTime" in payloads[-1]
    assert sum("session_id" in p for p in payloads) == 1


def test_log_read_back_by_the_gammapy_reader(files):
    with Tracer(files["log"], session_name="reduction", agent="ana") as tracer:
        make_reduce(tracer)(str(files["events"]), str(files["binned"]), scale=3.0)
    records = read_records(files["log"])
    session = records[0]
    assert session.id == f"session/{tracer.session_id}" and session.activities[0].name == "reduction"
    record = activity(records, "reduce")
    act = record.activities[0]
    assert act.part_of == f"session/{tracer.session_id}" and act.start <= act.end
    assert parameters(record) == {"scale": "3.0", "label": "run 1", "bins": "[0, 1, 2]", "output": str(files["binned"])}
    assert used(record) == {"events": f"sha256:{sha256(files['events'])}"}
    assert generated(record)["output"] == f"sha256:{sha256(files['binned'])}"
    output = entity(record, f"sha256:{sha256(files['binned'])}")
    assert (output.kind, output.location, output.name) == ("dataset", str(files["binned"]), "binned.txt")
    assert entity(record, generated(record)["result"]).value == "24.0"
    assert {a.name for a in record.agents} >= {"ana"}


def test_log_is_ingested_from_its_file(files):
    with Tracer(files["log"], session_name="reduction") as tracer:
        make_reduce(tracer)(files["events"], files["binned"])
    assert detect(files["log"]).name == "gammapy"
    store = open_store(":memory:")
    report = provrdf.ingest(store, [files["log"]])
    assert (report.stored, report.rejected) == (2, [])
    assert rows(store, "SELECT ?role WHERE { ?a voprov:name 'reduce' ; prov:qualifiedUsage ?u . "
                       "?u prov:hadRole ?role }") == [("events",)]


def test_file_modified_between_two_calls_is_derived(files):
    with Tracer(files["log"]) as tracer:
        reduce = make_reduce(tracer)
        reduce(files["events"], files["binned"])
        first = sha256(files["events"])
        files["events"].write_text("7.0\n8.0\n", encoding="utf-8")
        reduce(files["events"], files["binned"])
    second = sha256(files["events"])
    assert first != second
    assert {"entity_id": second, "progenitor_id": first} in events(files["log"])
    record = activity(read_records(files["log"]), "reduce", 1)
    assert used(record)["events"] == f"sha256:{second}"
    assert (f"sha256:{second}", f"sha256:{first}") in {(d.generated, d.used) for d in record.derivations}


def test_file_rewritten_in_place_is_used_then_generated(files):
    with Tracer(files["log"]) as tracer:
        @tracer.trace
        def append(path, line):
            with open(path, "a") as stream:
                stream.write(line + "\n")

        before = sha256(files["events"])
        append(files["events"], "9.0")
    record = activity(read_records(files["log"]), "append")
    after = sha256(files["events"])
    assert used(record) == {"path": f"sha256:{before}"}
    assert generated(record) == {"path": f"sha256:{after}"}
    assert (f"sha256:{after}", f"sha256:{before}") in {(d.generated, d.used) for d in record.derivations}
    assert parameters(record) == {"line": "9.0"}


def test_file_hashed_once_per_path_mtime_and_size(files):
    path = files["events"]
    old = os.stat(path).st_mtime_ns - 10**10  # written long ago: its mtime can be trusted
    os.utime(path, ns=(old, old))
    with Tracer(files["log"]) as tracer:
        @tracer.trace
        def peek(events):
            return None

        peek(path)
        path.write_text("9.9\n9.9\n9.9\n", encoding="utf-8")  # same size, same mtime: not read again
        os.utime(path, ns=(old, old))
        peek(path)
        os.utime(path, ns=(old + 10**9, old + 10**9))  # another mtime: hashed again
        peek(path)
    ids = [p["used_id"] for p in events(files["log"]) if "used_id" in p]
    assert ids[0] == ids[1] != ids[2] == sha256(path)


def test_hash_files_false_identifies_files_by_path(files):
    with Tracer(files["log"], hash_files=False) as tracer:
        make_reduce(tracer)(files["events"], files["binned"])
    record = activity(read_records(files["log"]), "reduce")
    assert used(record)["events"] == f"path:{os.path.abspath(files['events'])}"
    assert "hash" not in next(p for p in events(files["log"]) if p.get("location") == str(files["events"]))


def test_exception_propagates_and_activity_is_recorded(files):
    with Tracer(files["log"]) as tracer:
        @tracer.trace
        def explode(events, threshold=5):
            raise ValueError(f"threshold {threshold} too high")

        with pytest.raises(ValueError, match="threshold 7 too high"):
            explode(files["events"], threshold=7)
    record = activity(read_records(files["log"]), "explode")
    assert record.activities[0].end is not None
    assert parameters(record) == {"threshold": "7"}
    assert used(record) == {"events": f"sha256:{sha256(files['events'])}"}
    assert record.generations == []


def test_context_manager_activity(files):
    with Tracer(files["log"]) as tracer, tracer.activity("calibrate", gain=1.02, mode="fast") as step:
        step.used(files["events"], role="raw")
        files["binned"].write_text("calibrated\n", encoding="utf-8")
        step.generated(files["binned"], role="calibrated")
        step.parameter("pedestal", 12)
    record = activity(read_records(files["log"]), "calibrate")
    assert record.id == f"{tracer.session_id}/{step.id}"
    assert parameters(record) == {"gain": "1.02", "mode": "fast", "pedestal": "12"}
    assert used(record) == {"raw": f"sha256:{sha256(files['events'])}"}
    assert generated(record) == {"calibrated": f"sha256:{sha256(files['binned'])}"}


def test_context_manager_records_a_failed_block(files):
    with Tracer(files["log"]) as tracer, pytest.raises(KeyError), tracer.activity("select") as step:
        step.used(files["events"], role="events")
        raise KeyError("run")
    record = activity(read_records(files["log"]), "select")
    assert record.activities[0].end is not None and used(record) == {"events": f"sha256:{sha256(files['events'])}"}


# -- classes ---------------------------------------------------------------------------------


def test_class_without_definition_traces_public_methods(files, tmp_path):
    with Tracer(files["log"], session_name="analysis") as tracer:
        traced = tracer.trace(type("Traced", (Analysis,), dict(vars(Analysis))))
        analysis = traced(str(tmp_path))
        analysis.get_observations(zenith_max=30.0)
        analysis.run_fit(model="ecpl")
        analysis._helper()
        analysis.summary()
    records = read_records(files["log"])
    names = [r.activities[0].name for r in records[1:]]
    assert names == ["get_observations", "run_fit", "summary"]
    first, fit = activity(records, "get_observations"), activity(records, "run_fit")
    assert parameters(first) == {"zenith_max": "30.0", "ids": "[23523, 23526]"}
    # self changed in each call: a new version generated, derived from the one used
    for record in (first, fit):
        before, after = used(record)["self"], generated(record)["self"]
        assert before != after and (after, before) in {(d.generated, d.used) for d in record.derivations}
    assert used(fit)["self"] == generated(first)["self"]
    assert entity(fit, generated(fit)["result"]).value == "{'model': 'ecpl', 'norm': 3.1e-11}"
    summary = activity(records, "summary")
    assert "self" not in generated(summary) and generated(summary) != {}


def test_class_with_definition_traces_listed_methods(files, tmp_path):
    datastore = tmp_path / "datastore"
    datastore.mkdir()
    definition = tmp_path / "definition.yaml"
    definition.write_text(DEFINITION, encoding="utf-8")
    with Tracer(files["log"], definition=definition) as tracer:
        traced = tracer.trace(type("Described", (Analysis,), dict(vars(Analysis))))
        analysis = traced(str(datastore))
        analysis.get_observations(zenith_max=30.0)
        analysis.run_fit()
    records = read_records(files["log"])
    assert [r.activities[0].name for r in records[1:]] == ["get_observations"]
    record = records[1]
    assert parameters(record) == {"datastore": str(datastore), "zenith_max": "30.0"}
    assert used(record)["datastore"] == f"path:{datastore}"
    store_entity = entity(record, f"path:{datastore}")
    assert (store_entity.name, store_entity.location) == ("DataStore", str(datastore))
    observations = generated(record)["observations selected"]
    assert entity(record, observations).name == "Observations"
    assert sorted(m.member for m in record.memberships if m.collection == observations) == [
        "hess-dl3:23523", "hess-dl3:23526"]


def test_decorator_with_name_and_roles(files):
    with Tracer(files["log"]) as tracer:
        @tracer.trace(name="make-dl3", roles={"events": "DL2/Event", "output": "DL3/Event"})
        def convert(events, output):
            Path(output).write_text(Path(events).read_text())

        convert(files["events"], files["binned"])
    record = activity(read_records(files["log"]), "make-dl3")
    assert set(used(record)) == {"DL2/Event"} and set(generated(record)) == {"DL3/Event"}


def test_list_of_files_is_a_collection(files, tmp_path):
    other = tmp_path / "more.txt"
    other.write_text("3.0\n", encoding="utf-8")
    with Tracer(files["log"]) as tracer:
        @tracer.trace
        def stack(runs):
            return len(runs)

        stack([str(files["events"]), str(other)])
    record = activity(read_records(files["log"]), "stack")
    collection = used(record)["runs"]
    assert entity(record, collection).kind == "collection"
    assert sorted(m.member for m in record.memberships) == sorted(
        [f"sha256:{sha256(files['events'])}", f"sha256:{sha256(other)}"])


def test_objects_keep_their_id_until_they_change(files):
    table = list(range(100))  # too long for a parameter: an object
    with Tracer(files["log"]) as tracer:
        @tracer.trace
        def count(rows, start=0):
            return len(rows[start:])

        count(table)
        count(table)
        table.append(100)
        count(table)
    ids = [p["used_id"] for p in events(files["log"]) if "used_id" in p]
    assert ids[0] == ids[1] == id(table) and ids[2] == f"{id(table)}.1"
    assert {"entity_id": f"{id(table)}.1", "progenitor_id": id(table)} in events(files["log"])


def test_each_new_object_gets_its_own_entity(files):
    with Tracer(files["log"]) as tracer:
        @tracer.trace
        def make(n):
            return Observation(n)

        for n in range(3):
            make(n)  # dropped at once: its address is often reused by the next one
    results = [p["generated_id"] for p in events(files["log"]) if "generated_id" in p]
    assert len(results) == len(set(results)) == 3


def test_threads_write_whole_activities(files):
    with Tracer(files["log"]) as tracer:
        @tracer.trace
        def work(n):
            return n * n

        threads = [threading.Thread(target=lambda k=k: [work(k * 100 + i) for i in range(50)]) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    records = read_records(files["log"])
    assert len(records) == 1 + 200
    expected = sorted(k * 100 + i for k in range(4) for i in range(50))
    assert sorted(int(parameters(r)["n"]) for r in records[1:]) == expected
    payloads = events(files["log"])
    for position, payload in enumerate(payloads):  # each activity's events are contiguous
        if "name" in payload and "activity_id" in payload:
            block = payloads[position:position + 5]  # start, parameters, result entity, generated, end
            assert [p.get("activity_id", payload["activity_id"]) for p in block] == [payload["activity_id"]] * 5
            assert "endTime" in block[-1]


# -- the store -----------------------------------------------------------------------------------


def test_trace_straight_into_a_store(files):
    store = open_store(":memory:")
    with Tracer(StoreSink(store), session_name="reduction", agent="ana") as tracer:
        make_reduce(tracer)(files["events"], files["binned"], scale=3.0)
        assert rows(store, "SELECT ?a WHERE { ?a a prov:Activity ; voprov:name 'reduce' }") == []  # not yet flushed
    assert tracer.report.stored == 2 and tracer.report.rejected == []
    encoder = Encoder(store.base)
    session = encoder.iri("activity", f"session/{tracer.session_id}").value
    found = rows(store, "SELECT ?a ?s ?start ?end WHERE { ?a a prov:Activity ; voprov:name 'reduce' ; "
                        "dcterms:isPartOf ?s ; prov:startedAtTime ?start ; prov:endedAtTime ?end . "
                        "?s a prov:Activity ; voprov:name 'reduction' }")
    assert len(found) == 1 and found[0][1] == session
    act = found[0][0]
    assert rows(store, f"SELECT ?name ?value WHERE {{ <{act}> voprov:wasConfiguredBy ?p . "
                       "?p a voprov:Parameter ; voprov:name ?name ; prov:value ?value }") == [
        ("bins", "[0, 1, 2]"), ("label", "run 1"), ("output", str(files["binned"])), ("scale", "3.0")]
    events_iri = encoder.iri("entity", f"sha256:{sha256(files['events'])}").value
    binned_iri = encoder.iri("entity", f"sha256:{sha256(files['binned'])}").value
    assert rows(store, f"SELECT ?e ?role ?loc WHERE {{ <{act}> prov:qualifiedUsage ?u . "
                       "?u prov:entity ?e ; prov:hadRole ?role . ?e prov:atLocation ?loc }") == [
        (events_iri, "events", str(files["events"]))]
    assert (binned_iri, "output") in rows(store, f"SELECT ?e ?role WHERE {{ ?e prov:qualifiedGeneration ?g . "
                                                 f"?g prov:activity <{act}> ; prov:hadRole ?role }}")
    assert rows(store, f"SELECT ?who WHERE {{ <{act}> prov:wasAssociatedWith ?p . ?p a prov:Person ; "
                       "voprov:name ?who }") == [("ana",)]


def test_store_links_activities_to_the_definition(files, tmp_path):
    datastore = tmp_path / "datastore"
    datastore.mkdir()
    definition = tmp_path / "definition.yaml"
    definition.write_text(DEFINITION, encoding="utf-8")
    store = open_store(":memory:")
    with Tracer(StoreSink(store), definition=definition) as tracer:
        traced = tracer.trace(type("Described", (Analysis,), dict(vars(Analysis))))
        traced(str(datastore)).get_observations()
    assert tracer.report.rejected == []
    assert rows(store, "SELECT ?text ?role WHERE { ?a voprov:name 'get_observations' ; voprov:isDescribedBy ?d ; "
                       "prov:qualifiedUsage ?u . ?d voprov:description ?text . "
                       "?u voprov:isDescribedBy ?ud . ?ud voprov:role ?role }") == [
        ("Select the observations of the data store", "datastore")]


def test_store_flushes_every_n_activities_and_records_failures(files):
    store = open_store(":memory:")
    with Tracer(StoreSink(store), flush_every=2) as tracer:
        @tracer.trace
        def step(n):
            if n == 2:
                raise RuntimeError("bad run")
            return n

        step(0)
        assert tracer.report is None
        step(1)
        assert tracer.report.stored == 3  # the session and two activities
        with pytest.raises(RuntimeError, match="bad run"):
            step(2)
    # the session record comes again with the last flush, as it was: unchanged
    assert (tracer.report.stored, tracer.report.unchanged, tracer.report.rejected) == (4, 1, [])
    assert rows(store, "SELECT ?n WHERE { ?a voprov:name 'step' ; prov:endedAtTime ?t ; "
                       "voprov:wasConfiguredBy ?p . ?p prov:value ?n }") == [("0",), ("1",), ("2",)]


# -- helpers of the module -------------------------------------------------------------------------------


def test_format_line_is_read_back_by_parse_line():
    payload = {"activity_id": "a1", "parameters": {"path": "/data/x y.fits", "n": None, "ok": True}}
    line = format_line("2025-03-27T14:02:11+00:00", payload)
    assert gammapy.parse_line(line) == ("2025-03-27T14:02:11+00:00", payload)


def test_fingerprint_follows_content_not_identity():
    class Holder:
        pass

    holder = Holder()
    holder.values = [1, 2, 3]
    first = fingerprint(holder)
    assert fingerprint(holder) == first
    holder.values.append(4)
    assert fingerprint(holder) != first
    big = list(range(100_000))  # past the budget: identity and length only
    assert fingerprint(big) == fingerprint(big) != fingerprint(big + [1])


def test_system_info_lists_installed_packages_only():
    block = system_info(["provrdf", "surely-not-installed-package"])
    assert [p["name"] for p in block["python"]["packages"]] == ["provrdf"]
    assert block["platform"]["n_cpus"] == os.cpu_count()


def test_sink_must_be_a_path_or_a_record_sink():
    with pytest.raises(TypeError, match="log file path or a record sink"):
        Tracer(42)

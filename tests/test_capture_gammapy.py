"""Tests of the gammapy provenance-log reader: the 2019 and 2020 prototypes and logprov."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

import pytest
from helpers.records import ENCODER, fixtures, iri, one, triples, utc
from helpers.ontology import ontology_problems

from provrdf.capture import ctapipe, gammapy
from provrdf.errors import ParseError
from provrdf.model import Record
from provrdf.rdf.namespaces import CTAO, PROV, VOPROV
from provrdf.shacl import Validator

DATA = Path(__file__).parent / "data" / "gammapy"
CTAPIPE = Path(__file__).parent / "data" / "ctapipe"
GOOD = ["crab_analysis_2020.log", "crab_analysis_2019.log", "crab_analysis_logprov.log"]
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PART_OF = "http://purl.org/dc/terms/isPartOf"
S2020, S2019, SLOGPROV = "8790547732181", "4422376192", "140412373522768"
MODEL_V1, MODEL_V2 = "md5:cb71d50c3c44fadc9f6823a160bc0654", "md5:8d11adf54ba2233ec63cd5b7356778d7"


# -- helpers ------------------------------------------------------------------


def read_all(path: Path) -> list[Record | ParseError]:
    return list(gammapy.read(path))


def records(name: str) -> list[Record]:
    items = read_all(DATA / name)
    assert not [item for item in items if isinstance(item, ParseError)], items
    return items


def by_id(items: list, local: str) -> Record:
    (found,) = [item for item in items if isinstance(item, Record) and item.id == local]
    return found


def qualified(found: set, subject: str, link: str) -> dict[str, str]:
    """Role of each qualified node hanging off ``subject`` by ``link``, keyed by its target."""
    nodes = {o for s, p, o in found if s == subject and p == PROV + link}
    target = PROV + ("activity" if link == "qualifiedGeneration" else "entity")
    roles = {s: o for s, p, o in found if s in nodes and p == PROV + "hadRole"}
    return {o: roles.get(s) for s, p, o in found if s in nodes and p == target}


def events(*payloads: dict) -> list[tuple[int, dict]]:
    return list(enumerate(payloads, start=1))


def start(key: str, name: str = "run_fit", when: str = "2020-04-21T13:05:14", **more) -> dict:
    return {"activity_id": key, "name": name, "startTime": when, "agent_name": "jer", **more}


def end(key: str, when: str = "2020-04-21T13:05:15") -> dict:
    return {"activity_id": key, "endTime": when}


# -- sniff and lines ------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD + ["inconsistent_2020.log"])
def test_sniff_accepts_every_gammapy_log(name):
    head = (DATA / name).read_text()[:65536]
    assert gammapy.sniff(head)
    assert not ctapipe.sniff(head)


@pytest.mark.parametrize("path", fixtures(CTAPIPE), ids=lambda p: str(p.relative_to(CTAPIPE)))
def test_sniff_rejects_ctapipe_logs(path):
    assert not gammapy.sniff(path.read_text(errors="replace")[:65536])


@pytest.mark.parametrize("head", [
    ('{"prefix": {"voprov": "http://www.ivoa.net/documents/ProvenanceDM/index.html#"}, '
     '"activity": {"opus_job:_PROV_1": {"prov:startTime": "2020-04-21T13:05:10"}}}'),
    ('<?xml version="1.0"?>\n<prov:document xmlns:prov="http://www.w3.org/ns/prov#">\n'
     '<prov:activity prov:id="ex:__PROV__a__PROV__"/></prov:document>'),
    "@prefix prov: <http://www.w3.org/ns/prov#> .\n<urn:x:__PROV__> a prov:Activity .",
    "INFO gammapy.analysis.core: Fetching observations.\n",
])
def test_sniff_rejects_other_documents(head):
    assert not gammapy.sniff(head)


def test_parse_line_reads_both_prefixes_and_paths():
    line = ("INFO provLogger __PROV__2020-04-21T13:05:12.403518__PROV__{'entity_id': 8790547801554, "
            "'location': PosixPath('/data/hess-dl3-dr1'), 'win': WindowsPath('C:\\\\data\\\\x.fits'), "
            "'path': Path('/tmp/a b.yaml'), 'value': None, 'ok': True, 'stat': nan, 'low': -inf}\n")
    time, payload = gammapy.parse_line(line)
    assert time == "2020-04-21T13:05:12.403518"
    assert payload == {"entity_id": 8790547801554, "location": "/data/hess-dl3-dr1", "win": "C:\\data\\x.fits",
                       "path": "/tmp/a b.yaml", "value": None, "ok": True, "stat": "nan", "low": "-inf"}
    old = "2019-11-28 10:24:56,362 - provLogger - INFO - _PROV_2019-11-28 10:24:56,362_PROV_{'used_id': 'c59b'}"
    assert gammapy.parse_line(old) == ("2019-11-28 10:24:56,362", {"used_id": "c59b"})
    assert gammapy.parse_line("INFO:gammapy.analysis.core:Fitting datasets.") is None
    assert gammapy.parse_line("  total stat : 41.20") is None


@pytest.mark.parametrize("payload", [
    "{'activity_id': '5c1e07', 'parameters': {'geom': {'wcs'",  # cut off
    "['activity_id', '5c1e07']",  # not a dict
    "{'a': 1} {'b': 2}",
    "{'location': PosixPath('/x', 'y')}",
    "{'location': PosixPath(name)}",
])
def test_parse_line_rejects_malformed_payloads(payload):
    with pytest.raises(ValueError):
        gammapy.parse_line("INFO provLogger __PROV__2020-04-21T13:05:12__PROV__" + payload)


@pytest.mark.parametrize("payload", [
    "{'activity_id': __import__('os').system('echo owned')}",
    "{'location': PosixPath(__import__('os').system('echo owned'))}",
    "__import__('os').system('echo owned')",
    "{'x': (lambda: __import__('os').system('echo owned'))()}",
])
def test_parse_line_never_runs_code(payload, monkeypatch):
    calls = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command))
    with pytest.raises(ValueError):
        gammapy.parse_line("_PROV_2019-11-28 10:24:56,345_PROV_" + payload)
    assert calls == []


# -- 2020 prototype: session, interleaved activities, a changed file -----------------


def test_2020_records_in_order_of_completion():
    items = records("crab_analysis_2020.log")
    assert [(r.id, r.index) for r in items] == [
        (f"session/{S2020}", 0), (f"{S2020}/8a2f3c", 1), (f"{S2020}/e4b9a2", 2), (f"{S2020}/5c1e07", 3),
        (f"{S2020}/31d0c5", 4), (f"{S2020}/a07d19", 5), (f"{S2020}/9b44e2", 6),
    ]  # read_models ends inside get_datasets; get_flux_points never ends
    assert {r.source for r in items} == {str(DATA / "crab_analysis_2020.log")}


def test_2020_session_is_an_activity_with_its_system_block():
    session = records("crab_analysis_2020.log")[0]
    (activity,) = session.activities
    assert (activity.id, activity.name) == (f"session/{S2020}", "gammapy.analysis.core.Analysis")
    assert activity.start == utc("2020-04-21T13:05:10.101926") and activity.end is None
    assert not (session.entities or session.agents or session.usages)
    system = activity.system
    assert system["ctao:hostName"] == "lupm-jer"
    assert system["ctao:nCpus"] == 8
    assert system["ctao:libcVersion"] == "glibc 2.30"
    assert system["ctao:pythonVersion"] == "3.7.6"
    assert system["ctao:pythonPackage"][:2] == ["gammapy 0.17", "numpy 1.18.1"]
    assert system["ctao:environment"]["GAMMAPY_DATA"] == "/home/jer/gammapy-datasets"
    assert system["ctao:systemJSON"]["gammapy_version"] == "0.17"
    found = triples(session)
    node, box = iri("activity", activity.id), iri("system", activity.id)
    assert (node, CTAO + "system", box) in found
    assert {(box, RDF_TYPE, CTAO + "System"), (box, CTAO + "hostName", "lupm-jer"),
            (box, CTAO + "pythonPackage", "numpy 1.18.1"), (box, CTAO + "operatingSystem", "Linux")} <= found
    assert (node, PROV + "startedAtTime", "2020-04-21T13:05:10.101926Z") in found


def test_2020_get_observations_record():
    record = records("crab_analysis_2020.log")[1]
    (activity,) = record.activities
    assert (activity.name, activity.part_of) == ("get_observations", f"session/{S2020}")
    assert (activity.start, activity.end) == (utc("2020-04-21T13:05:10.118342"), utc("2020-04-21T13:05:12.401126"))
    assert [(a.id, a.type) for a in record.agents] == [("software/gammapy/0.17", "SoftwareAgent"), ("person/jer", "Person")]
    assert [(a.agent, a.role) for a in record.associations] == [("software/gammapy/0.17", None), ("person/jer", "Operator")]
    params = {p.name: p.value for p in record.parameters}
    assert params["datastore"] == "/data/hess-dl3-dr1"
    assert params["obs_ids"] == "[23523, 23526, 23559, 23592]"
    assert params["obs_file"] == "null" and params["obs_cone.radius"] == "null"
    store = one(record.entities, id="md5:8f2fd923c4a53320fce50a58be18d093")
    assert (store.kind, store.name, store.location) == ("dataset", "DataStore", "/data/hess-dl3-dr1")
    observations = one(record.entities, id=f"{S2020}/object/8790547801554")
    assert (observations.kind, observations.name) == ("collection", "Observations")
    members = [m.member for m in record.memberships if m.collection == observations.id]
    assert members == ["gamma-events:23523", "gamma-events:23526", "gamma-events:23559", "gamma-events:23592"]
    first = one(record.entities, id="gamma-events:23523")
    assert (first.kind, first.location) == ("dataset", "/data/hess-dl3-dr1/data/hess_dl3_dr1_obs_id_023523.fits.gz")
    assert [(u.entity, u.role) for u in record.usages] == [(store.id, "datastore")]
    assert [(g.entity, g.role) for g in record.generations] == [(observations.id, "observations selected")]


def test_2020_get_observations_quads():
    record = records("crab_analysis_2020.log")[1]
    found = triples(record)
    activity, store = iri("activity", f"{S2020}/8a2f3c"), iri("entity", "md5:8f2fd923c4a53320fce50a58be18d093")
    observations = iri("entity", f"{S2020}/object/8790547801554")
    assert (activity, PART_OF, iri("activity", f"session/{S2020}")) in found
    assert {(store, RDF_TYPE, VOPROV + "DatasetEntity"), (store, PROV + "atLocation", "/data/hess-dl3-dr1"),
            (observations, RDF_TYPE, PROV + "Collection"), (observations, RDF_TYPE, VOPROV + "Collection"),
            (observations, PROV + "hadMember", iri("entity", "gamma-events:23592"))} <= found
    assert qualified(found, activity, "qualifiedUsage") == {store: "datastore"}
    assert qualified(found, observations, "qualifiedGeneration") == {activity: "observations selected"}
    assert (activity, PROV + "wasAssociatedWith", iri("agent", "person/jer")) in found
    datastore_param = [s for s, p, o in found if p == PROV + "value" and o == "/data/hess-dl3-dr1"]
    assert len(datastore_param) == 1 and (activity, VOPROV + "wasConfiguredBy", datastore_param[0]) in found


def test_2020_interleaved_activities_keep_their_own_events():
    items = records("crab_analysis_2020.log")
    datasets, models = by_id(items, f"{S2020}/5c1e07"), by_id(items, f"{S2020}/e4b9a2")
    assert [(u.role, u.entity) for u in datasets.usages] == [("observations", f"{S2020}/object/8790547801554")]
    assert [(g.role, g.entity) for g in datasets.generations] == [("datasets", f"{S2020}/object/8790548113327")]
    assert one(datasets.parameters, name="geom.axes.energy_true.nbins").value == "48"
    assert one(datasets.parameters, name="stack").value == "true"
    assert [(u.role, u.entity) for u in models.usages] == [("models file", MODEL_V1)]
    assert [p.name for p in models.parameters] == ["path", "extend"]
    assert one(models.entities, id=MODEL_V1).location == "/home/jer/analysis/crab/model.yaml"
    # the collection the datasets come from is in their record, with its members
    assert len(datasets.memberships) == 4 and len(datasets.entities) == 6


def test_2020_value_entity_and_unfinished_activity():
    items = records("crab_analysis_2020.log")
    fit = by_id(items, f"{S2020}/31d0c5")
    result = one(fit.entities, id=f"{S2020}/object/8790549012544")
    assert (result.kind, result.name) == ("value", "FitResult")
    assert result.value == "OptimizeResult(backend=minuit, success=True, nfev=112, total_stat=41.203)"
    assert sorted(u.role for u in fit.usages) == ["datasets", "models"]
    found = triples(fit)
    node = iri("entity", result.id)
    assert {(node, RDF_TYPE, VOPROV + "ValueEntity"), (node, PROV + "value", result.value)} <= found
    flux = by_id(items, f"{S2020}/9b44e2")
    assert flux.activities[0].end is None and flux.activities[0].start == utc("2020-04-21T13:09:58.004012")
    assert [g.role for g in flux.generations] == ["flux points"]
    assert not [t for t in triples(flux) if t[1] == PROV + "endedAtTime"]


def test_2020_changed_file_is_derived_from_its_previous_version():
    items = records("crab_analysis_2020.log")
    first, second = by_id(items, f"{S2020}/e4b9a2"), by_id(items, f"{S2020}/a07d19")
    assert first.derivations == []
    assert [(d.generated, d.used) for d in second.derivations] == [(MODEL_V2, MODEL_V1)]
    old, new = one(second.entities, id=MODEL_V1), one(second.entities, id=MODEL_V2)
    assert old.location == new.location == "/home/jer/analysis/crab/model.yaml"
    assert [u.entity for u in second.usages] == [MODEL_V2]
    found = triples(second)
    assert (iri("entity", MODEL_V2), PROV + "wasDerivedFrom", iri("entity", MODEL_V1)) in found
    assert (iri("entity", MODEL_V1), RDF_TYPE, VOPROV + "DatasetEntity") in found


# -- 2019 one-dict form ------------------------------------------------------------------


def test_2019_entities_come_with_their_usage():
    items = records("crab_analysis_2019.log")
    assert [r.id for r in items] == [f"session/{S2019}"] + [
        f"{S2019}/{n}" for n in (4423918800, 4423919024, 4423919248, 4423919472, 4423919696)]
    session = items[0].activities[0]
    assert session.name == "gammapy.scripts.analysis.Analysis" and session.system["ctao:hostName"].startswith("macbook")
    select = items[1]
    assert select.activities[0].part_of == f"session/{S2019}"  # no in_session: the session before it
    assert select.agents[0].id == "software/gammapy/0.15"  # from the package list
    store = one(select.entities, id="md5:c59beb96f535090eef7630911e5cb4c5")
    assert (store.kind, store.name, store.location) == ("dataset", "DataStore", "/data/hess-dl3-dr1")
    observations = one(select.entities, id=f"{S2019}/object/4424890512")
    assert (observations.kind, observations.name) == ("collection", "Observations")
    assert [m.member for m in select.memberships] == [
        "gamma-events:23523", "gamma-events:23526", "gamma-events:23559", "gamma-events:23592"]
    assert {one(select.entities, id=m.member).name for m in select.memberships} == {"Observation"}
    assert one(select.parameters, name="filters").value.startswith('[{"filter_type": "par_value"')
    model = items[3]
    model_file = one(model.entities, id="sha1:fd71c6dfbf97c675fb4ded87c9692431df7bcc23")
    assert (model_file.kind, model_file.location) == ("dataset", "/Users/mservillat/crab/model.yaml")
    fit = items[4]
    assert [(u.role, u.entity) for u in fit.usages] == [
        ("datasets", f"{S2019}/object/4425331664"), ("model", f"{S2019}/object/4425332016")]
    found = triples(fit)
    activity = iri("activity", fit.id)
    assert qualified(found, activity, "qualifiedUsage") == {
        iri("entity", f"{S2019}/object/4425331664"): "datasets", iri("entity", f"{S2019}/object/4425332016"): "model"}
    assert (activity, PART_OF, iri("activity", f"session/{S2019}")) in found


# -- logprov ---------------------------------------------------------------------------------


def test_logprov_session_from_module_and_class():
    session = records("crab_analysis_logprov.log")[0]
    (activity,) = session.activities
    assert (activity.id, activity.name) == (f"session/{SLOGPROV}", "gammapy.analysis.core.Analysis")
    assert activity.system["ctao:pythonPackage"][-1] == "logprov 0.1.0"
    assert (iri("system", activity.id), CTAO + "nCpus", "32") in triples(session)


def test_logprov_entity_keyed_by_its_id():
    select = records("crab_analysis_logprov.log")[1]
    observations = one(select.entities, id=f"{SLOGPROV}/object/140412360881616")
    assert (observations.kind, observations.name) == ("collection", "Observations")
    assert [m.member for m in select.memberships] == ["gamma-events:23523", "gamma-events:23526"]
    store = one(select.entities, id="sha1:3b2f7a8ab640c3a26cca1e7c89b49e1cfeb524ed")
    assert (store.kind, store.name) == ("dataset", "DataStore")  # entity_description is its name
    assert select.agents[0].id == "software/gammapy/0.18.2"
    assert [(g.role, g.entity) for g in select.generations] == [("observations selected", observations.id)]


def test_logprov_derivations_with_generation_time():
    items = records("crab_analysis_logprov.log")
    datasets, fit = items[2], items[3]
    made = one(datasets.entities, id=f"{SLOGPROV}/object/140412361307344")
    assert made.generated_at == utc("2021-03-02T16:41:19.508112")
    assert [(d.generated, d.used) for d in datasets.derivations] == [(made.id, f"{SLOGPROV}/object/140412360881616")]
    result = one(fit.entities, id="fit-result:9e27a6b1")
    assert (result.kind, result.value, result.generated_at) == ("value", "18.4312", utc("2021-03-02T16:41:21.874377"))
    assert ("fit-result:9e27a6b1", made.id) in [(d.generated, d.used) for d in fit.derivations]
    found = triples(fit)
    node = iri("entity", result.id)
    assert {(node, PROV + "wasDerivedFrom", iri("entity", made.id)),
            (node, PROV + "generatedAtTime", "2021-03-02T16:41:21.874377Z")} <= found


# -- inconsistent activities and odd events -------------------------------------------------------


def test_inconsistent_activity_among_good_ones():
    path = DATA / "inconsistent_2020.log"
    items = read_all(path)
    assert [type(item).__name__ for item in items] == ["Record", "Record", "ParseError", "ParseError", "Record"]
    _, select, unreadable, bad, fit = items
    assert (unreadable.source, unreadable.record, unreadable.line) == (str(path), None, 15)
    assert "not a Python literal" in unreadable.message
    assert (bad.record, bad.line) == (2, 12)
    assert "'7d09e5'" in bad.message and "ends (2020-05-12T08:31:09.771402) before it starts" in bad.message
    assert "lines 12, 13, 17, 18" in bad.message
    assert (select.index, fit.index) == (1, 3)
    assert [r.activities[0].name for r in (select, fit)] == ["get_observations", "run_fit"]
    assert fit.generations[0].entity == "8781963200817/object/8781964120208"


def _only_error(items: list, kept: list[str]) -> ParseError:
    errors = [item for item in items if isinstance(item, ParseError)]
    assert len(errors) == 1, items
    assert [r.id for r in items if isinstance(r, Record)] == ["gammapy/good"] + kept
    return errors[0]


GOOD_ACTIVITY = [start("good", "get_observations"), end("good")]


@pytest.mark.parametrize("bad, line, fragment", [
    ([start("x"), end("x", "2020-04-21T13:05:13")], 3, "before it starts"),
    ([end("x"), start("x")], 3, "end event (line 3) comes before its start event (line 4)"),
    ([start("x"), start("x", name="get_datasets"), end("x")], 3, "two different names 'run_fit' (line 3)"),
    ([start("x"), start("x", when="2020-04-21T13:05:14.5"), end("x")], 3, "two different startTimes"),
    ([{"activity_id": "x", "used_id": 8790548113327, "used_role": "datasets"}, end("x")], 3, "no start event"),
    ([start("x"), end("x"), end("x")], 5, "no start event (an activity with this id ended at line 4)"),  # x kept
    ([start("x"), {"activity_id": "x", "used_id": None, "used_role": "datasets"}, end("x")], 3,
     "the used event of line 4 has no usable used_id (none)"),
    ([start("x"), {"activity_id": "x", "generated_id": "", "generated_role": "fit result"}, end("x")], 3,
     "no usable generated_id"),
    ([start("x", when="yesterday"), end("x")], 3, "startTime 'yesterday' is not an ISO 8601 time"),
    ([start("x"), {"activity_id": "x", "parameters": ["fit_range"]}, end("x")], 3, "parameters of line 4 are not a dict"),
    ([start("x"), end("x"), start("x"), end("x")], 5, "was already used by the activity of line 3"),
])
def test_each_inconsistency_rejects_only_its_activity(bad, line, fragment):
    kept = ["gammapy/x"] if line == 5 else []  # the first activity x was fine
    error = _only_error(list(gammapy.records(events(*GOOD_ACTIVITY, *bad), "test.log")), kept)
    assert (error.source, error.line) == ("test.log", line)
    assert error.message.startswith("activity 'x': ") and fragment in error.message


def test_events_that_fit_no_activity_are_reported_by_line():
    items = list(gammapy.records(events(
        *GOOD_ACTIVITY,
        {"activity_id": None, "endTime": "2020-04-21T13:05:15"},
        {"obs_id": 23523, "tstart": 0},
        {"entity_id": 1, "member_id": None},
        {"session_id": None, "name": "x"},
        {"entity_id": [1, 2], "name": "Datasets"},
    ), "test.log"))
    errors = [item for item in items if isinstance(item, ParseError)]
    assert [(e.line, e.record) for e in errors] == [(3, None), (4, None), (5, None), (6, None), (7, None)]
    assert "activity_id" in errors[0].message and "keys: obs_id, tstart" in errors[1].message
    assert [r.id for r in items if isinstance(r, Record)] == ["gammapy/good"]


def test_bad_session_time_and_repeated_relations():
    items = list(gammapy.records(events(
        {"session_id": 77, "name": "gammapy.analysis.core.Analysis", "startTime": "21/04/2020 13:05"},
        start("r1", in_session=77),
        {"activity_id": "r1", "used_id": 5, "used_role": "datasets"},
        {"activity_id": "r1", "used_id": 5, "used_role": "datasets"},
        {"activity_id": "r1", "used_id": 5, "used_role": "reference"},
        {"activity_id": "r1", "generated_id": 6, "generated_role": "fit result"},
        {"activity_id": "r1", "generated_id": 6, "generated_role": "result"},
        {"session_id": 77, "name": "again", "startTime": "2020-04-21T13:05:10"},
        end("r1"),
    ), "test.log"))
    error, record = items
    assert (error.record, error.line) == (0, 1) and "startTime '21/04/2020 13:05'" in error.message
    assert (record.id, record.index, record.activities[0].part_of) == ("77/r1", 1, "session/77")
    assert [(u.entity, u.role) for u in record.usages] == [("77/object/5", "datasets"), ("77/object/5", "reference")]
    assert [(g.entity, g.role) for g in record.generations] == [("77/object/6", "fit result")]


def test_events_outside_a_session_and_tracer_payloads():
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    items = list(gammapy.records(events(
        start("t1", "get_datasets", agent_name=None),
        {"entity_id": digest, "name": "DataStore", "location": PurePosixPath("/data/hess-dl3-dr1/obs-index.fits.gz"),
         "hash": digest, "hash_type": "sha256", "type": "File"},
        {"activity_id": "t1", "used_id": digest, "used_role": "datastore"},
        {"activity_id": "t1", "parameters": {"path": Path("/data/hess-dl3-dr1")}},
        {"entity_id": 140412361307344, "name": "Datasets", "type": "PythonObject"},
        {"entity_id": "140412361307344.1", "name": "Datasets", "type": "PythonObject"},
        {"entity_id": "140412361307344.1", "progenitor_id": 140412361307344},
        {"activity_id": "t1", "generated_id": "140412361307344.1", "generated_role": "datasets"},
        {"activity_id": "t1", "endTime": datetime(2025, 3, 27, 14, 2, 11, tzinfo=timezone.utc)},
        {"entity_id": "gamma-events:23523", "member_id": "gamma-events:23523/events"},
    )))
    record, leftover = items
    assert record.id == "gammapy/t1" and record.activities[0].part_of is None
    assert record.activities[0].end == datetime(2025, 3, 27, 14, 2, 11, tzinfo=timezone.utc)
    assert [a.id for a in record.agents] == ["software/gammapy"]  # no session, no operator
    assert record.usages[0].entity == f"sha256:{digest}"
    assert one(record.entities, id=f"sha256:{digest}").location == "/data/hess-dl3-dr1/obs-index.fits.gz"
    assert one(record.parameters, name="path").value == "/data/hess-dl3-dr1"
    assert [(d.generated, d.used) for d in record.derivations] == [
        ("gammapy/object/140412361307344.1", "gammapy/object/140412361307344")]
    # a membership no activity refers to still gets a record
    assert leftover.id == "gammapy/relations" and not leftover.activities
    assert [(m.collection, m.member) for m in leftover.memberships] == [("gamma-events:23523", "gamma-events:23523/events")]
    assert [e.kind for e in leftover.entities] == ["collection", "entity"]


def test_unreadable_and_missing_files(tmp_path):
    empty = tmp_path / "empty.log"
    empty.write_text("")
    assert read_all(empty) == []
    plain = tmp_path / "plain.log"
    plain.write_text("INFO:gammapy.analysis.core:Fetching observations.\n")
    assert read_all(plain) == []
    with pytest.raises(OSError):
        read_all(tmp_path / "missing.log")


# -- SHACL and declared terms ------------------------------------------------------------------


def test_good_logs_pass_shacl():
    items = [record for name in GOOD for record in records(name)]
    results = Validator().check_batch([ENCODER.encode(record) for record in items])
    violations = [(r.id, str(i)) for r, issues in zip(items, results) for i in issues if i.severity == "Violation"]
    assert violations == []


def test_every_term_is_declared():
    items = [record for name in GOOD for record in records(name)]
    assert ontology_problems([q for record in items for q in ENCODER.encode(record).quads], check_domains=True) == []


# -- the 2019 form exactly as the founding material prints it ------------------------------------

SEED = DATA / "seed_2019.log"
SEED_DEFINITION = DATA.parent / "definitions" / "seed_definition.yaml"


def test_seed_log_is_detected_and_read_as_printed():
    """Lines broken after the seconds and inside the dict, a line cut short by the next one, and a
    dict whose last ``}`` the print lost: every record is read, and what was mended is said."""
    from provrdf.capture import detect
    from provrdf.errors import ReadWarning

    assert detect(SEED).name == "gammapy"
    items = read_all(SEED)
    warnings = [(w.kind, w.line) for w in items if isinstance(w, ReadWarning)]
    assert warnings == [("unbalanced brackets", 4), ("incomplete provenance line", 8)]
    assert not [item for item in items if isinstance(item, ParseError)]
    activity_record, relations = (item for item in items if isinstance(item, Record))
    (activity,) = activity_record.activities
    assert (activity.id, activity.name) == ("gammapy/9456793112", "get_observations")
    assert (activity.start, activity.end) == (utc("2019-10-07T11:20:05.884419"), utc("2019-10-07T11:20:06.091068"))
    parameters = {p.name: p.value for p in activity_record.parameters}
    assert parameters == {"datastore": "SGAMMAPY_DATA/hess-dl3-dr1",
                          "filters": '[{"filter_type": "par_value", "value_param": "Crab", "variable": "TARGET_NAME"}]'}
    (usage,) = activity_record.usages
    store = one(activity_record.entities, id=usage.entity)
    assert (usage.role, store.name, store.location) == ("datastore", "DataStore", "SGAMMAPY_DATA/hess-dl3-dr1")
    assert usage.entity == "gammapy/object/3585d8a6f0ad20fece226aa22dd9df2"
    members = sorted(m.member.rsplit("/", 1)[-1] for m in relations.memberships)
    assert members == ["23523", "23526", "23559", "23592"]
    assert {m.collection for m in relations.memberships} == {"gammapy/object/295524570"}
    assert {e.name for e in relations.entities if e.kind != "collection"} == {"Observation"}


def test_seed_log_with_its_definition_links_the_descriptions():
    from provrdf import ingest, open_store, query

    store = open_store(":memory:")
    report = ingest(store, [SEED], definition=SEED_DEFINITION)
    assert report.ok and report.stored == 2, [str(r) for r in report.rejected]
    rows = query(store, """SELECT ?role ?text WHERE { ?a voprov:name "get_observations" ; prov:qualifiedUsage ?u .
        ?u prov:hadRole ?role ; voprov:isDescribedBy ?d . ?d voprov:description ?text }""")
    assert [(r["role"].value, r["text"].value) for r in rows] == [
        ("datastore", "DataStore object file (location: settings.observations.datastore)")]
    named = query(store, """SELECT ?name WHERE { ?a voprov:name "get_observations" ; voprov:wasConfiguredBy ?p .
        ?p voprov:name ?name ; voprov:isDescribedBy ?pd } ORDER BY ?name""")
    assert [r["name"].value for r in named] == ["datastore", "filters"]


def test_a_record_over_too_many_lines_is_given_up_with_its_line(tmp_path):
    from provrdf.capture.gammapy.lines import MAX_LINES
    from provrdf.errors import ReadWarning

    log = tmp_path / "cut.log"
    log.write_text("INFO:gammapy:_PROV_2019-10-07T11:20:05\n" + "no closing marker yet\n" * (MAX_LINES + 5)
                   + "INFO:gammapy:_PROV_2019-10-07T11:20:06.1_PROV({'activity_id': '1', 'endTime': 'x'})\n"
                   + "INFO:gammapy:_PROV_2019-10-07T11:20:07.1_PROV({'activity_id': '2', 'parameters': {'a':\n")
    items = read_all(log)
    (warning,) = [item for item in items if isinstance(item, ReadWarning)]
    assert warning.line == 1 and f"within {MAX_LINES} lines" in warning.message
    cut = [item for item in items if isinstance(item, ParseError) and item.line == MAX_LINES + 8]
    assert cut and "cut off" in cut[0].message


# -- logprov 0.0.2 and 0.0.1, real logs (tests/data/logprov, made by its make.py) ------------------

LOGPROV = DATA.parent / "logprov"


def test_logprov_002_session_definitions_describe_its_activities():
    """logprov logs the definitions it used in the session event: they become the descriptions, and
    its ``agents:`` the operator's attributes."""
    items = read_all(LOGPROV / "imagestack.log")
    assert not [item for item in items if isinstance(item, ParseError)]
    session, *calls = [item for item in items if isinstance(item, Record)]
    assert session.activities[0].name == "__main__.ImageStacker"
    assert {d.name for d in session.activity_descriptions} == {
        "select_frames", "calibrate_frames", "stack_frames", "extract_sources"}
    stack = next(r for r in calls if r.activities and r.activities[0].name == "stack_frames")
    assert stack.activities[0].description == "stack_frames"
    described = {p.name: p.description for p in stack.parameters}
    assert described["nxpix"] == "stack_frames/parameter/nxpix"
    (operator,) = [a for a in stack.agents if a.type == "Person"]
    assert (operator.name, operator.email) == ("astro", "astro@example.org")
    assert not [a for a in stack.agents if a.type == "SoftwareAgent"]  # logprov names no software: none made up


def test_logprov_locations_that_are_variables_make_no_files():
    from provrdf import ingest, open_store, query

    store = open_store(":memory:")
    report = ingest(store, [LOGPROV / "imagestack.log"])
    assert report.ok, [str(r) for r in report.rejected]
    variables = query(store, 'SELECT ?e WHERE { ?e prov:atLocation "frames" }')
    assert len(list(variables)) >= 1
    links = query(store, "SELECT ?a ?b WHERE { ?a prov:alternateOf ?b }")
    assert list(links) == []


@pytest.mark.parametrize("activities, entities, entity_key", [
    ("activities", "entities", "entityType"),
    ("activity_description", "entity_description", "entityName"),
    ("activity_descriptions", "entity_descriptions", "entity_description"),
])
def test_every_generation_of_definition_keys(activities, entities, entity_key):
    from provrdf.capture.gammapy.definition import parse

    data = {activities: {"stack_frames": {"description": "Combine frames",
                                          "usage": [{"role": "calibrated frames", entity_key: "FrameSet"}],
                                          "parameters": [{"name": "nxpix", "value": "config.nxpix"}]}},
            entities: {"FrameSet": {"description": "Frames", "type": "FileCollection", "index": "frames.idx"}}}
    definitions = parse(data, "imagestack")
    (stack,) = definitions.activity_descriptions
    assert (stack.name, stack.usages[0].role, stack.usages[0].entity_description) == (
        "stack_frames", "calibrated frames", "FrameSet")
    (frames,) = definitions.entity_descriptions
    assert frames.description == "Frames (index: frames.idx)"  # a key no field holds is kept in the text
    assert stack.parameters[0].description == "value: config.nxpix"

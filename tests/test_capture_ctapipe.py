"""Tests of the ctapipe provenance-log reader and of the shared capture helpers."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
from helpers.records import ENCODER, iri, one, triples, utc

import provrdf
from provrdf.capture import ctapipe, detect
from provrdf.capture.facts import flatten_config, system_facts
from helpers import fixtures
from provrdf.capture.files import file_entity_id, product_entity_id
from provrdf.capture.scan import literal_repr
from provrdf.errors import ParseError
from provrdf.model import Record
from provrdf.rdf.namespaces import CTAO, PROV, VOPROV, XSD

DATA = Path(__file__).parent / "data" / "ctapipe"
DEMO = Path(provrdf.__file__).parent / "data" / "demo"
FIXTURES = fixtures(DATA)
DEMO_LOGS = sorted(DEMO.glob("*.provenance.log"))
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MC = "/fefs/aswg/data/mc"
MUON_SIMTEL = f"{MC}/DL0/20190415/muon/sim_telarray/muon_0deg_0deg_run12___cta-prod3-lapalma3-2147m-LaPalma.simtel.gz"
V08_SIMTEL = (f"{MC}/DL0/20191205/gamma/south_pointing/sim_telarray/"
              "gamma_20deg_180deg_run1234___cta-prod3-demo-2147m-LaPalma-baseline-mono_off0.4.simtel.gz")


# -- helpers ------------------------------------------------------------------


def read_all(path: Path) -> list[Record | ParseError]:
    return list(ctapipe.read(path))


def records(name: str) -> list[Record]:
    items = read_all(DATA / name)
    assert not [item for item in items if isinstance(item, ParseError)]
    return items


def param(record: Record, name: str) -> str:
    return one(record.parameters, name=name).value


def literal_type(record: Record, subject: str, predicate: str) -> str:
    quads = [q for q in ENCODER.encode(record).quads if (q.subject.value, q.predicate.value) == (subject, predicate)]
    assert len(quads) == 1
    return quads[0].object.datatype.value


def path_id(path: str) -> str:
    return "path:" + path


# -- sniff and detection ---------------------------------------------------------


@pytest.mark.parametrize("path", FIXTURES + DEMO_LOGS, ids=lambda p: p.name if p.parent.name in ("ctapipe", "demo") else f"{p.parent.name}/{p.name}")
def test_sniff_accepts_every_fixture(path):
    assert ctapipe.sniff(path.read_text()[:65536])
    assert detect(path).name == "ctapipe"


def test_sniff_rejects_other_json_and_text():
    prov_json = json.dumps({
        "prefix": {"ex": "http://example.org/"},
        "entity": {"ex:dl1": {"prov:label": "dl1"}},
        "activity": {"ex:run": {"prov:startTime": "2025-01-01T00:00:00"}},
    }, indent=2)
    plain = "2024-01-04 10:00:01,204 INFO [ctapipe.ctapipe-process] (tool/run): Starting: ctapipe-process\n"
    gammapy = "INFO provLogger __PROV__2020-04-21T13:05:12.403518__PROV__{'activity_id': '8a2f3c', 'name': 'x'}\n"
    other_array = json.dumps([{"obs_id": 1, "tstart": 0.0}])
    for text in (prov_json, plain, gammapy, other_array, ""):
        assert not ctapipe.sniff(text), text


# -- v0.7: PROVENANCE: log lines -------------------------------------------------


def test_v07_logline_records_and_activities():
    muons, triggers = records("v0.7_2019_logline.log")
    assert (muons.id, muons.index) == ("bc5df843-1c2a-4d9b-8eb5-6260188dadb1", 0)
    assert (triggers.id, triggers.index) == ("733266c2-920b-4b94-b88e-f9f947e60acc", 1)
    activity = muons.activities[0]
    assert activity.name == "ctapipe-reconstruct-muons"
    assert activity.start == utc("2019-06-14T10:22:31.417")
    assert activity.end == utc("2019-06-14T10:31:02.958")
    assert activity.extra["ctao:status"] == "completed"
    assert "ctao:exitCode" not in activity.extra
    assert activity.extra["ctao:durationMinutes"] == pytest.approx(8.5257, abs=1e-4)
    # the second run was logged as indented JSON spread over many lines
    assert triggers.activities[0].name == "ctapipe-dump-triggers"
    assert triggers.activities[0].end == utc("2019-06-14T11:07:19.645")


def test_v07_logline_files_roles_config():
    muons, triggers = records("v0.7_2019_logline.log")
    source = MUON_SIMTEL
    output = "/fefs/aswg/workspace/mkraus/muons/muon_0deg_0deg_run12_muons.hdf5"
    assert [e.id for e in muons.entities] == [path_id(source), path_id(output)]
    assert one(muons.usages, entity=path_id(source)).role == "dl0.sub.evt"
    assert one(muons.generations, entity=path_id(output)).role == "dl1.tel.evt.muon"
    assert [(c.name, c.location) for c in muons.config_files] == [
        ("muon_reco.json", "/home/mkraus/configs/muon_reco.json")]
    assert triggers.config_files == []
    assert len(muons.parameters) == 16
    assert param(muons, "MuonDisplayerTool.CameraCalibrator.LocalPeakIntegrator.window_width") == "7"
    assert param(muons, "MuonDisplayerTool.EventSource.max_events") == "5000"
    assert param(muons, "MuonDisplayerTool.display") == "false"


def test_v07_logline_system_and_rdf():
    muons = records("v0.7_2019_logline.log")[0]
    system = muons.activities[0].system
    assert system["ctao:ctapipeVersion"] == "0.7.0"
    assert system["ctao:ctapipeResourcesVersion"] == "0.2.16"
    assert system["ctao:eventioVersion"] == "0.16.1"
    assert system["ctao:nCpus"] == 40
    assert system["ctao:libcVersion"] == "glibc 2.17"
    assert system["ctao:hostName"] == "cp12.cta.cscs.local"
    assert "numpy 1.16.4" in system["ctao:pythonPackage"]
    source = MUON_SIMTEL
    act = iri("activity", muons.id)
    found = triples(muons)
    assert (act, PROV + "used", iri("entity", path_id(source))) in found
    assert (act, PROV + "startedAtTime", "2019-06-14T10:22:31.417000Z") in found
    assert literal_type(muons, act, PROV + "startedAtTime") == XSD + "dateTime"


# -- v0.8: 2019 roles, num_cpus, an input listed twice --------------------------------


def test_v08_merges_duplicate_input_and_maps_dotted_config_role():
    (record,) = records("v0.8_2019.provenance.log")
    assert record.id == "dffcf976-94ab-46d8-9f21-fd7be5ee86bb"
    activity = record.activities[0]
    assert activity.name == "ctapipe-stage1-process"
    assert activity.start == utc("2019-12-05T16:40:02.117")
    assert set(activity.extra) == {"ctao:status", "ctao:durationMinutes"}
    source = V08_SIMTEL
    ids = [e.id for e in record.entities]
    assert len(ids) == len(set(ids)) == 2
    assert [(u.entity, u.role) for u in record.usages] == [(path_id(source), "dl0.sub.evt")]
    assert record.generations[0].role == "dl1.sub.evt"
    assert [c.name for c in record.config_files] == ["stage1_config.json"]
    assert all(not e.extra for e in record.entities)  # no reference_meta before v0.22


def test_v08_parameters_and_system():
    (record,) = records("v0.8_2019.provenance.log")
    assert len(record.parameters) == 23
    assert param(record, "Stage1ProcessorTool.DataVolumeReducer") == "{}"
    assert param(record, "Stage1ProcessorTool.EventSource.allowed_tels") == "[1, 2, 3, 4]"
    assert param(record, "Stage1ProcessorTool.EventSource.max_events") == "null"
    assert param(record, "Stage1ProcessorTool.TailcutsImageCleaner.picture_threshold_pe") == (
        '[["type", "*", 10.0], ["type", "LST_LST_LSTCam", 6.0]]'
    )
    system = record.activities[0].system
    assert system["ctao:nCpus"] == 32
    assert system["ctao:ctapipeResourcesVersion"] == "0.3.0"
    assert shlex.split(system["ctao:arguments"])[1:3] == ["--input", V08_SIMTEL]
    found = triples(record)
    usage = [s for s, p, o in found if p == PROV + "entity" and o == iri("entity", path_id(V08_SIMTEL))]
    assert len(usage) == 1
    assert (usage[0], PROV + "hadRole", "dl0.sub.evt") in found


# -- v0.12: two arrays glued with `][` -------------------------------------------------


def test_v012_two_arrays_without_separator():
    assert "\n][\n" in (DATA / "v0.12_2021.provenance.log").read_text()
    gamma, proton = records("v0.12_2021.provenance.log")
    assert [gamma.id, proton.id] == [
        "4efd8069-86f2-4db0-ac89-a73cd2fb4260", "308a7b38-8354-40ab-8a1b-e6da25786765"]
    assert [gamma.index, proton.index] == [0, 1]
    assert proton.activities[0].start == utc("2021-11-23T09:03:40.258")
    assert proton.activities[0].description == "ctapipe-process/0.12.0"
    assert proton.activity_descriptions[0].version == "0.12.0"
    assert [c.name for c in proton.config_files] == ["stage1_prod5_lapalma.yaml"]
    assert one(proton.usages).role == "DL0/Event"
    assert proton.entities[1].name == (
        "proton_20deg_0deg_run4107___cta-prod5-lapalma_4LSTs_MAGIC_desert-2158m_mono.dl1.h5")
    assert param(proton, "ProcessorTool.ImageProcessor.TailcutsImageCleaner.picture_threshold_pe") == (
        '[["type", "*", 10.0], ["type", "LST_LST_LSTCam", 8.0]]'
    )
    assert param(proton, "ProcessorTool.DataWriter.write_dl1_images") == "false"
    assert proton.activities[0].system["ctao:nCpus"] == 48
    output = proton.generations[0].entity
    assert (iri("entity", output), PROV + "wasGeneratedBy", iri("activity", proton.id)) in triples(proton)


# -- v0.19: `]\n[`, n_cpus, one array with two activities ------------------------------


def test_v019_arrays_and_activities():
    assert "\n]\n[\n" in (DATA / "v0.19_2023.provenance.log").read_text()
    regressor, classifier, disp = records("v0.19_2023.provenance.log")
    assert [r.id for r in (regressor, classifier, disp)] == [
        "321b3239-7124-4d2c-b142-92651c998e4f",
        "af842682-ff33-4957-9885-2d7955a99392",
        "cc1e27f3-760a-4b0c-83ae-a96132905d75",
    ]
    assert [r.index for r in (regressor, classifier, disp)] == [0, 1, 2]
    assert [r.activities[0].name for r in (classifier, disp)] == [
        "ctapipe-train-particle-classifier", "ctapipe-train-disp-reconstructor"]
    assert all(r.activities[0].extra["ctao:status"] == "completed" for r in (regressor, classifier, disp))
    assert [(u.role, e.name) for u, e in zip(classifier.usages, classifier.entities)] == [
        ("signal events", "gamma_diffuse_merged_train_cl.dl2.h5"),
        ("background events", "proton_merged_train_cl.dl2.h5"),
    ]
    model = one(classifier.generations)
    assert model.entity == path_id("/fefs/aswg/data/models/20230612/particle_classifier.pkl")
    assert model.role == "reconstructor"
    assert param(regressor, "TrainEnergyRegressor.EnergyRegressor.model_config.n_estimators") == "200"
    assert param(regressor, "TrainEnergyRegressor.EnergyRegressor.features").startswith('["hillas_intensity", ')
    assert param(regressor, "TrainEnergyRegressor.n_events") == '[["type", "*", 250000]]'
    assert param(disp, "TrainDispReconstructor.CrossValidator.n_cross_validations") == "3"


def test_v019_system_facts_in_rdf():
    regressor = records("v0.19_2023.provenance.log")[0]
    system = regressor.activities[0].system
    assert system["ctao:nCpus"] == 64
    assert system["ctao:pythonVersion"] == "3.10.12"
    assert system["ctao:ctapipeResourcesVersion"] == "not installed"
    assert system["ctao:environment"]["USER"] == "rgarcia"
    node = iri("system", regressor.id)
    found = triples(regressor)
    assert (iri("activity", regressor.id), CTAO + "system", node) in found
    assert (node, CTAO + "nCpus", "64") in found
    assert literal_type(regressor, node, CTAO + "nCpus") == XSD + "integer"
    assert literal_type(regressor, node, CTAO + "systemJSON").endswith("#JSON")
    assert (node, CTAO + "pythonPackage", "scikit-learn 1.2.2") in found


# -- v0.22: reference metadata, exit codes, producers named by CTA ACTIVITY ID ------------


def test_v022_status_and_exit_codes():
    done, failed, stopped = records("v0.22_2025.provenance.log")
    assert [r.id for r in (done, failed, stopped)] == [
        "9ed38975-366a-43d3-80f7-1a58ed9c81f7",
        "31b99fec-b17a-4373-b293-805ed15aad0a",
        "e0bc849a-cd87-479a-9e1b-c1df5d2f26fa",
    ]
    extras = [r.activities[0].extra for r in (done, failed, stopped)]
    facts = [(extra["ctao:status"], extra["ctao:exitCode"]) for extra in extras]
    assert facts == [("completed", 0), ("error", 1), ("interrupted", 130)]
    assert failed.generations == [] and failed.attributions == []
    assert stopped.activities[0].end == utc("2025-03-27T14:11:27.954")
    act = iri("activity", failed.id)
    assert (act, CTAO + "exitCode", "1") in triples(failed)
    assert literal_type(failed, act, CTAO + "exitCode") == XSD + "integer"
    assert (iri("activity", stopped.id), CTAO + "status", "interrupted") in triples(stopped)


def test_v022_product_entity_and_reference_facts():
    done = records("v0.22_2025.provenance.log")[0]
    product = "be2fe4c1-d2a3-4660-badc-59f3c08fe15e"  # recorded upper-case
    dl1 = one(done.entities, id=product)
    assert dl1.kind == "dataset"
    assert dl1.location == f"{MC}/DL1/20250320/gamma/{dl1.name}"
    assert dl1.name == "gamma_20deg_0deg_run518___cta-prod6-lapalma-2147m-LaPalma-dark.dl1.h5"
    assert dl1.generated_at == utc("2025-03-27T14:05:47.801")
    assert dl1.extra["ctao:productDataLevels"] == ["DL1_IMAGES", "DL1_PARAMETERS"]
    assert dl1.extra["ctao:productCreationTime"] == utc("2025-03-27T14:05:47.801")
    assert dl1.extra["ctao:activityStartTime"] == utc("2025-03-27T14:02:11.482")
    assert dl1.extra["ctao:instrumentSite"] == "CTAO-North"
    assert dl1.extra["ctao:referenceVersion"] == "1"
    assert "ctao:processSubtype" not in dl1.extra  # empty in the log
    assert "ctao:productDisclaimer" not in dl1.extra  # not a known key ...
    assert dl1.extra["ctao:referenceMeta"]["CTA PRODUCT DISCLAIMER"].startswith("Simulated")  # ... but kept
    simtel = done.entities[0]
    assert simtel.id.startswith("path:/fefs/aswg/data/mc/DL0/") and simtel.extra == {}
    assert one(done.generations, entity=product).activity == done.id
    found = triples(done)
    node = iri("entity", product)
    assert (node, CTAO + "productDataLevels", "DL1_PARAMETERS") in found
    assert (node, PROV + "generatedAtTime", "2025-03-27T14:05:47.801000Z") in found
    assert (node, PROV + "wasAttributedTo", iri("agent", "CTAO")) in found
    assert literal_type(done, node, CTAO + "referenceMeta").endswith("#JSON")


def test_v022_a_record_is_the_truth_about_its_own_outputs():
    """The metadata's CTA ACTIVITY ID is a claim, kept as a fact: an output is generated by the run
    whose record lists it, and an input's producer is for the producer's own record to say."""
    done, _, stopped = records("v0.22_2025.provenance.log")
    dl1, stale_dl2 = "be2fe4c1-d2a3-4660-badc-59f3c08fe15e", "caa38158-b8cf-479e-ba75-8fec9625ad1b"
    earlier_run = "cca4f811-c147-4454-9403-c6855b1fc264"
    assert [a.id for a in stopped.activities] == [stopped.id]  # no activity made up from metadata
    assert one(stopped.usages, entity=dl1).role == "DL1/Event"
    assert [(g.entity, g.activity) for g in stopped.generations] == [(stale_dl2, stopped.id)]
    assert one(stopped.entities, id=stale_dl2).extra["ctao:activityId"] == earlier_run  # the claim, kept
    assert one(stopped.entities, id=dl1).extra["ctao:activityId"] == done.id
    (warning,) = stopped.warnings
    assert warning[0] == "claim disagrees with the record"
    assert earlier_run in warning[1] and stopped.id in warning[1]
    assert [a.entity for a in stopped.attributions] == [stale_dl2]
    assert [u.role for u in stopped.usages].count("reconstructor") == 2
    found = triples(stopped)
    assert (iri("entity", stale_dl2), PROV + "wasGeneratedBy", iri("activity", stopped.id)) in found
    assert not {(s, o) for s, p, o in found if p == PROV + "wasGeneratedBy" and s == iri("entity", dl1)}
    assert (iri("entity", stale_dl2), CTAO + "activityId", earlier_run) in found


def test_v022_agents():
    done, failed, _ = records("v0.22_2025.provenance.log")
    assert [(a.id, a.type) for a in done.agents] == [
        ("CTAO", "Organization"),
        ("software/ctapipe/0.22.0", "SoftwareAgent"),
        ("person/Ines Albrecht", "Person"),
    ]
    person = done.agents[2]
    assert (person.name, person.email, person.affiliation) == ("Ines Albrecht", "ines.albrecht@desy.de", "DESY")
    assert [(a.agent, a.role) for a in done.associations] == [
        ("CTAO", "Provider"), ("software/ctapipe/0.22.0", None), ("person/Ines Albrecht", "Operator")]
    # no output, so no contact: the operator comes from the environment
    assert (failed.agents[2].id, failed.agents[2].email) == ("person/ialbrecht", None)
    found = triples(done)
    operator = [s for s, p, o in found if p == PROV + "agent" and o == iri("agent", "person/Ines Albrecht")]
    assert (operator[0], PROV + "hadRole", "Operator") in found
    assert (iri("agent", "person/Ines Albrecht"), VOPROV + "email", "ines.albrecht@desy.de") in found


# -- CTADIRAC: Python repr -------------------------------------------------------------


def test_ctadirac_repr_records():
    gamma, proton = records("ctadirac_repr.provenance.txt")
    assert [gamma.id, proton.id] == [
        "8ad71554-7aa4-4ad9-88c0-01704b5ded93", "5448df3f-190a-4926-a0b3-27942cad059b"]
    assert [gamma.index, proton.index] == [0, 1]
    assert gamma.activities[0].name == "ctapipe-stage1"
    assert gamma.activities[0].start == utc("2021-04-08T02:13:27.338")
    job = "/scratch/plt/dirac/job/412873211"
    assert [c.location for c in gamma.config_files] == [f"{job}/stage1_config.json"]
    assert one(proton.generations).role is None
    assert gamma.generations[0].role == "DL1/Event"
    assert param(gamma, "Stage1Tool.write_images") == "true"
    assert param(gamma, "Stage1Tool.provenance_log") == "null"
    system = gamma.activities[0].system
    assert system["ctao:libcVersion"] == "glibc 2.17"  # a tuple in the repr
    assert system["ctao:nCpus"] == 16
    assert system["ctao:environment"]["USER"] is None
    # USER is None and no reference meta: no person
    assert [a.id for a in gamma.agents] == ["CTAO", "software/ctapipe/0.10.5"]
    found = triples(proton)
    generation = [s for s, p, o in found if p == PROV + "activity" and o == iri("activity", proton.id)]
    assert len(generation) == 1
    assert not [t for t in found if t[0] == generation[0] and t[1] == PROV + "hadRole"]


# -- errors ------------------------------------------------------------------------------


def test_truncated_log_keeps_complete_activities():
    path = DATA / "truncated.provenance.log"
    items = read_all(path)
    assert [type(item).__name__ for item in items] == ["Record", "Record", "ParseError"]
    assert [r.id for r in items[:2]] == [
        "b3ab4e10-a887-444e-b0f6-e0cf8f4d2a86", "d517176c-53a6-4fb2-9314-8d8f5ad8bf5f"]
    error = items[2]
    assert error.source == str(path)
    assert error.record == 2  # the third activity, cut mid-write
    assert error.line == len(path.read_text().splitlines()) == 640
    assert "not read" in error.message and str(error).startswith(f"{path}, record 2, line 640:")


def test_bad_records_are_reported_and_skipped():
    path = DATA / "bad_record.provenance.log"
    items = read_all(path)
    assert [type(item).__name__ for item in items] == ["Record", "ParseError", "ParseError", "Record"]
    first, no_uuid, bad_time, merge = items
    assert (first.id, first.index) == ("625e13ad-7161-4f13-8a8d-7dfb07c959ca", 0)
    assert (merge.id, merge.index) == ("0580772d-0a02-4f56-b2b4-cea4c4eab790", 3)
    assert merge.activities[0].name == "ctapipe-merge"
    assert (no_uuid.source, no_uuid.record, no_uuid.line) == (str(path), 1, None)
    assert "activity_uuid" in no_uuid.message
    assert bad_time.record == 2 and "2024-04-31T09:12:44.301" in bad_time.message
    assert [u.role for u in merge.usages] == ["DL1/Event", "DL1/Event"]
    assert merge.entities[-1].name == "gamma_40deg_0deg_runs77-79_merged.dl1.h5"
    assert param(merge, "MergeTool.HDF5Merger.dl1_images") == "false"
    assert first.activities[0].extra["ctao:exitCode"] == 0


def test_odd_elements_and_layouts(tmp_path):
    shared = "/data/work/run7.dl1.h5"
    activity = {
        "activity_name": "ctapipe-fileinfo",
        "activity_uuid": "0b94d433-136b-4590-a95a-ebf5bfc6485b",
        "start": {"time_utc": "2024-09-02T11:00:00.000"},
        "stop": {},
        "input": [{"url": shared, "role": "DL1/Event"}, {"url": "file:///data/work/./extra.h5", "role": None}],
        "output": [{"url": "/data/work//run7.dl1.h5", "role": "DL1/Event"}],
    }
    path = tmp_path / "odd.provenance.log"
    path.write_text(json.dumps(["oops", activity, None]))
    bad, record, null = read_all(path)
    assert (bad.record, null.record) == (0, 2) and "str" in bad.message
    assert record.index == 1 and record.activities[0].end is None
    # the same file read and written (spelled differently) is one entity
    assert [e.id for e in record.entities] == [path_id(shared), path_id("/data/work/extra.h5")]
    assert record.entities[1].location == "file:///data/work/./extra.h5"
    assert one(record.generations).entity == path_id(shared)
    assert record.agents[1].id == "software/ctapipe"  # no system block, no version


def test_unreadable_text_gives_one_error(tmp_path):
    cut_repr = tmp_path / "cut.txt"
    cut_repr.write_text("[{'activity_name': 'ctapipe-process',\n 'activity_uuid': 'ad9b")
    (error,) = read_all(cut_repr)
    assert (error.record, error.line) == (0, 2)
    other = tmp_path / "notes.txt"
    other.write_text("nothing to see\n")
    (error,) = read_all(other)
    assert (error.record, error.line) == (0, 1)
    empty = tmp_path / "empty.log"
    empty.write_text("")
    assert read_all(empty) == []
    with pytest.raises(OSError):
        read_all(tmp_path / "missing.log")


# -- the demo chain --------------------------------------------------------------------


def test_demo_chain_connects_r0_to_final_dl2():
    assert [p.name for p in DEMO_LOGS] == [
        "1_process_r0_to_dl1.provenance.log",
        "2_process_dl1_to_dl2.provenance.log",
        "3_apply_models_dl2.provenance.log",
    ]
    step1, step2, step3 = (one(read_all(path), index=0) for path in DEMO_LOGS)
    made1, made2, made3 = (one(s.generations, activity=s.id) for s in (step1, step2, step3))
    assert one(step2.usages, role="DL1/Event").entity == made1.entity == "08871b30-5091-4199-927e-b740dac610e2"
    assert one(step3.usages, role="DL2/Event").entity == made2.entity == "50bf30f7-2f72-4584-942b-1c4d2c115c32"
    assert made3.entity == "8b86a06d-5ece-4f51-8b3a-2048f822ba3d"
    location = {s.id: {e.id: e.location for e in s.entities} for s in (step1, step2, step3)}
    assert location[step1.id][made1.entity] == location[step2.id][made1.entity]
    assert location[step2.id][made2.entity] == location[step3.id][made2.entity]
    assert any(c.name == "base_config.yaml" for c in step1.config_files)
    # walk the union of the three graphs back from the final product
    found = set().union(*(triples(s) for s in (step1, step2, step3)))
    chain, node = [], iri("entity", made3.entity)
    while True:
        producers = {o for s, p, o in found if s == node and p == PROV + "wasGeneratedBy"}
        if not producers:
            break
        (producer,) = producers
        chain.append(producer)
        (node,) = {o for s, p, o in found if s == producer and p == PROV + "used" and not o.endswith(".pkl")}
    assert chain == [iri("activity", s.id) for s in (step3, step2, step1)]
    assert node.endswith("gamma_diffuse_run2017___cta-prod6-lapalma-2147m-LaPalma-dark_cone6.simtel.zst")
    assert step1.activities[0].system["ctao:pythonVersion"] == "3.12.10"  # written as a version tuple


# -- shared helpers ----------------------------------------------------------------------


def test_common_ids_and_config():
    assert file_entity_id("/fefs/aswg/./data//mc/DL1/../DL1/a.h5") == "path:/fefs/aswg/data/mc/DL1/a.h5"
    assert product_entity_id(" 5B0C9F4E-8E0B-4C43-9A61-2D1F6E0A7C55 ") == "5b0c9f4e-8e0b-4c43-9a61-2d1f6e0a7c55"
    config = {"Tool": {"name": "x", "n": 3, "cut": 0.5, "on": True, "none": None, "tels": [], "opts": {},
                       "Component": {"Sub": {"thresholds": {"LST": 6.0, "MST": 8.0}}}}}
    assert flatten_config(config) == [
        ("Tool.name", "x"), ("Tool.n", "3"), ("Tool.cut", "0.5"), ("Tool.on", "true"), ("Tool.none", "null"),
        ("Tool.tels", "[]"), ("Tool.opts", "{}"), ("Tool.Component.Sub.thresholds.LST", "6.0"),
        ("Tool.Component.Sub.thresholds.MST", "8.0"),
    ]
    assert literal_repr("{'a': (1, None), 'b': True}") == {"a": (1, None), "b": True}
    with pytest.raises(ValueError):
        literal_repr("__import__('os').getcwd()")


def test_system_facts_arguments_and_skips():
    argv = ["/opt/bin/ctapipe-process", "--input", "/data/my run.simtel.zst", "--config=a b.yaml"]
    facts = system_facts({
        "ctapipe_version": "0.22.0", "arguments": argv, "executable": None,
        "platform": {"n_cpus": 8, "boot_time": "not a time", "libcver": ["glibc", "2.28"]},
        "python": {"version": ["3", "11", "7"],
                   "packages": [{"name": "numpy", "version": "1.26.4", "path": "/x"}]},
    })
    assert shlex.split(facts["ctao:arguments"]) == argv
    assert "ctao:executable" not in facts
    assert facts["ctao:bootTime"] == "not a time"
    assert facts["ctao:pythonVersion"] == "3.11.7"
    assert facts["ctao:pythonPackage"] == ["numpy 1.26.4"]
    assert facts["ctao:systemJSON"]["arguments"] == argv


# -- a chain of real ctapipe 0.32 runs (tests/data/ctapipe/v0.32_chain, made by its make.py) --------

CHAIN_032 = DATA / "v0.32_chain"
RUN = {  # activity uuids of the runs, as the logs recorded them
    "process_gz": "5b0e96c7-8ce4-4613-bcce-712715677e86", "process_zst": "0143fd16-f0ca-4ff8-b88c-c80c93d7a7b1",
    "merge": "64866789-da45-4d64-90ab-2b95ab34c749", "train_energy": "d7e96fac-3c84-4ae2-ad3d-20b52f33ae6e",
    "apply_energy": "ba3eb53e-f192-4bf1-8b73-bab661d1d5b1", "train_classifier": "a6c111e8-69a3-4a5c-bc58-5dccb74e1f8b",
    "apply_models": "ff4ae280-dec7-478f-9609-32f3f40daa9f",
}
FINAL_032 = "2282a1d4-4e81-4b80-9ec5-722a55725f7b"  # the apply-models product


@pytest.fixture(scope="module")
def chain_032():
    from provrdf import ingest, open_store

    store = open_store(":memory:")
    logs = [CHAIN_032 / name for name in ("1a_process.provenance.log", "1b_process.provenance.log",
                                          "2_merge.provenance.log", "3_train_energy.provenance.log",
                                          "4a_apply_energy.provenance.log", "5_train_classifier.provenance.log",
                                          "6_apply_models.provenance.log")]
    report = ingest(store, logs)
    assert report.ok and report.stored == 7, [str(r) for r in report.rejected]
    return store, report


def test_real_032_apply_models_output_is_generated_by_apply_models(chain_032):
    """The product's copied metadata names ctapipe-process (run 1a) as its activity: a claim, kept and
    warned about; the record that lists the product as its output generated it."""
    from provrdf import query

    store, report = chain_032
    product = f"<{store.base}entity/{FINAL_032}>"
    rows = query(store, f"SELECT DISTINCT ?a WHERE {{ {product} prov:wasGeneratedBy ?a }}")
    assert [row["a"].value for row in rows] == [f"{store.base}activity/{RUN['apply_models']}"]
    claims = query(store, f"SELECT DISTINCT ?claim WHERE {{ {product} ctao:activityId ?claim }}")
    assert [row["claim"].value for row in claims] == [RUN["process_gz"]]
    disagree = [w for w in report.warnings if w.kind == "claim disagrees with the record"]
    assert {Path(w.where.split(",")[0]).name for w in disagree} == {
        "4a_apply_energy.provenance.log", "6_apply_models.provenance.log"}


def test_real_032_lineage_goes_through_training_and_merge(chain_032):
    """process → merge → train → apply-models: the lineage of the final product reaches every run, and each
    product is generated once."""
    from provrdf import lineage, query

    store, _ = chain_032
    result = lineage(store, FINAL_032, configuration=False, descriptions=False)
    activities = {node.value.rsplit("/", 1)[-1] for node in result.nodes if "/activity/" in node.value}
    assert activities == set(RUN.values())
    twice = query(store, """SELECT ?e (COUNT(DISTINCT ?a) AS ?n) WHERE { ?e prov:wasGeneratedBy ?a }
                            GROUP BY ?e HAVING (COUNT(DISTINCT ?a) > 1)""")
    assert list(twice) == []


def test_real_032_product_id_claimed_by_two_files():
    """The particle classifier's background copy carries the signal file's CTA PRODUCT ID: two files,
    two entities, and a warning."""
    (record,) = records("v0.32_chain/5_train_classifier.provenance.log")
    used = {e.location.rsplit("/", 1)[-1]: e.id for e in record.entities if e.id in {u.entity for u in record.usages}}
    assert used["gamma_merged_energy.dl2.h5"] == "d7df4259-4df2-4e6b-96b5-5dbf21110430"
    assert used["background_relabelled.dl2.h5"].startswith("path:/") and used["background_relabelled.dl2.h5"].endswith(
        "background_relabelled.dl2.h5")
    assert [kind for kind, _ in record.warnings] == ["product id claimed twice"]


def test_real_032_same_input_with_two_roles_and_null_roles():
    (record,) = records("v0.32_chain/6_apply_models.provenance.log")
    dl2 = "1fa6b405-4186-4e88-9030-5201f43b1042"
    assert sorted(u.role for u in record.usages if u.entity == dl2) == ["Event data", "data product to merge"]
    assert [(g.entity, g.role) for g in record.generations] == [(FINAL_032, None)]
    assert len(record.parameters) > 50


def test_real_032_two_runs_in_one_log_and_two_tools_in_one_process():
    assert [len(r.activities) for r in records("v0.32_chain/process_twice.provenance.log")] == [1, 1]
    tools = [r.activities[0].name for r in records("v0.32_chain/inprocess_two_tools.provenance.log")]
    assert tools == ["ctapipe-quickstart", "ctapipe-process"]

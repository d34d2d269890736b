"""Tests of the CTADIRAC ProvenanceDB reader, on SQLite files and on a real PostgreSQL server.

Two kinds of databases: synthetic ones that ``provdb_schema`` builds in a
"new" (``internal_key``) and an "old" (string id) layout and fills the way
the CTADIRAC ingest did; and the four real generations (the July-2019
prototype, the CTADIRAC service of November 2019, April 2020 and mid-2020)
that ``tests/data/provdb/make.py`` transcribed from their sources, as their
code filled them (the SQLite files beside it) and extended with the tables
no code filled. The PostgreSQL server is started by the ``postgres_url``
fixture; each database is built on it with the same code as the SQLite one.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import pytest
from helpers.ontology import ontology_problems
from helpers.provdb_schema import (
    APPLY,
    GUID,
    LFN,
    MERGE,
    MODEL,
    NEW,
    OLD,
    PROCESS_1,
    PROCESS_2,
    REAL,
    REAL_FOLDER,
    STATUS,
    VERSION,
    create_schema,
    fill_ctadirac,
    insert,
    key_column,
    link_column,
)  # fmt: skip
from helpers.records import ENCODER, iri, one, triples, utc
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Engine

import provrdf
from provrdf.capture import provdb
from provrdf.capture.provdb import (
    display_url,
    is_database_url,
    open_database,
    read,
    read_url,
    sniff,
)
from provrdf.capture.provdb.values import PROVDB
from provrdf.errors import ParseError, ReadWarning
from provrdf.pipeline import Ingester
from provrdf.model import Activity, Record
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import CTAO, PROV, VOPROV
from provrdf.store import open_store
from provrdf.timeutil import as_utc
from provrdf.shacl import Validator

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NAME = "http://www.ivoa.net/documents/ProvenanceDM/index.html#name"
PROCESS_AD = f"provdb/ctapipe-process/{VERSION}"
APPLY_AD = f"provdb/ctapipe-apply-models/{VERSION}"
RECORD_IDS = [f"provdb/activity/{uuid}" for uuid in (PROCESS_1, PROCESS_2, MERGE, APPLY)] + ["provdb/rest"]
BACKENDS = [("sqlite", NEW), ("sqlite", OLD), ("postgresql", NEW), ("postgresql", OLD)]
BANANA = "5d41402a-bc4b-4a76-8e2f-6c0a1f9d3b7e"


@dataclass
class Database:
    """A filled ProvenanceDB: its URL, schema generation and an engine on it."""

    url: str
    generation: str
    engine: Engine
    backend: str


def _drop_everything(engine: Engine) -> None:
    metadata = MetaData()
    metadata.reflect(bind=engine)
    metadata.drop_all(bind=engine)


def _database(request, tmp_path: Path, backend: str, generation: str):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'provenance.sqlite'}"
    else:
        url = request.getfixturevalue("postgres_url")
    engine = open_database(url)
    _drop_everything(engine)  # a PostgreSQL database is shared by the session
    create_schema(engine, generation)
    fill_ctadirac(engine, generation)
    try:
        yield Database(url, generation, engine, backend)
    finally:
        if backend == "postgresql":
            _drop_everything(engine)
        engine.dispose()


@pytest.fixture(params=BACKENDS, ids=lambda p: f"{p[0]}-{p[1]}")
def database(request, tmp_path):
    """A filled ProvenanceDB on each backend and in each schema generation."""
    yield from _database(request, tmp_path, *request.param)


@pytest.fixture(params=[NEW, OLD])
def sqlite_database(request, tmp_path):
    """A filled ProvenanceDB in a SQLite file (foreign keys are not enforced there)."""
    yield from _database(request, tmp_path, "sqlite", request.param)


def records_of(url: str) -> list[Record]:
    items = list(read_url(url))
    assert [item for item in items if isinstance(item, ParseError)] == []
    return items


def filled_sqlite(path: Path, generation: str) -> tuple[str, Engine]:
    """A SQLite ProvenanceDB at ``path`` with the CTADIRAC content in the schema of ``generation``."""
    url = f"sqlite:///{path}"
    engine = open_database(url)
    create_schema(engine, generation)
    fill_ctadirac(engine, generation)
    return url, engine


def by_id(records: list[Record]) -> dict[str, Record]:
    return {record.id: record for record in records}


def row_key(db: Database, new: int, old: str) -> dict:
    """The key columns of a new row: ``internal_key`` (and ``id``) or the 2019 string ``id``."""
    return {"internal_key": new, "id": old} if db.generation == NEW else {"id": old}


def link(db: Database, name: str, new: int, old: str) -> dict:
    return {link_column(db.generation, name): new if db.generation == NEW else old}


# -- the records ----------------------------------------------------------------


def test_one_record_per_activity_then_the_rest(database):
    records = records_of(database.url)
    assert [r.id for r in records] == RECORD_IDS
    assert [r.index for r in records] == list(range(5))
    assert {r.source for r in records} == {display_url(database.url)}
    process = by_id(records)[RECORD_IDS[0]].activities[0]
    assert process.id == PROCESS_1  # the ctapipe activity uuid, as stored
    assert process.name == "ctapipe-process"
    assert process.start == utc("2023-03-14T10:02:11.482")
    assert process.end == utc("2023-03-14T10:17:40.913")
    assert process.description == PROCESS_AD
    assert by_id(records)[RECORD_IDS[2]].activities[0].comment == "DIRAC job 58213377"


def test_dataset_entities_are_named_by_guid_and_lfn(database):
    record = by_id(records_of(database.url))[RECORD_IDS[0]]
    simtel, dl1 = one(record.entities, id=GUID["simtel_101"]), one(record.entities, id=GUID["dl1_101"])
    assert (simtel.kind, simtel.name) == ("dataset", LFN["simtel_101"])
    # the GUID is kept as a fact too, where the table has a column for it (not in the 2019 schema)
    assert simtel.extra == ({} if database.generation == "old" else {"ctao:diracGuid": GUID["simtel_101"]})
    assert simtel.name.startswith("/vo.cta.in2p3.fr/MC/PROD5/LaPalma/gamma/sim_telarray/2103/Data/000xxx/gamma_")
    assert simtel.name.endswith(".simtel.zst")
    assert simtel.description == "provdb/entity/sim_telarray events"
    assert simtel.generated_at == datetime(2021, 3, 2, 17, 41, 5, tzinfo=timezone.utc)
    assert (dl1.kind, dl1.name, dl1.description) == ("dataset", LFN["dl1_101"], "provdb/entity/DL1 events")
    assert dl1.generated_at == utc("2023-03-14T10:17:38.601")
    assert dl1.generated_at.tzinfo is timezone.utc


def test_usages_and_generations_keep_the_ctapipe_roles(database):
    records = by_id(records_of(database.url))
    process, merge = records[RECORD_IDS[0]], records[RECORD_IDS[2]]
    usage = one(process.usages, entity=GUID["simtel_101"])
    assert (usage.activity, usage.role) == (PROCESS_1, "DL0/Event")
    assert usage.time == utc("2023-03-14T10:02:12.482")
    assert usage.description == f"{PROCESS_AD}/usage/DL0/Event"
    generation = one(process.generations, entity=GUID["dl1_101"])
    assert (generation.activity, generation.role) == (PROCESS_1, "DL1/Event")
    assert generation.description == f"{PROCESS_AD}/generation/DL1/Event"
    assert sorted((u.entity, u.role) for u in merge.usages) == sorted(
        [(GUID["dl1_101"], "DL1/Event"), (GUID["dl1_102"], "DL1/Event")])
    assert [(g.entity, g.role) for g in merge.generations] == [(GUID["merged"], "DL1/Event"),
                                                               (f"{MERGE}_status", "status")]


def test_status_is_a_value_entity_and_the_activity_status(database):
    records = by_id(records_of(database.url))
    for uuid, record_id in zip((PROCESS_1, PROCESS_2, MERGE, APPLY), RECORD_IDS):
        record = records[record_id]
        status = one(record.entities, id=f"{uuid}_status")
        assert (status.kind, status.value, status.name) == ("value", STATUS[uuid], "status")
        assert status.description == "provdb/entity/activity status"
        assert one(record.generations, entity=status.id).role == "status"
        assert record.activities[0].extra == {"ctao:status": STATUS[uuid]}
        assert all(a.entity != status.id for a in record.attributions)


def test_ctao_is_associated_with_every_activity_and_owns_the_files(database):
    records = records_of(database.url)
    for record in records[:4]:
        uuid = record.activities[0].id
        assert [(a.activity, a.agent, a.role) for a in record.associations] == [(uuid, "CTAO", "Provider")]
        ctao = one(record.agents, id="CTAO")
        assert (ctao.name, ctao.type, ctao.url) == ("CTAO", "Organization", "https://www.ctao.org")
        datasets = {e.id for e in record.entities if e.kind == "dataset"}
        assert {(a.entity, a.agent) for a in record.attributions} == {(guid, "CTAO") for guid in datasets}


def test_activity_descriptions_own_their_templates(database):
    records = by_id(records_of(database.url))
    (process,) = records[RECORD_IDS[0]].activity_descriptions
    assert (process.id, process.name, process.version) == (PROCESS_AD, "ctapipe-process", VERSION)
    assert (process.type, process.subtype) == ("Reconstruction", "DL0 to DL1")
    assert process.docurl == f"https://ctapipe.readthedocs.io/en/v{VERSION}/user-guide/tools.html"
    usage = one(process.usages, role="DL0/Event")
    assert (usage.id, usage.multiplicity, usage.type) == (f"{PROCESS_AD}/usage/DL0/Event", "1", "Main")
    assert usage.entity_description == "provdb/entity/sim_telarray events"
    assert {g.role for g in process.generations} == {"DL1/Event", "status"}
    cleaner = one(process.parameters, name="ImageProcessor.image_cleaner_type")
    assert cleaner.options == ["TailcutsImageCleaner", "MARSImageCleaner", "FACTImageCleaner",
                               "TimeConstrainedImageCleaner"]  # stored comma-separated
    assert (cleaner.value_type, cleaner.default) == ("char", "TailcutsImageCleaner")
    max_events = one(process.parameters, name="EventSource.max_events")
    assert (max_events.id, max_events.value_type, max_events.min) == (
        f"{PROCESS_AD}/parameter/EventSource.max_events", "int", "1")
    (config,) = process.config_files
    assert (config.id, config.name, config.content_type) == (
        f"{PROCESS_AD}/configfile/process_config.yaml", "process_config.yaml", "application/yaml")
    (merge,) = records[RECORD_IDS[2]].activity_descriptions
    assert one(merge.usages, role="DL1/Event").multiplicity is None
    (apply,) = records[RECORD_IDS[3]].activity_descriptions
    model = one(apply.parameters, name="EnergyRegressor.model_cls")
    assert model.options == ["RandomForestRegressor", "ExtraTreesRegressor"]  # stored as a JSON list


def test_entity_descriptions_by_kind(database):
    record = by_id(records_of(database.url))[RECORD_IDS[0]]
    kinds = {d.id: (d.name, d.kind, d.content_type, d.value_type) for d in record.entity_descriptions}
    assert kinds == {
        "provdb/entity/sim_telarray events": ("sim_telarray events", "dataset", "application/zstd", None),
        "provdb/entity/DL1 events": ("DL1 events", "dataset", "application/x-hdf5", None),
        "provdb/entity/activity status": ("activity status", "value", None, "char"),
    }
    status = one(record.entity_descriptions, name="activity status")
    assert status.ucd == "meta.code.status"


def test_parameters_and_config_files_come_through_was_configured_by(database):
    records = by_id(records_of(database.url))
    process_1, process_2 = records[RECORD_IDS[0]], records[RECORD_IDS[1]]
    assert [(p.activity, p.name, p.value, p.description) for p in process_1.parameters] == [
        (PROCESS_1, name, value, f"{PROCESS_AD}/parameter/{name}")
        for name, value in (("EventSource.max_events", "10000"), ("DataWriter.write_images", "False"),
                            ("ImageProcessor.image_cleaner_type", "TailcutsImageCleaner"))
    ]
    assert one(process_2.parameters, name="DataWriter.write_images").value == "True"
    (config,) = process_1.config_files
    assert (config.activity, config.name) == (PROCESS_1, "process_config.yaml")
    assert config.location.endswith("/ctapipe-process/2103/Log/000xxx/process_config.yaml")
    assert config.description == f"{PROCESS_AD}/configfile/process_config.yaml"
    assert records[RECORD_IDS[2]].parameters == [] and records[RECORD_IDS[2]].config_files == []
    assert [p.value for p in records[RECORD_IDS[3]].parameters] == ["ExtraTreesRegressor", "4"]


def test_derivation_and_communication(database):
    apply = by_id(records_of(database.url))[RECORD_IDS[3]]
    assert [(d.generated, d.used) for d in apply.derivations] == [(GUID["dl2"], GUID["merged"])]
    assert [(c.informed, c.informant) for c in apply.communications] == [(APPLY, MERGE)]
    informant = one(apply.activities, id=MERGE)
    assert (informant.name, informant.start, informant.description) == (None, None, None)


def test_rows_no_activity_reaches_go_to_the_rest(database):
    rest = records_of(database.url)[-1]
    assert rest.id == "provdb/rest" and rest.activities == []
    (model,) = rest.entities
    assert (model.id, model.name, model.kind) == (GUID[MODEL], LFN[MODEL], "dataset")
    assert [(a.entity, a.agent, a.role) for a in rest.attributions] == [(GUID[MODEL], "CTAO", "Creator")]
    assert one(rest.agents, id="CTADIRAC").type == "SoftwareAgent"  # stored as "software"
    assert [d.id for d in rest.activity_descriptions] == [f"provdb/ctapipe-train-energy-regressor/{VERSION}"]


def test_both_generations_give_the_same_provenance(tmp_path):
    quads = {}
    for generation in (NEW, OLD):
        url = f"sqlite:///{tmp_path / generation}.sqlite"
        engine = open_database(url)
        create_schema(engine, generation)
        fill_ctadirac(engine, generation)
        engine.dispose()
        quads[generation] = {str(q) for record in records_of(url) for q in ENCODER.encode(record).quads}
    guids = {q for q in quads[NEW] if "ctao#diracGuid" in q}  # the 2019 schema had no GUID column
    assert len(guids) == 10  # one per dataset per record that names it
    assert quads[NEW] - guids == quads[OLD]
    assert len(quads[NEW]) > 500


def test_reading_twice_gives_equal_records(database):
    assert records_of(database.url) == records_of(database.url)


# -- the encoded quads ------------------------------------------------------------


def test_encoded_quads(database):
    records = by_id(records_of(database.url))
    process = records[RECORD_IDS[0]]
    found = triples(process)
    activity, simtel = iri("activity", PROCESS_1), iri("entity", GUID["simtel_101"])
    status = iri("entity", f"{PROCESS_1}_status")
    assert (simtel, RDF_TYPE, VOPROV + "DatasetEntity") in found
    assert (simtel, NAME, LFN["simtel_101"]) in found
    assert (status, RDF_TYPE, VOPROV + "ValueEntity") in found
    assert (status, PROV + "value", "completed") in found
    assert (activity, CTAO + "status", "completed") in found
    assert (activity, PROV + "used", simtel) in found
    usages = {s for s, p, o in found if p == PROV + "qualifiedUsage" and s == activity}
    assert usages == {activity}
    (usage,) = {o for s, p, o in found if p == PROV + "qualifiedUsage"}
    assert (usage, PROV + "hadRole", "DL0/Event") in found
    assert (usage, VOPROV + "isDescribedBy", iri("description/usage", f"{PROCESS_AD}/usage/DL0/Event")) in found
    assert (activity, VOPROV + "isDescribedBy", iri("description/activity", PROCESS_AD)) in found
    assert (simtel, VOPROV + "isDescribedBy", iri("description/entity", "provdb/entity/sim_telarray events")) in found
    parameter = iri("parameter", f"{PROCESS_1}/EventSource.max_events")
    assert (activity, VOPROV + "wasConfiguredBy", parameter) in found
    assert (parameter, PROV + "value", "10000") in found
    config = iri("configfile", f"{PROCESS_1}/process_config.yaml")
    assert (activity, VOPROV + "wasConfiguredBy", config) in found
    artefact_types = {o for s, p, o in found if p == VOPROV + "artefactType"}
    assert artefact_types == {"Parameter", "ConfigFile"}
    assert (iri("agent", "CTAO"), RDF_TYPE, PROV + "Organization") in found
    apply = triples(records[RECORD_IDS[3]])
    assert (iri("entity", GUID["dl2"]), PROV + "wasDerivedFrom", iri("entity", GUID["merged"])) in apply
    assert (iri("activity", APPLY), PROV + "wasInformedBy", iri("activity", MERGE)) in apply


def test_records_pass_the_shapes_and_use_declared_terms(database):
    encoded = [ENCODER.encode(record) for record in records_of(database.url)]
    for issues in Validator().check_batch(encoded):
        assert [issue for issue in issues if issue.severity == "Violation"] == []
    assert ontology_problems([q for e in encoded for q in e.quads], check_domains=True) == []


def test_ingesting_twice_leaves_the_same_quads(database):
    with open_store(":memory:") as store:
        first = Ingester(store).records(read_url(database.url), display_url(database.url), "provdb")
        assert first.ok and first.stored == 5
        before = sorted(map(str, store.quads()))
        again = Ingester(store).records(read_url(database.url), display_url(database.url), "provdb")
        assert again.ok and (again.stored, again.unchanged) == (0, 5)
        assert sorted(map(str, store.quads())) == before
        merged = Encoder(store.base).iri("entity", GUID["merged"])
        assert any(quad.subject == merged for quad in store.quads())


# -- rows that cannot be read, links to missing rows, unknown values --------------------


def _add_banana_activity(db: Database, class_type: str = "banana", start: str = "2023-03-17T09:00:00.000") -> None:
    """An activity that used an entity whose classType is 'banana'."""
    insert(db.engine, "activities", **row_key(db, 90001, BANANA), name="ctapipe-process", startTime=start,
           endTime="2023-03-17T09:05:00.000")  # fmt: skip
    insert(db.engine, "entities", **row_key(db, 90002, "F00D0000-0000-0000-0000-000000000001"),
           name="/vo.cta.in2p3.fr/MC/PROD5/banana.h5", classType=class_type)  # fmt: skip
    insert(db.engine, "used", **{key_column(db.generation): 90003}, role="DL0/Event", time=start,
           **link(db, "activity", 90001, BANANA), **link(db, "entity", 90002, "F00D0000-0000-0000-0000-000000000001"))


def test_an_unknown_entity_class_is_kept_with_a_warning(database):
    clean = records_of(database.url)
    _add_banana_activity(database)
    items = records_of(database.url)
    banana = by_id(items)[f"provdb/activity/{BANANA}"]
    (entity,) = banana.entities
    assert (entity.id, entity.kind, entity.name) == ("F00D0000-0000-0000-0000-000000000001", "entity",
                                                     "/vo.cta.in2p3.fr/MC/PROD5/banana.h5")
    assert entity.extra == {PROVDB + "classType": "banana"}
    key = "90002" if database.generation == NEW else "'F00D0000-0000-0000-0000-000000000001'"
    assert banana.warnings == [("unknown class", (
        f"entities {key_column(database.generation)}={key}: classType 'banana' is none of entity, value, dataset; "
        f"read as entity, the classType kept as {PROVDB}classType"))]
    others = [replace(r, index=0) for r in items if r.id != banana.id]
    assert others == [replace(r, index=0) for r in clean]


def test_a_time_that_is_no_time_rejects_only_its_record(database):
    clean = records_of(database.url)
    _add_banana_activity(database, class_type="dataset", start="the day before yesterday")
    items = list(read_url(database.url))
    (error,) = [item for item in items if isinstance(item, ParseError)]
    assert error.record == items.index(error)  # its place among the activities, in key order
    key, column = ("90001", "internal_key") if database.generation == NEW else (repr(BANANA), "id")
    assert error.message == (f"provdb/activity/{BANANA}: activities {column}={key}: "
                             "startTime is not an ISO 8601 time: 'the day before yesterday'; "
                             f"used {column}=90003: time is not an ISO 8601 time: 'the day before yesterday'")
    records = [item for item in items if isinstance(item, Record)]
    assert [replace(r, index=0) for r in records] == [replace(r, index=0) for r in clean]


def test_a_used_row_pointing_to_a_missing_entity_keeps_the_usage_without_its_entity(sqlite_database):
    db = sqlite_database
    insert(db.engine, "used", **{key_column(db.generation): 90100}, role="DL0/Event",
           **link(db, "activity", activity_key(db, PROCESS_2), PROCESS_2),
           **link(db, "entity", 424242, "NO-SUCH-GUID"))  # fmt: skip
    record = by_id(records_of(db.url))[RECORD_IDS[1]]
    assert [(u.entity, u.role) for u in record.usages] == [(GUID["simtel_102"], "DL0/Event"), (None, "DL0/Event")]
    missing = "424242" if db.generation == NEW else "'NO-SUCH-GUID'"
    assert record.warnings == [("link to a missing row", (
        f"used {key_column(db.generation)}=90100: entity points to entities row {missing}, which does not exist; "
        "the usage is kept without its entity"))]
    with open_store(":memory:") as store:
        report = Ingester(store).records(read_url(db.url), display_url(db.url), "provdb")
    assert report.ok and report.stored == 5
    assert [(w.where, w.kind) for w in report.warnings if w.kind == "link to a missing row"] == [
        (f"{display_url(db.url)}, record 1", "link to a missing row")]


def test_an_agent_without_a_name_keeps_no_name(sqlite_database):
    db = sqlite_database
    with db.engine.begin() as connection:
        connection.execute(text('UPDATE "agents" SET "name" = NULL WHERE "id" = \'CTADIRAC\''))
    rest = records_of(db.url)[-1]
    software = one(rest.agents, id="CTADIRAC")
    assert (software.name, software.type) == (None, "SoftwareAgent")
    assert (iri("agent", "CTADIRAC"), NAME, "CTADIRAC") not in triples(rest)


def activity_key(db: Database, uuid: str):
    """The key of an activity's row (as ``provdb_schema`` numbered it)."""
    if db.generation == OLD:
        return uuid
    with db.engine.connect() as connection:
        metadata = MetaData()
        metadata.reflect(bind=connection, only=["activities"])
        activities = metadata.tables["activities"]
        return connection.execute(activities.select().where(activities.c.id == uuid)).one().internal_key


def test_rows_no_record_can_hold_are_read_warnings(sqlite_database):
    db = sqlite_database
    insert(db.engine, "parameters", **row_key(db, 90200, "lonely"), name="EventSource.max_events", value="5")
    insert(db.engine, "wasAssociatedWith", **{key_column(db.generation): 90201},
           **link(db, "activity", 777, "NO-SUCH-ACTIVITY"), **link(db, "agent", 1, "CTAO"))  # fmt: skip
    items = list(read_url(db.url))
    assert [item.id for item in items if isinstance(item, Record)] == RECORD_IDS
    assert [item for item in items if isinstance(item, ParseError)] == []
    warnings = [item for item in items if isinstance(item, ReadWarning)]
    assert {w.kind for w in warnings} == {"row not read"} and {w.record for w in warnings} == {None}
    key = key_column(db.generation)
    lonely = "90200" if db.generation == NEW else "'lonely'"
    missing = "777" if db.generation == NEW else "'NO-SUCH-ACTIVITY'"
    assert [w.message for w in warnings] == [
        f"wasAssociatedWith {key}=90201: activity points to activities row {missing}, which does not exist; not read",
        f"parameters {key}={lonely}: no activity is configured by it (wasConfiguredBy); not read",
    ]
    with open_store(":memory:") as store:
        report = Ingester(store).records(iter(items), display_url(db.url), "provdb")
    assert report.ok and report.stored == 5
    assert sum(w.kind == "row not read" for w in report.warnings) == 2


def test_old_schema_links_without_the_id_suffix(tmp_path):
    url, engine = filled_sqlite(tmp_path / 'old.sqlite', OLD)
    expected = records_of(url)
    with engine.begin() as connection:  # the earliest 2019 tables named these links bare
        connection.execute(text('ALTER TABLE "wasAssociatedWith" RENAME COLUMN "activity_id" TO "activity"'))
        connection.execute(text('ALTER TABLE "wasAssociatedWith" RENAME COLUMN "agent_id" TO "agent"'))
    engine.dispose()
    assert records_of(url) == expected


def test_names_are_matched_without_regard_to_case(sqlite_database):
    db = sqlite_database
    expected = records_of(db.url)
    with db.engine.begin() as connection:
        connection.execute(text('ALTER TABLE "activities" RENAME COLUMN "startTime" TO "STARTTIME"'))
        connection.execute(text('ALTER TABLE "wasGeneratedBy" RENAME TO "renamed"'))
        connection.execute(text('ALTER TABLE "renamed" RENAME TO "WASGENERATEDBY"'))
    assert records_of(db.url) == expected


def test_a_table_without_declared_keys_is_read_by_the_naming_conventions(sqlite_database):
    db = sqlite_database
    expected = records_of(db.url)
    with db.engine.begin() as connection:  # CREATE TABLE … AS SELECT keeps no primary key, no foreign key
        for table in ("used", "wasAttributedTo"):
            connection.execute(text(f'CREATE TABLE "copy" AS SELECT * FROM "{table}"'))
            connection.execute(text(f'DROP TABLE "{table}"'))
            connection.execute(text(f'ALTER TABLE "copy" RENAME TO "{table}"'))
    metadata = MetaData()
    metadata.reflect(bind=db.engine, only=["used"])
    assert not metadata.tables["used"].primary_key.columns and not metadata.tables["used"].foreign_keys
    assert records_of(db.url) == expected


def test_a_link_column_with_a_foreign_key_is_found_whatever_its_name(tmp_path):
    url, engine = filled_sqlite(tmp_path / 'renamed.sqlite', NEW)
    expected = records_of(url)
    with engine.begin() as connection:  # SQLite keeps the foreign key of a renamed column
        connection.execute(text('ALTER TABLE "used" RENAME COLUMN "activity_key" TO "run_key"'))
    engine.dispose()
    assert records_of(url) == expected


# -- schemas that are not a ProvenanceDB ------------------------------------------------


def test_a_sqlite_file_is_sniffed_and_read_by_path(tmp_path):
    path = tmp_path / "prov.sqlite"
    _, engine = filled_sqlite(path, NEW)
    engine.dispose()
    head = path.read_bytes()[:65536].decode("utf-8", errors="replace")
    assert sniff(head) and not sniff("[{\"activity_name\": \"ctapipe-process\"}]")
    items = list(read(path))
    assert [item.id for item in items] == RECORD_IDS
    assert {item.source for item in items} == {str(path)}
    assert items == [replace(r, source=str(path)) for r in records_of(f"sqlite:///{path}")]


def test_a_sqlite_file_without_the_tables_is_one_parse_error(tmp_path):
    path = tmp_path / "other.sqlite"
    engine = open_database(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE activities (id VARCHAR PRIMARY KEY, name VARCHAR)"))
    engine.dispose()
    (error,) = list(read(path))
    assert isinstance(error, ParseError) and error.source == str(path)
    assert "a SQLite file but not a CTADIRAC ProvenanceDB" in error.message
    assert "entities, agents, used, wasGeneratedBy, wasAssociatedWith, wasAttributedTo" in error.message
    assert "activities," not in error.message


def test_an_unknown_schema_names_every_column_it_lacks(tmp_path):
    url = f"sqlite:///{tmp_path / 'odd.sqlite'}"
    engine = open_database(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE activities (uid INTEGER PRIMARY KEY, id VARCHAR, name VARCHAR)"))
        for table in provdb.REQUIRED_TABLES[1:]:
            connection.execute(text(f'CREATE TABLE "{table}" (uid INTEGER PRIMARY KEY)'))
    engine.dispose()
    (error,) = list(read_url(url))
    assert error.message.startswith("not a CTADIRAC ProvenanceDB: the table entities has no column id; "
                                    "the table agents has no column id; the table used has no column for its link "
                                    "activity to activities (no foreign key, and none of activity_key, activity_id, "
                                    "activity); ")
    assert error.message.endswith("the table wasAttributedTo has no column for its link agent to agents "
                                  "(no foreign key, and none of agent_key, agent_id, agent)")


def test_a_missing_link_column_is_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'partial.sqlite'}"
    engine = open_database(url)
    with engine.begin() as connection:
        for table in provdb.REQUIRED_TABLES:
            connection.execute(text(f'CREATE TABLE "{table}" (id VARCHAR PRIMARY KEY)'))
        relations = (("used", "entity_id"), ("wasGeneratedBy", "activity_id, entity_id"),
                     ("wasAssociatedWith", "activity_id, agent_id"), ("wasAttributedTo", "entity_id, agent_id"))
        for table, links in relations:
            connection.execute(text(f'DROP TABLE "{table}"'))
            columns = ", ".join(f"{name.strip()} VARCHAR" for name in f"run_id, {links}".split(","))
            connection.execute(text(f'CREATE TABLE "{table}" (id INTEGER PRIMARY KEY, {columns})'))
    engine.dispose()
    (error,) = list(read_url(url))
    assert error.message == ("not a CTADIRAC ProvenanceDB: the table used has no column for its link activity to "
                             "activities (no foreign key, and none of activity_key, activity_id, activity)")


def test_an_unreachable_server_is_one_parse_error():
    url = "postgresql://reader:s3cret@127.0.0.1:1/provenance"
    (error,) = list(read_url(url))
    assert isinstance(error, ParseError)
    assert error.source == "postgresql://reader:***@127.0.0.1:1/provenance"
    assert "s3cret" not in str(error) and "cannot read the database" in error.message


# -- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("location, expected", [
    ("postgresql://cta@db.example.org/provenance", True),
    ("postgresql+psycopg2://cta:pw@127.0.0.1:5432/provenance", True),
    ("sqlite:///runs/prov.sqlite", True),
    ("mysql://cta@db/provenance", True),
    ("runs/prov.sqlite", False),
    ("/data/run.provenance.log", False),
    ("https://example.org/prov.json", False),
    ("file:///data/run.provenance.log", False),
    ("C:\\data\\prov.sqlite", False),
])  # fmt: skip
def test_is_database_url(location, expected):
    assert is_database_url(location) is expected


def test_display_url_hides_only_the_password():
    url = "postgresql://cta:pw@db:5432/prov?sslmode=require"
    assert display_url(url) == "postgresql://cta:***@db:5432/prov?sslmode=require"
    assert display_url("sqlite:///runs/prov.sqlite") == "sqlite:///runs/prov.sqlite"
    assert display_url("runs/prov.sqlite") == "runs/prov.sqlite"


def test_the_postgres_fixture_is_a_loopback_server(postgres_url):
    assert postgres_url.startswith("postgresql://") and "@127.0.0.1:" in postgres_url
    engine = open_database(postgres_url)  # no driver named: the installed one is found
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
            assert connection.dialect.name == "postgresql"
    finally:
        engine.dispose()


# == the real generations (tests/data/provdb, written by its make.py) ====================================

GENERATIONS = REAL.GENERATIONS
GUID_PATTERN = re.compile(r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}")
#: generation -> how the reader names the activity description of a tool (prototype: as typed, with underscores)
TOOL_DESCRIPTION = {
    "prototype_2019": lambda tool: f"provdb/{tool.replace('-', '_')}/0.7.0",
    "service_2019": lambda tool: f"provdb/{tool}/0.7.0.post112+git4b3e1f2",
    "service_2020_04": lambda tool: f"provdb/{tool}/0.8.0",
    "service_2020": lambda tool: f"provdb/{tool}/0.10.5",
}
#: generation -> the sim_telarray file of the first ctapipe-process job: (id, name, location, generatedAtTime)
_SIMTEL_LFN = "/vo.cta.in2p3.fr/MC/PROD5/LaPalma/gamma/sim_telarray/{}"
SIMTEL = {
    "prototype_2019": (
        "079d4adb-2dfb-5af2-98f1-bd9e59d34b7b",
        "gamma_20deg_180deg_run1011___cta-prod5-lapalma_desert-2158m-LaPalma-dark.simtel.gz",
        ("/home/cta/prod5/LaPalma/gamma/"
         "gamma_20deg_180deg_run1011___cta-prod5-lapalma_desert-2158m-LaPalma-dark.simtel.gz"),
        None,
    ),
    "service_2019": (
        "C8EC7C69-662A-5061-9A2E-83FEBC5B219A",
        _SIMTEL_LFN.format("1410/Data/000xxx/"
                           "gamma_20deg_0deg_run201___cta-prod5-lapalma_desert-2158m-LaPalma-dark.simtel.gz"),
        "{CC-IN2P3-Disk,DESY-ZN-Disk}",
        utc("2019-10-29T17:02:41"),
    ),
    "service_2020_04": (
        "DB4BAF00-8F5B-110B-942A-B2C4A297A449",
        _SIMTEL_LFN.format("1830/Data/000xxx/"
                           "gamma_40deg_180deg_run1107___cta-prod5-lapalma_desert-2158m-LaPalma-dark.simtel.gz"),
        "{CC-IN2P3-Disk}",
        utc("2020-03-17T04:55:12"),
    ),
    "service_2020": (
        "349A5838-F417-4787-E2E7-C2075B2789C4",
        _SIMTEL_LFN.format("2098/Data/003xxx/gamma_20deg_180deg_run3301___"
                           "cta-prod5-lapalma_4LSTs_MAGIC_desert-2158m-LaPalma-dark.simtel.zst"),
        "{CC-IN2P3-Disk}",
        utc("2021-03-02T17:41:05"),
    ),
}  # fmt: skip
#: generation -> how often each file of the first ctapipe-process record is attributed to CTAO
ATTRIBUTED = {
    "prototype_2019": {"simtel.gz": 1, "process_config.json": 2, "dl1.h5": 2},  # every input, each time
    "service_2019": {"simtel.gz": 1, "dl1.h5": 1},  # only when the entity is added
    "service_2020_04": {"simtel.gz": 1, "dl1.h5": 1},
    "service_2020": {"simtel.zst": 1, "dl1.h5": 2},  # each time a job sees the file
}
#: generation -> the parameters of the first ctapipe-process job, as the reader gives them
PROCESS_PARAMETERS = {
    "prototype_2019": [],
    "service_2019": [
        ("config_file", "/scratch/plt/dirac/job/10442871/process_config.json"),
        ("output_path", ("/scratch/plt/dirac/job/10442871/"
                        "gamma_20deg_0deg_run201___cta-prod5-lapalma_desert-2158m-LaPalma-dark.dl1.h5")),
        ("overwrite", None), ("write_images", None), ("image_cleaner_type", "TailcutsImageCleaner"),
        ("compression_level", "5"), ("log_level", "20"),
    ],
    "service_2020_04": [
        ("config_file", "/scratch/plt/dirac/job/20114733/process_config.json"),
        ("output_path", ("/scratch/plt/dirac/job/20114733/"
                        "gamma_40deg_180deg_run1107___cta-prod5-lapalma_desert-2158m-LaPalma-dark.dl1.h5")),
        ("overwrite", None), ("write_images", None), ("image_cleaner_type", "MARSImageCleaner"),
        ("compression_level", "5"), ("log_level", "20"),
    ],
    "service_2020": [],
}  # fmt: skip
EXTENDED_PROCESS_PARAMETERS = {
    "prototype_2019": [
        ("config_file", "/home/cta/prod5/LaPalma/gamma/config/process_config.json"),
        ("output_path", ("/home/cta/prod5/LaPalma/gamma/dl1/"
                        "gamma_20deg_180deg_run1011___cta-prod5-lapalma_desert-2158m-LaPalma-dark.dl1.h5")),
        ("write_images", "False"), ("image_cleaner_type", "TailcutsImageCleaner"), ("log_level", "20"),
    ],
    "service_2019": PROCESS_PARAMETERS["service_2019"],
    "service_2020_04": PROCESS_PARAMETERS["service_2020_04"],
    "service_2020": [
        ("config_files", "{/scratch/plt/dirac/job/41287321/process_config.yaml}"),
        ("output_path", ("/scratch/plt/dirac/job/41287321/"
                        "gamma_20deg_180deg_run3301___cta-prod5-lapalma_4LSTs_MAGIC_desert-2158m-LaPalma-dark.dl1.h5")),
        ("overwrite", None), ("progress_bar", None), ("log_level", "30"),
    ],
}  # fmt: skip
#: generation -> (location, content type) of the first ctapipe-process job's config file (extended fixtures)
PROCESS_CONFIG = {
    "prototype_2019": ("/home/cta/prod5/LaPalma/gamma/config/process_config.json", "application/json"),
    "service_2019": ("/scratch/plt/dirac/job/10442871/process_config.json", "application/json"),
    "service_2020_04": ("/scratch/plt/dirac/job/20114733/process_config.json", "application/json"),
    "service_2020": ("/scratch/plt/dirac/job/41287321/process_config.yaml", "application/x-yaml"),
}
REAL_CASES = [(backend, generation, extended) for backend in ("sqlite", "postgresql") for generation in GENERATIONS
              for extended in (False, True)]  # fmt: skip


@dataclass
class Read:
    """What the reader gave for a database: its records (none rejected) and its read warnings."""

    records: list[Record]
    warnings: list[tuple[str, str]]  #: (kind, message) of the read warnings

    def of(self, job: dict) -> Record:
        """The record of a ctapipe job."""
        return by_id(self.records)[f"provdb/activity/{job['activity_uuid']}"]

    @property
    def rest(self) -> Record | None:
        return by_id(self.records).get("provdb/rest")


def read_real(url: str) -> Read:
    items = list(read_url(url))
    assert [item for item in items if isinstance(item, ParseError)] == []
    records = [item for item in items if isinstance(item, Record)]
    return Read(records, [(item.kind, item.message) for item in items if isinstance(item, ReadWarning)])


@dataclass
class Real:
    """One generation's fixture, as written by the real code or extended, on one backend."""

    url: str
    generation: str
    extended: bool
    backend: str
    engine: Engine

    @cached_property
    def jobs(self) -> list[dict]:
        """The ctapipe provenance records written into it, one per activity."""
        return REAL.jobs(self.generation)

    @cached_property
    def read(self) -> Read:
        """What the reader gives for it (read once)."""
        return read_real(self.url)


@contextmanager
def _real(request, folder: Path, backend: str, generation: str, extended: bool) -> Iterator[Real]:
    if backend == "sqlite":
        path = folder / REAL.FILES[generation]
        if not extended:
            shutil.copyfile(REAL_FOLDER / REAL.FILES[generation], path)
        url = f"sqlite:///{path}"
        engine = open_database(url)
        if extended:
            REAL.build(engine, generation, extended=True)
    else:
        url = request.getfixturevalue("postgres_url")
        engine = open_database(url)
        _drop_everything(engine)
        REAL.build(engine, generation, extended=extended)
    try:
        yield Real(url, generation, extended, backend, engine)
    finally:
        if backend == "postgresql":
            _drop_everything(engine)
        engine.dispose()


def _case_id(case: tuple[str, str, bool]) -> str:
    return f"{case[0]}-{case[1]}-{'extended' if case[2] else 'as-filled'}"


@pytest.fixture(scope="module", params=REAL_CASES, ids=_case_id)
def real(request, tmp_path_factory):
    """What the reader gives for each generation, as its code filled it and extended, in SQLite and PostgreSQL.

    Each database is built, read once and dropped (the PostgreSQL database is shared by the tests).
    """
    with _real(request, tmp_path_factory.mktemp("real"), *request.param) as built:
        assert built.read.records  # read while the database exists
    yield built


@pytest.fixture(params=REAL_CASES, ids=_case_id)
def real_db(request, tmp_path):
    """Each generation, as its code filled it and extended, in a SQLite file and on PostgreSQL, for one test."""
    with _real(request, tmp_path, *request.param) as built:
        yield built


@pytest.fixture(params=[case for case in REAL_CASES if not case[2]], ids=_case_id)
def as_filled(request, tmp_path):
    """Each generation as its code filled it, in a SQLite file and on PostgreSQL, for one test."""
    with _real(request, tmp_path, *request.param) as built:
        yield built


def _named(record: Record, entity_id: str | None) -> str | None:
    """The last part of the name of an entity of the record (the file name)."""
    return None if entity_id is None else one(record.entities, id=entity_id).name.rsplit("/", 1)[-1]


def _recorded_inputs(generation: str, job: dict) -> list[tuple[str | None, str]]:
    """(file name, role) of the used rows each generation's code wrote for a ctapipe job's inputs."""
    found = []
    for entry in job["input"]:
        name, role = entry["url"].rsplit("/", 1)[-1], entry["role"]
        if role == "tool.config" and generation in ("service_2019", "service_2020_04"):
            continue  # not among the job's input data: no row
        found.append((None if role == "Tool Configuration" else name, role))  # service_2020: a row without entity
    return found


def test_real_every_activity_is_one_record_with_its_ctapipe_id_name_and_times(real):
    read = real.read
    ids = [f"provdb/activity/{job['activity_uuid']}" for job in real.jobs]
    ordered = ids if real.generation == "service_2020" else sorted(ids)  # in key order: internal_key, else the id
    rest = [] if real.generation == "service_2020" else ["provdb/rest"]
    assert [r.id for r in read.records] == ordered + rest
    assert [r.index for r in read.records] == list(range(len(ordered + rest)))
    for job in real.jobs:
        (activity, *informants) = read.of(job).activities
        assert (activity.id, activity.name) == (job["activity_uuid"], job["activity_name"])
        assert (activity.start, activity.end) == (utc(job["start"]["time_utc"]), utc(job["stop"]["time_utc"]))
        assert activity.comment == ("" if real.generation == "prototype_2019" else None)
        assert informants == ([Activity(id=real.jobs[2]["activity_uuid"])]
                              if real.extended and job is real.jobs[3] else [])  # fmt: skip


def test_real_entities_keep_their_stored_ids_names_and_locations(real):
    read = real.read
    process = read.of(real.jobs[0])
    ident, name, location, created = SIMTEL[real.generation]
    simtel = one(process.entities, id=ident)
    assert (simtel.kind, simtel.name, simtel.location, simtel.generated_at) == ("dataset", name, location, created)
    for record in read.records:
        for entity in record.entities:
            assert entity.extra == {}  # no GUID column, or the GUID never written
            if entity.kind == "value":
                assert (entity.id.endswith("_status"), entity.name) == (True, "status")
            elif real.generation == "prototype_2019":
                assert entity.location.startswith("/home/cta/prod5/") and entity.name == entity.location.rsplit("/")[-1]
            else:
                assert GUID_PATTERN.fullmatch(entity.id) and entity.name.startswith("/vo.cta.in2p3.fr/MC/PROD5/")
                assert entity.location.startswith("{") and entity.location.endswith("-Disk}")  # kept as written
                assert entity.generated_at.tzinfo is timezone.utc


def test_real_usages_and_generations_keep_the_ctapipe_roles(real):
    read = real.read
    for job in real.jobs:
        record, uuid = read.of(job), job["activity_uuid"]
        assert [(_named(record, u.entity), u.role) for u in record.usages] == _recorded_inputs(real.generation, job)
        assert {(u.activity, u.time) for u in record.usages} == {(uuid, None)}
        outputs = [(entry["url"].rsplit("/", 1)[-1], entry["role"]) for entry in job["output"]]
        assert [(_named(record, g.entity), g.role) for g in record.generations] == [*outputs, ("status", "status")]
        assert {g.activity for g in record.generations} == {uuid}
        assert one(record.generations, role="status").entity == f"{uuid}_status"


def test_real_status_is_a_value_entity_with_the_value_its_code_stored(real):
    read = real.read
    stored = real.generation in ("service_2019", "service_2020_04")  # the prototype and the 2020 client lost it
    for job in real.jobs:
        record = read.of(job)
        status = one(record.entities, id=f"{job['activity_uuid']}_status")
        assert (status.kind, status.name, status.value) == ("value", "status", "completed" if stored else None)
        assert record.activities[0].extra == ({"ctao:status": "completed"} if stored else {})


def test_real_ctao_is_associated_with_every_activity_and_attributed_its_files(real):
    read = real.read
    for job in real.jobs:
        record = read.of(job)
        assert [(a.activity, a.agent, a.role) for a in record.associations] == [(job["activity_uuid"], "CTAO", None)]
        assert [(a.id, a.name, a.type, a.email, a.url) for a in record.agents] == [
            ("CTAO", "CTA Observatory", "Organization", None, None)]
        datasets = {e.id for e in record.entities if e.kind == "dataset"}
        assert {(a.entity, a.agent, a.role) for a in record.attributions} == {(d, "CTAO", None) for d in datasets}
    process = read.of(real.jobs[0])
    files = [_named(process, a.entity) for a in process.attributions]
    kinds = [name if name.startswith("process_config") else name.split(".", 1)[1] for name in files]
    assert {kind: kinds.count(kind) for kind in kinds} == ATTRIBUTED[real.generation]


def test_real_activity_descriptions_and_their_templates(real):
    read = real.read
    described = TOOL_DESCRIPTION[real.generation]
    for job in real.jobs:
        record, tool = read.of(job), job["activity_name"]
        missing = real.generation == "prototype_2019" and tool == "ctapipe-apply-models"  # typed under another id
        assert record.activities[0].description == (None if missing else described(tool))
        assert [d.id for d in record.activity_descriptions] == ([] if missing else [described(tool)])
        for usage in record.usages:
            linked = real.generation != "prototype_2019"  # the prototype linked no relation to its description
            assert usage.description == (f"{described(tool)}/usage/{usage.role}" if linked else None)
    process = read.of(real.jobs[0]).activity_descriptions[0]
    templates = {
        "prototype_2019": (["dl0.sub.evt"], ["dl0.sub.evt", "quality"], None),
        "service_2019": (["dl0.sub.evt"], ["dl0.sub.evt", "status"], "1"),
        "service_2020_04": (["dl0.sub.evt"], ["dl0.sub.evt", "status"], "1"),
        "service_2020": (["Tool Configuration", "DL0/Event"], ["DL1/Event", "status"], "1"),
    }[real.generation]
    assert ([u.role for u in process.usages], [g.role for g in process.generations]) == templates[:2]
    assert {t.multiplicity for t in process.usages + process.generations} == {templates[2]}
    assert (process.name, process.type) == (
        ("ctapipe_process", "reconstruction") if real.generation == "prototype_2019"
        else ("ctapipe-process", "Reconstruction"))  # fmt: skip
    if real.generation == "prototype_2019":
        assert [d.id for d in read.rest.activity_descriptions] == ["provdb/ctapipe_apply_models/0.7.0"]


def test_real_generation_descriptions_whose_role_contradicts_the_generation_are_left_out(real):
    read = real.read
    described = TOOL_DESCRIPTION[real.generation]
    for job in real.jobs:
        record, tool = read.of(job), job["activity_name"]
        output = record.generations[0]
        if real.generation == "prototype_2019":
            assert {g.description for g in record.generations} == {None}
        elif real.generation == "service_2020" or tool == "ctapipe-merge":
            assert output.description == f"{described(tool)}/generation/{output.role}"
        else:  # looked up with the last input's role: contradicts the generation's own role
            assert output.description is None
            assert record.warnings[0][0] == "disagrees with its description"
            assert f"its role {output.role!r} differs from the role " in record.warnings[0][1]
        if real.generation != "prototype_2019":
            assert one(record.generations, role="status").description == f"{described(tool)}/generation/status"


def test_real_entity_descriptions(real):
    read = real.read
    process = read.of(real.jobs[0])
    status = one(process.entity_descriptions, kind="value")
    if real.generation == "prototype_2019":  # typed in without a name, no value type
        assert (status.id, status.name, status.value_type) == ("provdb/entityDescriptions/status", None, None)
        assert {d.content_type for d in process.entity_descriptions} == {None}
    else:
        assert (status.id, status.name, status.value_type) == ("provdb/entity/status", "status", "string")
        simtel = one(process.entity_descriptions, name="sim_telarray events")
        assert simtel.content_type == ("application/zstd" if real.generation == "service_2020" else "application/gzip")
    # the 2019 ValueDescription columns that the model's ValueDescription lacks are kept as facts
    assert status.extra == ({PROVDB + "default": "NOK", PROVDB + "options": "(NOK,OK)"}
                            if real.generation == "service_2019" else {})  # fmt: skip


def test_real_parameters_and_config_files_come_through_was_configured_by(real):
    read = real.read
    process, merge = read.of(real.jobs[0]), read.of(real.jobs[2])
    expected = (EXTENDED_PROCESS_PARAMETERS if real.extended else PROCESS_PARAMETERS)[real.generation]
    assert [(p.name, p.value) for p in process.parameters] == expected
    ad = TOOL_DESCRIPTION[real.generation]("ctapipe-process")
    assert {p.description for p in process.parameters} <= {f"{ad}/parameter/{name}" for name, _ in expected}
    assert {p.activity for p in process.parameters + process.config_files} <= {real.jobs[0]["activity_uuid"]}
    names = {p.name for p in process.activity_descriptions[0].parameters}
    assert {name for name, _ in expected} <= names
    if not real.extended:
        assert all(r.config_files == [] for r in read.records)
        return
    location, content_type = PROCESS_CONFIG[real.generation]
    (config,) = process.config_files
    name = location.rsplit("/", 1)[-1]
    assert (config.name, config.location, config.description) == (name, location, f"{ad}/configfile/{name}")
    (template,) = process.activity_descriptions[0].config_files
    assert (template.id, template.name, template.content_type) == (f"{ad}/configfile/{name}", name, content_type)
    assert merge.config_files == []
    if real.generation == "prototype_2019":  # parameters and config files are value entities: no entity of their own
        assert read.rest.entities == [] and not any(e.id.endswith(("_log_level", "_config")) for r in read.records
                                                    for e in r.entities)  # fmt: skip


def test_real_derivations_and_communications(real):
    read = real.read
    merge, apply = read.of(real.jobs[2]), read.of(real.jobs[3])
    if not real.extended:
        assert all(r.derivations == [] and r.communications == [] for r in read.records)
        return
    inputs = {_named(merge, u.entity) for u in merge.usages}
    (merged,) = {_named(merge, g.entity) for g in merge.generations} - {"status"}
    for record in (merge, apply):  # the merged file is generated by the one, used by the other
        assert sorted((_named(record, d.generated), _named(record, d.used)) for d in record.derivations) == sorted(
            (merged, name) for name in inputs)
    assert [(c.informed, c.informant) for c in apply.communications] == [
        (real.jobs[3]["activity_uuid"], real.jobs[2]["activity_uuid"])]


def test_real_warnings_name_what_was_not_kept_as_stored(real):
    read = real.read
    warnings = {record.id: record.warnings for record in read.records if record.warnings}
    apply = f"provdb/activity/{real.jobs[3]['activity_uuid']}"
    if real.generation == "prototype_2019":
        missing = ("link to a missing row", (
            f"activities id='{real.jobs[3]['activity_uuid']}': activityDescription points to activityDescriptions "
            "row 'ctapipe-apply-models_0.7.0', which does not exist; the link is left out"))
        orphans = [("description of no activity description", (
            f"parameters id='{real.jobs[3]['activity_uuid']}_{name}': parameterDescription "
            f"'ctapipe_apply_models_0.7.0_{name}' belongs to no activity description (its table has no "
            "activityDescription column, and the activities whose rows link it do not share one activity "
            "description that exists); the link is left out")) for name in ("input_url", "output_path", "n_jobs")]
        assert warnings == {apply: [missing, *(orphans if real.extended else [])]}
        unowned = [(f"parameterDescriptions id='ctapipe_apply_models_0.7.0_{name}': its table has no "
                    "activityDescription column, and the activities whose rows link it do not share one activity "
                    "description that exists; not read") for name in ("input_url", "n_jobs", "output_path")]
        assert read.warnings == [("row not read", message) for message in unowned] * real.extended
    elif real.generation == "service_2020":
        assert warnings == {} and read.warnings == []
    else:
        contradicted = {f"provdb/activity/{job['activity_uuid']}" for job in real.jobs} - {
            f"provdb/activity/{real.jobs[2]['activity_uuid']}"}
        assert set(warnings) == contradicted and read.warnings == []
        version = "0.7.0.post112+git4b3e1f2" if real.generation == "service_2019" else "0.8.0"
        assert warnings[apply] == [("disagrees with its description", (
            "wasGeneratedBy id=7: its role 'dl2.sub.evt' differs from the role 'reconstructor' of the "
            f"generationDescriptions row 'ctapipe-apply-models_{version}_dl2_events' it links; the link is left out"))]


def test_real_reading_twice_gives_equal_records(real_db):
    assert read_real(real_db.url) == read_real(real_db.url)


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize("extended", [False, True], ids=["as-filled", "extended"])
def test_real_postgresql_gives_the_records_of_sqlite(postgres_url, tmp_path, generation, extended):
    path = tmp_path / "reference.sqlite"
    if extended:
        engine = open_database(f"sqlite:///{path}")
        REAL.build(engine, generation, extended=True)
        engine.dispose()
    else:
        path = REAL_FOLDER / REAL.FILES[generation]
    reference = [item for item in read(path) if isinstance(item, Record)]
    engine = open_database(postgres_url)
    _drop_everything(engine)
    REAL.build(engine, generation, extended=extended)
    try:
        records = read_real(postgres_url).records
    finally:
        _drop_everything(engine)
        engine.dispose()
    assert records == [replace(record, source=display_url(postgres_url)) for record in reference]


# -- unknown columns ------------------------------------------------------------------------------------

#: table -> (column, SQL type, value) added to every row of a real generation
UNKNOWN_COLUMNS = {
    "activities": ("someCount", "INTEGER", 42),
    "entities": ("someRatio", "FLOAT", 2.5),
    "valueEntities": ("precision", "FLOAT", 0.125),
    "agents": ("someFlag", "BOOLEAN", True),
    "used": ("someTime", "TIMESTAMP", datetime(2020, 4, 3, 12, 30)),
    "wasGeneratedBy": ("some note", "VARCHAR(40)", "kept as written"),
    "wasAssociatedWith": ("someCount", "INTEGER", 7),
    "wasAttributedTo": ("someFlag", "BOOLEAN", False),
    "activityDescriptions": ("someNote", "VARCHAR(40)", "described"),
    "entityDescriptions": ("someCount", "INTEGER", 3),
}
XSD_NS = "http://www.w3.org/2001/XMLSchema#"


def _add_unknown_columns(engine: Engine) -> None:
    with engine.begin() as connection:
        for table, (column, kind, _) in UNKNOWN_COLUMNS.items():
            connection.execute(text(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {kind}'))
    metadata = MetaData()
    metadata.reflect(bind=engine, only=list(UNKNOWN_COLUMNS))
    with engine.begin() as connection:
        for table, (column, _, value) in UNKNOWN_COLUMNS.items():
            connection.execute(metadata.tables[table].update().values({column: value}))


def _fact(table: str) -> tuple[str, object]:
    column, _, value = UNKNOWN_COLUMNS[table]
    return PROVDB + column.replace(" ", "%20"), as_utc(value) if isinstance(value, datetime) else value


def test_real_unknown_columns_are_kept_as_provdb_facts(as_filled):
    _add_unknown_columns(as_filled.engine)
    read = read_real(as_filled.url)
    process = read.of(as_filled.jobs[0])
    activity = process.activities[0]
    assert dict([_fact("activities")]).items() <= activity.extra.items()
    for entity in process.entities:
        extra = dict([_fact("entities"), *([_fact("valueEntities")] if entity.kind == "value" else [])])
        assert entity.extra == extra
    assert process.agents[0].extra == dict([_fact("agents")])
    assert {tuple(u.extra.items()) for u in process.usages} == {(_fact("used"),)}
    assert {tuple(g.extra.items()) for g in process.generations} == {(_fact("wasGeneratedBy"),)}
    assert [a.extra for a in process.associations] == [dict([_fact("wasAssociatedWith")])]
    assert {tuple(a.extra.items()) for a in process.attributions} == {(_fact("wasAttributedTo"),)}
    assert [d.extra for d in process.activity_descriptions] == [dict([_fact("activityDescriptions")])]
    assert {d.extra.get(_fact("entityDescriptions")[0]) for d in process.entity_descriptions} == {3}

    quads = ENCODER.encode(process).quads
    typed = {(q.subject.value, q.predicate.value, q.object.value, q.object.datatype.value) for q in quads
             if q.predicate.value.startswith(PROVDB)}  # fmt: skip
    node = iri("activity", activity.id)
    usages = {q.object.value for q in quads if q.subject.value == node and q.predicate.value == PROV + "qualifiedUsage"}
    assert (node, PROVDB + "someCount", "42", XSD_NS + "integer") in typed
    assert (iri("entity", process.entities[0].id), PROVDB + "someRatio", "2.5", XSD_NS + "double") in typed
    assert (iri("agent", "CTAO"), PROVDB + "someFlag", "true", XSD_NS + "boolean") in typed
    assert {(usage, PROVDB + "someTime", "2020-04-03T12:30:00Z", XSD_NS + "dateTime") for usage in usages} <= typed
    described = iri("description/activity", TOOL_DESCRIPTION[as_filled.generation]("ctapipe-process"))
    assert (described, PROVDB + "someNote", "described", XSD_NS + "string") in typed
    columns = {"default", "options"} if as_filled.generation == "service_2019" else set()  # of the real rows
    assert {p for _, p, _, _ in typed} == {_fact(table)[0] for table in UNKNOWN_COLUMNS} | {PROVDB + c for c in columns}


def test_a_table_without_a_key_names_its_rows_by_their_place(tmp_path):
    path = tmp_path / "prototype.sqlite"
    engine = open_database(f"sqlite:///{path}")
    REAL.build(engine, "prototype_2019", extended=True)
    merge = REAL.jobs("prototype_2019")[2]
    generated = one(read_real(f"sqlite:///{path}").of(merge).derivations[:1]).generated
    insert(engine, "wasDerivedFrom", generatedEntity=generated, usedEntity="nothing-of-that-id")
    engine.dispose()
    record = read_real(f"sqlite:///{path}").of(merge)
    assert len(record.derivations) == 2
    assert record.warnings == [("link to a missing row", (  # the rows in the order of all their columns
        "wasDerivedFrom row 3: usedEntity points to entities row 'nothing-of-that-id', which does not exist; "
        "not read"))]


# -- encoded ----------------------------------------------------------------------------------------------


def test_real_encoded_triples(real):
    read = real.read
    job = real.jobs[0]
    record = read.of(job)
    found = triples(record)
    activity = iri("activity", job["activity_uuid"])
    ident, name, location, _ = SIMTEL[real.generation]
    simtel = iri("entity", ident)
    assert {(activity, RDF_TYPE, PROV + "Activity"), (activity, NAME, "ctapipe-process"),
            (simtel, RDF_TYPE, VOPROV + "DatasetEntity"), (simtel, NAME, name), (simtel, PROV + "atLocation", location),
            (activity, PROV + "used", simtel), (iri("agent", "CTAO"), NAME, "CTA Observatory"),
            (iri("agent", "CTAO"), RDF_TYPE, PROV + "Organization")} <= found  # fmt: skip
    usages = {o for s, p, o in found if s == activity and p == PROV + "qualifiedUsage"}
    roles = {s: o for s, p, o in found if p == PROV + "hadRole" and s in usages}
    used = {s: o for s, p, o in found if p == PROV + "entity" and s in usages}
    assert {(roles[u], used.get(u)) for u in usages} == {
        (u.role, None if u.entity is None else iri("entity", u.entity)) for u in record.usages}
    assert {o for s, p, o in found if s == activity and p == PROV + "used"} == set(used.values())
    status = iri("entity", f"{job['activity_uuid']}_status")
    stored = real.generation in ("service_2019", "service_2020_04")
    assert ((status, PROV + "value", "completed") in found) is stored
    assert ((activity, CTAO + "status", "completed") in found) is stored
    if real.generation == "service_2020":  # used(a, -, t): a qualified usage without an entity, no ProvDM class
        (blind,) = [u for u in usages if u not in used]
        assert (blind, RDF_TYPE, PROV + "Usage") in found and (blind, RDF_TYPE, VOPROV + "Used") not in found


def test_real_records_use_declared_terms(real):
    records = real.read.records
    quads = [q for record in records for q in ENCODER.encode(record).quads]
    own = {q.predicate.value for q in quads if q.predicate.value.startswith(PROVDB)}
    assert ontology_problems(quads, check_domains=True, passthrough=own) == []


# -- ingest ------------------------------------------------------------------------------------------------

#: generation -> records stored, and the kinds of the reader's own warnings
INGESTED = {
    "prototype_2019": (5, {"link to a missing row"}),
    "service_2019": (5, {"disagrees with its description"}),
    "service_2020_04": (5, {"disagrees with its description"}),
    "service_2020": (4, set()),
}
READER_KINDS = {"link to a missing row", "disagrees with its description", "description of no activity description",
                "row not read", "unknown class"}  # fmt: skip


@pytest.mark.parametrize("generation", GENERATIONS)
def test_real_sqlite_files_are_ingested_whole(generation):
    path = REAL_FOLDER / REAL.FILES[generation]
    with open_store(":memory:") as store:
        report = provrdf.ingest(store, [path])
        assert report.ok, report.rejected
        assert report.sources == [(str(path), "provdb")]
        stored, kinds = INGESTED[generation]
        assert report.stored == stored
        assert {w.kind for w in report.warnings} & READER_KINDS == kinds
        again = provrdf.ingest(store, [path])
        assert again.ok and (again.stored, again.unchanged) == (0, stored)


@pytest.mark.parametrize("generation", GENERATIONS)
@pytest.mark.parametrize("extended", [False, True], ids=["as-filled", "extended"])
def test_real_postgresql_databases_are_ingested_whole(postgres_url, generation, extended):
    engine = open_database(postgres_url)
    _drop_everything(engine)
    REAL.build(engine, generation, extended=extended)
    try:
        with open_store(":memory:") as store:
            report = provrdf.ingest(store, [postgres_url])
    finally:
        _drop_everything(engine)
        engine.dispose()
    assert report.ok, report.rejected
    assert report.sources == [(display_url(postgres_url), "provdb")]
    stored, kinds = INGESTED[generation]
    assert report.stored == stored
    if extended and generation == "prototype_2019":
        kinds = kinds | {"description of no activity description", "row not read"}
    assert {w.kind for w in report.warnings} & READER_KINDS == kinds

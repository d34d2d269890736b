"""Tests of the CTADIRAC ProvenanceDB reader, on SQLite files and on a real PostgreSQL server.

Every database is built by ``provdb_schema`` in one of the two schema
generations and filled the way the CTADIRAC ingest filled it; the
PostgreSQL server is started by the ``postgres_url`` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
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
from helpers.ontology import ontology_problems

from provrdf.capture import provdb
from provrdf.capture.provdb import (
    display_url,
    is_database_url,
    open_database,
    read,
    read_url,
    sniff,
)
from provrdf.errors import ParseError
from provrdf.ingest import Ingester
from provrdf.model import Record
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import CTAO, PROV, VOPROV
from provrdf.store import open_store
from provrdf.validate import Validator

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
        assert again.ok and again.stored == 5
        assert sorted(map(str, store.quads())) == before
        merged = Encoder(store.base).iri("entity", GUID["merged"])
        assert any(quad.subject == merged for quad in store.quads())


# -- rows that cannot be mapped ------------------------------------------------------


def _add_banana_activity(db: Database) -> None:
    """An activity that used an entity whose classType is 'banana'."""
    start = "2023-03-17T09:00:00.000"
    insert(db.engine, "activities", **row_key(db, 90001, BANANA), name="ctapipe-process", startTime=start,
           endTime="2023-03-17T09:05:00.000")  # fmt: skip
    insert(db.engine, "entities", **row_key(db, 90002, "F00D0000-0000-0000-0000-000000000001"),
           name="/vo.cta.in2p3.fr/MC/PROD5/banana.h5", classType="banana")  # fmt: skip
    insert(db.engine, "used", **{key_column(db.generation): 90003}, role="DL0/Event", time=start,
           **link(db, "activity", 90001, BANANA), **link(db, "entity", 90002, "F00D0000-0000-0000-0000-000000000001"))


def test_an_unknown_entity_class_rejects_only_its_record(database):
    clean = records_of(database.url)
    _add_banana_activity(database)
    items = list(read_url(database.url))
    errors = [item for item in items if isinstance(item, ParseError)]
    assert len(errors) == 1
    (error,) = errors
    assert error.record == items.index(error)  # its place among the activities, in key order
    key = "90002" if database.generation == NEW else "'F00D0000-0000-0000-0000-000000000001'"
    assert f"provdb/activity/{BANANA}" in error.message
    assert f"entities {key_column(database.generation)}={key}" in error.message
    assert "classType 'banana'" in error.message
    records = [item for item in items if isinstance(item, Record)]
    assert [replace(r, index=0) for r in records] == [replace(r, index=0) for r in clean]


def test_a_used_row_pointing_to_a_missing_entity_rejects_only_its_record(sqlite_database):
    db = sqlite_database
    insert(db.engine, "used", **{key_column(db.generation): 90100}, role="DL0/Event",
           **link(db, "activity", activity_key(db, PROCESS_2), PROCESS_2),
           **link(db, "entity", 424242, "NO-SUCH-GUID"))  # fmt: skip
    with open_store(":memory:") as store:
        report = Ingester(store).records(read_url(db.url), display_url(db.url), "provdb")
    assert report.stored == 4
    (rejected,) = report.rejected
    assert rejected.record == 1
    missing = "424242" if db.generation == NEW else "'NO-SUCH-GUID'"
    assert f"entity points to entities row {missing}, which does not exist" in rejected.message
    assert f"used {key_column(db.generation)}=90100" in rejected.message


def activity_key(db: Database, uuid: str):
    """The key of an activity's row (as ``provdb_schema`` numbered it)."""
    if db.generation == OLD:
        return uuid
    with db.engine.connect() as connection:
        metadata = MetaData()
        metadata.reflect(bind=connection, only=["activities"])
        activities = metadata.tables["activities"]
        return connection.execute(activities.select().where(activities.c.id == uuid)).one().internal_key


def test_rows_no_record_can_hold_are_reported_alone(sqlite_database):
    db = sqlite_database
    insert(db.engine, "parameters", **row_key(db, 90200, "lonely"), name="EventSource.max_events", value="5")
    insert(db.engine, "wasAssociatedWith", **{key_column(db.generation): 90201},
           **link(db, "activity", 777, "NO-SUCH-ACTIVITY"), **link(db, "agent", 1, "CTAO"))  # fmt: skip
    items = list(read_url(db.url))
    assert [item.id for item in items if isinstance(item, Record)] == RECORD_IDS
    messages = [item.message for item in items if isinstance(item, ParseError)]
    key = key_column(db.generation)
    lonely = "90200" if db.generation == NEW else "'lonely'"
    assert f"parameters {key}={lonely}: no activity is configured by it (wasConfiguredBy), not read" in messages
    assert any(m.startswith(f"wasAssociatedWith {key}=90201: activity points to activities row") for m in messages)
    assert all(item.record is None for item in items if isinstance(item, ParseError))


def test_old_schema_links_without_the_id_suffix(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = open_database(url)
    create_schema(engine, OLD)
    fill_ctadirac(engine, OLD)
    expected = records_of(url)
    with engine.begin() as connection:  # the earliest 2019 tables named these links bare
        connection.execute(text('ALTER TABLE "wasAssociatedWith" RENAME COLUMN "activity_id" TO "activity"'))
        connection.execute(text('ALTER TABLE "wasAssociatedWith" RENAME COLUMN "agent_id" TO "agent"'))
    engine.dispose()
    assert records_of(url) == expected


# -- schemas that are not a ProvenanceDB ------------------------------------------------


def test_a_sqlite_file_is_sniffed_and_read_by_path(tmp_path):
    path = tmp_path / "prov.sqlite"
    engine = open_database(f"sqlite:///{path}")
    create_schema(engine, NEW)
    fill_ctadirac(engine, NEW)
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


def test_an_unknown_schema_says_what_was_expected(tmp_path):
    url = f"sqlite:///{tmp_path / 'odd.sqlite'}"
    engine = open_database(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE activities (uid INTEGER PRIMARY KEY, id VARCHAR, name VARCHAR)"))
        for table in provdb.REQUIRED_TABLES[1:]:
            connection.execute(text(f'CREATE TABLE "{table}" (uid INTEGER PRIMARY KEY)'))
    engine.dispose()
    (error,) = list(read_url(url))
    assert "unknown ProvenanceDB schema" in error.message
    assert "internal_key" in error.message and "string primary key id" in error.message


def test_a_missing_link_column_is_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'partial.sqlite'}"
    engine = open_database(url)
    create_schema(engine, NEW)
    with engine.begin() as connection:
        connection.execute(text('ALTER TABLE "used" RENAME COLUMN "activity_key" TO "run_key"'))
    engine.dispose()
    (error,) = list(read_url(url))
    assert error.message == "the table used lacks the column activity_key (mid-2020 and later schema (internal_key))"


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

"""PROV-VOTable export: one table per ProvDM class, its FIELDs, its rows, read back with astropy."""

from __future__ import annotations

import io
import warnings

import pytest
from astropy.io.votable import parse
from helpers import CHAIN, DATA

from provrdf import model as m
from provrdf.api import export, ingest, lineage
from provrdf.errors import FormatError
from provrdf.store.base import ingest_log_graph
from provrdf.serializers import serialize, writer_options
from provrdf.identifiers import mint
from provrdf.rdf.encode import Encoder

CHAIN_TABLES = {"Activity", "Entity", "Agent", "Used", "WasGeneratedBy", "WasAssociatedWith", "WasAttributedTo",
                "WasConfiguredBy", "Parameter", "ActivityDescription"}
#: (source files, definition) of real captures, each ingested into a store of its own
FIXTURES = {
    "ctapipe": ([DATA / "ctapipe" / "v0.22_2025.provenance.log"], None),
    "gammapy": ([DATA / "gammapy" / "crab_analysis_logprov.log"], DATA / "definitions" / "logprov_definition.yaml"),
    "opus": ([DATA / "w3c" / "opus_job.json"], None),
    "voprov": ([DATA / "w3c" / "voprov_legacy.json"], None),
    "plain": ([DATA / "w3c" / "plain.json"], None),
}
RUN518 = "gamma_20deg_0deg_run518___cta-prod6-lapalma-2147m-LaPalma-dark"
DL0 = f"/fefs/aswg/data/mc/DL0/20250320/gamma/sim_telarray/{RUN518}.simtel.zst"
DL1 = f"/fefs/aswg/data/mc/DL1/20250320/gamma/{RUN518}.dl1.h5"
OBS = "https://archive.example.org/ns/obs#"
PLAIN = "https://archive.example.org/prov/"


def read(data: bytes) -> dict:
    """The tables of a VOTable by name; any astropy warning fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        votable = parse(io.BytesIO(data), verify="exception")
    assert votable.version == "1.4"
    return {table.name: table for table in votable.iter_tables()}


def votable_of(store, **options) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = export(store, "votable", **options)
    return read(data)


def rows(table) -> list[dict]:
    """The rows as dicts by FIELD name; an empty or null cell is None."""
    names = [field.name for field in table.fields]
    return [
        {name: None if masked or value == "" else value for name, value, masked in zip(names, record, mask)}
        for record, mask in zip(table.array.data, table.array.mask)
    ]


def fields(table) -> dict:
    return {field.name: field for field in table.fields}


def column(table, name: str) -> list:
    return [row[name] for row in rows(table)]


def ingested(memory_store, name: str):
    sources, definition = FIXTURES[name]
    report = ingest(memory_store, sources, definition=definition)
    assert report.stored and not report.rejected
    return memory_store


def iri(store, kind: str, local: str) -> str:
    return mint(store.base, kind, local)


# --- tables and FIELDs ----------------------------------------------------------------


def test_chain_has_one_table_per_class_present(chain_store):
    tables = votable_of(chain_store)
    assert set(tables) == CHAIN_TABLES
    for name, table in tables.items():
        assert table.utype == f"voprov:{name}"
        assert table.ID == name
    for absent in ("WasDerivedFrom", "WasInformedBy", "HadMember", "ConfigFile", "UsageDescription"):
        assert absent not in tables


@pytest.mark.parametrize(("table", "name", "utype", "ucd", "datatype", "xtype"), [
    ("Activity", "id", "voprov:Activity.id", "meta.id;meta.main", "char", None),
    ("Activity", "name", "voprov:Activity.name", "meta.title", "char", None),
    ("Activity", "startTime", "voprov:Activity.startTime", "time.start", "char", "timestamp"),
    ("Activity", "endTime", "voprov:Activity.endTime", "time.end", "char", "timestamp"),
    ("Activity", "comment", "voprov:Activity.comment", "meta.note", "char", None),
    ("Activity", "activityDescription", "voprov:Activity.activityDescription", "meta.id.cross", "char", None),
    ("Entity", "location", "voprov:Entity.location", "meta.ref.url", "char", None),
    ("Entity", "generatedAtTime", "voprov:Entity.generatedAtTime", "time.creation", "char", "timestamp"),
    ("Entity", "value", "voprov:ValueEntity.value", "stat.value", "char", None),
    ("Agent", "type", "voprov:Agent.type", "meta.code.class", "char", None),
    ("Used", "activity", "voprov:Used.activity", "meta.id.cross", "char", None),
    ("Used", "entity", "voprov:Used.entity", "meta.id.cross", "char", None),
    ("Used", "role", "voprov:Used.role", "meta.code", "char", None),
    ("Used", "time", "voprov:Used.time", "time.epoch", "char", "timestamp"),
    ("WasGeneratedBy", "entity", "voprov:WasGeneratedBy.entity", "meta.id.cross", "char", None),
    ("WasGeneratedBy", "activity", "voprov:WasGeneratedBy.activity", "meta.id.cross", "char", None),
    ("WasAssociatedWith", "agent", "voprov:WasAssociatedWith.agent", "meta.id.cross", "char", None),
    ("WasConfiguredBy", "artefactType", "voprov:WasConfiguredBy.artefactType", "meta.code.class", "char", None),
    ("Parameter", "value", "voprov:Parameter.value", "stat.value", "char", None),
    ("ActivityDescription", "version", "voprov:ActivityDescription.version", "meta.version", "char", None),
])  # fmt: skip
def test_fields_carry_utype_ucd_and_datatype(chain_store, table, name, utype, ucd, datatype, xtype):
    field = fields(votable_of(chain_store)[table])[name]
    assert (field.utype, field.ucd, field.datatype, field.xtype) == (utype, ucd, datatype, xtype)
    assert field.arraysize == "*"


def test_every_table_starts_with_its_primary_id(chain_store):
    for name, table in votable_of(chain_store).items():
        first = table.fields[0]
        assert (first.name, first.ucd, first.utype) == ("id", "meta.id;meta.main", f"voprov:{name}.id")


def test_attributes_outside_provdm_are_extra_columns_without_utype(chain_store):
    activity = fields(votable_of(chain_store)["Activity"])
    assert activity["ctao:exitCode"].datatype == "long"
    assert activity["ctao:exitCode"].utype is None
    assert "https://w3id.org/provrdf/ctao#status" in str(activity["ctao:status"].description)
    entity = fields(votable_of(chain_store)["Entity"])
    assert entity["classType"].utype is None and entity["classType"].ucd == "meta.code.class"


# --- rows of the chain ------------------------------------------------------------------


def test_activity_rows_are_the_chain(chain_store):
    table = votable_of(chain_store)["Activity"]
    by_id = {row["id"]: row for row in rows(table)}
    assert set(by_id) == {iri(chain_store, "activity", uuid) for uuid, *_ in CHAIN}
    for step, (uuid, tool, *_) in enumerate(CHAIN):
        row = by_id[iri(chain_store, "activity", uuid)]
        assert row["name"] == tool
        assert row["startTime"] == f"2025-03-27T{step:02d}:02:11.482Z"
        assert row["endTime"] == f"2025-03-27T{step + 1:02d}:02:11.482Z"
        assert row["activityDescription"] == iri(chain_store, "description/activity", f"{tool}/0.24.0")
        assert (row["ctao:exitCode"], row["ctao:status"]) == (0, "completed")
    descriptions = {row["id"]: row for row in rows(votable_of(chain_store)["ActivityDescription"])}
    assert {(d["name"], d["version"]) for d in descriptions.values()} == {
        ("ctapipe-process", "0.24.0"), ("ctapipe-apply-models", "0.24.0")}


def test_used_and_generated_link_the_right_ids_and_roles(chain_store):
    tables = votable_of(chain_store)
    used = {(r["activity"], r["entity"], r["role"]) for r in rows(tables["Used"])}
    generated = {(r["entity"], r["activity"], r["role"]) for r in rows(tables["WasGeneratedBy"])}
    expected_used, expected_generated = set(), set()
    for step, (uuid, _, source, target) in enumerate(CHAIN):
        activity = iri(chain_store, "activity", uuid)
        expected_used.add((activity, iri(chain_store, "entity", f"path:{source}"), "DL1/Event" if step else "DL0/Event"))
        expected_generated.add((iri(chain_store, "entity", f"path:{target}"), activity,
                                "DL2/Event" if step else "DL1/Event"))
    assert used == expected_used
    assert generated == expected_generated
    assert all(r["id"].startswith(chain_store.base + "usage/") for r in rows(tables["Used"]))


def test_entities_agents_and_configuration_of_the_chain(chain_store):
    tables = votable_of(chain_store)
    entities = {row["location"]: row for row in rows(tables["Entity"])}
    assert set(entities) == {path for *_, source, target in CHAIN for path in (source, target)}
    assert {row["classType"] for row in entities.values()} == {"DatasetEntity"}
    assert entities[CHAIN[0][3]]["name"] == "gamma_run1.dl1.h5"
    assert [(r["id"], r["name"], r["type"]) for r in rows(tables["Agent"])] == [
        (iri(chain_store, "agent", "CTAO"), "CTAO", "Organization")]
    roles = {(r["activity"], r["agent"], r["role"]) for r in rows(tables["WasAssociatedWith"])}
    assert roles == {(iri(chain_store, "activity", uuid), iri(chain_store, "agent", "CTAO"), "Provider")
                     for uuid, *_ in CHAIN}
    values = {r["id"]: r["value"] for r in rows(tables["Parameter"])}
    configured = {(r["activity"], values[r["artefact"]]) for r in rows(tables["WasConfiguredBy"])}
    assert configured == {(iri(chain_store, "activity", uuid), str(100 * (step + 1)))
                          for step, (uuid, *_) in enumerate(CHAIN)}
    assert set(column(tables["WasConfiguredBy"], "artefactType")) == {"Parameter"}


def test_lineage_result_exports_the_walk_only(chain_store):
    result = lineage(chain_store, CHAIN[2][3], depth=2)
    tables = votable_of(chain_store, result=result)
    assert column(tables["Activity"], "id") == [iri(chain_store, "activity", CHAIN[2][0])]
    final, dl2 = (iri(chain_store, "entity", f"path:{path}") for path in (CHAIN[2][3], CHAIN[2][2]))
    assert set(column(tables["Entity"], "id")) == {final, dl2}
    assert [(r["activity"], r["entity"], r["role"]) for r in rows(tables["Used"])] == [
        (iri(chain_store, "activity", CHAIN[2][0]), dl2, "DL1/Event")]
    assert [(r["entity"], r["role"]) for r in rows(tables["WasGeneratedBy"])] == [(final, "DL2/Event")]


def test_an_empty_store_gives_a_document_without_tables(memory_store):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        votable = parse(io.BytesIO(export(memory_store, "votable")), verify="exception")
    assert list(votable.iter_tables()) == []
    resource = votable.resources[0]
    assert (resource.type, resource.utype) == ("results", "voprov:ProvenanceDocument")
    assert {info.name: info.value for info in resource.infos}["base"] == memory_store.base


def test_the_writer_takes_no_options(chain_store):
    assert writer_options("votable") == frozenset()
    with pytest.raises(FormatError, match="takes no option"):
        serialize([], "prov-votable", base=chain_store.base, indent=2)


def test_text_outside_ascii_is_unicode_char(memory_store):
    record = m.Record(id="r1", entities=[
        m.Entity(id="e1", kind="dataset", name="données_σ.fits", location="/data/e1.fits", comment="bell\x07 rung")])
    memory_store.replace(Encoder(memory_store.base).encode(record).graphs)
    table = votable_of(memory_store)["Entity"]
    assert fields(table)["name"].datatype == "unicodeChar"
    assert fields(table)["location"].datatype == "char"
    assert rows(table)[0]["name"] == "données_σ.fits"
    assert rows(table)[0]["comment"] == "bell\ufffd rung"  # XML cannot carry the control character


def test_extra_columns_get_distinct_xml_ids(memory_store):
    record = m.Record(id="r1", activities=[
        m.Activity(id="a1", name="calib", extra={"https://example.org/ns#n": 1, "https://example.org/ns/n": 2})])
    memory_store.replace(Encoder(memory_store.base).encode(record).graphs)
    table = votable_of(memory_store)["Activity"]
    extras = [f for f in table.fields if f.name.startswith("https://example.org/")]
    assert len({f.ID for f in extras}) == 2
    assert {f.name: rows(table)[0][f.name] for f in extras} == {
        "https://example.org/ns#n": 1, "https://example.org/ns/n": 2}


# --- real captures ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_references_name_rows_of_the_referenced_table(memory_store, name):
    tables = votable_of(ingested(memory_store, name))
    ids = {table_name: set(column(table, "id")) for table_name, table in tables.items() if table_name != "HadMember"}
    checked = 0
    for table in tables.values():
        for field in table.fields:
            text = str(field.description or "")
            if field.ucd != "meta.id.cross" or not text.startswith("IRI of a row of "):
                continue
            targets = text.removeprefix("IRI of a row of ").split(" or ")
            known = set().union(*(ids.get(target, set()) for target in targets))
            for value in filter(None, column(table, field.name)):
                assert value in known, f"{table.name}.{field.name} = {value} is no row of {targets}"
                checked += 1
    assert checked


def test_ctapipe_log(memory_store):
    store = ingested(memory_store, "ctapipe")
    tables = votable_of(store)
    assert {"ConfigFile", "WasConfiguredBy", "Parameter"} <= set(tables)
    assert "WasDerivedFrom" not in tables and "HadMember" not in tables
    activity = iri(store, "activity", "9ed38975-366a-43d3-80f7-1a58ed9c81f7")
    row = next(r for r in rows(tables["Activity"]) if r["id"] == activity)
    assert (row["name"], row["startTime"], row["endTime"]) == (
        "ctapipe-process", "2025-03-27T14:02:11.482Z", "2025-03-27T14:05:48.12Z")
    locations = {r["id"]: r["location"] for r in rows(tables["Entity"])}
    used = [(locations[r["entity"]], r["role"]) for r in rows(tables["Used"]) if r["activity"] == activity]
    assert used == [(DL0, "DL0/Event")]
    generated = [(locations[r["entity"]], r["role"]) for r in rows(tables["WasGeneratedBy"]) if r["activity"] == activity]
    assert generated == [(DL1, "DL1/Event")]
    config_files = {r["id"]: r["location"] for r in rows(tables["ConfigFile"])}
    configured = [config_files[r["artefact"]] for r in rows(tables["WasConfiguredBy"])
                  if r["activity"] == activity and r["artefactType"] == "ConfigFile"]
    assert configured == ["/fefs/aswg/workspace/ialbrecht/configs/process_dl1.yaml"]
    agents = {r["name"]: r["type"] for r in rows(tables["Agent"])}
    assert agents["ctapipe 0.22.0"] == "SoftwareAgent" and agents["CTAO"] == "Organization"


def test_gammapy_log_with_its_descriptions(memory_store):
    store = ingested(memory_store, "gammapy")
    tables = votable_of(store)
    assert {"UsageDescription", "GenerationDescription", "EntityDescription", "ParameterDescription",
            "WasDerivedFrom", "HadMember"} <= set(tables)
    descriptions = {r["id"]: r for r in rows(tables["ActivityDescription"])}
    assert {(r["name"], r["type"]) for r in descriptions.values()} == {
        ("get_observations", "Selection"), ("get_datasets", "Reduction"), ("run_fit", "Analysis")}
    usages = {(descriptions[r["activityDescription"]]["name"], r["role"]) for r in rows(tables["UsageDescription"])}
    assert usages == {("get_observations", "datastore"), ("get_datasets", "observations"), ("run_fit", "datasets")}
    kinds = {r["name"]: (r["classType"], r["contentType"], r["valueType"]) for r in rows(tables["EntityDescription"])}
    assert kinds["Observation"] == ("DatasetDescription", "application/fits", None)
    assert kinds["FitResult"] == ("ValueDescription", None, "double")
    assert fields(tables["EntityDescription"])["contentType"].utype == "voprov:DatasetDescription.contentType"
    options = {r["name"]: r["options"] for r in rows(tables["ParameterDescription"])}
    assert options["type"] == "1d,3d"
    members = {r["entity"] for r in rows(tables["HadMember"])}
    assert members == {iri(store, "entity", "gamma-events:23523"), iri(store, "entity", "gamma-events:23526")}
    assert fields(tables["HadMember"])["entity"].utype == "voprov:HadMember.entity"


def test_plain_prov_relations_beyond_provdm(memory_store):
    tables = votable_of(ingested(memory_store, "plain"))
    assert {"WasInvalidatedBy", "WasStartedBy", "WasEndedBy", "ActedOnBehalfOf", "WasInfluencedBy"} <= set(tables)
    assert {"Parameter", "ActivityDescription"}.isdisjoint(tables)
    ended = rows(tables["WasEndedBy"])[0]
    assert (ended["activity"], ended["trigger"], ended["time"]) == (
        PLAIN + "act/night-2024-05-14", PLAIN + "alarm/dome-closed", "2024-05-14T05:40:00Z")
    assert ended[OBS + "reason"] == "dawn"
    delegation = rows(tables["ActedOnBehalfOf"])[0]
    assert (delegation["delegate"], delegation["responsible"], delegation["rdf:type"]) == (
        PLAIN + "agent/calpipe", PLAIN + "agent/jdoe", OBS + "Supervision")
    derived = {(r["generatedEntity"], r["usedEntity"]): r["rdf:type"] for r in rows(tables["WasDerivedFrom"])}
    assert derived[(PLAIN + "calib/run0042-v2", PLAIN + "calib/run0042")] == "http://www.w3.org/ns/prov#Revision"
    assert len(derived) == 4  # a revision is one row, not one per shortcut


def test_extra_columns_keep_their_datatype(memory_store):
    table = votable_of(ingested(memory_store, "plain"))["Entity"]
    extras = fields(table)
    assert (extras[OBS + "exposure"].datatype, extras[OBS + "zenith"].datatype) == ("long", "double")
    assert extras[OBS + "calibrated"].datatype == "boolean"
    assert extras[OBS + "observedAt"].xtype == "timestamp"
    raw = next(r for r in rows(table) if r["id"] == PLAIN + "raw/run0042")
    assert (raw[OBS + "exposure"], raw[OBS + "zenith"], raw[OBS + "calibrated"]) == (1800, 23.5, False)
    preview = next(r for r in rows(table) if r["id"] == PLAIN + "calib/run0042-preview")
    assert preview["prov:alternateOf"] == PLAIN + "calib/run0042"


def test_a_shortcut_without_qualified_node_is_a_row_without_id(memory_store):
    store = ingested(memory_store, "plain")
    tables = votable_of(store, graph=ingest_log_graph(store).value)  # the log's prov:generated has no qualified node
    runs = [r for r in rows(tables["Activity"]) if r["rdf:type"] == "https://w3id.org/provrdf/ns#IngestRun"]
    assert len(runs) == 1
    generated = [r for r in rows(tables["WasGeneratedBy"]) if r["activity"] == runs[0]["id"]]
    assert [r["id"] for r in generated] == [None]
    assert "/bundle/" in generated[0]["entity"]


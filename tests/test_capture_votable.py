"""PROV-VOTable in: provrdf's own layout read back, and the ProvDM drafts' prefixed form.

The round trips ingest real captures (the demo ctapipe chain, a gammapy
analysis, the three draft-form fixtures of ``tests/data/votable``), export
the store as PROV-VOTable, ingest that document into a second store and
compare the statements of both stores (the ingest logs left out). What the
export itself cannot carry (see README "PROV-VOTable layout": the facts of
``ctao:System`` nodes, which have no table; the several values of one
property on one node, written comma-joined into one cell; the non-XSD
datatype of a literal, ``rdf:JSON``) is worked out from the first store and
must be exactly what is missing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import pytest
from helpers import DATA, DEMO, one, utc
from helpers.ontology import ontology_problems
from pyoxigraph import Literal, NamedNode

from provrdf import model as m
from provrdf.api import export, ingest, query
from provrdf.capture import detect, votable
from provrdf.errors import ParseError, ReadWarning
from provrdf.identifiers import external
from provrdf.ingest_log import ingest_log_graph
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import CTAO, PROVRDF, RDF, VOPROV, XSD
from provrdf.store import open_store
from provrdf.store.base import INTERNAL_GRAPHS

FIXTURES = DATA / "votable"
DRAFT = FIXTURES / "provdm_draft_example.vot"
WD = FIXTURES / "provdm_wd20170921_example.vot"
PR = FIXTURES / "provdm_pr20181015_example.vot"
DRAFTS = [DRAFT, WD, PR]
#: Real captures for the round trip of provrdf's own layout.
CAPTURES = [*sorted(DEMO.glob("*.provenance.log")), DATA / "gammapy" / "crab_analysis_2020.log"]

PROCESS, APPLY = "4b1d6e92-0c3a-4f7e-9a25-83d1c6e0b7f4", "e9c20a57-6d41-4b8f-b3e6-2f5a7d9c1e08"
LFN = "/vo.cta.in2p3.fr/MC/PROD5/LaPalma"
RUN = "gamma_20deg_0deg_run4211___cta-prod5-lapalma_4LSTs_MAGIC_desert-2158m-LaPalma-dark"
SIMTEL = f"{LFN}/gamma/sim_telarray/2301/Data/004xxx/{RUN}.simtel.zst"
DL1 = f"{LFN}/gamma/ctapipe-process/2302/Data/004xxx/{RUN}.dl1.h5"
DL2 = f"{LFN}/gamma/ctapipe-apply-models/2303/Data/004xxx/{RUN}.dl2.h5"
MODEL = f"{LFN}/models/2300/energy_regressor.pkl"
TYPE = RDF + "type"


# -- helpers ------------------------------------------------------------------------------------


def read_all(path: Path) -> tuple[list[m.Record], list[ParseError], list[ReadWarning]]:
    items = list(votable.read(path))
    return ([i for i in items if isinstance(i, m.Record)], [i for i in items if isinstance(i, ParseError)],
            [i for i in items if isinstance(i, ReadWarning)])  # fmt: skip


def the_record(path: Path) -> m.Record:
    records, errors, _ = read_all(path)
    assert not errors, errors
    assert len(records) == 1
    return records[0]


def scoped(record: m.Record, value: str) -> str:
    """The local id of a draft's plain id: under the record."""
    return f"{record.id}/{value}"


def statements(store) -> set[tuple]:
    """Every statement of the store, the ingest log and the bookkeeping graphs left out."""
    skip = INTERNAL_GRAPHS | {ingest_log_graph(store)}
    return {(q.subject, q.predicate, q.object) for q in store.quads() if q.graph_name not in skip}


def round_trip(sources: list[Path], folder: Path) -> tuple[set[tuple], set[tuple], object, Path]:
    """Statements of a store of ``sources`` and of a store of its PROV-VOTable export, the second report."""
    with open_store(":memory:") as first:
        report = ingest(first, sources)
        assert report.ok and report.stored, report.rejected
        document = folder / "export.vot"
        document.write_bytes(export(first, "votable"))
        before = statements(first)
    with open_store(":memory:") as second:
        back = ingest(second, [document])
        after = statements(second)
    return before, after, back, document


def votable_text(tables: str, resource: str = 'type="results" utype="voprov:ProvenanceDocument"') -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">\n'
            f" <RESOURCE {resource}>\n{tables}\n </RESOURCE>\n</VOTABLE>\n")  # fmt: skip


def table(name: str, fields: list[str], rows: list[list[str | None]], utype: str | None = None) -> str:
    """A TABLE; a field is ``name``, ``name|attributes`` or ``name|attributes|description``; None is an empty cell."""
    written = []
    for spec in fields:
        field_name, attributes, description = (spec.split("|") + ["", ""])[:3]
        attributes = attributes or 'datatype="char" arraysize="*"'
        inner = f"<DESCRIPTION>{description}</DESCRIPTION></FIELD>" if description else "/>"
        written.append(f'  <FIELD name="{field_name}" {attributes}' + (">" + inner if description else inner))
    cells = "\n".join("   <TR>" + "".join("<TD/>" if c is None else f"<TD>{c}</TD>" for c in row) + "</TR>"
                      for row in rows)  # fmt: skip
    head = f'<TABLE name="{name}"' + (f' utype="{utype}"' if utype else "") + ">"
    return f" {head}\n" + "\n".join(written) + f"\n  <DATA><TABLEDATA>\n{cells}\n  </TABLEDATA></DATA>\n </TABLE>"


def write(folder: Path, text: str, name: str = "doc.vot") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- recognising PROV-VOTable --------------------------------------------------------------------


@pytest.mark.parametrize("path", DRAFTS, ids=lambda p: p.name)
def test_each_draft_fixture_is_recognised_from_its_content(path):
    assert votable.sniff(path.read_text(encoding="utf-8")[:65536])
    assert detect(path).name == "votable"


def test_provrdfs_own_export_is_recognised(chain_store, tmp_path):
    path = tmp_path / "chain.dat"
    path.write_bytes(export(chain_store, "votable"))
    assert detect(path).name == "votable"


@pytest.mark.parametrize("head", [
    # a VOTable of no provenance
    ('<?xml version="1.0"?><VOTABLE version="1.4" xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE>'
     '<TABLE name="stars"><FIELD name="ra" datatype="double" ucd="pos.eq.ra"/>'),
    # ProvDM table names, but no VOTable namespace
    '<VOTABLE><RESOURCE><TABLE name="Activity"><FIELD name="a_id" datatype="char"/>',
    # PROV-XML
    '<?xml version="1.0"?><prov:document xmlns:prov="http://www.w3.org/ns/prov#"><prov:activity/>',
    # a log line that mentions a VOTable
    'INFO writing <VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3"> with utype="voprov:Activity"',
    "",
])  # fmt: skip
def test_sniff_refuses_what_is_no_provenance_votable(head):
    assert not votable.sniff(head)


def test_a_table_named_by_a_provdm_class_is_enough():
    head = ('<!-- made by hand --><VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.2"><RESOURCE>'
            '<TABLE name="WasGeneratedBy"><FIELD name="wgb_entity_id" datatype="char" arraysize="*"/>')  # fmt: skip
    assert votable.sniff(head)


# -- the drafts' prefixed form --------------------------------------------------------------------


def test_the_revised_draft_is_read_table_by_table():
    record = the_record(DRAFT)
    assert record.id == "votable/" + hashlib.sha256(DRAFT.read_bytes()).hexdigest()[:16]
    ids = {name: scoped(record, name) for name in (PROCESS, APPLY, SIMTEL, DL1, DL2, MODEL, "CTAO", "jdupont")}

    process = one(record.activities, id=ids[PROCESS])
    assert (process.name, process.start, process.end) == (
        "ctapipe-process", utc("2023-06-12T08:14:02.511"), utc("2023-06-12T08:39:47.106"))
    assert process.start.tzinfo == timezone.utc
    assert process.comment == "R0/DL0 to DL1 of run 4211, DIRAC job 58011342"  # a_annotation
    assert process.description == scoped(record, "ctapipe-process_0.19.3")
    assert one(record.activities, id=ids[APPLY]).end == utc("2023-06-13T21:08:12.377")

    dl1 = one(record.entities, id=ids[DL1])
    assert (dl1.kind, dl1.name, dl1.comment, dl1.description) == (
        "entity", f"{RUN}.dl1.h5", "DL1 images and parameters of run 4211", scoped(record, "dl1_events"))
    assert {(d.generated, d.used) for d in record.derivations} == {(ids[DL1], ids[SIMTEL]), (ids[DL2], ids[DL1])}
    assert [(c.informed, c.informant) for c in record.communications] == [(ids[APPLY], ids[PROCESS])]

    ctao, person = one(record.agents, id=ids["CTAO"]), one(record.agents, id=ids["jdupont"])
    assert (ctao.name, ctao.type, ctao.email) == ("CTA Observatory", "Organization", "dpps-support@cta-observatory.org")
    assert ctao.address == "Saupfercheckweg 1, 69117 Heidelberg, Germany"
    assert (person.name, person.type) == ("Jeanne Dupont", "Person")  # ag_type Individual

    assert {(u.activity, u.entity, u.role, u.time) for u in record.usages} == {
        (ids[PROCESS], ids[SIMTEL], "DL0/Event", utc("2023-06-12T08:14:03.020")),
        (ids[APPLY], ids[DL1], "DL1/Event", utc("2023-06-13T21:05:46.114")),
        (ids[APPLY], ids[MODEL], "reconstructor", utc("2023-06-13T21:05:45.502")),
    }
    assert {(g.entity, g.activity, g.role, g.time) for g in record.generations} == {
        (ids[DL1], ids[PROCESS], "DL1/Event", utc("2023-06-12T08:39:46.872")),
        (ids[DL2], ids[APPLY], "DL2/Event", utc("2023-06-13T21:08:12.019")),
    }
    assert {(a.activity, a.agent, a.role) for a in record.associations} == {
        (ids[PROCESS], ids["CTAO"], "provider"), (ids[APPLY], ids["CTAO"], "provider"),
        (ids[APPLY], ids["jdupont"], "operator")}  # fmt: skip
    assert {(a.entity, a.agent, a.role) for a in record.attributions} == {
        (ids[SIMTEL], ids["CTAO"], "provider"), (ids[DL1], ids["CTAO"], "publisher"),
        (ids[MODEL], ids["jdupont"], "creator"), (ids[DL2], ids["CTAO"], "publisher")}  # fmt: skip

    parameters = {(p.activity, p.name, p.value, p.id) for p in record.parameters}
    assert parameters == {
        (ids[PROCESS], "DataWriter.write_images", "true", scoped(record, f"{PROCESS}:DataWriter.write_images")),
        (ids[APPLY], "ApplyModels.n_jobs", "8", scoped(record, f"{APPLY}:ApplyModels.n_jobs")),
    }


def test_the_drafts_descriptions_are_read_with_their_parts():
    record = the_record(DRAFT)
    apply = one(record.activity_descriptions, name="ctapipe-apply-models")
    assert (apply.type, apply.subtype, apply.description, apply.docurl) == (
        "reconstruction", "DL1 to DL2", "Apply trained models to the events of a DL1 file",
        "https://ctapipe.readthedocs.io/en/v0.19.3/user-guide/tools.html")
    # UsedDescription and WasGeneratedByDescription rows have no id: <description>/usage/<role>
    assert {(u.id, u.role, u.entity_description) for u in apply.usages} == {
        (f"{apply.id}/usage/DL1/Event", "DL1/Event", scoped(record, "dl1_events")),
        (f"{apply.id}/usage/reconstructor", "reconstructor", scoped(record, "model"))}  # fmt: skip
    assert [(g.role, g.entity_description) for g in apply.generations] == [("DL2/Event", scoped(record, "dl2_events"))]
    # ad_param owns the parameter description; pd_datatype is its valueType
    n_jobs = one(apply.parameters, name="ApplyModels.n_jobs")
    assert (n_jobs.value_type, n_jobs.ucd, n_jobs.min, n_jobs.description) == (
        "int", "meta.number", "1", "Number of threads used by the models")
    write_images = one(one(record.activity_descriptions, name="ctapipe-process").parameters)
    assert (write_images.value_type, write_images.options) == ("boolean", ["true", "false"])  # "true false"
    model = one(record.entity_descriptions, id=scoped(record, "model"))
    assert (model.name, model.description, model.docurl) == ("reconstruction model", "pickled ctapipe Reconstructor",
                                                             None)  # fmt: skip


def test_draft_columns_with_no_home_are_named_in_warnings():
    _, _, warnings = read_all(DRAFT)
    assert {(w.kind, w.message) for w in warnings} == {
        ("unread column", (f"table {table}: column {column} (utype voprov:{table}.{attribute}) is no attribute of "
                           f"{table} and names no property: its {count} value(s) are not read"))
        for table, column, attribute, count in (("Entity", "e_type", "type", 0), ("Entity", "e_rights", "rights", 4),
                                                ("EntityDescription", "ed_category", "category", 4),
                                                ("Activity", "a_votype", "votype", 2))
    }  # fmt: skip
    assert all(w.record == 0 and w.source == str(DRAFT) for w in warnings)


def _without_record_id(record: m.Record) -> str:
    """The record as text, its own id and the record scope of its local ids left out."""
    return repr(dataclasses.replace(record, id="", source="")).replace(record.id + "/", "votable/*/")


def test_the_published_draft_reads_as_the_revised_one():
    """a_stopTime, the other column order of EntityDescription and the misprinted utypes change nothing."""
    assert _without_record_id(the_record(WD)) == _without_record_id(the_record(DRAFT))


def test_the_pr_examples_form_is_read():
    record, (_, _, warnings) = the_record(PR), read_all(PR)
    ids = {name: scoped(record, name) for name in (PROCESS, APPLY, SIMTEL, DL1, DL2, MODEL)}
    assert {(a.id, a.name, a.start, a.end, a.description) for a in record.activities} == {
        (ids[PROCESS], "ctapipe-process", utc("2023-06-12T08:14:02.511"), utc("2023-06-12T08:39:47.106"),
         scoped(record, "ctapipe-process_0.19.3")),
        (ids[APPLY], "ctapipe-apply-models", utc("2023-06-13T21:05:44.930"), utc("2023-06-13T21:08:12.377"),
         scoped(record, "ctapipe-apply-models_0.19.3")),
    }  # fmt: skip
    assert {(u.activity, u.entity, u.role) for u in record.usages} == {
        (ids[PROCESS], ids[SIMTEL], None), (ids[APPLY], ids[DL1], None), (ids[APPLY], ids[MODEL], None)}
    assert {(g.entity, g.activity) for g in record.generations} == {(ids[DL1], ids[PROCESS]), (ids[DL2], ids[APPLY])}
    assert {e.comment for e in record.entities} == {
        "simulated gamma-ray showers, run 4211", "DL1 images and parameters of run 4211",
        "ExtraTreesRegressor trained on gamma-diffuse DL2 events", "DL2 events of run 4211 with reconstructed energy"}
    assert {(d.name, d.docurl) for d in record.activity_descriptions} == {
        ("ctapipe-process", "https://ctapipe.readthedocs.io/en/v0.19.3/user-guide/tools.html"),
        ("ctapipe-apply-models", "https://ctapipe.readthedocs.io/en/v0.19.3/user-guide/tools.html")}
    assert sorted(w.message.split(" (")[0] for w in warnings) == [
        "table ActivityDescription: column ad_group", "table Entity: column e_type"]


@pytest.mark.parametrize("path", DRAFTS, ids=lambda p: p.name)
def test_each_draft_fixture_is_stored(memory_store, path):
    report = ingest(memory_store, [path])
    assert report.ok and report.stored == 1, report.rejected
    rows = query(memory_store, """
        SELECT ?name ?start ?entity ?role WHERE {
          ?a a prov:Activity ; voprov:name ?name ; prov:startedAtTime ?start ; prov:qualifiedUsage ?u .
          ?u prov:entity ?entity . OPTIONAL { ?u prov:hadRole ?role }
          FILTER NOT EXISTS { ?a rdfs:label ?label }
        }""")
    found = {(r["name"].value, r["start"].value, r["entity"].value.rsplit("/", 1)[-1],
              r["role"].value if r["role"] else None) for r in rows}  # fmt: skip
    roles = ("DL0/Event", "DL1/Event", "reconstructor") if path != PR else (None, None, None)
    assert found == {("ctapipe-process", "2023-06-12T08:14:02.511Z", f"{RUN}.simtel.zst", roles[0]),
                     ("ctapipe-apply-models", "2023-06-13T21:05:44.93Z", f"{RUN}.dl1.h5", roles[1]),
                     ("ctapipe-apply-models", "2023-06-13T21:05:44.93Z", "energy_regressor.pkl", roles[2])}


@pytest.mark.parametrize("path", DRAFTS, ids=lambda p: p.name)
def test_what_is_read_from_the_drafts_uses_declared_terms(path):
    assert ontology_problems(Encoder().encode(the_record(path)).quads, check_domains=True) == []


def test_the_drafts_member_and_step_columns_become_relations_and_odd_values_are_warned(tmp_path):
    tables = "\n".join((
        table("Entity", ["e_id", "e_name", "e_hadMember"], [["runs", "all runs", "run1"], ["run1", "run 1", None]]),
        table("Activity", ["a_id", "a_name", "a_hadStep"], [["night", "night", "calib"]]),
        table("Agent", ["ag_id", "ag_name", "ag_type"], [["bot", "a robot", "Robot"]]),
    ))  # fmt: skip
    record = the_record(write(tmp_path, votable_text(tables, 'type="results"')))
    _, _, warnings = read_all(tmp_path / "doc.vot")
    runs = one(record.entities, name="all runs")
    assert runs.kind == "collection"
    assert [(h.collection, h.member) for h in record.memberships] == [(runs.id, scoped(record, "run1"))]
    # the step is declared by no row: it is an activity of its own, part of the night
    step = one(record.activities, id=scoped(record, "calib"))
    assert step.part_of == scoped(record, "night")
    assert one(record.agents).type is None
    assert [(w.kind, w.message) for w in warnings] == [
        ("agent type", ("table Agent, row 1: agent type 'Robot' is none of Person, Organization, SoftwareAgent "
                        "(Individual is a Person): not read"))]  # fmt: skip


def test_an_entity_class_the_model_lacks_is_read_as_a_plain_entity_with_a_warning(tmp_path):
    path = write(tmp_path, votable_text(table("Entity", ["id", "classType"], [[f"{EX}e1", "PlanEntity"]])))
    records, _, warnings = read_all(path)
    assert one(records[0].entities).kind == "entity"
    assert [w.message for w in warnings] == [
        ("table Entity, row 1: classType 'PlanEntity' is none of Entity, DatasetEntity, ValueEntity, Collection: "
         "read as entity")]


# -- round trips ------------------------------------------------------------------------------------


def _export_losses(before: set[tuple]) -> tuple[set[tuple], set[tuple]]:
    """What the PROV-VOTable export cannot carry, from the statements of the exported store.

    Returns the statements that must be missing after the round trip and the
    ones that must stand in for them.
    """
    systems = {s for s, p, o in before if p.value == TYPE and o.value == CTAO + "System"}
    lost = {t for t in before if t[0] in systems}
    values: dict[tuple, list] = defaultdict(list)
    for s, p, o in before - lost:
        values[(s, p)].append(o)
    replaced = set()
    for (s, p), objects in values.items():
        if len(objects) > 1 and all(isinstance(o, Literal) for o in objects):  # several values: one joined cell
            lost |= {(s, p, o) for o in objects}
            replaced.add((s, p, Literal(",".join(sorted(o.value for o in objects)))))
        elif len(objects) == 1 and isinstance(objects[0], Literal) and not objects[0].datatype.value.startswith(XSD):
            lost.add((s, p, objects[0]))  # rdf:JSON and other non-XSD datatypes come back as text
            replaced.add((s, p, Literal(objects[0].value)))
    return lost, replaced


def test_real_captures_round_trip_through_prov_votable(tmp_path):
    before, after, report, document = round_trip(CAPTURES, tmp_path)
    assert report.ok and report.stored == 1, report.rejected
    lost, replaced = _export_losses(before)
    assert before - after == lost
    assert replaced <= after
    assert after - before == replaced
    # a whole-store export holds no ingest log; exported alone, it is not read back as pipeline provenance
    assert [w.kind for w in read_all(document)[2]] == []
    with open_store(":memory:") as store:
        ingest(store, CAPTURES)
        log = tmp_path / "log.vot"
        log.write_bytes(export(store, "votable", graph=ingest_log_graph(store).value))
    records, _, warnings = read_all(log)
    assert records == [] and [w.kind for w in warnings] == ["ingest log"]
    assert "Activity 4, Entity 14, Agent 1" in warnings[0].message
    assert not [t for t in after if t[1].value == TYPE and t[2].value.startswith(PROVRDF)]


def test_the_round_trip_keeps_relations_roles_times_parameters_and_descriptions(tmp_path):
    """A few statements named outright, so that the comparison above cannot pass on two empty stores."""
    before, after, _, _ = round_trip(CAPTURES, tmp_path)
    base = "https://w3id.org/provrdf/id/"
    apply = NamedNode(base + "activity/7773e63f-5666-43d2-b99e-534927ebd17a")
    expected = {
        (apply, NamedNode(VOPROV + "name"), Literal("ctapipe-apply-models")),
        (apply, NamedNode("http://www.w3.org/ns/prov#startedAtTime"),
         Literal("2025-06-11T10:15:21.744Z", datatype=NamedNode(XSD + "dateTime"))),
        (apply, NamedNode(CTAO + "exitCode"), Literal("0", datatype=NamedNode(XSD + "integer"))),
        (apply, NamedNode(VOPROV + "isDescribedBy"),
         NamedNode(base + "description/activity/ctapipe-apply-models/_0.24.0")),
        (NamedNode(base + "activity/8790547732181/31d0c5"), NamedNode("http://purl.org/dc/terms/isPartOf"),
         NamedNode(base + "activity/session/_8790547732181")),
    }  # fmt: skip
    assert expected <= before and expected <= after
    kinds = {VOPROV + k for k in ("Used", "WasGeneratedBy", "WasAssociatedWith", "Parameter", "ActivityDescription",
                                  "WasConfiguredBy", "WasDerivedFrom", "Collection")}  # fmt: skip
    for kind in kinds:
        typed = {t for t in before if t[1].value == TYPE and t[2].value == kind}
        assert typed and typed <= after, kind
    roles = {t for t in before if t[1].value.endswith("#hadRole")}
    assert len(roles) > 10 and roles <= after


@pytest.mark.parametrize("path", DRAFTS, ids=lambda p: p.name)
def test_each_draft_fixture_round_trips_through_provrdfs_layout(path, tmp_path):
    before, after, report, _ = round_trip([path], tmp_path)
    assert report.ok and report.stored == 1, report.rejected
    assert before == after
    assert len({t[0] for t in before if t[1].value == TYPE}) > 10


# -- provrdf's layout, row by row ----------------------------------------------------------------------


EX = "https://example.org/prov/"
_ACTIVITY_FIELDS = [
    'id|datatype="char" arraysize="*" utype="voprov:Activity.id" ucd="meta.id;meta.main"',
    'name|datatype="char" arraysize="*" utype="voprov:Activity.name"',
    'startTime|datatype="char" arraysize="*" utype="voprov:Activity.startTime" xtype="timestamp"',
    'ctao:exitCode|datatype="long"',
    'ctao:durationMinutes|datatype="double"',
    'ok|datatype="boolean"|Not in ProvDM: the values of &lt;https://example.org/\n     ns#ok&gt;',
    'ctao:bootTime|datatype="char" arraysize="*" xtype="timestamp"',
    'dcterms:isPartOf|datatype="char" arraysize="*" ucd="meta.id.cross"',
    'mystery|datatype="char" arraysize="*"',
]


def _extension_document(folder: Path) -> Path:
    activities = table("Activity", _ACTIVITY_FIELDS, [
        [f"{EX}a1", "calib", "2025-03-27T14:02:11.482", "3", "1.5", "true", "2025-03-01T00:00:00Z",
         f"{EX}night,1,{EX}run", "?"],
        [f"{EX}a2", "bad", "yesterday", None, None, None, None, None, None],
        [None, "no id", "2025-03-27T14:02:11Z", None, None, None, None, None, None],
        [f"{EX}a3", "late", None, None, None, None, "not a time", None, None],
    ], utype="voprov:Activity")  # fmt: skip
    derivations = table("WasDerivedFrom", [
        'id|datatype="char" arraysize="*" utype="voprov:WasDerivedFrom.id"',
        'generatedEntity|datatype="char" arraysize="*" utype="voprov:WasDerivedFrom.generatedEntity"',
        'usedEntity|datatype="char" arraysize="*" utype="voprov:WasDerivedFrom.usedEntity"',
        'rdf:type|datatype="char" arraysize="*" ucd="meta.id.cross"',
    ], [[f"{EX}d1", f"{EX}v2", f"{EX}v1", "http://www.w3.org/ns/prov#Revision"]])  # fmt: skip
    stars = table("stars", ['ra|datatype="double"'], [["83.6"]])
    return write(folder, votable_text(f"{activities}\n{derivations}\n{stars}"))


def test_extension_columns_keep_their_property_and_datatype(tmp_path):
    records, _, _ = read_all(_extension_document(tmp_path))
    a1 = one(records[0].activities, id=external(f"{EX}a1"))
    assert a1.name == "calib" and a1.start == utc("2025-03-27T14:02:11.482")
    assert a1.extra == {
        CTAO + "exitCode": 3,
        CTAO + "durationMinutes": 1.5,
        "https://example.org/ns#ok": True,
        CTAO + "bootTime": datetime(2025, 3, 1, tzinfo=timezone.utc),
        "http://purl.org/dc/terms/isPartOf": [m.IRI(f"{EX}night,1"), m.IRI(f"{EX}run")],
    }
    assert type(a1.extra[CTAO + "exitCode"]) is int
    derivation = one(records[0].derivations)
    assert (derivation.generated, derivation.used, derivation.type, derivation.id, derivation.extra) == (
        external(f"{EX}v2"), external(f"{EX}v1"), "Revision", external(f"{EX}d1"), {})
    # the entities the derivation names are declared
    assert {e.id for e in records[0].entities} == {external(f"{EX}v1"), external(f"{EX}v2")}


def test_broken_rows_are_errors_naming_table_and_row_and_the_rest_is_read(tmp_path):
    records, errors, warnings = read_all(_extension_document(tmp_path))
    assert [e.message for e in errors] == [
        "table Activity, row 2: startTime is not an ISO 8601 time: 'yesterday'",
        "table Activity, row 3: it has no id",
    ]
    assert [a.name for a in records[0].activities] == ["calib", "late"]
    messages = {w.kind: w.message for w in warnings}
    assert messages == {
        "not provenance": "table stars is no ProvDM class: not read",
        "not a time": "table Activity, row 4: ctao:bootTime is no ISO 8601 time: 'not a time'; kept as text",
        "unread column": "table Activity: column mystery is no attribute of Activity and names no property: "
                         "its 1 value(s) are not read",
    }  # fmt: skip
    assert one(records[0].activities, name="late").extra == {CTAO + "bootTime": "not a time"}


def test_ingesting_a_document_with_a_broken_row_stores_the_rest(memory_store, tmp_path):
    report = ingest(memory_store, [_extension_document(tmp_path)])
    assert report.stored == 1
    assert [r.message for r in report.rejected] == [
        "table Activity, row 2: startTime is not an ISO 8601 time: 'yesterday'", "table Activity, row 3: it has no id"]
    names = {r["n"].value for r in query(memory_store, "SELECT ?n WHERE { ?a a prov:Activity ; voprov:name ?n }")}
    assert names == {"calib", "late"}


def test_configuration_comes_from_wasconfiguredby_and_descriptions_from_their_links(tmp_path):
    ad = f"{EX}description/activity/calib"
    tables = "\n".join((
        table("Activity", ['id|datatype="char" arraysize="*" utype="voprov:Activity.id"'], [[f"{EX}a1"]]),
        table("WasConfiguredBy", ["id", "activity", "artefact", "artefactType"],
              [[f"{EX}c1", f"{EX}a1", f"{EX}p1", "Parameter"], [f"{EX}c2", f"{EX}a1", f"{EX}f1", "ConfigFile"]]),
        table("Parameter", ["id", "name", "value", "parameterDescription"],
              [[f"{EX}p1", "n_jobs", "8", f"{ad}/parameter/n_jobs"], [f"{EX}p2", "orphan", "1", None]]),
        table("ConfigFile", ["id", "name", "location"], [[f"{EX}f1", "calib.yaml", "/etc/calib.yaml"]]),
        table("ActivityDescription", ["id", "name", "version"], [[ad, "calib", "1.0"]]),
        table("ParameterDescription", ["id", "activityDescription", "name", "valueType", "options"],
              [[f"{ad}/parameter/n_jobs", ad, "n_jobs", "int", "1,2,8"]]),
        table("UsageDescription", ["id", "activityDescription", "role", "multiplicity"],
              [[None, ad, "raw data", "1"]]),
        table("EntityDescription", ["id", "classType", "name", "contentType"],
              [[f"{EX}description/entity/dl1", "DatasetDescription", "DL1", "application/x-hdf5"]]),
    ))  # fmt: skip
    records, errors, _ = read_all(write(tmp_path, votable_text(tables)))
    record = records[0]
    assert [e.message for e in errors] == [
        "table Parameter, row 2: it configures no activity (no WasConfiguredBy row, no Activity.parameter names it)"]
    assert [(p.activity, p.name, p.value, p.description, p.id) for p in record.parameters] == [
        (external(f"{EX}a1"), "n_jobs", "8", external(f"{ad}/parameter/n_jobs"), external(f"{EX}p1"))]
    assert [(c.activity, c.name, c.location) for c in record.config_files] == [
        (external(f"{EX}a1"), "calib.yaml", "/etc/calib.yaml")]
    description = one(record.activity_descriptions)
    assert (description.id, description.version) == (external(ad), "1.0")
    assert [(p.name, p.value_type, p.options) for p in description.parameters] == [("n_jobs", "int", ["1", "2", "8"])]
    assert [(u.id, u.role, u.multiplicity) for u in description.usages] == [
        (external(f"{ad}/usage/raw%20data"), "raw data", "1")]
    dataset = one(record.entity_descriptions)
    assert (dataset.kind, dataset.content_type) == ("dataset", "application/x-hdf5")


_AD = f"{EX}description/activity/calib"
_LEVEL = "https://example.org/ns#level"
#: Per description table: its ProvDM columns and one row, then the extension column and its cell.
_DESCRIBED_ROWS = {
    "ActivityDescription": (["id", "name"], [_AD, "calib"], 'ctao:release|datatype="long"', "5"),
    "EntityDescription": (["id", "name"], [f"{EX}description/entity/dl1", "DL1"], 'ctao:sizeMB|datatype="double"',
                          "12.5"),
    "UsageDescription": (["activityDescription", "role"], [_AD, "raw data"], 'ctao:optional|datatype="boolean"',
                         "true"),
    "GenerationDescription": (["activityDescription", "role"], [_AD, "DL1"],
                              'ctao:since|datatype="char" arraysize="*" xtype="timestamp"', "2025-03-01T00:00:00Z"),
    "ParameterDescription": (["id", "activityDescription", "name", "valueType"], [f"{_AD}/parameter/n_jobs", _AD,
                             "n_jobs", "int"], 'dcterms:source|datatype="char" arraysize="*" ucd="meta.id.cross"',
                             f"{EX}doc/n_jobs"),
    "ConfigFileDescription": (["id", "activityDescription", "name", "contentType"], [f"{_AD}/configfile/calib.yaml",
                              _AD, "calib.yaml", "application/yaml"],
                              f'level|datatype="char" arraysize="*"|Not in ProvDM: the values of &lt;{_LEVEL}&gt;',
                              "expert"),
}  # fmt: skip
#: What each description keeps in its extra.
_DESCRIBED_EXTRA = {
    "ActivityDescription": {CTAO + "release": 5},
    "EntityDescription": {CTAO + "sizeMB": 12.5},
    "UsageDescription": {CTAO + "optional": True},
    "GenerationDescription": {CTAO + "since": datetime(2025, 3, 1, tzinfo=timezone.utc)},
    "ParameterDescription": {"http://purl.org/dc/terms/source": m.IRI(f"{EX}doc/n_jobs")},
    "ConfigFileDescription": {_LEVEL: "expert"},
}


def _described_document(folder: Path) -> Path:
    """Every description table with an extension column, and the two links whose model has no extra with one."""
    tables = [table(name, [*fields, extension], [[*cells, value]])
              for name, (fields, cells, extension, value) in _DESCRIBED_ROWS.items()]  # fmt: skip
    tables += [
        table("Activity", ["id"], [[f"{EX}a1"]]),
        table("Entity", ["id", "classType"], [[f"{EX}runs", "Collection"], [f"{EX}run1", "Entity"]]),
        table("HadMember", ["collection", "entity", 'ctao:rank|datatype="long"'], [[f"{EX}runs", f"{EX}run1", "1"]]),
        table("WasConfiguredBy", ["id", "activity", "artefact", "artefactType", 'ctao:order|datatype="long"'],
              [[f"{EX}c1", f"{EX}a1", f"{EX}p1", "Parameter", "2"]]),
        table("Parameter", ["id", "name", "value"], [[f"{EX}p1", "n_jobs", "8"]]),
    ]  # fmt: skip
    return write(folder, votable_text("\n".join(tables)))


def _descriptions(record: m.Record) -> dict:
    """Each description of a record read from :func:`_described_document`, by its table."""
    owner = one(record.activity_descriptions)
    return {"ActivityDescription": owner, "EntityDescription": one(record.entity_descriptions),
            "UsageDescription": one(owner.usages), "GenerationDescription": one(owner.generations),
            "ParameterDescription": one(owner.parameters), "ConfigFileDescription": one(owner.config_files)}


def test_extension_columns_of_descriptions_are_kept_and_of_membership_and_configuration_warned(tmp_path):
    records, errors, warnings = read_all(_described_document(tmp_path))
    assert not errors, errors
    described = _descriptions(one(records))
    assert {name: d.extra for name, d in described.items()} == _DESCRIBED_EXTRA
    assert type(described["ActivityDescription"].extra[CTAO + "release"]) is int
    assert type(described["UsageDescription"].extra[CTAO + "optional"]) is bool
    assert [(p.activity, p.name, p.value) for p in one(records).parameters] == [(external(f"{EX}a1"), "n_jobs", "8")]
    assert [(w.kind, w.message) for w in warnings] == [
        ("unread column", (f"table {name}: column ctao:{column} is a property <{CTAO}{column}> that a {name} "
                           "cannot hold in provrdf's model: its 1 value(s) are not read"))
        for name, column in (("HadMember", "rank"), ("WasConfiguredBy", "order"))
    ]  # fmt: skip


def test_the_extension_values_of_descriptions_are_stored_and_round_trip(memory_store, tmp_path):
    path = _described_document(tmp_path)
    report = ingest(memory_store, [path])
    assert report.ok and report.stored == 1, report.rejected
    kinds = {"ActivityDescription": "activity", "EntityDescription": "entity", "UsageDescription": "usage",
             "GenerationDescription": "generation", "ParameterDescription": "parameter",
             "ConfigFileDescription": "configfile"}  # fmt: skip
    values = {
        "ActivityDescription": Literal("5", datatype=NamedNode(XSD + "integer")),
        "EntityDescription": Literal("12.5", datatype=NamedNode(XSD + "double")),
        "UsageDescription": Literal("true", datatype=NamedNode(XSD + "boolean")),
        "GenerationDescription": Literal("2025-03-01T00:00:00Z", datatype=NamedNode(XSD + "dateTime")),
        "ParameterDescription": NamedNode(f"{EX}doc/n_jobs"),
        "ConfigFileDescription": Literal("expert"),
    }
    expected = {(Encoder().iri(f"description/{kinds[name]}", description.id),
                 NamedNode(next(iter(_DESCRIBED_EXTRA[name]))), values[name])
                for name, description in _descriptions(the_record(path)).items()}  # fmt: skip
    assert len(expected) == 6
    assert expected <= statements(memory_store)
    # provrdf's export writes them as extension columns of the description tables, and they are read back
    before, after, back, _ = round_trip([path], tmp_path)
    assert back.ok and back.stored == 1, back.rejected
    assert expected <= before == after


# -- ids and record ids ----------------------------------------------------------------------------------


def _draft_activities(ids: list[str]) -> str:
    return table("Activity", ['a_id|datatype="char" arraysize="*" ucd="meta.id"', "a_name"],
                 [[ident, f"step {n}"] for n, ident in enumerate(ids)])  # fmt: skip


def test_iris_are_kept_and_other_ids_are_scoped_by_the_record(tmp_path):
    ids = ["act1", "ex:act2", "urn:uuid:0b8c3a52-5f1e-4c1b-9d7a-1f2e3d4c5b6a", "https://example.org/act4",
           "e9c20a57-6d41-4b8f-b3e6-2f5a7d9c1e08:ApplyModels"]  # fmt: skip
    path = write(tmp_path, votable_text(_draft_activities(ids), resource='type="results"'))
    record = the_record(path)
    assert [a.id for a in record.activities] == [
        f"{record.id}/act1", f"{record.id}/ex:act2", external(ids[2]), external(ids[3]), f"{record.id}/{ids[4]}"]
    iris = {Encoder("https://example.org/prov/").iri("activity", a.id).value for a in record.activities}
    assert f"https://example.org/prov/activity/{record.id}/ex:act2" in iris and ids[3] in iris


def test_in_provrdfs_layout_every_scheme_is_an_iri(tmp_path):
    path = write(tmp_path, votable_text(_draft_activities(["ex:act2", "act1"])))
    assert [a.id for a in the_record(path).activities] == [external("ex:act2"), f"{the_record(path).id}/act1"]


def test_the_same_content_gives_the_same_record_and_a_named_document_its_name(tmp_path):
    text = votable_text(_draft_activities(["act1"]), resource='type="results"')
    first, second = write(tmp_path, text, "a.vot"), write(tmp_path, text, "b.vot")
    assert the_record(first).id == the_record(second).id == "votable/" + hashlib.sha256(text.encode()).hexdigest()[:16]
    assert the_record(first).activities == the_record(second).activities
    named = write(tmp_path, votable_text(_draft_activities(["act1"]),
                                         resource='ID="run42" type="results" utype="voprov:ProvenanceDocument"'))
    record = the_record(named)
    assert record.id == "votable/run42" and record.activities[0].id == "votable/run42/act1"


def test_a_file_that_is_no_votable_is_one_error(tmp_path):
    path = write(tmp_path, '<VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE name="Activity">')
    records, errors, _ = read_all(path)
    assert not records and len(errors) == 1
    assert errors[0].message.startswith("not a VOTable astropy can read")


def test_a_document_with_no_provenance_row_gives_no_record(memory_store, tmp_path):
    path = write(tmp_path, votable_text(table("Activity", ["id"], [])))
    report = ingest(memory_store, [path])
    assert report.stored == 0
    assert [r.message for r in report.rejected] == ["no provenance row could be read from this VOTable"]

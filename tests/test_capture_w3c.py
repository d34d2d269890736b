"""The W3C PROV readers: sniffing, one mapping for every serialization, OPUS and voprov habits, errors.

Fixtures (``tests/data/w3c/``):

* ``opus_job.{json,xml,trig}`` — an OPUS ctbin job: job activity, owner,
  input and results in the OPUS store, a configuration bundle of
  parameters, a description bundle, an internal-provenance bundle;
* ``voprov_legacy.json`` — voprov's IVOA-model JSON under an older voprov
  namespace, with ``#configuration#<activity>`` and ``#description#<id>``
  bundles and the legacy names (doculink, annotation, usedDescription …);
* ``plain.{json,xml,provn,ttl,jsonld,provjsonld,rdf}`` — plain PROV, no
  ProvDM: every relation, ids and attributes on relations, typed literals
  (``.jsonld`` is PROV-O in JSON-LD, ``.provjsonld`` the PROV-JSONLD form);
* ``handwritten.ttl`` — idiomatic hand-written PROV-O (shortcuts beside
  qualified blank nodes, untyped nodes, an inline blank entity);
* ``malformed.json`` (not JSON), ``rejected.json`` (JSON, not PROV).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode
from helpers.ontology import ontology_problems

from provrdf import model as m
from provrdf.capture import w3c
from provrdf.errors import ParseError
from provrdf.identifiers import external
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import DCTERMS, LEGACY_VOPROV, PROV, RDF, VOPROV, XSD
from provrdf.shacl import Validator

DATA = Path(__file__).parent / "data"
W3C = DATA / "w3c"
READERS = ("provjson", "provxml", "provn", "turtle", "trig", "jsonld", "rdfxml")
#: fixture → the one reader whose sniff accepts it
FIXTURES = {
    "opus_job.json": "provjson", "opus_job.xml": "provxml", "opus_job.trig": "trig",
    "voprov_legacy.json": "provjson", "plain.json": "provjson", "plain.xml": "provxml", "plain.provn": "provn",
    "plain.ttl": "turtle", "plain.jsonld": "jsonld", "plain.provjsonld": "jsonld", "plain.rdf": "rdfxml",
    "handwritten.ttl": "turtle",
    "malformed.json": "provjson", "rejected.json": "provjson",
}  # fmt: skip
READABLE = [name for name in FIXTURES if name not in ("malformed.json", "rejected.json")]

JOB = "https://voparis-uws-test.obspm.fr/rest/ctbin/1a2b3c"
STORE = "https://voparis-uws-test.obspm.fr/store/?ID="
DESCRIPTION = "https://voparis-uws-test.obspm.fr/rest/ctbin/description"
INTERNAL = "https://voparis-uws-test.obspm.fr/rest/ctbin/1a2b3c/provenance#1a2b3c%23internal_provenance"
ARCH = "https://archive.example.org/prov/"
OBS = "https://archive.example.org/ns/obs#"
HESS = "https://hess.example.org/prov/"
ENCODER = Encoder()


def read(name: str) -> list[m.Record | ParseError]:
    return list(getattr(w3c, FIXTURES[name]).read(W3C / name))


def records(name: str) -> list[m.Record]:
    items = read(name)
    assert not [item for item in items if isinstance(item, ParseError)], items
    return items


def quads(name: str) -> list[str]:
    return sorted(str(q) for record in records(name) for q in ENCODER.encode(record).quads)


def triples(record: m.Record) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in ENCODER.encode(record).quads}


def ext(iri: str) -> str:
    return external(iri)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# -- sniffing ------------------------------------------------------------------------


def _head(path: Path) -> str:
    return path.read_bytes()[:65536].decode("utf-8", errors="replace")


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_each_fixture_is_sniffed_by_its_own_reader_only(name):
    head = _head(W3C / name)
    assert [reader for reader in READERS if getattr(w3c, reader).sniff(head)] == [FIXTURES[name]]


def _other_logs() -> list[Path]:
    return sorted(p for folder in ("ctapipe", "gammapy", "cross", "invalid") for p in (DATA / folder).glob("*")
                  if p.is_file() and p.suffix != ".json")  # fmt: skip


@pytest.mark.parametrize("path", _other_logs(), ids=lambda p: p.name)
def test_other_capture_formats_are_not_sniffed_as_prov(path):
    head = _head(path)
    assert not [reader for reader in READERS if getattr(w3c, reader).sniff(head)]


@pytest.mark.parametrize(
    "head",
    [
        '[\n  {\n    "activity_name": "ctapipe-process",\n    "activity_uuid": "5f0b7c1e"\n  }\n]',
        "INFO provLogger __PROV__2020-04-21T13:05:12.403518__PROV__{'activity_id': '8a2f3c', 'name': 'run_fit'}",
        '{"name": "ctbin", "parameters": {"nxpix": 200}, "entity": "not a group"}',
        '{"@context": "https://schema.org/", "@type": "Dataset", "name": "Crab"}',
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<#me> foaf:name \"A\" .",
        '<?xml version="1.0"?><votable xmlns="http://www.ivoa.net/xml/VOTable/v1.3"/>',
    ],
    ids=["ctapipe-array", "gammapy-line", "plain-json", "jsonld-not-prov", "turtle-not-prov", "votable"],
)
def test_look_alikes_are_not_sniffed(head):
    assert not [reader for reader in READERS if getattr(w3c, reader).sniff(head)]


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_registry_detects_the_fixture(name):
    from provrdf.capture import detect

    assert detect(W3C / name).name == FIXTURES[name]


# -- one mapping, whatever the serialization -------------------------------------------------


@pytest.mark.parametrize("name", ["plain.xml", "plain.provn", "plain.ttl", "plain.jsonld", "plain.provjsonld", "plain.rdf"])
def test_plain_document_gives_the_same_records_in_every_serialization(name):
    assert quads(name) == quads("plain.json")


@pytest.mark.parametrize("name", ["opus_job.xml", "opus_job.trig"])
def test_opus_job_gives_the_same_records_in_json_xml_and_trig(name):
    assert quads(name) == quads("opus_job.json")


def test_reading_twice_gives_the_same_ids():
    first, second = records("opus_job.json"), records("opus_job.json")
    assert [r.id for r in first] == [r.id for r in second]
    assert first[0].id.startswith("w3c/") and len(first[0].id) == len("w3c/") + 16


# -- OPUS -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def opus() -> list[m.Record]:
    return records("opus_job.json")


def test_opus_job_is_one_record_plus_its_internal_provenance(opus):
    main, internal = opus
    assert (main.index, internal.index) == (0, 1)
    assert internal.id == ext(INTERNAL)
    assert [a.id for a in main.activities] == [ext(JOB)]
    assert ENCODER.encode(internal).graph.value == INTERNAL


def test_opus_job_activity_agent_and_files(opus):
    main = opus[0]
    (job,) = main.activities
    assert (job.name, job.start, job.end) == (None, utc(2024, 5, 14, 9, 12, 3), utc(2024, 5, 14, 9, 13, 47))
    assert job.comment == "ctbin job 1a2b3c run by OPUS"
    assert job.description == ext(DESCRIPTION)
    assert job.extra == {"rdfs:label": "ctbin", "https://voparis-uws-test.obspm.fr/ns#phase": "COMPLETED",
                         "https://voparis-uws-test.obspm.fr/ns#runId": "crab-cube-01"}  # fmt: skip
    (owner,) = main.agents
    assert (owner.id, owner.name, owner.type) == (ext("https://voparis-uws-test.obspm.fr/user/cboisson"), None,
                                                  "Person")  # fmt: skip
    assert owner.extra == {"rdfs:label": "C. Boisson"}  # a label, not a ProvDM name
    assert (owner.email, owner.affiliation) == ("catherine.boisson@obspm.fr", "Observatoire de Paris")
    (association,) = main.associations
    assert (association.activity, association.agent, association.role) == (ext(JOB), owner.id, "owner")
    files = {e.id: e for e in main.entities}
    flux = files[ext(STORE + "8e21c0f4-flux_points")]
    assert (flux.kind, flux.name, flux.location) == ("dataset", None, "/data/gammapy/results/flux_points.fits")
    assert flux.extra == {"rdfs:label": "flux_points.fits",
                          "https://voparis-uws-test.obspm.fr/ns#fileSize": m.Typed("2881", XSD + "long")}
    assert files[ext(STORE + "1a2b3c-stdout")].kind == "entity"
    assert files[ext(INTERNAL)].extra == {"rdf:type": m.IRI(PROV + "Bundle")}


def test_opus_job_usage_and_results_keep_their_roles_and_ids(opus):
    main = opus[0]
    (usage,) = main.usages
    assert usage == m.Usage(ext(JOB), ext(STORE + "8e21c0f4-flux_points"), "inobs", utc(2024, 5, 14, 9, 12, 4),
                            ext(DESCRIPTION + "/usage/inobs"), ext(JOB + "/used/inobs"))  # fmt: skip
    roles = {g.role: (g.entity, g.id, g.description) for g in main.generations}
    assert roles == {
        "outcube": (ext(STORE + "1a2b3c-cntcube"), ext(JOB + "/generated/outcube"), ext(DESCRIPTION + "/generation/outcube")),
        "stdout": (ext(STORE + "1a2b3c-stdout"), ext(JOB + "/generated/stdout"), ext(DESCRIPTION + "/generation/stdout")),
    }  # fmt: skip
    (derivation,) = main.derivations
    assert (derivation.generated, derivation.used, derivation.activity) == (
        ext(STORE + "1a2b3c-cntcube"), ext(STORE + "8e21c0f4-flux_points"), ext(JOB))


def test_opus_configuration_bundle_gives_the_job_parameters(opus):
    main = opus[0]
    parameters = {p.name: p for p in main.parameters}
    assert {name: p.value for name, p in parameters.items()} == {
        "ebinalg": "LOG", "coordsys": "CEL", "nxpix": m.Typed("200", XSD + "int"), "binsz": m.Typed("0.02", XSD + "double"),
    }  # fmt: skip
    assert {p.activity for p in main.parameters} == {ext(JOB)}
    assert parameters["nxpix"].id == ext(JOB + "/parameter/nxpix")
    assert parameters["nxpix"].description == ext(DESCRIPTION + "/parameter/nxpix")
    assert parameters["coordsys"].description is None
    assert not [e for e in main.entities if "parameter" in e.id], "parameters are not plain entities"
    assert not main.influences, "configuration links are not plain influences"


def test_opus_description_bundle_gives_the_descriptions(opus):
    main = opus[0]
    (ad,) = main.activity_descriptions
    assert (ad.id, ad.name, ad.version, ad.type, ad.subtype) == (ext(DESCRIPTION), "ctbin", "2.0.0", "Reduction", "binning")
    assert ad.docurl == "http://cta.irap.omp.eu/ctools/users/reference_manual/ctbin.html"
    assert [(u.role, u.type, u.multiplicity, u.entity_description) for u in ad.usages] == [
        ("inobs", "Main", "1", ext(DESCRIPTION + "/entity/events"))]
    assert sorted((g.role, g.type) for g in ad.generations) == [("outcube", "Main"), ("stdout", "Log")]
    by_name = {p.name: p for p in ad.parameters}
    assert (by_name["nxpix"].value_type, by_name["nxpix"].min, by_name["nxpix"].max, by_name["nxpix"].unit) == (
        "int", "1", "10000", "pix")
    assert by_name["ebinalg"].options == ["FILE", "LIN", "LOG", "POW"]
    kinds = {d.name: (d.kind, d.content_type) for d in main.entity_descriptions}
    assert kinds == {"event list": ("dataset", "application/fits"), "counts cube": ("dataset", "application/fits"),
                     "job log": ("entity", None)}  # fmt: skip


def test_opus_internal_provenance_is_part_of_the_job(opus):
    internal = opus[1]
    steps = {a.extra["rdfs:label"]: a for a in internal.activities}
    assert set(steps) == {"GObservations.load", "GCTAEventCube.fill", "GCTAEventCube.save"}
    assert {a.part_of for a in internal.activities} == {ext(JOB)}
    assert {(u.activity, u.entity) for u in internal.usages} >= {(steps["GObservations.load"].id, ext(STORE + "8e21c0f4-flux_points"))}
    assert {(c.informed, c.informant) for c in internal.communications} == {
        (steps["GCTAEventCube.fill"].id, steps["GObservations.load"].id),
        (steps["GCTAEventCube.save"].id, steps["GCTAEventCube.fill"].id),
    }
    out = triples(internal)
    assert (JOB + "/step/fill", DCTERMS + "isPartOf", JOB) in out


def test_opus_quads_keep_the_document_iris(opus):
    out = triples(opus[0])
    flux = STORE + "8e21c0f4-flux_points"
    assert (flux, PROV + "atLocation", "/data/gammapy/results/flux_points.fits") in out
    assert {(flux, RDF + "type", PROV + "Entity"), (flux, RDF + "type", VOPROV + "DatasetEntity")} <= out
    assert (JOB, PROV + "used", flux) in out
    assert (JOB, PROV + "qualifiedUsage", JOB + "/used/inobs") in out
    assert (JOB + "/used/inobs", VOPROV + "isDescribedBy", DESCRIPTION + "/usage/inobs") in out
    assert (JOB, VOPROV + "wasConfiguredBy", JOB + "/parameter/nxpix") in out
    assert (JOB + "/parameter/nxpix", PROV + "value", "200") in out
    assert (JOB, VOPROV + "isDescribedBy", DESCRIPTION) in out
    assert (JOB, "https://voparis-uws-test.obspm.fr/ns#phase", "COMPLETED") in out
    encoded = ENCODER.encode(opus[0])
    assert NamedNode(DESCRIPTION) in encoded.graphs  # the description's own graph
    (value,) = [q.object for q in encoded.quads if q.subject.value == JOB + "/parameter/binsz" and q.predicate.value == PROV + "value"]
    assert value == Literal("0.02", datatype=NamedNode(XSD + "double"))


# -- voprov, legacy namespace and names -----------------------------------------------------------


@pytest.fixture(scope="module")
def legacy() -> m.Record:
    (record,) = records("voprov_legacy.json")
    return record


def test_legacy_namespace_is_read_as_today_s(legacy):
    out = {term for triple in triples(legacy) for term in triple}
    assert not [t for t in out if t.startswith(LEGACY_VOPROV) and not t.startswith(VOPROV)]
    assert any(t.startswith(VOPROV) for t in out)


def test_legacy_nodes_and_attributes(legacy):
    (activity,) = legacy.activities
    assert (activity.name, activity.comment) == ("calibrate", "nightly calibration of run 153000")
    (agent,) = legacy.agents
    assert (agent.name, agent.type, agent.phone, agent.url) == ("M. Bauer", "Person", "+49 6221 516 0",
                                                                 "https://hess.example.org/people/mb")  # fmt: skip
    entities = {e.id: e for e in legacy.entities}
    dst = entities[ext(HESS + "run_153000_dst")]
    assert (dst.kind, dst.location, dst.generated_at) == ("dataset", "/hess/dst/run_153000.dst.fits", utc(2019, 11, 5, 21, 9, 40))
    value = entities[ext(HESS + "pedestal_mean")]
    assert (value.kind, value.value) == ("value", m.Typed("3.25", XSD + "double"))


def test_legacy_configuration_bundle(legacy):
    parameters = {p.name: p for p in legacy.parameters}
    assert set(parameters) == {"threshold", "pedestal", "mode"}  # "mode" is marked by the text "voprov:Parameter"
    assert parameters["pedestal"].reference == ext(HESS + "pedestal_mean")
    assert parameters["threshold"].description == ext(HESS + "desc/calibrate/threshold")
    (config,) = legacy.config_files  # marked with the old class name voprov:Configfile
    assert (config.name, config.location, config.comment) == ("calib.conf", "/hess/config/calib.conf", "site defaults")
    assert config.description == ext(HESS + "desc/calibrate/config")


def test_legacy_description_bundle(legacy):
    (ad,) = legacy.activity_descriptions
    assert (ad.docurl, ad.description) == ("https://hess.example.org/doc/calibrate",
                                           "Calibrates raw H.E.S.S. data into DST files")  # fmt: skip
    assert [(u.role, u.entity_description) for u in ad.usages] == [("raw", ext(HESS + "desc/raw_file"))]
    assert [g.role for g in ad.generations] == ["dst"]
    assert [(p.name, p.description, p.min, p.max) for p in ad.parameters] == [
        ("threshold", "trigger threshold in p.e.", "0", "10")]
    assert [c.content_type for c in ad.config_files] == ["text/plain"]
    kinds = {d.name: d.kind for d in legacy.entity_descriptions}
    assert kinds == {"raw file": "dataset", "DST file": "dataset", "pedestal": "value"}
    (usage,) = legacy.usages
    assert usage.description == ext(HESS + "desc/calibrate/raw")


# -- plain PROV ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain() -> m.Record:
    (record,) = records("plain.json")
    return record


def test_plain_prov_has_no_provdm_objects(plain):
    assert not (plain.parameters or plain.config_files or plain.activity_descriptions or plain.entity_descriptions)
    provdm_only = {VOPROV + c for c in ("Parameter", "ConfigFile", "ActivityDescription", "EntityDescription")}
    assert not [t for t in triples(plain) if t[1] == RDF + "type" and t[2] in provdm_only]
    nodes = {s for s, p, o in triples(plain) if p == RDF + "type" and o.startswith(VOPROV)}
    typed_prov = {s for s, p, o in triples(plain) if p == RDF + "type" and o.startswith(PROV)}
    assert nodes <= typed_prov, "every voprov-typed node is a PROV node too"


def test_plain_prov_keeps_every_relation_with_ids_and_attributes(plain):
    usage = next(u for u in plain.usages if u.id)
    assert usage == m.Usage(ext(ARCH + "act/calibrate-run0042"), ext(ARCH + "raw/run0042"), "science frame",
                            utc(2024, 5, 14, 8, 0, 5), None, ext(ARCH + "use/raw"), {OBS + "readMode": "full"})  # fmt: skip
    assert [u.entity for u in plain.usages if u.time == utc(2024, 6, 1, 0, 1)] == [None]  # used(a, -, t)
    assert [g.activity for g in plain.generations if g.entity == ext(ARCH + "calib/run0042-preview")] == [None]
    (invalidation,) = plain.invalidations
    assert (invalidation.activity, invalidation.role, invalidation.id) == (
        ext(ARCH + "act/cleanup"), "expired", ext(ARCH + "inv/preview"))
    assert {(s.trigger, s.starter, s.id) for s in plain.starts} == {
        (ext(ARCH + "alarm/dome-open"), None, ext(ARCH + "start/night")),
        (ext(ARCH + "raw/run0042"), ext(ARCH + "act/night-2024-05-14"), None),
    }
    (end,) = plain.ends
    assert (end.ender, end.extra) == (ext(ARCH + "act/night-2024-05-14"), {OBS + "reason": "dawn"})
    (communication,) = plain.communications
    assert communication.extra == {OBS + "latency": m.Typed("PT2H20M", XSD + "duration")}
    plan = next(a for a in plain.associations if a.plan)
    assert (plan.plan, plan.id) == (ext(ARCH + "plan/calibration-v3"), ext(ARCH + "assoc/calpipe"))
    (delegation,) = plain.delegations
    assert delegation.activity == ext(ARCH + "act/calibrate-run0042")
    assert delegation.extra == {"rdf:type": m.IRI(OBS + "Supervision")}
    derivations = {d.type: d for d in plain.derivations}
    assert set(derivations) == {None, "Revision", "Quotation", "PrimarySource"}
    assert (derivations[None].generation, derivations[None].usage) == (ext(ARCH + "gen/calib"), ext(ARCH + "use/raw"))
    (influence,) = plain.influences
    assert influence.extra == {OBS + "note": m.Typed("weather policy", language="en")}
    assert plain.specializations == [m.Specialization(ext(ARCH + "calib/run0042-v2"), ext(ARCH + "calib/run0042"))]
    assert plain.alternates == [m.Alternate(ext(ARCH + "calib/run0042-preview"), ext(ARCH + "calib/run0042"))]
    assert plain.memberships == [m.Membership(ext(ARCH + "night/2024-05-14"), ext(ARCH + "raw/run0042"))]


def test_plain_prov_keeps_typed_literals_exactly(plain):
    raw = next(e for e in plain.entities if e.id == ext(ARCH + "raw/run0042"))
    assert raw.extra == {
        "rdfs:label": "run0042.fits.fz",
        OBS + "exposure": m.Typed("1800", XSD + "int"),
        OBS + "zenith": m.Typed("23.50", XSD + "decimal"),
        OBS + "target": m.Typed("Crab Nebula", OBS + "SourceName"),
        OBS + "note": m.Typed("nuit claire, lune basse", language="fr"),
        OBS + "calibrated": False,
        OBS + "observedAt": utc(2024, 5, 14, 1, 10),
    }
    objects = {(q.predicate.value, q.object) for q in ENCODER.encode(plain).quads if q.subject.value == ARCH + "raw/run0042"}
    assert (OBS + "zenith", Literal("23.50", datatype=NamedNode(XSD + "decimal"))) in objects
    assert (OBS + "target", Literal("Crab Nebula", datatype=NamedNode(OBS + "SourceName"))) in objects
    assert (OBS + "note", Literal("nuit claire, lune basse", language="fr")) in objects
    preview = next(e for e in plain.entities if e.id == ext(ARCH + "calib/run0042-preview"))
    assert preview.value == m.Typed("0.82", XSD + "double")


def test_plain_prov_node_types(plain):
    entities = {e.id: e for e in plain.entities}
    assert entities[ext(ARCH + "night/2024-05-14")].kind == "collection"
    assert entities[ext(ARCH + "plan/calibration-v3")].extra == {"rdf:type": m.IRI(PROV + "Plan"),
                                                                "rdfs:label": "calibration recipe v3"}
    assert entities[ext(ARCH + "calib/run0042")].extra == {"rdf:type": m.IRI(OBS + "CalibratedImage"),
                                                          "rdfs:label": "run0042_calib.fits"}
    assert {a.extra["rdfs:label"]: a.type for a in plain.agents} == {"Jane Doe": "Person", "calpipe 3.1.4": "SoftwareAgent",
                                                      "Example Observatory": "Organization"}  # fmt: skip


# -- hand-written PROV-O ------------------------------------------------------------------------


def test_handwritten_prov_o_says_each_relation_once():
    (record,) = records("handwritten.ttl")
    fit, ana = ext("https://analysis.example.org/crab/fit"), "https://analysis.example.org/crab/"
    usages = {u.entity: u for u in record.usages}
    assert len(record.usages) == 2, "the shortcut beside the qualified usage is the same usage"
    assert (usages[ext(ana + "datasets")].role, usages[ext(ana + "datasets")].time) == ("datasets", utc(2024, 5, 15, 10, 0, 2))
    inline = next(e for e in record.entities if e.id.startswith("blank/"))
    assert (inline.name, inline.extra, inline.value) == (None, {"rdfs:label": "inline model"}, "PowerLawSpectralModel")
    assert inline.id in usages
    assert {(g.entity, g.role) for g in record.generations} == {(ext(ana + "result"), "result"), (ext(ana + "plot"), None)}
    result = next(e for e in record.entities if e.id == ext(ana + "result"))  # untyped in the file
    assert (result.extra["rdfs:label"], result.location) == ("fit result", "/data/gammapy/results/fit_result.yaml")
    (association,) = record.associations
    assert association.role == "Provider"
    (agent,) = record.agents
    assert (agent.extra["rdfs:label"], agent.type) == ("gammapy 1.2", "SoftwareAgent")
    (parameter,) = record.parameters
    assert (parameter.activity, parameter.name, parameter.value) == (fit, "emin", "1 TeV")
    assert records("handwritten.ttl")[0].entities == record.entities, "a blank node gets the same id every time"


# -- validity ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


@pytest.mark.parametrize("name", READABLE)
def test_fixture_records_pass_the_shapes(validator, name):
    encoded = [ENCODER.encode(record) for record in records(name)]
    violations = [str(issue) for issues in validator.check_batch(encoded) for issue in issues
                  if issue.severity == "Violation"]  # fmt: skip
    assert violations == []


_KNOWN = ("http://www.w3.org/", "http://www.ivoa.net/documents/ProvenanceDM/", "http://purl.org/dc/terms/",
          "https://w3id.org/provrdf/")  # fmt: skip


def _own_terms(encoded_quads) -> set[str]:
    """The document's own attributes and classes: every term outside the vocabularies provrdf writes."""
    terms = {q.predicate.value for q in encoded_quads}
    terms |= {q.object.value for q in encoded_quads if q.predicate.value == RDF + "type"}
    return {t for t in terms if not t.startswith(_KNOWN)}


@pytest.mark.parametrize("name", READABLE)
def test_fixture_quads_use_declared_terms(name):
    for record in records(name):
        encoded = ENCODER.encode(record).quads
        assert ontology_problems(encoded, check_domains=True, passthrough=_own_terms(encoded)) == []


# -- errors -------------------------------------------------------------------------------------


def test_malformed_json_is_one_parse_error_with_its_line():
    (error,) = read("malformed.json")
    assert isinstance(error, ParseError)
    assert (error.source, error.line) == (str(W3C / "malformed.json"), 6)
    assert "PROV-JSON" in error.message and "double quotes" in error.message


def test_document_the_prov_package_rejects_is_one_parse_error_with_its_message():
    (error,) = read("rejected.json")
    assert isinstance(error, ParseError)
    assert "'wasCopiedFrom' is not a recognised PROV-N record-type" in error.message


def test_turtle_syntax_error_gives_the_line(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix prov: <http://www.w3.org/ns/prov#> .\n<a> a prov:Entity .\n<b> prov:used <a> <c> .\n")
    (error,) = w3c.turtle.read(path)
    assert isinstance(error, ParseError) and error.line == 3
    assert error.message.startswith("not valid PROV-O Turtle")


def test_mention_is_stored_with_its_bundle(tmp_path):
    path = tmp_path / "mention.provn"
    path.write_text(
        "document\n  prefix ex <https://example.org/>\n  entity(ex:e1)\n  entity(ex:e2)\n  bundle ex:b\n"
        "    entity(ex:e0)\n  endBundle\n  mentionOf(ex:e1, ex:e2, ex:b)\nendDocument\n"
    )
    main, bundle = w3c.provn.read(path)
    e1, e2, b = (ext(f"https://example.org/{name}") for name in ("e1", "e2", "b"))
    assert main.mentions == [m.Mention(e1, e2, b)]
    out = triples(main)
    assert ("https://example.org/e1", PROV + "mentionOf", "https://example.org/e2") in out
    assert ("https://example.org/e1", PROV + "asInBundle", "https://example.org/b") in out
    assert [e.id for e in bundle.entities] == [ext("https://example.org/e0")]


_PROV_XML = ('<prov:document xmlns:prov="http://www.w3.org/ns/prov#" xmlns:ex="https://example.org/">\n'
             '  <prov:collection prov:id="ex:c"/>\n{}\n</prov:document>\n')


def test_prov_xml_membership_keeps_every_member(tmp_path):
    """PROV-XML's hadMember may name several entities: each is a member (PROV-N and PROV-O name one each)."""
    path = tmp_path / "members.xml"
    path.write_text(_PROV_XML.format('  <prov:hadMember><prov:collection prov:ref="ex:c"/>'
                                     '<prov:entity prov:ref="ex:e0"/><prov:entity prov:ref="ex:e1"/>'
                                     '<prov:entity prov:ref="ex:e2"/></prov:hadMember>'))
    (record,) = w3c.provxml.read(path)
    assert sorted(ms.member for ms in record.memberships) == [ext(f"https://example.org/e{i}") for i in range(3)]


def test_prov_xml_relation_naming_its_activity_twice_is_rejected(tmp_path):
    path = tmp_path / "twice.xml"
    path.write_text(_PROV_XML.format('  <prov:used><prov:activity prov:ref="ex:a1"/><prov:activity prov:ref="ex:a2"/>'
                                     '<prov:entity prov:ref="ex:c"/></prov:used>'))
    (error,) = w3c.provxml.read(path)
    assert isinstance(error, ParseError)
    assert "names its activity twice" in error.message and "line 3" in error.message


def test_relation_without_a_mandatory_argument_is_reported(tmp_path):
    path = tmp_path / "partial.json"
    path.write_text('{"prefix": {"ex": "https://example.org/"}, "entity": {"ex:e": {}}, '
                    '"wasAttributedTo": {"_:a": {"prov:entity": "ex:e"}}}')  # fmt: skip
    (record,) = w3c.provjson.read(path)  # the relation is left out, the record is not rejected
    assert not record.attributions
    ((kind, message),) = record.warnings
    assert kind == "relation left out"
    assert message.startswith("wasAttributedTo(https://example.org/e, -) has no agent")


def test_provdm_link_written_as_an_attribute(tmp_path):
    path = tmp_path / "described.json"
    path.write_text("""{
      "prefix": {"ex": "https://example.org/", "voprov": "http://www.ivoa.net/documents/ProvenanceDM/index.html#"},
      "activity": {"ex:run": {"voprov:isDescribedBy": {"$": "ex:desc", "type": "prov:QUALIFIED_NAME"}}},
      "entity": {"ex:desc": {"prov:type": {"$": "voprov:ActivityDescription", "type": "prov:QUALIFIED_NAME"},
                             "prov:name": "run"}}
    }""")
    (record,) = w3c.provjson.read(path)
    assert [(a.id, a.description, a.extra) for a in record.activities] == [
        (ext("https://example.org/run"), ext("https://example.org/desc"), {})]
    assert [d.name for d in record.activity_descriptions] == ["run"]
    assert not record.entities


# -- plain PROV stays plain PROV-O ----------------------------------------------------------

UNNAMED_AGENTS = """{"prefix": {"ex": "http://example.org/lab#"},
 "entity": {"ex:report": {"prov:type": "ex:Document"}}, "activity": {"ex:write": {}},
 "agent": {"ex:alice": {"prov:type": {"$": "prov:Person", "type": "prov:QUALIFIED_NAME"}},
           "ex:bot": {"prov:type": {"$": "ex:Robot", "type": "prov:QUALIFIED_NAME"}}},
 "wasGeneratedBy": {"_:g1": {"prov:entity": "ex:report", "prov:activity": "ex:write"}},
 "wasAssociatedWith": {"_:a1": {"prov:activity": "ex:write", "prov:agent": "ex:alice", "prov:role": "writer"}},
 "actedOnBehalfOf": {"_:d1": {"prov:delegate": "ex:bot", "prov:responsible": "ex:alice"}}}"""


def test_a_plain_prov_document_is_stored_as_plain_prov_o():
    (record,) = [item for item in records("plain.json") if item.activities]
    assert record.plain
    quads = ENCODER.encode(record).quads
    assert not [q for q in quads if q.predicate.value == RDF + "type" and q.object.value.startswith(VOPROV)]
    assert {q.object.value for q in quads if q.predicate.value == RDF + "type"} >= {PROV + "Activity", PROV + "Entity"}


def test_an_opus_job_is_provdm():
    (job,) = [item for item in records("opus_job.json") if item.parameters]
    assert not job.plain
    quads = ENCODER.encode(job).quads
    assert any(q.object == NamedNode(VOPROV + "Activity") for q in quads)


def test_plain_prov_is_not_held_to_provdm_rules(tmp_path):
    """Agents without a name, an agent of the document's own type, a free role: valid PROV, not ProvDM."""
    path = tmp_path / "lab.json"
    path.write_text(UNNAMED_AGENTS)
    (record,) = [item for item in w3c.provjson.read(path) if isinstance(item, m.Record)]
    assert record.plain
    (issues,) = Validator().check_batch([ENCODER.encode(record)])
    assert [issue for issue in issues if issue.severity == "Violation"] == []
    provdm = m.Record(id="lab", agents=[m.Agent(id="alice", name="")])
    (issues,) = Validator().check_batch([ENCODER.encode(provdm)])
    assert [issue.shape.rsplit("#", 1)[-1] for issue in issues] == ["AgentNameShape"]


# -- what the field's tools really write (tests/data/{voprov,opus,logprov,prov}, each made by its make.py) --

VOPROV_DIR, OPUS_DIR, LOGPROV_DIR, PROV_DIR = (DATA / name for name in ("voprov", "opus", "logprov", "prov"))
#: voprov 0.0.4's own serializations of one analysis, IVOA model and get_w3c() flattened
VOPROV_FILES = ["cta_analysis.json", "cta_analysis.xml", "cta_analysis.provn",
                "cta_analysis_w3c.json", "cta_analysis_w3c.xml", "cta_analysis_w3c.provn"]
CTOOLS, ANA = "http://cta.irap.omp.eu/ctools/", "http://example.org/cta-analysis/crab/"
_BY_SUFFIX = {".json": w3c.provjson, ".xml": w3c.provxml, ".provn": w3c.provn, ".ttl": w3c.turtle, ".trig": w3c.trig,
              ".jsonld": w3c.jsonld}


def read_file(path: Path) -> list[m.Record]:
    items = list(_BY_SUFFIX[path.suffix].read(path))
    assert not [item for item in items if isinstance(item, ParseError)], items
    return items


def _provdm_summary(record: m.Record) -> dict:
    """What a ProvDM record says, without the ids the serializations may spell differently."""
    return {
        "activities": sorted((a.name, a.description) for a in record.activities),
        "parameters": sorted((p.activity, p.name, m.Typed(p.value).text if isinstance(p.value, str) else p.value.text,
                              p.extra.get("rdfs:label"), p.description) for p in record.parameters),
        "config files": sorted((c.name, c.location, c.description) for c in record.config_files),
        "agents": sorted((a.id, a.name, a.type, a.email, a.extra.get("rdfs:label")) for a in record.agents),
        "descriptions": sorted((d.id, d.name, d.type, sorted(u.role for u in d.usages),
                                sorted(g.role for g in d.generations), sorted(p.name for p in d.parameters),
                                sorted(c.name for c in d.config_files)) for d in record.activity_descriptions),
        "entity descriptions": sorted((d.id, d.kind, d.content_type, d.value_type) for d in record.entity_descriptions),
        "usages": sorted((u.activity, u.entity, u.role, u.description) for u in record.usages),
        "related": sorted((r.kind, r.subject, r.object) for r in record.related),
    }


@pytest.mark.parametrize("name", VOPROV_FILES)
def test_voprov_serializations_are_read_into_the_provdm_model(name):
    """voprov's PROV-XML (root voprov:document), PROV-N with ProvDM statements, IVOA PROV-JSON and
    their get_w3c() flattening: every one gives the same ProvDM records."""
    main, quicklook = read_file(VOPROV_DIR / name)
    reference = _provdm_summary(read_file(VOPROV_DIR / "cta_analysis.xml")[0])
    assert _provdm_summary(main) == reference
    assert quicklook.id == ext(ANA + "quicklook") and [a.name for a in quicklook.activities] == ["ctskymap"]
    assert main.warnings == []
    nxpix = one_of(main.parameters, name="nxpix")
    assert (nxpix.value, nxpix.extra["rdfs:label"]) == ("100", "nxpix = 100")  # a name and a label, apart
    assert nxpix.description == ext(CTOOLS + "ctbin#nxpix")
    (statistic,) = [p for d in main.activity_descriptions for p in d.parameters if p.name == "statistic"]
    assert statistic.options == ["DEFAULT", "CSTAT", "WSTAT", "CHI2"]  # voprov writes them as one text
    ctlike = one_of(main.activity_descriptions, name="ctlike")
    assert [c.name for c in ctlike.config_files] == ["inmodel"]
    assert ("hadReference", ext(CTOOLS + "ctlike"), ext(ANA + "knoedlseder2016")) in reference["related"]
    ctao = one_of(main.agents, name="CTAO")
    assert (ctao.type, ctao.address, ctao.extra) == ("Organization", "Bologna, Italy", {"rdfs:label": "CTA Observatory"})
    delegation, = main.delegations
    assert (delegation.delegate, delegation.responsible) == (ext("http://example.org/cta-analysis/staff/alice"), ctao.id)


def one_of(items, **match):
    (found,) = [item for item in items if all(getattr(item, key) == value for key, value in match.items())]
    return found


@pytest.mark.parametrize("name", VOPROV_FILES)
def test_voprov_serializations_are_stored_without_a_violation(name):
    from provrdf import ingest, open_store, query

    store = open_store(":memory:")
    report = ingest(store, [VOPROV_DIR / name])
    assert report.ok and report.stored == 2, [str(r) for r in report.rejected]
    rows = query(store, f"""SELECT ?name ?label WHERE {{ <{ANA}ctbin_7e9d03/nxpix> voprov:name ?name ;
                                                        rdfs:label ?label }}""")
    assert [(r["name"].value, r["label"].value) for r in rows] == [("nxpix", "nxpix = 100")]


@pytest.mark.parametrize("suffix", [".json", ".xml"])
def test_opus_job_documents_in_json_and_xml(suffix):
    """OPUS's provenance.json and provenance.xml (voprov's serializers) of the same job give the same record."""
    (job,) = read_file(OPUS_DIR / f"ctbin_4a9e2c.provenance{suffix}")
    assert job.id == read_file(OPUS_DIR / "ctbin_4a9e2c.provenance.json")[0].id
    (activity,) = job.activities
    assert activity.id == ext("https://voparis-uws-test.obspm.fr/rest/ctbin/4a9e2c")
    assert activity.extra["rdfs:label"] == "ctbin" and activity.name is None
    (owner,) = job.agents
    assert (owner.name, owner.extra) == (None, {"rdfs:label": "jdoe"})  # OPUS names the owner by label only
    binsz = one_of(job.parameters, name="binsz")
    assert binsz.value == "0.02" and binsz.extra["rdfs:label"] == "binsz = 0.02"
    assert binsz.extra[VOPROV + "required"] == "true" and binsz.extra[VOPROV + "unit"] == "deg/pix"
    assert [(u.role, u.entity) for u in job.usages] == [("inobs", ext("https://voparis-uws-test.obspm.fr/store/?ID=e5f1a0"))]


def test_opus_provsap_answer_with_descriptions_is_stored():
    """A ProvSAP answer over two jobs, with their descriptions: a parameter that names an input file is
    described by the usage description of that input, as OPUS writes it."""
    from provrdf import ingest, open_store

    report = ingest(open_store(":memory:"), [OPUS_DIR / "provsap_c81f07_depth3_descriptions2.json"])
    assert report.ok, [str(r) for r in report.rejected]
    assert {w.kind for w in report.warnings} <= {"agent name", "agent role vocabulary", "SHACL"}


@pytest.mark.parametrize("name", ["imagestack.json", "imagestack.xml", "imagestack.provn", "imagestack.ttl"])
def test_logprov_exports_keep_their_own_namespaces(name):
    """logprov binds prefixes to their bare names ("param": "param:", "voprov": "voprov:"): voprov: is
    the voprov namespace, the others stay the absolute IRIs they are."""
    (record,) = read_file(LOGPROV_DIR / name)
    # logprov writes a parameter as an entity the activity used, typed voprov:Parameter, named and labelled
    nxpix = one_of(record.entities, id=ext("session:8790061133852_0f368c_nxpix"))
    assert (nxpix.name, nxpix.value, nxpix.extra) == (
        "nxpix", "100", {"rdfs:label": "nxpix = 100", "rdf:type": m.IRI(VOPROV + "Parameter")})
    activity = one_of(record.activities, id=ext("session:8790061133852_0f368c"))
    assert activity.extra["rdfs:label"] == "stack_frames"
    assert "param:in_session" in activity.extra
    from provrdf import ingest, open_store

    report = ingest(open_store(":memory:"), [LOGPROV_DIR / name])
    assert report.ok, [str(r) for r in report.rejected]


@pytest.mark.parametrize("name", ["every_statement.json", "every_statement.xml", "every_statement.provn",
                                  "every_statement.ttl", "every_statement.trig"])
def test_every_prov_dm_statement_kind_is_kept(name):
    """A document of the prov package with every PROV-DM statement: each kind is in the records."""
    items = read_file(PROV_DIR / name)
    kinds = {field for record in items for field in ("usages", "generations", "invalidations", "starts", "ends",
                                                    "communications", "associations", "attributions", "delegations",
                                                    "derivations", "influences", "specializations", "alternates",
                                                    "memberships", "mentions") if getattr(record, field)}
    expected = {"usages", "generations", "invalidations", "starts", "ends", "communications", "associations",
                "attributions", "delegations", "derivations", "influences", "specializations", "alternates",
                "memberships", "mentions"}
    assert kinds == expected
    derivation_types = {d.type for record in items for d in record.derivations}
    assert derivation_types == {None, "Revision", "Quotation", "PrimarySource"}


def test_a_name_in_either_spelling_and_a_label_all_survive_a_round_trip(tmp_path):
    """prov:name (voprov's and OPUS's spelling), voprov:name (logprov's) and prov:label on one node:
    the name is stored once as voprov:name, the label as rdfs:label, and a PROV-JSON export gives both back."""
    import io

    import prov as prov_package

    from provrdf import export, ingest, open_store, query

    path = tmp_path / "named.json"
    path.write_text("""{
      "prefix": {"ex": "https://example.org/", "voprov": "http://www.ivoa.net/documents/ProvenanceDM/index.html#"},
      "activity": {"ex:bin": {}},
      "entity": {"ex:bin/nxpix": {"prov:name": "nxpix", "voprov:name": "nxpix", "prov:label": "nxpix = 100",
                                  "prov:value": "100",
                                  "prov:type": {"$": "voprov:Parameter", "type": "prov:QUALIFIED_NAME"}}},
      "wasInfluencedBy": {"_:c": {"prov:influencee": "ex:bin", "prov:influencer": "ex:bin/nxpix",
                                  "prov:type": {"$": "voprov:wasConfiguredBy", "type": "prov:QUALIFIED_NAME"}}}
    }""")
    store = open_store(":memory:")
    report = ingest(store, [path])
    assert report.ok and not report.warnings, [str(r) for r in report.rejected]
    rows = query(store, "SELECT ?p ?o WHERE { <https://example.org/bin/nxpix> ?p ?o "
                        "FILTER(?p IN (voprov:name, rdfs:label, prov:value)) }")
    assert sorted((r["p"].value, r["o"].value) for r in rows) == sorted([
        (PROV + "value", "100"), (RDFS_LABEL, "nxpix = 100"), (VOPROV + "name", "nxpix")])
    document = prov_package.read(io.BytesIO(export(store, "provjson")), format="json")
    (node,) = [r for b in [document, *document.bundles] for r in b.get_records()
               if r.identifier is not None and r.identifier.uri == "https://example.org/bin/nxpix"]
    attributes = {(name.uri, str(value)) for name, value in node.attributes}
    assert {(VOPROV + "name", "nxpix"), (PROV + "label", "nxpix = 100")} <= attributes


RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def test_a_blank_node_value_is_a_skolem_iri_and_its_own_triples_are_named(tmp_path):
    from provrdf import ingest, open_store, query

    document = tmp_path / "detector.ttl"
    document.write_text('@prefix prov: <http://www.w3.org/ns/prov#> . @prefix ex: <http://example.org/> .\n'
                        'ex:e1 a prov:Entity ; ex:detector [ ex:name "LST-1" ; ex:site "La Palma" ] .\n')
    with open_store(":memory:") as store:
        report = ingest(store, [document])
        assert report.ok and report.stored == 1
        (warning,) = [w for w in report.warnings if w.kind == "triples not read"]
        assert warning.message.startswith("2 triple(s) about 1 resource(s) that are no PROV node are not read")
        (value,) = [row.node("o") for row in query(store, "SELECT ?o { <http://example.org/e1> <http://example.org/detector> ?o }")]
        assert value.value.startswith(store.base + ".well-known/genid/")
        again = open_store(":memory:")
        ingest(again, [document])  # the same input, the same skolem IRI
        assert [row.node("o") for row in query(again, "SELECT ?o { ?s <http://example.org/detector> ?o }")] == [value]

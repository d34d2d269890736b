"""The ontologies parse, document every term, and declare every term provrdf writes.

The encoder is the contract: a record that sets every field of every model
class is encoded, and each predicate and each ``rdf:type`` object of its
quads must be a term declared in ``ontology/*.ttl`` or a real PROV-O (or
RDF/RDFS) term. The same check runs on the records the ctapipe reader makes
from the logs in ``tests/data/ctapipe/`` and ``provrdf/data/demo/``.
"""

from __future__ import annotations

import ast
import dataclasses
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterable

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse
from rdflib import OWL, RDF, RDFS, URIRef

from provrdf import model as m
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import CTAO, PROV, PROVRDF, VOPROV, XSD

from helpers.ontology import (
    OWN, OWN_NAMESPACES, PROPERTY_KINDS, PROV_CLASSES, PROV_PROPERTIES, ROOT,
    VOPROV_READER_ONLY, declared_terms, members, ontology_files_found, ontology_problems, parse_ontology,
    superclasses, union_of_ontologies,
)


def test_ontology_files_are_found():
    assert sorted(path.name for path in ontology_files_found()) == sorted(OWN)


@pytest.mark.parametrize("name", sorted(OWN))
def test_ontology_parses_with_a_header(name):
    graph = parse_ontology(next(path for path in ontology_files_found() if path.name == name))
    (header,) = graph.subjects(RDF.type, OWL.Ontology)
    for predicate in (RDFS.label, RDFS.comment, OWL.versionInfo):
        assert graph.value(header, predicate), f"{name}: the ontology has no {predicate}"
    assert not list(graph.objects(header, OWL.imports)), f"{name}: references PROV-O, does not import it"


@pytest.mark.parametrize("name", sorted(OWN))
def test_every_term_is_documented(name):
    graph = parse_ontology(next(path for path in ontology_files_found() if path.name == name))
    declared = declared_terms(graph)
    assert declared, f"{name} declares nothing"
    problems = []
    for term, kinds in sorted(declared.items()):
        if not str(term).startswith(OWN[name]):
            problems.append(f"{term}: declared in {name}, outside its namespace {OWN[name]}")
        if len(kinds - {OWL.NamedIndividual}) > 1:
            problems.append(f"{term}: declared as several kinds {sorted(kinds)}")
        for predicate in (RDFS.label, RDFS.comment):
            if not str(graph.value(term, predicate) or "").strip():
                problems.append(f"{term}: no {predicate}")
        if kinds & set(PROPERTY_KINDS):
            domain, rng = graph.value(term, RDFS.domain), graph.value(term, RDFS.range)
            if domain is None or rng is None:
                problems.append(f"{term}: a property needs rdfs:domain and rdfs:range")
                continue
            datatype = OWL.DatatypeProperty in kinds
            for cls in members(graph, rng):
                is_datatype = str(cls).startswith(XSD) or cls in (RDF.JSON, RDFS.Literal)
                if is_datatype != datatype:
                    problems.append(f"{term}: range {cls} does not suit an {sorted(kinds)[0]}")
    assert not problems, "\n".join(problems)


def test_every_referenced_term_exists():
    """Every provrdf-namespace IRI used in the ontologies is declared; every prov: IRI is real PROV-O."""
    graph = union_of_ontologies()
    declared = declared_terms(graph)
    problems = set()
    for triple in graph:
        for term in triple:
            if not isinstance(term, URIRef):
                continue
            text = str(term)
            if text.startswith(OWN_NAMESPACES) and term not in declared:
                problems.add(f"{term}: used but not declared")
            if text.startswith(PROV) and text[len(PROV) :] not in PROV_CLASSES | PROV_PROPERTIES:
                problems.add(f"{term}: not a PROV-O term")
    assert not problems, "\n".join(sorted(problems))


def test_alignment_to_prov_o():
    graph = union_of_ontologies()
    v, p, prov_ = rdflib.Namespace(VOPROV), rdflib.Namespace(PROVRDF), rdflib.Namespace(PROV)
    expected = {
        v.Entity: prov_.Entity, v.Activity: prov_.Activity, v.Agent: prov_.Agent,
        v.Used: prov_.Usage, v.WasGeneratedBy: prov_.Generation, v.WasAssociatedWith: prov_.Association,
        v.WasAttributedTo: prov_.Attribution, v.WasDerivedFrom: prov_.Derivation,
        v.WasInformedBy: prov_.Communication, v.Collection: prov_.Collection,
        v.DatasetEntity: prov_.Entity, v.ValueEntity: prov_.Entity, v.Parameter: prov_.Entity,
        v.ConfigFile: prov_.Entity, v.WasConfiguredBy: prov_.Influence,
        p.IngestRun: prov_.Activity, p.Source: prov_.Entity,
    }  # fmt: skip
    for cls, parent in expected.items():
        assert parent in superclasses(graph, cls), f"{cls} should be a subclass of {parent}"
    assert v.Entity in superclasses(graph, v.Collection)
    assert (v.wasConfiguredBy, RDFS.subPropertyOf, prov_.wasInfluencedBy) in graph
    assert (v.wasConfiguredBy, RDFS.subPropertyOf, prov_.used) not in graph
    assert (v.qualifiedConfiguration, RDFS.subPropertyOf, prov_.qualifiedInfluence) in graph
    assert (v.artefact, RDFS.subPropertyOf, prov_.influencer) in graph
    for old, new, link in (
        (v.doculink, v.docurl, OWL.equivalentProperty),
        (v.UsedDescription, v.UsageDescription, OWL.equivalentClass),
        (v.WasGeneratedByDescription, v.GenerationDescription, OWL.equivalentClass),
        (v.Configfile, v.ConfigFile, OWL.equivalentClass),
    ):
        assert (old, link, new) in graph
        assert graph.value(old, OWL.deprecated).toPython() is True
    assert graph.value(v.annotation, OWL.deprecated).toPython() is True


# -- checking quads against the ontologies --------------------------------------


# -- a record that uses everything the model has ------------------------------------

T0 = datetime(2025, 3, 27, 14, 2, 11, tzinfo=timezone.utc)

SYSTEM = {
    "ctao:ctapipeVersion": "0.24.0",
    "ctao:ctapipeResourcesVersion": "0.3.2",
    "ctao:eventioVersion": "1.14.0",
    "ctao:executable": "/opt/conda/bin/python",
    "ctao:arguments": "ctapipe-process --input 'gamma run.simtel.zst'",
    "ctao:startTime": T0,
    "ctao:hostName": "worker-17",
    "ctao:operatingSystem": "Linux",
    "ctao:osRelease": "5.14.0",
    "ctao:machine": "x86_64",
    "ctao:nCpus": 16,
    "ctao:libcVersion": "glibc 2.34",
    "ctao:bootTime": T0 - timedelta(days=3),
    "ctao:pythonVersion": "3.11.6",
    "ctao:pythonImplementation": "CPython",
    "ctao:pythonPackage": ["numpy 1.26.4", "astropy 6.0.1"],
    "ctao:environment": {"CONDA_DEFAULT_ENV": "cta"},
    "ctao:systemJSON": {"ctapipe_version": "0.24.0", "platform": {"n_cpus": 16}},
}
REFERENCE = {
    "ctao:productId": "5e4a6f0c-1111-4b5e-9d1c-2a2a2a2a2a2a",
    "ctao:diracGuid": "7C0E5A3B-2F4D-4E1A-9B8C-6D5E4F3A2B1C",
    "ctao:productDescription": "DL1 images and parameters",
    "ctao:productCreationTime": T0 + timedelta(minutes=2),
    "ctao:productDataCategory": "Sim",
    "ctao:productDataLevels": ["DL1_IMAGES", "DL1_PARAMETERS"],
    "ctao:productDataAssociation": "Subarray",
    "ctao:productDataModelName": "ASWG",
    "ctao:productDataModelVersion": "v6.0.0",
    "ctao:productDataModelUrl": "https://example.org/datamodel",
    "ctao:productFormat": "hdf5",
    "ctao:processType": "Simulation",
    "ctao:processSubtype": "none",
    "ctao:processId": "prod6",
    "ctao:activityName": "ctapipe-process",
    "ctao:activityType": "software",
    "ctao:activityId": "act-1",
    "ctao:activityStartTime": T0,
    "ctao:activitySoftwareName": "ctapipe",
    "ctao:activitySoftwareVersion": "0.24.0",
    "ctao:instrumentSite": "CTAO-South",
    "ctao:instrumentClass": "Subarray",
    "ctao:instrumentType": "unknown",
    "ctao:instrumentSubtype": "unknown",
    "ctao:instrumentVersion": "1",
    "ctao:instrumentId": "alpha",
    "ctao:contactOrganization": "CTAO",
    "ctao:contactName": "A. Person",
    "ctao:contactEmail": "a.person@example.org",
    "ctao:referenceVersion": "1",
    "ctao:referenceMeta": {"CTA PRODUCT ID": "5e4a6f0c-1111-4b5e-9d1c-2a2a2a2a2a2a"},
}
OUTCOME = {"ctao:status": "completed", "ctao:exitCode": 0, "ctao:durationMinutes": 2.25}


#: An attribute of a source document's own vocabulary, passed through as written.
FOAF_AGE = "http://xmlns.com/foaf/0.1/age"


def full_record() -> m.Record:
    """A record in which every field of every model class is set somewhere."""
    usage_d = m.UsageDescription("ud-1", "input", "the simulated events", "Main", "1", "ed-dataset",
                                 {"rdfs:comment": "one file"})
    generation_d = m.GenerationDescription("gd-1", "output", "the DL1 file", "Main", "1", "ed-dataset",
                                           {"rdfs:comment": "one file per run"})
    parameter_d = m.ParameterDescription(
        "pd-1", "max_events", "int", "events to read at most", "ct", "meta.number", "param:maxEvents",
        "1", "1000000", ["10", "100"], "100", {"rdfs:label": "maximum number of events"},
    )  # fmt: skip
    config_d = m.ConfigFileDescription("cd-1", "config.yaml", "application/yaml", "the tool configuration",
                                       {"rdfs:comment": "YAML"})
    return m.Record(
        id="record-1",
        source="test.provenance.log",
        index=3,
        activities=[
            m.Activity(
                "act-1", "ctapipe-process", T0, T0 + timedelta(minutes=2, seconds=15), "a full run",
                "ad-1", part_of="act-0", extra=dict(OUTCOME), system=dict(SYSTEM),
            ),
            m.Activity("act-0", "ctapipe-merge"),
        ],  # fmt: skip
        entities=[
            m.Entity(
                "e-entity", "entity", "notes", "/data/notes.txt", T0, T0 + timedelta(days=1),
                "a plain entity", "17", "ed-entity",
            ),
            m.Entity("e-in", "dataset", "gamma.simtel.zst", "/data/gamma.simtel.zst", description="ed-dataset"),
            m.Entity(
                "e-out", "dataset", "gamma.dl1.h5", "/data/gamma.dl1.h5", T0 + timedelta(minutes=2),
                description="ed-dataset", extra=dict(REFERENCE),
            ),
            m.Entity("e-value", "value", "max_events", value="100", description="ed-value"),
            m.Entity("e-all", "collection", "all outputs"),
            m.Entity("e-plan", name="run plan", extra={"rdf:type": m.IRI(PROV + "Plan")}),
            m.Entity("e-lost", name="lost", value=m.Typed("17", XSD + "int")),
        ],  # fmt: skip
        agents=[
            m.Agent(
                "ag-person", "A. Person", "Person", "the operator", "a.person@example.org", "CTAO",
                "+49 000", "Platanenallee 6, Zeuthen", "https://example.org/~ap",
                {
                    "prov:atLocation": "Zeuthen",
                    "rdfs:seeAlso": m.IRI("https://orcid.org/0000-0002-1825-0097"),
                    "rdfs:comment": m.Typed("Betreiberin", language="de"),
                    FOAF_AGE: m.Typed("42", datatype="http://www.w3.org/2001/XMLSchema#short"),
                },
            ),
            m.Agent("ag-org", "CTAO", "Organization"),
            m.Agent("ag-soft", "ctapipe", "SoftwareAgent"),
        ],  # fmt: skip
        usages=[
            m.Usage("act-1", "e-in", "input", T0 + timedelta(seconds=1), "ud-1"),
            m.Usage("act-1", "e-value", "input", id="u-events", extra={"rdfs:comment": "read at start"}),
            m.Usage("act-0", None, time=T0),  # used(a, -, t): PROV allows an unknown entity
        ],
        generations=[
            m.Generation("e-out", "act-1", "output", "gd-1", T0 + timedelta(minutes=2), "g-out",
                         {"rdfs:seeAlso": m.IRI("https://example.org/dl1-format")}),
            m.Generation("e-lost", None, time=T0 + timedelta(minutes=1)),
        ],  # fmt: skip
        associations=[
            m.Association("act-1", "ag-person", "Operator", "e-plan", "as-op", {"rdfs:comment": "on shift"}),
            m.Association("act-1", "ag-soft"),
        ],
        attributions=[m.Attribution("e-out", "ag-org", "Publisher", "at-1", {"rdfs:comment": "released"})],
        derivations=[
            m.Derivation("e-out", "e-in", "act-1", "g-out", "u-events", "Revision", "d-1", {FOAF_AGE: m.Typed("1")}),
            m.Derivation("e-all", "e-out"),
        ],
        communications=[m.Communication("act-1", "act-0", "c-1", {"rdfs:comment": "merge first"})],
        memberships=[m.Membership("e-all", "e-out")],
        invalidations=[m.Invalidation("e-entity", "act-1", T0 + timedelta(days=1), "cleanup", "inv-1",
                                      {"rdfs:comment": "superseded"})],
        starts=[m.Start("act-1", "e-in", "act-0", T0, "trigger", "st-1", {"rdfs:comment": "queued"})],
        ends=[m.End("act-1", "e-out", "act-0", T0 + timedelta(minutes=2, seconds=15), "done", "en-1",
                    {"rdfs:comment": "finished"})],
        delegations=[m.Delegation("ag-soft", "ag-person", "act-1", "runner", "dl-1", {"rdfs:comment": "batch"})],
        influences=[m.Influence("act-0", "ag-org", "inf-1", {"rdfs:comment": "policy"})],
        specializations=[m.Specialization("e-out", "e-entity")],
        alternates=[m.Alternate("e-in", "e-entity")],
        mentions=[m.Mention("e-out", "e-in", "e-plan")],
        related=[m.Related("e-plan", "e-entity", "isRelatedTo"), m.Related("e-entity", "e-lost", "hadReference")],
        parameters=[
            m.Parameter("act-1", "max_events", "100", "pd-1", "e-value"),
            m.Parameter("act-1", "max_events", m.Typed("100", XSD + "int"), "pd-1", None, "<urn:x-param:max-events>",
                        {"rdfs:comment": "as typed"}),
        ],
        config_files=[
            m.ConfigFile("act-1", "config.yaml", "/cfg/config.yaml", "as given", "cd-1", "cf-1",
                         {"rdfs:seeAlso": m.IRI("https://example.org/config")}),
        ],
        activity_descriptions=[
            m.ActivityDescription(
                "ad-1", "ctapipe-process", "0.24.0", "simtel to DL1", "https://ctapipe.readthedocs.io",
                "Reconstruction", "DL1", [usage_d], [generation_d], [parameter_d], [config_d],
                {"rdfs:seeAlso": m.IRI("https://ctapipe.readthedocs.io/en/latest/user-guide/tools.html")},
            )
        ],  # fmt: skip
        entity_descriptions=[
            m.EntityDescription("ed-entity", "notes", "entity", "free notes", "https://example.org/notes", "Log",
                                extra={"rdfs:label": "shift notes"}),
            m.EntityDescription("ed-dataset", "DL1 file", "dataset", content_type="application/x-hdf5"),
            m.EntityDescription(
                "ed-value", "event count", "value", value_type="int", unit="ct", ucd="meta.number", utype="x:y"
            ),
        ],
        warnings=[("claim disagrees with the record", "the output's metadata names another activity")],
    )


def _dataclass_instances(obj) -> Iterable:
    if dataclasses.is_dataclass(obj):
        yield obj
        for f in dataclasses.fields(obj):
            yield from _dataclass_instances(getattr(obj, f.name))
    elif isinstance(obj, (list, tuple)):
        for item in obj:
            yield from _dataclass_instances(item)
    elif isinstance(obj, dict):
        yield from _dataclass_instances(list(obj.values()))


def test_full_record_sets_every_field_of_the_model():
    """Guards the other tests: a field added to the model must be added to the record."""
    record = full_record()
    instances = list(_dataclass_instances(record))
    classes = {obj for name in m.__all__ if dataclasses.is_dataclass(obj := getattr(m, name))}
    assert {type(obj) for obj in instances} == classes
    for cls in classes:
        for f in dataclasses.fields(cls):
            values = [getattr(obj, f.name) for obj in instances if type(obj) is cls]
            assert any(value not in (None, "", [], {}) for value in values), f"{cls.__name__}.{f.name} is never set"
    assert {e.kind for e in record.entities} == set(m.ENTITY_KINDS)
    assert {a.type for a in record.agents} == set(m.AGENT_TYPES)
    assert {d.kind for d in record.entity_descriptions} == {"entity", "dataset", "value"}


def test_full_record_uses_every_ctao_term():
    declared = {str(t)[len(CTAO) :] for t in declared_terms(parse_ontology(ROOT / "ontology" / "ctao.ttl"))}
    used = {name.split(":", 1)[1] for name in (*SYSTEM, *REFERENCE, *OUTCOME)} | {"system", "System"}
    assert used == declared


def test_every_encoded_term_is_declared():
    quads = Encoder("https://example.org/prov/").encode(full_record()).quads
    assert len(quads) > 150
    assert ontology_problems(quads, check_domains=True, passthrough=[FOAF_AGE]) == []
    assert ontology_problems(quads, check_domains=True) == [f"predicate {FOAF_AGE} is neither declared nor a PROV-O/RDF/RDFS term"]


def test_every_voprov_term_is_written_or_reader_only():
    graph = union_of_ontologies()
    quads = Encoder().encode(full_record()).quads
    written = {q.predicate.value for q in quads} | {q.object.value for q in quads if q.predicate.value == str(RDF.type)}
    written = {t[len(VOPROV) :] for t in written if t.startswith(VOPROV)}
    declared = {str(t)[len(VOPROV) :] for t in declared_terms(graph) if str(t).startswith(VOPROV)}
    deprecated = {str(t)[len(VOPROV) :] for t in graph.subjects(OWL.deprecated, None) if str(t).startswith(VOPROV)}
    assert written | VOPROV_READER_ONLY | deprecated == declared
    assert not written & deprecated


def test_an_undeclared_term_is_caught():
    """The checker itself: an invented term in each namespace is reported."""
    quads = Encoder().encode(full_record()).quads
    node, graph = quads[0].subject, quads[0].graph_name
    bad = [
        Quad(node, NamedNode(VOPROV + "colour"), Literal("red"), graph),
        Quad(node, NamedNode(CTAO + "colour"), Literal("red"), graph),
        Quad(node, NamedNode(PROV + "name"), Literal("red"), graph),
        Quad(node, NamedNode(str(RDF.type)), NamedNode(PROV + "Thing"), graph),
        Quad(node, NamedNode(str(RDF.type)), NamedNode(VOPROV + "Configfile"), graph),
        Quad(node, NamedNode(VOPROV + "docurl"), NamedNode("https://example.org/"), graph),
        Quad(node, NamedNode(CTAO + "nCpus"), Literal("16"), graph),
    ]
    problems = ontology_problems(quads + bad, passthrough=[FOAF_AGE])
    assert len(problems) == len(bad), "\n".join(problems)


def test_readme_example_uses_declared_terms():
    text = (ROOT / "ontology" / "README.md").read_text(encoding="utf-8")
    blocks = [block.split("```", 1)[0] for block in text.split("```trig\n")[1:]]
    assert blocks, "ontology/README.md has no TriG example"
    for block in blocks:
        quads = list(parse(block, format=RdfFormat.TRIG))
        assert quads and ontology_problems(quads, check_domains=True) == []


# -- the source code and the ctapipe reader ---------------------------------------------


def _source_terms() -> list[tuple[str, str]]:
    """``(file, IRI)`` of every ``P.x``/``V.x``/``C.x``/``R.x`` and ``V["x"]`` in provrdf's code."""
    namespaces = {"P": PROV, "V": VOPROV, "C": CTAO, "R": PROVRDF}
    found = []
    for path in sorted((ROOT / "provrdf").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "provrdf.rdf.terms"
            for alias in node.names
            if alias.name in namespaces
        }
        for node in ast.walk(tree):
            name = None
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and not node.attr.startswith("_"):
                holder, name = node.value.id, node.attr
            elif (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Name)
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
            ):
                holder, name = node.value.id, node.slice.value
            if name is not None and holder in imported:
                found.append((str(path.relative_to(ROOT)), namespaces[holder] + name))
    return found


def test_every_term_named_in_the_code_exists():
    declared = {str(t) for t in declared_terms(union_of_ontologies())}
    prov_terms = {PROV + name for name in PROV_CLASSES | PROV_PROPERTIES}
    unknown = [f"{where}: {iri}" for where, iri in _source_terms() if iri not in declared | prov_terms]
    assert not unknown, "\n".join(unknown)


def _reader_inputs() -> list[Path]:
    """The ctapipe logs present when the tests are collected (none is fine)."""
    found = []
    for folder in (ROOT / "tests" / "data" / "ctapipe", ROOT / "provrdf" / "data" / "demo"):
        if folder.is_dir():
            found += [p for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.startswith(".")]
    return found


@pytest.mark.parametrize("path", _reader_inputs(), ids=lambda p: str(p.relative_to(ROOT)))
def test_ctapipe_reader_output_is_declared(path):
    from provrdf.capture import get_reader
    from provrdf.errors import ParseError

    reader = get_reader("ctapipe")
    if path.is_relative_to(ROOT / "provrdf" / "data" / "demo"):
        head = path.read_bytes()[:65536].decode("utf-8", errors="replace")
        if not reader.sniff(head):
            pytest.skip("not a ctapipe provenance log")
    encoder = Encoder()
    records = [item for item in reader.read(path) if not isinstance(item, ParseError)]
    problems = sorted({problem for record in records for problem in ontology_problems(encoder.encode(record).quads, check_domains=True)})
    assert not problems, "\n".join(problems)


# -- what the exporters write -------------------------------------------------------

#: Namespaces of the W3C fixtures' own attributes, which provrdf keeps as written.
SOURCE_NAMESPACES = ("https://archive.example.org/ns/obs#", "https://voparis-uws-test.obspm.fr/ns#")


def _source_terms_in(quads: list[Quad]) -> set[str]:
    terms = {q.predicate.value for q in quads}
    terms |= {q.object.value for q in quads if q.predicate.value == str(RDF.type)}
    return {t for t in terms if t.startswith(SOURCE_NAMESPACES)}


@pytest.mark.parametrize("name", ["turtle", "trig", "ntriples", "nquads", "jsonld", "rdfxml"])
def test_every_exported_term_is_declared(capture_store, name):
    from provrdf.api import export
    from provrdf.formats import get_format

    assert get_format(name).family == "rdf"
    fmt = RdfFormat.from_media_type(get_format(name).media_type)
    quads = list(parse(export(capture_store, name), format=fmt))
    assert len(quads) > 1000
    assert ontology_problems(quads, passthrough=_source_terms_in(quads)) == []


@pytest.mark.parametrize("model", ["ivoa", "w3c"])
def test_every_term_of_a_lineage_is_declared(capture_store, model):
    from provrdf.api import lineage
    from provrdf.serializers import triples_to_quads

    cube = "/data/opus/jobs/1a2b3c/results/cntcube.fits"  # the end of the cross-tool chain
    result = lineage(capture_store, [cube], agents=True, members=True, model=model)
    quads = triples_to_quads(result.triples)
    assert len(result.nodes) > 20
    assert ontology_problems(quads, passthrough=_source_terms_in(quads)) == []

"""Tests of the ``definition.yaml`` reader and of linking gammapy records to their descriptions."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers.records import ENCODER, iri, one, triples
from helpers.ontology import ontology_problems

from provrdf.capture import gammapy
from provrdf.capture.gammapy import definition
from provrdf.errors import ParseError
from provrdf.model import Activity, Record, Usage
from provrdf.rdf.namespaces import PROV, VOPROV
from provrdf.shacl import Validator

DATA = Path(__file__).parent / "data"
OLD = DATA / "definitions" / "gammapy_0.15_definition.yaml"
NEW = DATA / "definitions" / "logprov_definition.yaml"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
NAME = "http://www.ivoa.net/documents/ProvenanceDM/index.html#name"
S2019, SLOGPROV = "4422376192", "140412373522768"


def applied(log: str, path: Path) -> list[Record]:
    definitions = definition.load(path)
    items = list(gammapy.read(DATA / "gammapy" / log))
    assert not [item for item in items if isinstance(item, ParseError)]
    return [definitions.apply(record) for record in items]


# -- reading the two spellings ---------------------------------------------------------


def test_older_spelling():
    defs = definition.load(OLD)
    assert defs.name == "gammapy_0.15_definition"  # no name: the file stem
    assert [d.id for d in defs.activity_descriptions] == [
        "get_observations", "get_datasets", "set_model", "run_fit", "get_flux_points"]
    select = defs.activity_descriptions[0]
    assert select.description.startswith("Fetch observations from the data store")
    (usage,) = select.usages
    assert (usage.id, usage.role, usage.entity_description) == (
        "get_observations/usage/datastore", "datastore", "DataStore")
    assert usage.description == "DataStore object file (location: settings.observations.datastore)"
    (generation,) = select.generations
    assert generation.id == "get_observations/generation/observations"
    assert generation.description == ("Observations selected (value: observations; has_members: entityType=Observation, "
                                      "list=observations.list, id=obs_id, namespace=gamma-events)")
    assert defs.members == {generation.id: "Observation"}
    datastore = select.parameters[0]
    assert (datastore.id, datastore.value_type, datastore.default) == ("get_observations/parameter/datastore", "char", None)
    assert datastore.description == "DataStore path as string (value: settings.observations.datastore)"
    kind, stack = defs.activity_descriptions[1].parameters
    assert kind.options == ["SpectrumDatasetOnOff", "MapDataset"] and stack.value_type == "boolean"
    assert one(defs.activity_descriptions[2].usages, role="model file").description is None
    entities = {d.id: d for d in defs.entity_descriptions}
    assert list(entities)[:3] == ["DataStore", "Observations", "Observation"]
    assert (entities["Observation"].kind, entities["Observation"].content_type) == ("dataset", "application/fits")
    assert (entities["DataStore"].kind, entities["DataStore"].type) == ("entity", "FileCollection")
    assert entities["DataStore"].docurl == "https://docs.gammapy.org/0.15/data/index.html#datastore"
    # named by a usage or generation but not defined: a bare description
    assert (entities["SkyModels"].name, entities["SkyModels"].description) == ("SkyModels", None)
    assert entities["FluxPoints"].kind == "entity"


def test_newer_spelling():
    defs = definition.load(NEW)
    assert defs.name == "gammapy-0.18-analysis"
    select, reduce, fit = defs.activity_descriptions
    assert (select.id, select.version, select.type) == ("get_observations/0.18", "0.18", "Selection")
    assert select.docurl == "https://docs.gammapy.org/0.18/api/gammapy.analysis.Analysis.html"
    assert (select.usages[0].id, select.usages[0].entity_description, select.usages[0].multiplicity) == (
        "get_observations/0.18/usage/datastore", "DataStore", "1")
    assert reduce.usages[0].entity_description == "Observations"  # entity_description key
    assert reduce.generations[0].id == "get_datasets/0.18/generation/datasets"
    assert [p.id for p in reduce.parameters] == ["get_datasets/0.18/parameter/stack", "get_datasets/0.18/parameter/type"]
    assert fit.generations[0].description == "value: fit_result.total_stat"
    entities = {d.id: d for d in defs.entity_descriptions}
    assert (entities["FitResult"].kind, entities["FitResult"].value_type) == ("value", "double")
    assert (entities["DataStore"].kind, entities["DataStore"].content_type) == ("dataset", "application/fits")


def test_activities_in_one_section_per_class():
    defs = definition.parse({
        "Analysis": {"activities": {"run_fit": {"usage": [{"role": "datasets", "entityName": "Datasets"}]}},
                     "entity_descriptions": {"Datasets": {"type": "PythonObject", "description": "Reduced datasets"}}},
        "Estimator": {"activities": {"get_flux_points": {"generation": [{"role": "flux points"}]}}},
    }, "sections")
    assert [d.name for d in defs.activity_descriptions] == ["run_fit", "get_flux_points"]
    assert [(d.id, d.description) for d in defs.entity_descriptions] == [("Datasets", "Reduced datasets")]
    assert defs.activity_descriptions[1].generations[0].entity_description is None


# -- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, fragment, line", [
    ("activities:\n  run_fit: [unclosed\n", "not valid YAML", 3),
    ("activities:\n\t- run_fit\n", "not valid YAML", 2),
    ("- get_observations\n- run_fit\n", "found list", None),
    ("entities: {}\n", "needs one of activities", None),
    ("activities: [get_observations]\n", "activities must be a mapping", None),
    ("activities:\n  run_fit:\n    usage:\n      - description: no role\n", "activity run_fit has no role", None),
    ("activities:\n  run_fit:\n    usage: datasets\n", "usage of activity run_fit must be a list", None),
    ("activities:\n  run_fit:\n    parameters:\n      - description: x\n", "of activity run_fit has no name", None),
    ("activities: {}\nentities: [DataStore]\n", "entities must be a mapping", None),
    ("activities: {}\nentities:\n  DataStore: FileCollection\n", "entity DataStore must be a mapping", None),
])
def test_bad_files_raise_parse_errors(tmp_path, text, fragment, line):
    path = tmp_path / "definition.yaml"
    path.write_text(text)
    with pytest.raises(ParseError) as raised:
        definition.load(path)
    assert raised.value.source == str(path) and fragment in raised.value.message
    assert raised.value.line == line


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(OSError):
        definition.load(tmp_path / "definition.yaml")


# -- linking records -----------------------------------------------------------------


def test_apply_links_activities_relations_parameters_and_entities():
    items = applied("crab_analysis_logprov.log", NEW)
    session, select, reduce, fit = items
    assert session.activities[0].description is None and session.activity_descriptions == []
    assert select.activities[0].description == "get_observations/0.18"
    assert [d.id for d in select.activity_descriptions] == ["get_observations/0.18"]
    assert [d.id for d in select.entity_descriptions] == ["DataStore", "Observations", "Observation"]
    assert select.usages[0].description == "get_observations/0.18/usage/datastore"
    assert select.generations[0].description == "get_observations/0.18/generation/observations selected"
    described = {p.name: p.description for p in select.parameters}
    assert described["datastore"] == "get_observations/0.18/parameter/datastore"
    assert described["obs_ids"] == "get_observations/0.18/parameter/obs_ids"
    assert described["required_irf"] is None and described["obs_file"] is None
    entities = {e.id: e.description for e in select.entities}
    assert entities["sha1:3b2f7a8ab640c3a26cca1e7c89b49e1cfeb524ed"] == "DataStore"
    assert entities[f"{SLOGPROV}/object/140412360881616"] == "Observations"
    assert entities["gamma-events:23523"] == entities["gamma-events:23526"] == "Observation"  # has_members
    assert one(fit.entities, id="fit-result:9e27a6b1").description == "FitResult"
    assert {p.name: p.description for p in reduce.parameters}["stack"] == "get_datasets/0.18/parameter/stack"


def test_applied_records_encode_their_descriptions():
    select = applied("crab_analysis_logprov.log", NEW)[1]
    found = triples(select)
    activity = iri("activity", select.id)
    description = iri("description/activity", "get_observations/0.18")
    usage_description = iri("description/usage", "get_observations/0.18/usage/datastore")
    assert (activity, VOPROV + "isDescribedBy", description) in found
    assert {(description, RDF_TYPE, VOPROV + "ActivityDescription"), (description, NAME, "get_observations"),
            (description, VOPROV + "hasUsageDescription", usage_description),
            (usage_description, VOPROV + "role", "datastore"),
            (usage_description, VOPROV + "entityDescription", iri("description/entity", "DataStore"))} <= found
    (usage,) = [o for s, p, o in found if s == activity and p == PROV + "qualifiedUsage"]
    assert (usage, VOPROV + "isDescribedBy", usage_description) in found
    store = iri("description/entity", "DataStore")
    assert {(store, RDF_TYPE, VOPROV + "DatasetDescription"), (store, VOPROV + "contentType", "application/fits"),
            (iri("entity", "sha1:3b2f7a8ab640c3a26cca1e7c89b49e1cfeb524ed"), VOPROV + "isDescribedBy", store)} <= found


def test_applied_records_pass_shacl_and_use_declared_terms():
    items = applied("crab_analysis_logprov.log", NEW)
    encoded = [ENCODER.encode(record) for record in items]
    issues = Validator().check_batch(encoded)
    assert [(r.id, str(i)) for r, found in zip(items, issues) for i in found if i.severity == "Violation"] == []
    assert ontology_problems([q for e in encoded for q in e.quads], check_domains=True) == []


def test_unknown_role_is_left_unlinked():
    items = applied("crab_analysis_2019.log", OLD)
    fit = one(items, id=f"{S2019}/4423919472")
    assert fit.activities[0].description == "run_fit"
    assert one(fit.usages, role="datasets").description == "run_fit/usage/datasets"
    assert one(fit.usages, role="model").description is None  # run_fit lists no usage "model"
    assert one(fit.entities, id=f"{S2019}/object/4425332016").description is None
    issues = Validator().check_batch([ENCODER.encode(record) for record in items])
    found = [(r.id, i.severity, i.message) for r, found in zip(items, issues) for i in found
             if "is not among the roles" in i.message]
    assert len(found) == 1  # the description is incomplete about run_fit: a warning
    assert found[0][:2] == (fit.id, "Warning") and 'The role "model" is not among the roles' in found[0][2]
    strict = Validator(strict=True).check_batch([ENCODER.encode(record) for record in items])
    assert [(r.id, i.severity) for r, found in zip(items, strict) for i in found if "is not among" in i.message] == [
        (fit.id, "Violation")]


def test_apply_keeps_existing_descriptions_and_ignores_unknown_activities():
    defs = definition.load(OLD)
    record = Record(
        id="r1",
        activities=[Activity(id="a1", name="run_fit", description="run_fit/0.17"), Activity(id="a2", name="plot")],
        usages=[Usage("a1", "e1", "datasets"), Usage("a2", "e1", "datasets")],
    )
    assert defs.apply(record) is record
    assert [a.description for a in record.activities] == ["run_fit/0.17", None]
    assert [u.description for u in record.usages] == [None, None]
    assert record.activity_descriptions == [] and record.entity_descriptions == []


def test_description_record():
    defs = definition.load(OLD)
    record = defs.record(str(OLD))
    assert (record.id, record.source, record.activities) == ("definitions/gammapy_0.15_definition", str(OLD), [])
    assert len(record.activity_descriptions) == 5 and len(record.entity_descriptions) == 8
    assert definition.load(NEW).record("x/logprov_definition.yaml").id == "definitions/gammapy-0.18-analysis"
    encoded = ENCODER.encode(record)
    found = {(q.subject.value, q.predicate.value, q.object.value) for q in encoded.quads}
    parameter = iri("description/parameter", "get_datasets/parameter/stack-datasets")
    assert {(parameter, RDF_TYPE, VOPROV + "ParameterDescription"), (parameter, VOPROV + "valueType", "boolean"),
            (parameter, NAME, "stack-datasets")} <= found
    options = iri("description/parameter", "get_datasets/parameter/dataset-type")
    assert {(options, VOPROV + "options", "MapDataset"), (options, VOPROV + "options", "SpectrumDatasetOnOff")} <= found
    generation = iri("description/generation", "get_flux_points/generation/flux points")
    assert (generation, VOPROV + "entityDescription", iri("description/entity", "FluxPoints")) in found
    assert len(encoded.graphs) == 1 + 5 + 8  # its own (empty) graph, one per description
    assert [i for i in Validator().check_quads(encoded.quads) if i.severity == "Violation"] == []
    assert ontology_problems(encoded.quads, check_domains=True) == []

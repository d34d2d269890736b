"""Every real-tool fixture, stored and exported as PROV-JSON, says everything its source said.

Each fixture that a tool of the field wrote (``tests/data/<tool>/``, made by
the ``make.py`` beside it) is read by its reader, ingested into an empty
store, and the whole store exported as PROV-JSON. Every statement the
reader found in the source — each activity, entity, agent, parameter,
config file and description, each relation with its two ends, and the
names, labels and times they carry — must be in the export, read back by
the ``prov`` package. A node that carries nothing but its kind, which a
relation of the export implies (``used(a, e)`` makes ``e`` an entity), need
not be declared: the writer leaves such declarations out.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import prov
import prov.model
import pytest
from helpers import DATA, fixtures

from provrdf import export, ingest, open_store
from provrdf import model as m
from provrdf.capture import detect
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import PROV, VOPROV

#: The fixtures made by running (or transcribing) the field's tools, one folder per tool.
REAL = [
    *fixtures(DATA / "ctapipe" / "v0.32_chain"), *fixtures(DATA / "ctapipe" / "v0.28"),
    *fixtures(DATA / "logprov", "*.log"), *fixtures(DATA / "logprov", "*.json"), *fixtures(DATA / "logprov", "*.xml"),
    *fixtures(DATA / "logprov", "*.provn"), *fixtures(DATA / "logprov", "*.ttl"),
    *[path for path in fixtures(DATA / "voprov") if path.suffix in (".json", ".xml", ".provn")],
    *[path for path in fixtures(DATA / "opus") if path.suffix in (".json", ".xml")],
    *[path for path in fixtures(DATA / "prov") if path.suffix != ".jsonld" or "no_mention" in path.name],
    *fixtures(DATA / "provdb", "*.sqlite"), *fixtures(DATA / "votable", "*.vot"),
    DATA / "gammapy" / "seed_2019.log",
]
#: (model list, PROV-JSON record type, the fields holding the two ends, their IRI kinds)
RELATIONS = (
    ("usages", "Usage", ("activity", "entity"), ("activity", "entity")),
    ("generations", "Generation", ("entity", "activity"), ("entity", "activity")),
    ("invalidations", "Invalidation", ("entity", "activity"), ("entity", "activity")),
    ("starts", "Start", ("activity", "trigger"), ("activity", "entity")),
    ("ends", "End", ("activity", "trigger"), ("activity", "entity")),
    ("associations", "Association", ("activity", "agent"), ("activity", "agent")),
    ("attributions", "Attribution", ("entity", "agent"), ("entity", "agent")),
    ("delegations", "Delegation", ("delegate", "responsible"), ("agent", "agent")),
    ("derivations", "Derivation", ("generated", "used"), ("entity", "entity")),
    ("communications", "Communication", ("informed", "informant"), ("activity", "activity")),
    ("memberships", "Membership", ("collection", "member"), ("entity", "entity")),
    ("specializations", "Specialization", ("specific", "general"), ("entity", "entity")),
    ("alternates", "Alternate", ("alternate1", "alternate2"), ("entity", "entity")),
    ("mentions", "Mention", ("specific", "general"), ("entity", "entity")),
)


class Exported:
    """The statements of a PROV-JSON document, as the ``prov`` package reads them, by kind and ends."""

    def __init__(self, data: bytes) -> None:
        document = prov.read(io.BytesIO(data), format="json")
        self.elements: dict[tuple[str, str], dict[str, set]] = defaultdict(lambda: defaultdict(set))
        self.relations: set[tuple[str, str | None, str | None]] = set()
        self.named: set[str] = set()  #: the IRIs that relations name
        for bundle in [document, *document.bundles]:
            for record in bundle.get_records():
                self._add(record)

    def _add(self, record) -> None:
        kind = record.get_type().localpart
        formal = [value for _, value in record.formal_attributes]
        if record.is_element():
            attributes = self.elements[(kind, record.identifier.uri)]
            for name, value in [*record.formal_attributes, *record.extra_attributes]:
                attributes[name.uri].add(_text(value))
            return
        ends = [getattr(value, "uri", None) for value in formal[:2]]
        self.relations.add((kind, *ends))
        self.named |= {value.uri for value in formal if isinstance(value, prov.model.QualifiedName)}


def _text(value) -> str:
    """A value of the ``prov`` package as text: a literal's lexical form, a time in ISO 8601."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, prov.model.Literal):
        return str(value.value)
    return str(getattr(value, "uri", value))


def _iri(encoder: Encoder, kind: str, local: str | None) -> str | None:
    return None if local is None else encoder.iri(kind, local).value


def _texts(value) -> set[str]:
    values = value if isinstance(value, list) else [value]
    return {getattr(item, "text", str(item)) for item in values if item is not None}


def expected(record: m.Record, encoder: Encoder) -> Iterator[tuple[str, tuple, dict[str, set[str]]]]:
    """What the export must hold for ``record``: (what, key, attributes that must be among its values)."""
    kinds = {a.id: "activity" for a in record.activities} | {a.id: "agent" for a in record.agents}
    for activity in record.activities:
        attributes = {VOPROV + "name": _texts(activity.name), PROV + "label": _texts(activity.extra.get("rdfs:label"))}
        if activity.start:
            attributes[PROV + "startTime"] = {activity.start.isoformat()}
        yield "activity", ("Activity", _iri(encoder, "activity", activity.id)), attributes
    for entity in record.entities:
        attributes = {VOPROV + "name": _texts(entity.name), PROV + "label": _texts(entity.extra.get("rdfs:label")),
                      PROV + "location": _texts(entity.location)}
        yield "entity", ("Entity", _iri(encoder, "entity", entity.id)), attributes
    for agent in record.agents:
        yield "agent", ("Agent", _iri(encoder, "agent", agent.id)), {VOPROV + "name": _texts(agent.name)}
    for parameter in record.parameters:
        node = _iri(encoder, "parameter", parameter.id or f"{parameter.activity}/{parameter.name}")
        yield "parameter", ("Entity", node), {VOPROV + "name": _texts(parameter.name),
                                               PROV + "value": _texts(parameter.value)}
        yield "configuration", ("Influence", _iri(encoder, "activity", parameter.activity), node), {}
    for config in record.config_files:
        node = _iri(encoder, "configfile", config.id or f"{config.activity}/{config.name}")
        yield "config file", ("Entity", node), {VOPROV + "name": _texts(config.name)}
    for description in record.activity_descriptions:
        yield "activity description", ("Entity", _iri(encoder, "description/activity", description.id)), {
            VOPROV + "name": _texts(description.name)}
        for kind, owned in (("usage", description.usages), ("generation", description.generations),
                            ("parameter", description.parameters), ("configfile", description.config_files)):
            for item in owned:
                yield f"{kind} description", ("Entity", _iri(encoder, f"description/{kind}", item.id)), {}
    for description in record.entity_descriptions:
        yield "entity description", ("Entity", _iri(encoder, "description/entity", description.id)), {}
    for field, kind, ends, end_kinds in RELATIONS:
        for relation in getattr(record, field):
            first, second = (getattr(relation, end) for end in ends)
            yield field, (kind, _iri(encoder, end_kinds[0], first), _iri(encoder, end_kinds[1], second)), {}
    for influence in record.influences:
        ends = [_iri(encoder, kinds.get(end, "entity"), end) for end in (influence.influencee, influence.influencer)]
        yield "influences", ("Influence", *ends), {}


def _records(path: Path) -> list[m.Record]:
    items = list(detect(path).read(path))
    return [item for item in items if isinstance(item, m.Record)]


@pytest.mark.parametrize("path", REAL, ids=lambda p: str(p.relative_to(DATA)))
def test_every_statement_of_the_source_is_in_the_prov_json_export(path):
    store = open_store(":memory:")
    report = ingest(store, [path])
    assert report.ok and report.stored, [str(r) for r in report.rejected]
    exported = Exported(export(store, "provjson"))
    encoder = Encoder(store.base)
    missing = []
    for record in _records(path):
        for what, key, attributes in expected(record, encoder):
            if len(key) == 2:
                found = exported.elements.get(key)
                if found is None and not any(attributes.values()) and key[1] in exported.named:
                    continue  # nothing but what a relation implies (PROV-CONSTRAINTS typing): not declared
                if found is None:
                    missing.append(f"{what} {key[1]}")
                    continue
                for name, values in attributes.items():
                    if not values <= found.get(name, set()):
                        missing.append(f"{what} {key[1]}: {name} {sorted(values)} (exported: {sorted(found.get(name, ()))})")
            elif key not in exported.relations:
                missing.append(f"{what} {key}")
    assert not missing, "\n".join(missing[:20])

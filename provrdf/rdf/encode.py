"""Turn a :class:`~provrdf.model.Record` into quads of PROV-O plus voprov.

The mapping rules (see ``ontology/README.md``):

* every node is typed with its PROV-O class and its voprov class;
* every relation is written as the PROV-O shortcut *and* as a qualified
  node, so plain SPARQL works and no attribute is lost; the qualified node
  has the PROV-O class and, where ProvDM has the relation, the voprov class
  (invalidation, start, end, delegation and influence are PROV-O only); a
  relation that does not name its object (``used(a, -, t)``) has no
  shortcut and no ProvDM class; specialization, alternate, mention and
  membership are shortcuts only, as in PROV-O;
* PROV-O terms where PROV-O has the concept, voprov terms for the rest,
  reader-specific facts under their own namespace (``ctao:``);
* no blank nodes: every node, qualified ones included, has a deterministic
  IRI, so re-encoding the same record gives the same quads: a relation with
  an id is minted from it, one without from everything it says;
* the record goes to one named graph (its bundle), each description to a
  graph of its own, shared by every record that references it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, partial
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from provrdf import model as m
from provrdf.identifiers import DEFAULT_BASE, digest, is_external, mint
from provrdf.rdf.namespaces import PROV, VOPROV, expand
from provrdf.rdf.relations import BY_NAME, RELATIONS, Relation
from provrdf.rdf.terms import COMMENT, NAME, PART_OF, TYPE, C, P, V, literal
from provrdf.timeutil import format_time

__all__ = ["Encoded", "Encoder"]

_ENTITY_CLASSES = {
    "entity": (P.Entity, V.Entity),
    "dataset": (P.Entity, V.Entity, V.DatasetEntity),
    "value": (P.Entity, V.Entity, V.ValueEntity),
    "collection": (P.Entity, P.Collection, V.Entity, V.Collection),
}
_ENTITY_DESCRIPTION_CLASSES = {
    "entity": (V.EntityDescription,),
    "dataset": (V.EntityDescription, V.DatasetDescription),
    "value": (V.EntityDescription, V.ValueDescription),
}
#: Attributes that only a Dataset- or ValueDescription has.
_KIND_ATTRIBUTES = {
    "dataset": ("content_type",),
    "value": ("value_type", "unit", "ucd", "utype"),
}
_AGENT_CLASSES = {
    "Person": P.Person,
    "Organization": P.Organization,
    "SoftwareAgent": P.SoftwareAgent,
}


@dataclass(frozen=True)
class _Kind:
    """How one relation of the model is written: its PROV-O relation, the fields of its ends, its details."""

    relation: Relation
    subject: str  #: the field holding the subject's local id
    target: str  #: the field holding the object's local id
    #: further fields: (field, property, IRI kind of the value or None for a literal)
    details: tuple[tuple[str, NamedNode, str | None], ...] = ()


def _kind(name: str, subject: str, target: str, *details: tuple[str, NamedNode, str | None]) -> _Kind:
    return _Kind(BY_NAME[name], subject, target, details)


_ROLE = ("role", P.hadRole, None)
_TIME_ROLE = (("time", P.atTime, None), _ROLE)
#: (record list, kind) of every relation with a qualified form, in writing order.
_RELATIONS: tuple[tuple[str, _Kind], ...] = (
    ("usages", _kind("used", "activity", "entity", *_TIME_ROLE)),
    ("generations", _kind("wasGeneratedBy", "entity", "activity", *_TIME_ROLE)),
    ("invalidations", _kind("wasInvalidatedBy", "entity", "activity", *_TIME_ROLE)),
    ("starts", _kind("wasStartedBy", "activity", "trigger", ("starter", P.hadActivity, "activity"), *_TIME_ROLE)),
    ("ends", _kind("wasEndedBy", "activity", "trigger", ("ender", P.hadActivity, "activity"), *_TIME_ROLE)),
    ("associations", _kind("wasAssociatedWith", "activity", "agent", _ROLE, ("plan", P.hadPlan, "entity"))),
    ("attributions", _kind("wasAttributedTo", "entity", "agent", _ROLE)),
    ("delegations", _kind("actedOnBehalfOf", "delegate", "responsible", ("activity", P.hadActivity, "activity"),
                          _ROLE)),
    ("derivations", _kind("wasDerivedFrom", "generated", "used", ("activity", P.hadActivity, "activity"),
                          ("generation", P.hadGeneration, "generation"), ("usage", P.hadUsage, "usage"))),
    ("communications", _kind("wasInformedBy", "informed", "informant")),
    ("influences", _kind("wasInfluencedBy", "influencee", "influencer")),
)  # fmt: skip
#: A derivation's subtype (``Revision`` …) → its relation, written besides the plain one.
_SUBTYPES = {r.node_class[len(PROV):]: r for r in RELATIONS if r.general == "wasDerivedFrom"}
_CONFIGURATION = BY_NAME["wasConfiguredBy"]


@dataclass
class Encoded:
    """The quads of one record, grouped by the named graph they belong to."""

    record: m.Record
    graph: NamedNode  #: the record's own graph (its bundle)
    graphs: dict[NamedNode, list[Quad]] = field(default_factory=dict)

    @property
    def quads(self) -> list[Quad]:
        """All quads: the record's graph first, then its descriptions' graphs."""
        return [quad for quads in self.graphs.values() for quad in quads]

    def __len__(self) -> int:
        return sum(len(quads) for quads in self.graphs.values())


class _GraphWriter:
    """Collects the triples of one named graph, skipping empty values."""

    def __init__(self, graph: NamedNode, *, plain: bool = False, genid: str = DEFAULT_BASE + ".well-known/genid/") -> None:
        self.graph = graph
        self.plain = plain  # leave the voprov classes out
        self.genid = genid  # where the skolem IRIs of blank nodes go
        self.quads: list[Quad] = []

    def add(self, subject: NamedNode, predicate: NamedNode, obj: Any, *, keep_empty: bool = False) -> None:
        """Add a triple; ``None``, ``[]`` and (unless ``keep_empty``) ``""`` mean no value."""
        if obj is None or obj == [] or (obj == "" and not keep_empty):
            return
        if isinstance(obj, (list, tuple)):
            for item in obj:
                self.add(subject, predicate, item)
            return
        if isinstance(obj, m.IRI):
            obj = self.node(obj.value)
        elif isinstance(obj, m.Typed):
            obj = _typed(obj)
        elif not isinstance(obj, (NamedNode, Literal)):
            obj = literal(obj)
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def node(self, iri: str) -> NamedNode:
        """The node an IRI value names; a blank node of the source (``_:b0``) as a skolem IRI scoped to the graph.

        A store holds no blank node: a write must be able to say which node
        it removes, and the same input must give the same quads.
        """
        if iri.startswith("_:"):
            return NamedNode(self.genid + digest(self.graph.value, iri[2:]))
        return NamedNode(iri)

    def types(self, subject: NamedNode, classes: Iterable[NamedNode]) -> None:
        for cls in classes:
            if not (self.plain and cls.value.startswith(VOPROV)):
                self.quads.append(Quad(subject, TYPE, cls, self.graph))

    def extra(self, subject: NamedNode, facts: dict[str, Any]) -> None:
        for name, value in facts.items():
            self.add(subject, NamedNode(expand(name)), value)


class Encoder:
    """Encode records into quads, minting IRIs under ``base``.

    >>> from provrdf.model import Record, Activity
    >>> enc = Encoder("https://example.org/")
    >>> out = enc.encode(Record(id="r1", activities=[Activity(id="a1", name="calib")]))
    >>> out.graph.value
    'https://example.org/bundle/r1'
    >>> sorted(q.object.value for q in out.quads if q.predicate.value.endswith("#type"))
    ['http://www.ivoa.net/documents/ProvenanceDM/index.html#Activity', 'http://www.w3.org/ns/prov#Activity']
    """

    def __init__(self, base: str = DEFAULT_BASE) -> None:
        self.base = base
        self.genid = f"{base}.well-known/genid/"  #: skolem IRIs of the sources' blank nodes (RDF 1.1 §3.5)

    def iri(self, kind: str, local: str) -> NamedNode:
        """The IRI of a node of ``kind`` with local id ``local``."""
        return NamedNode(mint(self.base, kind, local))

    def bundle(self, record_id: str) -> NamedNode:
        """The IRI (and graph name) of a record's bundle."""
        return self.iri("bundle", record_id)

    def encode(self, record: m.Record) -> Encoded:
        """All quads of ``record`` and of the descriptions it carries."""
        graph = self.bundle(record.id)
        out = Encoded(record=record, graph=graph)
        w = _GraphWriter(graph, plain=record.plain, genid=self.genid)
        for activity in record.activities:
            self._activity(w, activity)
        for entity in record.entities:
            self._entity(w, entity)
        for agent in record.agents:
            self._agent(w, agent)
        self._relations(w, record)
        self._configuration(w, record)
        if is_external(record.id) and w.quads:  # a bundle the source declared is said to be one
            w.add(graph, TYPE, P.Bundle)
        out.graphs[graph] = list(dict.fromkeys(w.quads))  # a relation stated twice is one
        for activity_description in record.activity_descriptions:
            dw = _GraphWriter(self.iri("description/activity", activity_description.id), genid=self.genid)
            self._activity_description(dw, activity_description)
            out.graphs[dw.graph] = dw.quads
        for entity_description in record.entity_descriptions:
            dw = _GraphWriter(self.iri("description/entity", entity_description.id), genid=self.genid)
            self._entity_description(dw, entity_description)
            out.graphs[dw.graph] = dw.quads
        return out

    # -- nodes -------------------------------------------------------------

    def _activity(self, w: _GraphWriter, a: m.Activity) -> None:
        node = self.iri("activity", a.id)
        w.types(node, (P.Activity, V.Activity))
        w.add(node, NAME, a.name)
        w.add(node, P.startedAtTime, a.start)
        w.add(node, P.endedAtTime, a.end)
        w.add(node, COMMENT, a.comment)
        if a.description:
            w.add(node, V.isDescribedBy, self.iri("description/activity", a.description))
        if a.part_of:
            w.add(node, PART_OF, self.iri("activity", a.part_of))
        w.extra(node, a.extra)
        if a.system:
            system = self.iri("system", a.id)
            w.add(node, C.system, system)
            w.types(system, (C.System,))
            w.extra(system, a.system)

    def _entity(self, w: _GraphWriter, e: m.Entity) -> None:
        node = self.iri("entity", e.id)
        w.types(node, _ENTITY_CLASSES[e.kind])
        w.add(node, NAME, e.name)
        w.add(node, P.atLocation, e.location)
        w.add(node, P.generatedAtTime, e.generated_at)
        w.add(node, P.invalidatedAtTime, e.invalidated_at)
        w.add(node, COMMENT, e.comment)
        w.add(node, P.value, e.value, keep_empty=True)
        if e.description:
            w.add(node, V.isDescribedBy, self.iri("description/entity", e.description))
        w.extra(node, e.extra)

    def _agent(self, w: _GraphWriter, a: m.Agent) -> None:
        node = self.iri("agent", a.id)
        w.types(node, (P.Agent, V.Agent))
        if a.type is not None:
            if a.type not in _AGENT_CLASSES:
                raise ValueError(f"agent {a.id!r} has type {a.type!r}, not one of {', '.join(_AGENT_CLASSES)}")
            w.types(node, (_AGENT_CLASSES[a.type],))
        w.add(node, NAME, a.name)
        w.add(node, COMMENT, a.comment)
        for attr in ("email", "affiliation", "phone", "address", "url"):
            w.add(node, V[attr], getattr(a, attr))
        w.extra(node, a.extra)

    # -- relations ---------------------------------------------------------

    def _relations(self, w: _GraphWriter, r: m.Record) -> None:
        kinds = _node_kinds(r)
        for attribute, kind in _RELATIONS:
            for relation in getattr(r, attribute):
                self._relation(w, relation, kind, kinds)
        ent = partial(self.iri, "entity")
        for h in r.memberships:
            w.add(ent(h.collection), P.hadMember, ent(h.member))
        for s in r.specializations:
            w.add(ent(s.specific), P.specializationOf, ent(s.general))
        for a in r.alternates:
            w.add(ent(a.alternate1), P.alternateOf, ent(a.alternate2))
        for mention in r.mentions:
            w.add(ent(mention.specific), P.mentionOf, ent(mention.general))
            if mention.bundle:
                w.add(ent(mention.specific), P.asInBundle, ent(mention.bundle))
        for link in r.related:
            w.add(self.iri(kinds.get(link.subject, "entity"), link.subject), V[link.kind],
                  self.iri(kinds.get(link.object, "entity"), link.object))

    def _relation(self, w: _GraphWriter, rel: Any, kind: _Kind, kinds: dict[str, str]) -> None:
        """Write one relation: its shortcut (when it names its object) and its qualified node."""
        relation = kind.relation
        subject_id, target_id = getattr(rel, kind.subject), getattr(rel, kind.target)
        subject = self.iri(_end_kind(relation.subject_kind, subject_id, kinds), subject_id)
        target = None
        if target_id is not None:
            target = self.iri(_end_kind(relation.object_kind, target_id, kinds), target_id)
        subtype = _subtype(rel) if relation.name == "wasDerivedFrom" else None
        node = self._relation_node(rel, kind, subject, target)
        for said in (relation, subtype) if subtype else (relation,):
            if target is not None:
                w.add(subject, _term(said.shortcut), target)
            w.add(subject, _term(said.qualifier), node)
        provdm = relation.provdm_class if target is not None else None
        w.types(node, [_term(cls) for cls in (relation.node_class, provdm, subtype and subtype.node_class) if cls])
        w.add(node, _term(relation.target), target)
        for field_name, predicate, node_kind in kind.details:
            value = getattr(rel, field_name)
            if value is not None and node_kind is not None:
                value = self.iri(node_kind, value)
            w.add(node, predicate, value)
        description = getattr(rel, "description", None)
        if description:
            w.add(node, V.isDescribedBy, self.iri(f"description/{relation.iri_kind}", description))
        w.extra(node, rel.extra)

    def _relation_node(self, rel: Any, kind: _Kind, subject: NamedNode, target: NamedNode | None) -> NamedNode:
        """The relation's own IRI, or one made from what it links and says."""
        name = kind.relation.name
        if rel.id is not None:
            return self.iri(kind.relation.iri_kind, rel.id)
        # At most one generation per entity: its node does not depend on the
        # role, so a record that knows the role and one that does not agree.
        fields = [field for field, _, _ in kind.details if not (name == "wasGeneratedBy" and field == "role")]
        parts = [_key_text(getattr(rel, field)) for field in fields]
        if name == "wasDerivedFrom":
            parts.append(rel.type or "")
        if rel.extra:
            parts.append(_key_text(rel.extra))
        return self.iri(kind.relation.iri_kind, digest(subject.value, target.value if target else "", *parts))

    def _configuration(self, w: _GraphWriter, r: m.Record) -> None:
        for p in r.parameters:
            node = self.iri("parameter", p.id or f"{p.activity}/{p.name}")
            w.types(node, (P.Entity, V.Parameter))
            w.add(node, NAME, p.name)
            w.add(node, P.value, p.value, keep_empty=True)  # "" is a real setting
            if p.description:
                w.add(node, V.isDescribedBy, self.iri("description/parameter", p.description))
            if p.reference:
                w.add(node, V.hadReference, self.iri("entity", p.reference))
            w.extra(node, p.extra)
            self._configured(w, p.activity, node, "Parameter")
        for c in r.config_files:
            node = self.iri("configfile", c.id or f"{c.activity}/{c.name}")
            w.types(node, (P.Entity, V.ConfigFile))
            w.add(node, NAME, c.name)
            w.add(node, P.atLocation, c.location)
            w.add(node, COMMENT, c.comment)
            if c.description:
                w.add(node, V.isDescribedBy, self.iri("description/configfile", c.description))
            w.extra(node, c.extra)
            self._configured(w, c.activity, node, "ConfigFile")

    def _configured(self, w: _GraphWriter, activity: str, artefact: NamedNode, kind: str) -> None:
        subject = self.iri("activity", activity)
        w.add(subject, _term(_CONFIGURATION.shortcut), artefact)
        node = self.iri(_CONFIGURATION.iri_kind, digest(subject.value, artefact.value))
        w.add(subject, _term(_CONFIGURATION.qualifier), node)
        w.types(node, (P.Influence, _term(_CONFIGURATION.node_class)))
        w.add(node, _term(_CONFIGURATION.target), artefact)
        w.add(node, V.artefactType, kind)

    # -- descriptions ------------------------------------------------------

    def _activity_description(self, w: _GraphWriter, d: m.ActivityDescription) -> None:
        node = self.iri("description/activity", d.id)
        w.types(node, (V.ActivityDescription,))
        w.add(node, NAME, d.name)
        for attr in ("version", "description", "docurl", "type", "subtype"):
            w.add(node, V[attr], getattr(d, attr))
        w.extra(node, d.extra)
        for kind, items, link in (
            ("usage", d.usages, V.hasUsageDescription),
            ("generation", d.generations, V.hasGenerationDescription),
        ):
            cls = V.UsageDescription if kind == "usage" else V.GenerationDescription
            for item in items:
                child = self.iri(f"description/{kind}", item.id)
                w.add(node, link, child)
                w.types(child, (cls,))
                w.add(child, V.role, item.role)
                for attr in ("description", "type", "multiplicity"):
                    w.add(child, V[attr], getattr(item, attr))
                if item.entity_description:
                    w.add(child, V.entityDescription, self.iri("description/entity", item.entity_description))
                w.extra(child, item.extra)
        for p in d.parameters:
            child = self.iri("description/parameter", p.id)
            w.add(node, V.hasParameterDescription, child)
            w.types(child, (V.ParameterDescription,))
            w.add(child, NAME, p.name)
            for attr in ("value_type", "description", "unit", "ucd", "utype", "min", "max", "options", "default"):
                w.add(child, V[_camel(attr)], getattr(p, attr))
            w.extra(child, p.extra)
        for c in d.config_files:
            child = self.iri("description/configfile", c.id)
            w.add(node, V.hasConfigFileDescription, child)
            w.types(child, (V.ConfigFileDescription,))
            w.add(child, NAME, c.name)
            w.add(child, V.contentType, c.content_type)
            w.add(child, V.description, c.description)
            w.extra(child, c.extra)

    def _entity_description(self, w: _GraphWriter, d: m.EntityDescription) -> None:
        node = self.iri("description/entity", d.id)
        w.types(node, _ENTITY_DESCRIPTION_CLASSES[d.kind])
        w.add(node, NAME, d.name)
        for attr in ("description", "docurl", "type") + _KIND_ATTRIBUTES.get(d.kind, ()):
            w.add(node, V[_camel(attr)], getattr(d, attr))
        w.extra(node, d.extra)


def _node_kinds(record: m.Record) -> dict[str, str]:
    """The IRI kind of every node of ``record`` by local id (for influences, which link any two)."""
    kinds = {e.id: "entity" for e in record.entities}
    kinds.update((a.id, "agent") for a in record.agents)
    kinds.update((a.id, "activity") for a in record.activities)
    return kinds


def _end_kind(kind: str, local: str, kinds: dict[str, str]) -> str:
    """The IRI kind of a relation's end: the relation's, or for ``"any"`` what the record makes it."""
    return kinds.get(local, "entity") if kind == "any" else kind


def _subtype(d: m.Derivation) -> Relation | None:
    if d.type is None:
        return None
    if d.type not in _SUBTYPES:
        raise ValueError(f"derivation of {d.generated!r} has type {d.type!r}, not one of {', '.join(_SUBTYPES)}")
    return _SUBTYPES[d.type]


@cache
def _term(iri: str) -> NamedNode:
    """The term of a vocabulary IRI, made once."""
    return NamedNode(iri)


def _key_text(value: Any) -> str:
    """A stable text of a relation field, for the IRI of a relation without an id."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, default=repr)
    return str(value)


def _typed(value: m.Typed) -> Literal:
    if value.language:
        return Literal(value.text, language=value.language)
    if value.datatype:
        return Literal(value.text, datatype=NamedNode(value.datatype))
    return Literal(value.text)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)

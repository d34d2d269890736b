"""Turn a :class:`~provrdf.model.Record` into quads of PROV-O plus voprov.

The mapping rules (see ``ontology/README.md``):

* every node is typed with its PROV-O class and its voprov class;
* every relation is written as the PROV-O shortcut *and* as a qualified
  node, so plain SPARQL works and no attribute is lost;
* PROV-O terms where PROV-O has the concept, voprov terms for the rest,
  reader-specific facts under their own namespace (``ctao:``);
* no blank nodes: every node, qualified ones included, has a deterministic
  IRI, so re-encoding the same record gives the same quads;
* the record goes to one named graph (its bundle), each description to a
  graph of its own, shared by every record that references it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any, Iterable

from pyoxigraph import Literal, NamedNode, Quad

from provrdf import model as m
from provrdf.identifiers import DEFAULT_BASE, digest, mint
from provrdf.rdf.namespaces import expand
from provrdf.rdf.terms import COMMENT, LABEL, PART_OF, TYPE, C, P, V, literal

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

    def __init__(self, graph: NamedNode) -> None:
        self.graph = graph
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
            obj = NamedNode(obj.value)
        elif isinstance(obj, m.Typed):
            obj = _typed(obj)
        elif not isinstance(obj, (NamedNode, Literal)):
            obj = literal(obj)
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def types(self, subject: NamedNode, classes: Iterable[NamedNode]) -> None:
        for cls in classes:
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
        w = _GraphWriter(graph)
        for activity in record.activities:
            self._activity(w, activity)
        for entity in record.entities:
            self._entity(w, entity)
        for agent in record.agents:
            self._agent(w, agent)
        self._relations(w, record)
        self._configuration(w, record)
        out.graphs[graph] = list(dict.fromkeys(w.quads))  # a relation stated twice is one
        for description in record.activity_descriptions:
            dw = _GraphWriter(self.iri("description/activity", description.id))
            self._activity_description(dw, description)
            out.graphs[dw.graph] = dw.quads
        for description in record.entity_descriptions:
            dw = _GraphWriter(self.iri("description/entity", description.id))
            self._entity_description(dw, description)
            out.graphs[dw.graph] = dw.quads
        return out

    # -- nodes -------------------------------------------------------------

    def _activity(self, w: _GraphWriter, a: m.Activity) -> None:
        node = self.iri("activity", a.id)
        w.types(node, (P.Activity, V.Activity))
        w.add(node, LABEL, a.name)
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
        w.add(node, LABEL, e.name)
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
        w.add(node, LABEL, a.name)
        w.add(node, COMMENT, a.comment)
        for attr in ("email", "affiliation", "phone", "address", "url"):
            w.add(node, V[attr], getattr(a, attr))
        w.extra(node, a.extra)

    # -- relations ---------------------------------------------------------

    def _qualified(
        self,
        w: _GraphWriter,
        subject: NamedNode,
        shortcut: NamedNode,
        obj: NamedNode,
        kind: str,
        classes: tuple[NamedNode, ...],
        target: NamedNode,
        role: str | None = None,
    ) -> NamedNode:
        """Write ``subject shortcut obj`` and its qualified node; return the node."""
        w.add(subject, shortcut, obj)
        # At most one generation per entity: its node does not depend on the
        # role, so a record that knows the role and one that does not agree.
        key = "" if kind == "generation" else role or ""
        node = self.iri(kind, digest(subject.value, obj.value, key))
        qualifier = P["qualified" + kind.capitalize()]
        w.add(subject, qualifier, node)
        w.types(node, classes)
        w.add(node, target, obj)
        w.add(node, P.hadRole, role)
        return node

    def _relations(self, w: _GraphWriter, r: m.Record) -> None:
        act, ent, agt = (partial(self.iri, kind) for kind in ("activity", "entity", "agent"))
        for u in r.usages:
            node = self._qualified(
                w, act(u.activity), P.used, ent(u.entity), "usage", (P.Usage, V.Used), P.entity, u.role
            )
            w.add(node, P.atTime, u.time)
            if u.description:
                w.add(node, V.isDescribedBy, self.iri("description/usage", u.description))
        for g in r.generations:
            node = self._qualified(
                w, ent(g.entity), P.wasGeneratedBy, act(g.activity), "generation",
                (P.Generation, V.WasGeneratedBy), P.activity, g.role,
            )
            if g.description:
                w.add(node, V.isDescribedBy, self.iri("description/generation", g.description))
        for a in r.associations:
            self._qualified(
                w, act(a.activity), P.wasAssociatedWith, agt(a.agent), "association",
                (P.Association, V.WasAssociatedWith), P.agent, a.role,
            )
        for a in r.attributions:
            self._qualified(
                w, ent(a.entity), P.wasAttributedTo, agt(a.agent), "attribution",
                (P.Attribution, V.WasAttributedTo), P.agent, a.role,
            )
        for d in r.derivations:
            self._qualified(
                w, ent(d.generated), P.wasDerivedFrom, ent(d.used), "derivation",
                (P.Derivation, V.WasDerivedFrom), P.entity,
            )
        for c in r.communications:
            self._qualified(
                w, act(c.informed), P.wasInformedBy, act(c.informant), "communication",
                (P.Communication, V.WasInformedBy), P.activity,
            )
        for h in r.memberships:
            w.add(ent(h.collection), P.hadMember, ent(h.member))

    def _configuration(self, w: _GraphWriter, r: m.Record) -> None:
        for p in r.parameters:
            node = self.iri("parameter", f"{p.activity}/{p.name}")
            w.types(node, (P.Entity, V.Parameter))
            w.add(node, LABEL, p.name)
            w.add(node, P.value, p.value, keep_empty=True)  # "" is a real setting
            if p.description:
                w.add(node, V.isDescribedBy, self.iri("description/parameter", p.description))
            if p.reference:
                w.add(node, V.hadReference, self.iri("entity", p.reference))
            self._configured(w, p.activity, node, "Parameter")
        for c in r.config_files:
            node = self.iri("configfile", f"{c.activity}/{c.name}")
            w.types(node, (P.Entity, V.ConfigFile))
            w.add(node, LABEL, c.name)
            w.add(node, P.atLocation, c.location)
            w.add(node, COMMENT, c.comment)
            if c.description:
                w.add(node, V.isDescribedBy, self.iri("description/configfile", c.description))
            self._configured(w, c.activity, node, "ConfigFile")

    def _configured(self, w: _GraphWriter, activity: str, artefact: NamedNode, kind: str) -> None:
        subject = self.iri("activity", activity)
        w.add(subject, V.wasConfiguredBy, artefact)
        node = self.iri("configuration", digest(subject.value, artefact.value))
        w.add(subject, V.qualifiedConfiguration, node)
        w.types(node, (P.Influence, V.WasConfiguredBy))
        w.add(node, V.artefact, artefact)
        w.add(node, V.artefactType, kind)

    # -- descriptions ------------------------------------------------------

    def _activity_description(self, w: _GraphWriter, d: m.ActivityDescription) -> None:
        node = self.iri("description/activity", d.id)
        w.types(node, (V.ActivityDescription,))
        w.add(node, LABEL, d.name)
        for attr in ("version", "description", "docurl", "type", "subtype"):
            w.add(node, V[attr], getattr(d, attr))
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
        for p in d.parameters:
            child = self.iri("description/parameter", p.id)
            w.add(node, V.hasParameterDescription, child)
            w.types(child, (V.ParameterDescription,))
            w.add(child, LABEL, p.name)
            for attr in ("value_type", "description", "unit", "ucd", "utype", "min", "max", "options", "default"):
                w.add(child, V[_camel(attr)], getattr(p, attr))
        for c in d.config_files:
            child = self.iri("description/configfile", c.id)
            w.add(node, V.hasConfigFileDescription, child)
            w.types(child, (V.ConfigFileDescription,))
            w.add(child, LABEL, c.name)
            w.add(child, V.contentType, c.content_type)
            w.add(child, V.description, c.description)

    def _entity_description(self, w: _GraphWriter, d: m.EntityDescription) -> None:
        node = self.iri("description/entity", d.id)
        w.types(node, _ENTITY_DESCRIPTION_CLASSES[d.kind])
        w.add(node, LABEL, d.name)
        for attr in ("description", "docurl", "type") + _KIND_ATTRIBUTES.get(d.kind, ()):
            w.add(node, V[_camel(attr)], getattr(d, attr))


def _typed(value: m.Typed) -> Literal:
    if value.language:
        return Literal(value.text, language=value.language)
    if value.datatype:
        return Literal(value.text, datatype=NamedNode(value.datatype))
    return Literal(value.text)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)

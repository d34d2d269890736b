"""PROV-O RDF (Turtle, TriG, JSON-LD, RDF/XML) as the statements of a PROV document.

The ``prov`` package has a PROV-O reader, but it trips over blank nodes
used as entities and keeps a relation twice when a document writes both
its shortcut and its qualified node, which is how PROV-O is usually
written. This module reads the triples with rdflib instead and gives the
same :class:`~provrdf.capture.w3c.document.Document` as the PROV-JSON reader:

* a qualified node (``prov:qualifiedUsage [ a prov:Usage ; prov:entity … ]``)
  is one relation, with the node's IRI as its id (none for a blank node);
* a shortcut (``prov:used``) is a relation only when no qualified relation
  already says it, and ``prov:generated`` / ``prov:invalidated`` /
  ``prov:influenced`` are read the other way round;
* a node is declared by its class; an untyped node that a relation names
  is declared as what the relation makes it (entity, activity, agent);
* ``rdfs:label``, ``prov:atLocation``, ``prov:hadRole`` and ``rdf:type``
  become the PROV-DM attributes ``prov:label``, ``prov:location``,
  ``prov:role`` and ``prov:type``;
* the default graph is the document, each named graph a bundle.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from provrdf.capture.w3c.document import (
    ARGUMENTS,
    Document,
    Statement,
    blank_id,
    literal_value,
    normalize_iri,
    position_kinds,
)
from provrdf.identifiers import digest
from provrdf.model import IRI
from provrdf.rdf.namespaces import PROV, RDF, RDFS, VOPROV
from provrdf.rdf.relations import BY_SHORTCUT, RELATION_CLASSES, RELATIONS, Relation

__all__ = ["from_rdf"]

_TYPE = RDF + "type"
#: PROV-DM relation → the properties of its qualified node (local names), besides the one naming
#: its object, and the arguments they fill.
_DETAILS: dict[str, dict[str, str]] = {
    "wasStartedBy": {"hadActivity": "starter"},
    "wasEndedBy": {"hadActivity": "ender"},
    "wasAssociatedWith": {"hadPlan": "plan"},
    "actedOnBehalfOf": {"hadActivity": "activity"},
    "wasDerivedFrom": {"hadActivity": "activity", "hadGeneration": "generation", "hadUsage": "usage"},
    "wasInfluencedBy": dict.fromkeys(("entity", "activity", "agent"), "influencer"),
}
#: The shortcuts read, in reading order: a derivation's kinds before the plain derivation they also say.
_SHORTCUT_ORDER = (
    "wasRevisionOf", "wasQuotedFrom", "hadPrimarySource", "wasDerivedFrom", "used", "wasGeneratedBy", "generated",
    "wasInvalidatedBy", "invalidated", "wasStartedBy", "wasEndedBy", "wasInformedBy", "wasAssociatedWith",
    "wasAttributedTo", "actedOnBehalfOf", "wasInfluencedBy", "influenced", "specializationOf", "alternateOf",
    "hadMember", "mentionOf",
)  # fmt: skip
#: The bundle of a mention: a fact of the mention's subject (PROV-Links).
_AS_IN_BUNDLE = PROV + "asInBundle"
_INVERSES = {r.inverse: r for r in RELATIONS if r.inverse}


def _prov_name(predicate: str) -> str | None:
    return predicate[len(PROV):] if predicate.startswith(PROV) else None


def _qualifier(relation: Relation) -> tuple[str, str, dict[str, str], str | None]:
    """(statement kind, argument the subject fills, {property of the node: argument}, derivation type)."""
    kind = relation.general or relation.name
    subject, obj = ARGUMENTS[kind][:2]
    subtype = _prov_name(relation.node_class) if relation.general else None
    return kind, subject, {relation.target[len(PROV):]: obj, **_DETAILS.get(kind, {})}, subtype


def _shortcut(local: str) -> tuple[str, str, str, str | None]:
    """(statement kind, argument of the subject, argument of the object, derivation type)."""
    relation = BY_SHORTCUT.get(PROV + local) or _INVERSES.get(PROV + local)
    kind = (relation.general or relation.name) if relation else local
    subject, obj = ARGUMENTS[kind][:2]
    if PROV + local in _INVERSES:
        subject, obj = obj, subject
    subtype = _prov_name(relation.node_class) if relation and relation.general else None
    return kind, subject, obj, subtype


#: PROV-O qualifier (local name) → how its node is read, see :func:`_qualifier`.
_QUALIFIERS = {_prov_name(r.qualifier): _qualifier(r) for r in RELATIONS if r.qualifier.startswith(PROV)}
#: PROV-O shortcut (local name) → how it is read, see :func:`_shortcut`; in reading order.
_SHORTCUTS = {local: _shortcut(local) for local in _SHORTCUT_ORDER}


#: ProvDM links some writers put in RDF by name (provrdf among them), and the marker type they are read with.
_VOPROV_LINKS = {
    **{link: link for link in ("wasConfiguredBy", "isDescribedBy", "hadReference", "isRelatedTo")},
    **dict.fromkeys(("hasUsageDescription", "hasGenerationDescription", "hasParameterDescription",
                     "hasConfigFileDescription", "entityDescription"), "isRelatedTo"),
}
_NODE_CLASSES = {
    **dict.fromkeys((PROV + n for n in ("Entity", "Collection", "EmptyCollection", "Bundle", "Plan")), "entity"),
    **dict.fromkeys((PROV + n for n in ("Activity",)), "activity"),
    **dict.fromkeys((PROV + n for n in ("Agent", "Person", "Organization", "SoftwareAgent")), "agent"),
    **dict.fromkeys((VOPROV + n for n in ("Entity", "DatasetEntity", "ValueEntity", "Collection", "Parameter",
                                          "ConfigFile", "ActivityDescription", "EntityDescription",
                                          "DatasetDescription", "ValueDescription", "UsageDescription",
                                          "GenerationDescription", "ParameterDescription",
                                          "ConfigFileDescription")), "entity"),
    VOPROV + "Activity": "activity",
    VOPROV + "Agent": "agent",
}
_BASE_CLASSES = {PROV + "Entity", PROV + "Activity", PROV + "Agent"}
#: PROV-O predicates read back as the PROV-DM attribute they stand for.
_ATTRIBUTES = {RDFS + "label": PROV + "label", PROV + "atLocation": PROV + "location", PROV + "hadRole": PROV + "role"}
_ACTIVITY_TIMES = {PROV + "startedAtTime": "startTime", PROV + "endedAtTime": "endTime"}


def from_rdf(dataset: rdflib.Dataset, source: str) -> Document:
    """The statements of the PROV-O in ``dataset``: default graph and one bundle per named graph."""
    document = Document(source)
    for graph in sorted(dataset.graphs(), key=lambda g: str(g.identifier)):
        if not len(graph):
            continue
        decoded = _Graph(graph)
        if graph.identifier == DATASET_DEFAULT_GRAPH_ID or isinstance(graph.identifier, BNode):
            document.statements += decoded.statements()
        else:
            document.bundles[normalize_iri(str(graph.identifier))] = decoded.statements()
        document.unread += decoded.unread()
    return document


class _Graph:
    """Decodes the triples of one graph."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self.facts: dict[Any, list[tuple[str, Any]]] = defaultdict(list)
        for subject, predicate, obj in graph:
            self.facts[subject].append((normalize_iri(str(predicate)), obj))
        self.blank: dict[BNode, str] = {}
        self.skipped: list[Any] = []  #: subjects that are no PROV node nor part of one

    def unread(self) -> list[str]:
        """A note on the triples of resources that are no PROV node (their subject is kept where a node names it)."""
        if not self.skipped:
            return []
        count = sum(not _is_relation(p) for subject in self.skipped for p, _ in self.facts[subject])
        shown = ", ".join(sorted(self.name(subject) if not isinstance(subject, BNode) else "a blank node"
                                 for subject in self.skipped)[:3])
        return [f"{count} triple(s) about {len(self.skipped)} resource(s) that are no PROV node are not read "
                f"(e.g. {shown}); a node's property naming one keeps its IRI"]

    def statements(self) -> list[Statement]:
        relations = self._qualified()
        relations += self._shortcuts(relations)
        kinds = position_kinds(relations)
        nodes = [node for node in (self._node(s, kinds) for s in sorted(self.facts, key=str)) if node]
        return nodes + relations

    # -- terms --------------------------------------------------------------

    def name(self, term: Any) -> str:
        """The IRI of a node, or a stable blank id made from its facts."""
        if isinstance(term, BNode):
            if term not in self.blank:
                text = sorted(f"{p} {o if not isinstance(o, BNode) else '_'}" for p, o in self.facts.get(term, []))
                self.blank[term] = blank_id(digest(*text) if text else digest(str(term)))
            return self.blank[term]
        return normalize_iri(str(term))

    def value(self, term: Any) -> Any:
        if isinstance(term, Literal):
            datatype = str(term.datatype) if term.datatype else None
            return literal_value(str(term), datatype, term.language)
        return IRI(self.name(term))

    # -- relations ------------------------------------------------------------

    def _qualified(self) -> list[Statement]:
        found: dict[Any, Statement] = {}
        for subject, facts in self.facts.items():
            for predicate, node in facts:
                qualifier = _QUALIFIERS.get(_prov_name(predicate))
                if qualifier is None or not isinstance(node, (URIRef, BNode)):
                    continue
                kind, subject_arg, properties, subtype = qualifier
                statement = found.get(node)
                if statement is None:
                    statement = found[node] = self._qualified_node(node, kind, properties)
                    statement.args[subject_arg] = self.name(subject)
                if subtype and IRI(PROV + subtype) not in statement.values(PROV + "type"):
                    statement.attributes.append((PROV + "type", IRI(PROV + subtype)))
        return list(found.values())

    def _qualified_node(self, node: Any, kind: str, properties: dict[str, str]) -> Statement:
        statement = Statement(kind, None if isinstance(node, BNode) else self.name(node))
        for predicate, obj in self.facts.get(node, []):
            local = _prov_name(predicate)
            if local in properties and not isinstance(obj, Literal):
                statement.args[properties[local]] = self.name(obj)
            elif local == "atTime" and "time" in ARGUMENTS[kind]:
                statement.args["time"] = self.value(obj)
            elif predicate == _TYPE and str(obj) in RELATION_CLASSES:
                continue
            else:
                statement.attributes.append((_attribute(predicate), self.value(obj)))
        return statement

    def _shortcuts(self, qualified: list[Statement]) -> list[Statement]:
        """The shortcuts that no qualified relation already says (a typed derivation says both)."""
        said = {_key(s) for s in qualified}
        pairs = {key[:3] for key in said}
        found: list[Statement] = []
        for local, (kind, subject_arg, object_arg, subtype) in _SHORTCUTS.items():
            for subject, facts in sorted(self.facts.items(), key=lambda item: str(item[0])):
                for predicate, obj in facts:
                    if _prov_name(predicate) != local or isinstance(obj, Literal):
                        continue
                    statement = Statement(kind, args={subject_arg: self.name(subject), object_arg: self.name(obj)})
                    if subtype:
                        statement.attributes.append((PROV + "type", IRI(PROV + subtype)))
                    key = _key(statement)
                    if key in said or (not subtype and key[:3] in pairs):
                        continue
                    said.add(key)
                    pairs.add(key[:3])
                    if kind == "mentionOf":
                        bundle = next((o for p, o in facts if p == _AS_IN_BUNDLE and not isinstance(o, Literal)), None)
                        if bundle is not None:
                            statement.args["bundle"] = self.name(bundle)
                    found.append(statement)
        return found + self._voprov_links()

    def _voprov_links(self) -> list[Statement]:
        found = []
        for subject, facts in sorted(self.facts.items(), key=lambda item: str(item[0])):
            for predicate, obj in facts:
                link = _VOPROV_LINKS.get(predicate[len(VOPROV):]) if predicate.startswith(VOPROV) else None
                if link and not isinstance(obj, Literal):
                    found.append(Statement("wasInfluencedBy", None,
                                           {"influencee": self.name(subject), "influencer": self.name(obj)},
                                           [(PROV + "type", IRI(VOPROV + link))]))  # fmt: skip
        return found

    # -- nodes ------------------------------------------------------------------

    def _node(self, subject: Any, positions: dict[str, str]) -> Statement | None:
        facts = self.facts[subject]
        classes = [str(o) for p, o in facts if p == _TYPE and not isinstance(o, Literal)]
        kind = next((_NODE_CLASSES[c] for c in classes if c in _NODE_CLASSES), None)
        if any(c in RELATION_CLASSES for c in classes):
            return None  # a qualified node, read with its relation
        kind = kind or positions.get(self.name(subject))
        if kind is None:
            if any(not _is_relation(p) for p, _ in facts) and not any(
                    str(o).startswith((PROV, VOPROV)) for p, o in facts if p == _TYPE):
                self.skipped.append(subject)  # not provenance: e.g. a detector a node's property points to
            return None
        statement = Statement(kind, self.name(subject))
        for predicate, obj in facts:
            if _is_relation(predicate) or (predicate == _TYPE and str(obj) in _BASE_CLASSES):
                continue
            if kind == "activity" and predicate in _ACTIVITY_TIMES and _ACTIVITY_TIMES[predicate] not in statement.args:
                statement.args[_ACTIVITY_TIMES[predicate]] = self.value(obj)
            elif kind == "activity" and predicate in _ACTIVITY_TIMES:  # a second time: kept, for the shapes to judge
                statement.attributes.append((predicate, self.value(obj)))
            else:
                statement.attributes.append((_attribute(predicate), self.value(obj)))
        return statement


def _attribute(predicate: str) -> str:
    """The PROV-DM attribute that a PROV-O predicate stands for."""
    if predicate == _TYPE:
        return PROV + "type"
    return _ATTRIBUTES.get(predicate, predicate)


def _is_relation(predicate: str) -> bool:
    local = _prov_name(predicate)
    if local is not None:
        return local in _QUALIFIERS or local in _SHORTCUTS or predicate == _AS_IN_BUNDLE
    return predicate.startswith(VOPROV) and predicate[len(VOPROV):] in _VOPROV_LINKS


def _key(statement: Statement) -> tuple:
    """What a shortcut says: the kind, the two nodes and the derivation type."""
    first, second = ARGUMENTS[statement.kind][:2]
    subtype = tuple(t for t in statement.types() if t.startswith(PROV))
    return (statement.kind, statement.args.get(first), statement.args.get(second), subtype)


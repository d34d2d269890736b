"""PROV-O quads → a :class:`prov.model.ProvDocument`, for PROV-N, PROV-JSON, PROV-XML, PROV-JSONLD.

Each named graph becomes a bundle named by the graph's IRI; the default
graph (a lineage answer) is the document's top level.

* **Nodes** become activities, agents or entities by their PROV-O class
  (an untyped node by the relations it is the subject of, else an entity).
  A node that has nothing but its class, which a relation of the same
  graph already implies (``used(a, e)`` makes ``a`` an activity and ``e``
  an entity, PROV-CONSTRAINTS typing), is not declared: the store types
  every node a relation names, so the declaration would say nothing the
  source said (its PROV-O class is all the store keeps of either form).
  Every other class is kept as ``prov:type`` (``voprov:Parameter``,
  ``prov:Person``, ``prov:Bundle`` …), and so is a literal ``rdf:type``.
  ``rdfs:label``, ``prov:atLocation``, ``prov:hadRole`` and ``prov:value``
  are ``prov:label``, ``prov:location``, ``prov:role`` and ``prov:value``;
  an activity's ``prov:startedAtTime``/``prov:endedAtTime`` its start and
  end; an entity's ``prov:generatedAtTime`` (``invalidatedAtTime``) is the
  time of its generation (invalidation), the one place PROV-DM has for it.
* **Relations.** A qualified node (``prov:qualifiedUsage`` …,
  ``voprov:qualifiedConfiguration``) is the PROV relation of its qualifier:
  its properties (``prov:entity``, ``prov:hadActivity``, ``prov:hadPlan``,
  ``prov:atTime`` …) are the formal attributes, its other facts the
  attributes, its IRI the identifier — unless provrdf made that IRI from a
  digest of what the relation says (``{base}usage/<24 hex digits>``, for a
  relation that had no id), which is not written. A shortcut that no
  qualified node already says (``prov:used``, ``prov:generated``,
  ``prov:hadMember``, ``prov:specializationOf``, ``prov:alternateOf``,
  ``prov:mentionOf`` with ``prov:asInBundle`` …) is a relation without
  identifier. A revision, quotation or primary source is a derivation with
  that ``prov:type``; a ProvDM configuration an influence of ``prov:type
  voprov:WasConfiguredBy``.
* **Names** (:mod:`provrdf.serializers.qnames`). PROV-XML writes identifiers as
  ``xsd:QName``, whose local part must be an NCName. Every IRI is therefore
  split where its longest NCName suffix starts, and its namespace declared
  under a prefix made from it (``activity``, ``activity-5``, ``entity-dl1``):
  the qualified name expands to exactly the IRI, and PROV-N and PROV-JSON
  read it as well. An IRI with no NCName suffix (one ending in ``/0.24.0``)
  has no PROV-XML form; it is cut after its last ``/``, ``#`` or ``:``.
* **Values** are given as the ``prov`` package reads them back: ``xsd:string``,
  ``xsd:double``, ``xsd:boolean``, ``xsd:dateTime`` and ``xsd:int`` as Python
  values, ``xsd:anyURI`` as an identifier, anything else (``xsd:integer``,
  the one integer type the store keeps) as a typed literal.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import prov.model as pm
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad

from provrdf.serializers.qnames import Names, ncname_split
from provrdf.formats import Format
from provrdf.identifiers import DIGEST_PATTERN
from provrdf.rdf.namespaces import PROV, RDF, RDFS, XSD
from provrdf.rdf.relations import BY_NAME, RELATION_CLASSES, RELATIONS, Relation
from provrdf.timeutil import parse_time

__all__ = ["OPTIONS", "ncname_split", "to_prov_document", "write"]

#: This writer takes no options.
OPTIONS: frozenset[str] = frozenset()
_PROV_FORMATS = {"provn": "provn", "provjson": "json", "provxml": "xml", "provjsonld": "jsonld"}

# -- relations ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Form:
    """How PROV-O writes one PROV relation.

    ``subject`` is the formal attribute filled by the node that has the
    shortcut or qualifier, ``target`` the one filled by the shortcut's object,
    ``node`` maps each property of the qualified node to its formal attribute.
    """

    record: str  #: local name of the PROV record type (``Usage`` …)
    subject: str
    target: str
    node: dict[str, str] = field(default_factory=dict)
    type: str | None = None  #: a ``prov:type`` the relation carries (``prov:Revision`` …)


_AT = {PROV + "atTime": "time"}
#: PROV-DM relation → its record type, the formal attributes of its subject and
#: object, and those the other properties of its qualified node fill.
_RECORDS: dict[str, tuple[str, str, str, dict[str, str]]] = {
    "used": ("Usage", "activity", "entity", _AT),
    "wasGeneratedBy": ("Generation", "entity", "activity", _AT),
    "wasInvalidatedBy": ("Invalidation", "entity", "activity", _AT),
    "wasStartedBy": ("Start", "activity", "trigger", {PROV + "hadActivity": "starter", **_AT}),
    "wasEndedBy": ("End", "activity", "trigger", {PROV + "hadActivity": "ender", **_AT}),
    "wasAssociatedWith": ("Association", "activity", "agent", {PROV + "hadPlan": "plan"}),
    "wasAttributedTo": ("Attribution", "entity", "agent", {}),
    "actedOnBehalfOf": ("Delegation", "delegate", "responsible", {PROV + "hadActivity": "activity"}),
    "wasDerivedFrom": ("Derivation", "generatedEntity", "usedEntity",
                       {PROV + "hadActivity": "activity", PROV + "hadGeneration": "generation",
                        PROV + "hadUsage": "usage"}),
    "wasInformedBy": ("Communication", "informed", "informant", {}),
    "wasInfluencedBy": ("Influence", "influencee", "influencer",
                        {PROV + p: "influencer" for p in ("entity", "activity", "agent")}),
    "wasConfiguredBy": ("Influence", "influencee", "influencer", {}),
}  # fmt: skip


def _form(relation: Relation) -> _Form:
    """How PROV-DM says ``relation``; a kind of another relation (a revision) as that one, with a ``prov:type``."""
    record, subject, target, details = _RECORDS.get(relation.name) or _RECORDS[relation.general or ""]
    kind = relation.node_class if relation.general else None
    return _Form(record, subject, target, {relation.target: target, **details}, kind)


_FORMS = {r.name: _form(r) for r in RELATIONS}
#: qualifier → the relation its node is
_QUALIFIERS = {r.qualifier: _FORMS[r.name] for r in RELATIONS}
#: shortcut → (the relation it says, whether its subject is the relation's target)
_SHORTCUTS: dict[str, tuple[_Form, bool]] = {
    **{r.shortcut: (_FORMS[r.name], False) for r in RELATIONS},
    **{r.inverse: (_FORMS[r.name], True) for r in RELATIONS if r.inverse},
    PROV + "hadMember": (_Form("Membership", "collection", "entity"), False),
    PROV + "specializationOf": (_Form("Specialization", "specificEntity", "generalEntity"), False),
    PROV + "alternateOf": (_Form("Alternate", "alternate1", "alternate2"), False),
    PROV + "mentionOf": (_Form("Mention", "specificEntity", "generalEntity"), False),
}
_AS_IN_BUNDLE = PROV + "asInBundle"  # the bundle of a mention, a fact of its subject
#: A derivation's links to a generation or usage, which must keep their identifiers.
_DERIVATION_LINKS = (PROV + "hadGeneration", PROV + "hadUsage")
#: IRI kinds of the qualified nodes that the encoder names by a digest of their content.
_MINTED_KINDS = tuple(dict.fromkeys(r.iri_kind for r in RELATIONS))
#: Classes of qualified nodes: of a node whose qualifier is not in the graph too.
_NODE_CLASSES = RELATION_CLASSES | {BY_NAME["wasConfiguredBy"].node_class}

# -- nodes ----------------------------------------------------------------------------------------

_TYPE = RDF + "type"
_ELEMENTS = {PROV + "Activity": "Activity", PROV + "Agent": "Agent", PROV + "Person": "Agent",
             PROV + "Organization": "Agent", PROV + "SoftwareAgent": "Agent", PROV + "Entity": "Entity"}  # fmt: skip
_HIDDEN = {PROV + "Activity", PROV + "Agent", PROV + "Entity"}
_ELEMENT_KINDS = {"activity": "Activity", "agent": "Agent"}
#: An untyped node is what the PROV relations it is the subject of make it (else an entity).
_SUBJECT_KINDS = {
    **{r.shortcut: _ELEMENT_KINDS[r.subject_kind] for r in RELATIONS
       if r.subject_kind in _ELEMENT_KINDS and r.shortcut.startswith(PROV)},
    **{r.inverse: _ELEMENT_KINDS[r.object_kind] for r in RELATIONS if r.inverse and r.object_kind in _ELEMENT_KINDS},
}  # fmt: skip
#: PROV-O predicates that are PROV-DM attributes.
_ATTRIBUTES = {RDFS + "label": PROV + "label", PROV + "atLocation": PROV + "location",
               PROV + "hadRole": PROV + "role", _TYPE: PROV + "type"}  # fmt: skip
#: Facts of a node that are relations, not attributes.
_SKIPPED = {*_SHORTCUTS, *_QUALIFIERS, _AS_IN_BUNDLE}
_ACTIVITY_TIMES = {PROV + "startedAtTime": "startTime", PROV + "endedAtTime": "endTime"}
#: entity time → the relation that PROV-DM gives that time
_ENTITY_TIMES = {PROV + "generatedAtTime": _FORMS["wasGeneratedBy"],
                 PROV + "invalidatedAtTime": _FORMS["wasInvalidatedBy"]}


#: The element each formal attribute of a relation names (PROV-CONSTRAINTS typing: ``used(a, e)``
#: implies ``activity(a)`` and ``entity(e)``); an influence's ends are of no kind.
_IMPLIES = {
    **dict.fromkeys(("entity", "trigger", "plan", "generatedEntity", "usedEntity", "specificEntity",
                     "generalEntity", "alternate1", "alternate2", "collection", "bundle"), "Entity"),
    **dict.fromkeys(("activity", "informed", "informant", "starter", "ender"), "Activity"),
    **dict.fromkeys(("agent", "delegate", "responsible"), "Agent"),
}  # fmt: skip


@dataclass
class _Statement:
    """One PROV record before it is written: IRIs are still strings."""

    record: str
    id: str | None = None
    formal: dict[str, Any] = field(default_factory=dict)
    attributes: list[tuple[str, Any]] = field(default_factory=list)  #: (attribute IRI, RDF term)


class _Converter:
    """Converts one dataset."""

    def __init__(self, base: str) -> None:
        self.document = pm.ProvDocument()
        self.name = Names(self.document, base)
        self.minted = re.compile(f"{re.escape(base)}({'|'.join(_MINTED_KINDS)})/{DIGEST_PATTERN}\\Z")

    def convert(self, quads: Iterable[Quad]) -> pm.ProvDocument:
        graphs: dict[Any, list[Quad]] = defaultdict(list)
        for quad in quads:
            if _declares_itself(quad):
                continue  # a bundle's graph says it is a bundle: in PROV, being one says it
            graphs[quad.graph_name].append(quad)
        for graph, members in sorted(graphs.items(), key=lambda item: str(item[0])):
            bundle = self.document if isinstance(graph, DefaultGraph) else self.document.bundle(self.name(graph.value))
            for statement in _statements(members, self.minted):
                self.write(bundle, statement)
        return self.document

    def write(self, bundle: pm.ProvBundle, statement: _Statement) -> None:
        formal = [(pm.PROV[name], value if isinstance(value, datetime) else self.name(value))
                  for name, value in statement.formal.items()]  # fmt: skip
        attributes = [(self.name(name), self.value(term)) for name, term in statement.attributes]
        identifier = self.name(statement.id) if statement.id else None
        bundle.new_record(pm.PROV[statement.record], identifier, formal, attributes)

    def value(self, term: Any) -> Any:
        """An RDF term as the ``prov`` package holds the value; literals as it reads them back."""
        if isinstance(term, str):
            return self.name(term)
        if not isinstance(term, Literal):
            return self.name(_iri(term))
        if term.language:
            return pm.Literal(term.value, langtag=term.language)
        datatype, text = term.datatype.value, term.value
        try:
            return _python(datatype, text)
        except (KeyError, ValueError):
            return pm.Literal(text, datatype=self.name(datatype))


def _python(datatype: str, text: str) -> Any:
    """The Python value ``prov`` reads a literal of ``datatype`` as; KeyError when it keeps a Literal."""
    if datatype in (XSD + "string", RDF + "JSON"):  # PROV-DM's values have XSD types: JSON is text there
        return text
    if datatype == XSD + "dateTime":
        return parse_time(text)
    if datatype == XSD + "double":
        return float(text)
    if datatype == XSD + "boolean" and text in ("true", "false", "1", "0"):
        return text in ("true", "1")
    if datatype == XSD + "anyURI":
        return pm.Identifier(text)
    if datatype == XSD + "int":  # what prov reads a PROV-JSON number as; the store keeps xsd:integer
        return int(text)
    raise KeyError(datatype)


def _moment(term: Any) -> datetime | None:
    """The time a literal gives, or None for anything else (a time the store kept unparsed)."""
    if not isinstance(term, Literal) or term.datatype.value != XSD + "dateTime":
        return None
    try:
        return parse_time(term.value)
    except ValueError:
        return None


def _iri(term: Any) -> str:
    return f"urn:provrdf:blank:{term.value}" if isinstance(term, BlankNode) else term.value


# -- one graph --------------------------------------------------------------------------------------


def _statements(quads: list[Quad], minted: re.Pattern) -> list[_Statement]:
    """The PROV records of one graph: its nodes, its qualified relations, its uncovered shortcuts.

    A qualified node named by ``minted`` (an IRI provrdf made from what the
    relation says, for want of an id) is written without identifier, unless
    a derivation names it as its generation or usage.
    """
    facts: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for quad in quads:
        facts[_iri(quad.subject)].append((quad.predicate.value, quad.object))
    for node_facts in facts.values():
        node_facts.sort(key=lambda fact: (fact[0], str(fact[1])))
    owners = {_iri(obj): (node, _QUALIFIERS[p]) for node, node_facts in facts.items()
              for p, obj in node_facts if p in _QUALIFIERS}  # fmt: skip
    named = {_iri(o) for node_facts in facts.values() for p, o in node_facts if p in _DERIVATION_LINKS}
    relations, covered = [], set()
    for node, (owner, form) in sorted(owners.items()):
        statement = _qualified(node, owner, form, facts.get(node, []))
        if node not in named and minted.match(node):
            statement.id = None
        relations.append(statement)
        covered |= _says(statement, form)
    nodes = sorted(n for n, f in facts.items() if n not in owners and not _is_relation_node(f))
    elements = [statement for node in nodes for statement in _element(node, facts[node])]
    relations += _shortcuts(facts, covered)
    for entity in sorted({s.id for s in elements if s.record == "Entity" and s.id is not None}):
        _entity_times(entity, facts[entity], relations)
    implied = _implied(relations)
    return [s for s in elements if s.attributes or s.formal or (s.record, s.id) not in implied] + relations


def _implied(relations: list[_Statement]) -> set[tuple[str, Any]]:
    """The (record type, identifier) of each element that ``relations`` imply (PROV-CONSTRAINTS typing)."""
    return {(_IMPLIES[name], value) for s in relations for name, value in s.formal.items()
            if name in _IMPLIES and isinstance(value, str)}  # fmt: skip


def _is_relation_node(facts: list[tuple[str, Any]]) -> bool:
    """A qualified node whose qualifier is not in the graph (e.g. cut off by a lineage): left out."""
    return any(p == _TYPE and o.value in _NODE_CLASSES for p, o in facts)


def _element(node: str, facts: list[tuple[str, Any]]) -> list[_Statement]:
    classes = {o.value for p, o in facts if p == _TYPE and not isinstance(o, Literal)}
    kinds = sorted({_ELEMENTS[c] for c in classes if c in _ELEMENTS})
    if not kinds:
        kinds = [next((_SUBJECT_KINDS[p] for p, _ in facts if p in _SUBJECT_KINDS), "Entity")]
    times: dict[str, Any] = {}
    attributes = []
    for predicate, obj in facts:
        if predicate in _SKIPPED or (predicate in _ENTITY_TIMES and "Entity" in kinds and _moment(obj)):
            continue  # relations, and entity times written as the time of a relation (_entity_times)
        if predicate in _ACTIVITY_TIMES and "Activity" in kinds and _moment(obj):
            times.setdefault(_ACTIVITY_TIMES[predicate], _moment(obj))
        elif not (predicate == _TYPE and obj.value in _HIDDEN):
            attributes.append((_ATTRIBUTES.get(predicate, predicate), obj))
    if not classes and not attributes and not times:
        return []  # a node the store knows only by its relations: declared by nothing the source said
    return [_Statement(kind, node, times if kind == "Activity" else {}, attributes) for kind in kinds]


def _qualified(node: str, owner: str, form: _Form, facts: list[tuple[str, Any]]) -> _Statement:
    statement = _Statement(form.record, node, {form.subject: owner})
    for predicate, obj in facts:
        name = form.node.get(predicate)
        if name == "time" and _moment(obj):
            statement.formal.setdefault(name, _moment(obj))
        elif name and name != "time" and not isinstance(obj, Literal):
            statement.formal.setdefault(name, _iri(obj))  # a second value cannot be a formal attribute
        elif not (predicate == _TYPE and obj.value in RELATION_CLASSES):
            statement.attributes.append((_ATTRIBUTES.get(predicate, predicate), obj))
    if form.type and (PROV + "type", NamedNode(form.type)) not in statement.attributes:
        statement.attributes.append((PROV + "type", NamedNode(form.type)))
    return statement


def _says(statement: _Statement, form: _Form) -> set[tuple]:
    """The shortcuts that ``statement`` stands for: one per ``prov:type`` it has, and the plain one."""
    subject, target = statement.formal.get(form.subject), statement.formal.get(form.target)
    types = {obj.value for name, obj in statement.attributes if name == PROV + "type" and isinstance(obj, NamedNode)}
    return {(subject, form.record, target, kind) for kind in (None, *types)}


def _shortcuts(facts: dict[str, list[tuple[str, Any]]], covered: set[tuple]) -> list[_Statement]:
    found = []
    for node, node_facts in sorted(facts.items()):
        for predicate, obj in node_facts:
            if predicate not in _SHORTCUTS or isinstance(obj, Literal):
                continue
            form, inverse = _SHORTCUTS[predicate]
            subject, target = (_iri(obj), node) if inverse else (node, _iri(obj))
            key = (subject, form.record, target, form.type)
            if key in covered:
                continue
            covered.add(key)
            statement = _Statement(form.record, None, {form.subject: subject, form.target: target})
            if form.type:
                statement.attributes.append((PROV + "type", NamedNode(form.type)))
            if form.record == "Mention":
                statement.formal.update((("bundle", _iri(o)) for p, o in node_facts if p == _AS_IN_BUNDLE))
            found.append(statement)
    return found


def _entity_times(node: str, facts: list[tuple[str, Any]], relations: list[_Statement]) -> None:
    """Put an entity's generation (invalidation) time on its one untimed generation, or on one of its own."""
    for predicate, obj in facts:
        form, time = _ENTITY_TIMES.get(predicate), _moment(obj)
        if form is None or time is None:
            continue
        own = [s for s in relations if s.record == form.record and s.formal.get(form.subject) == node]
        if any(s.formal.get("time") == time for s in own):
            continue
        untimed = [s for s in own if "time" not in s.formal]
        if len(untimed) == 1:
            untimed[0].formal["time"] = time
        else:
            relations.append(_Statement(form.record, None, {form.subject: node, "time": time}))


def _declares_itself(quad: Quad) -> bool:
    """Whether ``quad`` is a bundle's graph saying that it is a bundle."""
    return quad.subject == quad.graph_name and quad.predicate.value == RDF + "type" and str(quad.object) == f"<{PROV}Bundle>"


def to_prov_document(quads: Iterable[Quad], base: str) -> pm.ProvDocument:
    """A PROV document holding the same provenance as ``quads``.

    ``base`` is the store's base IRI; namespaces under it get the prefix of
    their kind (``activity``, ``activity-5``, ``entity-dl1`` …).
    """
    return _Converter(base).convert(quads)


def write(quads: list[Quad], fmt: Format, *, base: str) -> bytes:
    """``quads`` in the W3C PROV serialization ``fmt``, written by the ``prov`` package."""
    text = to_prov_document(quads, base).serialize(format=_PROV_FORMATS[fmt.name])
    assert text is not None  # with no destination, the prov package returns the text
    return text.encode("utf-8")

"""The statements of a W3C PROV document as records: one for the document, one per bundle.

* **Records.** The document's top level is one record, its local id
  ``w3c/<digest of its content>`` (the same document in any serialization
  gets the same id). The bundles that OPUS and voprov write to hold the
  ProvDM parts of the main record (``…#configuration``,
  ``…#description``, in any position of the fragment) are merged into it.
  Every other bundle is a record of its own whose id is the bundle's IRI.
  An OPUS internal-provenance bundle (``#<jobid>#internal_provenance``)
  is such a record too, and its activities are made *part of* the job
  activity (``dcterms:isPartOf``), so the two granularities stay linked.
* **Ids.** Every node and relation keeps the document's IRI
  (:func:`~provrdf.identifiers.external`); a blank node gets a stable id
  made from what is said about it.
* **Attributes.** ``voprov:name`` (and voprov's and OPUS's ``prov:name``) is
  the ProvDM name; a ``prov:label`` is a label (``rdfs:label``), kept apart,
  ``prov:location`` the location (kept exactly as written: ingest links
  entities of different tools by it), ``prov:role`` the role,
  ``prov:value`` the value; ProvDM attributes (``voprov:comment``,
  ``voprov:email`` …) their model fields; everything else is kept in
  ``extra`` under its full IRI, literals with their datatype or language.
  ``prov:type`` values that are not a class of the model are kept as
  ``rdf:type``.
* **Nodes named but not declared** (PROV allows it) are declared with what
  the relation makes them, so that each relation's object is in its record.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

from provrdf import model as m
from provrdf.capture.w3c.document import (
    ARGUMENTS,
    NODE_KINDS,
    Attributes,
    Document,
    Statement,
    class_value,
    local_id,
    position_kinds,
    time_value,
    written,
)
from provrdf.capture.w3c.provdm import COMMENT, ProvDM, extract, parameter_value
from provrdf.errors import ParseError
from provrdf.identifiers import external
from provrdf.rdf.namespaces import DCTERMS, PROV, VOPROV

__all__ = ["bundle_role", "fingerprint", "fragments", "records"]

_ROLE = (PROV + "role",)
#: The PROV-O properties of an activity's times, for a node that gives one twice.
_TIME_PREDICATES = {"startTime": PROV + "startedAtTime", "endTime": PROV + "endedAtTime"}
_NAME_ORDER = (VOPROV + "name", PROV + "name")
_ENTITY_KINDS = {VOPROV + "DatasetEntity": "dataset", VOPROV + "ValueEntity": "value",
                 PROV + "Collection": "collection", VOPROV + "Collection": "collection",
                 PROV + "EmptyCollection": "collection"}  # fmt: skip
#: Classes the encoder writes by itself: read, they say nothing more.
_IMPLIED = {VOPROV + n for n in ("Entity", "Activity", "Agent", "DatasetEntity", "ValueEntity", "Collection", "Used",
                                 "WasGeneratedBy", "WasAssociatedWith", "WasAttributedTo", "WasDerivedFrom",
                                 "WasInformedBy")} | {PROV + "Collection"}  # fmt: skip
_AGENT_CLASSES = {PROV + t: t for t in m.AGENT_TYPES}
_DERIVATION_CLASSES = {ns + t: t for t in m.DERIVATION_TYPES for ns in (PROV, VOPROV)}
#: The values a literal attribute can have (:mod:`~provrdf.capture.w3c.document`): everything but an IRI.
_LITERALS = (str, m.Typed, bool, datetime)
_AGENT_FIELDS = ("email", "affiliation", "phone", "address", "url")
#: ProvDM links some writers give as an attribute of the linked node or relation.
_LINK_ATTRIBUTES = {VOPROV + "isDescribedBy": "isDescribedBy", VOPROV + "descriptor": "isDescribedBy",
                    VOPROV + "wasConfiguredBy": "wasConfiguredBy", VOPROV + "hadReference": "hadReference"}  # fmt: skip
#: How many leading arguments (:data:`~provrdf.capture.w3c.document.ARGUMENTS`) a relation cannot do without.
_REQUIRED = {"used": 1, "wasGeneratedBy": 1, "wasInvalidatedBy": 1, "wasStartedBy": 1, "wasEndedBy": 1,
             "wasAssociatedWith": 1, "wasAttributedTo": 2, "actedOnBehalfOf": 2, "wasDerivedFrom": 2,
             "wasInformedBy": 2, "wasInfluencedBy": 2, "specializationOf": 2, "alternateOf": 2, "hadMember": 2,
             "mentionOf": 2}  # fmt: skip


def bundle_role(iri: str) -> str | None:
    """What an OPUS or voprov bundle holds, by its name: ``configuration``, ``description``, ``internal``.

    >>> bundle_role("https://uws.example.org/rest/ctbin/1a2b3c#1a2b3c%23configuration")
    'configuration'
    >>> bundle_role("http://example.org/prov#description#ctbin"), bundle_role("http://example.org/run7")
    ('description', None)
    """
    pieces = fragments(iri)[1:]
    if "configuration" in pieces:
        return "configuration"
    if "description" in pieces:
        return "description"
    return "internal" if pieces and pieces[-1] == "internal_provenance" else None


def fragments(iri: str) -> list[str]:
    """``iri`` cut at each ``#``, written or percent-encoded (see :func:`~provrdf.capture.w3c.document.normalize_iri`)."""
    return re.split("#|%23", iri)


def records(document: Document) -> Iterator[m.Record | ParseError]:
    """The records of ``document``: its top level (with its ProvDM bundles) first, then its other bundles.

    A statement that cannot be kept (a relation without the end it cannot
    do without, a description that belongs to no activity description) is
    named in a warning of the record it was read with. A record holding a
    value that cannot be read (a time that is no time) is a
    :class:`~provrdf.errors.ParseError` with its index; the others are read on.
    """
    main = list(document.statements)
    others = []
    for iri in sorted(document.bundles):
        if bundle_role(iri) in ("configuration", "description"):
            main += document.bundles[iri]
        else:
            others.append(iri)
    index, job_activities = 0, []
    if main:
        try:
            record, problems = _Mapper(main).record("")
        except ValueError as error:
            yield ParseError(document.source, str(error), record=index)
        else:
            record.id = "w3c/" + fingerprint(record)
            job_activities = [a.id for a in record.activities]
            yield from _finish(record, problems, document.source, index)
        index += 1
    for iri in others:
        try:
            record, problems = _Mapper(document.bundles[iri]).record(external(iri))
        except ValueError as error:
            yield ParseError(document.source, f"bundle <{iri}>: {error}", record=index)
            index += 1
            continue
        if bundle_role(iri) == "internal":
            _attach(record, _job(iri, job_activities))
        yield from _finish(record, problems, document.source, index)
        index += 1


def _finish(record: m.Record, problems: list[tuple[str, str]], source: str, index: int) -> Iterator[m.Record]:
    record.source, record.index = source, index
    record.warnings += problems
    yield record


def _job(bundle: str, activities: list[str]) -> str | None:
    """The job activity an internal-provenance bundle belongs to: its ``<jobid>`` ends the activity's IRI."""
    pieces = fragments(bundle)
    job_id = pieces[-2] if len(pieces) > 2 else ""
    named = [a for a in activities if job_id and a.rstrip(">").endswith("/" + job_id)]
    if len(named) == 1:
        return named[0]
    return activities[0] if len(activities) == 1 else None


def _attach(record: m.Record, job: str | None) -> None:
    for activity in record.activities:
        if job is not None and activity.id != job and activity.part_of is None:
            activity.part_of = job


def fingerprint(record: m.Record) -> str:
    """A digest of what ``record`` says, the same whatever order it was read in."""
    content = _canonical([getattr(record, f.name) for f in fields(record) if f.name not in ("id", "source", "index", "warnings")])
    return hashlib.sha256(repr(content).encode("utf-8")).hexdigest()[:16]


def _canonical(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, tuple(_canonical(getattr(value, f.name)) for f in fields(value)))
    if isinstance(value, (list, tuple)):
        return tuple(sorted((_canonical(item) for item in value), key=repr))
    if isinstance(value, dict):
        return tuple(sorted((key, _canonical(item)) for key, item in value.items()))
    return value


def _attribute_links(statement: Statement) -> list[Statement]:
    """ProvDM links written as attributes (``voprov:isDescribedBy <d>`` on a node or relation),
    taken out and given as the marked influences the ProvDM mapping reads."""
    if statement.id is None:
        return []
    found, kept = [], []
    for name, value in statement.attributes:
        link = _LINK_ATTRIBUTES.get(name)
        if link and isinstance(value, m.IRI):
            found.append(Statement("wasInfluencedBy", None, {"influencee": statement.id, "influencer": value.value},
                                   [(PROV + "type", m.IRI(VOPROV + link))]))  # fmt: skip
        else:
            kept.append((name, value))
    statement.attributes = kept
    return found


class _Mapper:
    """Maps the statements of one record."""

    def __init__(self, statements: list[Statement]) -> None:
        self.nodes: dict[tuple[str, str], Statement] = {}
        self.relations: list[Statement] = []
        self.problems: list[tuple[str, str]] = []  #: (kind, message) of what is not kept
        for statement in statements:
            statement.attributes = [(name, class_value(name, value)) for name, value in statement.attributes]
            self.relations += _attribute_links(statement)
            if statement.kind in NODE_KINDS:
                self._merge(statement)
            else:
                self.relations.append(statement)

    def _merge(self, statement: Statement) -> None:
        """One node per IRI and kind; a node declared twice has the facts of both."""
        key = (statement.kind, statement.id or "")
        known = self.nodes.get(key)
        if known is None:
            self.nodes[key] = Statement(statement.kind, statement.id, dict(statement.args), list(statement.attributes))
            return
        for name, value in statement.args.items():
            first = known.args.setdefault(name, value)
            if first != value and name in _TIME_PREDICATES:  # a second start or end: kept, the shapes judge it
                known.attributes.append((_TIME_PREDICATES[name], value))
        known.attributes += [pair for pair in statement.attributes if pair not in known.attributes]

    def record(self, record_id: str) -> tuple[m.Record, list[tuple[str, str]]]:
        entities = {iri: node for (kind, iri), node in self.nodes.items() if kind == "entity"}
        provdm, relations = extract(entities, self.relations)
        self.problems += provdm.problems
        record = m.Record(id=record_id)
        for (kind, iri), node in self.nodes.items():
            if kind == "activity":
                record.activities.append(_activity(iri, node, provdm))
            elif kind == "agent":
                record.agents.append(_agent(iri, node))
            elif iri in entities:
                record.entities.append(_entity(iri, node, provdm))
        for statement in relations:
            missing = [name for name in ARGUMENTS[statement.kind][: _REQUIRED[statement.kind]]
                       if not statement.args.get(name)]  # fmt: skip
            if missing:
                self.problems.append(("relation left out", f"{written(statement)} has no {' and no '.join(missing)}, "
                                                           "which it cannot do without; it is left out"))
            else:
                _add_relation(record, statement, provdm)
        record.parameters, record.config_files = provdm.parameters, provdm.config_files
        record.related = provdm.related
        record.activity_descriptions = provdm.activity_descriptions
        record.entity_descriptions = provdm.entity_descriptions
        _declare_named_nodes(record, relations, provdm)
        record.plain = not self._uses_provdm(record)
        return _sorted(record), self.problems

    def _uses_provdm(self, record: m.Record) -> bool:
        """Whether anything in the statements (a class, an attribute, a value) is a voprov term."""
        if record.parameters or record.config_files or record.activity_descriptions or record.entity_descriptions:
            return True
        for statement in [*self.nodes.values(), *self.relations]:
            for name, value in statement.attributes:
                if name.startswith(VOPROV) or (isinstance(value, m.IRI) and value.value.startswith(VOPROV)):
                    return True
        return False


# -- nodes --------------------------------------------------------------------------------


def _name(attributes: Attributes) -> str | None:
    for name in _NAME_ORDER:
        text = attributes.text(name)
        if text is not None:
            return text
    return None


def _activity(iri: str, node: Statement, provdm: ProvDM) -> m.Activity:
    a = Attributes(node.attributes)
    a.drop_types(_IMPLIED)
    part_of = a.iri(DCTERMS + "isPartOf")
    return m.Activity(
        local_id(iri), _name(a), _time(node.args.get("startTime")), _time(node.args.get("endTime")),
        a.text(*COMMENT), provdm.described.get(iri), local_id(part_of) if part_of else None, a.extra(),
    )  # fmt: skip


def _entity(iri: str, node: Statement, provdm: ProvDM) -> m.Entity:
    a = Attributes(node.attributes)
    kind = next((_ENTITY_KINDS[t] for t in a.types() if t in _ENTITY_KINDS), "entity")
    a.drop_types(_IMPLIED)
    name, location = _name(a), a.text(PROV + "location", VOPROV + "location")
    generated = _time(a.pop(PROV + "generatedAtTime", VOPROV + "generatedAtTime"))
    invalidated = _time(a.pop(PROV + "invalidatedAtTime", VOPROV + "invalidatedAtTime"))
    # a value that names a node (an IRI) is no ProvDM value: it is kept as it is, in ``extra``
    comment, value = a.text(*COMMENT), a.pop(PROV + "value", VOPROV + "value", accept=_LITERALS)
    return m.Entity(
        local_id(iri), kind, name, location, generated, invalidated, comment,
        None if value is None else parameter_value(value), provdm.described.get(iri), a.extra(),
    )  # fmt: skip


def _agent(iri: str, node: Statement) -> m.Agent:
    a = Attributes(node.attributes)
    kind = next((_AGENT_CLASSES[t] for t in a.types() if t in _AGENT_CLASSES), None)
    a.drop_types(_IMPLIED | ({PROV + kind} if kind else set()))
    written = a.pop(VOPROV + "type", accept=str)  # voprov's own way of giving the agent type
    if kind is None and written in m.AGENT_TYPES:
        kind = written
    elif written is not None and written != kind:
        a.pairs.append((VOPROV + "type", written))
    name, comment = _name(a), a.text(*COMMENT)
    details = {field: a.text(VOPROV + field) for field in _AGENT_FIELDS}
    return m.Agent(local_id(iri), name, kind, comment, **details, extra=a.extra())


def _time(value: Any) -> datetime | None:
    """A time attribute as a datetime; one that is no time makes the record unreadable (ValueError)."""
    if value is None or isinstance(value, datetime):
        return value
    return time_value(value.text if isinstance(value, m.Typed) else str(value))


# -- relations ----------------------------------------------------------------------------------


def _local(iri: Any) -> str | None:
    return local_id(iri) if isinstance(iri, str) and iri else None


class _Relation:
    """One relation statement read field by field: its ends, role, time, id and the rest of its attributes."""

    def __init__(self, statement: Statement, provdm: ProvDM) -> None:
        self.statement = statement
        self.attributes = Attributes(statement.attributes)
        self.attributes.drop_types(_IMPLIED)
        self.ident = _local(statement.id)
        self.time = _time(statement.args.get("time"))
        self.described = provdm.described.get(statement.id or "")

    def arg(self, name: str) -> str | None:
        """The local id of an end the relation may leave out."""
        return _local(self.statement.args.get(name))

    def need(self, name: str) -> str:
        """The local id of an end the relation cannot do without (checked before: see ``_REQUIRED``)."""
        local = self.arg(name)
        assert local is not None, f"{self.statement.kind} without its {name}"
        return local

    @property
    def role(self) -> str | None:
        return self.attributes.text(*_ROLE)

    def extra(self) -> m.Extra:
        return self.attributes.extra()

    def derivation_type(self) -> str | None:
        """``Revision``, ``Quotation`` or ``PrimarySource`` when the derivation says so, taken out."""
        subtype = next((_DERIVATION_CLASSES[t] for t in self.attributes.types() if t in _DERIVATION_CLASSES), None)
        self.attributes.drop_types({ns + subtype for ns in (PROV, VOPROV)} if subtype else set())
        return subtype


#: statement kind → (the record's list, how the model object is made)
_RELATION_KINDS: dict[str, tuple[str, Callable[[_Relation], Any]]] = {
    "used": ("usages", lambda r: m.Usage(r.need("activity"), r.arg("entity"), r.role, r.time, r.described,
                                         r.ident, r.extra())),
    "wasGeneratedBy": ("generations", lambda r: m.Generation(r.need("entity"), r.arg("activity"), r.role,
                                                             r.described, r.time, r.ident, r.extra())),
    "wasInvalidatedBy": ("invalidations", lambda r: m.Invalidation(r.need("entity"), r.arg("activity"), r.time,
                                                                   r.role, r.ident, r.extra())),
    "wasStartedBy": ("starts", lambda r: m.Start(r.need("activity"), r.arg("trigger"), r.arg("starter"), r.time,
                                                 r.role, r.ident, r.extra())),
    "wasEndedBy": ("ends", lambda r: m.End(r.need("activity"), r.arg("trigger"), r.arg("ender"), r.time, r.role,
                                           r.ident, r.extra())),
    "wasAssociatedWith": ("associations", lambda r: m.Association(r.need("activity"), r.arg("agent"), r.role,
                                                                  r.arg("plan"), r.ident, r.extra())),
    "wasAttributedTo": ("attributions", lambda r: m.Attribution(r.need("entity"), r.need("agent"), r.role,
                                                                r.ident, r.extra())),
    "actedOnBehalfOf": ("delegations", lambda r: m.Delegation(r.need("delegate"), r.need("responsible"),
                                                              r.arg("activity"), r.role, r.ident, r.extra())),
    "wasDerivedFrom": ("derivations", lambda r: m.Derivation(
        r.need("generatedEntity"), r.need("usedEntity"), r.arg("activity"), r.arg("generation"), r.arg("usage"),
        r.derivation_type(), r.ident, r.extra())),
    "wasInformedBy": ("communications", lambda r: m.Communication(r.need("informed"), r.need("informant"),
                                                                  r.ident, r.extra())),
    "wasInfluencedBy": ("influences", lambda r: m.Influence(r.need("influencee"), r.need("influencer"),
                                                            r.ident, r.extra())),
    "specializationOf": ("specializations", lambda r: m.Specialization(r.need("specificEntity"),
                                                                       r.need("generalEntity"))),
    "alternateOf": ("alternates", lambda r: m.Alternate(r.need("alternate1"), r.need("alternate2"))),
    "hadMember": ("memberships", lambda r: m.Membership(r.need("collection"), r.need("entity"))),
    "mentionOf": ("mentions", lambda r: m.Mention(r.need("specificEntity"), r.need("generalEntity"),
                                                  r.arg("bundle"))),
}  # fmt: skip


def _add_relation(record: m.Record, statement: Statement, provdm: ProvDM) -> None:
    field, make = _RELATION_KINDS[statement.kind]
    getattr(record, field).append(make(_Relation(statement, provdm)))


def _declare_named_nodes(record: m.Record, relations: list[Statement], provdm: ProvDM) -> None:
    """Declare the nodes that relations and parameters name but the document does not."""
    named = {local_id(iri): kind for iri, kind in position_kinds(relations).items()}
    for activity in [p.activity for p in provdm.parameters] + [c.activity for c in provdm.config_files]:
        named.setdefault(activity, "activity")
    known = {
        "activity": {a.id for a in record.activities},
        "entity": {e.id for e in record.entities},
        "agent": {a.id for a in record.agents},
    }
    for ident, kind in named.items():
        if ident in known[kind]:
            continue
        known[kind].add(ident)
        if kind == "activity":
            record.activities.append(m.Activity(ident))
        elif kind == "entity":
            record.entities.append(m.Entity(ident))
        else:
            record.agents.append(m.Agent(ident))


def _sorted(record: m.Record) -> m.Record:
    """The record with every list in a stable order, whatever order the document had."""
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, list):
            setattr(record, f.name, sorted(value, key=lambda item: repr(_canonical(item))))
    return record

"""PROV-O quads → a :class:`prov.model.ProvDocument`, for PROV-N, PROV-JSON, PROV-XML, PROV-JSONLD.

Each named graph becomes a bundle. Nodes become activities, agents or
entities by their PROV-O class; a voprov or other class is kept as
``prov:type``, so nothing is lost (a description or a ``ctao:System`` node is
an entity whose ``prov:type`` says what it is). Qualified relation nodes
become PROV relations whose identifier is the node's IRI; a shortcut
without a qualified node becomes a relation without identifier.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Iterable

import prov.model as pm
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad

from provrdf.formats import Format
from provrdf.rdf.namespaces import PREFIXES, PROV, RDF, RDFS, VOPROV, XSD
from provrdf.timeutil import parse_time

__all__ = ["OPTIONS", "to_prov_document", "write"]

#: This writer takes no options.
OPTIONS: frozenset[str] = frozenset()
_PROV_FORMATS = {"provn": "provn", "provjson": "json", "provxml": "xml", "provjsonld": "jsonld"}

_TYPE = RDF + "type"


class _Kind:
    """How one kind of qualified node maps to a ``prov`` relation writer."""

    def __init__(self, qualifier: str, target: str, writer: str, shortcut: str, timed: bool = False):
        self.qualifier, self.target, self.writer, self.shortcut = qualifier, target, writer, shortcut
        self.timed = timed


_RELATIONS = {
    PROV + "Usage": _Kind(PROV + "qualifiedUsage", PROV + "entity", "used", PROV + "used", True),
    PROV + "Generation": _Kind(PROV + "qualifiedGeneration", PROV + "activity", "wasGeneratedBy",
                               PROV + "wasGeneratedBy", True),
    PROV + "Association": _Kind(PROV + "qualifiedAssociation", PROV + "agent", "wasAssociatedWith",
                                PROV + "wasAssociatedWith"),
    PROV + "Attribution": _Kind(PROV + "qualifiedAttribution", PROV + "agent", "wasAttributedTo",
                                PROV + "wasAttributedTo"),
    PROV + "Derivation": _Kind(PROV + "qualifiedDerivation", PROV + "entity", "wasDerivedFrom",
                               PROV + "wasDerivedFrom"),
    PROV + "Communication": _Kind(PROV + "qualifiedCommunication", PROV + "activity", "wasInformedBy",
                                  PROV + "wasInformedBy"),
    VOPROV + "WasConfiguredBy": _Kind(VOPROV + "qualifiedConfiguration", VOPROV + "artefact",
                                      "wasInfluencedBy", VOPROV + "wasConfiguredBy"),
}
_QUALIFIERS = {kind.qualifier for kind in _RELATIONS.values()}
_SHORTCUTS = {kind.shortcut: kind.writer for kind in _RELATIONS.values()} | {PROV + "hadMember": "hadMember"}
_ELEMENTS = {PROV + "Activity": "activity", PROV + "Agent": "agent", PROV + "Entity": "entity"}
_HIDDEN_TYPES = set(_ELEMENTS) | {PROV + "Bundle"}
_RENAMED = {RDFS + "label": "prov:label", PROV + "atLocation": "prov:location",
            PROV + "value": "prov:value", PROV + "hadRole": "prov:role"}
_ACTIVITY_TIMES = (PROV + "startedAtTime", PROV + "endedAtTime")
_PYTHON = {XSD + "string": str, XSD + "integer": int, XSD + "double": float,
           XSD + "boolean": lambda text: text in ("true", "1")}


class _Converter:
    """Converts one dataset; registers the namespaces it needs on the way."""

    def __init__(self, base: str) -> None:
        self.doc = pm.ProvDocument()
        self.default = self.doc.set_default_namespace(base) or pm.Namespace("", base)
        self.names: dict[str, pm.QualifiedName] = {}  # the same IRIs recur on every record
        for prefix, iri in PREFIXES.items():
            if prefix not in ("prov", "xsd"):
                self.doc.add_namespace(prefix, iri)

    def qname(self, iri: str) -> pm.QualifiedName:
        name = self.names.get(iri)
        if name is None:
            name = self.names[iri] = self._qname(iri)
        return name

    def _qname(self, iri: str) -> pm.QualifiedName:
        namespaces = sorted(self.doc.get_registered_namespaces(), key=lambda ns: -len(ns.uri))
        for namespace in namespaces + [pm.PROV, pm.XSD, self.default]:
            if iri.startswith(namespace.uri) and len(iri) > len(namespace.uri):
                return namespace[iri[len(namespace.uri):]]
        cut = max(iri.rfind("#"), iri.rfind("/")) + 1
        prefix = f"ns{len(self.doc.namespaces) + 1}"
        return self.doc.add_namespace(prefix, iri[:cut])[iri[cut:]]

    def value(self, term: Any) -> Any:
        if isinstance(term, (NamedNode, BlankNode)):
            return self.qname(_iri(term))
        if term.language:
            return pm.Literal(term.value, langtag=term.language)
        datatype = term.datatype.value
        if datatype == XSD + "dateTime":
            return parse_time(term.value)
        if datatype in _PYTHON:
            return _PYTHON[datatype](term.value)
        return pm.Literal(term.value, datatype=self.qname(datatype))

    def attribute(self, predicate: str, obj: Any) -> tuple[Any, Any]:
        return (_RENAMED.get(predicate) or self.qname(predicate), self.value(obj))

    def convert(self, quads: Iterable[Quad]) -> pm.ProvDocument:
        graphs: dict[Any, list[Quad]] = defaultdict(list)
        for quad in quads:
            graphs[quad.graph_name].append(quad)
        for graph, members in sorted(graphs.items(), key=lambda item: str(item[0])):
            target = self.doc if isinstance(graph, DefaultGraph) else self.doc.bundle(self.qname(_iri(graph)))
            self.bundle(target, members)
        return self.doc

    def bundle(self, bundle: pm.ProvBundle, quads: list[Quad]) -> None:
        facts: dict[str, list[tuple[str, Any]]] = defaultdict(list)
        owner: dict[str, str] = {}  # qualified node → the node it qualifies
        for quad in quads:
            subject, predicate = _iri(quad.subject), quad.predicate.value
            facts[subject].append((predicate, quad.object))
            if predicate in _QUALIFIERS:
                owner[_iri(quad.object)] = subject
        covered: set[tuple[str, str, str]] = set()
        for node, node_facts in sorted(facts.items()):
            kind = next((_RELATIONS[o.value] for p, o in node_facts
                         if p == _TYPE and o.value in _RELATIONS), None)
            if kind and node in owner:
                covered.add(self.relation(bundle, node, owner[node], kind, node_facts))
            elif kind is None:
                self.element(bundle, node, node_facts)
        for node, node_facts in sorted(facts.items()):
            for predicate, obj in node_facts:
                if predicate in _SHORTCUTS and (node, predicate, _iri(obj)) not in covered:
                    getattr(bundle, _SHORTCUTS[predicate])(self.qname(node), self.qname(_iri(obj)))

    def element(self, bundle: pm.ProvBundle, node: str, facts: list[tuple[str, Any]]) -> None:
        types = {obj.value for predicate, obj in facts if predicate == _TYPE}
        if types == {PROV + "Bundle"}:
            return
        kind = next((_ELEMENTS[t] for t in _ELEMENTS if t in types), "entity")
        attributes = [("prov:type", self.qname(t)) for t in sorted(types - _HIDDEN_TYPES)]
        times: dict[str, Any] = {}
        for predicate, obj in facts:
            if kind == "activity" and predicate in _ACTIVITY_TIMES:
                times[predicate] = self.value(obj)
            elif predicate != _TYPE and predicate not in _SHORTCUTS and predicate not in _QUALIFIERS:
                attributes.append(self.attribute(predicate, obj))
        if kind == "activity":
            bundle.activity(self.qname(node), times.get(_ACTIVITY_TIMES[0]), times.get(_ACTIVITY_TIMES[1]),
                            attributes)
        else:
            getattr(bundle, kind)(self.qname(node), attributes)

    def relation(self, bundle, node: str, subject: str, kind: _Kind, facts) -> tuple[str, str, str]:
        """Write one qualified relation; return the shortcut triple it stands for."""
        target, time, attributes = None, None, []
        for predicate, obj in facts:
            if predicate == kind.target:
                target = _iri(obj)
            elif predicate == PROV + "atTime":
                time = self.value(obj)
            elif predicate == _TYPE:
                if not obj.value.startswith(PROV):  # the PROV class is the relation itself
                    attributes.append(("prov:type", self.qname(obj.value)))
            else:
                attributes.append(self.attribute(predicate, obj))
        args: list[Any] = [self.qname(subject), self.qname(target) if target else None]
        if kind.timed:
            args.append(time)
        getattr(bundle, kind.writer)(*args, identifier=self.qname(node), other_attributes=attributes)
        return (subject, kind.shortcut, target or "")


def _iri(term: Any) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value


def to_prov_document(quads: Iterable[Quad], base: str) -> pm.ProvDocument:
    """A PROV document holding the same provenance as ``quads``.

    ``base`` becomes the document's default namespace, so minted IRIs read
    as short local names.
    """
    return _Converter(base).convert(quads)


def write(quads: list[Quad], fmt: Format, *, base: str) -> bytes:
    """``quads`` in the W3C PROV serialization ``fmt``, written by the ``prov`` package."""
    return to_prov_document(quads, base).serialize(format=_PROV_FORMATS[fmt.name]).encode("utf-8")

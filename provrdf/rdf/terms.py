"""RDF terms as pyoxigraph objects: IRIs of the vocabulary and typed literals.

>>> literal(3)
<Literal value=3 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> P.used.value
'http://www.w3.org/ns/prov#used'
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from provrdf.rdf.namespaces import CTAO, DCTERMS, PROV, PROVRDF, RDF, RDFS, VOPROV, XSD
from provrdf.timeutil import format_time

__all__ = ["P", "V", "C", "R", "TYPE", "LABEL", "NAME", "COMMENT", "PART_OF", "XSD_DATETIME", "literal", "text_of"]


class _Vocabulary:
    """Attribute access to the terms of one namespace, each made once."""

    def __init__(self, namespace: str) -> None:
        self._namespace = namespace
        self._terms: dict[str, NamedNode] = {}

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]

    def __getitem__(self, name: str) -> NamedNode:
        term = self._terms.get(name)
        if term is None:
            term = self._terms[name] = NamedNode(self._namespace + name)
        return term


P = _Vocabulary(PROV)  #: PROV-O
V = _Vocabulary(VOPROV)  #: IVOA ProvDM (voprov)
C = _Vocabulary(CTAO)  #: CTAO terms
R = _Vocabulary(PROVRDF)  #: provrdf bookkeeping

TYPE = NamedNode(RDF + "type")
LABEL = NamedNode(RDFS + "label")
#: The ProvDM name of a node (a sub-property of rdfs:label); a W3C label stays :data:`LABEL`.
NAME = V.name
COMMENT = NamedNode(RDFS + "comment")
#: An activity that is one step of a larger one (a call in its session).
PART_OF = NamedNode(DCTERMS + "isPartOf")
XSD_DATETIME = NamedNode(XSD + "dateTime")
_XSD_INTEGER = NamedNode(XSD + "integer")
_XSD_DOUBLE = NamedNode(XSD + "double")
_XSD_BOOLEAN = NamedNode(XSD + "boolean")
_RDF_JSON = NamedNode(RDF + "JSON")


def literal(value: Any) -> Literal:
    """A typed literal for a Python value.

    ``str`` → xsd:string, ``bool`` → xsd:boolean, ``int`` → xsd:integer,
    ``float`` → xsd:double, ``datetime`` → xsd:dateTime in UTC, anything
    else (dicts, lists of dicts) → ``rdf:JSON``.
    """
    if isinstance(value, str):
        return Literal(value)
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=_XSD_BOOLEAN)
    if isinstance(value, int):
        return Literal(str(value), datatype=_XSD_INTEGER)
    if isinstance(value, float):
        return Literal(repr(value), datatype=_XSD_DOUBLE)
    if isinstance(value, datetime):
        return Literal(format_time(value), datatype=XSD_DATETIME)
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return Literal(text, datatype=_RDF_JSON)


def text_of(term: NamedNode | BlankNode | Literal | Triple) -> str:
    """The IRI, blank node id or lexical form of a term (an RDF-star triple: its N-Triples text).

    >>> text_of(P.used), text_of(Literal("3"))
    ('http://www.w3.org/ns/prov#used', '3')
    """
    return str(term) if isinstance(term, Triple) else term.value

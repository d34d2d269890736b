"""Export: quads from the store (all, one graph, or a lineage) in a chosen format.

PROV-O formats are written by pyoxigraph; PROV-N, PROV-JSON and PROV-XML by
the ``prov`` package from a document built by :mod:`provrdf.export.provdoc`.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Triple

from provrdf.export.provdoc import to_prov_document
from provrdf.formats import Format, get_format
from provrdf.rdf.namespaces import PREFIXES
from provrdf.store.base import INTERNAL_GRAPHS, Store

__all__ = ["prefixes_for", "serialize", "store_quads", "triples_to_quads"]

_RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "trig": RdfFormat.TRIG,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
_PROV_FORMATS = {"provn": "provn", "provjson": "json", "provxml": "xml"}
#: Kinds of minted IRIs that get a prefix of their own in Turtle and TriG.
_KIND_PREFIXES = ("activity", "entity", "agent", "bundle", "parameter", "usage", "generation")


def prefixes_for(base: str) -> dict[str, str]:
    """Prefixes for a serialization: the vocabularies and the store's minted IRIs."""
    return {**PREFIXES, **{kind: f"{base}{kind}/" for kind in _KIND_PREFIXES}}


def store_quads(store: Store, graph: str | None = None) -> list[Quad]:
    """The quads of the whole store (its bookkeeping graphs left out) or of one named graph."""
    if graph is not None:
        return list(store.quads(NamedNode(graph)))
    return [quad for quad in store.quads() if quad.graph_name not in INTERNAL_GRAPHS]


def triples_to_quads(triples: Iterable[Triple]) -> list[Quad]:
    """Triples (a lineage or CONSTRUCT answer) as quads of the default graph."""
    return [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]


def serialize(quads: list[Quad], format: str | Format, *, base: str) -> bytes:
    """``quads`` written in ``format`` (a :class:`~provrdf.formats.Format` or its name).

    Formats without named graphs get the triples of every graph merged.

    >>> from pyoxigraph import Literal
    >>> q = Quad(NamedNode("https://example.org/activity/a1"),
    ...          NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal("calib"))
    >>> print(serialize([q], "nt", base="https://example.org/").decode().strip())
    <https://example.org/activity/a1> <http://www.w3.org/2000/01/rdf-schema#label> "calib" .
    """
    fmt = format if isinstance(format, Format) else get_format(format)
    if fmt.family == "prov":
        document = to_prov_document(quads, base)
        return document.serialize(format=_PROV_FORMATS[fmt.name]).encode("utf-8")
    items: Iterable[Quad | Triple] = quads
    if not fmt.datasets:
        items = list(dict.fromkeys(quad.triple for quad in quads))
    return pyoxigraph.serialize(items, format=_RDF_FORMATS[fmt.name], prefixes=prefixes_for(base))

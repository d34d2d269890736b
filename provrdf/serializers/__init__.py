"""Export: quads from the store (all, one graph, or a lineage) in a chosen format.

Each family of formats has one writer module, loaded when first asked for:

- :mod:`provrdf.serializers.rdf` — PROV-O (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML), by pyoxigraph;
- :mod:`provrdf.serializers.provdoc` — PROV-N, PROV-JSON, PROV-XML, PROV-JSONLD, by the ``prov`` package;
- :mod:`provrdf.serializers.votable` — PROV-VOTable, by astropy;
- :mod:`provrdf.serializers.picture` — DOT, SVG and PNG pictures, by Graphviz.

A writer module has ``OPTIONS`` (the keyword options it takes) and
``write(quads, fmt, *, base, **options) -> bytes``.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import Any

from pyoxigraph import DefaultGraph, NamedNode, Quad, Triple

from provrdf.errors import FormatError, OptionError
from provrdf.formats import Format, get_format
from provrdf.rdf.namespaces import PREFIXES
from provrdf.rdf.terms import TYPE, P, R
from provrdf.store.base import Store, ingest_log_graph

__all__ = ["prefixes_for", "serialize", "store_quads", "triples_to_quads", "writer_options"]

_WRITERS = {
    "rdf": "provrdf.serializers.rdf",
    "prov": "provrdf.serializers.provdoc",
    "votable": "provrdf.serializers.votable",
    "picture": "provrdf.serializers.picture",
}
#: provrdf's bookkeeping classes and the PROV classes they refine (ontology/provrdf.ttl).
_REFINES = {R.IngestRun: (P.Activity,), R.Source: (P.Entity,), R.Software: (P.SoftwareAgent, P.Agent),
            P.Bundle: (P.Entity,)}
#: Kinds of minted IRIs that get a prefix of their own in Turtle and TriG.
_KIND_PREFIXES = ("activity", "entity", "agent", "bundle", "parameter", "usage", "generation")


def prefixes_for(base: str) -> dict[str, str]:
    """Prefixes for a serialization: the vocabularies and the store's minted IRIs."""
    return {**PREFIXES, **{kind: f"{base}{kind}/" for kind in _KIND_PREFIXES}}


def store_quads(store: Store, graph: str | None = None, *, with_log: bool = False) -> list[Quad]:
    """The quads of the whole store's content graphs (bookkeeping left out) or of one named graph.

    ``with_log`` adds the ingest log. The log's nodes have provrdf's own
    classes; in an export they also get the PROV classes those refine
    (``ontology/provrdf.ttl``), so a PROV reader sees runs as activities.

    Raises
    ------
    OptionError
        When ``graph`` is not an IRI, or no graph of the store has that name.
    """
    log = ingest_log_graph(store)
    if graph is not None:
        quads = _graph_quads(store, graph)
    else:
        skip = store.bookkeeping_graphs() - ({log} if with_log else set())
        quads = [q for q in store.quads() if isinstance(q.graph_name, NamedNode) and q.graph_name not in skip]
    return quads + [Quad(q.subject, TYPE, parent, q.graph_name) for q in quads
                    if q.graph_name == log and q.predicate == TYPE and isinstance(q.object, NamedNode)
                    for parent in _REFINES.get(q.object, ())]


def _graph_quads(store: Store, graph: str) -> list[Quad]:
    try:
        name = NamedNode(graph)
    except ValueError as err:
        raise OptionError(f"graph {graph!r} is not an IRI ({err})") from None
    quads = list(store.quads(name))
    if not quads:
        raise OptionError(f"no graph named <{graph}> in {store.location}")
    return quads


def triples_to_quads(triples: Iterable[Triple]) -> list[Quad]:
    """Triples (a lineage or CONSTRUCT answer) as quads of the default graph."""
    return [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]


def writer_options(format: str | Format) -> frozenset[str]:
    """The keyword options the writer of ``format`` accepts (e.g. ``rankdir`` for pictures)."""
    fmt = format if isinstance(format, Format) else get_format(format)
    return _writer(fmt).OPTIONS


def serialize(quads: list[Quad], format: str | Format, *, base: str, **options: Any) -> bytes:
    """``quads`` written in ``format`` (a :class:`~provrdf.formats.Format` or its name).

    ``options`` go to the format's writer; one it does not take is an error.
    Formats without named graphs get the triples of every graph merged.

    >>> from pyoxigraph import Literal
    >>> q = Quad(NamedNode("https://example.org/activity/a1"),
    ...          NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), Literal("calib"))
    >>> print(serialize([q], "nt", base="https://example.org/").decode().strip())
    <https://example.org/activity/a1> <http://www.w3.org/2000/01/rdf-schema#label> "calib" .
    """
    fmt = format if isinstance(format, Format) else get_format(format)
    writer = _writer(fmt)
    unknown = sorted(set(options) - writer.OPTIONS)
    if unknown:
        takes = ", ".join(sorted(writer.OPTIONS)) or "none"
        raise FormatError(f"format {fmt.name} takes no option {', '.join(unknown)} (it takes: {takes})")
    return writer.write(quads, fmt, base=base, **options)


def _writer(fmt: Format) -> Any:
    return import_module(_WRITERS[fmt.family])

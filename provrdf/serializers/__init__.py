"""Export: quads from the store (the documents, one bundle per record, one graph, or a lineage) in a chosen format.

:mod:`provrdf.serializers.scope` says which quads an export of the store
writes: by default the knowledge graph as one flat document (a bundle a
source declared kept as a bundle), else one bundle per record, or one graph,
with or without the ingest log.

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

from pyoxigraph import DefaultGraph, Quad, Triple

from provrdf.errors import FormatError
from provrdf.formats import Format, get_format
from provrdf.rdf.namespaces import PREFIXES
from provrdf.serializers.scope import store_quads

__all__ = ["prefixes_for", "serialize", "store_quads", "triples_to_quads", "writer_options"]

_WRITERS = {
    "rdf": "provrdf.serializers.rdf",
    "prov": "provrdf.serializers.provdoc",
    "votable": "provrdf.serializers.votable",
    "picture": "provrdf.serializers.picture",
}
#: Kinds of minted IRIs that get a prefix of their own in Turtle and TriG.
_KIND_PREFIXES = ("activity", "entity", "agent", "bundle", "parameter", "usage", "generation")


def prefixes_for(base: str) -> dict[str, str]:
    """Prefixes for a serialization: the vocabularies and the store's minted IRIs."""
    return {**PREFIXES, **{kind: f"{base}{kind}/" for kind in _KIND_PREFIXES}}


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

    >>> from pyoxigraph import Literal, NamedNode, Quad
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

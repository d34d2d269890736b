"""PROV-O writer: Turtle, TriG, N-Triples, N-Quads, JSON-LD and RDF/XML, by pyoxigraph."""

from __future__ import annotations


import pyoxigraph
from pyoxigraph import Quad, RdfFormat, Triple

from provrdf.formats import Format

__all__ = ["OPTIONS", "write"]

#: This writer takes no options.
OPTIONS: frozenset[str] = frozenset()


def write(quads: list[Quad], fmt: Format, *, base: str) -> bytes:
    """``quads`` in the PROV-O serialization ``fmt``; named graphs merged where it has none."""
    from provrdf.serializers import prefixes_for

    items: list[Quad] | list[Triple] = quads
    if not fmt.datasets:
        items = list(dict.fromkeys(quad.triple for quad in quads))
    data = pyoxigraph.serialize(items, format=RdfFormat.from_media_type(fmt.media_type), prefixes=prefixes_for(base))
    assert data is not None  # with no output file, pyoxigraph returns the bytes
    return data

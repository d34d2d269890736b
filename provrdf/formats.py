"""Serialization formats as value objects, in one table for the CLI, the
exporters and (later) HTTP content negotiation.

>>> get_format("ttl").name
'turtle'
>>> get_format("PROV-JSON").media_type
'application/json'
"""

from __future__ import annotations

from dataclasses import dataclass

from provrdf.errors import FormatError

__all__ = ["Format", "FORMATS", "get_format", "format_names"]


@dataclass(frozen=True)
class Format:
    """An output format: its short name, media type, file extension and aliases."""

    name: str
    media_type: str
    extension: str
    aliases: tuple[str, ...] = ()
    #: the writer: ``"rdf"`` (PROV-O), ``"prov"`` (W3C PROV), ``"votable"`` or ``"picture"``
    family: str = "rdf"
    #: whether the format keeps named graphs (bundles)
    datasets: bool = False
    #: whether the output is binary (not text)
    binary: bool = False


FORMATS: tuple[Format, ...] = (
    Format("turtle", "text/turtle", "ttl", ("ttl",)),
    Format("trig", "application/trig", "trig", (), datasets=True),
    Format("ntriples", "application/n-triples", "nt", ("nt", "n-triples")),
    Format("nquads", "application/n-quads", "nq", ("nq", "n-quads"), datasets=True),
    Format("jsonld", "application/ld+json", "jsonld", ("json-ld",), datasets=True),
    Format("rdfxml", "application/rdf+xml", "rdf", ("rdf/xml", "rdf-xml", "xml-rdf")),
    Format("provn", "text/provenance-notation", "provn", ("prov-n",), "prov", True),
    Format("provjson", "application/json", "json", ("prov-json", "json"), "prov", True),
    Format("provxml", "application/provenance+xml", "provx", ("prov-xml",), "prov", True),
    Format("provjsonld", 'application/ld+json; profile="https://openprovenance.org/prov-jsonld"',
           "jsonld", ("prov-jsonld",), "prov", True),
    Format("votable", "application/x-votable+xml", "vot", ("prov-votable", "provvotable"), "votable"),
    Format("dot", "text/vnd.graphviz", "dot", ("gv",), "picture"),
    Format("svg", "image/svg+xml", "svg", (), "picture"),
    Format("png", "image/png", "png", (), "picture", binary=True),
)


def _key(name: str) -> str:
    return name.strip().lower()


def get_format(name: str) -> Format:
    """The format called ``name`` (or one of its aliases), case-insensitively."""
    wanted = _key(name)
    for fmt in FORMATS:
        if wanted == fmt.name or wanted in fmt.aliases:
            return fmt
    raise FormatError(f"unknown format {name!r}; known: {', '.join(format_names())}")


def format_names() -> list[str]:
    """The short names of every format."""
    return [fmt.name for fmt in FORMATS]

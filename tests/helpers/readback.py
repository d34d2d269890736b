"""Read an export back in its own format, for tests: which activities it holds.

Each format is read by the tool a user would read it with: rdflib for
PROV-O, the ``prov`` package for PROV-N/JSON/XML/JSONLD, astropy for
PROV-VOTable, the DOT text and the SVG's XML for pictures.
"""

from __future__ import annotations

import io
import re

import prov
import prov.model as pm
import rdflib
from astropy.io import votable
from lxml import etree
from rdflib.namespace import PROV, RDF

__all__ = ["PROV_READERS", "RDF_PARSERS", "activities_in", "all_records", "parse_rdf", "read_prov"]

RDF_PARSERS = {"turtle": "turtle", "trig": "trig", "ntriples": "nt", "nquads": "nquads",
               "jsonld": "json-ld", "rdfxml": "xml"}
PROV_READERS = {"provjson": "json", "provxml": "xml", "provn": "provn", "provjsonld": "jsonld"}
_ACTIVITY_FILL = "#9fb1fc"


def parse_rdf(data: bytes, name: str) -> rdflib.Dataset:
    """A PROV-O export as an rdflib dataset whose default graph is the union."""
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=data, format=RDF_PARSERS[name])
    return dataset


def read_prov(data: bytes, name: str) -> pm.ProvDocument:
    """A W3C PROV export read by ``prov.read``."""
    return prov.read(io.BytesIO(data), format=PROV_READERS[name])


def all_records(document: pm.ProvDocument) -> list:
    """The records of a document and of all its bundles."""
    return list(document.get_records()) + [r for b in document.bundles for r in b.get_records()]


def activities_in(data: bytes, fmt: str) -> set[str]:
    """The IRIs of the activities an export in ``fmt`` holds."""
    if fmt in RDF_PARSERS:
        return {str(a) for a in parse_rdf(data, fmt).subjects(RDF.type, PROV.Activity)}
    if fmt in PROV_READERS:
        records = all_records(read_prov(data, fmt))
        return {r.identifier.uri for r in records if isinstance(r, pm.ProvActivity)}
    if fmt == "votable":
        table = votable.parse(io.BytesIO(data), verify="exception").get_table_by_id("Activity")
        return {str(iri) for iri in table.array["id"]}
    if fmt == "dot":
        return set(re.findall(r'shape=box[^\]]*tooltip="([^"]+)"', data.decode("utf-8")))
    if fmt == "svg":
        nodes = etree.fromstring(data).iterfind(".//{*}g[@class='node']")
        return {node.find(".//{*}a").get("{http://www.w3.org/1999/xlink}title") for node in nodes
                if node.find(".//{*}polygon[@fill='" + _ACTIVITY_FILL + "']") is not None}
    raise ValueError(f"no reader for {fmt}")

"""Namespaces of the terms provrdf writes, and the legacy voprov namespaces it reads.

>>> VOPROV
'http://www.ivoa.net/documents/ProvenanceDM/index.html#'
>>> expand("ctao:status")
'https://w3id.org/provrdf/ctao#status'
"""

from __future__ import annotations

__all__ = [
    "PROV",
    "VOPROV",
    "CTAO",
    "PROVRDF",
    "RDF",
    "RDFS",
    "XSD",
    "OWL",
    "DCTERMS",
    "PREFIXES",
    "LEGACY_VOPROV",
    "expand",
]

PROV = "http://www.w3.org/ns/prov#"
#: The IRI that voprov and OPUS write for the IVOA Provenance Data Model.
VOPROV = "http://www.ivoa.net/documents/ProvenanceDM/index.html#"
#: CTAO-specific facts: ctapipe system block, CTAO reference metadata.
CTAO = "https://w3id.org/provrdf/ctao#"
#: provrdf's own bookkeeping terms (the ingest log).
PROVRDF = "https://w3id.org/provrdf/ns#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
DCTERMS = "http://purl.org/dc/terms/"

#: Prefixes used in every serialization provrdf writes.
PREFIXES: dict[str, str] = {
    "prov": PROV,
    "voprov": VOPROV,
    "ctao": CTAO,
    "provrdf": PROVRDF,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "owl": OWL,
    "dcterms": DCTERMS,
}

#: Older IRIs of the voprov namespace, read as :data:`VOPROV`.
LEGACY_VOPROV = (
    "http://ivoa.net/ns/voprov#",
    "http://www.ivoa.net/documents/dm/provdm/voprov/",
    "http://www.ivoa.net/documents/ProvenanceDM/ns/voprov/",
    "http://www.ivoa.net/documents/ProvenanceDM/voprov/",
    "http://www.ivoa.net/documents/ProvenanceDM/index.html",
)


def expand(curie: str) -> str:
    """Expand a prefixed name (``"prov:used"``) with :data:`PREFIXES`; an absolute IRI is kept.

    >>> expand("http://example.org/ns#size")
    'http://example.org/ns#size'
    """
    if "://" in curie or curie.startswith("urn:"):
        return curie
    prefix, _, local = curie.partition(":")
    try:
        return PREFIXES[prefix] + local
    except KeyError:
        raise ValueError(f"unknown prefix in {curie!r}; known: {', '.join(PREFIXES)}") from None

"""Namespaces of the terms provrdf writes, and the legacy voprov namespaces it reads.

>>> VOPROV
'http://www.ivoa.net/documents/ProvenanceDM/index.html#'
>>> expand("ctao:status")
'https://w3id.org/provrdf/ctao#status'
"""

from __future__ import annotations

import re

#: An IRI scheme (RFC 3987): a letter, then letters, digits, ``+``, ``-`` or ``.``.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")

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
    "compact",
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

#: Older IRIs of the voprov namespace, read as :data:`VOPROV`; and ``voprov:`` itself, the IRI
#: logprov binds the prefix to (its W3C export declares ``"voprov": "voprov:"``).
LEGACY_VOPROV = (
    "http://ivoa.net/ns/voprov#",
    "http://www.ivoa.net/documents/dm/provdm/voprov/",
    "http://www.ivoa.net/documents/ProvenanceDM/ns/voprov/",
    "http://www.ivoa.net/documents/ProvenanceDM/voprov/",
    "http://www.ivoa.net/documents/ProvenanceDM/index.html",
    "voprov:",
)


def expand(curie: str) -> str:
    """Expand a prefixed name (``"prov:used"``) with :data:`PREFIXES`; an absolute IRI is kept.

    A name whose prefix is none of :data:`PREFIXES` is an absolute IRI of its
    own scheme, as documents write them (logprov binds ``param`` to ``param:``,
    so ``param:in_session`` is that IRI); a name without any ``:`` is no IRI.

    >>> expand("http://example.org/ns#size"), expand("param:in_session")
    ('http://example.org/ns#size', 'param:in_session')
    """
    prefix, colon, local = curie.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    if colon and _SCHEME.fullmatch(prefix):
        return curie
    raise ValueError(f"{curie!r} is neither a prefixed name ({', '.join(PREFIXES)}) nor an absolute IRI")


def compact(iri: str) -> str:
    """An IRI as a prefixed name of :data:`PREFIXES` where one fits, else as it is.

    >>> compact("http://www.w3.org/ns/prov#hadRole"), compact("https://example.org/x")
    ('prov:hadRole', 'https://example.org/x')
    """
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri

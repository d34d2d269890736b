"""Deterministic IRIs: ``{base}{kind}/{local id}``, the local id percent-encoded.

>>> mint("https://example.org/prov/", "entity", "/data/dl1 run.h5")
'https://example.org/prov/entity//data/dl1%20run.h5'
>>> mint("https://example.org/prov/", "entity", external("urn:uuid:1234"))
'urn:uuid:1234'
>>> digest("a", "b") == digest("a", "b") != digest("ab")
True
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

__all__ = ["DEFAULT_BASE", "mint", "digest", "external", "is_external"]

#: Base IRI of a store unless configured otherwise.
DEFAULT_BASE = "https://w3id.org/provrdf/id/"

# Characters kept as they are: IRI-safe and common in paths, uuids and LFNs.
# '%' is not among them, so the encoding stays one-to-one.
_SAFE = "/:@-._~!$&'()*+,;="


def mint(base: str, kind: str, local: str) -> str:
    """The IRI of the node of ``kind`` (``"activity"``, ``"entity"``…) named ``local``.

    A local id made by :func:`external` is an IRI of its own and is kept as it is.
    """
    if is_external(local):
        return local[1:-1]
    return f"{base}{kind}/{quote(local, safe=_SAFE)}"


def external(iri: str) -> str:
    """The local id of a node that already has an IRI (a W3C document's own ids).

    Angle brackets cannot occur in an IRI, so such an id never collides with
    a minted one.
    """
    return f"<{iri}>"


def is_external(local: str) -> bool:
    """Whether ``local`` was made by :func:`external`."""
    return local.startswith("<") and local.endswith(">")


def digest(*parts: str) -> str:
    """A short stable local id made from several parts (for qualified relation nodes)."""
    joined = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:24]

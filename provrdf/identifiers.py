"""Deterministic IRIs: ``{base}{kind}/{local id}``, the local id percent-encoded.

>>> mint("https://example.org/prov/", "entity", "/data/dl1 run.h5")
'https://example.org/prov/entity//data/dl1%20run.h5'
>>> digest("a", "b") == digest("a", "b") != digest("ab")
True
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

__all__ = ["DEFAULT_BASE", "mint", "digest"]

#: Base IRI of a store unless configured otherwise.
DEFAULT_BASE = "https://w3id.org/provrdf/id/"

# Characters kept as they are: IRI-safe and common in paths, uuids and LFNs.
# '%' is not among them, so the encoding stays one-to-one.
_SAFE = "/:@-._~!$&'()*+,;="


def mint(base: str, kind: str, local: str) -> str:
    """The IRI of the node of ``kind`` (``"activity"``, ``"entity"``…) named ``local``."""
    return f"{base}{kind}/{quote(local, safe=_SAFE)}"


def digest(*parts: str) -> str:
    """A short stable local id made from several parts (for qualified relation nodes)."""
    joined = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:24]

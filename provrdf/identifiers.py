"""Deterministic IRIs: ``{base}{kind}/{local id}``, the local id percent-encoded.

Every minted IRI ends in an XML name (an NCName: a letter or ``_``, then
letters, digits, ``.``, ``-``, ``_``), because PROV-XML names each node by a
QName whose local part must be one. A local id that would end in digits
alone (a version, a process id) gets a ``_`` before them; a ``_`` already
there is written ``%5F``, so the encoding stays one-to-one.

>>> mint("https://example.org/prov/", "entity", "/data/dl1 run.h5")
'https://example.org/prov/entity//data/dl1%20run.h5'
>>> mint("https://example.org/prov/", "agent", "software/ctapipe/0.24.0")
'https://example.org/prov/agent/software/ctapipe/_0.24.0'
>>> mint("https://example.org/prov/", "agent", "software/ctapipe/_0.24.0")
'https://example.org/prov/agent/software/ctapipe/%5F_0.24.0'
>>> mint("https://example.org/prov/", "activity", "run 2024")  # an escape is never split
'https://example.org/prov/activity/run%202024'
>>> mint("https://example.org/prov/", "entity", external("urn:uuid:1234"))
'urn:uuid:1234'
>>> digest("a", "b") == digest("a", "b") != digest("ab")
True
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

__all__ = ["DEFAULT_BASE", "NAME_TAIL", "digest", "external", "is_external", "mint"]

#: Base IRI of a store unless configured otherwise.
DEFAULT_BASE = "https://w3id.org/provrdf/id/"

# Characters kept as they are: IRI-safe and common in paths, uuids and LFNs.
# '%' is not among them, so the encoding stays one-to-one.
_SAFE = "/:@-._~!$&'()*+,;="
# XML 1.0 name characters: those that may start a name, and those that may only follow.
_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_NAME_ONLY_AFTER = "\\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
#: The longest suffix of an IRI that is an NCName (``search`` finds it, or nothing).
NAME_TAIL = re.compile(f"[{_NAME_START}][{_NAME_START}{_NAME_ONLY_AFTER}]*\\Z")
# An end made only of characters that cannot start a name, after one that is no name character
# nor the ``%`` of a percent-escape (whose two hex digits a ``_`` must not split).
_NAMELESS_END = re.compile(f"(?<![{_NAME_START}{_NAME_ONLY_AFTER}%])(_?)([{_NAME_ONLY_AFTER}]+)\\Z")


def mint(base: str, kind: str, local: str) -> str:
    """The IRI of the node of ``kind`` (``"activity"``, ``"entity"``…) named ``local``.

    A local id made by :func:`external` is an IRI of its own and is kept as it is.
    """
    if is_external(local):
        return local[1:-1]
    iri = f"{base}{kind}/{quote(local, safe=_SAFE)}"
    return _NAMELESS_END.sub(lambda m: ("%5F" if m[1] else "") + "_" + m[2], iri)


def external(iri: str) -> str:
    """The local id of a node that already has an IRI (a W3C document's own ids).

    Angle brackets cannot occur in an IRI, so such an id never collides with
    a minted one.
    """
    return f"<{iri}>"


def is_external(local: str) -> bool:
    """Whether ``local`` was made by :func:`external`."""
    return local.startswith("<") and local.endswith(">")


_DIGEST_LENGTH = 24
#: A regular expression for a :func:`digest` as it ends a minted IRI (where an
#: all-digit digest gets :func:`mint`'s ``_``).
DIGEST_PATTERN = f"_?[0-9a-f]{{{_DIGEST_LENGTH}}}"


def digest(*parts: str) -> str:
    """A short stable local id made from several parts (for qualified relation nodes)."""
    joined = "\x1f".join(parts).encode("utf-8")
    return hashlib.sha256(joined).hexdigest()[:_DIGEST_LENGTH]

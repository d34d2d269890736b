"""PROV qualified names for IRIs, as PROV-XML needs them: a namespace and an NCName.

Every IRI is split where its longest NCName suffix starts, and its namespace
declared on the document under a prefix made from it (``activity``,
``activity-5``, ``entity-dl1``), so the qualified name expands to exactly
the IRI. :mod:`provrdf.serializers.provdoc` names every node this way.
"""

from __future__ import annotations

import re

import prov.model as pm

from provrdf.identifiers import NAME_TAIL
from provrdf.rdf.namespaces import PREFIXES

__all__ = ["Names", "ncname_split"]

_WORD = re.compile(r"[A-Za-z0-9]+")
#: Prefixes that mean something already: prov's own, and XML's reserved ``xml…``.
_TAKEN = re.compile(r"(prov|xsd|xsi|xml.*|default)\Z", re.IGNORECASE)
_KNOWN = {uri: prefix for prefix, uri in PREFIXES.items() if prefix not in ("prov", "xsd")}


def ncname_split(iri: str) -> tuple[str, str]:
    """``iri`` as (namespace, local part), the local part its longest NCName suffix.

    An IRI with no NCName suffix is cut after its last ``/``, ``#`` or ``:``
    (its local part is then no NCName: PROV-XML cannot name it).

    >>> ncname_split("https://w3id.org/provrdf/id/activity/5f0b7c1e-0c1f")
    ('https://w3id.org/provrdf/id/activity/5', 'f0b7c1e-0c1f')
    >>> ncname_split("https://archive.example.org/prov/night/2024-05-14")
    ('https://archive.example.org/prov/night/', '2024-05-14')
    """
    match = NAME_TAIL.search(iri)
    cut = match.start() if match and match.start() > 0 else max(map(iri.rfind, "/#:")) + 1
    return iri[:cut], iri[cut:]


class Names:
    """Qualified names for IRIs, declaring on ``document`` each namespace they need.

    ``base`` is the store's base IRI: a namespace under it gets a prefix made
    from its kind and last segment (``activity-5``).
    """

    def __init__(self, document: pm.ProvDocument, base: str) -> None:
        self.document, self.base = document, base
        self.namespaces: dict[str, pm.Namespace] = {pm.PROV.uri: pm.PROV, pm.XSD.uri: pm.XSD}
        self.prefixes = {"prov", "xsd", "xsi"}
        self.names: dict[str, pm.QualifiedName] = {}

    def __call__(self, iri: str) -> pm.QualifiedName:
        """The qualified name of ``iri``, made once."""
        name = self.names.get(iri)
        if name is None:
            namespace, local = ncname_split(iri)
            name = self.names[iri] = self._namespace(namespace)[local]
        return name

    def _namespace(self, uri: str) -> pm.Namespace:
        namespace = self.namespaces.get(uri)
        if namespace is None:
            prefix = self._free(_KNOWN.get(uri) or self._hint(uri))
            namespace = self.namespaces[uri] = self.document.add_namespace(prefix, uri)
            self.prefixes.add(prefix)
        return namespace

    def _hint(self, uri: str) -> str:
        """A prefix made from ``uri``: the kind and last segment of a minted one, else its last segment."""
        if uri.startswith(self.base):
            segments = [_short(s) for s in uri[len(self.base):].split("/")]
            segments = [s for s in segments if s] or ["id"]
            return "-".join(dict.fromkeys((segments[0], segments[-1])))
        host, _, path = (uri.partition("://")[2] or uri).partition("/")
        segments = [s for s in map(_short, re.split("[/#:]", path)) if s] or [_short(host.split(".")[0]) or "ns"]
        if not segments[-1][0].isalpha() and len(segments) > 1:
            return f"{segments[-2]}-{segments[-1]}"
        return segments[-1]

    def _free(self, hint: str) -> str:
        prefix = hint[:32] if hint[0].isalpha() and not _TAKEN.match(hint) else f"ns-{hint[:29]}"
        candidate, number = prefix, 1
        while candidate in self.prefixes:
            number += 1
            candidate = f"{prefix}-{number}"
        return candidate


def _short(segment: str) -> str:
    """A path segment as a piece of prefix: its words joined by ``-``, or its first word if that is long."""
    words = _WORD.findall(segment)
    joined = "-".join(words)
    return joined if len(joined) <= 20 else words[0][:20]

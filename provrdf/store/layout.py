"""The layout version of a store: which graphs it has and what its default graph holds.

=======  ================================================================
layout   what it is
=======  ================================================================
1        (no version recorded) the default graph is empty, queries read the
         union of the named graphs; same-file links sit in the record
         graphs; the ingest log's nodes are also typed prov:Activity,
         prov:Entity and prov:Agent; the location index holds
         ``provrdf:fileLocation``.
2        the default graph is the knowledge graph; same-file links are in
         ``provrdf:linkset/…`` graphs made from the ``provrdf:fileKey``
         index; the log has provrdf's classes only.
=======  ================================================================

A store records its version in its settings graph when it is created.
:func:`provrdf.check.upgrade` brings an older store to :data:`LAYOUT`.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad

from provrdf.errors import StoreError
from provrdf.rdf.terms import R
from provrdf.store.base import SETTINGS_GRAPH, Store

__all__ = ["LAYOUT", "layout_quad", "layout_version", "require_layout"]

#: The layout this provrdf writes and reads.
LAYOUT = 2
_XSD_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def layout_quad(version: int = LAYOUT) -> Quad:
    """The settings quad that records a layout version."""
    return Quad(SETTINGS_GRAPH, R.layoutVersion, Literal(str(version), datatype=_XSD_INTEGER), SETTINGS_GRAPH)


def layout_version(store: Store) -> int:
    """The layout of ``store``: the recorded version, 1 for a store that records none."""
    rows = store.select(f"SELECT ?v WHERE {{ GRAPH {SETTINGS_GRAPH} {{ {SETTINGS_GRAPH} {R.layoutVersion} ?v }} }}")
    return max((int(row.text("v")) for row in rows), default=1)


def require_layout(store: Store) -> None:
    """Refuse a store whose layout is not :data:`LAYOUT`, naming the command that upgrades it."""
    version = layout_version(store)
    if version < LAYOUT:
        raise StoreError(f"the store at {store.location} has layout {version}, older than layout {LAYOUT} that this "
                         f"provrdf reads: `provrdf check --repair --store {store.location}` upgrades it")
    if version > LAYOUT:
        raise StoreError(f"the store at {store.location} has layout {version}, newer than layout {LAYOUT}: "
                         "it was written by a newer provrdf")

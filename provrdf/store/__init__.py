"""Stores: the embedded Oxigraph store (a path) behind one interface.

>>> with open_store(":memory:") as store:
...     store.base
'https://w3id.org/provrdf/id/'
"""

from __future__ import annotations

import os
from pathlib import Path

from pyoxigraph import Literal

from provrdf.errors import StoreError
from provrdf.identifiers import DEFAULT_BASE
from provrdf.rdf.terms import TYPE, R
from provrdf.results import QueryResult
from provrdf.store.base import SETTINGS_GRAPH, Store
from provrdf.store.embedded import EmbeddedStore

__all__ = ["Store", "QueryResult", "open_store", "default_location", "DEFAULT_LOCATION"]

#: Where the store is when neither ``--store`` nor ``$PROVRDF_STORE`` says.
DEFAULT_LOCATION = "./provstore"


def default_location() -> str:
    """``$PROVRDF_STORE`` when set, else :data:`DEFAULT_LOCATION`."""
    return os.environ.get("PROVRDF_STORE") or DEFAULT_LOCATION


def open_store(location: str | Path | None = None, *, base: str | None = None) -> Store:
    """Open (creating it if needed) the store at ``location``.

    Parameters
    ----------
    location
        A filesystem path for an embedded Oxigraph store on disk, or
        ``":memory:"`` for one in memory. ``None`` means :func:`default_location`.
    base
        Base IRI for new nodes. It is recorded in a new store; a store
        keeps the base it was created with, and asking for another is an error.
    """
    location = str(location or default_location())
    if location.startswith(("http://", "https://")):
        raise StoreError(f"remote SPARQL stores are not supported yet: {location}")
    path = None if location == ":memory:" else Path(location)
    store = EmbeddedStore(path, base=base or DEFAULT_BASE)
    _settle_base(store, base)
    return store


def _settle_base(store: Store, wanted: str | None) -> None:
    result = store.select(f"SELECT ?b WHERE {{ GRAPH {SETTINGS_GRAPH} {{ ?s {R.baseIRI} ?b }} }}")
    recorded = [row.text("b") for row in result]
    if not recorded:
        store.update(
            f"INSERT DATA {{ GRAPH {SETTINGS_GRAPH} {{ {SETTINGS_GRAPH} {TYPE} {R.StoreSettings} ; "
            f"{R.baseIRI} {Literal(store.base)} }} }}"
        )
    elif wanted and wanted != recorded[0]:
        raise StoreError(f"the store at {store.location} uses base IRI {recorded[0]}, not {wanted}")
    else:
        store.base = recorded[0]

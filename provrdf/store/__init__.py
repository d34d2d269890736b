"""Stores: the embedded Oxigraph store (a path) behind one interface.

:func:`open_store` is the one way in: it says whether a location holds a
store, creates one only when asked, and opens it for writing (one process
at a time) or read-only (beside the writer).

>>> with open_store(":memory:") as store:
...     store.base
'https://w3id.org/provrdf/id/'
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

from pyoxigraph import Literal

from provrdf.errors import StoreError
from provrdf.identifiers import DEFAULT_BASE
from provrdf.rdf.terms import TYPE, R
from provrdf.results import QueryResult
from provrdf.store.base import SETTINGS_GRAPH, Store
from provrdf.store.embedded import EmbeddedStore
from provrdf.store.layout import LAYOUT, layout_quad, layout_version, require_layout

__all__ = ["DEFAULT_LOCATION", "OpenOptions", "QueryResult", "Store", "default_location", "holds_store", "open_store"]

#: Where the store is when neither ``--store`` nor ``$PROVRDF_STORE`` says.
DEFAULT_LOCATION = "./provstore"


class OpenOptions(TypedDict, total=False):
    """The keyword parameters of :func:`open_store` but ``upgrade``, for whoever passes them on."""

    base: str | None
    create: bool
    read_only: bool
    timeout: float | None


def default_location() -> str:
    """``$PROVRDF_STORE`` when set, else :data:`DEFAULT_LOCATION`."""
    return os.environ.get("PROVRDF_STORE") or DEFAULT_LOCATION


def open_store(
    location: str | Path | None = None,
    *,
    base: str | None = None,
    create: bool = True,
    read_only: bool = False,
    timeout: float | None = None,
    upgrade: Callable[[Store], object] | None = None,
) -> Store:
    """Open the store at ``location``, creating it when ``create`` says so.

    Parameters
    ----------
    location
        A filesystem path for an embedded Oxigraph store on disk, or
        ``":memory:"`` for one in memory. ``None`` means :func:`default_location`.
    base
        Base IRI for new nodes. It is recorded in a new store; a store
        keeps the base it was created with, and asking for another is an error.
    create
        Create the store when there is none at ``location`` (a new or empty
        folder); when false, a location that holds no store is an error and
        nothing is created.
    read_only
        Open for reading beside a process that writes: the store is what the
        last committed transaction left, and every change is refused. There
        must be a store at ``location``.
    timeout
        Seconds a writable open waits for another process that writes the
        store; default ``$PROVRDF_STORE_TIMEOUT``, else 10.
    upgrade
        What brings a store of an older layout to today's
        (:data:`~provrdf.store.layout.LAYOUT`) when it is opened for writing;
        without it (or read-only) such a store is refused, with the command
        that upgrades it. :func:`provrdf.open_store` gives
        :func:`provrdf.check.upgrade`.

    Raises
    ------
    StoreError
        ``no provrdf store at LOC``; ``store LOC is in use by process N``
        after the wait; a store made with another base IRI.

    A store on disk is an Oxigraph folder that holds provrdf's settings graph.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp() + "/store"
    >>> open_store(folder, create=False)
    Traceback (most recent call last):
      ...
    provrdf.errors.StoreError: no provrdf store at ...
    >>> open_store(folder).close()
    >>> with open_store(folder, read_only=True) as store:
    ...     store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    Traceback (most recent call last):
      ...
    provrdf.errors.StoreError: the store at ... is open read-only
    """
    location = str(location or default_location())
    if location.startswith(("http://", "https://")):
        raise StoreError(f"remote SPARQL stores are not supported yet: {location}")
    if location == ":memory:":
        store = EmbeddedStore(None, base=base or DEFAULT_BASE, read_only=read_only)
    else:
        path = Path(location)
        missing = StoreError(f"no provrdf store at {location}")
        if not _oxigraph_folder(path):
            if read_only or not create:
                raise missing
            _check_creatable(path, location)
        elif not create and not read_only:  # look before writing anything into a folder that may not be provrdf's
            with EmbeddedStore(path, base=DEFAULT_BASE, read_only=True, timeout=timeout) as probe:
                if not _has_settings(probe):
                    raise missing
        store = EmbeddedStore(path, base=base or DEFAULT_BASE, read_only=read_only, timeout=timeout)
        if read_only and not _has_settings(store):
            store.close()
            raise missing
    try:
        _settle_base(store, base)
        _settle_layout(store, upgrade)
    except BaseException:
        store.close()
        raise
    return store


def holds_store(location: str | Path | None = None) -> bool:
    """Whether ``location`` (default :func:`default_location`) holds a provrdf store; nothing is created.

    >>> holds_store(":memory:"), holds_store("/no/such/folder")
    (True, False)
    """
    try:
        open_store(location, read_only=True).close()
    except StoreError as err:
        if str(err).startswith("no provrdf store at "):
            return False
        raise
    return True


#: What an Oxigraph folder may hold before it holds a store (what RocksDB writes first, provrdf's locks).
_STORE_FILES = re.compile(r"(CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|MANIFEST-\d+|OPTIONS-\d+|\d+\.(log|sst|blob)"
                          r"|.*\.dbtmp|provrdf\.pid|provrdf\.lock|provrdf-readers)")


def _oxigraph_folder(path: Path) -> bool:
    """Whether ``path`` is a folder in which Oxigraph made a store."""
    return (path / "CURRENT").is_file()


def _check_creatable(path: Path, location: str) -> None:
    """A store may be made at ``path``: nothing there, or a folder of nothing but store files."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"no provrdf store at {location}: it is a file")
    if path.is_dir():
        other = sorted(e.name for e in os.scandir(path) if not _STORE_FILES.fullmatch(e.name))
        if other:
            shown = ", ".join(other[:3]) + (", …" if len(other) > 3 else "")
            raise StoreError(f"no provrdf store at {location}, and a new one goes into a new or an empty folder "
                             f"(this one holds {shown})")


def _has_settings(store: Store) -> bool:
    """Whether ``store`` holds provrdf's settings graph."""
    return store.ask(f"ASK {{ GRAPH {SETTINGS_GRAPH} {{ ?s ?p ?o }} }}")


def _settle_base(store: Store, wanted: str | None) -> None:
    result = store.select(f"SELECT ?b WHERE {{ GRAPH {SETTINGS_GRAPH} {{ ?s {R.baseIRI} ?b }} }}")
    recorded = [row.text("b") for row in result]
    if not recorded and store.read_only:
        return  # a read-only store in memory: nothing recorded, nothing to record
    if not recorded:
        store.update(
            f"INSERT DATA {{ GRAPH {SETTINGS_GRAPH} {{ {SETTINGS_GRAPH} {TYPE} {R.StoreSettings} ; "
            f"{R.baseIRI} {Literal(store.base)} ; {R.layoutVersion} {layout_quad().object} }} }}"
        )
    elif wanted and wanted != recorded[0]:
        raise StoreError(f"the store at {store.location} uses base IRI {recorded[0]}, not {wanted}")
    else:
        store.base = recorded[0]


def _settle_layout(store: Store, upgrade: Callable[[Store], object] | None) -> None:
    """A store of another layout is upgraded when it is open for writing and an upgrade is given, else refused."""
    if not _has_settings(store):
        return  # a read-only store in memory: nothing recorded
    if layout_version(store) < LAYOUT and upgrade is not None and not store.read_only:
        upgrade(store)
    require_layout(store)

"""The Python API: every operation the CLI and the notebooks use.

>>> store = open_store(":memory:")
>>> report = ingest(store, [])
>>> report.stored, report.rejected
(0, [])
>>> print(format_results(query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a <http://www.w3.org/ns/prov#Activity> }")), end="")
n
-
0
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provrdf.serializers import serialize, store_quads, triples_to_quads
from provrdf.errors import OptionError
from provrdf.formats import Format
from provrdf.pipeline import Ingester, IngestReport
from provrdf.walk import Lineage, lineage
from provrdf.results import format_results
from provrdf import store as stores
from provrdf.check import upgrade
from provrdf.store import Store
from provrdf.results import QueryResult
from provrdf.store.base import sparql_prefixes

if TYPE_CHECKING:
    from typing_extensions import Unpack  # typing's own from Python 3.11

    from provrdf.capture.gammapy.definition import Definitions

__all__ = ["describe", "export", "format_results", "ingest", "lineage", "open_store", "query", "validate"]


def open_store(location: str | Path | None = None, **options: Unpack[stores.OpenOptions]) -> Store:
    """Open the store at ``location`` (see :func:`provrdf.store.open_store`, whose parameters these are).

    A store written by an older provrdf is upgraded to today's layout when it
    is opened for writing (:func:`provrdf.check.upgrade`), and refused with the
    command that upgrades it when it is opened read-only.
    """
    return stores.open_store(location, upgrade=upgrade, **options)


def ingest(
    store: Store,
    sources: Iterable[str | Path],
    *,
    format: str = "auto",
    validate: bool = True,
    strict: bool = False,
    definition: str | Path | None = None,
    on_record: Callable[[], None] | None = None,
) -> IngestReport:
    """Read, check and store every record of ``sources`` (files, or ProvenanceDB URLs).

    A record that is broken is rejected alone (see :attr:`IngestReport.rejected`);
    the others are stored. What ProvDM asks only for completeness (an
    agent's name, a description's mandatory attributes) is a warning
    (:attr:`IngestReport.warnings`), or with ``strict`` a rejection.
    Ingesting the same content again changes nothing. With a
    ``definition`` (a gammapy/logprov ``definition.yaml``), every record is
    linked to the descriptions it gives before it is checked.
    """
    definitions = _definitions(definition)
    ingester = Ingester(store, validate=validate, strict=strict, on_record=on_record, definitions=definitions)
    return ingester.run(sources, format)


def validate(
    sources: Iterable[str | Path],
    *,
    format: str = "auto",
    strict: bool = False,
    definition: str | Path | None = None,
    on_record: Callable[[], None] | None = None,
) -> IngestReport:
    """Run the same checks as :func:`ingest` without storing anything."""
    ingester = Ingester(None, validate=True, strict=strict, on_record=on_record,
                        definitions=_definitions(definition))
    return ingester.run(sources, format)


def describe(store: Store, definition: str | Path, *, validate: bool = True, strict: bool = False) -> IngestReport:
    """Store the descriptions of a ``definition.yaml`` alone, ahead of any record that uses them."""
    path = Path(definition)
    definitions = _definitions(path)
    assert definitions is not None
    descriptions = definitions.record(str(path))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return Ingester(store, validate=validate, strict=strict).records([descriptions], str(path), "definition", digest)


def _definitions(path: str | Path | None) -> Definitions | None:
    if path is None:
        return None
    from provrdf.capture.gammapy import definition

    return definition.load(Path(path))


def query(store: Store, sparql: str, *, prefixes: bool = True) -> QueryResult:
    """Run a SPARQL query over all graphs; provrdf's prefixes (prov:, voprov:, ctao:…)
    are declared unless ``prefixes`` is false."""
    return store.query((sparql_prefixes() if prefixes else "") + sparql)


def export(
    store: Store,
    format: str | Format,
    *,
    graph: str | None = None,
    bundles: bool = False,
    with_log: bool = False,
    result: Lineage | None = None,
    **options: Any,
) -> bytes:
    """The documents of the store, one named graph, or a lineage ``result``, serialized in ``format``.

    By default the whole store is one flat document: the knowledge graph,
    a bundle that a source declared kept as a bundle, no ingest log (a store
    holding one ingested PROV document gives that document back). ``bundles``
    writes one bundle (named graph) per record instead, ``graph`` one graph
    alone, ``with_log`` adds the ingest log as a bundle of its own (see
    :mod:`provrdf.serializers.scope`). ``options`` go to the format's writer
    (pictures take ``rankdir`` and ``member_limit``); an option the format
    does not take is a :class:`~provrdf.errors.FormatError`.

    >>> store = open_store(":memory:")
    >>> print(export(store, "provn").decode())
    document
    endDocument
    """
    if result is not None:
        if graph is not None or bundles or with_log:
            raise OptionError("a lineage result is exported as it is: graph, bundles and with_log do not go with it")
        quads = triples_to_quads(result.triples)
    else:
        quads = store_quads(store, graph, bundles=bundles, with_log=with_log)
    return serialize(quads, format, base=store.base, **options)

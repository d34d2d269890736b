"""The Python API: every operation the CLI and the notebooks use.

>>> store = open_store(":memory:")
>>> report = ingest(store, [])
>>> report.stored, report.rejected
(0, [])
>>> print(format_results(query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a a <http://www.w3.org/ns/prov#Activity> }")))
n
-
0
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from provrdf.export import serialize, store_quads, triples_to_quads
from provrdf.formats import Format
from provrdf.ingest import IngestReport, Ingester
from provrdf.lineage import Lineage, lineage
from provrdf.results import format_results
from provrdf.store import Store, open_store
from provrdf.store.base import QueryResult, sparql_prefixes

__all__ = ["open_store", "ingest", "validate", "query", "lineage", "export", "format_results"]


def ingest(
    store: Store,
    paths: Iterable[str | Path],
    *,
    format: str = "auto",
    validate: bool = True,
    on_record: Callable[[], None] | None = None,
) -> IngestReport:
    """Read, check and store every record of ``paths``.

    A record that fails is rejected alone (see :attr:`IngestReport.rejected`);
    the others are stored. Ingesting the same content again changes nothing.
    """
    return Ingester(store, validate=validate, on_record=on_record).run(paths, format)


def validate(
    paths: Iterable[str | Path], *, format: str = "auto", on_record: Callable[[], None] | None = None
) -> IngestReport:
    """Run the same checks as :func:`ingest` without storing anything."""
    return Ingester(None, validate=True, on_record=on_record).run(paths, format)


def query(store: Store, sparql: str, *, prefixes: bool = True) -> QueryResult:
    """Run a SPARQL query over all graphs; provrdf's prefixes (prov:, voprov:, ctao:…)
    are declared unless ``prefixes`` is false."""
    return store.query((sparql_prefixes() if prefixes else "") + sparql)


def export(
    store: Store,
    format: str | Format,
    *,
    graph: str | None = None,
    result: Lineage | None = None,
) -> bytes:
    """The whole store, one named graph, or a lineage ``result``, serialized in ``format``."""
    quads = triples_to_quads(result.triples) if result is not None else store_quads(store, graph)
    return serialize(quads, format, base=store.base)

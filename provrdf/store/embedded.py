"""The embedded store: pyoxigraph on disk at a path, or in memory."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

import pyoxigraph

from provrdf.errors import StoreError
from provrdf.results import Boolean, Graph, QueryResult, Solutions
from provrdf.store.base import Delta, Store
from provrdf.store.oxigraph import Oxigraph

__all__ = ["EmbeddedStore"]


class EmbeddedStore(Store):
    """An Oxigraph store inside this process; ``path=None`` keeps it in memory.

    On disk, one process writes (``read_only=False``, waiting up to
    ``timeout`` seconds for another writer) and any number read
    (``read_only=True``) beside it; see :mod:`provrdf.store.oxigraph`.

    >>> store = EmbeddedStore(None, base="https://example.org/")
    >>> store.update('INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "c" } }')
    >>> len(store)
    1
    """

    def __init__(self, path: str | Path | None, *, base: str, read_only: bool = False,
                 timeout: float | None = None) -> None:
        self.location = ":memory:" if path is None else str(path)
        self.base = base
        #: Whether every change is refused (a reader's snapshot of a store on disk).
        self.read_only = read_only
        self._store = Oxigraph(None if path is None else Path(path), self.location, read_only=read_only,
                               timeout=timeout)

    def query(self, sparql: str) -> QueryResult:
        try:
            return _answer(self._store.query(sparql))
        except SyntaxError as err:
            raise StoreError(f"SPARQL syntax error: {err}") from err
        except OSError as err:
            raise StoreError(f"cannot read the store at {self.location}: {err}") from err

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as err:
            raise StoreError(f"SPARQL update syntax error: {err}") from err
        except OSError as err:
            raise StoreError(f"cannot write the store at {self.location}: {err}") from err

    def quads(self, graph: pyoxigraph.NamedNode | pyoxigraph.DefaultGraph | None = None) -> Iterator[pyoxigraph.Quad]:
        return iter(self._store.quads_for_pattern(None, None, None, graph))

    def graphs(self) -> list[pyoxigraph.NamedNode]:
        return sorted(
            (g for g in self._store.named_graphs() if isinstance(g, pyoxigraph.NamedNode)),
            key=lambda g: g.value,
        )

    def apply(self, delta: Delta) -> None:
        if delta.remove:
            super().apply(delta)
            return
        # Nothing to remove: one transactional extend does what the SPARQL
        # update would, without writing and parsing the quads as SPARQL text.
        try:
            self._store.extend(delta.add)
        except OSError as err:
            raise StoreError(f"cannot write the store at {self.location}: {err}") from err

    def present(self, quads: Iterable[pyoxigraph.Quad]) -> set[pyoxigraph.Quad]:
        return {quad for quad in quads if quad in self._store}

    def stating(self, triples: Iterable[pyoxigraph.Triple]) -> dict[pyoxigraph.Triple, set[pyoxigraph.NamedNode]]:
        return {
            t: {q.graph_name for q in self._store.quads_for_pattern(t.subject, t.predicate, t.object)
                if isinstance(q.graph_name, pyoxigraph.NamedNode)}
            for t in triples
        }

    def bulk_load(self, quads: Iterable[pyoxigraph.Quad]) -> None:
        self._store.bulk_extend(quads)

    def close(self) -> None:
        """Flush the store to disk and let the next writer in (a store in memory stays usable)."""
        self._store.close()


def _answer(result: pyoxigraph.QuerySolutions | pyoxigraph.QueryBoolean | pyoxigraph.QueryTriples) -> QueryResult:
    """pyoxigraph's answer as provrdf's own result type."""
    if isinstance(result, pyoxigraph.QuerySolutions):
        variables = [variable.value for variable in result.variables]
        return Solutions(variables, ([row[i] for i in range(len(variables))] for row in result))
    if isinstance(result, pyoxigraph.QueryBoolean):
        return Boolean(bool(result))
    return Graph(result)

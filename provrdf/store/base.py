"""The store interface: what every kind of store (embedded, remote) offers.

A store holds quads in named graphs: one graph per record (its bundle), one
per description, one for the ingest log and one for the store's settings.
Reads are SPARQL; writes replace whole graphs, each call atomically.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from pyoxigraph import NamedNode, Quad, Triple

from provrdf.errors import StoreError
from provrdf.rdf.namespaces import PREFIXES, PROVRDF
from provrdf.results import Graph, QueryResult, Solutions

__all__ = ["INTERNAL_GRAPHS", "LOCATIONS_GRAPH", "SETTINGS_GRAPH", "Store", "insert_data", "sparql_prefixes"]

#: Graph holding the store's own settings (its base IRI).
SETTINGS_GRAPH = NamedNode(PROVRDF + "settings")
#: Graph indexing each file entity by its recorded location, once per entity
#: (the union of the record graphs repeats a fact once per record).
LOCATIONS_GRAPH = NamedNode(PROVRDF + "locations")
#: The store's bookkeeping graphs, left out of exports.
INTERNAL_GRAPHS = frozenset({SETTINGS_GRAPH, LOCATIONS_GRAPH})


def sparql_prefixes() -> str:
    """``PREFIX`` lines for every namespace provrdf writes."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def insert_data(quads: Iterable[Quad]) -> str:
    """A SPARQL ``INSERT DATA`` block for ``quads``.

    Terms are written in their N-Triples form by pyoxigraph, which escapes
    them, so nothing from the input can break out of the literal or IRI.

    >>> from pyoxigraph import Literal
    >>> g = NamedNode("http://example.org/g")
    >>> print(insert_data([Quad(g, g, Literal('say "hi" }'), g)]))
    INSERT DATA {
    GRAPH <http://example.org/g> {
    <http://example.org/g> <http://example.org/g> "say \\"hi\\" }" .
    }
    }
    """
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        line = f"{quad.subject} {quad.predicate} {quad.object} ."
        by_graph.setdefault(str(quad.graph_name), []).append(line)
    blocks = [f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}" for graph, lines in by_graph.items()]
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


class Store(abc.ABC):
    """A provenance store: named graphs of quads, read with SPARQL.

    Use :func:`provrdf.open_store` to get one; every store is also a context
    manager that closes it.
    """

    #: Base IRI of the nodes minted in this store.
    base: str
    #: Where the store is (a path, ``":memory:"`` or a URL).
    location: str

    @abc.abstractmethod
    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL 1.1 query over the union of all graphs."""

    @abc.abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update, atomically."""

    @abc.abstractmethod
    def quads(self, graph: NamedNode | None = None) -> Iterator[Quad]:
        """Every quad, or those of one named graph."""

    @abc.abstractmethod
    def graphs(self) -> list[NamedNode]:
        """The names of all named graphs."""

    @abc.abstractmethod
    def bulk_load(self, quads: Iterable[Quad]) -> None:
        """Add many quads fast, without the per-call atomicity of :meth:`replace`."""

    def close(self) -> None:
        """Release the store (flush it to disk)."""

    def replace(self, graphs: dict[NamedNode, list[Quad]], also: Iterable[Quad] = ()) -> None:
        """Replace each of ``graphs`` by its quads and add ``also``, in one transaction."""
        drops = "".join(f"DROP SILENT GRAPH {graph} ;\n" for graph in graphs)
        quads = [quad for quads in graphs.values() for quad in quads] + list(also)
        self.update(drops + insert_data(quads))

    def ask(self, sparql: str) -> bool:
        """The answer of a SPARQL ``ASK`` query."""
        return bool(self.query(sparql))

    def select(self, sparql: str) -> Solutions:
        """The rows of a SPARQL ``SELECT`` query."""
        result = self.query(sparql)
        if not isinstance(result, Solutions):
            raise StoreError("a SELECT query was expected")
        return result

    def construct(self, sparql: str) -> list[Triple]:
        """The triples of a SPARQL ``CONSTRUCT`` (or ``DESCRIBE``) query."""
        result = self.query(sparql)
        if not isinstance(result, Graph):
            raise StoreError("a CONSTRUCT query was expected")
        return result.triples

    def __len__(self) -> int:
        result = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(result)).text("n"))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

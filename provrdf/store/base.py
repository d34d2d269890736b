"""The store interface: what every kind of store (embedded, remote) offers.

A store holds quads in named graphs. The *content graphs* say what the
sources said: one graph per record (its bundle), one per shared description,
and the linkset (the same-file links). The *bookkeeping graphs* say how the
store was filled: the ingest log, the settings, the index of file locations.
The default graph is the *knowledge graph*, the set union of the content
graphs, each triple once (:mod:`provrdf.store.knowledge`): every query
reads it, and every write keeps it in step in the same transaction.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from pyoxigraph import DefaultGraph, NamedNode, Quad, Triple

from provrdf.errors import StoreError
from provrdf.rdf.namespaces import PREFIXES, PROVRDF
from provrdf.results import Graph, QueryResult, Solutions
from provrdf.store.knowledge import Change, Delta, plan

__all__ = [
    "INTERNAL_GRAPHS", "LINKSET_GRAPH", "LOCATIONS_GRAPH", "SETTINGS_GRAPH", "Change", "Delta", "Store",
    "delete_data", "ingest_log_graph", "insert_data", "sparql_prefixes",
]  # fmt: skip

#: Graph holding the store's own settings (its base IRI, its layout version).
SETTINGS_GRAPH = NamedNode(PROVRDF + "settings")
#: Graph indexing each file entity by the file it names (``provrdf:fileKey``),
#: derived from the content graphs; the same-file links are made from it.
LOCATIONS_GRAPH = NamedNode(PROVRDF + "locations")
#: Content graph of the same-file links (``prov:alternateOf``), derived from the index.
LINKSET_GRAPH = NamedNode(PROVRDF + "linkset")
#: Bookkeeping graphs whose name does not depend on the store's base, left out of exports.
INTERNAL_GRAPHS = frozenset({SETTINGS_GRAPH, LOCATIONS_GRAPH})
#: How many quads one SPARQL ``VALUES`` lookup carries.
_CHUNK = 500


def ingest_log_graph(store: Store) -> NamedNode:
    """The named graph of the ingest log: which source produced which bundles."""
    return NamedNode(f"{store.base}graph/ingest-log")


def sparql_prefixes() -> str:
    """``PREFIX`` lines for every namespace provrdf writes."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def insert_data(quads: Iterable[Quad]) -> str:
    """A SPARQL ``INSERT DATA`` operation for ``quads`` (default-graph quads outside any ``GRAPH``).

    Terms are written in their N-Triples form by pyoxigraph, which escapes
    them, so nothing from the input can break out of the literal or IRI.

    >>> from pyoxigraph import Literal
    >>> g = NamedNode("http://example.org/g")
    >>> print(insert_data([Quad(g, g, Literal('say "hi" }'), g), Quad(g, g, g)]))
    INSERT DATA {
    <http://example.org/g> <http://example.org/g> <http://example.org/g> .
    GRAPH <http://example.org/g> {
    <http://example.org/g> <http://example.org/g> "say \\"hi\\" }" .
    }
    }
    """
    return "INSERT DATA {\n" + _data_block(quads) + "\n}"


def delete_data(quads: Iterable[Quad]) -> str:
    """A SPARQL ``DELETE DATA`` operation for ``quads``, written as :func:`insert_data` writes them."""
    return "DELETE DATA {\n" + _data_block(quads) + "\n}"


def _data_block(quads: Iterable[Quad]) -> str:
    default: list[str] = []
    by_graph: dict[str, list[str]] = {}
    for quad in quads:
        line = f"{quad.subject} {quad.predicate} {quad.object} ."
        if isinstance(quad.graph_name, DefaultGraph):
            default.append(line)
        else:
            by_graph.setdefault(str(quad.graph_name), []).append(line)
    blocks = [f"GRAPH {graph} {{\n" + "\n".join(lines) + "\n}" for graph, lines in by_graph.items()]
    return "\n".join(default + blocks)


class Store(abc.ABC):
    """A provenance store: named graphs of quads, read with SPARQL.

    Use :func:`provrdf.open_store` to get one; every store is also a context
    manager that closes it.
    """

    #: Base IRI of the nodes minted in this store.
    base: str
    #: Where the store is (a path, ``":memory:"`` or a URL).
    location: str
    #: Whether every change is refused (a reader beside a writer).
    read_only: bool = False

    @abc.abstractmethod
    def query(self, sparql: str) -> QueryResult:
        """Run a SPARQL 1.1 query; its default graph is the knowledge graph."""

    @abc.abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update, atomically (it does not keep the knowledge graph in step: :meth:`write` does)."""

    @abc.abstractmethod
    def quads(self, graph: NamedNode | DefaultGraph | None = None) -> Iterator[Quad]:
        """Every quad, or those of one graph (the knowledge graph is ``DefaultGraph()``)."""

    @abc.abstractmethod
    def graphs(self) -> list[NamedNode]:
        """The names of all named graphs."""

    @abc.abstractmethod
    def bulk_load(self, quads: Iterable[Quad]) -> None:
        """Add many quads fast, without atomicity and without keeping the knowledge graph in step."""

    def close(self) -> None:
        """Release the store (flush it to disk)."""

    # -- writing ---------------------------------------------------------------

    def bookkeeping_graphs(self) -> frozenset[NamedNode]:
        """The graphs that say how the store was filled, not what the sources said."""
        return INTERNAL_GRAPHS | {ingest_log_graph(self)}

    def write(self, change: Change) -> Delta:
        """Make ``change`` in one transaction, the knowledge graph kept in step; the quads it removed and added.

        Nothing is written when the change changes nothing (the delta is then empty).
        """
        delta = self.plan(change)
        if delta:
            self.apply(delta)
        return delta

    def plan(self, change: Change) -> Delta:
        """The exact quads ``change`` would remove and add, the knowledge graph's included; nothing is written."""
        return plan(self, change, self.bookkeeping_graphs())

    def replace(self, graphs: dict[NamedNode, list[Quad]], also: Iterable[Quad] = ()) -> Delta:
        """Replace each of ``graphs`` by its quads and add ``also``, in one :meth:`write`."""
        return self.write(Change(replace=graphs, add=list(also)))

    def apply(self, delta: Delta) -> None:
        """Remove then add the quads of ``delta``, atomically."""
        operations = ([delete_data(delta.remove)] if delta.remove else []) + ([insert_data(delta.add)] if delta.add else [])
        if operations:
            self.update(" ;\n".join(operations))

    def present(self, quads: Iterable[Quad]) -> set[Quad]:
        """Those of ``quads`` that the store holds."""
        wanted = list(quads)
        found: set[Quad] = set()
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            named = [q for q in chunk if isinstance(q.graph_name, NamedNode)]
            default = [q for q in chunk if isinstance(q.graph_name, DefaultGraph)]
            if named:
                rows = " ".join(f"({q.subject} {q.predicate} {q.object} {q.graph_name})" for q in named)
                query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p ?o ?g) {{ {rows} }} GRAPH ?g {{ ?s ?p ?o }} }}"
                found |= {Quad(r["s"], r.node("p"), r["o"], r.node("g")) for r in self.select(query)}  # type: ignore[arg-type]
            if default:
                rows = " ".join(f"({q.subject} {q.predicate} {q.object})" for q in default)
                query = f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} ?s ?p ?o }}"
                found |= {Quad(r["s"], r.node("p"), r["o"], DefaultGraph()) for r in self.select(query)}  # type: ignore[arg-type]
        return found

    def stating(self, triples: Iterable[Triple]) -> dict[Triple, set[NamedNode]]:
        """The named graphs that state each of ``triples``."""
        wanted = list(triples)
        found: dict[Triple, set[NamedNode]] = {t: set() for t in wanted}
        for start in range(0, len(wanted), _CHUNK):
            rows = " ".join(f"({t.subject} {t.predicate} {t.object})" for t in wanted[start:start + _CHUNK])
            query = f"SELECT ?s ?p ?o ?g WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            for r in self.select(query):
                found[Triple(r["s"], r.node("p"), r["o"])].add(r.node("g"))  # type: ignore[arg-type]
        return found

    # -- reading ---------------------------------------------------------------

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

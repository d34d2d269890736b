"""What an export of the store writes: the documents, one bundle per record, one graph, the ingest log.

* **The documents** (the default): the knowledge graph as one flat document,
  its triples at the top level (the default graph), without the ingest log.
  A bundle that a source declared (a graph ``g`` that states ``g a
  prov:Bundle`` in itself) stays a bundle: its statements are written inside
  it, and the top level gets what the rest of the knowledge graph says. A
  triple that a declared bundle states and some other graph states too is
  written in both places, once in the bundle and once at the top level, as
  the sources said it; a triple only declared bundles state is written in
  each of them and not at the top level. The marker ``g a prov:Bundle``
  inside ``g`` is not written: the bundle says it by being one.
* **One bundle per record** (``bundles``): every content graph (records,
  descriptions, same-file links) as the store keeps it, named.
* **One graph** (``graph``): that graph's statements, flat as above (at the
  top level, or inside its bundle when a source declared it), or with
  ``bundles`` as the named graph.
* **The ingest log** (``with_log``): added as its own named graph. Its nodes
  have provrdf's classes (``provrdf:IngestRun`` …); in an export they also
  get the PROV classes those refine (``ontology/provrdf.ttl``), so a PROV
  reader sees its runs as activities.
"""

from __future__ import annotations

from pyoxigraph import DefaultGraph, NamedNode, Quad

from provrdf.errors import OptionError
from provrdf.rdf.terms import TYPE, P, R
from provrdf.store.base import Store, ingest_log_graph

__all__ = ["declared_bundles", "store_quads"]

#: provrdf's bookkeeping classes and the PROV classes they refine (ontology/provrdf.ttl).
_REFINES = {R.IngestRun: (P.Activity,), R.Source: (P.Entity,), R.Software: (P.SoftwareAgent, P.Agent),
            P.Bundle: (P.Entity,)}


def store_quads(store: Store, graph: str | None = None, *, bundles: bool = False, with_log: bool = False) -> list[Quad]:
    """The quads an export of ``store`` writes (see the module's text).

    Parameters
    ----------
    graph
        The IRI of one named graph to export alone (a record's bundle, a
        description's graph, the ingest log).
    bundles
        Keep one named graph (bundle) per record instead of the flat document.
    with_log
        Add the ingest log, as its own named graph (not with ``graph``: the log
        is a graph of its own, exported alone with ``graph``).

    Raises
    ------
    OptionError
        When ``graph`` is not an IRI, no graph of the store has that name, or
        ``with_log`` is asked with ``graph``.
    """
    if graph is not None:
        if with_log:
            raise OptionError("with_log adds the whole ingest log: export it alone with its graph IRI "
                              f"<{ingest_log_graph(store).value}>, not beside another graph")
        return _one_graph(store, _graph_name(store, graph), bundles)
    quads = _named_content(store) if bundles else _documents(store)
    if with_log:
        quads += _one_graph(store, ingest_log_graph(store), named=True)
    return quads


def declared_bundles(store: Store) -> list[NamedNode]:
    """The content graphs that a source declared a bundle (each states ``g a prov:Bundle`` in itself), sorted."""
    skip = store.bookkeeping_graphs()
    rows = store.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g {TYPE} {P.Bundle} }} }}")
    return sorted((g for row in rows if (g := row.node("g")) not in skip), key=str)


def _documents(store: Store) -> list[Quad]:
    """The knowledge graph as one document, the declared bundles kept as bundles."""
    top = list(store.quads(DefaultGraph()))
    declared = declared_bundles(store)
    if not declared:
        return top
    inside = {name: list(store.quads(name)) for name in declared}
    in_bundles = {quad.triple for quads in inside.values() for quad in quads}
    apart = set(declared) | store.bookkeeping_graphs()
    stated = store.stating(in_bundles)
    elsewhere = {triple for triple, graphs in stated.items() if any(g not in apart for g in graphs)}
    top = [quad for quad in top if quad.triple not in in_bundles or quad.triple in elsewhere]
    return top + [quad for name in declared for quad in inside[name] if not _marks(quad)]


def _named_content(store: Store) -> list[Quad]:
    """Every content graph's quads, named as stored."""
    skip = store.bookkeeping_graphs()
    return [q for q in store.quads() if isinstance(q.graph_name, NamedNode) and q.graph_name not in skip]


def _one_graph(store: Store, name: NamedNode, named: bool) -> list[Quad]:
    """The quads of graph ``name``: kept in it when ``named`` or a source declared it a bundle, else top level."""
    quads = list(store.quads(name))
    if name == ingest_log_graph(store):
        quads += [Quad(q.subject, TYPE, parent, name) for q in quads
                  if q.predicate == TYPE and isinstance(q.object, NamedNode) for parent in _REFINES.get(q.object, ())]
    if named:
        return quads
    if Quad(name, TYPE, P.Bundle, name) in quads and name not in store.bookkeeping_graphs():
        return [quad for quad in quads if not _marks(quad)]
    return list({Quad(q.subject, q.predicate, q.object, DefaultGraph()): None for q in quads})


def _graph_name(store: Store, graph: str) -> NamedNode:
    try:
        name = NamedNode(graph)
    except ValueError as err:
        raise OptionError(f"graph {graph!r} is not an IRI ({err})") from None
    if not store.ask(f"ASK {{ GRAPH {name} {{ ?s ?p ?o }} }}"):
        raise OptionError(f"no graph named <{graph}> in {store.location}")
    return name


def _marks(quad: Quad) -> bool:
    """Whether ``quad`` is a declared bundle's graph saying that it is a bundle."""
    return quad.subject == quad.graph_name and quad.predicate == TYPE and quad.object == P.Bundle

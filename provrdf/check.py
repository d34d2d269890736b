"""Checking a store: its derived graphs are what its content graphs imply.

Three things in a store are derived from the record and description graphs
and kept in step by every write: the file index
(:data:`~provrdf.store.base.LOCATIONS_GRAPH`), the same-file links (one
graph per file, :func:`~provrdf.link.linkset_graph`) and the knowledge graph
(the default graph, the union of the content graphs). :func:`verify`
recomputes them from the record and description graphs and says where the
store differs; :func:`repair` makes the store what they imply, in one
transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from provrdf.link import file_keys, linkset_graph, links_of
from provrdf.rdf.terms import TYPE, P, R
from provrdf.store.base import LINKSET_GRAPH, LOCATIONS_GRAPH, Delta, Store, ingest_log_graph
from provrdf.store.knowledge import knowledge_quads
from provrdf.store.layout import LAYOUT, layout_quad, layout_version

#: The PROV classes layout 1 also gave the ingest log's nodes.
_OLD_LOG_CLASSES = (P.Activity, P.Entity, P.Agent, P.SoftwareAgent)

__all__ = ["Finding", "Report", "repair", "upgrade", "verify"]

#: How many differing quads a finding shows.
_EXAMPLES = 3


@dataclass
class Finding:
    """One derived part of the store that is not what the content implies."""

    part: str  #: "knowledge graph", "file index" or "linkset"
    missing: list[Quad] = field(default_factory=list)
    extra: list[Quad] = field(default_factory=list)

    def __str__(self) -> str:
        shown = [f"  missing: {q}" for q in self.missing[:_EXAMPLES]] + [f"  extra: {q}" for q in self.extra[:_EXAMPLES]]
        return f"{self.part}: {len(self.missing)} quad(s) missing, {len(self.extra)} extra\n" + "\n".join(shown)


@dataclass
class Report:
    """What :func:`verify` found: the findings, and the sizes of what it checked."""

    findings: list[Finding]
    records: int  #: record and description graphs read
    knowledge: int  #: triples the knowledge graph should hold
    links: int  #: same-file links the content implies

    @property
    def ok(self) -> bool:
        """True when every derived part is what the content implies."""
        return not self.findings

    def delta(self) -> Delta:
        """The quads that make the store what the content implies."""
        return Delta(remove=[q for f in self.findings for q in f.extra], add=[q for f in self.findings for q in f.missing])


def verify(store: Store) -> Report:
    """Recompute the file index, the linkset and the knowledge graph from the record and description graphs."""
    bookkeeping = store.bookkeeping_graphs()
    sources: dict[NamedNode, set[Quad]] = defaultdict(set)
    derived: dict[str, set[Quad]] = {"knowledge graph": set(), "file index": set(), "linkset": set()}
    for quad in store.quads():
        graph = quad.graph_name
        if isinstance(graph, DefaultGraph):
            derived["knowledge graph"].add(quad)
        elif graph == LOCATIONS_GRAPH:
            derived["file index"].add(quad)
        elif _is_linkset(graph):
            derived["linkset"].add(quad)
        elif isinstance(graph, NamedNode) and graph not in bookkeeping:
            sources[graph].add(quad)
    triples = {q.triple for quads in sources.values() for q in quads}
    keys = file_keys((t.subject, t.predicate, t.object) for t in triples
                     if t.predicate in (P.atLocation, TYPE) and isinstance(t.subject, NamedNode))
    index = {Quad(node, R.fileKey, Literal(key), LOCATIONS_GRAPH) for node, found in keys.items() for key in found}
    links = _links(keys)
    expected = {
        "knowledge graph": set(knowledge_quads(triples | {q.triple for q in links})),
        "file index": index,
        "linkset": links,
    }
    findings = [Finding(part, sorted(expected[part] - derived[part], key=str), sorted(derived[part] - expected[part], key=str))
                for part in expected if expected[part] != derived[part]]
    return Report(findings, len(sources), len(expected["knowledge graph"]), len(links))


def repair(store: Store) -> Report:
    """Make the derived parts of ``store`` what its content implies, in one transaction; what was found."""
    report = verify(store)
    if not report.ok:
        store.apply(report.delta())
    return report


def upgrade(store: Store) -> int | None:
    """Bring a store of an older layout to :data:`~provrdf.store.layout.LAYOUT`; the layout it had, or ``None``.

    From layout 1: the ingest log's nodes keep provrdf's classes only (the
    provrdf agent becomes a ``provrdf:Software``); the same-file links that
    layout wrote into record graphs (a ``prov:alternateOf`` between two
    entities at one file) and its location index are removed; then the
    index, the linkset and the knowledge graph are rebuilt (:func:`repair`)
    and the new layout recorded. Each step is a transaction and the upgrade
    can be run again after a crash: the layout is recorded last.
    """
    version = layout_version(store)
    if version >= LAYOUT:
        return None
    log = ingest_log_graph(store)
    old = [q for q in store.quads(log) if q.predicate == TYPE and q.object in _OLD_LOG_CLASSES]
    software = {q.subject for q in old if q.object == P.SoftwareAgent}
    bookkeeping = store.bookkeeping_graphs()
    keys = file_keys((q.subject, q.predicate, q.object) for q in store.quads()
                     if q.predicate in (P.atLocation, TYPE) and isinstance(q.subject, NamedNode)
                     and isinstance(q.graph_name, NamedNode) and q.graph_name not in bookkeeping)
    made = [q for q in store.quads() if q.predicate == P.alternateOf and isinstance(q.graph_name, NamedNode)
            and not _is_linkset(q.graph_name) and keys.get(q.subject, set()) & keys.get(q.object, set())]  # type: ignore[arg-type]
    store.apply(Delta(remove=[*old, *made, *store.quads(LOCATIONS_GRAPH)],
                      add=[Quad(agent, TYPE, R.Software, log) for agent in software]))
    repair(store)
    store.apply(Delta(add=[layout_quad()]))
    return version


def _links(keys: dict[NamedNode, set[str]]) -> set[Quad]:
    members: dict[str, set[NamedNode]] = defaultdict(set)
    for node, found in keys.items():
        for key in found:
            members[key].add(node)
    return {Quad(member, P.alternateOf, canonical, linkset_graph(key))
            for key, nodes in members.items() for member, canonical in links_of(nodes)}


def _is_linkset(graph: object) -> bool:
    return isinstance(graph, NamedNode) and graph.value.startswith(LINKSET_GRAPH.value + "/")

"""The knowledge graph: the default graph of a store, the set union of its content graphs.

Every named graph that is not bookkeeping (the ingest log, the settings, the
index of file locations) is a content graph: a record's bundle, a shared
description, the linkset. The default graph holds each triple that some
content graph states, once, however many graphs state it; queries read it,
so a fact is answered once whatever the number of records that say it.

A write is a :class:`Change` (graphs replaced whole, quads added, quads
removed). :func:`plan` turns it into the exact :class:`Delta` of quads to
remove and add, the default graph's included: a triple leaves the default
graph only when no content graph states it after the write, and enters it
when a content graph comes to state it. The store applies the delta in one
transaction, so the knowledge graph is never out of step with the graphs it
is made from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

import pyoxigraph
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Triple

__all__ = ["Change", "Contents", "Delta", "canonical", "knowledge_quads", "plan"]


class Contents(Protocol):
    """What planning a change reads of a store (:class:`provrdf.store.base.Store` has it)."""

    def quads(self, graph: NamedNode | DefaultGraph | None = None) -> Iterable[Quad]:
        """Every quad, or those of one graph."""

    def present(self, quads: Iterable[Quad]) -> set[Quad]:
        """Those of ``quads`` that the store holds."""

    def stating(self, triples: Iterable[Triple]) -> dict[Triple, set[NamedNode]]:
        """The graphs that state each of ``triples``."""

#: Datatypes whose lexical form is kept as written.
_AS_WRITTEN = frozenset({"http://www.w3.org/2001/XMLSchema#string",
                         "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"})
_PROBE = NamedNode("urn:provrdf:canonical")


@dataclass
class Change:
    """What a write asks for: graphs replaced by their new quads, quads added, quads removed."""

    replace: dict[NamedNode, list[Quad]] = field(default_factory=dict)
    add: list[Quad] = field(default_factory=list)
    remove: list[Quad] = field(default_factory=list)

    def __iadd__(self, other: Change) -> Change:
        self.replace.update(other.replace)
        self.add += other.add
        self.remove += other.remove
        return self


@dataclass
class Delta:
    """The quads a write removes and adds, every graph included; empty when nothing changes."""

    remove: list[Quad] = field(default_factory=list)
    add: list[Quad] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.remove or self.add)

    def then(self, other: Delta) -> Delta:
        """This delta and ``other``, planned from the same state on disjoint changes, as one.

        A knowledge-graph triple ``other`` takes out stays when this delta has
        a content graph come to state it.
        """
        add = set(self.add) | set(other.add)
        stated = {q.triple for q in self.add if isinstance(q.graph_name, NamedNode)}
        remove = {q for q in set(self.remove) | set(other.remove)
                  if q not in add and not (isinstance(q.graph_name, DefaultGraph) and q.triple in stated)}
        return Delta(remove=sorted(remove, key=str), add=sorted(add, key=str))

    def named(self) -> tuple[int, int]:
        """How many quads of named graphs are removed and added (the knowledge graph's copies not counted)."""
        return (sum(isinstance(q.graph_name, NamedNode) for q in self.remove),
                sum(isinstance(q.graph_name, NamedNode) for q in self.add))


def knowledge_quads(triples: Iterable[Triple]) -> list[Quad]:
    """``triples`` as quads of the knowledge graph."""
    return [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in triples]


def plan(store: Contents, change: Change, bookkeeping: frozenset[NamedNode]) -> Delta:
    """The exact quads ``change`` removes and adds in ``store``, the knowledge graph kept the union of the content graphs.

    Parameters
    ----------
    bookkeeping
        The named graphs that are not content (their triples never enter the knowledge graph).
    """
    add, remove = _requested(store, change)
    present = store.present(add | remove)
    add -= present
    remove &= present

    def content(quad: Quad) -> bool:
        return isinstance(quad.graph_name, NamedNode) and quad.graph_name not in bookkeeping

    came = {q.triple for q in add if content(q)}
    gone = {q.triple for q in remove if content(q)} - came
    removed = {(q.triple, q.graph_name) for q in remove}
    stated = store.stating(gone)
    still = {t for t in gone if any(g not in bookkeeping and (t, g) not in removed for g in stated[t])}
    leaving = set(knowledge_quads(gone - still))
    entering = set(knowledge_quads(came))
    entering -= store.present(entering)
    return Delta(remove=sorted(remove | leaving, key=str), add=sorted(add | entering, key=str))


def canonical(quads: Iterable[Quad]) -> list[Quad]:
    """``quads`` with each typed literal in the canonical form the store keeps (``"01"^^xsd:integer`` is ``"1"``).

    A store keeps values, not spellings: comparing what a write brings with
    what is stored is only exact between canonical forms.

    >>> XSD = "http://www.w3.org/2001/XMLSchema#"
    >>> q = Quad(_PROBE, _PROBE, Literal("2025-06-11T10:02:47.090+00:00", datatype=NamedNode(XSD + "dateTime")))
    >>> canonical([q])[0].object.value
    '2025-06-11T10:02:47.09Z'
    """
    quads = list(quads)
    typed = [i for i, q in enumerate(quads)
             if isinstance(q.object, Literal) and q.object.datatype.value not in _AS_WRITTEN]
    if not typed:
        return quads
    probe = pyoxigraph.Store()
    probe.extend(Quad(NamedNode(f"urn:provrdf:canonical:{i}"), _PROBE, quads[i].object) for i in typed)
    for found in probe:
        i = int(found.subject.value.rsplit(":", 1)[1])
        quads[i] = Quad(quads[i].subject, quads[i].predicate, found.object, quads[i].graph_name)
    return quads


def _requested(store: Contents, change: Change) -> tuple[set[Quad], set[Quad]]:
    """The quads the change adds and removes, a replaced graph's as the difference of its old and new quads."""
    add, remove = set(canonical(change.add)), set(canonical(change.remove))
    for graph, quads in change.replace.items():
        new = {q if q.graph_name == graph else Quad(q.subject, q.predicate, q.object, graph) for q in canonical(quads)}
        old = set(store.quads(graph))
        add |= new - old
        remove |= old - new
    return add, remove - add

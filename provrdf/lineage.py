"""Lineage: what a product came from, or what was made from it.

The walk runs inside the store as SPARQL property paths (one query for the
nodes reached, one CONSTRUCT for the graph around them), so it costs two
round trips whatever the size of the answer, on an embedded or a remote
store alike.

A step is one PROV relation: entity → the activity that generated it,
activity → an entity it used, entity → an entity it was derived from,
activity → the activity that informed it. Going forth follows the same
relations the other way. Two entities linked by ``prov:alternateOf`` (the
same file as two tools named it, see :func:`provrdf.ingest.same_file_links`)
are one node for counting: crossing that link is not a step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from pyoxigraph import Literal, NamedNode, Triple

from provrdf.errors import Error
from provrdf.identifiers import mint
from provrdf.store.base import Store, sparql_prefixes

__all__ = ["NotFound", "Lineage", "resolve", "lineage", "STEPS"]

#: The relations a lineage walks, each one step.
STEPS = ("prov:wasGeneratedBy", "prov:used", "prov:wasDerivedFrom", "prov:wasInformedBy")
#: Crossing from an entity to another view of the same file: free, in either direction.
_SAME = "(prov:alternateOf|^prov:alternateOf)?"

_QUALIFIED_BY_TARGET = (
    "prov:qualifiedUsage", "prov:qualifiedGeneration",
    "prov:qualifiedDerivation", "prov:qualifiedCommunication",
)
_QUALIFIED_ALWAYS = ("prov:qualifiedAssociation", "prov:qualifiedAttribution", "voprov:qualifiedConfiguration")
#: Links from a reached node to nodes that describe it (agents, configuration,
#: descriptions, system): those come along with all they say, but the walk
#: never goes on through them.
_ATTACHED = (
    "prov:wasAssociatedWith", "prov:wasAttributedTo", "voprov:wasConfiguredBy",
    "voprov:isDescribedBy", "ctao:system",
)


class NotFound(Error):
    """No node in the store answers to the given id."""


@dataclass
class Lineage:
    """The result of a lineage walk: the start nodes, the nodes reached, the triples."""

    start: list[NamedNode]
    nodes: list[NamedNode]
    triples: list[Triple]


def resolve(store: Store, ident: str) -> list[NamedNode]:
    """The nodes an id names: an IRI, an activity uuid, a CTAO product id or a recorded path.

    Raises
    ------
    NotFound
        When nothing in the store answers to ``ident``.
    """
    candidates = [mint(store.base, "activity", ident), mint(store.base, "entity", ident.lower())]
    if ":" in ident:
        candidates.insert(0, ident)
    values = " ".join(str(NamedNode(c)) for c in candidates if _is_iri(c))
    query = sparql_prefixes() + f"""
        SELECT DISTINCT ?n WHERE {{
          {{ VALUES ?n {{ {values} }} ?n a ?type . FILTER(?type IN (prov:Entity, prov:Activity)) }}
          UNION {{ ?n prov:atLocation {Literal(ident)} ; a prov:Entity . }}
        }} ORDER BY ?n"""
    found = [row["n"] for row in store.query(query)]
    if not found:
        raise NotFound(f"no entity or activity in {store.location} answers to {ident!r}")
    return found


def lineage(
    store: Store,
    idents: str | Iterable[str],
    *,
    direction: str = "back",
    depth: int | None = None,
) -> Lineage:
    """Walk the provenance graph from ``idents``.

    Parameters
    ----------
    direction
        ``"back"`` (what it came from) or ``"forth"`` (what was made from it).
    depth
        Number of steps; ``None`` walks all the way.
    """
    if isinstance(idents, str):
        idents = [idents]
    start = sorted({node for ident in idents for node in resolve(store, ident)}, key=lambda n: n.value)
    path = _path(direction, depth)
    values = " ".join(map(str, start))
    reached = store.query(
        sparql_prefixes() + f"SELECT DISTINCT ?n WHERE {{ VALUES ?start {{ {values} }} ?start {path} ?n }}"
    )
    nodes = sorted({row["n"] for row in reached if isinstance(row["n"], NamedNode)}, key=lambda n: n.value)
    return Lineage(start=start, nodes=nodes, triples=_subgraph(store, nodes))


def _path(direction: str, depth: int | None) -> str:
    if direction not in ("back", "forth"):
        raise ValueError(f"direction must be 'back' or 'forth', not {direction!r}")
    step = "|".join(STEPS if direction == "back" else (f"^{s}" for s in STEPS))
    step = f"{_SAME}/({step})"
    if depth is None:
        return f"({step})*/{_SAME}"
    if depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    return "/".join([f"({step})?"] * depth + [_SAME])


def _subgraph(store: Store, nodes: list[NamedNode]) -> list[Triple]:
    """The triples about ``nodes``: their attributes, the relations among them
    (shortcut and qualified), and all that is said about attached nodes."""
    if not nodes:
        return []
    values = " ".join(map(str, nodes))
    steps = STEPS + ("prov:hadMember", "prov:alternateOf")
    query = sparql_prefixes() + f"""
        CONSTRUCT {{ ?s ?p ?o . ?n ?qp ?q }} WHERE {{
          VALUES ?n {{ {values} }}
          {{ ?n ?p ?o . BIND(?n AS ?s)
             FILTER(?p NOT IN ({", ".join(steps + _QUALIFIED_BY_TARGET + _QUALIFIED_ALWAYS)})) }}
          UNION {{ VALUES ?p {{ {" ".join(steps)} }} ?n ?p ?o . VALUES ?o {{ {values} }} BIND(?n AS ?s) }}
          UNION {{ VALUES ?qp {{ {" ".join(_QUALIFIED_BY_TARGET)} }} ?n ?qp ?q .
                   ?q prov:entity|prov:activity ?x . VALUES ?x {{ {values} }} ?q ?p ?o . BIND(?q AS ?s) }}
          UNION {{ VALUES ?qp {{ {" ".join(_QUALIFIED_ALWAYS)} }} ?n ?qp ?q . ?q ?p ?o . BIND(?q AS ?s) }}
          UNION {{ VALUES ?link {{ {" ".join(_ATTACHED)} }} ?n ?link ?s . ?s ?p ?o . }}
        }}"""
    return list(store.query(query))


def _is_iri(text: str) -> bool:
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True

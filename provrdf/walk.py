"""Lineage with ProvSAP semantics: what products came from, or what was made from them.

The options are those of the IVOA ProvSAP protocol: several start ids,
``DEPTH``, ``DIRECTION``, ``MEMBERS``, ``AGENT`` and ``MODEL``, plus whether
descriptions and configuration come along.

Everything runs inside the store as SPARQL, in at most four queries
whatever the size of the answer, on an embedded or a remote store alike:
one SELECT walks the graph with property paths, one collects what comes
along with the nodes walked, one CONSTRUCT fetches what is said about them,
one more describes any other resource the answer mentions. Every query
starts from bound nodes, so its cost follows the answer, not the store.

A step is one PROV relation: entity → the activity that generated it,
activity → an entity it used, entity → an entity it was derived from,
activity → the activity that informed it; with ``members``, collection →
member; with ``agents``, activity or entity → its agent (and on to the
agents it acted for), where the walk stops. Going forth follows the same
relations the other way. Entities linked by ``prov:alternateOf`` (the same
file as tools named it, each linked to one of them, see :mod:`provrdf.link`)
are one node for counting: crossing to another view of the file (at most two
links, through the one they are linked to) is not a step. Configuration
(parameters, config files) and descriptions belong to the node they
configure or describe: they are not steps.

The result is self-contained: a relation is kept when both its ends are in
the answer, and every resource the answer mentions is described.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Triple

from provrdf.errors import Error, OptionError
from provrdf.identifiers import mint
from provrdf.rdf.namespaces import PROV, RDF, VOPROV
from provrdf.rdf.relations import BY_NAME, QUALIFIERS, RELATIONS, TARGETS
from provrdf.rdf.terms import text_of
from provrdf.store.base import Store, sparql_prefixes

__all__ = ["DIRECTIONS", "MODELS", "STEPS", "Lineage", "NotFound", "flatten_to_w3c", "lineage", "resolve"]

#: The relations a lineage walks, each one step.
STEPS = ("prov:wasGeneratedBy", "prov:used", "prov:wasDerivedFrom", "prov:wasInformedBy")
#: Accepted spellings of the two directions (ProvSAP: BACK, FORTH; OPUS: FORWARD).
DIRECTIONS = {"back": "back", "backward": "back", "forth": "forth", "forward": "forth"}
#: ``ivoa`` answers in voprov terms; ``w3c`` flattens the answer to plain PROV.
MODELS = ("ivoa", "w3c")

#: Crossing from an entity to another view of the same file: free, in either direction, through the
#: view all others link to.
_SAME = "(prov:alternateOf|^prov:alternateOf)?/(prov:alternateOf|^prov:alternateOf)?"
_AGENT_STEP = "(prov:wasAssociatedWith|prov:wasAttributedTo)/(prov:actedOnBehalfOf)*"
#: From a description to the descriptions it owns or points to.
_DESCRIPTION_LINKS = ("hasUsageDescription", "hasGenerationDescription", "hasParameterDescription",
                      "hasConfigFileDescription", "entityDescription")
_DESCRIBED = (
    "(voprov:wasConfiguredBy|prov:qualifiedUsage|prov:qualifiedGeneration)?/voprov:isDescribedBy/"
    f"({'|'.join(f'voprov:{name}' for name in _DESCRIPTION_LINKS)})*"
)
#: Properties linking two resources: kept only when both ends are in the answer.
_LINKS = {
    *(r.shortcut for r in RELATIONS), *(r.inverse for r in RELATIONS if r.inverse),
    *(PROV + name for name in ("hadMember", "alternateOf", "specializationOf")),
    *(VOPROV + name for name in ("isDescribedBy", "hadReference", *_DESCRIPTION_LINKS)),
}  # fmt: skip
#: The properties from a node to its qualified relation nodes, as SPARQL values.
_QUALIFIERS = "|".join(f"<{qualifier}>" for qualifier in QUALIFIERS)  # a path: from ?n to its qualified nodes
_TYPE = RDF + "type"


class NotFound(Error):
    """No node in the store answers to the given id."""


@dataclass
class Lineage:
    """The result of a lineage walk: the start nodes, the resources in the answer, the triples.

    ``nodes`` holds every entity, activity and agent of the answer, and the
    descriptions that came along; ``triples`` is the self-contained graph.
    """

    start: list[NamedNode]
    nodes: list[NamedNode]
    triples: list[Triple]


@dataclass(frozen=True)
class _Walk:
    direction: str
    depth: int | None
    members: bool
    agents: bool
    descriptions: bool
    configuration: bool


def resolve(store: Store, ident: str) -> list[NamedNode]:
    """The nodes an id names: an IRI, an activity uuid, a CTAO product id or a recorded path.

    An activity id that a log gives inside its session (gammapy, logprov:
    stored as ``activity/<session>/<id>``) is found by the id alone.

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
    found = [row.node("n") for row in store.select(query)] or _scoped_activities(store, ident)
    if not found:
        raise NotFound(f"no entity or activity in {store.location} answers to {ident!r}")
    return found


def _scoped_activities(store: Store, ident: str) -> list[NamedNode]:
    """The activities whose id is ``ident`` inside a scope (gammapy and logprov: ``<session>/<ident>``)."""
    if "/" in ident:
        return []
    activities = mint(store.base, "activity", "")
    tail = mint(store.base, "activity", "_/" + ident)[len(activities) + 1:]
    query = sparql_prefixes() + f"""
        SELECT DISTINCT ?n WHERE {{
          ?n a prov:Activity .
          FILTER(STRSTARTS(STR(?n), {Literal(activities)}) && STRENDS(STR(?n), {Literal(tail)}))
        }} ORDER BY ?n"""
    return [row.node("n") for row in store.select(query)]


def lineage(
    store: Store,
    idents: str | Iterable[str],
    *,
    direction: str = "back",
    depth: int | None = None,
    members: bool = False,
    agents: bool = False,
    descriptions: bool = True,
    configuration: bool = True,
    model: str = "ivoa",
) -> Lineage:
    """Walk the provenance graph from ``idents`` (ProvSAP ``ID``, repeatable).

    Parameters
    ----------
    direction
        ``"back"`` (what it came from) or ``"forth"`` (what was made from
        it); ``"backward"`` and ``"forward"`` too, in any case.
    depth
        Number of relation steps; ``None`` walks all the way (ProvSAP ``ALL``).
    members
        Also step from a collection to its members (forth: to the collections
        holding a member).
    agents
        Include the agents of the nodes reached, one step away, and the
        agents they acted on behalf of. The walk never goes on through an agent.
    descriptions
        Include the descriptions (activity, usage, generation, entity,
        parameter descriptions) of what is in the answer.
    configuration
        Include the parameters and config files of the activities in the answer.
    model
        ``"ivoa"`` gives the answer as stored, in voprov terms; ``"w3c"``
        flattens it to plain PROV (see :func:`flatten_to_w3c`).
    """
    walk = _Walk(_direction(direction), _depth(depth), members, agents, descriptions, configuration)
    model = _model(model)
    idents = [idents] if isinstance(idents, str) else list(idents)
    start = sorted({node for ident in idents for node in resolve(store, ident)}, key=lambda n: n.value)
    nodes = _reach(store, start, walk)
    triples = _subgraph(store, nodes)
    if model == "w3c":
        triples = flatten_to_w3c(triples)
    return Lineage(start=start, nodes=sorted(nodes, key=lambda n: n.value), triples=triples)


def _direction(direction: str) -> str:
    try:
        return DIRECTIONS[direction.lower()]
    except KeyError:
        raise OptionError(f"direction must be back or forth (forward), not {direction!r}") from None


def _model(model: str) -> str:
    if model.lower() not in MODELS:
        raise OptionError(f"model must be one of {', '.join(MODELS)}, not {model!r}")
    return model.lower()


def _depth(depth: int | None) -> int | None:
    if depth is not None and depth < 0:
        raise OptionError(f"depth must be 0 or more, not {depth}")
    return depth


def _path(walk: _Walk, depth: int | None) -> str:
    """The property path of ``depth`` steps (``None``: any number) in the walk's direction."""
    steps = STEPS + (("prov:hadMember",) if walk.members else ())
    step = "|".join(steps if walk.direction == "back" else (f"^{s}" for s in steps))
    step = f"{_SAME}/({step})"
    if depth is None:
        return f"({step})*/{_SAME}"
    return "/".join([f"({step})?"] * depth + [_SAME])


def _reach(store: Store, start: list[NamedNode], walk: _Walk) -> set[NamedNode]:
    """Every resource of the answer: the walk, then what comes along with the nodes walked.

    Each query starts from bound nodes (a ``VALUES`` block inside every
    branch), so its cost follows the answer, not the store.
    """
    starts = f"VALUES ?start {{ {' '.join(map(str, start))} }}"
    walked = _select(store, f"{starts} ?start {_path(walk, walk.depth)} ?n")
    values = f"VALUES ?x {{ {' '.join(map(str, walked))} }}"
    branches = []
    if walk.configuration:
        branches.append(f"{values} ?x voprov:wasConfiguredBy ?n")
    if walk.descriptions:
        branches.append(f"{values} ?x {_DESCRIBED} ?n FILTER(?n != ?x)")
    if walk.agents and walk.depth is None:
        branches.append(f"{values} ?x {_AGENT_STEP} ?n")
    elif walk.agents and walk.depth is not None and walk.depth > 0:  # one step from a node walked in depth - 1
        branches.append(f"{starts} ?start {_path(walk, walk.depth - 1)}/{_AGENT_STEP} ?n")
    along = _select(store, " UNION ".join(f"{{ {branch} }}" for branch in branches)) if branches else set()
    return walked | along


def _select(store: Store, pattern: str) -> set[NamedNode]:
    """The IRIs ``?n`` takes in ``pattern``."""
    rows = store.select(sparql_prefixes() + f"SELECT DISTINCT ?n WHERE {{ {pattern} }}")
    return {row["n"] for row in rows if isinstance(row["n"], NamedNode)}


def _subgraph(store: Store, nodes: set[NamedNode]) -> list[Triple]:
    """The triples about ``nodes``, relations kept only between ``nodes``, then
    the description of every other resource they mention."""
    if not nodes:
        return []
    values = f"VALUES ?n {{ {' '.join(map(str, nodes))} }}"
    query = sparql_prefixes() + f"""
        CONSTRUCT {{ ?n ?p ?o . ?q ?qp ?qo }} WHERE {{
          {{ {values} ?n ?p ?o }} UNION {{ {values} ?n {_QUALIFIERS} ?q . ?q ?qp ?qo }}
        }}"""
    triples = _keep_closed(store.construct(query), {n.value for n in nodes})
    return triples + _mentioned(store, triples)


def _keep_closed(triples: list[Triple], nodes: set[str]) -> list[Triple]:
    """Drop relations that leave ``nodes``, and qualified relations whose target is outside."""
    targets = {t.subject: text_of(t.object) for t in triples if t.predicate.value in TARGETS}
    qualified = {q for q, target in targets.items() if target in nodes}
    return [t for t in triples
            if (t.subject in qualified if t.subject in targets
                else t.object in qualified if t.object in targets else True)
            and (t.predicate.value not in _LINKS or text_of(t.object) in nodes)]


def _mentioned(store: Store, triples: list[Triple]) -> list[Triple]:
    """The types and literal facts of resources the answer names but does not describe."""
    described = {t.subject for t in triples}
    mentioned = {t.object for t in triples
                 if isinstance(t.object, NamedNode) and t.object not in described and t.predicate.value != _TYPE}
    if not mentioned:
        return []
    query = f"""CONSTRUCT {{ ?m ?p ?o }} WHERE {{
        VALUES ?m {{ {" ".join(map(str, mentioned))} }} ?m ?p ?o FILTER(isLiteral(?o) || ?p = <{_TYPE}>) }}"""
    return store.construct(query)


#: voprov's relations (its configuration) as the PROV relation they are a kind of.
_FLAT = {getattr(r, term): getattr(BY_NAME[r.general], term) for r in RELATIONS
         if r.shortcut.startswith(VOPROV) and r.general for term in ("shortcut", "qualifier", "target")}  # fmt: skip


def flatten_to_w3c(triples: Iterable[Triple]) -> list[Triple]:
    """The same provenance in plain PROV: every node and relation gets a PROV class.

    In PROV-O the PROV attribute ``prov:type`` is ``rdf:type``, so each voprov
    class stays as an ``rdf:type`` beside the PROV class (PROV-N, PROV-JSON and
    PROV-XML write it as ``prov:type``). A description (a node of no PROV
    class) becomes a ``prov:Entity``; voprov's configuration becomes
    ``prov:wasInfluencedBy`` and ``prov:qualifiedInfluence``. Other voprov
    properties stay, as PROV attributes do.
    """
    triples = list(triples)
    typed = {t.subject for t in triples if t.predicate.value == _TYPE and text_of(t.object).startswith(PROV)}
    flat: list[Triple] = []
    for t in triples:
        flat.append(Triple(t.subject, NamedNode(_FLAT.get(t.predicate.value, t.predicate.value)), t.object))
        if t.predicate.value == _TYPE and t.subject not in typed:
            flat.append(Triple(t.subject, t.predicate, NamedNode(PROV + "Entity")))
            typed.add(t.subject)
    return flat


def _is_iri(text: str) -> bool:
    try:
        NamedNode(text)
    except ValueError:
        return False
    return True

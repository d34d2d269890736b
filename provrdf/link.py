"""Same-file links: entity IRIs that name one file are ``prov:alternateOf`` one of them.

Tools name a file differently (a CTAO product id, a content hash, an OPUS
store id) but record where it was. Entities recorded at the same file
location are views of one file; the links let a lineage cross from one
tool's output to the next tool's input. Only locations that name a file
make links: an absolute path, a ``file://`` URL or a logical file name. A
Python variable name (logprov's ``'location': 'var1'``), a relative path
(relative to a working directory nobody recorded), or a URL of a service
(with a query) is no file location.

The links are a function of the store's content, whatever the order the
records came in: the index graph :data:`~provrdf.store.base.LOCATIONS_GRAPH`
holds each file entity's :func:`file_key`, and the N entities of one key are
linked to the smallest IRI among them, N − 1 links in the graph
:data:`~provrdf.store.base.LINKSET_GRAPH`. :func:`link_change` gives the
index and link quads a write adds and removes; it reads only the entities
the write touches and the keys they have.

>>> is_file_location("/data/dl2/run1.h5"), is_file_location("file:///data/dl2/run1.h5")
(True, True)
>>> is_file_location("var1"), is_file_location("https://archive.example.org/get?id=12")
(False, False)
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from collections import defaultdict
from collections.abc import Iterable

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from provrdf.capture.files import file_path
from provrdf.rdf.terms import TYPE, P, R, V
from provrdf.store.base import LINKSET_GRAPH, LOCATIONS_GRAPH, Change, Delta, Store

__all__ = ["file_key", "file_keys", "is_file_location", "link_change", "links_of", "linkset_graph", "location_variants"]

#: What an entity's index entry and links come from.
_FACTS = (P.atLocation, TYPE)
#: Entities of these classes are configuration, not files of the data flow: never linked.
_NOT_LINKED = frozenset({V.Parameter, V.ConfigFile})

#: A Windows drive path: ``C:\data\run1.fits`` or ``C:/data/run1.fits``.
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
#: Prefixes of logical file names (DIRAC, EOS, XRootD-style catalogues).
_LFN = ("lfn:", "LFN:")


def is_file_location(location: str) -> bool:
    """Whether a recorded location names a file: an absolute path, a ``file://`` URL or an LFN.

    >>> is_file_location("LFN:/vo.cta.in2p3.fr/MC/run1.simtel.zst"), is_file_location("C:\\\\data\\\\run1.fits")
    (True, True)
    >>> is_file_location("data/run1.fits"), is_file_location("file:///data/run1.fits?version=2")
    (False, False)
    """
    text = location.strip()
    if text.startswith("file://"):
        return "?" not in text and file_path(text).startswith("/")
    if text.startswith(_LFN):
        return text.split(":", 1)[1].startswith("/")
    return (text.startswith("/") and not text.startswith("//")) or bool(_DRIVE.match(text))


def location_variants(location: str) -> list[str]:
    """The spellings under which a tool may have recorded the same file; none for a location that is no file.

    >>> location_variants("file:///data/dl2/run1.h5")
    ['file:///data/dl2/run1.h5', '/data/dl2/run1.h5']
    >>> location_variants("/data/./dl2/run1.h5")
    ['/data/./dl2/run1.h5', '/data/dl2/run1.h5', 'file:///data/dl2/run1.h5']
    >>> location_variants("global_var")
    []
    """
    if not is_file_location(location):
        return []
    variants = [location]
    if location.startswith("file://"):
        variants.append(file_path(location))
    elif location.startswith(_LFN):
        variants.append(posixpath.normpath(location.split(":", 1)[1]))
    elif location.startswith("/"):
        path = posixpath.normpath(location)
        variants += [path, "file://" + path]
    return list(dict.fromkeys(variants))


def file_key(location: str) -> str | None:
    """The file a location names, one spelling for all of its spellings; ``None`` for no file location.

    >>> file_key("file:///data/./dl2/run1.h5"), file_key("/data/dl2/run1.h5"), file_key("LFN:/data/dl2/run1.h5")
    ('/data/dl2/run1.h5', '/data/dl2/run1.h5', '/data/dl2/run1.h5')
    >>> file_key("C:\\\\data\\\\run1.fits"), file_key("var1")
    ('C:/data/run1.fits', None)
    """
    if not is_file_location(location):
        return None
    text = location.strip()
    if text.startswith("file://"):
        path = file_path(text)
    elif text.startswith(_LFN):
        path = text.split(":", 1)[1]
    else:
        path = text.replace("\\", "/")
    return posixpath.normpath(path)


def file_keys(facts: Iterable[tuple[NamedNode, NamedNode, object]]) -> dict[NamedNode, set[str]]:
    """The file keys of each entity that ``facts`` (its ``prov:atLocation`` and ``rdf:type`` triples) make a file."""
    types: dict[NamedNode, set] = defaultdict(set)
    keys: dict[NamedNode, set[str]] = defaultdict(set)
    for node, predicate, value in facts:
        if predicate == TYPE:
            types[node].add(value)
        elif isinstance(value, Literal) and (key := file_key(value.value)) is not None:
            keys[node].add(key)
    return {node: found for node, found in keys.items() if P.Entity in types[node] and not types[node] & _NOT_LINKED}


def links_of(members: Iterable[NamedNode]) -> set[tuple[NamedNode, NamedNode]]:
    """The links of one file's entities: each to the smallest IRI among them.

    >>> a, b, c = (NamedNode(f"urn:x:{n}") for n in "abc")
    >>> sorted((s.value, o.value) for s, o in links_of([c, a, b]))
    [('urn:x:b', 'urn:x:a'), ('urn:x:c', 'urn:x:a')]
    """
    found = sorted(set(members), key=lambda node: node.value)
    return {(member, found[0]) for member in found[1:]}


def link_change(store: Store, planned: Delta) -> Change:
    """The index and link quads that follow from a planned write, so the linkset stays a function of the content.

    ``planned`` is what a change does to the store (:meth:`Store.plan`).
    The entities concerned are those whose location or class the change
    states or unstates; their facts after the change are read from the
    knowledge graph, where each fact is once, and corrected by ``planned``.
    """
    bookkeeping = store.bookkeeping_graphs()
    stated = [q for q in [*planned.add, *planned.remove]
              if q.predicate in _FACTS and isinstance(q.subject, NamedNode) and q.graph_name not in bookkeeping]
    touched = {q.subject for q in stated if isinstance(q.subject, NamedNode)}
    if not touched:
        return Change()
    after = file_keys(_facts_after(store, planned, touched))
    before = _index(store, touched)
    index = Change(add=[_entry(e, k) for e in touched for k in after.get(e, set()) - before.get(e, set())],
                   remove=[_entry(e, k) for e in touched for k in before.get(e, set()) - after.get(e, set())])
    keys: set[str] = set().union(*after.values(), *before.values())
    index += _relinked(store, keys, touched, before, after)
    return index


def _facts_after(store: Store, planned: Delta, nodes: set[NamedNode]) -> set[tuple[NamedNode, NamedNode, object]]:
    """The location and class facts of ``nodes`` in the knowledge graph once the planned delta is made."""
    # one VALUES block of (node, property) pairs: the engine looks each pair up instead of scanning
    pairs = " ".join(f"({node} {predicate})" for node in sorted(nodes, key=lambda n: n.value) for predicate in _FACTS)
    rows = store.select(f"SELECT ?e ?p ?o WHERE {{ VALUES (?e ?p) {{ {pairs} }} ?e ?p ?o }}")
    facts: set[tuple[NamedNode, NamedNode, object]] = {(row.node("e"), row.node("p"), row["o"]) for row in rows}

    def known(quad: Quad) -> bool:
        return isinstance(quad.graph_name, DefaultGraph) and quad.subject in nodes and quad.predicate in _FACTS

    facts -= {(q.subject, q.predicate, q.object) for q in planned.remove if known(q)}
    facts |= {(q.subject, q.predicate, q.object) for q in planned.add if known(q)}  # type: ignore[misc]
    return facts


def _index(store: Store, nodes: set[NamedNode]) -> dict[NamedNode, set[str]]:
    values = " ".join(str(node) for node in sorted(nodes, key=lambda n: n.value))
    rows = store.select(f"SELECT ?e ?k WHERE {{ GRAPH {LOCATIONS_GRAPH} {{ VALUES ?e {{ {values} }} ?e {R.fileKey} ?k }} }}")
    found: dict[NamedNode, set[str]] = defaultdict(set)
    for row in rows:
        found[row.node("e")].add(row.text("k"))
    return found


def _relinked(store: Store, keys: set[str], touched: set[NamedNode], before: dict[NamedNode, set[str]],
              after: dict[NamedNode, set[str]]) -> Change:
    """The link quads to add and remove for the keys whose members change.

    Each key's links are kept in a graph of its own (:func:`linkset_graph`),
    so a link that two files imply stays while one of them does. Only the
    smallest member of a key is read, unless it leaves or a smaller one
    joins: then the key's members are read and relinked.
    """
    canonical = _smallest(store, keys)
    change = Change()
    for key in sorted(keys):
        joining = {e for e in touched if key in after.get(e, set()) - before.get(e, set())}
        leaving = {e for e in touched if key in before.get(e, set()) - after.get(e, set())}
        old = canonical.get(key)
        rest = old if old is not None and old not in leaving else _smallest_but(store, key, leaving)
        new = min((n for n in (rest, *joining) if n is not None), key=lambda n: n.value, default=None)
        graph = linkset_graph(key)
        if new == old and new is not None:
            change.add += [_link(e, new, graph) for e in joining - {new}]
            change.remove += [_link(e, new, graph) for e in leaving - {new}]
            continue
        members = _members(store, key)
        change.remove += [_link(s, o, graph) for s, o in links_of(members)]
        change.add += [_link(s, o, graph) for s, o in links_of((members - leaving) | joining)]
    return change


def linkset_graph(key: str) -> NamedNode:
    """The graph holding the links of the entities of one file."""
    return NamedNode(f"{LINKSET_GRAPH.value}/{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}")


def _smallest(store: Store, keys: set[str]) -> dict[str, NamedNode]:
    """The smallest IRI in the index for each key that has one."""
    if not keys:
        return {}
    values = " ".join(str(Literal(key)) for key in sorted(keys))
    rows = store.select(f"""SELECT ?k (MIN(STR(?e)) AS ?c) WHERE {{
        GRAPH {LOCATIONS_GRAPH} {{ VALUES ?k {{ {values} }} ?e {R.fileKey} ?k }} }} GROUP BY ?k""")
    return {row.text("k"): NamedNode(row.text("c")) for row in rows}


def _smallest_but(store: Store, key: str, leaving: set[NamedNode]) -> NamedNode | None:
    """The smallest IRI of a key in the index, ``leaving`` left out."""
    excluded = ", ".join(str(node) for node in sorted(leaving, key=lambda n: n.value))
    condition = f"FILTER(?e NOT IN ({excluded}))" if excluded else ""
    rows = store.select(f"""SELECT ?e WHERE {{ GRAPH {LOCATIONS_GRAPH} {{ ?e {R.fileKey} {Literal(key)} }}
        {condition} }} ORDER BY STR(?e) LIMIT 1""")
    return next((row.node("e") for row in rows), None)


def _members(store: Store, key: str) -> set[NamedNode]:
    """The entities of one key in the index."""
    rows = store.select(f"SELECT ?e WHERE {{ GRAPH {LOCATIONS_GRAPH} {{ ?e {R.fileKey} {Literal(key)} }} }}")
    return {row.node("e") for row in rows}


def _entry(node: NamedNode, key: str) -> Quad:
    return Quad(node, R.fileKey, Literal(key), LOCATIONS_GRAPH)


def _link(member: NamedNode, canonical: NamedNode, graph: NamedNode) -> Quad:
    return Quad(member, P.alternateOf, canonical, graph)

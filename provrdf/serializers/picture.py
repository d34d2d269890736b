"""PROV pictures: DOT source, and SVG or PNG drawn by Graphviz, in the W3C PROV style.

The style is the one of the PROV primer and ProvToolbox: entities are yellow
ellipses, activities blue rectangles, agents orange houses. Each relation is
one arrow, labelled with its PROV name and its role, pointing from the later
node to the earlier one as PROV does (``activity -used-> entity``,
``entity -wasGeneratedBy-> activity``); with the default ``rankdir="BT"``
the oldest inputs are at the top and the final products at the bottom.

A node is drawn when its PROV-O or voprov class makes it an entity, an
activity or an agent; qualified relation nodes only add their role to their
relation's arrow, and descriptions and ``ctao:System`` nodes are left out.
Configuration (``voprov:wasConfiguredBy`` parameters and config files) is
drawn discreetly: one grey note per activity listing ``name = value``.
A collection with more than ``member_limit`` members shows the first ones
(by name) and one node saying how many more there are; a configuration note
lists at most ``member_limit`` lines the same way.

Options: ``rankdir`` (``"BT"``, ``"TB"``, ``"LR"`` or ``"RL"``) and
``member_limit`` (a whole number, default 8). The ``dot`` format is the DOT
source and needs nothing else; ``svg`` and ``png`` run Graphviz's ``dot``.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import graphviz
from pyoxigraph import BlankNode, NamedNode, Quad

from provrdf.errors import Error, FormatError
from provrdf.formats import Format
from provrdf.rdf.namespaces import CTAO, PROV, RDF, RDFS, VOPROV
from provrdf.rdf.relations import BY_NAME, BY_QUALIFIER, RELATIONS, Kind

__all__ = ["DEFAULT_MEMBER_LIMIT", "OPTIONS", "RANKDIRS", "STYLES", "draw", "write"]

OPTIONS: frozenset[str] = frozenset({"rankdir", "member_limit"})
#: Layout directions: the first is the default (oldest at the top).
RANKDIRS = ("BT", "TB", "LR", "RL")
DEFAULT_MEMBER_LIMIT = 8

_FONT = "Helvetica"
#: Node attributes per kind: the three PROV kinds, the configuration note
#: and the node standing for the members a collection does not show.
STYLES: dict[str, dict[str, str]] = {
    "entity": {"shape": "ellipse", "style": "filled", "fillcolor": "#FFFC87", "color": "#808080"},
    "activity": {"shape": "box", "style": "filled", "fillcolor": "#9FB1FC", "color": "#0000FF"},
    "agent": {"shape": "house", "style": "filled", "fillcolor": "#FED37F", "color": "#000000"},
    "configuration": {"shape": "note", "style": "filled", "fillcolor": "#F2F2F2", "color": "#A0A0A0",
                      "fontcolor": "#505050", "fontsize": "8"},
    "more": {"shape": "ellipse", "style": "filled,dashed", "fillcolor": "#FFFC87", "color": "#808080",
             "fontcolor": "#505050"},
}
_DISCREET_EDGE = {"style": "dashed", "color": "#A0A0A0", "fontcolor": "#707070"}

#: Classes that make a node an entity, an activity or an agent.
_CLASS_KINDS = {
    **dict.fromkeys((PROV + "Activity", VOPROV + "Activity"), "activity"),
    **dict.fromkeys((PROV + "Agent", PROV + "Person", PROV + "Organization", PROV + "SoftwareAgent",
                     VOPROV + "Agent"), "agent"),
    **dict.fromkeys((PROV + "Entity", PROV + "Collection", PROV + "EmptyCollection", PROV + "Plan",
                     PROV + "Bundle", VOPROV + "Entity", VOPROV + "DatasetEntity", VOPROV + "ValueEntity",
                     VOPROV + "Collection", VOPROV + "Parameter", VOPROV + "ConfigFile"), "entity"),
}
_KIND_ORDER = ("activity", "agent", "entity")  # a node of two kinds is drawn as the first
#: Classes of nodes that are not drawn even when typed ``prov:Entity`` (as a
#: lineage flattened to plain PROV types them).
_NOT_DRAWN = {VOPROV + name for name in (
    "ActivityDescription", "EntityDescription", "UsageDescription", "GenerationDescription",
    "ParameterDescription", "ConfigFileDescription",
)} | {CTAO + "System"}
_CONFIGURATION_CLASSES = {VOPROV + "Parameter", VOPROV + "ConfigFile"}
_NAMES = (VOPROV + "name", RDFS + "label", PROV + "label")  #: the name first, else a label


@dataclass(frozen=True)
class _Arrow:
    """How a relation is drawn: its label, and the kinds of its ends (for ends without a class)."""

    name: str
    tail: str
    head: str


def _drawn(kind: Kind) -> str:
    """The kind of a relation's end that has no class: one that may be anything is drawn as an entity."""
    return "entity" if kind == "any" else kind


#: Arrows by the shortcut of their relation.
_ARROWS = {
    **{r.shortcut: _Arrow(r.name, _drawn(r.subject_kind), _drawn(r.object_kind)) for r in RELATIONS},
    **{PROV + name: _Arrow(name, "entity", "entity") for name in ("hadMember", "alternateOf", "specializationOf")},
}
#: Inverse shortcuts (the ingest log's ``prov:generated``), drawn as the relation they invert.
_INVERSES = {BY_NAME[name].inverse: BY_NAME[name].shortcut for name in ("wasGeneratedBy", "wasInvalidatedBy")}
#: A general relation is not drawn beside a more specific one between the same two nodes.
_SPECIFIC = {
    PROV + "wasDerivedFrom": {r.shortcut for r in RELATIONS if r.general == "wasDerivedFrom"},
    PROV + "wasInfluencedBy": set(_ARROWS) - {PROV + "wasInfluencedBy"},
}
_MEMBER = PROV + "hadMember"
#: Relations from an activity to its configuration (the second in a lineage flattened to plain PROV).
_CONFIGURED = (VOPROV + "wasConfiguredBy", PROV + "wasInfluencedBy")

_LABEL_WIDTH = 30
_SETTING_NAME_WIDTH, _SETTING_VALUE_WIDTH = 36, 20

Edge = tuple[str, str, str]  # (tail IRI, relation shortcut IRI, head IRI)


def write(quads: list[Quad], fmt: Format, *, base: str, rankdir: str = RANKDIRS[0],
          member_limit: int = DEFAULT_MEMBER_LIMIT) -> bytes:
    """``quads`` as a picture: DOT source for ``dot``, else drawn by Graphviz (``svg``, ``png``).

    Raises
    ------
    FormatError
        For a ``rankdir`` or ``member_limit`` it does not know.
    Error
        When Graphviz's ``dot`` program is needed but not installed.
    """
    digraph = draw(quads, base=base, rankdir=rankdir, member_limit=member_limit)
    if fmt.name == "dot":
        return digraph.source.encode("utf-8")
    return _render(digraph, fmt.name)


def draw(quads: list[Quad], *, base: str, rankdir: str = RANKDIRS[0],
         member_limit: int = DEFAULT_MEMBER_LIMIT) -> graphviz.Digraph:
    """The :class:`graphviz.Digraph` of ``quads`` (it shows itself in a notebook).

    ``base`` is the store's base IRI: a node without a name is labelled by
    its IRI with the base and kind cut off.

    >>> from pyoxigraph import Literal
    >>> act, raw = NamedNode("https://example.org/activity/a1"), NamedNode("https://example.org/entity/raw")
    >>> quads = [Quad(act, NamedNode(PROV + "used"), raw), Quad(act, NamedNode(RDFS + "label"), Literal("calib"))]
    >>> picture = draw(quads, base="https://example.org/", rankdir="LR")
    >>> [line.strip() for line in picture.body if "label=" in line and "tooltip" in line]  # doctest: +ELLIPSIS
    ['activity1 [label=calib color="#0000FF" fillcolor="#9FB1FC" shape=box ...', 'entity1 [label=raw ...']
    >>> [line.strip() for line in picture.body if "->" in line]
    ['activity1 -> entity1 [label=used]']
    """
    direction, limit = _checked_rankdir(rankdir), _checked_limit(member_limit)
    graph = _Graph(quads)
    notes = graph.take_configuration()
    more = graph.collapse_members(limit)
    return _Drawing(graph, base, direction, limit).build(notes, more)


def _checked_rankdir(value: Any) -> str:
    direction = value.strip().upper() if isinstance(value, str) else value
    if direction not in RANKDIRS:
        raise FormatError(f"rankdir must be one of {', '.join(RANKDIRS)}, not {value!r}")
    return direction


def _checked_limit(value: Any) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise FormatError(f"member_limit must be a whole number, 0 or more, not {value!r}")
    return value


class _Graph:
    """The nodes (by kind) and relations (with their roles) found in the quads."""

    def __init__(self, quads: list[Quad]) -> None:
        self.facts: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
        for quad in quads:
            self.facts[_iri(quad.subject)][quad.predicate.value].append(quad.object)
        self.kinds = {node: kind for node in self.facts if (kind := self._kind(node))}
        self.hidden = {node for node in self.facts if self.classes(node) & _NOT_DRAWN}
        self.edges: dict[Edge, set[str]] = {}
        self._read_edges()

    def terms(self, node: str, predicate: str) -> list[Any]:
        return self.facts.get(node, {}).get(predicate, [])

    def first(self, node: str, predicates: tuple[str, ...]) -> str | None:
        """The text of the first value of the first of ``predicates`` that the node has."""
        return next((term.value for predicate in predicates for term in self.terms(node, predicate)), None)

    def classes(self, node: str) -> set[str]:
        """The node's classes, and its ``prov:type`` values (where plain PROV keeps other classes)."""
        return {term.value for term in self.terms(node, RDF + "type") + self.terms(node, PROV + "type")}

    def _kind(self, node: str) -> str | None:
        classes = self.classes(node)
        if classes & _NOT_DRAWN:
            return None
        kinds = {_CLASS_KINDS.get(cls) for cls in classes}
        return next((kind for kind in _KIND_ORDER if kind in kinds), None)

    def _read_edges(self) -> None:
        for node, facts in list(self.facts.items()):
            for predicate, objects in facts.items():
                for obj in objects:
                    if isinstance(obj, (NamedNode, BlankNode)):
                        self._read_link(node, predicate, _iri(obj))
        for edge in [edge for edge in self.edges if not {edge[0], edge[2]}.isdisjoint(self.hidden)]:
            del self.edges[edge]
        for edge in [edge for edge in self.edges if self._subsumed(edge)]:
            del self.edges[edge]
        for tail, shortcut, head in self.edges:  # ends without a class get the relation's kinds
            self.kinds.setdefault(tail, _ARROWS[shortcut].tail)
            self.kinds.setdefault(head, _ARROWS[shortcut].head)

    def _read_link(self, node: str, predicate: str, obj: str) -> None:
        if predicate in _ARROWS:
            self.edges.setdefault((node, predicate, obj), set())
        elif predicate in _INVERSES:
            self.edges.setdefault((obj, _INVERSES[predicate], node), set())
        elif predicate in BY_QUALIFIER:
            relation = BY_QUALIFIER[predicate]
            for target in self.terms(obj, relation.target):
                roles = self.edges.setdefault((node, relation.shortcut, _iri(target)), set())
                roles.update(_text(role) for role in self.terms(obj, PROV + "hadRole"))

    def _subsumed(self, edge: Edge) -> bool:
        tail, shortcut, head = edge
        return any((tail, specific, head) in self.edges for specific in _SPECIFIC.get(shortcut, ()))

    def degrees(self) -> Counter[str]:
        """How many relations each node is an end of."""
        return Counter(end for tail, _, head in self.edges for end in (tail, head))

    def take_configuration(self) -> dict[tuple[str, str], list[str]]:
        """Remove the parameters and config files that only configure an activity;
        return them by (activity, relation), to be drawn as one note each."""
        notes: dict[tuple[str, str], list[str]] = defaultdict(list)
        degrees = self.degrees()
        for edge in sorted(edge for edge in self.edges if edge[1] in _CONFIGURED):
            artefact = edge[2]
            if self.classes(artefact) & _CONFIGURATION_CLASSES and degrees[artefact] == 1:
                notes[edge[:2]].append(artefact)
                del self.edges[edge]
                self.kinds.pop(artefact, None)
        return dict(notes)

    def collapse_members(self, limit: int) -> dict[str, int]:
        """Keep ``limit`` members of each collection; return how many were hidden, by collection."""
        members: dict[str, list[str]] = defaultdict(list)
        for tail, shortcut, head in self.edges:
            if shortcut == _MEMBER:
                members[tail].append(head)
        hidden: dict[str, int] = {}
        degrees = self.degrees()
        for collection, found in members.items():
            if len(found) > limit:
                hidden[collection] = len(found) - limit
                for member in sorted(found, key=lambda m: (self.name(m) or "", m))[limit:]:
                    del self.edges[(collection, _MEMBER, member)]
                    degrees[member] -= 1
                    if degrees[member] == 0:  # a member with other relations stays
                        self.kinds.pop(member, None)
        return hidden

    def name(self, node: str) -> str | None:
        return self.first(node, _NAMES)


class _Drawing:
    """Turns a :class:`_Graph` into a :class:`graphviz.Digraph`."""

    def __init__(self, graph: _Graph, base: str, rankdir: str, limit: int) -> None:
        self.graph, self.base, self.limit = graph, base, limit
        self.ids: dict[str, str] = {}
        self.counts: Counter[str] = Counter()
        self.digraph = graphviz.Digraph(
            "provenance",
            graph_attr={"rankdir": rankdir, "fontname": _FONT, "nodesep": "0.3", "ranksep": "0.45"},
            node_attr={"fontname": _FONT, "fontsize": "10"},
            edge_attr={"fontname": _FONT, "fontsize": "8", "color": "#404040", "fontcolor": "#202020"},
        )

    def build(self, notes: dict[tuple[str, str], list[str]], more: dict[str, int]) -> graphviz.Digraph:
        for node, kind in sorted(self.graph.kinds.items(), key=lambda item: (_KIND_ORDER.index(item[1]), item[0])):
            self.ids[node] = self._new_id(kind)
            self.digraph.node(self.ids[node], _label(self._lines(node, kind)), tooltip=_escape(node),
                              **STYLES[kind])
        for (tail, shortcut, head), roles in sorted(self.graph.edges.items()):
            label = [_ARROWS[shortcut].name] + ([f"(role: {', '.join(sorted(roles))})"] if roles else [])
            self.digraph.edge(self.ids[tail], self.ids[head], _label(label))
        for (activity, relation), artefacts in sorted(notes.items()):
            self._note(activity, relation, artefacts)
        for collection, count in sorted(more.items()):
            self._extra(collection, _MEMBER, "more", _label([f"… {count} more members"]))
        return self.digraph

    def _new_id(self, kind: str) -> str:
        # short ids: the graphviz package reads a colon in an edge's end as a port
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def _lines(self, node: str, kind: str) -> list[str]:
        lines = _wrap(self.graph.name(node) or self._short(node), _LABEL_WIDTH)
        start = self.graph.first(node, (PROV + "startedAtTime",)) if kind == "activity" else None
        return lines + ([start[:19].replace("T", " ")] if start else [])

    def _short(self, iri: str) -> str:
        if iri.startswith(self.base) and len(iri) > len(self.base):
            kind, _, local = iri[len(self.base):].partition("/")
            return unquote(local or kind)
        return unquote(re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri)

    def _note(self, activity: str, relation: str, artefacts: list[str]) -> None:
        """One note: the activity's config files, then its parameters, by name.

        A dotted prefix that every parameter name shares (``ProcessorTool.``)
        is said once, in the heading.
        """
        files, parameters = [], []
        for artefact in artefacts:
            name = self.graph.name(artefact) or self._short(artefact)
            if VOPROV + "ConfigFile" in self.graph.classes(artefact):
                files.append(f"config file {_cut(name, _SETTING_NAME_WIDTH)}")
            else:
                parameters.append((name, self.graph.first(artefact, (PROV + "value",)) or ""))
        prefix = _shared_prefix([name for name, _ in parameters])
        lines = sorted(files) + [f"{_tail(name[len(prefix):], _SETTING_NAME_WIDTH)} = "
                                 f"{_cut(value, _SETTING_VALUE_WIDTH)}" for name, value in sorted(parameters)]
        shown = lines[: self.limit] + ([f"… {len(lines) - self.limit} more"] if len(lines) > self.limit else [])
        heading = f"configuration ({len(lines)})" + (f" of {prefix[:-1]}" if prefix else "")
        label = graphviz.nohtml("".join(_escape(line) + r"\l" for line in [heading, *shown]))  # \l: left-aligned
        self._extra(activity, relation, "configuration", label)

    def _extra(self, owner: str, relation: str, kind: str, label: str) -> None:
        """A node that is not a PROV node (a note, a count), tied to ``owner`` by a discreet arrow."""
        ident = self._new_id(kind)
        self.digraph.node(ident, label, **STYLES[kind])
        self.digraph.edge(self.ids[owner], ident, _label([_ARROWS[relation].name]), **_DISCREET_EDGE)


def _render(digraph: graphviz.Digraph, name: str) -> bytes:
    try:
        return digraph.pipe(format=name)
    except graphviz.ExecutableNotFound:
        raise Error(
            f"drawing {name} needs Graphviz's `dot` program, which is not installed (or not on PATH). "
            "Install Graphviz (Debian/Ubuntu: `apt-get install graphviz`, conda: `conda install -c conda-forge "
            "graphviz`, macOS: `brew install graphviz`), or export the `dot` format, which needs no Graphviz."
        ) from None
    except graphviz.CalledProcessError as err:
        message = err.stderr.decode("utf-8", "replace") if isinstance(err.stderr, bytes) else err.stderr
        raise Error(f"Graphviz's `dot` could not draw {name}: {(message or '').strip()}") from None


def _iri(term: Any) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value


def _text(term: Any) -> str:
    return term.value if not isinstance(term, NamedNode) else re.split(r"[/#]", term.value.rstrip("/#"))[-1]


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of about ``width`` characters, cut after ``_ - . /`` or a space when possible."""
    lines = [""]
    for piece in re.findall(r"[^_\-./ ]*[_\-./ ]?", text):
        while len(piece) > width:  # a piece with no place to cut
            lines += [piece[:width], ""]
            piece = piece[width:]
        if lines[-1] and len(lines[-1]) + len(piece.rstrip()) > width:
            lines.append("")
        lines[-1] += piece
    return [line.strip() for line in lines if line.strip()]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _shared_prefix(names: list[str]) -> str:
    """The dotted prefix (ending in ``.``) that all of two or more ``names`` start with, else ``""``."""
    if len(names) < 2:
        return ""
    common = os.path.commonprefix(names)
    return common[: common.rfind(".") + 1]


def _tail(name: str, width: int) -> str:
    """A dotted name cut to its last parts (``…Cleaner.picture_threshold_pe``), the most telling ones."""
    parts = name.split(".")
    while len(parts) > 1 and len(".".join(parts)) > width:
        parts.pop(0)
    tail = ".".join(parts)
    return tail if tail == name else "…" + tail


def _escape(text: str) -> str:
    """Text for a DOT string: a backslash in it is a backslash, not an escape."""
    return text.replace("\\", "\\\\")


def _label(lines: list[str]) -> str:
    """Centred lines of text, never read as an HTML label."""
    return graphviz.nohtml(r"\n".join(_escape(line) for line in lines))

"""PROV-O quads → PROV-VOTable: one VOTable ``TABLE`` per ProvDM class present.

Each table has ``utype="voprov:<Class>"``; each of its ``FIELD``\\ s a
``utype="voprov:<Class>.<attribute>"``, a UCD and a VOTable datatype. A row
is one node: an activity, an entity, a qualified relation node
(``prov:Usage`` → a row of ``Used``), a description… Ids and references
are full IRIs. A PROV-O shortcut without a qualified node (``?a prov:used
?e``) is a row whose ``id`` is empty. Properties outside ProvDM (``ctao:``
facts, other vocabularies) are kept in extra columns named by their prefixed
name, with no utype. :data:`TABLES` (:mod:`provrdf.serializers.votable_layout`) is
the whole layout.

>>> from pyoxigraph import Literal, NamedNode, Quad
>>> from provrdf.rdf.terms import NAME, P
>>> a = NamedNode("https://example.org/activity/a1")
>>> quads = [Quad(a, NamedNode(RDF + "type"), P.Activity), Quad(a, NAME, Literal("calib"))]
>>> table = to_votable(quads, "https://example.org/").get_first_table()
>>> table.utype, [f.utype for f in table.fields][:2], table.array["name"][0]
('voprov:Activity', ['voprov:Activity.id', 'voprov:Activity.name'], 'calib')
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from astropy.io.votable.tree import Field, Info, Resource, VOTableFile
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from provrdf.serializers.votable_layout import TABLES, Column, TableSpec
from provrdf.formats import Format
from provrdf.rdf.namespaces import PREFIXES, PROV, RDF, VOPROV, XSD

try:
    from astropy.io.votable.tree import TableElement
except ImportError:  # astropy < 6 calls it Table
    from astropy.io.votable.tree import Table as TableElement

__all__ = ["OPTIONS", "TABLES", "Column", "TableSpec", "to_votable", "write"]

#: This writer takes no options.
OPTIONS: frozenset[str] = frozenset()

_TYPE = RDF + "type"


#: Links that a relation table or a reference column already shows, so they are no extra column.
_LINKS = frozenset(
    {prop for table in TABLES for col in table.columns if col.inverse for prop in col.props}
    | {shortcut for table in TABLES for shortcut, _, _ in table.shortcuts}
)
#: Classes the tables and their class columns already say; other ``rdf:type`` values are an extra column.
_SHOWN_CLASSES = frozenset(
    {cls for table in TABLES for cls in table.classes}
    | {cls for table in TABLES for col in table.columns for cls, _ in col.choices}
    | {PROV + "Influence"}  # the PROV-O class of every voprov:WasConfiguredBy node
)


class _Graph:
    """The triples of a list of quads, merged over graphs, indexed both ways."""

    def __init__(self, quads: Iterable[Quad]) -> None:
        self.out: dict[Any, dict[str, list[Any]]] = {}
        self.inc: dict[Any, dict[str, list[Any]]] = {}
        self.pairs: dict[str, list[tuple[Any, Any]]] = defaultdict(list)
        seen: set[tuple[Any, str, Any]] = set()
        for quad in quads:
            subject, prop, obj = quad.subject, quad.predicate.value, quad.object
            if (subject, prop, obj) in seen:  # the same fact stated in several records
                continue
            seen.add((subject, prop, obj))
            self.out.setdefault(subject, {}).setdefault(prop, []).append(obj)
            self.inc.setdefault(obj, {}).setdefault(prop, []).append(subject)
            self.pairs[prop].append((subject, obj))
        self.types = {node: {cls.value for cls in facts.get(_TYPE, ())} for node, facts in self.out.items()}

    def nodes(self, table: TableSpec) -> list[Any]:
        """The nodes that are rows of ``table``."""
        wanted, barred = set(table.classes), set(table.unless)
        found = [node for node, types in self.types.items() if types & wanted and not types & barred]
        return sorted(found, key=_text)


def _cells(graph: _Graph, node: Any, column: Column) -> list[Any]:
    """The values of ``column`` for the row of ``node``."""
    if column.kind == "id":
        return [node]
    if column.kind == "class":
        types = graph.types[node]
        found = [value for cls, value in column.choices if cls in types][:1]
        found = found or ([column.default] if column.default is not None else [])
        return [Literal(value) for value in found]
    facts = (graph.inc if column.inverse else graph.out).get(node, {})
    # a derivation's subject reaches its node twice when it is also a revision, quotation…
    return list(dict.fromkeys(term for prop in column.props for term in facts.get(prop, ())))


def _extras(graph: _Graph, node: Any, table: TableSpec) -> dict[str, list[Any]]:
    """What ``node`` says beyond the table's columns: properties outside ProvDM, other classes."""
    used = {prop for col in table.columns if not col.inverse for prop in col.props}
    facts: dict[str, list[Any]] = {}
    for prop, values in graph.out[node].items():
        if prop == _TYPE:
            values = [cls for cls in values if cls.value not in _SHOWN_CLASSES]
        elif prop in used or prop in _LINKS:
            continue
        if values:
            facts[prop] = values
    return facts


def _rows(graph: _Graph, table: TableSpec) -> list[dict[str, list[Any]]]:
    """One dict per row (column name or extra property → its values)."""
    rows = []
    for node in graph.nodes(table):
        row = {col.name: _cells(graph, node, col) for col in table.columns}
        rows.append({**row, **_extras(graph, node, table)})
    rows.extend(_shortcut_rows(graph, table, rows))
    return rows


def _shortcut_rows(graph: _Graph, table: TableSpec, rows: list[dict[str, list[Any]]]) -> list[dict[str, list[Any]]]:
    """Rows for the shortcut triples that no qualified node of ``table`` stands for."""
    if not table.shortcuts:
        return []
    _, first, second = table.shortcuts[0]
    covered = {(a, b) for row in rows for a in row[first] for b in row[second]}
    found = []
    for prop, s_col, t_col in table.shortcuts:
        for subject, target in graph.pairs.get(prop, ()):
            ends = {s_col: subject, t_col: target}
            if (ends[first], ends[second]) not in covered:
                covered.add((ends[first], ends[second]))
                found.append({first: [ends[first]], second: [ends[second]]})
    return sorted(found, key=lambda row: (_text(row[first][0]), _text(row[second][0])))


# -- writing -----------------------------------------------------------------

#: VOTable datatype of an extra column, by the XSD datatype of all its values.
_XSD_KINDS = {
    **dict.fromkeys(("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                     "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedShort", "unsignedByte"), "long"),
    **dict.fromkeys(("double", "float", "decimal"), "double"),
    "boolean": "boolean",
    "dateTime": "time",
}  # fmt: skip
_INT64 = 2**63
#: Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(term: Any) -> str:
    return f"_:{term.value}" if isinstance(term, BlankNode) else term.value


def _extra_kind(cells: list[list[Any]]) -> str:
    """``"ref"``, ``"long"``, ``"double"``, ``"boolean"``, ``"time"`` or ``"text"``, from the values."""
    if any(len(cell) > 1 for cell in cells):
        return "text"
    terms = [cell[0] for cell in cells if cell]
    if all(isinstance(term, (NamedNode, BlankNode)) for term in terms):
        return "ref"
    if not all(isinstance(term, Literal) and term.datatype.value.startswith(XSD) for term in terms):
        return "text"
    kinds = {_XSD_KINDS.get(term.datatype.value[len(XSD):], "text") for term in terms}
    kind = kinds.pop() if len(kinds) == 1 else "text"
    if kind == "long" and any(abs(int(term.value)) >= _INT64 for term in terms):
        return "text"
    return kind


def _value(cell: list[Any], kind: str) -> Any:
    """The cell's Python value; ``None`` when it has none."""
    if not cell:
        return None
    if kind == "long":
        return int(cell[0].value)
    if kind == "double":
        return float(cell[0].value)
    if kind == "boolean":
        return cell[0].value in ("true", "1")
    # ProvDM's own habit for a list (ParameterDescription.options): comma-separated
    return _NOT_XML.sub("\ufffd", ",".join(sorted(_text(term) for term in cell)))


def _field(votable: VOTableFile, table: str, name: str, kind: str, values: list[Any], *, ucd: str | None,
           utype: str | None = None, description: str | None = None) -> Field:
    """The FIELD of one column; a text column is ``unicodeChar`` only when it must be."""
    if kind in ("long", "double", "boolean"):
        types: dict[str, Any] = {"datatype": kind}
    else:
        wide = any(isinstance(v, str) and not v.isascii() for v in values)
        types = {"datatype": "unicodeChar" if wide else "char", "arraysize": "*"}
        if kind == "time":
            types["xtype"] = "timestamp"
    ident = table + "." + re.sub(r"[^A-Za-z0-9_.-]", "_", name)
    field = Field(votable, ID=ident, name=name, ucd=ucd, utype=utype, **types)
    if description:
        field.description = description
    return field


def _curie(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _columns(votable: VOTableFile, spec: TableSpec, rows: list[dict[str, list[Any]]]) -> list[tuple[Field, list]]:
    """The FIELD and the cell values of every column: the spec's, then the extras by name."""
    out = []
    for col in spec.columns:
        kind = "time" if col.kind == "time" else "text"
        values = [_value(row.get(col.name, []), kind) for row in rows]
        utype = f"voprov:{col.owner or spec.name}.{col.name}" if col.modelled else None
        description = None
        if col.kind == "ref":
            description = f"IRI of a row of {col.target}" if col.target else "IRI of a node of any table"
        field = _field(votable, spec.name, col.name, kind, values, ucd=col.ucd, utype=utype, description=description)
        out.append((field, values))
    extras = sorted({key for row in rows for key in row} - {col.name for col in spec.columns}, key=_curie)
    for prop in extras:
        kind = _extra_kind([row.get(prop, []) for row in rows])
        values = [_value(row.get(prop, []), kind) for row in rows]
        field = _field(votable, spec.name, _curie(prop), kind, values, ucd="meta.id.cross" if kind == "ref" else None,
                       description=f"Not in ProvDM: the values of <{prop}>")
        out.append((field, values))
    return out


def _table(votable: VOTableFile, spec: TableSpec, rows: list[dict[str, list[Any]]]) -> TableElement:
    table = TableElement(votable, ID=spec.name, name=spec.name, utype=f"voprov:{spec.name}")
    columns = _columns(votable, spec, rows)
    seen: set[str] = set()
    for field, _ in columns:
        while field.ID in seen:  # two property IRIs may spell the same XML ID (a#b, a/b)
            field.ID += "_"
        seen.add(field.ID)
    table.fields.extend(field for field, _ in columns)
    table.create_arrays(len(rows))
    blanks = {"long": 0, "double": 0.0, "boolean": False}
    fillers = [blanks.get(field.datatype, "") for field, _ in columns]
    for i in range(len(rows)):
        cells = [values[i] for _, values in columns]
        table.array[i] = tuple(filler if v is None else v for v, filler in zip(cells, fillers))
        table.array.mask[i] = tuple(v is None for v in cells)
    return table


def to_votable(quads: Iterable[Quad], base: str) -> VOTableFile:
    """A VOTable 1.4 holding ``quads`` as one table per ProvDM class present (see :data:`TABLES`)."""
    graph = _Graph(quads)
    votable = VOTableFile(version="1.4")
    votable.description = "IVOA Provenance (ProvDM) as PROV-VOTable: one TABLE per ProvDM class"
    resource = Resource(type="results", utype="voprov:ProvenanceDocument")
    resource.infos.append(Info(name="QUERY_STATUS", value="OK"))
    resource.infos.append(Info(name="base", value=base))
    resource.infos.append(Info(name="voprov", value=VOPROV))
    votable.resources.append(resource)
    for spec in TABLES:
        rows = _rows(graph, spec)
        if rows:
            resource.tables.append(_table(votable, spec, rows))
    return votable


def write(quads: list[Quad], fmt: Format, *, base: str) -> bytes:
    """``quads`` as a PROV-VOTable document (VOTable 1.4, TABLEDATA), written by astropy."""
    buffer = io.BytesIO()
    # astropy's C TABLEDATA writer overruns its buffer and corrupts the heap
    # (astropy#20419, open in astropy 8.0): its pure-Python writer gives the same XML.
    to_votable(quads, base).to_xml(buffer, _debug_python_based_parser=True)
    return buffer.getvalue()

"""PROV-O quads → PROV-VOTable: one VOTable ``TABLE`` per ProvDM class present.

Each table has ``utype="voprov:<Class>"``; each of its ``FIELD``\\ s a
``utype="voprov:<Class>.<attribute>"``, a UCD and a VOTable datatype. A row
is one node: an activity, an entity, a qualified relation node
(``prov:Usage`` → a row of ``Used``), a description… Ids and references
are full IRIs. A PROV-O shortcut without a qualified node (``?a prov:used
?e``) is a row whose ``id`` is empty. Properties outside ProvDM (``ctao:``
facts, other vocabularies) are kept in extra columns named by their prefixed
name, with no utype. :data:`TABLES` is the whole layout.

>>> from pyoxigraph import Literal, NamedNode, Quad
>>> a = NamedNode("https://example.org/activity/a1")
>>> quads = [Quad(a, NamedNode(RDF + "type"), P.Activity), Quad(a, LABEL, Literal("calib"))]
>>> table = to_votable(quads, "https://example.org/").get_first_table()
>>> table.utype, [f.utype for f in table.fields][:2], table.array["name"][0]
('voprov:Activity', ['voprov:Activity.id', 'voprov:Activity.name'], 'calib')
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from astropy.io.votable.tree import Field, Info, Resource, VOTableFile
from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from provrdf.formats import Format
from provrdf.rdf.namespaces import PREFIXES, PROV, RDF, VOPROV, XSD
from provrdf.rdf.terms import COMMENT, LABEL, P, V

try:
    from astropy.io.votable.tree import TableElement
except ImportError:  # astropy < 6 calls it Table
    from astropy.io.votable.tree import Table as TableElement

__all__ = ["OPTIONS", "TABLES", "Column", "TableSpec", "to_votable", "write"]

#: This writer takes no options.
OPTIONS: frozenset[str] = frozenset()

_TYPE = RDF + "type"


@dataclass(frozen=True)
class Column:
    """One ``FIELD`` of a table: where its cells come from and how it is described."""

    name: str
    ucd: str
    #: the cells are the objects of these properties (or their subjects, if ``inverse``)
    props: tuple[str, ...] = ()
    inverse: bool = False
    #: ``"id"`` (the node itself), ``"text"``, ``"time"``, ``"ref"`` (an IRI) or ``"class"``
    kind: str = "text"
    #: for ``"class"``: (class IRI, value) in order of preference; ``default`` when none is found
    choices: tuple[tuple[str, str], ...] = ()
    default: str | None = None
    #: for ``"ref"``: the table whose rows it references
    target: str | None = None
    #: the ProvDM class that has this attribute, when it is a subclass of the table's class
    owner: str | None = None
    #: False for a column that is no ProvDM attribute (it then has no utype)
    modelled: bool = True


@dataclass(frozen=True)
class TableSpec:
    """One ProvDM class as a table: which nodes are its rows, and its columns."""

    name: str
    classes: tuple[str, ...]
    columns: tuple[Column, ...]
    #: nodes with one of these classes belong to another table
    unless: tuple[str, ...] = ()
    #: (shortcut property, subject column, object column): a row for each
    #: shortcut triple that no qualified node of this table stands for
    shortcuts: tuple[tuple[str, str, str], ...] = ()


def _id() -> Column:
    return Column("id", "meta.id;meta.main", kind="id")


def _attr(name: str, prop: NamedNode, ucd: str, owner: str | None = None) -> Column:
    return Column(name, ucd, (prop.value,), owner=owner)


def _time(name: str, prop: NamedNode, ucd: str = "time.epoch") -> Column:
    return Column(name, ucd, (prop.value,), kind="time")


def _ref(name: str, target: str | None, *props: NamedNode, inverse: bool = False) -> Column:
    return Column(name, "meta.id.cross", tuple(p.value for p in props), inverse, "ref", target=target)


def _classes(name: str, choices: dict[NamedNode, str], default: str | None, modelled: bool) -> Column:
    pairs = tuple((cls.value, value) for cls, value in choices.items())
    return Column(name, "meta.code.class", kind="class", choices=pairs, default=default, modelled=modelled)


_NAME = _attr("name", LABEL, "meta.title")
_ROLE = _attr("role", P.hadRole, "meta.code")
_COMMENT = _attr("comment", COMMENT, "meta.note")
_DESCRIPTION_TEXT = _attr("description", V.description, "meta.note")
_DESCRIPTION_CLASSES = tuple(V[c].value for c in (
    "ActivityDescription", "EntityDescription", "DatasetDescription", "ValueDescription", "UsageDescription",
    "GenerationDescription", "ParameterDescription", "ConfigFileDescription"))  # fmt: skip
_ENTITY_CLASSES = {V.Collection: "Collection", P.Collection: "Collection", V.ValueEntity: "ValueEntity",
                   V.DatasetEntity: "DatasetEntity"}  # fmt: skip
_AGENT_TYPES = {P.Person: "Person", P.Organization: "Organization", P.SoftwareAgent: "SoftwareAgent"}
_DESCRIPTION_KINDS = {V.DatasetDescription: "DatasetDescription", V.ValueDescription: "ValueDescription"}


def _template(name: str, link: NamedNode) -> TableSpec:
    """A Usage- or GenerationDescription: the two have the same attributes."""
    return TableSpec(name, (V[name].value,), (
        _id(), _ref("activityDescription", "ActivityDescription", link, inverse=True),
        _attr("role", V.role, "meta.code"), _DESCRIPTION_TEXT, _attr("type", V.type, "meta.code.class"),
        _attr("multiplicity", V.multiplicity, "meta.code.multip"),
        _ref("entityDescription", "EntityDescription", V.entityDescription)))  # fmt: skip


def _classes_of(*terms: NamedNode) -> tuple[str, ...]:
    return tuple(term.value for term in terms)


#: The layout: every table the writer can make, in the order they are written.
TABLES: tuple[TableSpec, ...] = (
    TableSpec("Activity", _classes_of(P.Activity, V.Activity), (
        _id(), _NAME, _time("startTime", P.startedAtTime, "time.start"),
        _time("endTime", P.endedAtTime, "time.end"), _COMMENT,
        _ref("activityDescription", "ActivityDescription", V.isDescribedBy))),
    TableSpec("Entity", _classes_of(P.Entity, V.Entity), (
        _id(), _classes("classType", _ENTITY_CLASSES, "Entity", modelled=False), _NAME,
        _attr("location", P.atLocation, "meta.ref.url"), _time("generatedAtTime", P.generatedAtTime, "time.creation"),
        _time("invalidatedAtTime", P.invalidatedAtTime, "time.end"), _COMMENT,
        _attr("value", P.value, "stat.value", owner="ValueEntity"),
        _ref("entityDescription", "EntityDescription", V.isDescribedBy)),
        unless=_classes_of(V.Parameter, V.ConfigFile) + _DESCRIPTION_CLASSES),
    TableSpec("Agent", _classes_of(P.Agent, V.Agent, *_AGENT_TYPES), (
        _id(), _NAME, _classes("type", _AGENT_TYPES, None, modelled=True), _COMMENT,
        _attr("email", V.email, "meta.email"), _attr("affiliation", V.affiliation, "meta.note"),
        _attr("phone", V.phone, "meta.note"), _attr("address", V.address, "meta.note"),
        _attr("url", V.url, "meta.ref.url"))),
    TableSpec("Used", _classes_of(P.Usage, V.Used), (
        _id(), _ref("activity", "Activity", P.qualifiedUsage, inverse=True), _ref("entity", "Entity", P.entity),
        _ROLE, _time("time", P.atTime), _ref("usageDescription", "UsageDescription", V.isDescribedBy)),
        shortcuts=((P.used.value, "activity", "entity"),)),
    TableSpec("WasGeneratedBy", _classes_of(P.Generation, V.WasGeneratedBy), (
        _id(), _ref("entity", "Entity", P.qualifiedGeneration, inverse=True), _ref("activity", "Activity", P.activity),
        _ROLE, _ref("generationDescription", "GenerationDescription", V.isDescribedBy)),
        shortcuts=((P.wasGeneratedBy.value, "entity", "activity"), (P.generated.value, "activity", "entity"))),
    TableSpec("WasInvalidatedBy", _classes_of(P.Invalidation), (
        _id(), _ref("entity", "Entity", P.qualifiedInvalidation, inverse=True),
        _ref("activity", "Activity", P.activity), _ROLE, _time("time", P.atTime)),
        shortcuts=((P.wasInvalidatedBy.value, "entity", "activity"), (P.invalidated.value, "activity", "entity"))),
    TableSpec("WasStartedBy", _classes_of(P.Start), (
        _id(), _ref("activity", "Activity", P.qualifiedStart, inverse=True), _ref("trigger", "Entity", P.entity),
        _ref("starter", "Activity", P.hadActivity), _ROLE, _time("time", P.atTime)),
        shortcuts=((P.wasStartedBy.value, "activity", "trigger"),)),
    TableSpec("WasEndedBy", _classes_of(P.End), (
        _id(), _ref("activity", "Activity", P.qualifiedEnd, inverse=True), _ref("trigger", "Entity", P.entity),
        _ref("ender", "Activity", P.hadActivity), _ROLE, _time("time", P.atTime)),
        shortcuts=((P.wasEndedBy.value, "activity", "trigger"),)),
    TableSpec("WasAssociatedWith", _classes_of(P.Association, V.WasAssociatedWith), (
        _id(), _ref("activity", "Activity", P.qualifiedAssociation, inverse=True), _ref("agent", "Agent", P.agent),
        _ROLE), shortcuts=((P.wasAssociatedWith.value, "activity", "agent"),)),
    TableSpec("WasAttributedTo", _classes_of(P.Attribution, V.WasAttributedTo), (
        _id(), _ref("entity", "Entity", P.qualifiedAttribution, inverse=True), _ref("agent", "Agent", P.agent),
        _ROLE), shortcuts=((P.wasAttributedTo.value, "entity", "agent"),)),
    TableSpec("ActedOnBehalfOf", _classes_of(P.Delegation), (
        _id(), _ref("delegate", "Agent", P.qualifiedDelegation, inverse=True), _ref("responsible", "Agent", P.agent),
        _ref("activity", "Activity", P.hadActivity), _ROLE),
        shortcuts=((P.actedOnBehalfOf.value, "delegate", "responsible"),)),
    TableSpec("WasDerivedFrom", _classes_of(P.Derivation, V.WasDerivedFrom), (
        _id(), _ref("generatedEntity", "Entity", P.qualifiedDerivation, P.qualifiedRevision, P.qualifiedQuotation,
                    P.qualifiedPrimarySource, inverse=True),
        _ref("usedEntity", "Entity", P.entity)),
        shortcuts=tuple((p.value, "generatedEntity", "usedEntity") for p in (
            P.wasDerivedFrom, P.wasRevisionOf, P.wasQuotedFrom, P.hadPrimarySource))),
    TableSpec("WasInformedBy", _classes_of(P.Communication, V.WasInformedBy), (
        _id(), _ref("informed", "Activity", P.qualifiedCommunication, inverse=True),
        _ref("informant", "Activity", P.activity)),
        shortcuts=((P.wasInformedBy.value, "informed", "informant"),)),
    TableSpec("HadMember", (), (
        _ref("collection", "Entity"), _ref("entity", "Entity")),
        shortcuts=((P.hadMember.value, "collection", "entity"),)),
    TableSpec("WasConfiguredBy", _classes_of(V.WasConfiguredBy), (
        _id(), _ref("activity", "Activity", V.qualifiedConfiguration, inverse=True),
        _ref("artefact", "Parameter or ConfigFile", V.artefact), _attr("artefactType", V.artefactType, "meta.code.class")),
        shortcuts=((V.wasConfiguredBy.value, "activity", "artefact"),)),
    TableSpec("WasInfluencedBy", _classes_of(P.Influence), (
        _id(), _ref("influencee", None, P.qualifiedInfluence, inverse=True), _ref("influencer", None, P.influencer),
        _ROLE), shortcuts=((P.wasInfluencedBy.value, "influencee", "influencer"),),
        unless=_classes_of(V.WasConfiguredBy, P.Usage, P.Generation, P.Invalidation, P.Start, P.End, P.Association,
                           P.Attribution, P.Delegation, P.Derivation, P.Communication)),
    TableSpec("Parameter", _classes_of(V.Parameter), (
        _id(), _NAME, _attr("value", P.value, "stat.value"),
        _ref("parameterDescription", "ParameterDescription", V.isDescribedBy),
        _ref("valueEntity", "Entity", V.hadReference))),
    TableSpec("ConfigFile", _classes_of(V.ConfigFile), (
        _id(), _NAME, _attr("location", P.atLocation, "meta.ref.url"), _COMMENT,
        _ref("configFileDescription", "ConfigFileDescription", V.isDescribedBy))),
    TableSpec("ActivityDescription", _classes_of(V.ActivityDescription), (
        _id(), _NAME, _attr("version", V.version, "meta.version"), _DESCRIPTION_TEXT,
        _attr("docurl", V.docurl, "meta.ref.url"), _attr("type", V.type, "meta.code.class"),
        _attr("subtype", V.subtype, "meta.code.class"))),
    _template("UsageDescription", V.hasUsageDescription),
    _template("GenerationDescription", V.hasGenerationDescription),
    TableSpec("EntityDescription", _classes_of(V.EntityDescription, *_DESCRIPTION_KINDS), (
        _id(), _classes("classType", _DESCRIPTION_KINDS, "EntityDescription", modelled=False), _NAME,
        _DESCRIPTION_TEXT, _attr("docurl", V.docurl, "meta.ref.url"), _attr("type", V.type, "meta.code.class"),
        _attr("contentType", V.contentType, "meta.code.mime", owner="DatasetDescription"),
        _attr("valueType", V.valueType, "meta.code", owner="ValueDescription"),
        _attr("unit", V.unit, "meta.unit", owner="ValueDescription"),
        _attr("ucd", V.ucd, "meta.ucd", owner="ValueDescription"),
        _attr("utype", V.utype, "meta.ref", owner="ValueDescription"))),
    TableSpec("ParameterDescription", _classes_of(V.ParameterDescription), (
        _id(), _ref("activityDescription", "ActivityDescription", V.hasParameterDescription, inverse=True), _NAME,
        _attr("valueType", V.valueType, "meta.code"), _DESCRIPTION_TEXT, _attr("unit", V.unit, "meta.unit"),
        _attr("ucd", V.ucd, "meta.ucd"), _attr("utype", V.utype, "meta.ref"),
        _attr("min", V.min, "stat.value;stat.min"), _attr("max", V.max, "stat.value;stat.max"),
        _attr("options", V.options, "stat.value"), _attr("default", V.default, "stat.value"))),
    TableSpec("ConfigFileDescription", _classes_of(V.ConfigFileDescription), (
        _id(), _ref("activityDescription", "ActivityDescription", V.hasConfigFileDescription, inverse=True), _NAME,
        _attr("contentType", V.contentType, "meta.code.mime"), _DESCRIPTION_TEXT)),
)  # fmt: skip

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
        found = [value for cls, value in column.choices if cls in types][:1] or [column.default]
        return [Literal(value) for value in found if value is not None]
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

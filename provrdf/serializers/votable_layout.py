"""The layout of PROV-VOTable: :data:`TABLES`, one :class:`TableSpec` per ProvDM class.

A table says which nodes are its rows (by their classes) and, for each of
its columns, which property gives the cells and how the ``FIELD`` is
described. :mod:`provrdf.serializers.votable` writes the tables.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import NamedNode

from provrdf.rdf.relations import BY_NAME, RELATIONS, Relation
from provrdf.rdf.terms import COMMENT, NAME, P, V

__all__ = ["TABLES", "Column", "TableSpec"]


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


_NAME = _attr("name", NAME, "meta.title")
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


def _relation(name: str, subject: tuple[str, str | None], obj: tuple[str, str | None], *columns: Column,
              inverse: bool = True) -> TableSpec:
    """A relation's table: its qualified nodes, and its shortcuts that no node stands for, are rows.

    ``subject`` and ``obj`` are the column and the table of each end;
    ``inverse`` reads PROV-O's inverse shortcut too. An influence is a row
    only when it is not one of another table.
    """
    relation = BY_NAME[name]
    family = [relation, *(r for r in RELATIONS if r.general == name and not _has_table(r))]
    (first, first_table), (second, second_table) = subject, obj
    shortcuts = [(r.shortcut, first, second) for r in family]
    shortcuts += [(r.inverse, second, first) for r in family if r.inverse and inverse]
    ends = (_ref(first, first_table, *(NamedNode(r.qualifier) for r in family), inverse=True),
            _ref(second, second_table, NamedNode(relation.target)))
    classes = tuple(cls for cls in (relation.node_class, relation.provdm_class) if cls)
    unless = [r.node_class for r in RELATIONS if _has_table(r) and r is not relation] if name == "wasInfluencedBy" else []
    return TableSpec(name[0].upper() + name[1:], tuple(dict.fromkeys(classes)), (_id(), *ends, *columns),
                     tuple(unless), tuple(shortcuts))


def _has_table(relation: Relation) -> bool:
    """Whether ``relation`` has a table: not a kind of another that ProvDM has no class for (a revision)."""
    return relation.general is None or relation.provdm_class is not None


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
    _relation("used", ("activity", "Activity"), ("entity", "Entity"), _ROLE, _time("time", P.atTime),
              _ref("usageDescription", "UsageDescription", V.isDescribedBy)),
    _relation("wasGeneratedBy", ("entity", "Entity"), ("activity", "Activity"), _ROLE,
              _ref("generationDescription", "GenerationDescription", V.isDescribedBy)),
    _relation("wasInvalidatedBy", ("entity", "Entity"), ("activity", "Activity"), _ROLE, _time("time", P.atTime)),
    _relation("wasStartedBy", ("activity", "Activity"), ("trigger", "Entity"),
              _ref("starter", "Activity", P.hadActivity), _ROLE, _time("time", P.atTime)),
    _relation("wasEndedBy", ("activity", "Activity"), ("trigger", "Entity"),
              _ref("ender", "Activity", P.hadActivity), _ROLE, _time("time", P.atTime)),
    _relation("wasAssociatedWith", ("activity", "Activity"), ("agent", "Agent"), _ROLE),
    _relation("wasAttributedTo", ("entity", "Entity"), ("agent", "Agent"), _ROLE),
    _relation("actedOnBehalfOf", ("delegate", "Agent"), ("responsible", "Agent"),
              _ref("activity", "Activity", P.hadActivity), _ROLE),
    _relation("wasDerivedFrom", ("generatedEntity", "Entity"), ("usedEntity", "Entity")),
    _relation("wasInformedBy", ("informed", "Activity"), ("informant", "Activity")),
    TableSpec("HadMember", (), (
        _ref("collection", "Entity"), _ref("entity", "Entity")),
        shortcuts=((P.hadMember.value, "collection", "entity"),)),
    _relation("wasConfiguredBy", ("activity", "Activity"), ("artefact", "Parameter or ConfigFile"),
              _attr("artefactType", V.artefactType, "meta.code.class")),
    _relation("wasInfluencedBy", ("influencee", None), ("influencer", None), _ROLE, inverse=False),
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

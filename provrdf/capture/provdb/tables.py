"""The tables of a CTADIRAC ProvenanceDB: their layout, found by reflection, and their rows.

:func:`load` reflects the tables :data:`TABLES` names (names compared
without regard to case) and reads every row with a Core ``SELECT``. Nothing
is assumed about the names of keys:

* the **key** of a table is its declared primary key; a table that declares
  none is keyed by the first column named ``internal_key``,
  ``<table>_Id`` or ``id`` whose values are all set and distinct, and a
  table without any (the July-2019 ``wasDerivedFrom``) has its rows
  numbered 1, 2, … in the order of all their columns;
* a **link** (``activity``, ``entityDescription`` …) is the column with a
  declared foreign key to the table it points to, when exactly one column
  does; otherwise (no foreign key declared, or two links to the same table,
  as ``generatedEntity``/``usedEntity``) the column named ``<link>_key``,
  ``<link>_id`` or ``<link>``;
* a table whose key is a foreign key to another table **extends** it row
  for row (``valueEntities`` extends ``entities``). A parameter, config
  file, parameter description or config file description that extends
  another table (the July-2019 prototype made them value entities and value
  descriptions) is read together with the rows it extends: their columns
  fill in those it leaves NULL or lacks (the shared key and ``classType``
  excepted).

Rows are put in the order of their keys compared as Python values, so that
SQLite and PostgreSQL give the same order. Each :class:`Row` holds the
columns the mapping reads under their canonical names and, apart, every
other column that is not NULL under its stored name (:attr:`Row.extra`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.engine import Connection, Engine

__all__ = [
    "ALIASES", "REQUIRED_TABLES", "TABLES", "Data", "Key", "Row", "SchemaError", "Spec", "TableRows", "link_names", "load",
]  # fmt: skip

Key = Any  #: the key of a row: its primary key value(s), or its number in a table without a key


@dataclass(frozen=True)
class Spec:
    """What the mapping reads from one table."""

    values: tuple[str, ...] = ()  #: value columns, by canonical name
    links: Mapping[str, str] = field(default_factory=dict)  #: link name -> the table it points to
    required: tuple[str, ...] = ()  #: values or links the table must have a column for


def _links(*names: str) -> dict[str, str]:
    return {name: _TARGETS[name] for name in names}


_TARGETS = {
    "activity": "activities", "entity": "entities", "agent": "agents", "configFile": "configFiles",
    "parameter": "parameters", "activityDescription": "activityDescriptions",
    "entityDescription": "entityDescriptions", "usageDescription": "usageDescriptions",
    "generationDescription": "generationDescriptions", "parameterDescription": "parameterDescriptions",
    "configFileDescription": "configFileDescriptions", "generatedEntity": "entities",
    "usedEntity": "entities", "informant": "activities", "informed": "activities",
}  # fmt: skip
_ROLE_DESCRIPTION = Spec(
    ("role", "description", "type", "multiplicity"), _links("activityDescription", "entityDescription")
)
#: Table -> what the mapping reads from it, by canonical name.
TABLES: dict[str, Spec] = {
    "activities": Spec(("id", "name", "startTime", "endTime", "comment"), _links("activityDescription"), ("id",)),
    "entities": Spec(
        ("id", "name", "location", "generatedAtTime", "invalidatedAtTime", "comment", "classType"),
        _links("entityDescription"), ("id",),
    ),
    "valueEntities": Spec(("value",)),
    "datasetEntities": Spec(("ctadirac_guid",)),
    "agents": Spec(("id", "name", "type", "comment", "email", "affiliation", "phone", "address", "url"), {}, ("id",)),
    "used": Spec(("role", "time"), _links("activity", "entity", "usageDescription"), ("activity", "entity")),
    "wasGeneratedBy": Spec(("role",), _links("activity", "entity", "generationDescription"), ("activity", "entity")),
    "wasAssociatedWith": Spec(("role",), _links("activity", "agent"), ("activity", "agent")),
    "wasAttributedTo": Spec(("role",), _links("entity", "agent"), ("entity", "agent")),
    "wasDerivedFrom": Spec((), _links("generatedEntity", "usedEntity"), ("generatedEntity", "usedEntity")),
    "wasInformedBy": Spec((), _links("informant", "informed"), ("informant", "informed")),
    "activityDescriptions": Spec(("name", "version", "description", "type", "subtype", "doculink")),
    "entityDescriptions": Spec(("name", "type", "description", "doculink", "classType")),
    "valueDescriptions": Spec(("valueType", "unit", "ucd", "utype")),
    "datasetDescriptions": Spec(("contentType",)),
    "usageDescriptions": _ROLE_DESCRIPTION,
    "generationDescriptions": _ROLE_DESCRIPTION,
    "parameters": Spec(("name", "value"), _links("parameterDescription")),
    "parameterDescriptions": Spec(
        ("name", "valueType", "description", "unit", "ucd", "utype", "min", "max", "default", "options"),
        _links("activityDescription"),
    ),
    "configFiles": Spec(("name", "location", "comment"), _links("configFileDescription")),
    "configFileDescriptions": Spec(("name", "contentType", "description"), _links("activityDescription")),
    "wasConfiguredBy": Spec(("artefactType",), _links("activity", "configFile", "parameter"), ("activity",)),
}
#: Other stored names of a value column: (table, canonical name) -> names tried after the canonical one.
ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("configFileDescriptions", "contentType"): ("contextType",),  # the July-2019 prototype's spelling
}
#: The tables a database must have to be read as a ProvenanceDB.
REQUIRED_TABLES = (
    "activities", "entities", "agents", "used", "wasGeneratedBy", "wasAssociatedWith", "wasAttributedTo",
)  # fmt: skip
#: Tables read together with the rows they extend (the prototype's parameters are value entities…).
_ABSORBING = ("parameters", "configFiles", "parameterDescriptions", "configFileDescriptions")
#: Columns of an extended row that are not taken over by the row extending it, besides its key.
_STRUCTURAL = frozenset({"classtype"})


class SchemaError(Exception):
    """The database is not a ProvenanceDB this reader knows."""


@dataclass
class Row:
    """One row: what the mapping reads under canonical names, the other columns under their stored names."""

    key: Key
    values: dict[str, Any]  #: canonical name -> stored value (None when NULL or when the table has no column)
    extra: dict[str, Any] = field(default_factory=dict)  #: stored name -> value of the unread, non-NULL columns

    def get(self, name: str) -> Any:
        """The value of a canonical column (a link: the key of the row it points to)."""
        return self.values.get(name)


@dataclass
class TableRows:
    """The rows of one table, in key order, and how its key and columns are named."""

    name: str  #: canonical name
    key: tuple[str, ...] = ()  #: stored names of its key columns; () when its rows are numbered
    parent: str | None = None  #: the table it extends row for row
    columns: dict[str, str] = field(default_factory=dict)  #: canonical name -> stored name, for those it has
    rows: dict[Key, Row] = field(default_factory=dict)
    #: the tables whose rows its rows take over (a prototype parameter: valueEntities, entities)
    absorbs: tuple[str, ...] = ()

    def where(self, key: Key) -> str:
        """How a row is named in messages: ``entities internal_key=7``, ``wasDerivedFrom row 2``."""
        if not self.key:
            return f"{self.name} row {key}"
        if len(self.key) == 1:
            return f"{self.name} {self.key[0]}={key!r}"
        return f"{self.name} ({', '.join(self.key)})={key!r}"

    def column(self, name: str) -> str:
        """The stored name of a canonical column (the canonical name when the table has none)."""
        return self.columns.get(name, name)


class Data:
    """Every row of the database, table by table (every table of :data:`TABLES`, empty when absent)."""

    def __init__(self, tables: dict[str, TableRows]) -> None:
        self.tables = tables
        self._indexes: dict[tuple[str, str], dict[Any, list[Row]]] = {}

    def rows(self, table: str) -> dict[Key, Row]:
        """The rows of ``table`` by key, in key order."""
        return self.tables[table].rows

    def has(self, table: str, name: str) -> bool:
        """Whether ``table`` has a column for the canonical column or link ``name``."""
        return name in self.tables[table].columns

    def by(self, table: str, name: str) -> dict[Any, list[Row]]:
        """The rows of ``table`` grouped by the value of ``name``, in key order."""
        index = self._indexes.get((table, name))
        if index is None:
            index = self._indexes[(table, name)] = defaultdict(list)
            for row in self.rows(table).values():
                index[row.get(name)].append(row)
        return index


# -- loading -------------------------------------------------------------------


@dataclass
class _Layout:
    """Where the mapping finds what it reads in one reflected table."""

    table: Table
    key: tuple[str, ...]
    parent: str | None
    columns: dict[str, str]  # canonical name -> stored name
    lineage: list[str]  # the tables whose rows a row of this one takes over, nearest first


def load(engine: Engine, not_provdb: str) -> Data:
    """Every row of the database behind ``engine``.

    Raises
    ------
    SchemaError
        When a table of :data:`REQUIRED_TABLES` is missing, or a table lacks a
        column the mapping cannot do without (every problem is named).
    """
    with engine.connect() as connection:
        reflected = _reflect(connection, not_provdb)
        layouts = _layouts(reflected)
        _check(layouts, not_provdb)
        stored = {name: _select(connection, layout.table) for name, layout in layouts.items()}
    keyed = {name: _keyed(stored[name], layout.key) for name, layout in layouts.items()}
    tables = {name: TableRows(name) for name in TABLES}
    for name, layout in layouts.items():
        rows, keyed_by_key = keyed[name]
        taken = [(layouts[other], keyed[other]) for other in layout.lineage]
        tables[name] = TableRows(
            name, layout.key if keyed_by_key else (), layout.parent, layout.columns,
            {key: _row(key, raw, layout, _ancestors(key, taken)) for key, raw in rows.items()}, tuple(layout.lineage),
        )  # fmt: skip
    return Data(tables)


def _reflect(connection: Connection, not_provdb: str) -> dict[str, Table]:
    """The reflected tables of :data:`TABLES` the database has, by canonical name."""
    present = {name.lower(): name for name in inspect(connection).get_table_names()}
    missing = [name for name in REQUIRED_TABLES if name.lower() not in present]
    if missing:
        raise SchemaError(f"{not_provdb}: it lacks the table(s) {', '.join(missing)}")
    wanted = {name: present[name.lower()] for name in TABLES if name.lower() in present}
    metadata = MetaData()
    metadata.reflect(bind=connection, only=list(wanted.values()))
    return {name: metadata.tables[stored] for name, stored in wanted.items()}


def _layouts(reflected: dict[str, Table]) -> dict[str, _Layout]:
    names = {table.name.lower(): name for name, table in reflected.items()}
    keys = {name: _key(table) for name, table in reflected.items()}
    parents = {name: _parent(table, keys[name], names) for name, table in reflected.items()}
    layouts = {}
    for name, table in reflected.items():
        lineage = _lineage(name, parents) if name in _ABSORBING else []
        inherited = [(reflected[other], keys[other]) for other in lineage]
        available = _column_names(table, inherited)
        spec = TABLES[name]
        columns = {value: found for value in spec.values if (found := _value_column(name, value, available))}
        for link, target in spec.links.items():
            if (found := _link_column(table, keys[name], link, target, spec, names)) is not None:
                columns[link] = found
        layouts[name] = _Layout(table, keys[name], parents[name], columns, lineage)
    return layouts


def _key(table: Table) -> tuple[str, ...]:
    """The declared primary key, else a column named like one (checked against the rows later)."""
    declared = tuple(column.name for column in table.primary_key.columns)
    if declared:
        return declared
    by_name = {column.name.lower(): column.name for column in table.columns}
    for candidate in ("internal_key", f"{table.name.lower()}_id", "id"):
        if candidate in by_name:
            return (by_name[candidate],)
    return ()


def _parent(table: Table, key: tuple[str, ...], names: dict[str, str]) -> str | None:
    """The table this one extends: the one its single key column has a foreign key to."""
    if len(key) != 1:
        return None
    for foreign in table.columns[key[0]].foreign_keys:
        target = names.get(_target_table(foreign.target_fullname))
        if target is not None and target != names.get(table.name.lower()):
            return target
    return None


def _target_table(fullname: str) -> str:
    """``"activities"`` for a foreign key target ``"activities.id"`` (or ``"schema.activities.id"``)."""
    return fullname.rsplit(".", 2)[-2].lower()


def _lineage(name: str, parents: dict[str, str | None]) -> list[str]:
    """The tables ``name`` extends, nearest first: its parent, that table's parent…"""
    chain: list[str] = []
    parent = parents.get(name)
    while parent is not None and parent not in chain and parent != name:
        chain.append(parent)
        parent = parents.get(parent)
    return chain


def _column_names(table: Table, inherited: list[tuple[Table, tuple[str, ...]]]) -> dict[str, str]:
    """Lower-case name -> stored name of the columns a row of ``table`` has, those it takes over included."""
    found = {column.name.lower(): column.name for column in table.columns}
    for ancestor, key in inherited:
        for column in ancestor.columns:
            if column.name not in key and column.name.lower() not in _STRUCTURAL:
                found.setdefault(column.name.lower(), column.name)
    return found


def _value_column(table: str, value: str, available: dict[str, str]) -> str | None:
    for candidate in (value, *ALIASES.get((table, value), ())):
        if candidate.lower() in available:
            return available[candidate.lower()]
    return None


def _link_column(table: Table, key: tuple[str, ...], link: str, target: str, spec: Spec,
                 names: dict[str, str]) -> str | None:  # fmt: skip
    """The column of a link: by its foreign key when that is unambiguous, else by its name."""
    candidates = [column for column in table.columns if column.name not in key]
    pointing = [
        column.name for column in candidates
        if any(names.get(_target_table(f.target_fullname)) == target for f in column.foreign_keys)
    ]  # fmt: skip
    if len(pointing) == 1 and list(spec.links.values()).count(target) == 1:
        return pointing[0]
    by_name = {column.name.lower(): column.name for column in candidates}
    for candidate in link_names(link):
        if candidate.lower() in by_name:
            return by_name[candidate.lower()]
    return None


def link_names(link: str) -> tuple[str, ...]:
    """The column names a link is looked for under, when no foreign key says which column it is.

    >>> link_names("activity")
    ('activity_key', 'activity_id', 'activity')
    """
    return f"{link}_key", f"{link}_id", link


def _check(layouts: dict[str, _Layout], not_provdb: str) -> None:
    """Raise a SchemaError naming every column the mapping cannot do without that a table lacks."""
    problems = []
    for name, layout in layouts.items():
        spec = TABLES[name]
        for needed in spec.required:
            if needed in layout.columns:
                continue
            if needed in spec.links:
                looked = ", ".join(link_names(needed))
                problems.append(f"the table {name} has no column for its link {needed} to {spec.links[needed]} "
                                f"(no foreign key, and none of {looked})")  # fmt: skip
            else:
                problems.append(f"the table {name} has no column {needed}")
    if problems:
        raise SchemaError(f"{not_provdb}: " + "; ".join(problems))


def _select(connection: Connection, table: Table) -> list[dict[str, Any]]:
    """Every row of a table as ``{stored column name: value}``."""
    result = connection.execute(select(table))
    names = list(result.keys())
    return [dict(zip(names, values)) for values in result]


def _keyed(rows: list[dict[str, Any]], key: tuple[str, ...]) -> tuple[dict[Key, dict[str, Any]], bool]:
    """The rows by key in key order, and whether ``key`` keys them; else numbered in the order of all columns."""
    if key:
        keys = [row[key[0]] if len(key) == 1 else tuple(row[k] for k in key) for row in rows]
        flat = [part for k in keys for part in (k if isinstance(k, tuple) else (k,))]
        if None not in flat and len(set(keys)) == len(keys):
            ordered = sorted(zip(keys, rows), key=lambda pair: _order(pair[0]))
            return dict(ordered), True
    ordered_rows = sorted(rows, key=lambda row: tuple(_order(value) for value in row.values()))
    return dict(enumerate(ordered_rows, 1)), False


def _order(value: Any) -> tuple[Any, ...]:
    """A sort key that orders values of any type alike on every backend (NULL last; a list or dict by its text)."""
    if isinstance(value, tuple):
        return tuple(_order(part) for part in value)
    orderable = isinstance(value, (str, int, float, Decimal, date, time, bytes))
    return (value is None, type(value).__name__, value if orderable else repr(value))


def _ancestors(key: Key, taken: list[tuple[_Layout, tuple[dict[Key, dict[str, Any]], bool]]]) -> list[dict[str, Any]]:
    """The rows (nearest first) that the row ``key`` extends, without their key and ``classType``."""
    found = []
    for layout, (rows, keyed_by_key) in taken:
        row = rows.get(key) if keyed_by_key else None
        if row is not None:
            skip = {column.lower() for column in layout.key} | _STRUCTURAL
            found.append({column: value for column, value in row.items() if column.lower() not in skip})
    return found


def _row(key: Key, raw: dict[str, Any], layout: _Layout, ancestors: list[dict[str, Any]]) -> Row:
    """A row split into what the mapping reads and the rest, the columns of the rows it extends taken over."""
    merged = dict(raw)
    lower = {column.lower(): column for column in merged}
    for ancestor in ancestors:
        for column, value in ancestor.items():
            own = lower.get(column.lower())
            if own is None:
                merged[column] = value
                lower[column.lower()] = column
            elif merged[own] is None:
                merged[own] = value
    read = {column.lower() for column in layout.key} | {stored.lower() for stored in layout.columns.values()}
    values = {name: merged.get(stored) for name, stored in layout.columns.items()}
    extra = {column: value for column, value in merged.items() if column.lower() not in read and value is not None}
    return Row(key, values, extra)

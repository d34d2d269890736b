"""The tables of a CTADIRAC ProvenanceDB: schema generation detection and loading of the rows.

The rows of every table :data:`TABLES` names are read with Core ``SELECT``\\ s
ordered by primary key, under canonical column names, whichever of the two
schema generations the database has; the small
converters of stored values used by the mapping are here too.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.engine import Engine

from provrdf.model import AGENT_TYPES

__all__ = [
    "REQUIRED_TABLES", "TABLES", "TARGETS", "Data", "Key", "Row", "SchemaError", "agent_type", "load",
    "options", "text",
]  # fmt: skip

Key = Any  #: a primary key value: an int (internal_key) or a str (2019 id)
Row = dict[str, Any]

#: Table -> (value columns, link names) read from it. A link ``x`` is the
#: column ``x_key`` (mid-2020 and later) or ``x_id`` (2019 to mid-2020).
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "activities": (("id", "name", "startTime", "endTime", "comment"), ("activityDescription",)),
    "entities": (
        ("id", "name", "location", "generatedAtTime", "invalidatedAtTime", "comment", "classType"),
        ("entityDescription",),
    ),
    "valueEntities": (("value",), ()),
    "datasetEntities": (("ctadirac_guid",), ()),
    "agents": (("id", "name", "type", "comment", "email", "affiliation", "phone", "address", "url"), ()),
    "used": (("role", "time"), ("activity", "entity", "usageDescription")),
    "wasGeneratedBy": (("role",), ("activity", "entity", "generationDescription")),
    "wasAssociatedWith": (("role",), ("activity", "agent")),
    "wasAttributedTo": (("role",), ("entity", "agent")),
    "wasDerivedFrom": (("generatedEntity", "usedEntity"), ()),
    "wasInformedBy": (("informant", "informed"), ()),
    "activityDescriptions": (("name", "version", "description", "type", "subtype", "doculink"), ()),
    "entityDescriptions": (("name", "type", "description", "doculink", "classType"), ()),
    "valueDescriptions": (("valueType", "unit", "ucd", "utype"), ()),
    "datasetDescriptions": (("contentType",), ()),
    "usageDescriptions": (
        ("role", "description", "type", "multiplicity"), ("activityDescription", "entityDescription")
    ),
    "generationDescriptions": (
        ("role", "description", "type", "multiplicity"), ("activityDescription", "entityDescription")
    ),
    "parameters": (("name", "value"), ("parameterDescription",)),
    "parameterDescriptions": (
        ("name", "valueType", "description", "unit", "ucd", "utype", "min", "max", "default", "options"),
        ("activityDescription",),
    ),
    "configFiles": (("name", "location", "comment"), ("configFileDescription",)),
    "configFileDescriptions": (("name", "contentType", "description"), ("activityDescription",)),
    "wasConfiguredBy": (("artefactType",), ("activity", "configFile", "parameter")),
}
#: The tables a database must have to be read as a ProvenanceDB.
REQUIRED_TABLES = (
    "activities", "entities", "agents", "used", "wasGeneratedBy", "wasAssociatedWith", "wasAttributedTo",
)  # fmt: skip
#: Value columns that must exist; keys and links always must.
_REQUIRED_COLUMNS = {
    "activities": ("id",), "entities": ("id", "classType"), "agents": ("id",),
    "wasDerivedFrom": ("generatedEntity", "usedEntity"), "wasInformedBy": ("informant", "informed"),
}  # fmt: skip
#: Where a link (or a value column holding a key) points.
TARGETS = {
    "activity": "activities", "entity": "entities", "agent": "agents", "configFile": "configFiles",
    "parameter": "parameters", "activityDescription": "activityDescriptions",
    "entityDescription": "entityDescriptions", "usageDescription": "usageDescriptions",
    "generationDescription": "generationDescriptions", "parameterDescription": "parameterDescriptions",
    "configFileDescription": "configFileDescriptions", "generatedEntity": "entities",
    "usedEntity": "entities", "informant": "activities", "informed": "activities",
}  # fmt: skip
#: Stored agent types (lower case) -> the model's agent types.
_AGENT_TYPES = {t.lower(): t for t in AGENT_TYPES} | {"organisation": "Organization", "software": "SoftwareAgent"}


@dataclass(frozen=True)
class _Generation:
    """How one generation of the schema names its keys and links."""

    name: str
    key: str
    suffixes: tuple[str, ...]


_NEW = _Generation("mid-2020 and later schema (internal_key)", "internal_key", ("_key",))
_OLD = _Generation("2019 to mid-2020 schema (string ids)", "id", ("_id", ""))


class SchemaError(Exception):
    """The database is not a ProvenanceDB this reader knows."""


# -- loading -------------------------------------------------------------------


class Data:
    """Every row of the database: ``rows[table][key] = {column: value}``, in key order."""

    def __init__(self, generation: _Generation, rows: dict[str, dict[Key, Row]]) -> None:
        self.generation, self.rows = generation, rows
        self._indexes: dict[tuple[str, str], dict[Key, list[Row]]] = {}

    def by(self, table: str, column: str) -> dict[Key, list[Row]]:
        """The rows of ``table`` grouped by the value of ``column``, in key order."""
        index = self._indexes.get((table, column))
        if index is None:
            index = self._indexes[(table, column)] = defaultdict(list)
            for row in self.rows[table].values():
                index[row.get(column)].append(row)
        return index


def load(engine: Engine, not_provdb: str) -> Data:
    """Every row of the database behind ``engine``; a SchemaError when it is not a ProvenanceDB this reader knows."""
    with engine.connect() as connection:
        present = {name.lower(): name for name in inspect(connection).get_table_names()}
        missing = [name for name in REQUIRED_TABLES if name.lower() not in present]
        if missing:
            raise SchemaError(f"{not_provdb}: it lacks the table(s) {', '.join(missing)}")
        wanted = [present[name.lower()] for name in TABLES if name.lower() in present]
        metadata = MetaData()
        metadata.reflect(bind=connection, only=wanted)
        tables = {name: metadata.tables[present[name.lower()]] for name in TABLES if name.lower() in present}
        generation = _generation(tables["activities"])
        rows = {name: _rows(connection, name, tables[name], generation) if name in tables else {} for name in TABLES}
    return Data(generation, rows)


def _generation(activities: Table) -> _Generation:
    columns = {column.name.lower() for column in activities.columns}
    if "internal_key" in columns:
        return _NEW
    if "id" in columns and any(c.name.lower() == "id" for c in activities.primary_key.columns):
        return _OLD
    raise SchemaError(
        "unknown ProvenanceDB schema: the table activities has neither an internal_key column "
        "(mid-2020 and later) nor a string primary key id (2019 to mid-2020)"
    )


def _rows(connection: Any, name: str, table: Table, generation: _Generation) -> dict[Key, Row]:
    """The rows of one table as dicts of canonical names, ordered by key."""
    columns = {column.name.lower(): column for column in table.columns}
    values, links = TABLES[name]
    chosen = {"key": _column(columns, name, (generation.key,), generation)}
    for value in values:
        found = columns.get(value.lower())
        if found is None and value in _REQUIRED_COLUMNS.get(name, ()):
            raise SchemaError(f"the table {name} lacks the column {value} ({generation.name})")
        if found is not None:
            chosen[value] = found
    for link in links:
        chosen[link] = _column(columns, name, tuple(link + suffix for suffix in generation.suffixes), generation)
    names = list(chosen)
    query = select(*(column.label(f"c{i}") for i, column in enumerate(chosen.values()))).order_by(chosen["key"])
    rows = {row[0]: dict(zip(names, row)) for row in connection.execute(query)}
    return dict(sorted(rows.items(), key=lambda item: (isinstance(item[0], str), item[0])))


def _column(columns: dict[str, Any], table: str, names: tuple[str, ...], generation: _Generation) -> Any:
    for name in names:
        if name.lower() in columns:
            return columns[name.lower()]
    raise SchemaError(f"the table {table} lacks the column {names[0]} ({generation.name})")


# -- small converters ------------------------------------------------------------


def text(value: Any) -> str | None:
    """A stored value as text (``None`` stays ``None``)."""
    return None if value is None else str(value)


def options(value: Any) -> list[str]:
    """The options of a parameter description: a JSON list, or else comma-separated text.

    >>> options('["a", "b"]'), options("Tailcuts, MARS"), options(None)
    (['a', 'b'], ['Tailcuts', 'MARS'], [])
    """
    stored = (text(value) or "").strip()
    if stored.startswith("["):
        try:
            items = json.loads(stored)
        except ValueError:
            items = None
        if isinstance(items, list):
            return [item if isinstance(item, str) else json.dumps(item) for item in items]
    return [part.strip() for part in stored.split(",") if part.strip()]


def agent_type(value: Any) -> str | None:
    """Person, Organization or SoftwareAgent for a stored type, else None.

    >>> [agent_type(t) for t in ("organisation", "prov:SoftwareAgent", "Software Agent", "group")]
    ['Organization', 'SoftwareAgent', 'SoftwareAgent', None]
    """
    stored = (text(value) or "").strip().lower().rsplit(":", 1)[-1]
    return _AGENT_TYPES.get(stored.replace(" ", "").replace("_", "").replace("-", ""))


"""The mapping of one ProvenanceDB row to a model node or description.

A :class:`Mapper` holds the rows :func:`~provrdf.capture.provdb.tables.load`
read and maps each node row (entity, agent, activity or entity description)
once, with the warnings about it; :mod:`~provrdf.capture.provdb.records`
puts the mapped rows together into records. What a row cannot keep as the
database says it (a link to a missing row, a role its description
contradicts, an unknown class) is a warning; a row that cannot be read at
all (a node without an id, a time that is no time) raises :class:`RowError`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, TypeVar, cast

from provrdf.capture.provdb.tables import TABLES, Data, Key, Row
from provrdf.capture.provdb.values import agent_type, extension, options, term, text
from provrdf.model import (
    Activity,
    ActivityDescription,
    Agent,
    ConfigFileDescription,
    Entity,
    EntityDescription,
    Extra,
    GenerationDescription,
    ParameterDescription,
    UsageDescription,
)
from provrdf.timeutil import as_utc, parse_time

__all__ = ["ARTEFACT_LINKS", "ARTEFACT_TYPES", "DISAGREES", "MISSING_ROW", "NOT_READ", "NO_OWNER", "OWNED",
           "UNKNOWN_CLASS", "Mapper", "Note", "RowError", "given"]

Note = tuple[str, str]  #: a warning of a record: (kind, message)
#: The kinds of the warnings the mapping gives.
MISSING_ROW = "link to a missing row"
NO_OWNER = "description of no activity description"
DISAGREES = "disagrees with its description"
UNKNOWN_CLASS = "unknown class"
NOT_READ = "row not read"

_T = TypeVar("_T")
_R = TypeVar("_R", UsageDescription, GenerationDescription)
#: Stored ``classType`` values -> the model's kinds.
_ENTITY_KINDS = {"entity": "entity", "value": "value", "dataset": "dataset"}
_DESCRIPTION_KINDS = {"entityDescription": "entity", "valueDescription": "value", "datasetDescription": "dataset"}
#: The description tables an activity description owns: their kind in local ids, and the column naming them.
OWNED = {
    "usageDescriptions": ("usage", "role"), "generationDescriptions": ("generation", "role"),
    "parameterDescriptions": ("parameter", "name"), "configFileDescriptions": ("configfile", "name"),
}  # fmt: skip
#: Tables that extend another one row for row, read as part of the row they extend.
_SUBCLASSES = (
    ("valueEntities", "entities"), ("datasetEntities", "entities"),
    ("valueDescriptions", "entityDescriptions"), ("datasetDescriptions", "entityDescriptions"),
)  # fmt: skip
#: Links without which a row belongs to no record.
_ANCHORS = (
    ("used", "activity"), ("wasGeneratedBy", "activity"), ("wasAssociatedWith", "activity"),
    ("wasConfiguredBy", "activity"), ("wasInformedBy", "informed"), ("wasAttributedTo", "entity"),
    ("wasDerivedFrom", "generatedEntity"),
)  # fmt: skip
ARTEFACT_TYPES = {"parameter": "parameters", "configfile": "configFiles"}
ARTEFACT_LINKS = {"parameters": "parameter", "configFiles": "configFile"}


class RowError(Exception):
    """A row that cannot be read at all; the message names its table and key."""


def given(value: _T | None) -> _T:
    """A value ProvDM requires, passed on as the source gave it: None when the column is NULL.

    The model types these attributes (a description's name, a parameter
    description's value type …) as always present because ProvDM does; a
    missing one is a completeness matter the SHACL shapes warn about, and
    the encoder writes nothing for None. No value is made up.
    """
    return cast(_T, value)


class Mapper:
    """The loaded rows, each node row mapped once, and the rows that no record can hold."""

    def __init__(self, data: Data, source: str) -> None:
        self.data, self.source = data, source
        #: rows already in a record (or read as part of another row), by table
        self.placed: dict[str, set[Key]] = defaultdict(set)
        for extending in data.tables.values():
            for ancestor in extending.absorbs:
                self.placed[ancestor] |= set(extending.rows) & set(data.rows(ancestor))
        self.activity_ids = _unique(data.rows("activityDescriptions"), _activity_description_id)
        self.entity_ids = _unique(data.rows("entityDescriptions"), _entity_description_id)
        self.owners = {table: self._owners(table) for table in OWNED}
        self.owned_ids = {table: self._owned_ids(table) for table in OWNED}
        self._owned: dict[Key, list[tuple[str, Row]]] = defaultdict(list)
        for described, owners in self.owners.items():
            for owned, owner in owners.items():
                self._owned[owner].append((described, self.rows(described)[owned]))
        self._mapped: dict[tuple[str, Key], tuple[Any, tuple[Note, ...]]] = {}

    def rows(self, table: str) -> dict[Key, Row]:
        """The rows of a table by key."""
        return self.data.rows(table)

    def where(self, table: str, key: Key) -> str:
        """How a row is named in messages: ``entities internal_key=7``."""
        return self.data.tables[table].where(key)

    def mapped(self, table: str, key: Key) -> tuple[Any, tuple[Note, ...]]:
        """The node or description of a row and the warnings about it, mapped once (records share them)."""
        found = self._mapped.get((table, key))
        if found is None:
            notes: list[Note] = []
            node = _MAPPERS[table](self, key, notes)
            found = self._mapped[(table, key)] = (node, tuple(notes))
        return found

    # -- reading one row -----------------------------------------------------

    def dangling(self, table: str, row: Row, link: str) -> str:
        """The message for a row whose link is empty or points to no row."""
        return f"{self.where(table, row.key)}: {self.broken(table, row, link)}"

    def broken(self, table: str, row: Row, link: str) -> str:
        """What is wrong with a link that is empty or points to no row."""
        value = row.get(link)
        if value is None:
            return f"has no {link}"
        return f"{link} points to {TABLES[table].links[link]} row {value!r}, which does not exist"

    def link(self, table: str, row: Row, link: str, notes: list[Note],
             dropped: str = "the link is left out") -> Key | None:  # fmt: skip
        """The key a link points to; None when it is empty, or (with a warning) when it points to no row."""
        value = row.get(link)
        if value is None:
            return None
        if value in self.rows(TABLES[table].links[link]):
            return value
        notes.append((MISSING_ROW, f"{self.dangling(table, row, link)}; {dropped}"))
        return None

    def end(self, table: str, row: Row, link: str, notes: list[Note]) -> Key | None:
        """The key a relation's mandatory end points to; None (with a warning) when it has none: the row is not read."""
        value = row.get(link)
        if value is not None and value in self.rows(TABLES[table].links[link]):
            return value
        notes.append((MISSING_ROW if value is not None else NOT_READ, f"{self.dangling(table, row, link)}; not read"))
        return None

    def time(self, table: str, row: Row, column: str) -> datetime | None:
        """A stored time as an aware UTC datetime; a text that is no ISO 8601 time cannot be read."""
        value = row.get(column)
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return as_utc(value)
        try:
            return parse_time(str(value))
        except ValueError:
            raise RowError(f"{self.where(table, row.key)}: {column} is not an ISO 8601 time: {value!r}") from None

    def identifier(self, table: str, row: Row) -> str:
        """The ProvDM id of an activity, entity or agent: a node without one cannot be read."""
        value = text(row.get("id"))
        if value is None:
            raise RowError(f"{self.where(table, row.key)}: has no id")
        return value

    def kind(self, table: str, row: Row, kinds: dict[str, str], subtables: tuple[str, str],
             notes: list[Note]) -> tuple[str, Extra]:  # fmt: skip
        """The kind of an entity (description) from ``classType``, else from the sub-table that has its row.

        An unknown ``classType`` is kept as a ``provdb:`` fact, with a warning.
        """
        stored = (text(row.get("classType")) or "").strip()
        value, dataset = (row.key in self.rows(sub) for sub in subtables)
        inferred = "value" if value else "dataset" if dataset else "entity"
        known = {name.lower(): kind for name, kind in kinds.items()}.get(stored.lower())
        if known or not stored:
            return known or inferred, {}
        column = self.data.tables[table].column("classType")
        message = (f"{self.where(table, row.key)}: classType {stored!r} is none of {', '.join(kinds)}; "
                   f"read as {inferred}, the classType kept as {term(column)}")  # fmt: skip
        notes.append((UNKNOWN_CLASS, message))
        return inferred, {term(column): stored}

    # -- nodes -----------------------------------------------------------------

    def activity(self, key: Key, notes: list[Note]) -> Activity:
        """A new Activity for the row (its record adds facts to it)."""
        row = self.rows("activities")[key]
        description = self.link("activities", row, "activityDescription", notes)
        return Activity(
            id=self.identifier("activities", row),
            name=text(row.get("name")),
            start=self.time("activities", row, "startTime"),
            end=self.time("activities", row, "endTime"),
            comment=text(row.get("comment")),
            description=None if description is None else self.activity_ids[description],
            extra=extension(row.extra),
        )

    def entity(self, key: Key, notes: list[Note]) -> Entity:
        """The Entity of a row, with its valueEntities or datasetEntities row."""
        row = self.rows("entities")[key]
        value, dataset = self.rows("valueEntities").get(key), self.rows("datasetEntities").get(key)
        kind, kept = self.kind("entities", row, _ENTITY_KINDS, ("valueEntities", "datasetEntities"), notes)
        description = self.link("entities", row, "entityDescription", notes)
        extra = extension(row.extra, *(sub.extra for sub in (value, dataset) if sub)) | kept
        guid = text(dataset.get("ctadirac_guid")) if dataset else None
        if guid:
            extra["ctao:diracGuid"] = guid
        return Entity(
            id=self.identifier("entities", row),
            kind=kind,
            name=text(row.get("name")),
            location=text(row.get("location")),
            generated_at=self.time("entities", row, "generatedAtTime"),
            invalidated_at=self.time("entities", row, "invalidatedAtTime"),
            comment=text(row.get("comment")),
            value=text(value.get("value")) if value else None,
            description=None if description is None else self.entity_ids[description],
            extra=extra,
        )

    def agent(self, key: Key, notes: list[Note]) -> Agent:
        """The Agent of a row; a type none of ProvDM's is kept as a ``provdb:`` fact."""
        row = self.rows("agents")[key]
        stored, kind = text(row.get("type")), agent_type(row.get("type"))
        extra = extension(row.extra)
        if kind is None and stored:
            extra[term(self.data.tables["agents"].column("type"))] = stored
        return Agent(
            id=self.identifier("agents", row), name=text(row.get("name")), type=kind,
            comment=text(row.get("comment")), email=text(row.get("email")), affiliation=text(row.get("affiliation")),
            phone=text(row.get("phone")), address=text(row.get("address")), url=text(row.get("url")), extra=extra,
        )  # fmt: skip

    # -- descriptions ----------------------------------------------------------

    def _owners(self, table: str) -> dict[Key, Key]:
        """The activity description owning each row of an owned description table.

        Its ``activityDescription`` link; in a table without that column (the
        prototype's parameter and config file descriptions), the description
        of the activities whose parameters (config files) link it, when they
        all have the same one.
        """
        descriptions = self.rows("activityDescriptions")
        if self.data.has(table, "activityDescription"):
            rows = self.rows(table).items()
            return {key: row.get("activityDescription") for key, row in rows
                    if row.get("activityDescription") in descriptions}  # fmt: skip
        seen: dict[Key, set[Key]] = defaultdict(set)
        for described, activity in self._uses(table):
            owner = self.rows("activities").get(activity, Row(None, {})).get("activityDescription")
            if described in self.rows(table) and owner in descriptions:
                seen[described].add(owner)
        return {key: next(iter(seen[key])) for key in self.rows(table) if len(seen.get(key, ())) == 1}

    def _uses(self, table: str) -> Iterator[tuple[Key, Key]]:
        """(description key, activity key) of every row that links a description of ``table``."""
        if table in ("usageDescriptions", "generationDescriptions"):
            relation = "used" if table == "usageDescriptions" else "wasGeneratedBy"
            link = "usageDescription" if table == "usageDescriptions" else "generationDescription"
            for row in self.rows(relation).values():
                yield row.get(link), row.get("activity")
            return
        artefacts = "parameters" if table == "parameterDescriptions" else "configFiles"
        link = "parameterDescription" if table == "parameterDescriptions" else "configFileDescription"
        for configured in self.rows("wasConfiguredBy").values():
            artefact = self.rows(artefacts).get(configured.get(ARTEFACT_LINKS[artefacts]))
            if artefact is not None:
                yield artefact.get(link), configured.get("activity")

    def _owned_ids(self, table: str) -> dict[Key, str]:
        kind, field = OWNED[table]
        owners = self.owners[table]

        def local(row: Row) -> str | None:
            owner = owners.get(row.key)
            if owner is None:
                return None
            named = text(row.get(field))
            return f"{self.activity_ids[owner]}/{kind}/{named if named is not None else f'{table}/{row.key}'}"

        return _unique(self.rows(table), local)

    def owned_rows(self, key: Key) -> list[tuple[str, Row]]:
        """The rows of the descriptions an activity description owns, table by table, in key order."""
        return self._owned.get(key, [])

    def activity_description(self, key: Key, notes: list[Note]) -> ActivityDescription:
        """The ActivityDescription of a row, with the descriptions it owns."""
        row = self.rows("activityDescriptions")[key]
        description = ActivityDescription(
            id=self.activity_ids[key], name=given(text(row.get("name"))), version=text(row.get("version")),
            description=text(row.get("description")), docurl=text(row.get("doculink")), type=text(row.get("type")),
            subtype=text(row.get("subtype")), extra=extension(row.extra),
        )  # fmt: skip
        for table, owned in self.owned_rows(key):
            self._add_owned(description, table, owned, notes)
        return description

    def _add_owned(self, parent: ActivityDescription, table: str, row: Row, notes: list[Note]) -> None:
        local = self.owned_ids[table][row.key]
        if table == "usageDescriptions":
            parent.usages.append(self._role_description(UsageDescription, table, row, local, notes))
        elif table == "generationDescriptions":
            parent.generations.append(self._role_description(GenerationDescription, table, row, local, notes))
        elif table == "parameterDescriptions":
            parent.parameters.append(ParameterDescription(
                id=local, name=given(text(row.get("name"))), value_type=given(text(row.get("valueType"))),
                description=text(row.get("description")), unit=text(row.get("unit")), ucd=text(row.get("ucd")),
                utype=text(row.get("utype")), min=text(row.get("min")), max=text(row.get("max")),
                options=options(row.get("options")), default=text(row.get("default")), extra=extension(row.extra),
            ))  # fmt: skip
        else:
            parent.config_files.append(ConfigFileDescription(
                id=local, name=given(text(row.get("name"))), content_type=given(text(row.get("contentType"))),
                description=text(row.get("description")), extra=extension(row.extra),
            ))  # fmt: skip

    def _role_description(self, cls: type[_R], table: str, row: Row, local: str, notes: list[Note]) -> _R:
        entity = self.link(table, row, "entityDescription", notes)
        return cls(
            id=local, role=given(text(row.get("role"))), description=text(row.get("description")),
            type=text(row.get("type")), multiplicity=text(row.get("multiplicity")), extra=extension(row.extra),
            entity_description=None if entity is None else self.entity_ids[entity],
        )  # fmt: skip

    def entity_description(self, key: Key, notes: list[Note]) -> EntityDescription:
        """The EntityDescription of a row, with its valueDescriptions or datasetDescriptions row."""
        row = self.rows("entityDescriptions")[key]
        value, dataset = self.rows("valueDescriptions").get(key), self.rows("datasetDescriptions").get(key)
        subtables = ("valueDescriptions", "datasetDescriptions")
        kind, kept = self.kind("entityDescriptions", row, _DESCRIPTION_KINDS, subtables, notes)
        value, dataset = value or Row(key, {}), dataset or Row(key, {})
        return EntityDescription(
            id=self.entity_ids[key], name=given(text(row.get("name"))), kind=kind,
            description=text(row.get("description")), docurl=text(row.get("doculink")), type=text(row.get("type")),
            content_type=text(dataset.get("contentType")), value_type=text(value.get("valueType")),
            unit=text(value.get("unit")), ucd=text(value.get("ucd")), utype=text(value.get("utype")),
            extra=extension(row.extra, value.extra, dataset.extra) | kept,
        )  # fmt: skip

    # -- rows no record holds ----------------------------------------------------

    def homeless(self) -> Iterator[str]:
        """Messages for the rows that no record can hold."""
        for table, link in _ANCHORS:
            target = self.rows(TABLES[table].links[link])
            for row in self.rows(table).values():
                if row.get(link) not in target:
                    yield f"{self.dangling(table, row, link)}; not read"
        for table, link in (("parameters", "parameter"), ("configFiles", "configFile")):
            users = self.data.by("wasConfiguredBy", link)
            for key in self.rows(table):
                if not any(row.get("activity") in self.rows("activities") for row in users.get(key, [])):
                    yield f"{self.where(table, key)}: no activity is configured by it (wasConfiguredBy); not read"
        for table in OWNED:
            for key in self.rows(table):
                if key not in self.owners[table]:
                    yield f"{self.where(table, key)}: {self.no_owner(table, key)}; not read"
        for table, parent in _SUBCLASSES:
            for key in self.rows(table):
                if key not in self.rows(parent):
                    yield f"{self.where(table, key)}: there is no {parent} row with this key; not read"

    def no_owner(self, table: str, key: Key) -> str:
        """Why a description row belongs to no activity description."""
        if self.data.has(table, "activityDescription"):
            return self.broken(table, self.rows(table)[key], "activityDescription")
        return ("its table has no activityDescription column, and the activities whose rows link it do not share "
                "one activity description that exists")  # fmt: skip


#: How the rows of each table are mapped by :meth:`Mapper.mapped`.
_MAPPERS: dict[str, Callable[[Mapper, Key, list[Note]], Any]] = {
    "entities": Mapper.entity, "agents": Mapper.agent,
    "activityDescriptions": Mapper.activity_description, "entityDescriptions": Mapper.entity_description,
}  # fmt: skip


def _unique(rows: dict[Key, Row], local: Callable[[Row], str | None]) -> dict[Key, str]:
    """A local id per row (rows in key order); a repeated id gets ``/<key>`` added."""
    ids: dict[Key, str] = {}
    seen: set[str] = set()
    for key, row in rows.items():
        name = local(row)
        if name is None:
            continue
        if name in seen:
            name = f"{name}/{key}"
        seen.add(name)
        ids[key] = name
    return ids


def _activity_description_id(row: Row) -> str:
    """``provdb/<name>/<version>``; ``provdb/activityDescriptions/<key>`` for a description without a name."""
    name, version = text(row.get("name")), text(row.get("version"))
    if name is None:
        return f"provdb/activityDescriptions/{row.key}"
    return f"provdb/{name}/{version}" if version else f"provdb/{name}"


def _entity_description_id(row: Row) -> str:
    """``provdb/entity/<name>``; ``provdb/entityDescriptions/<key>`` for a description without a name."""
    name = text(row.get("name"))
    return f"provdb/entityDescriptions/{row.key}" if name is None else f"provdb/entity/{name}"

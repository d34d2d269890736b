"""The mapping of ProvenanceDB rows to model records.

A :class:`Mapper` turns the rows :func:`~provrdf.capture.provdb.tables.load`
read into one record per activity, one record for the rows no activity
reaches and one ParseError per row no record can hold; descriptions get
deterministic ids (``provdb/<name>/<version>``, ``provdb/entity/<name>``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from provrdf.capture.provdb.tables import (
    TARGETS,
    Data,
    Key,
    Row,
    agent_type,
    options,
    text,
)
from provrdf.errors import ParseError
from provrdf.model import (
    Activity,
    ActivityDescription,
    Agent,
    Association,
    Attribution,
    Communication,
    ConfigFile,
    ConfigFileDescription,
    Derivation,
    Entity,
    EntityDescription,
    Generation,
    GenerationDescription,
    Parameter,
    ParameterDescription,
    Record,
    Usage,
    UsageDescription,
)
from provrdf.timeutil import as_utc, parse_time

__all__ = ["Mapper"]

_ENTITY_KINDS = {"entity": "entity", "value": "value", "dataset": "dataset"}
_DESCRIPTION_KINDS = {"entitydescription": "entity", "valuedescription": "value", "datasetdescription": "dataset"}
#: The description tables an activity description owns, and their kind in local ids.
_OWNED = {
    "usageDescriptions": "usage", "generationDescriptions": "generation",
    "parameterDescriptions": "parameter", "configFileDescriptions": "configfile",
}  # fmt: skip


class _RowError(Exception):
    """One row that cannot be mapped; the message names its table and key."""


class Mapper:
    """Maps the loaded rows to records, one per activity plus the rest."""

    def __init__(self, data: Data, source: str) -> None:
        self.data, self.source = data, source
        self.rows = data.rows
        self.placed: dict[str, set[Key]] = defaultdict(set)
        self.activity_ids = _unique(self.rows["activityDescriptions"], _activity_description_id)
        self.entity_ids = _unique(self.rows["entityDescriptions"], _entity_description_id)
        self.owned_ids: dict[str, dict[Key, str]] = {table: self._owned_ids(table) for table in _OWNED}
        self._mapped: dict[tuple[str, Key], Any] = {}

    def mapped(self, table: str, key: Key) -> Any:
        """The node or description of a row, mapped once (records share it; nobody changes it)."""
        found = self._mapped.get((table, key))
        if found is None:
            found = self._mapped[(table, key)] = _MAPPERS[table](self, key)
        return found

    def _owned_ids(self, table: str) -> dict[Key, str]:
        field = "role" if table in ("usageDescriptions", "generationDescriptions") else "name"

        def local(row: Row) -> str | None:
            owner = self.activity_ids.get(row.get("activityDescription"))
            return None if owner is None or row.get(field) is None else f"{owner}/{_OWNED[table]}/{row[field]}"

        return _unique(self.rows[table], local)

    def where(self, table: str, key: Key) -> str:
        """How a row is named in messages: ``entities internal_key=7``."""
        return f"{table} {self.data.generation.key}={key!r}"

    def error(self, table: str, key: Key, message: str) -> _RowError:
        return _RowError(f"{self.where(table, key)}: {message}")

    def target(self, table: str, row: Row, link: str, *, required: bool = True) -> Key | None:
        """The key a link of ``row`` points to; raises when it is empty (if required) or dangling."""
        value = row.get(link)
        if value is None and not required:
            return None
        if value is None or value not in self.rows[TARGETS[link]]:
            raise _RowError(self.dangling(table, row, link))
        return value

    def dangling(self, table: str, row: Row, link: str) -> str:
        """The message for a row whose link is empty or points to no row."""
        value = row.get(link)
        if value is None:
            return f"{self.where(table, row['key'])}: has no {link}"
        return f"{self.where(table, row['key'])}: {link} points to {TARGETS[link]} row {value!r}, which does not exist"

    def time(self, table: str, row: Row, column: str) -> datetime | None:
        """A stored time as an aware UTC datetime."""
        value = row.get(column)
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return as_utc(value)
        try:
            return parse_time(str(value))
        except ValueError:
            raise self.error(table, row["key"], f"{column} is not an ISO 8601 time: {value!r}") from None

    def required(self, table: str, row: Row, column: str) -> str:
        value = text(row.get(column))
        if value is None:
            raise self.error(table, row["key"], f"has no {column}")
        return value

    # -- nodes ---------------------------------------------------------------

    def activity(self, key: Key) -> Activity:
        """A new Activity for the row (its record adds facts to it)."""
        row = self.rows["activities"][key]
        description = self.target("activities", row, "activityDescription", required=False)
        return Activity(
            id=self.required("activities", row, "id"),
            name=text(row.get("name")),
            start=self.time("activities", row, "startTime"),
            end=self.time("activities", row, "endTime"),
            comment=text(row.get("comment")),
            description=None if description is None else self.activity_description_id(description),
        )

    def entity(self, key: Key) -> Entity:
        row = self.rows["entities"][key]
        kind = _ENTITY_KINDS.get((text(row.get("classType")) or "").strip().lower())
        if kind is None:
            message = f"classType {row.get('classType')!r} is not one of entity, value, dataset"
            raise self.error("entities", key, message)
        description = self.target("entities", row, "entityDescription", required=False)
        value = self.rows["valueEntities"].get(key, {}).get("value") if kind == "value" else None
        guid = text(self.rows["datasetEntities"].get(key, {}).get("ctadirac_guid")) if kind == "dataset" else None
        return Entity(
            id=self.required("entities", row, "id"),
            kind=kind,
            name=text(row.get("name")),
            location=text(row.get("location")),
            generated_at=self.time("entities", row, "generatedAtTime"),
            invalidated_at=self.time("entities", row, "invalidatedAtTime"),
            comment=text(row.get("comment")),
            value=text(value),
            description=None if description is None else self.entity_description_id(description),
            extra={"ctao:diracGuid": guid} if guid else {},
        )

    def agent(self, key: Key) -> Agent:
        row = self.rows["agents"][key]
        local = self.required("agents", row, "id")
        fields = {name: text(row.get(name)) for name in ("comment", "email", "affiliation", "phone", "address", "url")}
        return Agent(id=local, name=text(row.get("name")) or local, type=agent_type(row.get("type")), **fields)

    # -- descriptions ----------------------------------------------------------

    def activity_description_id(self, key: Key) -> str:
        if key not in self.activity_ids:
            raise self.error("activityDescriptions", key, "has no name")
        return self.activity_ids[key]

    def entity_description_id(self, key: Key) -> str:
        if key not in self.entity_ids:
            raise self.error("entityDescriptions", key, "has no name")
        return self.entity_ids[key]

    def owned_id(self, table: str, key: Key) -> str:
        """The local id of a usage/generation/parameter/config file description."""
        if key not in self.owned_ids[table]:
            row = self.rows[table][key]
            self.target(table, row, "activityDescription")
            self.activity_description_id(row["activityDescription"])
            field = "role" if _OWNED[table] in ("usage", "generation") else "name"
            raise self.error(table, key, f"has no {field}")
        return self.owned_ids[table][key]

    def owned_rows(self, key: Key) -> Iterator[tuple[str, Row]]:
        """The rows of the descriptions an activity description owns, table by table."""
        for table in _OWNED:
            for row in self.data.by(table, "activityDescription").get(key, []):
                yield table, row

    def activity_description(self, key: Key) -> ActivityDescription:
        row = self.rows["activityDescriptions"][key]
        description = ActivityDescription(
            id=self.activity_description_id(key),
            name=self.required("activityDescriptions", row, "name"),
            version=text(row.get("version")),
            description=text(row.get("description")),
            docurl=text(row.get("doculink")),
            type=text(row.get("type")),
            subtype=text(row.get("subtype")),
        )
        for table, owned in self.owned_rows(key):
            self._add_owned(description, table, owned)
        return description

    def _add_owned(self, parent: ActivityDescription, table: str, row: Row) -> None:
        local, about = self.owned_id(table, row["key"]), text(row.get("description"))
        if table in ("usageDescriptions", "generationDescriptions"):
            entity = self.target(table, row, "entityDescription", required=False)
            cls = UsageDescription if table == "usageDescriptions" else GenerationDescription
            item = cls(
                id=local, role=self.required(table, row, "role"), description=about, type=text(row.get("type")),
                multiplicity=text(row.get("multiplicity")),
                entity_description=None if entity is None else self.entity_description_id(entity),
            )
            (parent.usages if cls is UsageDescription else parent.generations).append(item)
        elif table == "parameterDescriptions":
            parent.parameters.append(ParameterDescription(
                id=local, name=self.required(table, row, "name"), value_type=self.required(table, row, "valueType"),
                description=about, options=options(row.get("options")),
                **{name: text(row.get(name)) for name in ("unit", "ucd", "utype", "min", "max", "default")},
            ))  # fmt: skip
        else:
            parent.config_files.append(ConfigFileDescription(
                id=local, name=self.required(table, row, "name"),
                content_type=self.required(table, row, "contentType"), description=about,
            ))  # fmt: skip

    def entity_description(self, key: Key) -> EntityDescription:
        row = self.rows["entityDescriptions"][key]
        kind = _DESCRIPTION_KINDS.get((text(row.get("classType")) or "entityDescription").strip().lower())
        if kind is None:
            raise self.error(
                "entityDescriptions", key,
                f"classType {row.get('classType')!r} is not one of "
                "entityDescription, valueDescription, datasetDescription",
            )  # fmt: skip
        value = self.rows["valueDescriptions"].get(key, {}) if kind == "value" else {}
        dataset = self.rows["datasetDescriptions"].get(key, {}) if kind == "dataset" else {}
        return EntityDescription(
            id=self.entity_description_id(key),
            name=self.required("entityDescriptions", row, "name"),
            kind=kind,
            description=text(row.get("description")),
            docurl=text(row.get("doculink")),
            type=text(row.get("type")),
            content_type=text(dataset.get("contentType")),
            value_type=text(value.get("valueType")),
            **{name: text(value.get(name)) for name in ("unit", "ucd", "utype")},
        )

    # -- records ---------------------------------------------------------------

    def items(self) -> Iterator[Record | ParseError]:
        """Every activity's record (or its ParseError), then the rest, then the rows no record can hold."""
        index = 0
        for key, row in self.rows["activities"].items():
            record = Record(id=f"provdb/activity/{text(row.get('id')) or key}", source=self.source, index=index)
            yield _ActivityBuilder(self, record, key).build()
            index += 1
        rest = _RestBuilder(self, Record(id="provdb/rest", source=self.source, index=index)).build()
        if rest is not None:
            yield rest
        for message in self.homeless():
            yield ParseError(self.source, message)

    def homeless(self) -> Iterator[str]:
        """Messages for the rows that no record can hold: their anchor is missing."""
        for table, link in _ANCHORS:
            for key, row in self.rows[table].items():
                if row.get(link) not in self.rows[TARGETS[link]]:
                    yield self.dangling(table, row, link)
        for table, link in (("parameters", "parameter"), ("configFiles", "configFile")):
            users = self.data.by("wasConfiguredBy", link)
            for key in self.rows[table]:
                if not any(row.get("activity") in self.rows["activities"] for row in users.get(key, [])):
                    yield f"{self.where(table, key)}: no activity is configured by it (wasConfiguredBy), not read"
        for table, parent in _SUBCLASSES:
            for key in self.rows[table]:
                if key not in self.rows[parent]:
                    yield f"{self.where(table, key)}: there is no {parent} row with this key"


#: How the rows of each table are mapped by :meth:`Mapper.mapped`.
_MAPPERS: dict[str, Callable[[Mapper, Key], Any]] = {
    "entities": Mapper.entity, "agents": Mapper.agent,
    "activityDescriptions": Mapper.activity_description, "entityDescriptions": Mapper.entity_description,
}  # fmt: skip
#: Links without which a row belongs to no record.
_ANCHORS = (
    ("used", "activity"), ("wasGeneratedBy", "activity"), ("wasAssociatedWith", "activity"),
    ("wasConfiguredBy", "activity"), ("wasInformedBy", "informed"), ("wasAttributedTo", "entity"),
    ("wasDerivedFrom", "generatedEntity"), ("usageDescriptions", "activityDescription"),
    ("generationDescriptions", "activityDescription"), ("parameterDescriptions", "activityDescription"),
    ("configFileDescriptions", "activityDescription"),
)  # fmt: skip
#: Tables that extend another one, row for row.
_SUBCLASSES = (
    ("valueEntities", "entities"), ("datasetEntities", "entities"),
    ("valueDescriptions", "entityDescriptions"), ("datasetDescriptions", "entityDescriptions"),
)  # fmt: skip


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


def _activity_description_id(row: Row) -> str | None:
    if row.get("name") is None:
        return None
    version = text(row.get("version"))
    return f"provdb/{row['name']}/{version}" if version else f"provdb/{row['name']}"


def _entity_description_id(row: Row) -> str | None:
    return None if row.get("name") is None else f"provdb/entity/{row['name']}"


class _Builder:
    """Fills one record; rows it cannot map become problems of the record."""

    def __init__(self, mapper: Mapper, record: Record) -> None:
        self.m, self.record = mapper, record
        self.problems: list[str] = []
        self.done: dict[str, set[Key]] = defaultdict(set)  # table -> keys already in the record

    def attempt(self, action: Callable[..., Any], *args: Any) -> Any:
        try:
            return action(*args)
        except _RowError as error:
            self.problems.append(str(error))
            return None

    def place(self, table: str, key: Key) -> None:
        """Mark a row as reached (so that it does not go to the rest), mapped or not."""
        self.m.placed[table].add(key)

    def new(self, table: str, key: Key) -> bool:
        """Whether a mapped row is not in this record yet (and mark it)."""
        if key in self.done[table]:
            return False
        self.done[table].add(key)
        return True

    def result(self) -> Record | ParseError:
        if self.problems:
            message = f"{self.record.id}: " + "; ".join(dict.fromkeys(self.problems))
            return ParseError(self.record.source, message, record=self.record.index)
        return self.record

    # -- nodes with everything they bring ---------------------------------------

    def entity(self, key: Key) -> str:
        self.place("entities", key)
        entity = self.m.mapped("entities", key)
        if self.new("entities", key):
            self.record.entities.append(entity)
            if entity.description:
                self.entity_description(self.m.rows["entities"][key]["entityDescription"])
            for row in self.m.data.by("wasAttributedTo", "entity").get(key, []):
                self.attempt(self.attribution, row, entity.id)
        return entity.id

    def attribution(self, row: Row, entity: str) -> None:
        agent = self.agent(self.m.target("wasAttributedTo", row, "agent"))
        self.record.attributions.append(Attribution(entity=entity, agent=agent, role=text(row.get("role"))))

    def agent(self, key: Key) -> str:
        self.place("agents", key)
        agent = self.m.mapped("agents", key)
        if self.new("agents", key):
            self.record.agents.append(agent)
        return agent.id

    def activity_description(self, key: Key) -> str:
        self.place("activityDescriptions", key)
        description = self.m.mapped("activityDescriptions", key)
        if self.new("activityDescriptions", key):
            self.record.activity_descriptions.append(description)
            for _, row in self.m.owned_rows(key):
                if row.get("entityDescription") is not None:
                    self.entity_description(row["entityDescription"])
        return description.id

    def entity_description(self, key: Key) -> str:
        self.place("entityDescriptions", key)
        description = self.m.mapped("entityDescriptions", key)
        if self.new("entityDescriptions", key):
            self.record.entity_descriptions.append(description)
        return description.id

    def owned(self, table: str, row: Row, link: str) -> str | None:
        """The local id of the description a row links, its activity description added."""
        key = self.m.target(table, row, link, required=False)
        if key is None:
            return None
        local = self.m.owned_id(TARGETS[link], key)
        self.activity_description(self.m.rows[TARGETS[link]][key]["activityDescription"])
        return local

    def derivation(self, row: Row) -> None:
        self.place("wasDerivedFrom", row["key"])
        generated = self.entity(self.m.target("wasDerivedFrom", row, "generatedEntity"))
        used = self.entity(self.m.target("wasDerivedFrom", row, "usedEntity"))
        self.record.derivations.append(Derivation(generated=generated, used=used))


class _ActivityBuilder(_Builder):
    """The record of one activity and of everything it reaches."""

    def __init__(self, mapper: Mapper, record: Record, key: Key) -> None:
        super().__init__(mapper, record)
        self.key = key
        self.primary: list[Key] = []  # entities used or generated, in order

    def build(self) -> Record | ParseError:
        """The record, or a ParseError listing every row of it that cannot be mapped."""
        row = self.m.rows["activities"][self.key]
        self.place("activities", self.key)
        activity = self.attempt(self.m.activity, self.key) or Activity(id=text(row.get("id")) or str(self.key))
        self.record.activities.append(activity)
        if row.get("activityDescription") in self.m.rows["activityDescriptions"]:
            self.attempt(self.activity_description, row["activityDescription"])
        for table, action in (
            ("used", self.usage), ("wasGeneratedBy", self.generation),
            ("wasAssociatedWith", self.association), ("wasConfiguredBy", self.configuration),
        ):  # fmt: skip
            for relation in self.m.data.by(table, "activity").get(self.key, []):
                self.attempt(action, relation, activity.id)
        for relation in self.m.data.by("wasInformedBy", "informed").get(self.key, []):
            self.attempt(self.communication, relation, activity.id)
        for key in dict.fromkeys(self.primary):
            for relation in self.m.data.by("wasDerivedFrom", "generatedEntity").get(key, []):
                self.attempt(self.derivation, relation)
        self._status(activity)
        return self.result()

    def usage(self, row: Row, activity: str) -> None:
        key = self.m.target("used", row, "entity")
        self.primary.append(key)
        entity, description = self.entity(key), self.owned("used", row, "usageDescription")
        role, time = text(row.get("role")), self.m.time("used", row, "time")
        usage = Usage(activity=activity, entity=entity, role=role, time=time, description=description)
        self.record.usages.append(usage)

    def generation(self, row: Row, activity: str) -> None:
        key = self.m.target("wasGeneratedBy", row, "entity")
        self.primary.append(key)
        entity, description = self.entity(key), self.owned("wasGeneratedBy", row, "generationDescription")
        role = text(row.get("role"))
        self.record.generations.append(Generation(entity=entity, activity=activity, role=role, description=description))

    def association(self, row: Row, activity: str) -> None:
        agent = self.agent(self.m.target("wasAssociatedWith", row, "agent"))
        self.record.associations.append(Association(activity=activity, agent=agent, role=text(row.get("role"))))

    def communication(self, row: Row, activity: str) -> None:
        informant = self.m.rows["activities"][self.m.target("wasInformedBy", row, "informant")]
        other = self.m.required("activities", informant, "id")
        if all(a.id != other for a in self.record.activities):
            self.record.activities.append(Activity(id=other))
        self.record.communications.append(Communication(informed=activity, informant=other))

    def configuration(self, row: Row, activity: str) -> None:
        table = self._artefact_table(row)
        artefact = self.m.rows[table][self.m.target("wasConfiguredBy", row, _ARTEFACT_LINKS[table])]
        name = self.m.required(table, artefact, "name")
        if table == "parameters":
            value = self.m.required(table, artefact, "value")
            description = self.owned(table, artefact, "parameterDescription")
            self.record.parameters.append(Parameter(activity=activity, name=name, value=value, description=description))
        else:
            description = self.owned(table, artefact, "configFileDescription")
            self.record.config_files.append(ConfigFile(
                activity=activity, name=name, location=text(artefact.get("location")),
                comment=text(artefact.get("comment")), description=description,
            ))  # fmt: skip

    def _artefact_table(self, row: Row) -> str:
        """``parameters`` or ``configFiles``: from artefactType or, when it is empty, from the link that is set."""
        stated = (text(row.get("artefactType")) or "").strip().lower().replace(" ", "").replace("_", "")
        if stated in _ARTEFACT_TYPES:
            return _ARTEFACT_TYPES[stated]
        if not stated and (row.get("parameter") is None) != (row.get("configFile") is None):
            return "parameters" if row.get("parameter") is not None else "configFiles"
        message = f"artefactType {row.get('artefactType')!r} is not Parameter or ConfigFile"
        raise self.m.error("wasConfiguredBy", row["key"], message)

    def _status(self, activity: Activity) -> None:
        """The value of a value entity generated with role ``status`` is the activity's status too."""
        values = {e.id: e.value for e in self.record.entities if e.kind == "value" and e.value is not None}
        for generation in self.record.generations:
            if generation.role == "status" and generation.entity in values:
                activity.extra.setdefault("ctao:status", values[generation.entity])


_ARTEFACT_TYPES = {"parameter": "parameters", "configfile": "configFiles"}
_ARTEFACT_LINKS = {"parameters": "parameter", "configFiles": "configFile"}


class _RestBuilder(_Builder):
    """The record of the rows no activity reaches: entities, agents, descriptions."""

    def build(self) -> Record | ParseError | None:
        """The rest record, or None when every row was reached by an activity."""
        rows, placed = self.m.rows, self.m.placed
        pending = {
            table: [key for key in rows[table] if key not in placed[table]]
            for table in ("entities", "wasDerivedFrom", "agents", "activityDescriptions", "entityDescriptions")
        }
        for key in pending["entities"]:
            self.attempt(self.entity, key)
        for key in pending["wasDerivedFrom"]:
            if rows["wasDerivedFrom"][key].get("generatedEntity") in rows["entities"]:
                self.attempt(self.derivation, rows["wasDerivedFrom"][key])
        for key in pending["agents"]:
            self.attempt(self.agent, key)
        for key in pending["activityDescriptions"]:
            self.attempt(self.activity_description, key)
        for key in pending["entityDescriptions"]:
            self.attempt(self.entity_description, key)
        record = self.record
        if not (self.problems or record.entities or record.agents or record.activity_descriptions
                or record.entity_descriptions):
            return None
        return self.result()

"""The records of a ProvenanceDB: one per activity, one for the rows no activity reaches.

:func:`records` walks the rows a :class:`~provrdf.capture.provdb.rows.Mapper`
holds: each activity row becomes a record with everything that links to it
(usages, generations, associations, configuration, descriptions, the
entities and agents they name); the rows no activity reaches make one last
record; the rows no record can hold are a :class:`~provrdf.errors.ReadWarning`
each. What a record cannot keep as the database says it is a warning of that
record; a row that cannot be read at all rejects its record, as a
:class:`~provrdf.errors.ParseError`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from provrdf.capture.provdb.rows import (
    ARTEFACT_LINKS,
    ARTEFACT_TYPES,
    DISAGREES,
    NO_OWNER,
    NOT_READ,
    OWNED,
    Mapper,
    Note,
    RowError,
    given,
)
from provrdf.capture.provdb.tables import TABLES, Key, Row
from provrdf.capture.provdb.values import extension, text
from provrdf.errors import ParseError, ReadWarning
from provrdf.model import (
    Activity,
    Association,
    Attribution,
    Communication,
    ConfigFile,
    Derivation,
    Generation,
    Parameter,
    Record,
    Usage,
)

__all__ = ["records"]

_T = TypeVar("_T")


def records(mapper: Mapper) -> Iterator[Record | ParseError | ReadWarning]:
    """Every activity's record (or its ParseError), then the rest, then warnings for the rows no record holds."""
    index = 0
    first_of: dict[str, Key] = {}  # record id -> the key of the activity row that has it
    for key, row in mapper.rows("activities").items():
        record = Record(id=f"provdb/activity/{text(row.get('id')) or key}", source=mapper.source, index=index)
        first = first_of.setdefault(record.id, key)
        if first != key:  # two rows that are one activity by id: which one to believe is not for provrdf to say
            yield ParseError(mapper.source, f"{mapper.where('activities', key)}: its id {text(row.get('id'))!r} is "
                             f"also that of {mapper.where('activities', first)}; an id names one activity, so "
                             "only the first row is read", record=index)
        else:
            yield _ActivityBuilder(mapper, record, key).build()
        index += 1
    rest = _RestBuilder(mapper, Record(id="provdb/rest", source=mapper.source, index=index)).build()
    if rest is not None:
        yield rest
    for message in mapper.homeless():
        yield ReadWarning(mapper.source, NOT_READ, message)


class _Builder:
    """Fills one record; what it cannot keep becomes a warning, a row it cannot read a problem of the record."""

    def __init__(self, mapper: Mapper, record: Record) -> None:
        self.m, self.record = mapper, record
        self.problems: list[str] = []
        self.notes: list[Note] = []
        self.done: dict[str, set[Key]] = defaultdict(set)  # table -> keys already in the record

    def attempt(self, action: Callable[..., _T], *args: Any) -> _T | None:
        """``action(*args)``, or None when it meets a row that cannot be read (a problem of the record)."""
        try:
            return action(*args)
        except RowError as error:
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

    def mapped(self, table: str, key: Key) -> Any:
        """The shared node of a row; its warnings become the record's."""
        node, notes = self.m.mapped(table, key)
        self.notes += notes
        return node

    def result(self) -> Record | ParseError:
        """The record with its warnings, or a ParseError listing the rows it cannot read."""
        if self.problems:
            message = f"{self.record.id}: " + "; ".join(dict.fromkeys(self.problems))
            return ParseError(self.record.source, message, record=self.record.index)
        self.record.warnings = list(dict.fromkeys(self.notes))
        return self.record

    # -- nodes with everything they bring ---------------------------------------

    def entity(self, key: Key) -> str:
        """Add an entity with its description and attributions; return its id."""
        self.place("entities", key)
        entity = self.mapped("entities", key)
        if self.new("entities", key):
            self.record.entities.append(entity)
            description = self.m.rows("entities")[key].get("entityDescription")
            if entity.description:
                self.entity_description(description)
            for row in self.m.data.by("wasAttributedTo", "entity").get(key, []):
                self.attempt(self.attribution, row, entity.id)
        return str(entity.id)

    def attribution(self, row: Row, entity: str) -> None:
        agent = self.m.end("wasAttributedTo", row, "agent", self.notes)
        if agent is not None:
            self.record.attributions.append(Attribution(
                entity=entity, agent=self.agent(agent), role=text(row.get("role")), extra=extension(row.extra)))

    def agent(self, key: Key) -> str:
        """Add an agent; return its id."""
        self.place("agents", key)
        agent = self.mapped("agents", key)
        if self.new("agents", key):
            self.record.agents.append(agent)
        return str(agent.id)

    def activity_description(self, key: Key) -> str:
        """Add an activity description and the entity descriptions its parts name; return its id."""
        self.place("activityDescriptions", key)
        description = self.mapped("activityDescriptions", key)
        if self.new("activityDescriptions", key):
            self.record.activity_descriptions.append(description)
            for _, row in self.m.owned_rows(key):
                if row.get("entityDescription") in self.m.rows("entityDescriptions"):
                    self.entity_description(row.get("entityDescription"))
        return str(description.id)

    def entity_description(self, key: Key) -> str:
        """Add an entity description; return its id."""
        self.place("entityDescriptions", key)
        description = self.mapped("entityDescriptions", key)
        if self.new("entityDescriptions", key):
            self.record.entity_descriptions.append(description)
        return str(description.id)

    def described(self, table: str, row: Row, link: str) -> str | None:
        """The local id of the owned description a row links, that description's activity description added.

        A link to a description that belongs to no activity description, or
        whose role (name) differs from the row's, is left out with a warning.
        """
        key = self.m.link(table, row, link, self.notes)
        if key is None:
            return None
        target = TABLES[table].links[link]
        field, where = OWNED[target][1], self.m.where(table, row.key)
        if key not in self.m.owned_ids[target]:
            why = self.m.no_owner(target, key)
            message = f"{where}: {link} {key!r} belongs to no activity description ({why}); the link is left out"
            self.notes.append((NO_OWNER, message))
            return None
        said, described = text(row.get(field)), text(self.m.rows(target)[key].get(field))
        if said is not None and described is not None and said != described:
            message = (f"{where}: its {field} {said!r} differs from the {field} {described!r} "
                       f"of the {target} row {key!r} it links; the link is left out")  # fmt: skip
            self.notes.append((DISAGREES, message))
            return None
        self.activity_description(self.m.owners[target][key])
        return self.m.owned_ids[target][key]

    def derivation(self, row: Row) -> None:
        self.place("wasDerivedFrom", row.key)
        generated = self.m.end("wasDerivedFrom", row, "generatedEntity", self.notes)
        used = self.m.end("wasDerivedFrom", row, "usedEntity", self.notes)
        if generated is not None and used is not None:
            self.record.derivations.append(
                Derivation(generated=self.entity(generated), used=self.entity(used), extra=extension(row.extra)))


class _ActivityBuilder(_Builder):
    """The record of one activity and of everything it reaches."""

    def __init__(self, mapper: Mapper, record: Record, key: Key) -> None:
        super().__init__(mapper, record)
        self.key = key
        self.primary: list[Key] = []  # entities used or generated, in order

    def build(self) -> Record | ParseError:
        """The record, or a ParseError listing every row of it that cannot be read."""
        row = self.m.rows("activities")[self.key]
        self.place("activities", self.key)
        activity = self.attempt(self.m.activity, self.key, self.notes) or Activity(id=text(row.get("id")) or "")
        self.record.activities.append(activity)
        if activity.description is not None:
            self.attempt(self.activity_description, row.get("activityDescription"))
        relations: tuple[tuple[str, Callable[[Row, str], None]], ...] = (
            ("used", self.usage), ("wasGeneratedBy", self.generation),
            ("wasAssociatedWith", self.association), ("wasConfiguredBy", self.configuration),
        )  # fmt: skip
        for table, action in relations:
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
        key = self.m.link("used", row, "entity", self.notes, "the usage is kept without its entity")
        if key is not None:
            self.primary.append(key)
        self.record.usages.append(Usage(
            activity=activity, entity=None if key is None else self.entity(key), role=text(row.get("role")),
            time=self.m.time("used", row, "time"), description=self.described("used", row, "usageDescription"),
            extra=extension(row.extra),
        ))  # fmt: skip

    def generation(self, row: Row, activity: str) -> None:
        key = self.m.end("wasGeneratedBy", row, "entity", self.notes)
        if key is None:
            return
        self.primary.append(key)
        self.record.generations.append(Generation(
            entity=self.entity(key), activity=activity, role=text(row.get("role")),
            description=self.described("wasGeneratedBy", row, "generationDescription"), extra=extension(row.extra),
        ))  # fmt: skip

    def association(self, row: Row, activity: str) -> None:
        key = self.m.link("wasAssociatedWith", row, "agent", self.notes, "the association is kept without its agent")
        self.record.associations.append(Association(
            activity=activity, agent=None if key is None else self.agent(key), role=text(row.get("role")),
            extra=extension(row.extra),
        ))  # fmt: skip

    def communication(self, row: Row, activity: str) -> None:
        key = self.m.end("wasInformedBy", row, "informant", self.notes)
        if key is None:
            return
        other = self.m.identifier("activities", self.m.rows("activities")[key])
        if all(a.id != other for a in self.record.activities):
            self.record.activities.append(Activity(id=other))
        self.record.communications.append(Communication(informed=activity, informant=other, extra=extension(row.extra)))

    def configuration(self, row: Row, activity: str) -> None:
        """A parameter or config file, through ``wasConfiguredBy`` (whose other columns it keeps)."""
        table = self._artefact_table(row)
        key = None if table is None else self.m.end("wasConfiguredBy", row, ARTEFACT_LINKS[table], self.notes)
        if table is None or key is None:
            return
        artefact = self.m.rows(table)[key]
        name, extra = given(text(artefact.get("name"))), extension(artefact.extra, row.extra)
        if table == "parameters":
            self.record.parameters.append(Parameter(
                activity=activity, name=name, value=text(artefact.get("value")), extra=extra,
                description=self.described(table, artefact, "parameterDescription"),
            ))  # fmt: skip
        else:
            self.record.config_files.append(ConfigFile(
                activity=activity, name=name, location=text(artefact.get("location")), extra=extra,
                comment=text(artefact.get("comment")),
                description=self.described(table, artefact, "configFileDescription"),
            ))  # fmt: skip

    def _artefact_table(self, row: Row) -> str | None:
        """``parameters`` or ``configFiles``: from artefactType or, when it names neither, from the link that is set."""
        stated = (text(row.get("artefactType")) or "").strip().lower().replace(" ", "").replace("_", "")
        if stated in ARTEFACT_TYPES:
            return ARTEFACT_TYPES[stated]
        if (row.get("parameter") is None) != (row.get("configFile") is None):
            return "parameters" if row.get("parameter") is not None else "configFiles"
        where = self.m.where("wasConfiguredBy", row.key)
        message = (f"{where}: artefactType {row.get('artefactType')!r} is not Parameter or ConfigFile "
                   "and the row does not link exactly one of them; not read")  # fmt: skip
        self.notes.append((NOT_READ, message))
        return None

    def _status(self, activity: Activity) -> None:
        """The value of a value entity generated with role ``status`` is the activity's status too."""
        values = {e.id: e.value for e in self.record.entities if e.kind == "value" and e.value is not None}
        for generation in self.record.generations:
            if generation.role == "status" and generation.entity in values:
                activity.extra.setdefault("ctao:status", values[generation.entity])


class _RestBuilder(_Builder):
    """The record of the rows no activity reaches: entities, agents, descriptions."""

    def build(self) -> Record | ParseError | None:
        """The rest record, or None when every row was reached by an activity."""
        placed = self.m.placed
        pending = {
            table: [key for key in self.m.rows(table) if key not in placed[table]]
            for table in ("entities", "wasDerivedFrom", "agents", "activityDescriptions", "entityDescriptions")
        }
        for key in pending["entities"]:
            self.attempt(self.entity, key)
        for key in pending["wasDerivedFrom"]:
            row = self.m.rows("wasDerivedFrom")[key]
            if row.get("generatedEntity") in self.m.rows("entities"):
                self.attempt(self.derivation, row)
        for key in pending["agents"]:
            self.attempt(self.agent, key)
        for key in pending["activityDescriptions"]:
            self.attempt(self.activity_description, key)
        for key in pending["entityDescriptions"]:
            self.attempt(self.entity_description, key)
        record = self.record
        if not (self.problems or self.notes or record.entities or record.agents or record.activity_descriptions
                or record.entity_descriptions):
            return None
        return self.result()

"""Provenance events → records: the grouping shared by the gammapy reader and the tracer.

A gammapy-style log (and the in-process tracer) writes one event per
line: a session, an activity start, its parameters, an entity, a usage or
generation, a membership, a derivation, an activity end. The events of one
activity may be spread over the log and interleaved with others; they are
grouped here by activity.

Mapping: a session is an activity ``session/<session_id>`` with its system
block, emitted as its own record when first seen; each method call is an
activity ``<session_id>/<activity_id>`` (``gammapy/<activity_id>`` outside a
session), part of its session, associated with its operator
(``person/<agent_name>``, role ``Operator``) and, when the session is
gammapy's (its name, or the gammapy package in its system block) or there
is no session (the 2019 prototype), with the software agent
``software/gammapy[/<version>]``; logprov and tracer sessions name no
software, and none is made up for them; and gets one record, emitted at its end
event (or at the end of the log, without end time). Entity ids: hashes
become ``<hash_type>:<hash>``, namespaced ids (``gamma-events:23523``) are
kept, Python object ids become ``<session_id>/object/<id>``. An entity is a
collection when it has members, a value entity when it has a ``value``, a
dataset when it is a ``File`` or a ``FileCollection`` with a ``filepath``
(2019: when it has a location). A new id at a location that an earlier
entity had means the content changed: the new entity is derived from the
old one. An activity whose events contradict each other is yielded as a
:class:`~provrdf.errors.ParseError` listing its lines.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from provrdf.capture.facts import as_dict, as_list, flatten_config, system_facts, time_or_text
from provrdf.capture.gammapy.definition import Definitions
from provrdf.capture.gammapy.definition import parse as parse_definitions
from provrdf.errors import ParseError, ReadWarning
from provrdf.model import (
    Activity,
    Agent,
    Association,
    ConfigFile,
    Derivation,
    Entity,
    Generation,
    Membership,
    Parameter,
    Record,
    Usage,
)

__all__ = ["records"]


_ENTITY_KEYS = frozenset(
    {"name", "entity_description", "location", "filepath", "hash", "hash_type", "type", "contentType", "value"}
)
_HASH_TYPES = {32: "md5", 40: "sha1", 64: "sha256"}
_HEX = re.compile(r"[0-9a-fA-F]+")


def records(events: Iterable[tuple[int, dict]], source: str = "<memory>") -> Iterator[Record | ParseError | ReadWarning]:
    """Group provenance events by activity and map them to records.

    Parameters
    ----------
    events
        ``(line number, payload)`` pairs in log order, payloads as
        :func:`parse_line` gives them (or as a tracer makes them).
    source
        Name of the log, for the records and the errors.

    Yields
    ------
    Record or ParseError
        A session record when a session is first seen, an activity record
        when its end event comes (the unfinished ones at the end), a record
        of the memberships and derivations no activity record took, and a
        ParseError for each inconsistent activity or unknown event.

    >>> events = [(1, {"activity_id": "a1", "name": "run_fit", "startTime": "2020-04-21T13:05:10"}),
    ...           (2, {"activity_id": "a1", "endTime": "2020-04-21T13:05:12"})]
    >>> [(r.id, r.activities[0].name) for r in records(events)]
    [('gammapy/a1', 'run_fit')]
    """
    builder = _Builder(source)
    for line, payload in events:
        yield from builder.feed(line, payload)
    yield from builder.finish()


# -- events -> records ---------------------------------------------------------------


class _EventError(Exception):
    """An event that cannot be given to any activity (reported with its line)."""


@dataclass
class _Pending:
    """The events of one activity seen so far."""

    key: Any
    session: str | None
    after: int | None  #: line of the end of an earlier activity with the same id
    lines: list[int] = field(default_factory=list)
    starts: list[tuple[int, dict]] = field(default_factory=list)
    parameters: dict = field(default_factory=dict)
    used: list[tuple[str, str | None]] = field(default_factory=list)
    generated: list[tuple[str, str | None]] = field(default_factory=list)
    end: tuple[int, Any] | None = None
    problems: list[str] = field(default_factory=list)


class _Builder:
    """The state of one log: sessions, open activities, entities and their relations."""

    def __init__(self, source: str) -> None:
        self.source, self.index = source, 0
        self.current: str | None = None  #: the last session seen
        #: session id -> the gammapy version it ran ("" when unknown), None for a session that is not gammapy
        self.sessions: dict[str, str | None] = {}
        self.definitions: dict[str, Definitions] = {}  #: session id -> the definitions it logged (logprov)
        self.open: dict[Any, _Pending] = {}
        self.finished: dict[Any, int] = {}  #: activity_id -> line of its end
        self.done: dict[str, int] = {}  #: activity local id -> first line
        self.entities: dict[str, Entity] = {}
        self.hash_types: dict[str, str] = {}
        self.at_location: dict[str, str] = {}
        self.members: dict[str, list[str]] = {}
        self.derived: dict[str, list[str]] = {}
        self.placed: set[tuple[str, str, str]] = set()

    # -- dispatch ---------------------------------------------------------------

    def feed(self, line: int, payload: dict) -> list[Record | ParseError | ReadWarning]:
        kind = _kind(payload)
        try:
            if kind is None:
                raise _EventError(f"not a gammapy provenance event (keys: {', '.join(map(str, payload))})")
            out: list[Record | ParseError | ReadWarning] = getattr(self, "_on_" + kind)(line, payload) or []
        except _EventError as error:
            return [ParseError(self.source, str(error), line=line)]
        unread = [key for key in payload if key not in _READ_KEYS[kind] and key != _keyed_id(payload)]
        if unread:
            out.append(ReadWarning(self.source, "event keys not read", (
                f"the {kind} event has keys provrdf does not read, not kept: {', '.join(map(repr, unread))}"),
                line=line))
        return out

    def finish(self) -> list[Record | ParseError]:
        out = [self._complete(p) for p in sorted(self.open.values(), key=lambda p: p.lines[0])]
        self.open.clear()
        leftover = self._leftover_relations()
        return out + ([leftover] if leftover else [])

    def _emit(self, record: Record) -> Record:
        record.source, record.index = self.source, self.index
        self.index += 1
        return record

    def _error(self, message: str, line: int) -> ParseError:
        self.index += 1
        return ParseError(self.source, message, record=self.index - 1, line=line)

    # -- one handler per event kind ------------------------------------------------

    def _on_session(self, line: int, payload: dict) -> list[Record | ParseError]:
        sid = _key_text(payload["session_id"])
        if sid is None:
            raise _EventError(f"session event without a usable session_id ({_shown(payload['session_id'])})")
        self.current = sid
        if sid in self.sessions:
            return []
        system = as_dict(payload.get("system"))
        self.sessions[sid] = _gammapy_version(payload, system)
        start = time_or_text(payload.get("startTime"))
        if isinstance(start, str):
            return [self._error(f"session {sid}: startTime {start!r} is not an ISO 8601 time", line)]
        name = payload.get("name") or ".".join(str(payload[k]) for k in ("module", "class") if payload.get(k))
        session = Activity(id=f"session/{sid}", name=_text(name) or None, start=start, system=system_facts(system))
        record = Record(id=session.id, activities=[session])
        if isinstance(payload.get("configFile"), (str, os.PathLike)):  # logprov 0.0.1: the definition file used
            path = os.fspath(payload["configFile"])
            record.config_files.append(ConfigFile(session.id, os.path.basename(path) or path, location=path))
        if "definitions" in payload:
            self._session_definitions(sid, payload["definitions"], record)
        return [self._emit(record)]

    def _session_definitions(self, sid: str, data: Any, record: Record) -> None:
        """The descriptions a logprov session logged: stored with it, linked to its activities."""
        try:
            definitions = parse_definitions(data, f"session-{sid}")
        except ValueError as error:
            record.warnings.append(("definitions not read", f"the session's definitions are not read: {error}"))
            return
        self.definitions[sid] = definitions
        record.activity_descriptions = list(definitions.activity_descriptions)
        record.entity_descriptions = list(definitions.entity_descriptions)
        record.warnings += [("definition key not read", text) for text in definitions.warnings]

    def _on_start(self, line: int, payload: dict) -> list:
        pending = self._pending(line, payload)
        pending.starts.append((line, payload))
        pending.session = _key_text(payload.get("in_session")) or pending.session
        if pending.end is not None:  # its end came first
            return [self._close(pending)]
        return []

    def _on_parameters(self, line: int, payload: dict) -> None:
        pending = self._pending(line, payload)
        if isinstance(payload["parameters"], dict):
            pending.parameters.update(_plain(payload["parameters"]))
        else:
            pending.problems.append(f"the parameters of line {line} are not a dict")

    def _on_used(self, line: int, payload: dict) -> None:
        self._relation(line, payload, "used")

    def _on_generated(self, line: int, payload: dict) -> None:
        self._relation(line, payload, "generated")

    def _on_end(self, line: int, payload: dict) -> list:
        pending = self._pending(line, payload)
        if pending.end is not None:
            pending.problems.append(f"a second end event at line {line}")
        pending.end = pending.end or (line, payload["endTime"])
        return [self._close(pending)] if pending.starts else []

    def _on_entity(self, line: int, payload: dict) -> None:
        raw = payload["entity_id"] if "entity_id" in payload else _keyed_id(payload)
        local = self._entity_id(raw, self.current, payload.get("hash_type"))
        if local is None:
            raise _EventError(f"entity event without a usable entity_id ({_shown(raw)})")
        name = payload.get("name") or payload.get("entity_description")
        if name is None and "entity_id" not in payload:
            name = payload[raw] if isinstance(payload.get(raw), str) else None
        value = payload.get("value")
        kind = "value" if value is not None else _file_kind(payload.get("type"), payload.get("filepath"))
        self._describe(local, kind, name=name, location=payload.get("location") or payload.get("filepath"),
                       value=None if value is None else _text(value))
        if payload.get("contentType"):
            self.entities[local].extra.setdefault("dcterms:format", _text(payload["contentType"]))

    def _on_member(self, line: int, payload: dict) -> None:
        collection = self._entity_id(payload.get("entity_id"), self.current)
        member = self._entity_id(payload["member_id"], self.current)
        if collection is None or member is None:
            raise _EventError("membership event without a usable entity_id or member_id")
        if payload.get("member_type"):
            self._describe(member, "entity", name=payload["member_type"])
        _add(self.members, collection, member)

    def _on_derivation(self, line: int, payload: dict) -> None:
        generated = self._entity_id(payload.get("entity_id"), self.current)
        used = self._entity_id(payload["progenitor_id"], self.current)
        if generated is None or used is None:
            raise _EventError("derivation event without a usable entity_id or progenitor_id")
        moment = time_or_text(payload.get("generated_time"))
        self._describe(generated, "entity", generated_at=None if isinstance(moment, str) else moment)
        _add(self.derived, generated, used)

    # -- activities ---------------------------------------------------------------

    def _pending(self, line: int, payload: dict) -> _Pending:
        key = payload["activity_id"]
        if isinstance(key, bool) or not isinstance(key, (int, str)) or key == "":
            raise _EventError(f"event without a usable activity_id ({_shown(key)})")
        pending = self.open.get(key)
        if pending is None:
            pending = self.open[key] = _Pending(key, self.current, self.finished.get(key))
        pending.lines.append(line)
        return pending

    def _relation(self, line: int, payload: dict, kind: str) -> None:
        pending = self._pending(line, payload)
        raw = payload[f"{kind}_id"]
        local = self._entity_id(raw, pending.session)
        if local is None:
            pending.problems.append(f"the {kind} event of line {line} has no usable {kind}_id ({_shown(raw)})")
            return
        location = payload.get("entity_location")
        if "entity_type" in payload or location:
            self._describe(local, "dataset" if location else "entity", name=payload.get("entity_type"),
                           location=location)
        getattr(pending, kind).append((local, _text(payload.get(f"{kind}_role"))))

    def _close(self, pending: _Pending) -> Record | ParseError:
        del self.open[pending.key]
        self.finished[pending.key] = pending.end[0] if pending.end else pending.lines[-1]
        return self._complete(pending)

    def _complete(self, pending: _Pending) -> Record | ParseError:
        local = _activity_id(pending)
        problems = _problems(pending)
        if local in self.done and not problems:
            problems.append(f"its id {local} was already used by the activity of line {self.done[local]}")
        if problems:
            lines = ", ".join(str(line) for line in sorted(set(pending.lines)))
            return self._error(f"activity {pending.key!r}: {'; '.join(problems)} (lines {lines})", pending.lines[0])
        self.done[local] = pending.lines[0]
        return self._emit(self._activity_record(pending, local))

    def _activity_record(self, pending: _Pending, local: str) -> Record:
        (_, start), sid = pending.starts[0], pending.session
        activity = Activity(
            id=local,
            name=_text(_activity_name(start)) or None,
            start=_time(start.get("startTime")),  # checked by _problems: a time, or none
            end=_time(pending.end[1]) if pending.end else None,
            part_of=f"session/{sid}" if sid else None,
        )
        record = Record(id=local, activities=[activity])
        self._add_agents(record, sid, start.get("agent_name"))
        record.parameters = [Parameter(local, name, value) for name, value in flatten_config(pending.parameters)]
        for entity, role in pending.used:
            if Usage(local, entity, role) not in record.usages:
                record.usages.append(Usage(local, entity, role))
        for entity, role in pending.generated:
            if all(g.entity != entity for g in record.generations):  # one generation per entity
                record.generations.append(Generation(entity, local, role))
        roots = [u.entity for u in record.usages if u.entity] + [g.entity for g in record.generations]
        self._add_entities(record, roots)
        if sid in self.definitions:
            self.definitions[sid].apply(record)
        return record

    def _add_agents(self, record: Record, session: str | None, operator: Any) -> None:
        activity, version = record.id, self.sessions.get(session, "") if session else ""
        if version is not None:  # gammapy, or the prototype without sessions
            software = Agent(
                id=f"software/gammapy/{version}" if version else "software/gammapy",
                name=f"gammapy {version}" if version else "gammapy",
                type="SoftwareAgent",
            )
            record.agents.append(software)
            record.associations.append(Association(activity, software.id))
        if isinstance(operator, str) and operator.strip():
            person = Agent(id=f"person/{operator.strip()}", name=operator.strip(), type="Person")
            record.agents.append(person)
            record.associations.append(Association(activity, person.id, "Operator"))

    # -- entities -----------------------------------------------------------------

    def _entity_id(self, raw: Any, session: str | None, hash_type: Any = None) -> str | None:
        scope = f"{session or 'gammapy'}/object/"
        if isinstance(raw, bool) or not isinstance(raw, (int, str)):
            return None
        text = str(raw).strip()
        if not text:
            return None
        if isinstance(raw, int) or (text.isdigit() and len(text) <= 20):
            return scope + text
        if len(text) in _HASH_TYPES and _HEX.fullmatch(text):
            text = text.lower()
            if isinstance(hash_type, str) and hash_type.strip():
                self.hash_types[text] = hash_type.strip().lower()
            return f"{self.hash_types.get(text, _HASH_TYPES[len(text)])}:{text}"
        return text if ":" in text else scope + text

    def _describe(self, local: str, kind: str, **known: Any) -> None:
        """Add what an event tells about entity ``local``; the first value of each attribute wins."""
        known = {key: value for key, value in known.items() if value not in (None, "")}
        if "location" in known:
            known["location"] = str(known["location"])
        if "name" in known:
            known["name"] = _text(known["name"])
        entity = self.entities.get(local)
        if entity is None:
            entity = self.entities[local] = Entity(id=local, kind=kind, **known)
        else:
            for key, value in known.items():
                if getattr(entity, key) is None:
                    setattr(entity, key, value)
            if entity.kind == "entity":
                entity.kind = kind
        if "location" in known:
            self._track(local, known["location"])

    def _track(self, local: str, location: str) -> None:
        """A new id at a known location: the new entity is derived from the previous one."""
        key = os.path.normpath(location)
        previous = self.at_location.get(key)
        if previous is not None and previous != local and local not in self.derived.get(previous, []):
            _add(self.derived, local, previous)
        self.at_location[key] = local

    def _add_entities(self, record: Record, roots: list[str]) -> None:
        """The entities of ``roots``, their members and their progenitors, with those relations."""
        ids = list(dict.fromkeys(roots))
        for collection in ids:  # grows with the members of members
            for member in self.members.get(collection, []):
                record.memberships.append(Membership(collection, member))
                self.placed.add(("member", collection, member))
                ids += [member] if member not in ids else []
        for generated in list(ids):
            for used in self.derived.get(generated, []):
                record.derivations.append(Derivation(generated, used))
                self.placed.add(("derived", generated, used))
                ids += [used] if used not in ids else []
        record.entities = [self._entity(local) for local in ids]

    def _entity(self, local: str) -> Entity:
        known = self.entities.get(local) or Entity(id=local)
        kind = "collection" if self.members.get(local) else known.kind
        return replace(known, kind=kind, extra=dict(known.extra))

    def _leftover_relations(self) -> Record | None:
        """One record for the memberships and derivations that no activity record took."""
        members = [Membership(c, m) for c, ms in self.members.items() for m in ms
                   if ("member", c, m) not in self.placed]
        derived = [Derivation(g, u) for g, us in self.derived.items() for u in us
                   if ("derived", g, u) not in self.placed]
        if not members and not derived:
            return None
        ids = [x for m in members for x in (m.collection, m.member)] + [x for d in derived for x in (d.generated, d.used)]
        record = Record(id=f"{self.current or 'gammapy'}/relations", memberships=members, derivations=derived)
        record.entities = [self._entity(local) for local in dict.fromkeys(ids)]
        return self._emit(record)


# -- small helpers -------------------------------------------------------------------


#: The keys each event kind reads (FORMATS.md §2); any other key is named in a warning.
_READ_KEYS: dict[str, frozenset[str]] = {
    "session": frozenset({"session_id", "name", "module", "class", "startTime", "system", "definitions",
                          "configFile"}),
    "start": frozenset({"activity_id", "name", "activity_name", "startTime", "in_session", "agent_name"}),
    "parameters": frozenset({"activity_id", "parameters"}),
    "used": frozenset({"activity_id", "used_id", "used_role", "entity_type", "entity_location"}),
    "generated": frozenset({"activity_id", "generated_id", "generated_role", "entity_type", "entity_location"}),
    "end": frozenset({"activity_id", "endTime"}),
    "entity": _ENTITY_KEYS | {"entity_id"},
    "member": frozenset({"entity_id", "member_id", "member_type"}),
    "derivation": frozenset({"entity_id", "progenitor_id", "generated_time"}),
}


def _kind(payload: dict) -> str | None:
    """The event kind of a payload, from its keys."""
    if "session_id" in payload:
        return "session"
    if "activity_id" in payload:
        for key, kind in (("used_id", "used"), ("generated_id", "generated"),
                          ("parameters", "parameters"), ("endTime", "end")):
            if key in payload:
                return kind
        return "start" if {"startTime", "name", "activity_name"} & payload.keys() else None
    if "member_id" in payload:
        return "member"
    if "progenitor_id" in payload:
        return "derivation"
    if "entity_id" in payload or _keyed_id(payload) is not None:
        return "entity"
    return None


def _keyed_id(payload: dict) -> Any:
    """The id of a logprov entity record keyed by the id itself, else None."""
    others = [key for key in payload if key not in _ENTITY_KEYS]
    if len(others) != 1 or not _ENTITY_KEYS.difference({"name", "value"}).intersection(payload):
        return None
    return others[0] if isinstance(others[0], (int, str)) and not isinstance(others[0], bool) else None


def _problems(pending: _Pending) -> list[str]:
    """What makes the events of one activity contradict each other."""
    problems = list(pending.problems)
    if not pending.starts:
        after = f" (an activity with this id ended at line {pending.after})" if pending.after else ""
        return problems + [f"no start event{after}"]
    first_line, first = pending.starts[0]
    for line, other in pending.starts[1:]:
        for key, read in (("name", _activity_name), ("startTime", _start_time)):
            if read(other) != read(first):
                problems.append(f"two different {key}s {read(first)!r} (line {first_line}) "
                                f"and {read(other)!r} (line {line})")
    start = time_or_text(first.get("startTime"))
    end = time_or_text(pending.end[1]) if pending.end else None
    for key, moment in (("startTime", start), ("endTime", end)):
        if isinstance(moment, str):
            problems.append(f"{key} {moment!r} is not an ISO 8601 time")
    if pending.end and pending.end[0] < first_line:
        problems.append(f"its end event (line {pending.end[0]}) comes before its start event (line {first_line})")
    elif pending.end and isinstance(start, datetime) and isinstance(end, datetime) and end < start:
        problems.append(f"it ends ({pending.end[1]}) before it starts ({first.get('startTime')})")
    return problems


def _start_time(payload: dict) -> Any:
    return payload.get("startTime")


def _time(value: Any) -> datetime | None:
    """A time of an event that :func:`_problems` found readable (or absent)."""
    moment = time_or_text(value)
    return moment if isinstance(moment, datetime) else None


def _activity_name(payload: dict) -> Any:
    """The name of an activity start event: ``name``, or ``activity_name`` in the 2019 form."""
    return payload.get("name", payload.get("activity_name"))


def _activity_id(pending: _Pending) -> str:
    return f"{pending.session or 'gammapy'}/{pending.key}"


def _file_kind(kind: Any, filepath: Any) -> str:
    if kind == "File" or (kind == "FileCollection" and filepath):
        return "dataset"
    return "collection" if kind == "FileCollection" else "entity"


def _gammapy_version(session: dict, system: dict) -> str | None:
    """The gammapy version of a session: its own key, else the gammapy package listed; ``""`` when a
    gammapy session says no version, None when the session is not gammapy's (logprov, the tracer)."""
    if system.get("gammapy_version"):
        return _text(system["gammapy_version"])
    packages = as_list(as_dict(system.get("python")).get("packages"))
    found = [p.get("version") for p in packages if isinstance(p, dict) and p.get("name") == "gammapy"]
    if found:
        return _text(found[0]) or ""
    return "" if str(session.get("name") or "").startswith("gammapy") else None


def _shown(value: Any) -> str:
    """A bad id as a message shows it: never an empty pair of quotes.

    >>> _shown(""), _shown(None), _shown(True)
    ('an empty text', 'none', 'True')
    """
    if value is None:
        return "none"
    if isinstance(value, str) and not value.strip():
        return "an empty text"
    return repr(value)


def _key_text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip():
        return None
    return str(value).strip()


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, default=str) if isinstance(value, (dict, list, bool)) else str(value)


def _plain(value: Any) -> Any:
    """``value`` with paths (a tracer may pass ``Path`` objects) written as text."""
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return [_plain(item) for item in value] if isinstance(value, (list, tuple)) else value


def _add(links: dict[str, list[str]], key: str, value: str) -> None:
    if value not in links.setdefault(key, []):
        links[key].append(value)

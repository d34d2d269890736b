"""One activity being recorded: the entities, relations and derivations of a traced call or block."""

from __future__ import annotations

import hashlib
import os
import stat
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Protocol

from provrdf.capture.files import file_entity_id
from provrdf.capture.tracer.entities import Entities
from provrdf.capture.tracer.values import (
    LONG_TEXT,
    NOT_PLAIN,
    SKIPPED,
    path_text,
    plain_value,
    short_repr,
    stat_path,
)

if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["EventWriter", "TracedActivity", "now"]


class EventWriter(Protocol):
    """What an activity reports to (a :class:`~provrdf.capture.tracer.Tracer`): its session and its events."""

    session_id: str
    agent: str
    registry: Entities  #: the entities seen so far, to tell when one changed

    def begin_session(self) -> None:
        """Make the session event, once, before the first activity's events."""

    def emit(self, events: list[tuple[str, dict]]) -> None:
        """Write (or buffer) the events of one finished activity."""


def now() -> str:
    """The current UTC time in ISO 8601, as the events write it."""
    return datetime.now(timezone.utc).isoformat()


class TracedActivity:
    """One activity being recorded: a traced call, or a block under :meth:`Tracer.activity`.

    Its events are collected while it runs and written together when it
    ends, so that concurrent activities never interleave.

    Parameters
    ----------
    tracer
        The tracer that writes its events.
    name
        The activity name (the function or method name).
    parameters
        Initial parameters, ``{name: plain value}``.
    """

    def __init__(self, tracer: EventWriter, name: str, parameters: dict[str, Any] | None = None) -> None:
        self.tracer = tracer
        self.id = str(uuid.uuid4())
        self.name = name
        self.start = now()
        self.parameters: dict[str, Any] = {}
        self._entities: dict[str, dict] = {}
        self._relations: list[dict] = []
        self._related: set[tuple[str, str]] = set()
        self._links: list[dict] = []
        self._watched: list[tuple[str | None, Any, os.stat_result | None]] = []  # (role, path or object, stat)
        self._outputs: list[tuple[str, str]] = []
        self._values = 0
        self._finished = False
        tracer.begin_session()
        for key, value in (parameters or {}).items():
            self.parameter(key, value)

    # -- public --------------------------------------------------------------------

    def parameter(self, name: str, value: Any) -> None:
        """Record a parameter; a value that is not plain is recorded as its ``str``."""
        plain = plain_value(value)
        self.parameters[name] = plain if plain is not NOT_PLAIN else short_repr(str(value), LONG_TEXT)

    def used(self, target: Any, role: str | None = None, *, name: str | None = None) -> str | None:
        """Record that the activity used ``target``; return its entity id.

        Parameters
        ----------
        target
            A path (``str`` or ``os.PathLike``) of a file or folder, a list of
            file paths (a collection), a plain value or any Python object.
        role
            The role of the entity in the activity (a call's argument name).
        name
            A name for the entity (by default the file name or the type name).
        """
        return self._use(target, role, name)

    def _use(self, target: Any, role: str | None, name: str | None, st: os.stat_result | None = None) -> str | None:
        text = path_text(target)
        if text is not None and st is None:
            st = stat_path(text)
        entity_id = self._relate("used", target, role, name, only_new=False, st=st)
        if entity_id is None:
            return None
        if st is not None and stat.S_ISREG(st.st_mode):
            self._watched.append((role, text, st))
        elif self._entities[entity_id]["type"] == "PythonObject" and "value" not in self._entities[entity_id]:
            self._watched.append((role, target, None))
        return entity_id

    def generated(self, target: Any, role: str | None = None, *, name: str | None = None) -> str | None:
        """Record that the activity generated ``target`` (see :meth:`used`); return its entity id."""
        return self._relate("generated", target, role, name, only_new=False)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()

    # -- the calls' side -------------------------------------------------------------

    def argument(self, name: str, value: Any, role: str | None = None, *,
                 parameter: bool = True, entity: bool = True) -> None:
        """Record a call argument: a parameter, a used file or a used object.

        ``parameter`` / ``entity`` false: the argument is not recorded as
        such (a definition lists the parameters / the usages).
        """
        if isinstance(value, SKIPPED):
            return
        text = path_text(value)
        if text is not None:
            st = stat_path(text)
            if st is None and entity:
                self._outputs.append((role or name, text))  # generated if the call creates it
            elif st is not None and entity and (stat.S_ISREG(st.st_mode) or not isinstance(value, str)):
                self._use(text, role or name, None, st)  # folders only as Path objects
                return
            value = text
        plain = plain_value(value)
        if plain is NOT_PLAIN:
            if entity:
                self.used(value, role or name)
        elif entity and isinstance(plain, list) and plain and self._files(plain):
            self.used(plain, role or name)
        elif parameter:
            self.parameters[name] = plain

    def finish(self, result: Any = None, role: str | None = "result", *, automatic: bool = True) -> None:
        """Record what the activity changed or produced, and write all its events.

        Unless ``automatic`` is false (a definition lists the generations),
        the generated entities are: path arguments that exist only now, used
        entities that changed, and ``result`` (with ``role``).
        """
        if self._finished:
            return
        self._finished = True
        if automatic:
            self._generations(result, role)
        self.tracer.emit(self._events())

    def _generations(self, result: Any, role: str | None) -> None:
        for name, text in self._outputs:
            if stat_path(text) is not None:
                self._relate("generated", text, name, name=None, only_new=True)
        for role_, target, before in self._watched:  # objects are compared by fingerprint
            if before is None or self._changed(target, before):
                self._relate("generated", target, role_, name=None, only_new=True)
        if result is not None and not isinstance(result, SKIPPED) and role:
            self._relate("generated", result, role, name=None, only_new=True)

    # -- inside --------------------------------------------------------------------

    @staticmethod
    def _files(items: list) -> bool:
        return all(isinstance(item, str) and stat_path(item) is not None for item in items)

    @staticmethod
    def _changed(text: str, before: os.stat_result) -> bool:
        after = stat_path(text)
        return after is None or (after.st_mtime_ns, after.st_size, after.st_ino) != (
            before.st_mtime_ns, before.st_size, before.st_ino)

    def _relate(self, kind: str, target: Any, role: str | None, name: str | None, only_new: bool,
                st: os.stat_result | None = None) -> str | None:
        entity = self._entity(target, role, name, st)
        if entity is None:
            return None
        payload, _previous, new = entity
        entity_id = payload["entity_id"]
        if only_new and not new:
            return entity_id
        if (kind, entity_id) not in self._related:
            self._related.add((kind, entity_id))
            self._relations.append({"activity_id": self.id, f"{kind}_id": entity_id, f"{kind}_role": role})
        return entity_id

    def _entity(self, target: Any, role: str | None, name: str | None,
                st: os.stat_result | None = None) -> tuple[dict, str | None, bool] | None:
        """Register ``target`` as an entity of this activity: its payload, progenitor and newness."""
        if target is None or isinstance(target, SKIPPED):
            return None
        registry = self.tracer.registry
        text = path_text(target)
        if text is not None and st is None:
            st = stat_path(text)
        if st is not None and text is not None:
            found = registry.file(text, st)
        elif isinstance(target, (list, tuple)) and target and self._files(list(target)):
            found = self._collection([str(item) for item in target])
        elif text is not None and isinstance(target, os.PathLike):
            found = ({"entity_id": file_entity_id(os.path.abspath(text)), "name": os.path.basename(text),
                      "location": text, "type": "File"}, None, True)
        elif plain_value(target) is not NOT_PLAIN:
            self._values += 1
            value_id = f"{self.id}/{role or 'value'}" + (f"/{self._values}" if self._values > 1 else "")
            found = ({"entity_id": value_id, "name": name or role or "value", "type": "PythonObject",
                      "value": short_repr(target)}, None, True)
        else:
            found = registry.object(target, name)
        payload, previous = found[0], found[1]
        if name:
            payload["name"] = name
        self._entities.setdefault(payload["entity_id"], payload)
        if previous is not None:
            self._links.append({"entity_id": payload["entity_id"], "progenitor_id": previous})
        return found

    def _collection(self, paths: list[str]) -> tuple[dict, str | None, bool]:
        members = [self._entity(path, None, None) for path in paths]
        ids = [member[0]["entity_id"] for member in members if member is not None]
        collection_id = "collection:" + hashlib.sha256("\n".join(map(str, ids)).encode("utf-8")).hexdigest()
        for member_id in ids:
            self._links.append({"entity_id": collection_id, "member_id": member_id})
        payload = {"entity_id": collection_id, "name": f"{len(ids)} files", "type": "FileCollection"}
        return payload, None, self.tracer.registry.new(collection_id)

    def _events(self) -> list[tuple[str, dict]]:
        end = now()
        first: list[dict] = [{"activity_id": self.id, "name": self.name, "startTime": self.start,
                              "in_session": self.tracer.session_id, "agent_name": self.tracer.agent}]
        if self.parameters:
            first.append({"activity_id": self.id, "parameters": self.parameters})
        rest = list(self._entities.values()) + self._relations + self._links
        rest.append({"activity_id": self.id, "endTime": end})
        return [(self.start, payload) for payload in first] + [(end, payload) for payload in rest]

    def members(self, collection: Any, items: Iterable[Any], *, id_attribute: str | None = None,
                namespace: str = "", name: str | None = None) -> None:
        """Record each of ``items`` as a member of the entity ``collection`` (already used or generated).

        With ``id_attribute``, a member's id is ``"<namespace>:<item.id_attribute>"``
        (e.g. ``"gamma-events:23523"``); otherwise members are entities like any other.
        """
        found = self._entity(collection, None, None)
        if found is None:
            return
        for item in items:
            key = getattr(item, id_attribute, None) if id_attribute else None
            if key is None:
                member = self._entity(item, None, name)
                member_id = member[0]["entity_id"] if member else None
            else:
                member_id = f"{namespace}:{key}" if namespace else str(key)
                self._entities.setdefault(member_id, {"entity_id": member_id, "name": name or type(item).__name__,
                                                      "type": "PythonObject"})
            if member_id is not None:
                self._links.append({"entity_id": found[0]["entity_id"], "member_id": member_id})

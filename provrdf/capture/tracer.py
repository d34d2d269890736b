"""An in-process tracer: each call of a traced function is one provenance activity.

The tracer writes the events of the gammapy/logprov format (2020 form, see
:mod:`provrdf.capture.gammapy`): a session event once, then per call its
start, parameters, the entities it used and generated, derivations when an
entity changed between two uses, and its end. The events go either to a log
file, as ``INFO provLogger __PROV__<time>__PROV__<payload>`` lines that
``provrdf ingest`` reads, or straight into a store: they are then grouped
into records by the gammapy reader and ingested when the tracer is flushed.

What a call records, from its arguments (bound by name, defaults included):

* plain values (``str``, ``int``, ``float``, ``bool``, ``None``, small
  lists and dicts of them) are parameters;
* a path (``str`` or ``os.PathLike``) to an existing file is a used entity
  whose id is the sha256 of its content (``hash_type: 'sha256'``; the
  reader names it ``sha256:<hex>``); a folder given as a ``Path``, or a
  list of file paths, is a ``FileCollection``;
* any other object is a used ``PythonObject`` entity whose id is ``id(obj)``
  (the reader scopes it by the session);
* the return value is generated (role ``"result"``), and so is any used
  entity that the call changed (``self`` of a method that sets attributes, a
  file rewritten in place) and any path argument that exists only after the
  call (role: the argument name).

An entity that changed since it was last seen (another content at the same
file location, an object with another :func:`fingerprint`) gets a new id
and a derivation from its previous one. Files are identified by content:
two files with the same bytes are one entity.

>>> import tempfile, pathlib
>>> log = pathlib.Path(tempfile.mkdtemp()) / "prov.log"
>>> with Tracer(log, session_name="demo", agent="ana") as tracer:
...     @tracer.trace
...     def scale(values, factor=2.0):
...         return [v * factor for v in values]
...     _ = scale([1, 2])
>>> [line.split("__PROV__")[2].split("'")[1] for line in log.read_text().splitlines()]
['session_id', 'activity_id', 'activity_id', 'entity_id', 'activity_id', 'activity_id']
"""

from __future__ import annotations

import functools
import getpass
import hashlib
import inspect
import math
import mimetypes
import os
import platform
import stat
import sys
import threading
import time
import types
import uuid
import weakref
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from provrdf.capture.common import file_entity_id
from provrdf.store.base import Store

if TYPE_CHECKING:
    from provrdf.ingest import Ingester, IngestReport

__all__ = ["Tracer", "TracedActivity", "format_line", "system_info", "fingerprint", "PACKAGES"]

#: Packages whose versions the session's system block records, when installed.
PACKAGES = ("numpy", "scipy", "astropy", "regions", "iminuit", "gammapy", "ctapipe", "provrdf")
#: Environment variables the system block records (no secrets: a fixed list).
ENVIRONMENT = ("CONDA_DEFAULT_ENV", "CONDA_PREFIX", "VIRTUAL_ENV", "USER", "HOME", "HOSTNAME")
#: The reader name under which store-bound records are ingested.
READER = "tracer"
#: A list or tuple longer than this is an object, not a parameter.
SMALL_LIST = 16
#: A string longer than this is an object, not a parameter (and never a path).
LONG_TEXT = 4096
#: Items a fingerprint looks at before it falls back to identity and length.
FINGERPRINT_BUDGET = 512
#: Array-like objects (``nbytes``/``tobytes``) up to this size are fingerprinted by content.
ARRAY_BYTES = 1 << 20
#: A file modified less than this before it was hashed is hashed again on its next use
#: (file times are coarse: a rewrite in the same tick keeps the same mtime).
RACY_NS = 1_000_000_000
#: Objects that cannot be weakly referenced are kept alive while tracked, at most this many.
STRONG_OBJECTS = 256

_NOT_PLAIN = object()
#: Arguments that are code, not data: neither parameters nor entities.
_SKIPPED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
            functools.partial)
F = TypeVar("F", bound=Callable[..., Any])


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def format_line(time_text: str, payload: dict, level: str = "INFO") -> str:
    """One log line of the gammapy/logprov format (2020 ``__PROV__`` markers), newline included.

    >>> format_line("2025-03-27T14:02:11+00:00", {"activity_id": "a1", "endTime": "x"})
    "INFO provLogger __PROV__2025-03-27T14:02:11+00:00__PROV__{'activity_id': 'a1', 'endTime': 'x'}\\n"
    """
    return f"{level} provLogger __PROV__{time_text}__PROV__{payload!r}\n"


def system_info(packages: Iterable[str] = PACKAGES) -> dict[str, Any]:
    """The ctapipe-like ``system`` block of this process: platform, Python, packages, command line.

    >>> block = system_info(["provrdf"])
    >>> block["python"]["packages"][0]["name"], sorted(block["platform"])[:3]
    ('provrdf', ['architecture_bits', 'libcver', 'machine'])
    """
    found = []
    for name in packages:
        try:
            found.append({"name": name, "version": version(name)})
        except PackageNotFoundError:
            continue
    return {
        "executable": sys.executable,
        "arguments": list(sys.argv),
        "start_time_utc": datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="milliseconds"),
        "platform": {
            "architecture_bits": f"{8 * tuple.__itemsize__}bit",
            "libcver": list(platform.libc_ver()),
            "machine": platform.machine(),
            "node": platform.node(),
            "n_cpus": os.cpu_count(),
            "release": platform.release(),
            "system": platform.system(),
            "version": platform.version(),
        },
        "python": {
            "version_string": sys.version,
            "version": list(platform.python_version_tuple()),
            "implementation": platform.python_implementation(),
            "packages": found,
        },
        "environment": {key: os.environ.get(key) for key in ENVIRONMENT},
    }


# -- values -------------------------------------------------------------------


def _plain(value: Any, depth: int = 0) -> Any:
    """``value`` as a plain literal (``repr`` readable by ``ast.literal_eval``), or ``_NOT_PLAIN``."""
    kind = type(value)
    if value is None or kind is bool or kind is int:
        return value
    if kind is str:
        return value if len(value) <= LONG_TEXT else _NOT_PLAIN
    if kind is float:
        return value if math.isfinite(value) else str(value)
    if kind in (list, tuple):
        if depth > 1 or len(value) > SMALL_LIST:
            return _NOT_PLAIN
        items = [_plain(item, depth + 1) for item in value]
        return _NOT_PLAIN if any(item is _NOT_PLAIN for item in items) else items
    if kind is dict:
        if depth > 1 or len(value) > SMALL_LIST or not all(type(key) is str for key in value):
            return _NOT_PLAIN
        items = {key: _plain(item, depth + 1) for key, item in value.items()}
        return _NOT_PLAIN if any(item is _NOT_PLAIN for item in items.values()) else items
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):  # subclasses: str enums
        return _plain(str.__str__(value), depth)
    if isinstance(value, int):  # int enums
        return int(value)
    if isinstance(value, float):  # numpy.float64
        return _plain(float(value), depth)
    if kind.__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return _plain(value.item(), depth)
    return _NOT_PLAIN


def _short_repr(value: Any, limit: int = 200) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def fingerprint(value: Any, budget: int = FINGERPRINT_BUDGET) -> int:
    """A cheap hash of an object's content, to tell whether it changed between two uses.

    Scalars, containers and the attributes of objects (``__dict__``, two
    levels deep) are hashed by value, small array-likes by their bytes. Past
    ``budget`` items, or for other objects, only identity (and length) counts,
    so the cost stays bounded whatever the object's size.

    >>> class Analysis: pass
    >>> a = Analysis(); a.model = "pl"; before = fingerprint(a)
    >>> a.model = "ecpl"; fingerprint(a) == before
    False
    """
    try:
        return hash(_tokens(value, 2, [budget]))
    except Exception:  # an object whose attributes cannot be read: identity only
        return id(value)


def _tokens(value: Any, depth: int, budget: list[int]) -> Any:
    budget[0] -= 1
    if value is None or isinstance(value, (str, bytes, int, float, complex)):
        return value
    size = len(value) if isinstance(value, (list, tuple, dict, set, frozenset)) else 0
    if depth < 0 or size > budget[0]:
        return (id(value), size)
    if isinstance(value, (list, tuple)):
        try:  # fast path: items hashed by Python (scalars by value, plain objects by identity)
            return (type(value).__name__, hash(tuple(value)))
        except TypeError:
            return (type(value).__name__,) + tuple(_tokens(item, depth, budget) for item in value)
    if isinstance(value, dict):
        try:
            return ("dict", hash(tuple(value.items())))
        except TypeError:
            return tuple((_tokens(k, depth, budget), _tokens(v, depth, budget)) for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return frozenset(_tokens(item, depth, budget) for item in value)
    if hasattr(value, "tobytes") and isinstance(getattr(value, "nbytes", None), int):
        if value.nbytes <= ARRAY_BYTES:
            return (id(value), str(getattr(value, "dtype", "")), getattr(value, "shape", ()), value.tobytes())
        return (id(value), value.nbytes)
    state = getattr(value, "__dict__", None)
    if isinstance(state, dict):
        return (id(value),) + tuple((k, _tokens(v, depth - 1, budget)) for k, v in list(state.items()))
    return id(value)


@functools.lru_cache(maxsize=1024)
def _content_type(path: str) -> str | None:
    kind, encoding = mimetypes.guess_type(path)
    if encoding:
        return {"gzip": "application/gzip", "bzip2": "application/x-bzip2", "xz": "application/x-xz"}.get(
            encoding, f"application/x-{encoding}")
    return kind


def _path_text(value: Any) -> str | None:
    """The text of a value that could name a file, or None."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, os.PathLike):
        text = os.fspath(value)
        if not isinstance(text, str):
            return None
    else:
        return None
    return text if 0 < len(text) <= LONG_TEXT and "\0" not in text and "\n" not in text else None


def _stat(text: str) -> os.stat_result | None:
    try:
        return os.stat(text)
    except (OSError, ValueError):
        return None


# -- what the tracer knows of files and objects ----------------------------------


class _Entities:
    """Entity ids of files (content hashes) and objects (identity), and when they changed."""

    def __init__(self, hash_files: bool) -> None:
        self.hash_files = hash_files
        self._hashes: dict[str, tuple[tuple[int, int, int], str, int]] = {}
        self._at: dict[str, str] = {}  # location → entity id last seen there
        self._known: set[str] = set()  # collections
        self._objects: dict[int, list] = {}  # id(obj) → [ref, fingerprint, entity id]
        self._minted: dict[int, int] = {}  # id(obj) → entity ids minted at that address
        self._strong: deque[int] = deque()

    def _digest(self, path: str, st: os.stat_result) -> str | None:
        mark = (st.st_mtime_ns, st.st_size, st.st_ino)
        cached = self._hashes.get(path)
        if cached and cached[0] == mark and cached[2] - st.st_mtime_ns > RACY_NS:
            return cached[1]
        began = time.time_ns()
        try:
            with open(path, "rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError:
            return None
        self._hashes[path] = (mark, digest, began)
        return digest

    def file(self, path: str, st: os.stat_result) -> tuple[dict, str | None, bool]:
        """The entity payload of the file at ``path``, its progenitor id if it changed, and whether it is new."""
        payload: dict[str, Any] = {"name": os.path.basename(path.rstrip("/")) or path, "location": path}
        if stat.S_ISDIR(st.st_mode):
            payload.update(entity_id=file_entity_id(os.path.abspath(path)), type="FileCollection", filepath=path)
        else:
            digest = self._digest(path, st) if self.hash_files else None
            payload.update(entity_id=digest or file_entity_id(os.path.abspath(path)), type="File")
            if digest:
                payload.update(hash=digest, hash_type="sha256")
            content_type = _content_type(path)
            if content_type:
                payload["contentType"] = content_type
        entity_id = payload["entity_id"]
        previous = self._at.get(path)
        self._at[path] = entity_id
        # new: this content was not at this location before (a copy is new at its target)
        return _ordered(payload), previous if previous not in (None, entity_id) else None, previous != entity_id

    def object(self, value: Any, name: str | None = None) -> tuple[dict, str | None, bool]:
        """The entity payload of a Python object, its progenitor id if it changed, and whether it is new.

        The id is ``id(value)`` (an int, as gammapy writes it) for the first
        entity at that address, then ``"<id>.<n>"`` for each later one (a new
        version of the object, or another object at a reused address); the
        reader scopes them by the session.
        """
        key, mark = id(value), fingerprint(value)
        seen = self._objects.get(key)
        if seen is not None and (seen[0]() if isinstance(seen[0], weakref.ref) else seen[0]) is not value:
            seen = None
        if seen is None:
            self._objects[key] = [self._reference(key, value), mark, self._mint(key)]
        elif seen[1] != mark:
            previous, seen[1], seen[2] = seen[2], mark, self._mint(key)
            return self._object_payload(seen[2], value, name), previous, True
        else:
            return self._object_payload(seen[2], value, name), None, False
        return self._object_payload(self._objects[key][2], value, name), None, True

    @staticmethod
    def _object_payload(entity_id: int | str, value: Any, name: str | None) -> dict:
        return {"entity_id": entity_id, "name": name or type(value).__name__, "type": "PythonObject"}

    def _mint(self, key: int) -> int | str:
        count = self._minted.get(key, 0)
        self._minted[key] = count + 1
        return key if count == 0 else f"{key}.{count}"

    def _reference(self, key: int, value: Any) -> Any:
        try:
            return weakref.ref(value, lambda ref: self._forget(key, ref))
        except TypeError:  # lists, dicts: held while tracked, so that their id is not reused
            self._strong.append(key)
            if len(self._strong) > STRONG_OBJECTS:
                self._objects.pop(self._strong.popleft(), None)
            return value

    def _forget(self, key: int, ref: weakref.ref) -> None:
        seen = self._objects.get(key)
        if seen is not None and seen[0] is ref:
            del self._objects[key]

    def _new(self, entity_id: str) -> bool:
        if entity_id in self._known:
            return False
        self._known.add(entity_id)
        return True


_ENTITY_KEYS = ("entity_id", "name", "location", "filepath", "hash", "hash_type", "type", "contentType", "value")


def _ordered(payload: dict) -> dict:
    return {key: payload[key] for key in _ENTITY_KEYS if key in payload}


# -- one activity ---------------------------------------------------------------------


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

    def __init__(self, tracer: Tracer, name: str, parameters: dict[str, Any] | None = None) -> None:
        self.tracer = tracer
        self.id = str(uuid.uuid4())
        self.name = name
        self.start = _now()
        self.parameters: dict[str, Any] = {}
        self._entities: dict[str, dict] = {}
        self._relations: list[dict] = []
        self._related: set[tuple[str, str]] = set()
        self._links: list[dict] = []
        self._watched: list[tuple[str | None, Any, os.stat_result | None]] = []  # (role, path or object, stat)
        self._outputs: list[tuple[str, str]] = []
        self._values = 0
        self._finished = False
        tracer._begin()
        for key, value in (parameters or {}).items():
            self.parameter(key, value)

    # -- public --------------------------------------------------------------------

    def parameter(self, name: str, value: Any) -> None:
        """Record a parameter; a value that is not plain is recorded as its ``str``."""
        plain = _plain(value)
        self.parameters[name] = plain if plain is not _NOT_PLAIN else _short_repr(str(value), LONG_TEXT)

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
        text = _path_text(target)
        if text is not None and st is None:
            st = _stat(text)
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

    def __enter__(self) -> TracedActivity:
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
        if isinstance(value, _SKIPPED):
            return
        text = _path_text(value)
        if text is not None:
            st = _stat(text)
            if st is None and entity:
                self._outputs.append((role or name, text))  # generated if the call creates it
            elif st is not None and entity and (stat.S_ISREG(st.st_mode) or not isinstance(value, str)):
                self._use(text, role or name, None, st)  # folders only as Path objects
                return
            value = text
        plain = _plain(value)
        if plain is _NOT_PLAIN:
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
        self.tracer._emit(self._events())

    def _generations(self, result: Any, role: str | None) -> None:
        for name, text in self._outputs:
            if _stat(text) is not None:
                self._relate("generated", text, name, name=None, only_new=True)
        for role_, target, before in self._watched:  # objects are compared by fingerprint
            if before is None or self._changed(target, before):
                self._relate("generated", target, role_, name=None, only_new=True)
        if result is not None and not isinstance(result, _SKIPPED) and role:
            self._relate("generated", result, role, name=None, only_new=True)

    # -- inside --------------------------------------------------------------------

    @staticmethod
    def _files(items: list) -> bool:
        return all(isinstance(item, str) and _stat(item) is not None for item in items)

    @staticmethod
    def _changed(text: str, before: os.stat_result) -> bool:
        after = _stat(text)
        return after is None or (after.st_mtime_ns, after.st_size, after.st_ino) != (
            before.st_mtime_ns, before.st_size, before.st_ino)

    def _relate(self, kind: str, target: Any, role: str | None, name: str | None, only_new: bool,
                st: os.stat_result | None = None) -> str | None:
        entity = self._entity(target, role, name, st)
        if entity is None:
            return None
        payload, previous, new = entity
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
        if target is None or isinstance(target, _SKIPPED):
            return None
        registry = self.tracer._registry
        text = _path_text(target)
        if text is not None and st is None:
            st = _stat(text)
        if st is not None:
            found = registry.file(text, st)
        elif isinstance(target, (list, tuple)) and target and self._files(list(target)):
            found = self._collection([str(item) for item in target])
        elif text is not None and isinstance(target, os.PathLike):
            found = ({"entity_id": file_entity_id(os.path.abspath(text)), "name": os.path.basename(text),
                      "location": text, "type": "File"}, None, True)
        elif _plain(target) is not _NOT_PLAIN:
            self._values += 1
            value_id = f"{self.id}/{role or 'value'}" + (f"/{self._values}" if self._values > 1 else "")
            found = ({"entity_id": value_id, "name": name or role or "value", "type": "PythonObject",
                      "value": _short_repr(target)}, None, True)
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
        return payload, None, self.tracer._registry._new(collection_id)

    def _events(self) -> list[tuple[str, dict]]:
        end = _now()
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


# -- the tracer ---------------------------------------------------------------------------


class _Binder:
    """Binds a call's arguments to the parameter names of a function, without ``Signature.bind``."""

    def __init__(self, func: Callable[..., Any]) -> None:
        self.positional: list[str] = []
        self.defaults: dict[str, Any] = {}
        self.named: set[str] = set()
        self.var_args: str | None = "args"
        try:
            parameters = inspect.signature(func).parameters.values()
        except (TypeError, ValueError):
            return
        self.var_args = None
        for p in parameters:
            if p.kind is p.VAR_POSITIONAL:
                self.var_args = p.name
                continue
            if p.kind is p.VAR_KEYWORD:
                continue
            if p.kind is not p.KEYWORD_ONLY:
                self.positional.append(p.name)
            if p.kind is not p.POSITIONAL_ONLY:
                self.named.add(p.name)
            if p.default is not p.empty:
                self.defaults[p.name] = p.default

    def bind(self, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
        """``{name: value}``: named parameters (defaults applied), ``*args`` as ``args[i]``, ``**kw`` by key."""
        bound = dict(self.defaults)
        bound.update(zip(self.positional, args, strict=False))  # fewer args: the rest are defaults
        extra = args[len(self.positional):]
        if extra and self.var_args:
            bound.update((f"{self.var_args}[{i}]", value) for i, value in enumerate(extra))
        bound.update(kwargs)
        return bound


class _Spec:
    """What the tracer knows of one traced function: its name, binder and description."""

    __slots__ = ("name", "binder", "entry", "roles")

    def __init__(self, func: Callable[..., Any], name: str | None, entry: dict | None,
                 roles: dict[str, str] | None) -> None:
        self.name = name or func.__name__
        self.binder = _Binder(func)
        self.entry = entry if isinstance(entry, dict) else None
        self.roles = roles or {}


def _resolve(expression: Any, namespace: dict[str, Any]) -> Any:
    """The value of a dotted ``expression`` (``settings.observations.datastore``) among the
    call's arguments, else among the attributes of ``self``; None when it cannot be found."""
    if not isinstance(expression, str) or not expression:
        return None
    first, *rest = expression.split(".")
    if first in namespace:
        value = namespace[first]
    elif namespace.get("self") is not None:
        value = getattr(namespace["self"], first, None)
    else:
        return None
    for part in rest:
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    return value


def _definition_activities(definition: dict | None, owner: str | None) -> dict[str, dict]:
    """The ``activities`` of a definition: those of the section named ``owner`` (a class), else the top ones."""
    if not definition:
        return {}
    section = definition.get(owner) if owner else None
    activities = (section if isinstance(section, dict) else definition).get("activities")
    return activities if isinstance(activities, dict) else {}


def _entity_type(item: dict) -> str | None:
    """The entity type a definition's usage or generation names (three spellings, oldest first)."""
    return item.get("entityType") or item.get("entityName") or item.get("entity_description")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (OSError, KeyError, ImportError)
        return "unknown"


class Tracer:
    """Record each call of traced functions as a provenance activity.

    Parameters
    ----------
    sink
        A path: events are appended to this log file as gammapy/logprov lines
        (``provrdf ingest`` reads it). Or a :class:`~provrdf.store.base.Store`:
        events are grouped into records by the gammapy reader and ingested
        at :meth:`flush`, :meth:`close` and every ``flush_every`` activities.
    session_name
        Name of the session (this run of the program); default: the script name.
    agent
        Who runs it; default: the login name.
    definition
        A ``definition.yaml`` (gammapy/logprov): the methods of a traced
        class to record (its ``activities``, at the top or under a key named
        like the class) with their parameters, usages and generations.
    hash_files
        Identify files by the sha256 of their content; if false, by their path.
    flush_every
        With a store: ingest after this many activities.
    validate
        With a store: check each record with the SHACL shapes before storing it.

    Examples
    --------
    >>> from provrdf.store import open_store
    >>> store = open_store(":memory:")
    >>> with Tracer(store, session_name="demo") as tracer:
    ...     with tracer.activity("select", zenith_max=40.0) as step:
    ...         _ = step.used([1.0, 2.0], role="runs")
    >>> tracer.report.stored > 0, tracer.report.rejected
    (True, [])
    """

    def __init__(
        self,
        sink: str | os.PathLike | Store,
        *,
        session_name: str | None = None,
        agent: str | None = None,
        definition: str | os.PathLike | None = None,
        hash_files: bool = True,
        flush_every: int = 1000,
        validate: bool = True,
    ) -> None:
        if isinstance(sink, Store):
            self.store, self.path = sink, None
        elif isinstance(sink, (str, os.PathLike)):
            self.store, self.path = None, Path(sink)
        else:
            raise TypeError(f"a tracer writes to a log file path or a Store, not {type(sink).__name__}")
        self.session_id = str(uuid.uuid4())
        self.session_name = session_name or Path(sys.argv[0] or "python").stem or "python"
        self.agent = agent or _user()
        self.definition_path = Path(definition) if definition is not None else None
        self.definition = self._load_definition()
        self.flush_every, self.validate = flush_every, validate
        #: What the last ingest did (store sink only): records stored, rejected…
        self.report: IngestReport | None = None
        self._registry = _Entities(hash_files)
        self._lock = threading.Lock()
        self._ingest_lock = threading.Lock()
        self._session: dict | None = None
        self._written_session = False
        self._file = None
        self._pending: list[dict] = []
        self._done = 0
        self._ingester: Ingester | None = None
        self._descriptions = None  # with a store: the definition's descriptions, linked at ingest
        if self.store is not None and self.definition_path is not None:
            from provrdf.capture import definition as descriptions

            self._descriptions = descriptions.load(self.definition_path)

    def __repr__(self) -> str:
        return f"<Tracer {self.session_name} {self.session_id} → {self.path or self.store.location}>"

    @property
    def source(self) -> str:
        """How the ingest log names what this tracer stored."""
        return f"tracer:{self.session_name}/{self.session_id}"

    # -- tracing ------------------------------------------------------------------------

    def trace(self, target: Any = None, *, name: str | None = None, roles: dict[str, str] | None = None) -> Any:
        """Decorate a function or a class so that each call is recorded as an activity.

        Usable as ``@tracer.trace`` or ``@tracer.trace(name=..., roles=...)``.
        On a class, the methods listed by the definition's ``activities`` are
        traced, or every public method defined by the class when there is no
        definition.

        Parameters
        ----------
        target
            The function or class.
        name
            Activity name (functions only); default: the function's ``__name__``.
        roles
            Roles by argument name, and ``"result"`` for the return value
            (default roles: the argument name, ``"result"``).
        """
        if target is None:
            return lambda inner: self.trace(inner, name=name, roles=roles)
        if isinstance(target, type):
            return self._trace_class(target)
        entry = _definition_activities(self.definition, None).get(name or target.__name__)
        return self._wrap(target, _Spec(target, name, entry, roles))

    def activity(self, name: str, **parameters: Any) -> TracedActivity:
        """A block of code as one activity: ``with tracer.activity("fit", model="pl") as step:``.

        The yielded :class:`TracedActivity` records ``step.used(...)`` and
        ``step.generated(...)``; its events are written when the block ends.
        """
        return TracedActivity(self, name, parameters)

    def _trace_class(self, cls: type) -> type:
        described = _definition_activities(self.definition, cls.__name__)
        names = [method for method in described if callable(getattr(cls, method, None))]
        if not names:  # no definition, or none for this class
            names = [key for key, value in vars(cls).items()
                     if not key.startswith("_") and isinstance(value, (types.FunctionType, staticmethod, classmethod))]
        for method in names:
            raw = inspect.getattr_static(cls, method)
            func = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
            if not callable(func):
                continue
            wrapped = self._wrap(func, _Spec(func, method, described.get(method), None))
            setattr(cls, method, type(raw)(wrapped) if isinstance(raw, (staticmethod, classmethod)) else wrapped)
        return cls

    def _wrap(self, func: F, spec: _Spec) -> F:
        if getattr(func, "__provrdf_tracer__", None) is self:
            return func

        @functools.wraps(func)
        def traced(*args: Any, **kwargs: Any) -> Any:
            return self._call(spec, func, args, kwargs)

        traced.__provrdf_tracer__ = self  # type: ignore[attr-defined]
        return traced  # type: ignore[return-value]

    def _call(self, spec: _Spec, func: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> Any:
        step = TracedActivity(self, spec.name)
        bound = spec.binder.bind(args, kwargs)
        entry = spec.entry or {}
        if entry:
            self._declared_inputs(step, entry, bound)
        # what the definition lists replaces what the tracer would find by itself
        listed = {key: bool(entry.get(key)) for key in ("parameters", "usage", "generation")}
        for key, value in bound.items():
            step.argument(key, value, spec.roles.get(key), parameter=not listed["parameters"],
                          entity=not listed["usage"])
        try:
            result = func(*args, **kwargs)
        except BaseException:
            step.finish(automatic=not listed["generation"])
            raise
        if entry:
            self._declared_outputs(step, entry, {**bound, "result": result})
        step.finish(result, spec.roles.get("result", "result"), automatic=not listed["generation"])
        return result

    @staticmethod
    def _declared_inputs(step: TracedActivity, entry: dict, bound: dict[str, Any]) -> None:
        """The parameters and usages a definition lists, their values found among the call's arguments and self."""
        parameters = entry.get("parameters") or []
        for item in parameters:
            if isinstance(item, dict) and item.get("name"):
                value = _resolve(item.get("value") or item["name"], bound)
                if value is not None:
                    step.parameter(item["name"], os.fspath(value) if isinstance(value, os.PathLike) else value)
        for item in entry.get("usage") or []:
            if isinstance(item, dict):
                target = _resolve(item.get("location") or item.get("value") or item.get("role"), bound)
                step.used(target, item.get("role"), name=_entity_type(item))

    @staticmethod
    def _declared_outputs(step: TracedActivity, entry: dict, namespace: dict[str, Any]) -> None:
        for item in entry.get("generation") or []:
            if not isinstance(item, dict):
                continue
            target = _resolve(item.get("value") or item.get("location") or item.get("role"), namespace)
            name = _entity_type(item)
            if step._relate("generated", target, item.get("role"), name, only_new=True) is None:
                continue
            members = item.get("has_members")
            if isinstance(members, dict):
                items = _resolve(members.get("list"), namespace)
                if isinstance(items, Iterable) and not isinstance(items, (str, bytes, dict)):
                    step.members(target, items, id_attribute=members.get("id"),
                                 namespace=str(members.get("namespace") or ""),
                                 name=_entity_type(members))

    # -- events -----------------------------------------------------------------------

    def _load_definition(self) -> dict | None:
        if self.definition_path is None:
            return None
        import yaml

        loaded = yaml.safe_load(self.definition_path.read_text(encoding="utf-8"))
        return loaded if isinstance(loaded, dict) else None

    def _begin(self) -> None:
        """Make the session event, once, at the tracer's first activity."""
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._session = {"session_id": self.session_id, "name": self.session_name,
                                     "startTime": _now(), "system": system_info()}

    def _emit(self, events: list[tuple[str, dict]]) -> None:
        self._begin()
        with self._lock:
            if self.store is None:
                self._write(events)
                return
            self._pending.extend(payload for _, payload in events)
            self._done += 1
            due = self._done >= self.flush_every
        if due:
            self.flush()

    def _write(self, events: list[tuple[str, dict]]) -> None:
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (open until close())
        if not self._written_session:
            self._file.write(format_line(self._session["startTime"], self._session))
            self._written_session = True
        self._file.write("".join(format_line(moment, payload) for moment, payload in events))
        self._file.flush()

    def flush(self) -> IngestReport | None:
        """Write what is buffered: flush the log file, or ingest the finished activities into the store.

        Returns
        -------
        IngestReport or None
            With a store, the report of every ingest so far (also :attr:`report`).
        """
        if self.store is None:
            with self._lock:
                if self._file is not None:
                    self._file.flush()
            return None
        with self._lock:
            pending, self._pending, self._done = self._pending, [], 0
        if pending:
            with self._ingest_lock:
                self._ingest(pending)
        return self.report

    def _ingest(self, pending: list[dict]) -> None:
        from provrdf.capture import gammapy

        if self._ingester is None:
            from provrdf.ingest import Ingester

            self._ingester = Ingester(self.store, validate=self.validate, definitions=self._descriptions)
        items = gammapy.records(enumerate([self._session, *pending], start=1), self.source)
        self.report = self._ingester.records(items, self.source, READER)

    def close(self) -> None:
        """Flush, and close the log file (a later activity opens it again)."""
        self.flush()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> Tracer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

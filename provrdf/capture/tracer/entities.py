"""What the tracer knows of files and objects: content hashes, fingerprints, and when they changed."""

from __future__ import annotations

import functools
import hashlib
import mimetypes
import os
import stat
import time
import weakref
from collections import deque
from typing import Any

from provrdf.capture.files import file_entity_id

__all__ = ["ARRAY_BYTES", "FINGERPRINT_BUDGET", "RACY_NS", "STRONG_OBJECTS", "Entities", "fingerprint"]

#: Items a fingerprint looks at before it falls back to identity and length.
FINGERPRINT_BUDGET = 512
#: Array-like objects (``nbytes``/``tobytes``) up to this size are fingerprinted by content.
ARRAY_BYTES = 1 << 20
#: A file modified less than this before it was hashed is hashed again on its next use
#: (file times are coarse: a rewrite in the same tick keeps the same mtime).
RACY_NS = 1_000_000_000
#: Objects that cannot be weakly referenced are kept alive while tracked, at most this many.
STRONG_OBJECTS = 256


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
    except Exception:  # noqa: BLE001 -- an object whose attributes cannot be read: identity only
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


class Entities:
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
            digest = _sha256(path)
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

    def new(self, entity_id: str) -> bool:
        """Whether the collection ``entity_id`` is seen for the first time (it is then known)."""
        if entity_id in self._known:
            return False
        self._known.add(entity_id)
        return True


_ENTITY_KEYS = ("entity_id", "name", "location", "filepath", "hash", "hash_type", "type", "contentType", "value")


def _ordered(payload: dict) -> dict:
    return {key: payload[key] for key in _ENTITY_KEYS if key in payload}


def _sha256(path: str) -> str:
    """The sha256 of a file's content, read in blocks (``hashlib.file_digest`` is Python 3.11+)."""
    hasher = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()

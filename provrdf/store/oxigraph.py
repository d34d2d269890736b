"""The pyoxigraph store under an :class:`~provrdf.store.embedded.EmbeddedStore`, opened by provrdf's rules.

* **One writer**: a writable open takes the writer lock
  (:class:`~provrdf.store.lock.WriterLock`), waiting up to a timeout
  (:func:`store_timeout`) for the process that holds it, then fails with
  ``store LOC is in use by process N``.
* **Readers beside it**: a read-only open never waits for the writer's
  transactions: it opens a snapshot of the files
  (:mod:`provrdf.store.snapshot`) and sees the last committed state.
* **Readers open fast**: Oxigraph keeps new data in memory and in its
  write-ahead log until a flush, and a reader replays that log when it
  opens. The writer flushes whenever the log outgrows :data:`FLUSH_BYTES`.

:class:`Oxigraph` passes every other call on to the pyoxigraph store; on a
read-only store a call that would change it raises a
:class:`~provrdf.errors.StoreError`.

>>> store = Oxigraph(None, ":memory:", read_only=True)
>>> store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
Traceback (most recent call last):
  ...
provrdf.errors.StoreError: the store at :memory: is open read-only
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyoxigraph

from provrdf.errors import StoreError
from provrdf.store import snapshot
from provrdf.store.lock import FILES_LOCK, POLL, WriterLock, files_lock

__all__ = ["DEFAULT_TIMEOUT", "FLUSH_BYTES", "TIMEOUT_VARIABLE", "Oxigraph", "store_timeout"]

#: Seconds a writer waits for the store another process writes, unless ``$PROVRDF_STORE_TIMEOUT`` says.
DEFAULT_TIMEOUT = 10.0
#: The environment variable that sets the wait.
TIMEOUT_VARIABLE = "PROVRDF_STORE_TIMEOUT"
#: Bytes of write-ahead log after which the writer flushes (a reader replays at most about this much).
FLUSH_BYTES = 8 * 2**20
#: The pyoxigraph methods that change the store.
_WRITES = frozenset({"add", "add_graph", "bulk_extend", "bulk_load", "clear", "clear_graph", "extend", "flush",
                     "load", "optimize", "remove", "remove_graph", "update"})
#: Seconds between two tries when a process that is not provrdf holds Oxigraph's own lock.
_FOREIGN_POLL = 0.5


def store_timeout(timeout: float | None = None) -> float:
    """``timeout`` when given, else ``$PROVRDF_STORE_TIMEOUT``, else :data:`DEFAULT_TIMEOUT` (seconds)."""
    if timeout is not None:
        return timeout
    text = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    if not text:
        return DEFAULT_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise StoreError(f"${TIMEOUT_VARIABLE} must be a number of seconds, not {text!r}")
    return value


class Oxigraph:
    """A pyoxigraph store: in memory (``folder=None``), on disk for writing, or on disk read-only.

    Parameters
    ----------
    folder
        The store folder (created for writing when missing), or ``None``.
    location
        The location as the user gave it, for messages.
    read_only
        Open a snapshot of the store for reading; every change is refused.
    timeout
        Seconds to wait for the lock (see :func:`store_timeout`).
    """

    def __init__(self, folder: Path | None, location: str, *, read_only: bool = False,
                 timeout: float | None = None) -> None:
        self.folder, self.location, self.read_only = folder, location, read_only
        self._lock: WriterLock | None = None
        self._snapshot: Path | None = None
        self._inner: pyoxigraph.Store | None = None
        if folder is None:
            self._inner = pyoxigraph.Store()
        elif read_only:
            self._inner = self._open_reading(folder, store_timeout(timeout))
        else:
            self._inner = self._open_writing(folder, store_timeout(timeout))

    # -- opening and closing -----------------------------------------------

    def _open_writing(self, folder: Path, timeout: float) -> pyoxigraph.Store:
        deadline = time.monotonic() + timeout
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise StoreError(f"cannot open the store at {self.location}: {err}") from err
        lock = WriterLock.acquire(folder, self.location, timeout=timeout)
        try:
            while True:
                try:
                    with files_lock(folder, self.location, shared=False, timeout=max(0.0, deadline - time.monotonic())):
                        store = pyoxigraph.Store(str(folder))
                    break
                except OSError as err:
                    if "While lock file" not in str(err):
                        raise StoreError(f"cannot open the store at {self.location}: {err}") from err
                    if time.monotonic() >= deadline:  # a process that is not provrdf holds Oxigraph's lock
                        raise StoreError(f"store {self.location} is in use by another process") from err
                    time.sleep(_FOREIGN_POLL)
        except BaseException:
            lock.release()
            raise
        self._lock = lock
        snapshot.sweep(folder)
        return store

    def _open_reading(self, folder: Path, timeout: float) -> pyoxigraph.Store:
        deadline = time.monotonic() + timeout
        snapshot.sweep(folder)
        while True:
            taken: Path | None = None
            try:
                with files_lock(folder, self.location, shared=True, timeout=max(0.0, deadline - time.monotonic())):
                    # Snapshots only where a writer of this version made its lock (never in a folder not provrdf's).
                    taken = snapshot.take(folder) if (folder / FILES_LOCK).exists() else None
                store = pyoxigraph.Store.read_only(str(taken or folder))
            except snapshot.Moved as err:
                if time.monotonic() >= deadline:
                    raise StoreError(f"cannot open the store at {self.location} for reading: {err}") from err
                continue
            except (OSError, RuntimeError) as err:
                snapshot.drop(taken)
                # A file the writer dropped meanwhile: take another snapshot. Anything else is no race.
                if "No such file" not in str(err) or time.monotonic() >= deadline:
                    raise StoreError(f"cannot open the store at {self.location} for reading: {err}") from err
                time.sleep(POLL)
                continue
            self._snapshot = taken
            return store

    def close(self) -> None:
        """Flush and release a store on disk (a store in memory stays as it is)."""
        if self.folder is None or self._inner is None:
            return
        inner, self._inner = self._inner, None
        try:
            if not self.read_only:
                inner.flush()
        except OSError as err:
            raise StoreError(f"cannot write the store at {self.location}: {err}") from err
        finally:
            del inner  # Oxigraph closes its files when the last reference goes
            if self._lock is not None:
                self._lock.release()
                self._lock = None
            snapshot.drop(self._snapshot)
            self._snapshot = None

    def __del__(self) -> None:
        # A store dropped without close (a notebook, a script) lets the next writer in, as Oxigraph itself does.
        self.__dict__["_inner"] = None
        lock = self.__dict__.get("_lock")
        if lock is not None:
            lock.release()
        snapshot.drop(self.__dict__.get("_snapshot"))

    # -- passing calls on --------------------------------------------------

    def __getattr__(self, name: str) -> Any:
        inner = self.__dict__.get("_inner")
        if inner is None:
            raise StoreError(f"the store at {self.__dict__.get('location')} is closed")
        attribute = getattr(inner, name)
        if name not in _WRITES:
            return attribute
        if self.read_only:
            return self._refuse
        return self._writing(attribute)

    def __contains__(self, quad: object) -> bool:
        return quad in self._open()

    def __len__(self) -> int:
        return len(self._open())

    def __iter__(self) -> Iterator[pyoxigraph.Quad]:
        return iter(self._open())

    def __bool__(self) -> bool:
        return True

    def _open(self) -> pyoxigraph.Store:
        if self._inner is None:
            raise StoreError(f"the store at {self.location} is closed")
        return self._inner

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise StoreError(f"the store at {self.location} is open read-only")

    def _writing(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def write(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            self._flush_if_due()
            return result

        return write

    def _flush_if_due(self) -> None:
        if self.folder is None or self._inner is None:
            return
        try:
            # The current log is the newest; the one before it is gone at the next flush, and nobody replays it.
            logs = [entry for entry in os.scandir(self.folder)
                    if entry.name.endswith(".log") and entry.name[:-4].isdigit()]
            logged = max(logs, key=lambda entry: int(entry.name[:-4])).stat().st_size if logs else 0
        except OSError:
            return  # a log dropped while listing: the next write looks again
        if logged > FLUSH_BYTES:
            try:
                self._inner.flush()
            except OSError as err:
                raise StoreError(f"cannot write the store at {self.location}: {err}") from err

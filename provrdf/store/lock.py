"""Who may touch an embedded store's files: one writer at a time, readers beside it.

Two small files in the store folder, each locked with ``flock``, which the
system releases when the process that holds it ends, however it ends (a
``kill -9`` leaves a file behind, never a lock):

* ``provrdf.pid``, the *writer lock*: the writing process holds it for as
  long as the store is open and writes its process id into it, so that a
  second writer can say who it waited for. It is removed on close; one left
  by a process that died is taken over.
* ``provrdf.lock``, the *files lock*: the writer holds it exclusively while
  Oxigraph opens and closes (when it replaces its manifest and deletes its
  old logs), a reader holds it shared while it takes its snapshot of the
  files (:mod:`provrdf.store.snapshot`). It stays in the folder.

Where ``fcntl`` does not exist (Windows), there are no such locks: Oxigraph's
own lock still keeps a second writer out, without waiting.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from provrdf.errors import StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["FILES_LOCK", "PID_FILE", "WriterLock", "files_lock", "writer_pid"]

#: The writer lock, holding the writer's process id.
PID_FILE = "provrdf.pid"
#: The files lock.
FILES_LOCK = "provrdf.lock"
#: Seconds between two tries of a lock that is held.
POLL = 0.05


def writer_pid(folder: Path) -> int | None:
    """The process id written in the writer lock of ``folder``, if any (the process may be gone)."""
    try:
        text = (folder / PID_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return int(text) if text.isdigit() else None


class WriterLock:
    """The writer lock of one store folder, held by this process until :meth:`release`.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> lock = WriterLock.acquire(folder, str(folder), timeout=0)
    >>> writer_pid(folder) == os.getpid()
    True
    >>> lock.release()
    >>> (folder / PID_FILE).exists()
    False
    """

    def __init__(self, path: Path, fd: int | None) -> None:
        self.path, self._fd = path, fd

    @classmethod
    def acquire(cls, folder: Path, location: str, *, timeout: float) -> WriterLock:
        """Take the writer lock of ``folder``, waiting up to ``timeout`` seconds for the writer that holds it.

        Raises
        ------
        StoreError
            ``store LOC is in use by process N`` when the wait ends, or at once
            when this very process holds the store open for writing.
        """
        path = folder / PID_FILE
        if fcntl is None:  # pragma: no cover - Windows
            return cls(path, None)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as err:
                raise StoreError(f"cannot open the store at {location} for writing: {err}") from err
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                holder = writer_pid(folder)
                if holder == os.getpid():
                    raise StoreError(f"store {location} is already open for writing in this process: "
                                     "close it first") from None
                if time.monotonic() >= deadline:
                    who = f"process {holder}" if holder is not None else "another process"
                    raise StoreError(f"store {location} is in use by {who}") from None
                time.sleep(POLL)
                continue
            if not _same_file(fd, path):  # its last holder removed it between our open and our lock
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            return cls(path, fd)

    def release(self) -> None:
        """Remove the lock file and let the next writer in."""
        if self._fd is None:
            return
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass
        os.close(self._fd)
        self._fd = None


@contextmanager
def files_lock(folder: Path, location: str, *, shared: bool, timeout: float) -> Iterator[None]:
    """Hold the files lock of ``folder`` (shared for a reader, exclusive for the writer) inside the block.

    The writer creates the lock file; a reader never does, and goes on
    without a lock where there is none (a folder no writer of this version
    opened: no such writer is at work there).
    """
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    path = folder / FILES_LOCK
    try:
        fd = os.open(path, os.O_RDONLY if shared else os.O_RDONLY | os.O_CREAT, 0o644)
    except OSError:
        if not shared:
            raise
        yield
        return
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = writer_pid(folder)
                    who = f"process {holder}" if holder is not None else "another process"
                    raise StoreError(f"store {location} is in use by {who}") from None
                time.sleep(POLL / 5)
        yield
    finally:
        os.close(fd)  # which releases the lock


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except FileNotFoundError:
        return False

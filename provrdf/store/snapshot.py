"""Reader snapshots: the files of an embedded store as they are now, kept for one reader.

Oxigraph (RocksDB) opens a store read-only beside a writing process, but it
opens its data files lazily, and the writer deletes files as it compacts
them: a reader that meets a file deleted under it fails, or worse (a read-only
query was seen to grow without bound until the system killed it). So a
reader does not open the store folder itself: it hard-links the store's
files into a folder of its own inside ``provrdf-readers/`` (no copy, no
space used but the files the writer later drops) beside a copy of the
manifest, the list of files that make the store, and opens that. A file
linked there stays as long as the snapshot does, whatever the writer does.
The write-ahead logs are the writer's own files (the same inodes), so the
reader sees every transaction committed when it opens, and no transaction
in part (a transaction is one record of the log).

Taking a snapshot races with the writer's flushes and compactions: when the
manifest grew while the files were linked, a file it names may be gone, and
:mod:`provrdf.store.oxigraph` takes a new snapshot.
Snapshots of readers that died are removed by the next process that opens
the store.
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

__all__ = ["READERS", "Moved", "drop", "sweep", "take"]

#: The folder, inside the store folder, that holds the snapshots.
READERS = "provrdf-readers"
#: The store files a snapshot links (RocksDB's names); the rest (its LOCK, its info LOG) are left out.
_FIXED = ("IDENTITY",)
_SUFFIXES = (".sst", ".log", ".blob")
_PREFIXES = ("OPTIONS-",)
_serial = itertools.count()


class Moved(OSError):
    """The writer changed the store's files while a snapshot was taken: take another."""


def take(folder: Path) -> Path | None:
    """A new snapshot of the store in ``folder``, or ``None`` when none can be made there
    (a store this user may only read, a file system without hard links).

    The manifest (which files make the store) is copied as it is when the
    snapshot starts, the data files and logs are linked; when the manifest
    has grown by the end (a flush or a compaction, which may drop a file it
    names), the snapshot is dropped. Call it inside the shared files lock
    (:func:`provrdf.store.lock.files_lock`).

    Raises
    ------
    Moved
        When the writer changed its files meanwhile.
    """
    snapshot = folder / READERS / f"{os.getpid()}.{next(_serial)}"
    try:
        snapshot.mkdir(parents=True)
    except OSError:
        return None
    try:
        current = (folder / "CURRENT").read_text(encoding="ascii")
        manifest = current.strip()
        with open(folder / manifest, "rb") as source:
            size = os.fstat(source.fileno()).st_size
            (snapshot / manifest).write_bytes(source.read(size))
        (snapshot / "CURRENT").write_text(current, encoding="ascii")
        for entry in os.scandir(folder):
            name = entry.name
            if name in _FIXED or name.endswith(_SUFFIXES) or name.startswith(_PREFIXES):
                try:
                    os.link(entry.path, snapshot / name)
                except FileNotFoundError:
                    pass  # dropped since the listing: if the copied manifest names it, the check below sees it
        if (folder / "CURRENT").read_text(encoding="ascii") != current or (folder / manifest).stat().st_size != size:
            raise Moved(f"the store at {folder} changed while its snapshot was taken")
    except FileNotFoundError as err:
        drop(snapshot)
        raise Moved(str(err)) from err
    except Moved:
        drop(snapshot)
        raise
    except OSError:
        drop(snapshot)
        return None
    return snapshot


def drop(snapshot: Path | None) -> None:
    """Remove a snapshot (the files stay in the store folder while the store uses them)."""
    if snapshot is not None:
        shutil.rmtree(snapshot, ignore_errors=True)


def sweep(folder: Path) -> None:
    """Remove the snapshots of readers that are no longer running."""
    try:
        entries = list(os.scandir(folder / READERS))
    except OSError:
        return
    for entry in entries:
        pid = entry.name.split(".")[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # running, as another user
    return True

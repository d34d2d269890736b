"""Readers: each turns one capture format into :class:`~provrdf.model.Record` objects.

Readers are registered by a short name in one registry; each has a cheap
content sniff so that ``provrdf ingest FILE`` can pick the right one.
A third-party reader registers itself the same way, through the
``provrdf.readers`` entry point group.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Iterator

from provrdf.errors import FormatError, ParseError
from provrdf.model import Record

__all__ = ["Reader", "READERS", "get_reader", "detect", "read"]

#: How many bytes of a file a sniff looks at.
SNIFF_BYTES = 65536


@dataclass(frozen=True)
class Reader:
    """A registered reader, imported on first use.

    Its ``module`` defines ``sniff(head: str) -> bool`` and
    ``read(path: Path) -> Iterator[Record | ParseError]``: a record that
    cannot be read is yielded as a :class:`~provrdf.errors.ParseError` (not
    raised), so that the records after it are still read.
    """

    name: str
    module: str
    summary: str

    def _load(self):
        return importlib.import_module(self.module)

    def sniff(self, head: str) -> bool:
        """Whether the beginning of a file looks like this reader's format."""
        return self._load().sniff(head)

    def read(self, path: Path) -> Iterator[Record | ParseError]:
        """Yield the records of ``path``, and a :class:`~provrdf.errors.ParseError` for each bad one."""
        return self._load().read(path)


#: Built-in readers, in the order ``detect`` tries them.
READERS: dict[str, Reader] = {
    reader.name: reader
    for reader in (
        Reader("ctapipe", "provrdf.capture.ctapipe", "ctapipe Tool provenance log (JSON arrays or Python repr)"),
    )
}


def _plugins() -> dict[str, Reader]:
    found = {}
    for point in entry_points(group="provrdf.readers"):
        found[point.name] = Reader(point.name, point.value, f"plug-in reader from {point.value}")
    return found


def get_reader(name: str) -> Reader:
    """The reader registered as ``name``.

    >>> get_reader("ctapipe").module
    'provrdf.capture.ctapipe'
    """
    readers = {**READERS, **_plugins()}
    try:
        return readers[name]
    except KeyError:
        raise FormatError(f"unknown input format {name!r}; known: {', '.join(readers)}") from None


def detect(path: Path) -> Reader:
    """The reader whose sniff accepts the beginning of ``path``."""
    with open(path, "rb") as stream:
        head = stream.read(SNIFF_BYTES).decode("utf-8", errors="replace")
    readers = {**READERS, **_plugins()}
    for reader in readers.values():
        if reader.sniff(head):
            return reader
    raise FormatError(f"not a provenance format provrdf knows (tried: {', '.join(readers)})")


def read(path: Path, format: str = "auto") -> tuple[Reader, Iterator[Record | ParseError]]:
    """The reader for ``path`` (detected when ``format`` is ``"auto"``) and its records."""
    reader = detect(path) if format == "auto" else get_reader(format)
    return reader, reader.read(path)

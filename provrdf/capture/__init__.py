"""Readers: each turns one capture format into :class:`~provrdf.model.Record` objects.

Readers are registered by a short name in one registry; each has a cheap
content sniff so that ``provrdf ingest FILE`` can pick the right one.
A third-party reader registers itself the same way, through the
``provrdf.readers`` entry point group.

Input is untrusted: the readers decode, parse and bound it through
:mod:`provrdf.capture.safe`, and :meth:`Reader.read` turns whatever a reader
still lets escape (a bug met on strange input) into a
:class:`~provrdf.errors.ParseError` of the file, so that no input ends an
ingest with a traceback and the records read before it are kept.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from provrdf.capture.safe import sniff_text
from provrdf.errors import FormatError, ParseError, ReadWarning
from provrdf.model import Record

__all__ = [
    "READERS",
    "Reader",
    "detect",
    "display_url",
    "get_reader",
    "is_database_url",
    "read",
    "read_database",
]

#: How many bytes of a file a sniff looks at.
SNIFF_BYTES = 65536


@dataclass(frozen=True)
class Reader:
    """A registered reader, imported on first use.

    ``target`` is a module (``"provrdf.capture.ctapipe"``) or an object in a
    module (``"provrdf.capture.w3c:provjson"``) that defines
    ``sniff(head: str) -> bool`` and
    ``read(path: Path) -> Iterator[Record | ParseError]``: a record that
    cannot be read is yielded as a :class:`~provrdf.errors.ParseError` (not
    raised), so that the records after it are still read.
    """

    name: str
    target: str
    summary: str

    def _load(self) -> Any:
        module, _, attribute = self.target.partition(":")
        loaded = importlib.import_module(module)
        return getattr(loaded, attribute) if attribute else loaded

    def sniff(self, head: str) -> bool:
        """Whether the beginning of a file looks like this reader's format."""
        return self._load().sniff(head)

    def read(self, path: Path) -> Iterator[Record | ParseError | ReadWarning]:
        """Yield the records of ``path``, and a :class:`~provrdf.errors.ParseError` for each bad one.

        An exception the reader lets escape while reading ends the reading
        with one ParseError naming it; what was read before is kept.
        """
        return _guarded(self._load().read(path), str(path), self.name)


def _guarded(items: Iterator[Record | ParseError | ReadWarning], source: str,
             reader: str) -> Iterator[Record | ParseError | ReadWarning]:
    """``items``, ended by a ParseError instead of an exception."""
    try:
        yield from items
    except RecursionError:
        yield ParseError(source, f"the {reader} reader cannot follow how deeply this input nests; "
                                 "the rest of the file is not read")
    except MemoryError:
        yield ParseError(source, f"the {reader} reader ran out of memory on this input; the rest of the file "
                                 "is not read")
    except Exception as error:  # noqa: BLE001 -- a reader's failure on strange input is the input's rejection
        yield ParseError(source, f"the {reader} reader failed on this input ({type(error).__name__}: {error}); "
                                 "the rest of the file is not read")


#: Built-in readers, in the order ``detect`` tries them (the most specific sniff first).
READERS: dict[str, Reader] = {
    reader.name: reader
    for reader in (
        Reader("ctapipe", "provrdf.capture.ctapipe", "ctapipe Tool provenance log (JSON arrays or Python repr)"),
        Reader("gammapy", "provrdf.capture.gammapy", "gammapy prototype or logprov log (__PROV__ / _PROV_ lines)"),
        Reader("provjson", "provrdf.capture.w3c:provjson", "W3C PROV-JSON document"),
        Reader("provxml", "provrdf.capture.w3c:provxml", "W3C PROV-XML document"),
        Reader("provn", "provrdf.capture.w3c:provn", "W3C PROV-N document"),
        Reader("trig", "provrdf.capture.w3c:trig", "PROV-O in TriG (bundles as named graphs)"),
        Reader("turtle", "provrdf.capture.w3c:turtle", "PROV-O in Turtle"),
        Reader("jsonld", "provrdf.capture.w3c:jsonld", "PROV-O in JSON-LD"),
        Reader("rdfxml", "provrdf.capture.w3c:rdfxml", "PROV-O in RDF/XML"),
        Reader("votable", "provrdf.capture.votable", "IVOA PROV-VOTable (provrdf's layout or the ProvDM draft's)"),
        Reader("provdb", "provrdf.capture.provdb", "CTADIRAC ProvenanceDB: a SQLite file or a database URL"),
    )
}


def _plugins() -> dict[str, Reader]:
    found = {}
    for point in entry_points(group="provrdf.readers"):
        found[point.name] = Reader(point.name, point.value, f"plug-in reader from {point.value}")
    return found


def get_reader(name: str) -> Reader:
    """The reader registered as ``name``.

    >>> get_reader("provjson").target
    'provrdf.capture.w3c:provjson'
    """
    readers = {**READERS, **_plugins()}
    try:
        return readers[name]
    except KeyError:
        raise FormatError(f"unknown input format {name!r}; known: {', '.join(readers)}") from None


def detect(path: Path) -> Reader:
    """The reader whose sniff accepts the beginning of ``path``.

    Raises
    ------
    FormatError
        When no reader accepts it; the message names the readers tried and
        those that could not be loaded (a missing dependency).
    """
    with open(path, "rb") as stream:
        head = sniff_text(stream.read(SNIFF_BYTES))
    readers = {**READERS, **_plugins()}
    broken = []
    for reader in readers.values():
        try:
            if reader.sniff(head):
                return reader
        except ImportError as err:
            broken.append(f"{reader.name} ({err})")
    message = f"not a provenance format provrdf knows (tried: {', '.join(readers)})"
    if broken:
        message += f"; could not load: {', '.join(broken)}"
    raise FormatError(message)


def is_database_url(location: str) -> bool:
    """Whether ``location`` names a database (``postgresql://…``, ``sqlite:///…``) rather than a file."""
    if "://" not in location:
        return False
    from provrdf.capture import provdb

    return provdb.is_database_url(location)


def read(path: Path, format: str = "auto") -> tuple[Reader, Iterator[Record | ParseError | ReadWarning]]:
    """The reader for ``path`` (detected when ``format`` is ``"auto"``) and its records."""
    reader = detect(path) if format == "auto" else get_reader(format)
    return reader, reader.read(path)


def read_database(url: str) -> Iterator[Record | ParseError | ReadWarning]:
    """The records of the ProvenanceDB at the SQLAlchemy ``url``."""
    from provrdf.capture import provdb

    return provdb.read_url(url)


def display_url(url: str) -> str:
    """``url`` with its password hidden, for reports and the ingest log."""
    from provrdf.capture import provdb

    return provdb.display_url(url)

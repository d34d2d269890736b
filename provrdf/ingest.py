"""Ingest: read → encode → validate → store, one record at a time.

A record that cannot be read, encoded, validated or stored is rejected on
its own, with the file and record index; the rest of the batch goes on. Each
stored record replaces its named graph in one transaction, together with its
entry in the ingest log, so a crash leaves the store as it was before that
record.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode

from provrdf.capture import display_url, get_reader, is_database_url, read_database
from provrdf.capture import read as read_source
from provrdf.errors import Error, ParseError
from provrdf.ingest_log import IngestLog
from provrdf.link import same_file_links
from provrdf.model import Record
from provrdf.rdf.encode import Encoded, Encoder
from provrdf.store.base import Store
from provrdf.validate import Issue, Validator

if TYPE_CHECKING:
    from provrdf.capture.gammapy.definition import Definitions

__all__ = ["IngestReport", "Ingester", "Rejection", "StoreSink"]

#: Records validated together in one pySHACL run.
BATCH_SIZE = 64


@dataclass
class Rejection:
    """A record that was not stored, and why."""

    source: str
    record: int | None
    message: str
    issues: list[Issue] = field(default_factory=list)
    line: int | None = None  #: line in the source, when the reader knows it

    def __str__(self) -> str:
        where = self.source if self.record is None else f"{self.source}, record {self.record}"
        if self.line is not None:
            where += f", line {self.line}"
        lines = [f"{where}: {self.message}"] + [f"  {issue}" for issue in self.issues]
        return "\n".join(lines)


@dataclass
class IngestReport:
    """What an ingest (or a validation) did."""

    stored: int = 0  #: records stored (or, for a validation, that passed)
    quads: int = 0  #: quads written, descriptions and log included
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[tuple[str, Issue]] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  #: (path, reader name)

    @property
    def ok(self) -> bool:
        """True when no record was rejected."""
        return not self.rejected


class Ingester:
    """Reads sources and stores (or only checks) their records.

    Parameters
    ----------
    store
        Where records go; ``None`` to validate only.
    validate
        Run the SHACL shapes on each record before storing it.
    on_record
        Called once per record read, stored or not (for progress bars).
    definitions
        Descriptions (from a ``definition.yaml``) to link every record to
        before it is checked; see :mod:`provrdf.capture.gammapy.definition`.
    """

    def __init__(
        self,
        store: Store | None,
        *,
        validate: bool = True,
        base: str | None = None,
        on_record: Callable[[], None] | None = None,
        definitions: Definitions | None = None,
    ) -> None:
        self.store = store
        self.definitions = definitions
        self.encoder = Encoder(base or (store.base if store else Encoder().base))
        self.validator = Validator() if validate else None
        self.on_record = on_record or (lambda: None)
        self.report = IngestReport()
        self._written: dict[NamedNode, int] = {}  # description graph → hash of its quads
        self.log = IngestLog(store, self.encoder) if store is not None else None

    def run(self, sources: Iterable[str | Path], format: str = "auto") -> IngestReport:
        """Ingest every source (a file, or a database URL); return the accumulated report.

        Raises
        ------
        FormatError
            When ``format`` names no reader (before anything is read).
        """
        if format != "auto":
            get_reader(format)
        for source in sources:
            if is_database_url(str(source)):
                self.database(str(source))
            else:
                self.file(Path(source), format)
        return self.report

    def database(self, url: str) -> None:
        """Ingest a CTADIRAC ProvenanceDB; the reader reports one that cannot be read as a rejection."""
        self.records(read_database(url), display_url(url), "provdb")

    def file(self, path: Path, format: str = "auto") -> None:
        """Ingest one file; a file that cannot be read at all is one rejection."""
        try:
            content = path.read_bytes()
            reader, items = read_source(path, format)
        except (OSError, Error) as err:
            self.report.rejected.append(Rejection(str(path), None, str(err)))
            return
        self.records(items, str(path), reader.name, hashlib.sha256(content).hexdigest())

    def records(
        self, items: Iterable[Record | ParseError], source: str, reader: str, sha256: str | None = None
    ) -> IngestReport:
        """Ingest records made elsewhere (a database, the in-process tracer).

        Parameters
        ----------
        items
            Records, and :class:`~provrdf.errors.ParseError` for those that could not be read.
        source
            Where they came from, for the report and the ingest log (no passwords).
        reader
            The name of what made them.
        sha256
            Digest of the source content; by default that of the records' own text.
        """
        self.report.sources.append((source, reader))
        if sha256 is None:
            items = list(items)
            sha256 = hashlib.sha256(repr(items).encode("utf-8")).hexdigest()
        run = self.log.run(source, sha256, reader) if self.log is not None else None
        for batch in _batches(items, BATCH_SIZE):
            self._batch(batch, run)
        return self.report

    # -- one batch ---------------------------------------------------------

    def _batch(self, items: list[Record | ParseError], run: NamedNode | None) -> None:
        encoded: list[Encoded] = []
        for item in items:
            self.on_record()
            if isinstance(item, ParseError):
                self.report.rejected.append(Rejection(item.source, item.record, item.message, line=item.line))
                continue
            if self.definitions is not None:
                item = self.definitions.apply(item)
            try:
                encoded.append(self.encoder.encode(item))
            except (ValueError, TypeError, KeyError) as err:
                self._reject(item, f"cannot encode: {err}")
        results = self.validator.check_batch(encoded) if self.validator else [[] for _ in encoded]
        for record, issues in zip(encoded, results):
            violations = [i for i in issues if i.severity == "Violation"]
            self.report.warnings += [(record.record.where, i) for i in issues if i.severity != "Violation"]
            if violations:
                self._reject(record.record, f"{len(violations)} SHACL violation(s)", violations)
            else:
                self._store(record, run)

    def _reject(self, record: Record, message: str, issues: list[Issue] | None = None) -> None:
        self.report.rejected.append(Rejection(record.source, record.index, message, issues or []))

    def _store(self, encoded: Encoded, run: NamedNode | None) -> None:
        if self.store is None:
            self.report.stored += 1
            return
        own = encoded.graphs[encoded.graph]
        links, index = same_file_links(self.store, own) if own else ([], [])
        graphs = {encoded.graph: own + links} if own else {}
        for graph, quads in encoded.graphs.items():
            digest = hash(tuple(sorted(map(str, quads))))
            if graph != encoded.graph and self._written.get(graph) != digest:
                graphs[graph] = quads
                self._written[graph] = digest
        also = (self.log.entries(encoded.graph, run) if own and self.log else []) + index
        try:
            self.store.replace(graphs, also)
        except Error as err:
            for graph in graphs:
                self._written.pop(graph, None)
            self._reject(encoded.record, f"not stored: {err}")
            return
        self.report.stored += 1
        self.report.quads += sum(len(q) for q in graphs.values()) + len(also)

def _batches(items: Iterable[Record | ParseError], size: int) -> Iterator[list[Record | ParseError]]:
    batch: list[Record | ParseError] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class StoreSink:
    """A record sink that checks and stores what a tracer hands over (see :class:`~provrdf.capture.tracer.Tracer`).

    Parameters
    ----------
    store
        Where the records go.
    validate
        Check each record with the SHACL shapes before storing it.

    Examples
    --------
    >>> from provrdf.store import open_store
    >>> sink = StoreSink(open_store(":memory:"))
    >>> sink([], "tracer:demo", "tracer").stored
    0
    """

    def __init__(self, store: Store, *, validate: bool = True) -> None:
        self.store = store
        self.ingester = Ingester(store, validate=validate)

    def __call__(self, items: Iterable[Record | ParseError], source: str, reader: str) -> IngestReport:
        """Ingest one batch; the report covers every batch so far."""
        return self.ingester.records(items, source, reader)

    def __repr__(self) -> str:
        return f"<StoreSink {self.store.location}>"

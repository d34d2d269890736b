"""Ingest: read → encode → validate → store, one record at a time.

A record that cannot be read, encoded, validated or stored is rejected on
its own, with the file and record index; the rest of the batch goes on. Each
stored record is added to its named graph in one transaction (a graph holds
what every source said about that record, whatever their order), together
with the descriptions it brings, the same-file links and the knowledge-graph
triples that follow from it and its entry in the ingest log, so a crash
leaves the store as it was before that record. A record whose graph is
already stored as it is changes nothing and is counted as unchanged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import NamedNode, Quad

from provrdf.capture import display_url, get_reader, is_database_url, read_database
from provrdf.capture import read as read_source
from provrdf.errors import Error, ParseError, ReadWarning
from provrdf.ingest_log import IngestLog
from provrdf.link import link_change
from provrdf.model import Record
from provrdf.rdf.encode import Encoded, Encoder
from provrdf.store.base import Change, Store

if TYPE_CHECKING:
    from provrdf.shacl import Issue, Validator
    from provrdf.capture.gammapy.definition import Definitions

__all__ = ["IngestReport", "IngestWarning", "Ingester", "Item", "Rejection", "StoreSink"]

#: What a reader yields: a record, a record it could not read, or a warning about its input.
Item = Record | ParseError | ReadWarning

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


@dataclass(frozen=True)
class IngestWarning:
    """Something said about a stored record, or about its source, that did not reject it.

    ``kind`` groups warnings alike: a SHACL rule's name ("agent name"), or
    what a reader met ("claim disagrees with the record").
    """

    where: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class IngestReport:
    """What an ingest (or a validation) did."""

    stored: int = 0  #: records stored (or, for a validation, that passed)
    unchanged: int = 0  #: records already stored exactly as they are
    quads: int = 0  #: quads written to named graphs (records, descriptions, links, log)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[IngestWarning] = field(default_factory=list)
    sources: list[tuple[str, str]] = field(default_factory=list)  #: (path, reader name)

    @property
    def ok(self) -> bool:
        """True when no record was rejected."""
        return not self.rejected

    def warnings_by_kind(self) -> dict[str, list[IngestWarning]]:
        """The warnings grouped by kind, the most frequent kind first.

        >>> report = IngestReport(warnings=[IngestWarning("a.log, record 0", "agent name", "no name")] * 2)
        >>> {kind: len(found) for kind, found in report.warnings_by_kind().items()}
        {'agent name': 2}
        """
        kinds: dict[str, list[IngestWarning]] = {}
        for warning in self.warnings:
            kinds.setdefault(warning.kind, []).append(warning)
        return dict(sorted(kinds.items(), key=lambda item: -len(item[1])))


class Ingester:
    """Reads sources and stores (or only checks) their records.

    Parameters
    ----------
    store
        Where records go; ``None`` to validate only.
    validate
        Run the SHACL shapes on each record before storing it.
    strict
        Make every SHACL Warning (what ProvDM asks for completeness) a Violation.
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
        strict: bool = False,
        base: str | None = None,
        on_record: Callable[[], None] | None = None,
        definitions: Definitions | None = None,
    ) -> None:
        self.store = store
        self.definitions = definitions
        self.encoder = Encoder(base or (store.base if store else Encoder().base))
        self.validator: Validator | None = None
        if validate:
            from provrdf.shacl import Validator  # pySHACL and rdflib load only when records are checked

            self.validator = Validator(strict=strict)
        self.on_record = on_record or (lambda: None)
        self.report = IngestReport()
        self._written: dict[NamedNode, int] = {}  # description graph → hash of its quads
        self.log = IngestLog(store, self.encoder) if store is not None else None
        self._noted = False  # the definition file's own warnings are said

    def run(self, sources: Iterable[str | Path], format: str = "auto") -> IngestReport:
        """Ingest every source (a file, or a database URL); return the accumulated report.

        Raises
        ------
        FormatError
            When ``format`` names no reader (before anything is read).
        """
        if format != "auto":
            get_reader(format)
        linked = self.definitions.linked if self.definitions is not None else 0
        if self.definitions is not None and not self._noted:  # what the definition file itself holds unread
            where = self.definitions.source or "the definition file"
            self.report.warnings += [IngestWarning(where, kind, message) for kind, message in self.definitions.notes()]
            self._noted = True
        for source in sources:
            if is_database_url(str(source)):
                self.database(str(source))
            else:
                self.file(Path(source), format)
        if self.definitions is not None and self.definitions.linked == linked and self.report.sources:
            where = self.definitions.source or "the definition file"
            message = f"{where} matches no record: no activity of the sources has a name it describes"
            self.report.rejected.append(Rejection(where, None, message))
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

    def records(self, items: Iterable[Item], source: str, reader: str, sha256: str | None = None) -> IngestReport:
        """Ingest records made elsewhere (a database, the in-process tracer).

        A source that gives no record at all (neither a good nor a broken
        one) is a rejection of its own: the format it was read as is not
        what it holds.

        Parameters
        ----------
        items
            Records, a :class:`~provrdf.errors.ParseError` for each that could not
            be read, and the :class:`~provrdf.errors.ReadWarning` objects about the input.
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
        run = _Run(self.log, source, sha256, reader)
        for batch in _batches(items, BATCH_SIZE):
            self._batch(batch, run)
        if run.records == 0:
            self._rejected(Rejection(source, None, f"no provenance records found in {source} as {reader}"), run)
        return self.report

    # -- one batch ---------------------------------------------------------

    def _batch(self, items: list[Item], run: _Run) -> None:
        encoded: list[Encoded] = []
        for item in items:
            if isinstance(item, ReadWarning):
                self.report.warnings.append(IngestWarning(item.where, item.kind, item.message))
                continue
            self.on_record()
            run.records += 1
            if isinstance(item, ParseError):
                self._rejected(Rejection(item.source, item.record, item.message, line=item.line), run)
                continue
            if self.definitions is not None:
                item = self.definitions.apply(item)
            try:
                encoded.append(self.encoder.encode(item))
            except (ValueError, TypeError, KeyError) as err:
                self._reject(item, f"cannot encode: {err}", run=run)
        results = self.validator.check_batch(encoded) if self.validator else [[] for _ in encoded]
        for record, issues in zip(encoded, results):
            violations = [i for i in issues if i.severity == "Violation"]
            if violations:
                self._reject(record.record, f"{len(violations)} SHACL violation(s)", violations, run)
                continue
            where = record.record.where
            self.report.warnings += [IngestWarning(where, kind, message) for kind, message in record.record.warnings]
            self.report.warnings += [IngestWarning(where, i.rule or "SHACL", i.text) for i in issues]
            self._store(record, run)

    def _reject(self, record: Record, message: str, issues: list[Issue] | None = None,
                run: _Run | None = None) -> None:
        rejection = Rejection(record.source, record.index, message, issues or [])
        self._rejected(rejection, run)

    def _rejected(self, rejection: Rejection, run: _Run | None) -> None:
        """Report a rejection and log it with its run (a rejected attempt is logged as rejected)."""
        self.report.rejected.append(rejection)
        if run is not None and self.store is not None and self.log is not None:
            where = "the source" if rejection.record is None else f"record {rejection.record}"
            try:
                self.store.write(Change(add=run.quads() + self.log.rejected(run.node, f"{where}: {rejection.message}")))
            except Error:
                return  # the rejection stays in the report; the log is bookkeeping
            run.logged()

    def _store(self, encoded: Encoded, run: _Run) -> None:
        if self.store is None:
            self.report.stored += 1
            return
        own = encoded.graphs[encoded.graph]
        graphs = {encoded.graph: own} if own else {}
        for graph, quads in encoded.graphs.items():
            digest = hash(tuple(sorted(map(str, quads))))
            if graph != encoded.graph and self._written.get(graph) != digest:
                graphs[graph] = quads
                self._written[graph] = digest
        log = run.quads() + (self.log.stored(encoded.graph, run.node) if own and self.log else [])
        # A graph is what every source said about its record (or description): added to, never
        # replaced, so the store is the same whatever order the sources come in.
        change = Change(add=[quad for quads in graphs.values() for quad in quads] + log)
        try:
            delta = self.store.plan(change)
            delta = delta.then(self.store.plan(link_change(self.store, delta)))
            if delta:
                self.store.apply(delta)
        except Error as err:
            for graph in graphs:
                self._written.pop(graph, None)
            self._reject(encoded.record, f"not stored: {err}", run=run)
            return
        run.logged()
        if any(q.graph_name != self.log.graph for q in delta.add + delta.remove if self.log):
            self.report.stored += 1
        else:
            self.report.unchanged += 1
        self.report.quads += delta.named()[1]


class _Run:
    """One source being ingested: its entry in the ingest log, written with its first record (or rejection)."""

    def __init__(self, log: IngestLog | None, source: str, sha256: str, reader: str) -> None:
        self.log, self.source, self.sha256, self.reader = log, source, sha256, reader
        self.records = 0  #: records read so far, good or broken
        self._entry: tuple[NamedNode, list[Quad]] | None = None
        self._logged = False

    @property
    def node(self) -> NamedNode:
        """The IRI of the run in the ingest log."""
        return self._log_entry()[0]

    def quads(self) -> list[Quad]:
        """The quads that log the run, until a write has stored them."""
        return [] if self._logged or self.log is None else self._log_entry()[1]

    def logged(self) -> None:
        """Say that the run's quads are stored."""
        self._logged = True

    def _log_entry(self) -> tuple[NamedNode, list[Quad]]:
        if self._entry is None:
            assert self.log is not None, "a run without a log has no entry"
            self._entry = self.log.run(self.source, self.sha256, self.reader)
        return self._entry


def _batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    batch: list[Item] = []
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

    def __call__(self, items: Iterable[Item], source: str, reader: str) -> IngestReport:
        """Ingest one batch; the report covers every batch so far."""
        return self.ingester.records(items, source, reader)

    def __repr__(self) -> str:
        return f"<StoreSink {self.store.location}>"

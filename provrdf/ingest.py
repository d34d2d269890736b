"""Ingest: read → encode → validate → store, one record at a time.

A record that cannot be read, encoded, validated or stored is rejected on
its own, with the file and record index; the rest of the batch goes on. Each
stored record replaces its named graph in one transaction, together with its
entry in the ingest log, so a crash leaves the store as it was before that
record.
"""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad

from provrdf import __version__
from provrdf.capture import display_url, get_reader, is_database_url, read_database
from provrdf.capture import read as read_source
from provrdf.capture.common import file_path
from provrdf.errors import Error, ParseError
from provrdf.model import Record
from provrdf.rdf.encode import Encoded, Encoder
from provrdf.rdf.terms import LABEL, TYPE, P, R, V, literal
from provrdf.store.base import LOCATIONS_GRAPH, Store
from provrdf.validate import Issue, Validator

if TYPE_CHECKING:
    from provrdf.capture.definition import Definitions

__all__ = ["IngestReport", "Ingester", "Rejection", "ingest_log_graph", "location_variants", "same_file_links"]

#: Records validated together in one pySHACL run.
BATCH_SIZE = 64


def ingest_log_graph(store: Store) -> NamedNode:
    """The named graph of the ingest log: which source produced which bundles."""
    return NamedNode(f"{store.base}graph/ingest-log")


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
        before it is checked; see :mod:`provrdf.capture.definition`.
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
        run = self._log_run(source, sha256, reader)
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
        also = self._log_entries(encoded.graph if own else None, run) + index
        try:
            self.store.replace(graphs, also)
        except Error as err:
            for graph in graphs:
                self._written.pop(graph, None)
            self._reject(encoded.record, f"not stored: {err}")
            return
        self.report.stored += 1
        self.report.quads += sum(len(q) for q in graphs.values()) + len(also)

    def _log_entries(self, bundle: NamedNode | None, run: NamedNode | None) -> list[Quad]:
        """The ingest-log quads of one stored record (none for a record of descriptions only)."""
        if bundle is None:
            return []
        log = ingest_log_graph(self.store)
        also = [Quad(bundle, TYPE, P.Bundle, log), Quad(bundle, TYPE, P.Entity, log)]
        if run is not None:
            also.append(Quad(run, P.generated, bundle, log))
        return also

    # -- the ingest log ------------------------------------------------------

    def _log_run(self, path: Path | str, sha256: str, reader: str) -> NamedNode | None:
        """The ingest-log entry of this source content, written once per content."""
        if self.store is None:
            return None
        log = ingest_log_graph(self.store)
        run = self.encoder.iri("ingest", sha256)
        source = self.encoder.iri("source", sha256)
        location = Literal(str(path))
        quads = [Quad(source, P.atLocation, location, log)]
        if not self.store.ask(f"ASK {{ GRAPH {log} {{ {run} ?p ?o }} }}"):
            agent = self.encoder.iri("agent", f"software/provrdf/{__version__}")
            now = datetime.now(timezone.utc).replace(microsecond=0)
            quads += [
                Quad(run, TYPE, P.Activity, log),
                Quad(run, TYPE, R.IngestRun, log),
                Quad(run, P.startedAtTime, literal(now), log),
                Quad(run, P.used, source, log),
                Quad(run, R.reader, Literal(reader), log),
                Quad(run, P.wasAssociatedWith, agent, log),
                Quad(source, TYPE, P.Entity, log),
                Quad(source, TYPE, R.Source, log),
                Quad(source, R.sha256, Literal(sha256), log),
                Quad(agent, TYPE, P.Agent, log),
                Quad(agent, TYPE, P.SoftwareAgent, log),
                Quad(agent, LABEL, Literal(f"provrdf {__version__}"), log),
                Quad(agent, R.softwareVersion, Literal(__version__), log),
            ]
        self.store.replace({}, quads)
        return run


def same_file_links(store: Store, quads: list[Quad]) -> tuple[list[Quad], list[Quad]]:
    """``prov:alternateOf`` links from the entities of ``quads`` to stored entities at the same location.

    Tools name a file differently (a CTAO product id, a content hash, an
    OPUS store id) but record where it was; two entities at the same
    ``prov:atLocation`` are two views of one file, and the link lets a
    lineage cross from one tool's output to the next tool's input.
    Parameters and configuration files are not linked.

    Returns
    -------
    links, index
        The links, for the record's own graph, and the entries of
        :data:`~provrdf.store.base.LOCATIONS_GRAPH` that the record adds.
    """
    kinds: dict[NamedNode, set] = {}
    located: list[tuple[NamedNode, Literal]] = []
    for quad in quads:
        if quad.predicate == TYPE:
            kinds.setdefault(quad.subject, set()).add(quad.object)
        elif quad.predicate == P.atLocation and isinstance(quad.object, Literal):
            located.append((quad.subject, quad.object))
    files = [
        (node, location)
        for node, location in located
        if P.Entity in kinds.get(node, ()) and not kinds[node] & {V.Parameter, V.ConfigFile}
    ]
    if not files:
        return [], []
    values = " ".join(
        f"({node} {Literal(variant)})" for node, location in files for variant in location_variants(location.value)
    )
    rows = store.query(
        f"""SELECT DISTINCT ?e ?other WHERE {{
          VALUES (?e ?location) {{ {values} }}
          GRAPH {LOCATIONS_GRAPH} {{ ?other {R.fileLocation} ?location }}
          FILTER(?other != ?e)
        }}"""
    )
    graph = quads[0].graph_name
    links = [Quad(row["e"], P.alternateOf, row["other"], graph) for row in rows]
    return links, [Quad(node, R.fileLocation, location, LOCATIONS_GRAPH) for node, location in files]


def location_variants(location: str) -> list[str]:
    """The spellings under which a tool may have recorded the same file.

    >>> location_variants("file:///data/dl2/run1.h5")
    ['file:///data/dl2/run1.h5', '/data/dl2/run1.h5']
    >>> location_variants("/data/./dl2/run1.h5")
    ['/data/./dl2/run1.h5', '/data/dl2/run1.h5', 'file:///data/dl2/run1.h5']
    """
    variants = [location]
    if location.startswith("file://"):
        variants.append(file_path(location))
    elif location.startswith("/"):
        path = posixpath.normpath(location)
        variants += [path, "file://" + path]
    return list(dict.fromkeys(variants))


def _batches(items: Iterable[Record | ParseError], size: int) -> Iterator[list[Record | ParseError]]:
    batch: list[Record | ParseError] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch

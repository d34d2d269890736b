"""The record being read from one document: what its rows declared and named, and the ids their cells give."""

from __future__ import annotations

from collections.abc import Callable

from provrdf import model as m
from provrdf.capture.votable.rows import BadRow, Row
from provrdf.capture.votable.values import is_iri
from provrdf.errors import ParseError, ReadWarning
from provrdf.identifiers import external

__all__ = ["Reading", "RowReader"]


class Reading:
    """One document being turned into a record: the record, the messages about it, what the rows said so far.

    Parameters
    ----------
    source
        The file, as messages name it.
    record
        The record the rows are read into.
    lax
        Whether the document is in provrdf's layout, whose ids are IRIs by definition.
    """

    def __init__(self, source: str, record: m.Record, *, lax: bool) -> None:
        self.source = source
        self.record = record
        self.lax = lax
        self.items: list[ParseError | ReadWarning] = []
        self.declared: set[str] = set()  #: local ids of the rows read, of every kind
        self.mentioned: dict[str, str] = {}  #: local id → node kind, of the nodes relations name
        self.configures: dict[str, list[str]] = {}  #: parameter or config file → its activities
        self.owners: dict[str, list[str]] = {}  #: parameter description → its activity descriptions
        self.descriptions: dict[str, m.ActivityDescription] = {}
        self.steps: list[tuple[str, str]] = []  #: (activity, its step), from the drafts' a_hadStep

    def local(self, value: str) -> str:
        """The model's local id of a node named ``value``: its IRI kept, or an id under the record."""
        value = value.strip()
        return external(value) if is_iri(value, lax=self.lax) else f"{self.record.id}/{value}"

    def ref(self, row: Row, attribute: str) -> str | None:
        """The local id a reference cell names (see the package text), or None."""
        value = row.text(attribute)
        return None if value is None else self.local(value)

    def node(self, row: Row, attribute: str, kind: str) -> str | None:
        """Like :meth:`ref`, and remembered as a node of ``kind`` that the record must declare."""
        local = self.ref(row, attribute)
        if local is not None and kind != "ref":
            self.mentioned.setdefault(local, kind)
        return local

    def need(self, row: Row, attribute: str, kind: str = "ref") -> str:
        """Like :meth:`node`, and :class:`BadRow` when the cell is empty."""
        local = self.node(row, attribute, kind)
        if local is None:
            raise BadRow(f"it has no {attribute}")
        return local

    def kind(self, row: Row, kinds: dict[str, str], known: str, default: str) -> str:
        """The model's kind of an entity or entity description, from ``classType``."""
        value = row.text("classType")
        if value is None:
            return default
        found = kinds.get(value.strip().lower())
        if found is None:
            self.warn("class type", f"{row.where}: classType {value!r} is none of {known}: read as {default}")
            return default
        return found

    def warn(self, kind: str, message: str) -> None:
        """Report a :class:`~provrdf.errors.ReadWarning` about the record."""
        self.items.append(ReadWarning(self.source, kind, message, record=self.record.index))

    def fail(self, row: Row, reason: BadRow) -> None:
        """Report a row that cannot be read as a :class:`~provrdf.errors.ParseError` naming it."""
        self.items.append(ParseError(self.source, f"{row.where}: {reason}", record=self.record.index))


#: Reads one row of a table into the record; :class:`BadRow` when it cannot.
RowReader = Callable[[Reading, Row], None]

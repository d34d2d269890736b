"""The rows of one provenance table: cells by attribute, extension values typed, unread columns warned about."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from provrdf import model as m
from provrdf.capture.votable.columns import Column, TableClass, place_columns
from provrdf.capture.votable.values import is_iri, split_refs, table_cells, text
from provrdf.timeutil import parse_time

__all__ = ["BadRow", "Row", "Warn", "read_table"]

#: How a reader reports a warning: its kind and its message.
Warn = Callable[[str, str], None]


class BadRow(Exception):
    """A row that cannot be read; the message says why."""


@dataclass
class Row:
    """One row: its cells by attribute (empty ones left out) and its extension values by property IRI."""

    table: str
    number: int
    cells: dict[str, Any]
    extra: m.Extra = field(default_factory=dict)

    @property
    def where(self) -> str:
        """The row in a message: ``table <name>, row <number>`` (1-based)."""
        return f"table {self.table}, row {self.number}"

    def text(self, attribute: str) -> str | None:
        """The text of a cell, or None when the row has none."""
        value = self.cells.get(attribute)
        return None if value is None else str(value)

    def time(self, attribute: str) -> datetime | None:
        """The time of a cell, an aware UTC datetime; :class:`BadRow` when it is no ISO 8601 time."""
        value = self.text(attribute)
        if value is None:
            return None
        try:
            return parse_time(value)
        except ValueError:
            raise BadRow(f"{attribute} is not an ISO 8601 time: {value!r}") from None


def read_table(cls: TableClass, table: Any, name: str, warn: Warn) -> list[Row]:
    """The rows of one table; a warning for each column not read, with the number of values it held."""
    columns, unplaced = place_columns(cls, table)
    cells = table_cells(table)
    rows = [_row(name, number, columns, row, warn) for number, row in enumerate(cells, start=1)]
    for index, reason in unplaced:
        count = sum(1 for row in cells if row[index] is not None)
        field_ = table.fields[index]
        utype = f" (utype {field_.utype})" if field_.utype else ""
        warn("unread column", f"table {name}: column {field_.name}{utype} {reason}: its {count} value(s) are not read")
    return rows


def _row(table: str, number: int, columns: list[Column], cells: list[Any], warn: Warn) -> Row:
    row = Row(table, number, {})
    for column in columns:
        value = cells[column.index]
        if value is None:
            continue
        if column.attribute is not None:
            row.cells[column.attribute] = text(value)
            continue
        values = _extension_values(row, column, value, warn)
        prop = column.prop or ""
        if prop in row.extra:  # two columns of one property (a prefixed name and its IRI)
            earlier = row.extra[prop]
            values = [*(earlier if isinstance(earlier, list) else [earlier]), *values]
        if values:
            row.extra[prop] = values[0] if len(values) == 1 else values
    return row


_CONVERTERS: dict[str, type] = {"int": int, "float": float, "bool": bool}


def _extension_values(row: Row, column: Column, value: Any, warn: Warn) -> list[Any]:
    """The values of one extension cell, typed by its column."""
    if column.kind == "ref":
        return [m.IRI(part) if is_iri(part, lax=True) else part for part in split_refs(text(value))]
    if column.kind == "time":
        try:
            return [parse_time(text(value))]
        except ValueError:
            warn("not a time", f"{row.where}: {column.name} is no ISO 8601 time: {value!r}; kept as text")
            return [text(value)]
    convert = _CONVERTERS.get(column.kind)
    if convert is not None and isinstance(value, (int, float, bool)):
        return [convert(value)]
    return [text(value)]

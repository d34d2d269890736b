"""One parsed VOTable document → one record: its id, its tables read in order, what the rows imply.

The tables are read class by class, whatever their order in the document:
the nodes, the descriptions (an activity description before its parts), the
configuration links before the parameters and config files they place, the
relations last. Then the drafts' ``a_hadStep`` becomes ``part_of``, and each
node a relation names but no row declares becomes a bare node of its kind.

>>> from provrdf.capture.votable.columns import CLASSES
>>> set(ROW_READERS) == set(CLASSES)
True
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from typing import Any

from provrdf import model as m
from provrdf.capture.votable.columns import table_class
from provrdf.capture.votable.configuration import READERS as CONFIGURATION_READERS
from provrdf.capture.votable.descriptions import READERS as DESCRIPTION_READERS
from provrdf.capture.votable.ingest_log import drop_ingest_log
from provrdf.capture.votable.nodes import READERS as NODE_READERS
from provrdf.capture.votable.reading import Reading, RowReader
from provrdf.capture.votable.relations import READERS as RELATION_READERS
from provrdf.capture.votable.rows import BadRow, Row, read_table
from provrdf.errors import ParseError, ReadWarning

__all__ = ["ROW_READERS", "read_document"]

#: The reader of each table's rows, in the order a document is read.
ROW_READERS: dict[str, RowReader] = {**NODE_READERS, **DESCRIPTION_READERS, **CONFIGURATION_READERS,
                                     **RELATION_READERS}  # fmt: skip
_PROVENANCE_DOCUMENT = "voprov:provenancedocument"
_RECORD_LISTS = ("activities", "entities", "agents", "usages", "generations", "associations", "attributions",
                 "derivations", "communications", "memberships", "invalidations", "starts", "ends", "delegations",
                 "influences", "parameters", "config_files", "activity_descriptions", "entity_descriptions")


def read_document(source: str, content: bytes, votable: Any) -> Iterator[m.Record | ParseError | ReadWarning]:
    """The warnings and errors about the rows of ``votable`` (parsed from ``content``), then its record.

    When no row could be read, a :class:`~provrdf.errors.ParseError` says so instead of the record (the
    errors of its rows, when there were rows).
    """
    reading = _start(source, content, votable)
    groups = _tables(reading, votable)
    drop_ingest_log(groups, reading.warn)
    for name, reader in ROW_READERS.items():
        for row in groups.get(name, []):
            _read_row(reading, reader, row)
    _steps(reading)
    _stubs(reading)
    yield from reading.items
    if any(getattr(reading.record, name) for name in _RECORD_LISTS):
        yield reading.record
    elif not any(isinstance(item, ParseError) for item in reading.items):  # else the rows' errors said why
        yield ParseError(source, "no provenance row could be read from this VOTable", record=0)


def _start(source: str, content: bytes, votable: Any) -> Reading:
    """The reading of a document: ``votable/<ID>`` when its provenance RESOURCE names itself, else by its digest."""
    own = [r for r in _resources(votable.resources) if (r.utype or "").strip().lower() == _PROVENANCE_DOCUMENT]
    own_id = next((r.ID for r in own if r.ID), None)
    record_id = f"votable/{own_id}" if own_id else "votable/" + hashlib.sha256(content).hexdigest()[:16]
    return Reading(source, m.Record(id=record_id, source=source), lax=bool(own))


def _resources(resources: Iterable[Any]) -> Iterator[Any]:
    for resource in resources:
        yield resource
        yield from _resources(resource.resources)


def _tables(reading: Reading, votable: Any) -> dict[str, list[Row]]:
    """The rows of every provenance table, by class; a warning for each other table or unread column."""
    groups: dict[str, list[Row]] = {}
    for table in votable.iter_tables():
        name = table.name or table.ID or "(unnamed)"
        cls = table_class(table)
        if cls is None:
            reading.warn("not provenance", f"table {name} is no ProvDM class: not read")
            continue
        groups.setdefault(cls.name, []).extend(read_table(cls, table, name, reading.warn))
    return groups


def _read_row(reading: Reading, reader: RowReader, row: Row) -> None:
    """Read one row into the record; a row that cannot be read is a ParseError."""
    try:
        reader(reading, row)
    except BadRow as err:
        reading.fail(row, err)


def _steps(reading: Reading) -> None:
    """The drafts' ``a_hadStep`` as the step's ``part_of`` (its first parent); a step no row declares is added."""
    activities = {a.id: a for a in reading.record.activities}
    for parent, step in reading.steps:
        if step not in activities:
            activities[step] = m.Activity(id=step)
            reading.record.activities.append(activities[step])
            reading.declared.add(step)
        activities[step].part_of = activities[step].part_of or parent


def _stubs(reading: Reading) -> None:
    """A bare node for each node a relation names but no row declares."""
    record = reading.record
    for local, kind in reading.mentioned.items():
        if local in reading.declared:
            continue
        if kind == "activity":
            record.activities.append(m.Activity(id=local))
        elif kind == "entity":
            record.entities.append(m.Entity(id=local))
        elif kind == "agent":
            record.agents.append(m.Agent(id=local))
        reading.declared.add(local)

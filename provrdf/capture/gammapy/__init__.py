"""Reader of gammapy provenance logs: the 2019 and 2020 prototypes and logprov.

A decorated analysis class writes one log line per provenance event, among
its ordinary log output (the line forms are in :mod:`provrdf.capture.gammapy.lines`)::

    INFO provLogger __PROV__2020-04-21T13:05:12.403518__PROV__{'activity_id': '8a2f3c', ...}
    INFO:gammapy.utils.provenance.provenance:_PROV_2019-10-07T11:20:05.884436_PROV({'activity_id': ...})

Event forms, told apart by their keys:

* session: ``session_id``, ``name`` (logprov: ``module`` + ``class``),
  ``startTime``, ``system``, and logprov's ``definitions`` (the descriptions
  its activities are linked to);
* activity start (``activity_id``, ``name`` — 2019: ``activity_name`` —,
  ``startTime``, ``in_session``, ``agent_name``), ``parameters``, ``used_id``/``used_role``,
  ``generated_id``/``generated_role``, end (``endTime``);
* entity: ``entity_id``, ``name`` (logprov: ``entity_description``),
  ``location``, ``filepath``, ``hash``, ``hash_type``, ``type``, ``value``;
* membership (``entity_id``, ``member_id``) and derivation (``entity_id``,
  ``progenitor_id``, logprov adds ``generated_time``);
* the 2019 form carries the entity in the used/generated dict
  (``entity_type``, ``entity_location``) and the member's type in the
  membership (``member_type``).

logprov quirk: some entity records are keyed by the id itself, the key
``entity_id`` missing, e.g. ``{140412360887952: 'datasets',
'entity_description': 'Datasets', 'type': 'PythonObject'}`` — the id maps to
the analysis attribute holding the object. A dict with entity keys, no id
key and exactly one other key (an int or a string) is read that way; the
attribute name is the entity's name only when nothing else names it.

The events become records in :mod:`provrdf.capture.gammapy.events`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from provrdf.capture.gammapy.events import records
from provrdf.capture.gammapy.lines import events, parse_line, sniff
from provrdf.capture.safe import decode
from provrdf.errors import ParseError, ReadWarning
from provrdf.model import Record

__all__ = ["parse_line", "read", "records", "sniff"]


def read(path: Path) -> Iterator[Record | ParseError | ReadWarning]:
    """Yield the records of the gammapy provenance log at ``path``.

    A provenance record whose payload cannot be read is yielded as a
    :class:`~provrdf.errors.ParseError` with its line (and no record index);
    an inconsistent activity as one with its index and first line; a
    provenance line cut short as a :class:`~provrdf.errors.ReadWarning`.
    Other lines are ignored. A log not in UTF-8 is read in the encoding it
    is in, with a ReadWarning when that was guessed.

    Parameters
    ----------
    path
        The log file.

    Raises
    ------
    OSError
        Only when the file cannot be read at all.
    """
    source, aside = str(path), list[ParseError | ReadWarning]()
    text, note = decode(Path(path).read_bytes())
    if note:
        yield ReadWarning(source, "encoding", f"the log is {note}")
    stream = io.StringIO(text.lstrip("\ufeff"), newline=None)
    for item in records(_payloads(events(stream, source), aside), source):
        yield from _drain(aside)
        yield item
    yield from _drain(aside)


def _payloads(items: Iterator[tuple[int, dict] | ParseError | ReadWarning],
              aside: list[ParseError | ReadWarning]) -> Iterator[tuple[int, dict]]:
    """The events, with what is not one set aside to be yielded between the records."""
    for item in items:
        if isinstance(item, tuple):
            yield item
        else:
            aside.append(item)


def _drain(items: list[ParseError | ReadWarning]) -> Iterator[ParseError | ReadWarning]:
    while items:
        yield items.pop(0)

"""Reader of gammapy provenance logs: the 2019 and 2020 prototypes and logprov.

A decorated analysis class writes one log line per provenance event, among
its ordinary log output::

    INFO provLogger __PROV__2020-04-21T13:05:12.403518__PROV__{'activity_id': '8a2f3c', ...}

The prefix is ``__PROV__`` (2020) or ``_PROV_`` (2019 and logprov); the text
between the two markers is the logging time; the payload is a Python
``repr`` of a dict, read with :mod:`ast` only (``PosixPath('/x')`` becomes
``'/x'``; nothing is ever evaluated).

Event forms, told apart by their keys:

* session: ``session_id``, ``name`` (logprov: ``module`` + ``class``),
  ``startTime``, ``system`` (logprov's ``definitions`` is not kept);
* activity start (``activity_id``, ``name``, ``startTime``, ``in_session``,
  ``agent_name``), ``parameters``, ``used_id``/``used_role``,
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

>>> parse_line("INFO provLogger _PROV_2019-11-28 10:24:56,345_PROV_{'activity_id': 'b7e1', 'endTime': None}")
('2019-11-28 10:24:56,345', {'activity_id': 'b7e1', 'endTime': None})
>>> parse_line("INFO gammapy.analysis.core: Fitting datasets.") is None
True
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from provrdf.capture.scan import literal_repr
from provrdf.capture.gammapy.events import records
from provrdf.errors import ParseError
from provrdf.model import (
    Record,
)

__all__ = ["parse_line", "read", "records", "sniff"]  # records: from provrdf.capture.gammapy.events

#: The two markers around the logging time; a sniff also wants the payload's ``{`` after them.
_MARKERS = re.compile(r"(__PROV__|_PROV_)([^_{}\r\n]+)\1[ \t]*")
_SNIFF = re.compile(_MARKERS.pattern + r"(?=\{)")
#: Calls that a repr writes for paths; replaced by their one string argument.
_PATH_CALLS = frozenset({"PosixPath", "WindowsPath", "Path", "PurePosixPath", "PureWindowsPath"})


def sniff(head: str) -> bool:
    """Whether ``head`` (the start of a file) holds a gammapy provenance line.

    Parameters
    ----------
    head
        The first characters of the file.

    Returns
    -------
    bool
        True when a line has the two markers around a time, then ``{``.

    >>> sniff("INFO provLogger __PROV__2020-04-21T13:05:10__PROV__{'session_id': 1}")
    True
    >>> sniff('{"prefix": {}, "activity": {"_PROV_": {}}}')
    False
    """
    return bool(_SNIFF.search(head))


def parse_line(line: str) -> tuple[str, dict] | None:
    """The logging time and the payload of one provenance log line.

    Parameters
    ----------
    line
        One line of the log.

    Returns
    -------
    tuple of (str, dict) or None
        The text between the markers and the payload; None when the line
        is not a provenance line.

    Raises
    ------
    ValueError
        When the payload is not a dict of Python literals (paths allowed).

    >>> parse_line("__PROV__t__PROV__{'location': PosixPath('/data/hess-dl3-dr1')}")[1]
    {'location': '/data/hess-dl3-dr1'}
    """
    match = _MARKERS.search(line)
    if match is None:
        return None
    return match.group(2).strip(), _payload(line[match.end() :].strip())


def read(path: Path) -> Iterator[Record | ParseError]:
    """Yield the records of the gammapy provenance log at ``path``.

    A provenance line whose payload cannot be read is yielded as a
    :class:`~provrdf.errors.ParseError` with its line (and no record index);
    an inconsistent activity as one with its index and first line. Other
    lines are ignored.

    Parameters
    ----------
    path
        The log file.

    Raises
    ------
    OSError
        Only when the file cannot be read at all.
    """
    source, unreadable = str(path), []
    with open(path, encoding="utf-8", errors="replace") as stream:
        for item in records(_events(stream, source, unreadable), source):
            yield from _drain(unreadable)
            yield item
    yield from _drain(unreadable)


# -- lines -> payloads -------------------------------------------------------------


class _Literals(ast.NodeTransformer):
    """Replaces ``PosixPath('/x')`` by ``'/x'`` and ``nan``/``inf`` by their text."""

    def visit_Call(self, node: ast.Call) -> ast.AST:
        func, args = node.func, node.args
        if (isinstance(func, ast.Name) and func.id in _PATH_CALLS and len(args) == 1 and not node.keywords
                and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)):
            return ast.copy_location(ast.Constant(args[0].value), node)
        return self.generic_visit(node)  # any other call stays and is rejected below

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Constant(node.id) if node.id in ("nan", "inf") else node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Name) and node.operand.id == "inf":
            return ast.Constant("-inf")
        return self.generic_visit(node)


def _payload(text: str) -> dict:
    try:  # parsed and rebuilt as text, never evaluated
        value = literal_repr(ast.unparse(_Literals().visit(ast.parse(text, mode="eval"))))
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ValueError(f"provenance payload is not a Python literal: {error}") from None
    if not isinstance(value, dict):
        raise ValueError(f"provenance payload is a {type(value).__name__}, not a dict")
    return value


def _events(lines: Iterable[str], source: str, unreadable: list[ParseError]) -> Iterator[tuple[int, dict]]:
    for number, line in enumerate(lines, 1):
        try:
            parsed = parse_line(line)
        except ValueError as error:
            unreadable.append(ParseError(source, str(error), line=number))
            continue
        if parsed is not None:
            yield number, parsed[1]


def _drain(errors: list[ParseError]) -> Iterator[ParseError]:
    while errors:
        yield errors.pop(0)

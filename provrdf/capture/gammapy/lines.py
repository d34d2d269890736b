"""gammapy and logprov log lines → provenance events.

A provenance line holds an opening marker, the local time of logging, a
closing marker and the payload, a Python ``repr`` of a dict, anywhere in a
line of ordinary log output::

    INFO provLogger __PROV__2020-04-21T13:05:12.403518__PROV__{'activity_id': '8a2f3c', ...}
    2026-12-08 00:18:27,516 INFO [provLogger] _PROV_2026-12-08T00:18:27.516531_PROV_{'session_id': ...}
    INFO:gammapy.utils.provenance.provenance:_PROV_2019-10-07T11:20:05.884436_PROV({'activity_id': ...})

The markers are ``__PROV__`` (2020 prototype) or ``_PROV_`` (2019 prototype
and logprov); the 2019 prototype closes with ``_PROV`` and wraps the payload
in parentheses. A record may run over several lines, as the founding
material prints it, with the time broken after its seconds and the dict
over three lines: the lines are joined (without their line breaks) until
the brackets of the payload balance. A provenance line that a new one
interrupts before its payload is skipped with a warning.

The payload is read with :mod:`ast` only: ``PosixPath('/x')`` becomes
``'/x'``, ``nan``/``inf`` their text; nothing is ever evaluated.

>>> parse_line("INFO provLogger _PROV_2019-11-28 10:24:56,345_PROV_{'activity_id': 'b7e1', 'endTime': None}")
('2019-11-28 10:24:56,345', {'activity_id': 'b7e1', 'endTime': None})
>>> parse_line("INFO:gammapy:_PROV_2019-10-07T11:20:06.091691_PROV({'activity_id': '9456793112', 'endTime': 'x'})")
('2019-10-07T11:20:06.091691', {'activity_id': '9456793112', 'endTime': 'x'})
>>> parse_line("INFO gammapy.analysis.core: Fitting datasets.") is None
True
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from typing import Any

from provrdf.capture.scan import literal_repr
from provrdf.errors import ParseError, ReadWarning

__all__ = ["MAX_LINES", "events", "parse_line", "sniff"]

#: The opening marker, the time, and the closing marker (the 2019 form closes with ``_PROV(``).
_MARKERS = re.compile(r"(__PROV__|_PROV_)([^_{}()\r\n]+?)(?:\1|_PROV(?=\())[ \t]*")
#: The opening marker alone: a line that starts a record.
_OPENING = re.compile(r"__PROV__|_PROV_")
#: A sniff wants a time between the markers (its lines may break after the seconds), then the payload's bracket.
_SNIFF = re.compile(r"(__PROV__|_PROV_)[0-9T:.,+\-Z ]+?\r?\n?[0-9T:.,+\-Z ]*?(?:\1|_PROV(?=\())[ \t]*[{(]")
#: Calls that a repr writes for paths; replaced by their one string argument.
_PATH_CALLS = frozenset({"PosixPath", "WindowsPath", "Path", "PurePosixPath", "PureWindowsPath"})
#: What the text between the markers holds when it is a time (``2019-11-28 10:24:56,345``).
_TIME = re.compile(r"[0-9T:.,+\-Z ]+")
#: How many lines one record may run over before it is given up.
MAX_LINES = 50
_OPEN, _CLOSE = "([{", ")]}"


def sniff(head: str) -> bool:
    """Whether ``head`` (the start of a file) holds a gammapy provenance line.

    Parameters
    ----------
    head
        The first characters of the file.

    Returns
    -------
    bool
        True when a line has the two markers around a time, then ``{`` (or ``(``).

    >>> sniff("INFO provLogger __PROV__2020-04-21T13:05:10__PROV__{'session_id': 1}")
    True
    >>> sniff("INFO:gammapy.utils.provenance.provenance:_PROV_2019-10-07T11:20:05\\n.884436_PROV({'activity_id': '1'")
    True
    >>> sniff('{"prefix": {}, "activity": {"_PROV_": {}}}')
    False
    """
    return bool(_SNIFF.search(head))


def parse_line(line: str) -> tuple[str, dict] | None:
    """The logging time and the payload of one provenance record (its lines joined).

    Parameters
    ----------
    line
        One line of the log, or the joined lines of one record.

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
    return match.group(2).strip(), _payload(_unwrapped(line[match.end():].strip()))


def events(lines: Iterable[str], source: str) -> Iterator[tuple[int, dict] | ParseError | ReadWarning]:
    """The provenance events of a log, as ``(line number, payload)``, in log order.

    A record is read from the line where it starts, over as many lines as
    its payload needs; a payload that cannot be read is a
    :class:`~provrdf.errors.ParseError` with its line, and a record that a
    new one interrupts before its payload, or that does not end within
    :data:`MAX_LINES` lines, a :class:`~provrdf.errors.ReadWarning`; one
    interrupted inside its payload is a ParseError. Other lines are not
    provenance and are passed over.

    >>> list(events(["INFO x __PROV__t__PROV__{'activity_id': 1,", " 'endTime': 'y'}"], "a.log"))
    [(1, {'activity_id': 1, 'endTime': 'y'})]
    """
    pending: list[str] = []
    start = 0
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        if pending and _OPENING.search(text) and not _continues_time("".join(pending), text):
            yield _interrupted("".join(pending), source, start, number)
            pending = []
        if not pending:
            if not _OPENING.search(text):
                continue
            start = number
        pending.append(text)
        joined = "".join(pending)
        state, repaired = _completeness(joined)
        if state == "complete":
            yield _event(repaired, source, start)
            if repaired != joined:
                yield ReadWarning(source, "unbalanced brackets",
                                  "the payload closes its parentheses with brackets left open; they are closed "
                                  "there and the record read", line=start)
            pending = []
        elif state == "broken" or len(pending) >= MAX_LINES:
            yield _event(joined, source, start) if state == "broken" else _unended(joined, source, start)
            pending = []
    if pending:
        yield _unended("".join(pending), source, start)


def _event(text: str, source: str, line: int) -> tuple[int, dict] | ParseError:
    try:
        parsed = parse_line(text)
    except ValueError as error:
        return ParseError(source, str(error), line=line)
    if parsed is None:
        return ParseError(source, "a provenance line without its closing marker", line=line)
    return line, parsed[1]


def _interrupted(text: str, source: str, start: int, number: int) -> ParseError | ReadWarning:
    """A record cut short by the next one: unreadable when its payload had begun, else only incomplete."""
    if _MARKERS.search(text):
        event = _event(text, source, start)
        return event if isinstance(event, ParseError) else ParseError(source, "cut off", line=start)
    return ReadWarning(source, "incomplete provenance line",
                       f"the provenance line that starts here ends before its payload (a new one starts at "
                       f"line {number}); it is skipped", line=start)


def _unended(text: str, source: str, start: int) -> ParseError | ReadWarning:
    """A record whose brackets do not balance within :data:`MAX_LINES` lines, or before the end of the file."""
    why = f"its brackets do not balance within {MAX_LINES} lines or before the end of the file"
    if _MARKERS.search(text):
        return ParseError(source, f"the provenance payload that starts here is cut off ({why})", line=start)
    return ReadWarning(source, "incomplete provenance line",
                       f"the provenance line that starts here ends before its payload ({why}); it is skipped",
                       line=start)


def _continues_time(pending: str, line: str) -> bool:
    """Whether ``line`` ends the broken time of ``pending`` with its closing marker (``.403518__PROV__{``),
    rather than starting a record of its own."""
    if _MARKERS.search(pending):
        return False
    match = _MARKERS.search(pending + line)
    return match is not None and _TIME.fullmatch(match.group(2)) is not None


def _completeness(text: str) -> tuple[str, str]:
    """``"complete"``, ``"partial"`` (more lines may finish it) or ``"broken"`` (no line will), and the text.

    In the 2019 form, whose payload is wrapped in parentheses, a parenthesis
    that closes while brackets inside it are still open closes them too
    (the founding material prints a record whose dict lacks its last
    ``}``): the text comes back with the missing brackets written in.
    """
    match = _MARKERS.search(text)
    if match is None:
        return "partial", text
    head, rest = text[:match.end()], text[match.end():].lstrip()
    if not rest:
        return "partial", text
    if rest[0] not in "{(":
        return "broken", text
    end, repaired = _closing(rest)
    if end is None:
        return "partial", text
    return "complete", head + repaired + rest[end:]


def _closing(text: str) -> tuple[int | None, str]:
    """Where the bracket that opens ``text`` closes (strings skipped), and the text up to there.

    A ``)`` meeting an open ``{`` or ``[`` closes them first; any other
    mismatch, or no end, gives ``None``.
    """
    stack: list[str] = []
    out: list[str] = []
    quote, i = None, 0
    while i < len(text):
        char = text[i]
        out.append(char)
        if quote:
            if char == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 1
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char in _OPEN:
            stack.append(_CLOSE[_OPEN.index(char)])
        elif char in _CLOSE:
            if char == ")" and ")" in stack and stack[-1] != ")":
                while stack[-1] != ")":
                    out.insert(len(out) - 1, stack.pop())
            if not stack or stack[-1] != char:
                return None, text
            stack.pop()
            if not stack:
                return i + 1, "".join(out)
        i += 1
    return None, text


def _unwrapped(payload: str) -> str:
    """The 2019 form's payload without the parentheses around the dict."""
    if payload.startswith("(") and payload.endswith(")"):
        return payload[1:-1].strip()
    return payload


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


def _payload(text: str) -> dict[Any, Any]:
    try:  # parsed and rebuilt as text, never evaluated
        value = literal_repr(ast.unparse(_Literals().visit(ast.parse(text, mode="eval"))))
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise ValueError(f"provenance payload is not a Python literal: {error}") from None
    if not isinstance(value, dict):
        raise ValueError(f"provenance payload is a {type(value).__name__}, not a dict")
    return value

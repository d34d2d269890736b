"""Reading JSON and Python-``repr`` values out of text, one value at a time.

ctapipe logs are arrays written back to back, sometimes as a Python
``repr``; the gammapy prototype writes one ``repr`` per log line. The
functions here read such text value by value, so that what comes before a
cut or a syntax error is still read, and never evaluate anything.

>>> literal_repr("[{'a': None, 'b': True}]")
[{'a': None, 'b': True}]
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import Any

from provrdf.capture.safe import MAX_DEPTH, Unsafe, check_depth, json_at, too_deep

__all__ = ["ScanError", "Unreadable", "array_elements", "concatenated_arrays", "line_of", "literal_repr",
           "value_at"]


def literal_repr(text: str) -> Any:
    """Load a Python ``repr`` of literals (dicts, lists, tuples, str, numbers, None, True) safely.

    Uses :func:`ast.literal_eval`: no code is ever run.

    Parameters
    ----------
    text
        The repr text.

    Raises
    ------
    ValueError
        When ``text`` is not made of Python literals only.
    """
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, MemoryError, RecursionError) as error:
        raise ValueError(f"not a Python literal: {error}") from None
    try:
        check_depth(value, "the literal")
    except Unsafe as error:
        raise ValueError(str(error)) from None
    return value


def line_of(text: str, position: int) -> int:
    """The 1-based line number of character ``position`` in ``text``.

    >>> line_of("a\\nb\\nc", 4)
    3
    """
    return text.count("\n", 0, position) + 1


_QUOTE = re.compile(r"""["']""")


@dataclass(frozen=True)
class Unreadable:
    """A value whose extent in the text is known but that cannot be read: nested too deeply, or
    an object that gives one key two values. Reading goes on after it.

    Parameters
    ----------
    message
        Why it cannot be read.
    position
        Offset in the text where it starts.
    """

    message: str
    position: int


class ScanError(Exception):
    """Text that cannot be read on from ``position`` (a character offset).

    Parameters
    ----------
    position
        Offset in the text where reading stopped.
    message
        What was expected or found there.
    """

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position, self.message = position, message


def value_at(text: str, position: int) -> tuple[Any, int]:
    """The JSON or Python-repr value starting at ``position`` and the offset after it.

    The two are told apart by the first quote after ``position`` (JSON has
    no ``'`` outside strings): ``"`` is JSON (read with
    :func:`~provrdf.capture.safe.json_at`), ``'`` is a repr (its extent is
    found by matching brackets outside strings, then :func:`literal_repr`).
    A value nested deeper than :data:`~provrdf.capture.safe.MAX_DEPTH`, or
    an object giving a key two values, is an :class:`Unreadable` in its place.

    >>> value_at("[1, {'a': None}] tail", 0)
    ([1, {'a': None}], 16)
    >>> value_at('{"a": 1, "a": 2}', 0)[0].message
    "the key 'a' is given twice in one object, with different values"

    Raises
    ------
    ScanError
        When the text there is neither.
    """
    match = _QUOTE.search(text, position)
    if match and match.group() == "'":
        end, depth = _literal_extent(text, position)
        if depth > MAX_DEPTH:
            return Unreadable(too_deep("the value"), position), end
        try:
            value = literal_repr(text[position:end])
        except ValueError as error:
            raise ScanError(position, f"invalid Python repr: {error}") from None
        return value, end
    try:
        return json_at(text, position, what="the value")
    except Unsafe as error:
        end, _ = _literal_extent(text, position)
        return Unreadable(str(error), position), end
    except json.JSONDecodeError as error:
        raise ScanError(error.pos, f"invalid JSON: {error.msg}") from None


def array_elements(text: str, position: int) -> Generator[Any, None, int]:
    """Yield the elements of the array starting at ``position`` one by one.

    Each element is decoded on its own, so the elements before a cut or a
    syntax error are still yielded. The generator's return value is the
    offset just after the closing ``]``.

    >>> list(array_elements('[{"a": 1}, {"a": 2}]', 0))
    [{'a': 1}, {'a': 2}]

    Raises
    ------
    ScanError
        Where the array stops making sense.
    """
    position = _skip_space(text, position + 1)
    if text.startswith("]", position):
        return position + 1
    while True:
        value, position = value_at(text, position)
        yield value
        position = _skip_space(text, position)
        if position >= len(text):
            raise ScanError(position, "the array ends without its closing ']' (file cut off?)")
        if text[position] == "]":
            return position + 1
        if text[position] != ",":
            raise ScanError(position, f"expected ',' or ']' after an element, found {text[position]!r}")
        position = _skip_space(text, position + 1)


def concatenated_arrays(text: str) -> Iterator[Any]:
    """Yield the elements of arrays written back to back (``][`` or ``]\\n[``).

    >>> list(concatenated_arrays("[1, 2]\\n[3][]"))
    [1, 2, 3]

    Raises
    ------
    ScanError
        At the first place the text is not an array.
    """
    position = _skip_space(text, 0)
    while position < len(text):
        if text[position] != "[":
            raise ScanError(position, f"expected '[' to start an array, found {text[position]!r}")
        position = yield from array_elements(text, position)
        position = _skip_space(text, position)


def _literal_extent(text: str, position: int) -> tuple[int, int]:
    """The end of the JSON or Python literal starting at ``position`` (strings skipped whole), and how deep
    its brackets nest; found without recursion, whatever the depth."""
    depth, deepest, i = 0, 0, position
    while i < len(text):
        char = text[i]
        if char in "'\"":
            i = _string_end(text, i)
            if depth == 0:
                return i, deepest
            continue
        if char in "[{(":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]})":
            if depth == 0:
                return i, deepest
            depth -= 1
            if depth == 0:
                return i + 1, deepest
        elif char == "," and depth == 0:
            return i, deepest
        i += 1
    raise ScanError(len(text), "the text ends inside a Python literal (file cut off?)")


def _string_end(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text) and text[i] != "\n":
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        else:
            i += 1
    raise ScanError(min(i, len(text)), "unterminated string in a Python repr (file cut off?)")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position

"""Helpers shared by the readers: entity ids, configuration flattening, safe repr loading.

>>> file_entity_id("/data/mc/./DL1/../DL1/run1.h5")
'path:/data/mc/DL1/run1.h5'
>>> product_entity_id("5B0C9F4E-8E0B-4C43-9A61-2D1F6E0A7C55")
'5b0c9f4e-8e0b-4c43-9a61-2d1f6e0a7c55'
>>> flatten_config({"Tool": {"n": 3, "name": "x", "opts": {}}})
[('Tool.n', '3'), ('Tool.name', 'x'), ('Tool.opts', '{}')]
>>> literal_repr("[{'a': None, 'b': True}]")
[{'a': None, 'b': True}]
"""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
from collections.abc import Generator, Iterator
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlparse

from provrdf.timeutil import parse_time

__all__ = [
    "ScanError",
    "array_elements",
    "concatenated_arrays",
    "file_entity_id",
    "file_path",
    "flatten_config",
    "line_of",
    "literal_repr",
    "product_entity_id",
    "system_facts",
    "time_or_text",
    "value_at",
]


def file_entity_id(path: str) -> str:
    """The local id of a file entity known only by its recorded path.

    Two tools that record the same file (spelled with or without ``./``,
    ``..`` or doubled slashes) get the same id.

    Parameters
    ----------
    path
        The path as the tool recorded it.

    Returns
    -------
    str
        ``"path:"`` followed by the normalized path.
    """
    return "path:" + os.path.normpath(path)


def file_path(location: str) -> str:
    """The file path of a recorded location: a ``file://`` URL unwrapped, anything else as it is.

    >>> file_path("file:///data/dl1/run%201.h5"), file_path("/data/dl1/run1.h5")
    ('/data/dl1/run 1.h5', '/data/dl1/run1.h5')
    """
    return unquote(urlparse(location).path) if location.startswith("file://") else location


def product_entity_id(product_id: str) -> str:
    """The local id of a data product known by its CTAO product id (a uuid).

    Parameters
    ----------
    product_id
        The ``CTA PRODUCT ID`` as recorded.

    Returns
    -------
    str
        The uuid, stripped and lowercased.
    """
    return product_id.strip().lower()


def flatten_config(config: dict, prefix: str = "") -> list[tuple[str, str]]:
    """One ``(dotted name, value text)`` pair per leaf setting of a nested configuration.

    Strings are kept as they are; every other value (numbers, booleans,
    ``None``, lists) is written as JSON with sorted keys. An empty dict is a
    leaf of its own (``"{}"``), so that no setting disappears.

    Parameters
    ----------
    config
        The nested configuration, e.g. ``{"ProcessorTool": {"progress_bar": True}}``.
    prefix
        Dotted name of ``config`` itself (empty at the top).

    Returns
    -------
    list of (str, str)
        The leaves, in the order of the configuration.
    """
    leaves: list[tuple[str, str]] = []
    for key, value in config.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            leaves.extend(flatten_config(value, name))
        elif isinstance(value, str):
            leaves.append((name, value))
        else:
            leaves.append((name, json.dumps(value, sort_keys=True, default=str)))
    return leaves


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
        return ast.literal_eval(text)
    except (SyntaxError, MemoryError, RecursionError) as error:
        raise ValueError(f"not a Python literal: {error}") from None


def line_of(text: str, position: int) -> int:
    """The 1-based line number of character ``position`` in ``text``.

    >>> line_of("a\\nb\\nc", 4)
    3
    """
    return text.count("\n", 0, position) + 1


def time_or_text(value: Any) -> datetime | str | None:
    """A recorded time as a UTC datetime when it can be read, else as it was written.

    Numbers are Unix times; text is ISO 8601 (zone-less means UTC).

    >>> time_or_text("2023-05-02 09:14:03.250")
    datetime.datetime(2023, 5, 2, 9, 14, 3, 250000, tzinfo=datetime.timezone.utc)
    >>> time_or_text("yesterday")
    'yesterday'
    """
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, tz=timezone.utc)
        return parse_time(str(value))
    except (ValueError, OverflowError, OSError):
        return str(value)


# -- scanning arrays of JSON or Python-repr values ---------------------------

_JSON = json.JSONDecoder()
_QUOTE = re.compile(r"""["']""")


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
    :meth:`json.JSONDecoder.raw_decode`), ``'`` is a repr (its extent is
    found by matching brackets outside strings, then :func:`literal_repr`).

    >>> value_at("[1, {'a': None}] tail", 0)
    ([1, {'a': None}], 16)

    Raises
    ------
    ScanError
        When the text there is neither.
    """
    match = _QUOTE.search(text, position)
    if match and match.group() == "'":
        end = _literal_end(text, position)
        try:
            return literal_repr(text[position:end]), end
        except ValueError as error:
            raise ScanError(position, f"invalid Python repr: {error}") from None
    try:
        return _JSON.raw_decode(text, position)
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


def _literal_end(text: str, position: int) -> int:
    """The end of the Python literal starting at ``position`` (strings skipped whole)."""
    depth, i = 0, position
    while i < len(text):
        char = text[i]
        if char in "'\"":
            i = _string_end(text, i)
            if depth == 0:
                return i
            continue
        if char in "[{(":
            depth += 1
        elif char in "]})":
            if depth == 0:
                return i
            depth -= 1
            if depth == 0:
                return i + 1
        elif char == "," and depth == 0:
            return i
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


# -- the system block ---------------------------------------------------------


def system_facts(system: dict) -> dict[str, Any]:
    """The facts of a ctapipe-style ``system`` block under ``ctao:`` names.

    The block is the one ctapipe (and the gammapy prototype) record for every
    run: software versions, command line, platform, Python and environment.
    Missing or ``None`` values are left out; the whole block is also kept,
    unchanged, as ``ctao:systemJSON``.

    Parameters
    ----------
    system
        The ``system`` dict as recorded.

    Returns
    -------
    dict
        ``{"ctao:term": value}``; a list value stands for several facts.
    """
    platform = _dict(system.get("platform"))
    python = _dict(system.get("python"))
    facts: dict[str, Any] = {
        "ctao:ctapipeVersion": _text(system.get("ctapipe_version")),
        "ctao:ctapipeResourcesVersion": _text(system.get("ctapipe_resources_version")),
        "ctao:eventioVersion": _text(system.get("eventio_version")),
        "ctao:executable": _text(system.get("executable")),
        "ctao:arguments": _command_line(system.get("arguments")),
        "ctao:startTime": time_or_text(system.get("start_time_utc")),
        "ctao:hostName": _text(platform.get("node")),
        "ctao:operatingSystem": _text(platform.get("system")),
        "ctao:osRelease": _text(platform.get("release")),
        "ctao:machine": _text(platform.get("machine")),
        "ctao:nCpus": _count(platform.get("n_cpus", platform.get("num_cpus"))),
        "ctao:libcVersion": _joined(platform.get("libcver"), " "),
        "ctao:bootTime": time_or_text(platform.get("boot_time")),
        "ctao:pythonVersion": _joined(python.get("version"), "."),
        "ctao:pythonImplementation": _text(python.get("implementation")),
        "ctao:pythonPackage": _packages(python.get("packages")),
        "ctao:environment": _dict(system.get("environment")) or None,
        "ctao:systemJSON": system or None,
    }
    return {name: value for name, value in facts.items() if value not in (None, "", [])}


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _count(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _joined(value: Any, separator: str) -> str | None:
    if isinstance(value, (list, tuple)):
        return separator.join(str(part) for part in value if part not in (None, "")) or None
    return _text(value)


def _command_line(argv: Any) -> str | None:
    """The argv list as one shell-quoted command line (``shlex.split`` gives it back)."""
    if isinstance(argv, (list, tuple)):
        return shlex.join(str(arg) for arg in argv) or None
    return _text(argv)


def _packages(packages: Any) -> list[str]:
    if not isinstance(packages, list):
        return []
    found = []
    for package in packages:
        if isinstance(package, dict) and package.get("name"):
            version = package.get("version")
            found.append(f"{package['name']} {version}" if version else str(package["name"]))
        elif isinstance(package, str):
            found.append(package)
    return found

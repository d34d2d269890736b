"""How the tracer reads a call's values: plain parameters, paths of files, code to skip."""

from __future__ import annotations

import functools
import math
import os
import types
from typing import Any

__all__ = ["LONG_TEXT", "NOT_PLAIN", "SKIPPED", "SMALL_LIST", "path_text", "plain_value", "short_repr", "stat_path"]

#: A list or tuple longer than this is an object, not a parameter.
SMALL_LIST = 16
#: A string longer than this is an object, not a parameter (and never a path).
LONG_TEXT = 4096
#: What :func:`plain_value` returns for a value that is not a plain literal.
NOT_PLAIN = object()
#: Arguments that are code, not data: neither parameters nor entities.
SKIPPED = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
           functools.partial)


def plain_value(value: Any, depth: int = 0) -> Any:
    """``value`` as a plain literal (``repr`` readable by ``ast.literal_eval``), or ``NOT_PLAIN``."""
    kind = type(value)
    if value is None or kind is bool or kind is int:
        return value
    if kind is str:
        return value if len(value) <= LONG_TEXT else NOT_PLAIN
    if kind is float:
        return value if math.isfinite(value) else str(value)
    if kind in (list, tuple):
        if depth > 1 or len(value) > SMALL_LIST:
            return NOT_PLAIN
        items = [plain_value(item, depth + 1) for item in value]
        return NOT_PLAIN if any(item is NOT_PLAIN for item in items) else items
    if kind is dict:
        if depth > 1 or len(value) > SMALL_LIST or not all(type(key) is str for key in value):
            return NOT_PLAIN
        entries = {key: plain_value(item, depth + 1) for key, item in value.items()}
        return NOT_PLAIN if any(item is NOT_PLAIN for item in entries.values()) else entries
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, str):  # subclasses: str enums
        return plain_value(str.__str__(value), depth)
    if isinstance(value, int):  # int enums
        return int(value)
    if isinstance(value, float):  # numpy.float64
        return plain_value(float(value), depth)
    if kind.__module__ == "numpy" and getattr(value, "ndim", None) == 0:
        return plain_value(value.item(), depth)
    return NOT_PLAIN


def short_repr(value: Any, limit: int = 200) -> str:
    """The ``repr`` of ``value``, cut to ``limit`` characters (an ellipsis marks the cut)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def path_text(value: Any) -> str | None:
    """The text of a value that could name a file, or None."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, os.PathLike):
        text = os.fspath(value)
        if not isinstance(text, str):
            return None
    else:
        return None
    return text if 0 < len(text) <= LONG_TEXT and "\0" not in text and "\n" not in text else None


def stat_path(text: str) -> os.stat_result | None:
    """The ``os.stat`` of the path ``text``, or None when it does not exist or cannot be read."""
    try:
        return os.stat(text)
    except (OSError, ValueError):
        return None

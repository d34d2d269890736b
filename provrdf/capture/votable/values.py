"""Cells of an astropy VOTable table as plain Python values, and the IRIs in them.

>>> is_iri("https://example.org/a", lax=False), is_iri("ex:act1", lax=False), is_iri("ex:act1", lax=True)
(True, False, True)
>>> split_refs("https://a.org/x,y,https://b.org/z")
['https://a.org/x,y', 'https://b.org/z']
>>> text(True), text(0.1), text(3)
('true', '0.1', '3')
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["is_iri", "split_refs", "table_cells", "text"]

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_HIERARCHICAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_OPAQUE_SCHEMES = frozenset({"urn", "tag", "mailto", "doi", "ark", "info"})
_REF_SEPARATOR = re.compile(r",(?=[A-Za-z][A-Za-z0-9+.-]*:)")


def table_cells(table: Any) -> list[list[Any]]:
    """Every cell of an astropy table, row by row, as plain Python values (None when masked or empty)."""
    import numpy as np

    data, mask = table.array.data, np.ma.getmaskarray(table.array)
    width = len(table.fields)
    return [[None if mask[n][i] else _cell(data[n][i]) for i in range(width)] for n in range(len(data))]


def _cell(value: Any) -> Any:
    """A cell as a plain Python value; None when it is empty."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()  # numpy scalars and arrays
    if isinstance(value, list):
        value = " ".join(str(item) for item in value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and value == "":
        return None
    return value


def text(value: Any) -> str:
    """A cell value as the text of an attribute: booleans as ``true``/``false``, floats exactly."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def is_iri(value: str, *, lax: bool) -> bool:
    """Whether ``value`` is an absolute IRI; unless ``lax``, only ``scheme://…`` or a well-known opaque scheme."""
    if not _IRI.fullmatch(value):
        return False
    return lax or bool(_HIERARCHICAL.match(value)) or value.partition(":")[0].lower() in _OPAQUE_SCHEMES


def split_refs(value: str) -> list[str]:
    """The IRIs of a reference cell: provrdf joins several with commas, sorted; a comma before a ``scheme:`` splits."""
    return [part for part in _REF_SEPARATOR.split(value) if part]

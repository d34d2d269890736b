"""Stored ProvenanceDB values as the model keeps them: text, option lists, agent types, source-namespace facts.

>>> extension({"someColumn": 3, "flag": True})
{'https://w3id.org/provrdf/provdb#someColumn': 3, 'https://w3id.org/provrdf/provdb#flag': True}
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from uuid import UUID

from provrdf.model import AGENT_TYPES, Extra, Typed
from provrdf.rdf.namespaces import XSD
from provrdf.timeutil import as_utc

__all__ = ["PROVDB", "agent_type", "extension", "extension_value", "options", "term", "text"]

#: The namespace of the columns the mapping does not read, kept as facts: ``provdb:<column>``.
PROVDB = "https://w3id.org/provrdf/provdb#"
#: Stored agent types (lower case, without spaces) -> the model's agent types.
_AGENT_TYPES = {t.lower(): t for t in AGENT_TYPES} | {"organisation": "Organization", "software": "SoftwareAgent"}


def text(value: Any) -> str | None:
    """A stored value as text (``None`` stays ``None``)."""
    return None if value is None else str(value)


def options(value: Any) -> list[str]:
    """The options of a parameter description: a JSON list, or else comma-separated text.

    >>> options('["a", "b"]'), options("Tailcuts, MARS"), options(None)
    (['a', 'b'], ['Tailcuts', 'MARS'], [])
    """
    stored = (text(value) or "").strip()
    if stored.startswith("["):
        try:
            items = json.loads(stored)
        except ValueError:
            items = None
        if isinstance(items, list):
            return [item if isinstance(item, str) else json.dumps(item) for item in items]
    return [part.strip() for part in stored.split(",") if part.strip()]


def agent_type(value: Any) -> str | None:
    """Person, Organization or SoftwareAgent for a stored type, else None.

    >>> [agent_type(t) for t in ("organisation", "prov:SoftwareAgent", "Software Agent", "group")]
    ['Organization', 'SoftwareAgent', 'SoftwareAgent', None]
    """
    stored = (text(value) or "").strip().lower().rsplit(":", 1)[-1]
    return _AGENT_TYPES.get(stored.replace(" ", "").replace("_", "").replace("-", ""))


def term(column: str) -> str:
    """The IRI of the fact a column the mapping does not read becomes.

    >>> term("someColumn"), term("odd name")
    ('https://w3id.org/provrdf/provdb#someColumn', 'https://w3id.org/provrdf/provdb#odd%20name')
    """
    return PROVDB + quote(column, safe="-._~")


def extension(*columns: Mapping[str, Any]) -> Extra:
    """Facts for the columns the mapping does not read, of one row or of several read as one node.

    ``{provdb:<column>: value}``, NULLs left out; a column two rows give
    different values gets both (a list: two facts).

    >>> extension({"size": 3}, {"size": 4, "kept": None})
    {'https://w3id.org/provrdf/provdb#size': [3, 4]}
    """
    facts: Extra = {}
    for row in columns:
        for column, stored in row.items():
            if stored is None:
                continue
            name, value = term(column), extension_value(stored)
            if name not in facts:
                facts[name] = value
            elif facts[name] != value and not (isinstance(facts[name], list) and value in facts[name]):
                facts[name] = [*(facts[name] if isinstance(facts[name], list) else [facts[name]]), value]
    return facts


def extension_value(value: Any) -> Any:
    """A stored value as the encoder writes it with its type: text, int, float, bool, a UTC datetime or a typed literal.

    >>> extension_value(Decimal("1.50")), extension_value(date(2020, 4, 3))
    (Typed(text='1.50', datatype='http://www.w3.org/2001/XMLSchema#decimal', language=None), \
Typed(text='2020-04-03', datatype='http://www.w3.org/2001/XMLSchema#date', language=None))
    """
    if isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, date):
        return Typed(value.isoformat(), XSD + "date")
    if isinstance(value, time):
        return Typed(value.isoformat(), XSD + "time")
    if isinstance(value, Decimal):
        return Typed(str(value), XSD + "decimal")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return Typed(base64.b64encode(bytes(value)).decode("ascii"), XSD + "base64Binary")
    if isinstance(value, UUID):
        return str(value)
    return value  # a dict (a JSON column) is written as rdf:JSON, a list (an array column) as one fact per item

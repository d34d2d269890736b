"""Times as provenance writers spell them, read as UTC.

>>> parse_time("2025-03-27T14:02:11.482")
datetime.datetime(2025, 3, 27, 14, 2, 11, 482000, tzinfo=datetime.timezone.utc)
>>> format_time(parse_time("2025-03-27 16:02:11+02:00"))
'2025-03-27T14:02:11Z'
"""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["as_utc", "format_time", "parse_time"]


def parse_time(text: str) -> datetime:
    """Parse an ISO 8601 time; a time without a zone is UTC (the FITS habit).

    Raises
    ------
    ValueError
        When ``text`` is not an ISO 8601 date-time.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    return as_utc(datetime.fromisoformat(value))


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a time without a zone is taken as UTC already.

    >>> as_utc(datetime(2025, 3, 27, 14, 2))
    datetime.datetime(2025, 3, 27, 14, 2, tzinfo=datetime.timezone.utc)
    """
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_time(moment: datetime) -> str:
    """Lexical ``xsd:dateTime`` in UTC with an explicit ``Z``."""
    return as_utc(moment).replace(tzinfo=None).isoformat() + "Z"

"""Times as provenance writers spell them, read as UTC.

>>> parse_time("2025-03-27T14:02:11.482")
datetime.datetime(2025, 3, 27, 14, 2, 11, 482000, tzinfo=datetime.timezone.utc)
>>> format_time(parse_time("2025-03-27 16:02:11+02:00"))
'2025-03-27T14:02:11Z'
"""

from __future__ import annotations

from datetime import datetime, timezone

__all__ = ["parse_time", "format_time"]


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
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def format_time(moment: datetime) -> str:
    """Lexical ``xsd:dateTime`` in UTC with an explicit ``Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat() + "Z"

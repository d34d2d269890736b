"""Helpers shared by the reader tests: pick one record part, read a UTC time, encode to triples."""

from __future__ import annotations

from datetime import datetime, timezone

from provrdf.model import Record
from provrdf.rdf.encode import Encoder

#: The encoder of the reader tests, with a base IRI of their own.
ENCODER = Encoder("https://example.org/prov/")


def one(items, **match):
    """The one item whose attributes equal ``match`` (fails if there are none or several)."""
    found = [item for item in items if all(getattr(item, key) == value for key, value in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def utc(text: str) -> datetime:
    """A zone-less ISO time read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def iri(kind: str, local: str) -> str:
    """The IRI :data:`ENCODER` mints for a node."""
    return ENCODER.iri(kind, local).value


def triples(record: Record) -> set[tuple[str, str, str]]:
    """The (subject, predicate, object) values of a record's quads."""
    return {(q.subject.value, q.predicate.value, q.object.value) for q in ENCODER.encode(record).quads}

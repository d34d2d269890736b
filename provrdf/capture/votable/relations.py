"""Rows of the relation tables (Used, WasGeneratedBy, … HadMember), each one relation of the model."""

from __future__ import annotations

from typing import Any

from provrdf import model as m
from provrdf.capture.votable.reading import Reading, RowReader
from provrdf.capture.votable.rows import Row
from provrdf.rdf.namespaces import PROV, RDF

__all__ = ["READERS", "RELATIONS", "relation"]

#: Each relation table: its record list, its model class, and its fields as (model field, attribute, how):
#: how is a node kind to reference (with "!" when required), "ref", "text" or "time".
RELATIONS: dict[str, tuple[str, type, tuple[tuple[str, str, str], ...]]] = {
    "Used": ("usages", m.Usage, (("activity", "activity", "activity!"), ("entity", "entity", "entity"),
             ("role", "role", "text"), ("time", "time", "time"), ("description", "usageDescription", "ref"))),
    "WasGeneratedBy": ("generations", m.Generation, (("entity", "entity", "entity!"),
                       ("activity", "activity", "activity"), ("role", "role", "text"), ("time", "time", "time"),
                       ("description", "generationDescription", "ref"))),
    "WasInvalidatedBy": ("invalidations", m.Invalidation, (("entity", "entity", "entity!"),
                         ("activity", "activity", "activity"), ("role", "role", "text"), ("time", "time", "time"))),
    "WasStartedBy": ("starts", m.Start, (("activity", "activity", "activity!"), ("trigger", "trigger", "entity"),
                     ("starter", "starter", "activity"), ("role", "role", "text"), ("time", "time", "time"))),
    "WasEndedBy": ("ends", m.End, (("activity", "activity", "activity!"), ("trigger", "trigger", "entity"),
                   ("ender", "ender", "activity"), ("role", "role", "text"), ("time", "time", "time"))),
    "WasAssociatedWith": ("associations", m.Association, (("activity", "activity", "activity!"),
                          ("agent", "agent", "agent"), ("role", "role", "text"), ("plan", "plan", "entity"))),
    "WasAttributedTo": ("attributions", m.Attribution, (("entity", "entity", "entity!"), ("agent", "agent", "agent!"),
                        ("role", "role", "text"))),
    "ActedOnBehalfOf": ("delegations", m.Delegation, (("delegate", "delegate", "agent!"),
                        ("responsible", "responsible", "agent!"), ("activity", "activity", "activity"),
                        ("role", "role", "text"))),
    "WasDerivedFrom": ("derivations", m.Derivation, (("generated", "generatedEntity", "entity!"),
                       ("used", "usedEntity", "entity!"), ("activity", "activity", "activity"))),
    "WasInformedBy": ("communications", m.Communication, (("informed", "informed", "activity!"),
                      ("informant", "informant", "activity!"))),
    "WasInfluencedBy": ("influences", m.Influence, (("influencee", "influencee", "ref!"),
                        ("influencer", "influencer", "ref!"))),
    "HadMember": ("memberships", m.Membership, (("collection", "collection", "entity!"),
                  ("member", "entity", "entity!"))),
}  # fmt: skip
_TYPE = RDF + "type"
_DERIVATION_TYPES = {PROV + name: name for name in m.DERIVATION_TYPES}


def relation(reading: Reading, table: str, row: Row) -> None:
    """A row of a relation table (see :data:`RELATIONS`); a relation row with an ``id`` keeps it."""
    attribute, cls, fields = RELATIONS[table]
    values = _fields(reading, row, fields)
    if cls is not m.Membership:
        values["id"] = reading.ref(row, "id")
        values["extra"] = dict(row.extra)
    if cls is m.Derivation:
        values["type"] = _derivation_type(values["extra"])
    if cls is m.Influence and (role := row.text("role")) is not None:
        values["extra"][PROV + "hadRole"] = role
    getattr(reading.record, attribute).append(cls(**values))


def _fields(reading: Reading, row: Row, fields: tuple[tuple[str, str, str], ...]) -> dict[str, Any]:
    """The model fields of a relation row, read as :data:`RELATIONS` says."""
    values: dict[str, Any] = {}
    for name, column, how in fields:
        if how == "text":
            values[name] = row.text(column)
        elif how == "time":
            values[name] = row.time(column)
        elif how.endswith("!"):
            values[name] = reading.need(row, column, how[:-1])
        else:
            values[name] = reading.node(row, column, how)
    return values


def _derivation_type(extra: m.Extra) -> str | None:
    """A derivation's PROV subtype, taken out of its ``rdf:type`` values."""
    types = extra.get(_TYPE)
    if types is None:
        return None
    values = types if isinstance(types, list) else [types]
    found = [v for v in values if isinstance(v, m.IRI) and v.value in _DERIVATION_TYPES]
    rest = [v for v in values if v not in found]
    if rest:
        extra[_TYPE] = rest[0] if len(rest) == 1 else rest
    else:
        del extra[_TYPE]
    return _DERIVATION_TYPES[found[0].value] if found else None


def _reader(table: str) -> RowReader:
    """The reader of one relation table's rows."""

    def read(reading: Reading, row: Row) -> None:
        """A row of ``table``."""
        relation(reading, table, row)

    return read


#: The readers of the relation tables, in the order a document is read.
READERS: dict[str, RowReader] = {table: _reader(table) for table in RELATIONS}

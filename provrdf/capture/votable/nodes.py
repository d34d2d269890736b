"""Rows of the Activity, Entity and Agent tables, with the relations the drafts put in their columns."""

from __future__ import annotations

from provrdf import model as m
from provrdf.capture.votable.reading import Reading, RowReader
from provrdf.capture.votable.rows import Row

__all__ = ["READERS", "activity", "agent", "entity"]

#: ``classType`` (lower case) → the model's kind, and the names said in a warning.
_ENTITY_KINDS = {"entity": "entity", "datasetentity": "dataset", "dataset": "dataset", "valueentity": "value",
                 "value": "value", "collection": "collection"}  # fmt: skip
_ENTITY_CLASSES = "Entity, DatasetEntity, ValueEntity, Collection"
_AGENT_TYPES = {"person": "Person", "individual": "Person", "organization": "Organization",
                "organisation": "Organization", "softwareagent": "SoftwareAgent", "software": "SoftwareAgent"}
_AGENT_ATTRIBUTES = ("email", "affiliation", "phone", "address", "url")


def activity(reading: Reading, row: Row) -> None:
    """An Activity row; its ``parameter``, ``informant`` and ``hadStep`` cells are the drafts' links."""
    local = reading.need(row, "id")
    reading.record.activities.append(m.Activity(
        id=local, name=row.text("name"), start=row.time("startTime"), end=row.time("endTime"),
        comment=row.text("comment"), description=reading.ref(row, "activityDescription"), extra=row.extra))
    reading.declared.add(local)
    if (parameter := reading.ref(row, "parameter")) is not None:
        reading.configures.setdefault(parameter, []).append(local)
    if (informant := reading.node(row, "informant", "activity")) is not None:
        reading.record.communications.append(m.Communication(local, informant))
    if (step := reading.node(row, "hadStep", "activity")) is not None:
        reading.steps.append((local, step))


def entity(reading: Reading, row: Row) -> None:
    """An Entity row; its ``hadMember`` and ``usedEntity`` cells are the drafts' membership and derivation."""
    local = reading.need(row, "id")
    members = reading.node(row, "hadMember", "entity")
    kind = reading.kind(row, _ENTITY_KINDS, _ENTITY_CLASSES, "collection" if members else "entity")
    reading.record.entities.append(m.Entity(
        id=local, kind=kind, name=row.text("name"), location=row.text("location"),
        generated_at=row.time("generatedAtTime"), invalidated_at=row.time("invalidatedAtTime"),
        comment=row.text("comment"), value=row.text("value"), description=reading.ref(row, "entityDescription"),
        extra=row.extra))  # fmt: skip
    reading.declared.add(local)
    if members is not None:
        reading.record.memberships.append(m.Membership(local, members))
    if (used := reading.node(row, "usedEntity", "entity")) is not None:
        reading.record.derivations.append(m.Derivation(local, used))


def agent(reading: Reading, row: Row) -> None:
    """An Agent row; a type that is none of the model's is warned about and not read."""
    local = reading.need(row, "id")
    kind = row.text("type")
    agent_type = _AGENT_TYPES.get(kind.strip().lower()) if kind else None
    if kind and agent_type is None:
        reading.warn("agent type", f"{row.where}: agent type {kind!r} is none of {', '.join(m.AGENT_TYPES)} "
                                   "(Individual is a Person): not read")  # fmt: skip
    attributes = {name: row.text(name) for name in _AGENT_ATTRIBUTES}
    reading.record.agents.append(m.Agent(id=local, name=row.text("name"), type=agent_type,
                                         comment=row.text("comment"), extra=row.extra, **attributes))
    reading.declared.add(local)


#: The readers of this module's tables, in the order a document is read.
READERS: dict[str, RowReader] = {"Activity": activity, "Entity": entity, "Agent": agent}

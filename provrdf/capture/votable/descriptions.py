"""Rows of the description tables: activity and entity descriptions, and the parts an activity description owns.

A usage, generation, parameter or config file description belongs to the
activity description its ``activityDescription`` cell names; a parameter
description also to each one whose ``parameter`` cell (the drafts'
``ad_param``) names it. A usage or generation description without an id is
``<activity description>/usage/<role>`` (``/generation/``). Every
description keeps its extension values in its ``extra``.

>>> _child("votable/abc/calib", "usage", "raw data")
'votable/abc/calib/usage/raw data'
>>> _child("<https://example.org/d>", "usage", "raw data")
'<https://example.org/d/usage/raw%20data>'
"""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import quote

from provrdf import model as m
from provrdf.capture.votable.reading import Reading, RowReader
from provrdf.capture.votable.rows import BadRow, Row
from provrdf.identifiers import external, is_external

__all__ = [
    "READERS",
    "activity_description",
    "config_file_description",
    "entity_description",
    "generation_description",
    "parameter_description",
    "usage_description",
]

_DESCRIPTION_KINDS = {"entitydescription": "entity", "datasetdescription": "dataset", "valuedescription": "value"}
_DESCRIPTION_CLASSES = "EntityDescription, DatasetDescription, ValueDescription"
_Part = TypeVar("_Part", m.UsageDescription, m.GenerationDescription)


def activity_description(reading: Reading, row: Row) -> None:
    """An ActivityDescription row; its ``parameter`` cell (the drafts' ``ad_param``) names a part it owns."""
    local = reading.need(row, "id")
    description = m.ActivityDescription(
        id=local, name=row.text("name") or "", version=row.text("version"), description=row.text("description"),
        docurl=row.text("docurl"), type=row.text("type"), subtype=row.text("subtype"), extra=row.extra)  # fmt: skip
    reading.descriptions.setdefault(local, description)
    reading.record.activity_descriptions.append(description)
    reading.declared.add(local)
    if (part := reading.ref(row, "parameter")) is not None:
        reading.owners.setdefault(part, []).append(local)


def entity_description(reading: Reading, row: Row) -> None:
    """An EntityDescription row; ``classType`` gives its kind."""
    local = reading.need(row, "id")
    kind = reading.kind(row, _DESCRIPTION_KINDS, _DESCRIPTION_CLASSES, "entity")
    reading.record.entity_descriptions.append(m.EntityDescription(
        id=local, name=row.text("name") or "", kind=kind, description=row.text("description"),
        docurl=row.text("docurl"), type=row.text("type"), content_type=row.text("contentType"),
        value_type=row.text("valueType"), unit=row.text("unit"), ucd=row.text("ucd"), utype=row.text("utype"),
        extra=row.extra))  # fmt: skip
    reading.declared.add(local)


def usage_description(reading: Reading, row: Row) -> None:
    """A UsageDescription (the drafts' UsedDescription) row, a part of its activity description."""
    owner = _owner(reading, row)
    owner.usages.append(_role_description(reading, row, m.UsageDescription, owner.id, "usage"))


def generation_description(reading: Reading, row: Row) -> None:
    """A GenerationDescription (the drafts' WasGeneratedByDescription) row, a part of its activity description."""
    owner = _owner(reading, row)
    owner.generations.append(_role_description(reading, row, m.GenerationDescription, owner.id, "generation"))


def _role_description(reading: Reading, row: Row, cls: type[_Part], owner: str, kind: str) -> _Part:
    """A usage or generation description; without an id of its own, ``<owner>/<kind>/<role>``."""
    role = row.text("role") or ""
    local = reading.ref(row, "id") or _child(owner, kind, role)
    reading.declared.add(local)
    return cls(id=local, role=role, description=row.text("description"), type=row.text("type"),
               multiplicity=row.text("multiplicity"), entity_description=reading.ref(row, "entityDescription"),
               extra=row.extra)  # fmt: skip


def parameter_description(reading: Reading, row: Row) -> None:
    """A ParameterDescription row, a part of each activity description it belongs to."""
    local = reading.need(row, "id")
    named = [_owner(reading, row).id] if "activityDescription" in row.cells else []
    owners = [reading.descriptions[o] for o in dict.fromkeys(named + reading.owners.get(local, []))
              if o in reading.descriptions]  # fmt: skip
    if not owners:
        raise BadRow("it belongs to no ActivityDescription (no activityDescription, no ad_param names it)")
    part = m.ParameterDescription(
        id=local, name=row.text("name") or "", value_type=row.text("valueType") or "",
        description=row.text("description"), unit=row.text("unit"), ucd=row.text("ucd"), utype=row.text("utype"),
        min=row.text("min"), max=row.text("max"), options=_options(reading, row), default=row.text("default"),
        extra=row.extra)  # fmt: skip
    for owner in owners:
        owner.parameters.append(part)
    reading.declared.add(local)


def config_file_description(reading: Reading, row: Row) -> None:
    """A ConfigFileDescription row, a part of its activity description."""
    local = reading.need(row, "id")
    _owner(reading, row).config_files.append(m.ConfigFileDescription(
        id=local, name=row.text("name") or "", content_type=row.text("contentType") or "",
        description=row.text("description"), extra=row.extra))  # fmt: skip
    reading.declared.add(local)


def _owner(reading: Reading, row: Row) -> m.ActivityDescription:
    """The activity description a description part belongs to."""
    local = reading.ref(row, "activityDescription")
    if local is None:
        raise BadRow("it names no activityDescription it belongs to")
    if local not in reading.descriptions:
        raise BadRow(f"its activityDescription {row.cells['activityDescription']!r} is no row of ActivityDescription")
    return reading.descriptions[local]


def _options(reading: Reading, row: Row) -> list[str]:
    """``options`` split at commas, or at blanks when it has none (the drafts' ``true false``)."""
    text = row.text("options")
    if not text:
        return []
    parts = text.split(",") if ("," in text or reading.lax) else text.split()
    return [part.strip() for part in parts if part.strip()]


def _child(owner: str, kind: str, key: str) -> str:
    """The local id of a description part that has no id of its own: ``<owner>/<kind>/<key>``."""
    if is_external(owner):
        return external(f"{owner[1:-1]}/{kind}/{quote(key, safe='/:@-._~')}")
    return f"{owner}/{kind}/{key}"


#: The readers of this module's tables, in the order a document is read.
READERS: dict[str, RowReader] = {
    "ActivityDescription": activity_description,
    "EntityDescription": entity_description,
    "UsageDescription": usage_description,
    "GenerationDescription": generation_description,
    "ParameterDescription": parameter_description,
    "ConfigFileDescription": config_file_description,
}

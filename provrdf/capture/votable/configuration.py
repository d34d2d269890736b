"""Rows of WasConfiguredBy, Parameter and ConfigFile: each parameter and config file given its activities.

An activity's parameters and config files are named by ``WasConfiguredBy``
rows (provrdf's layout) or by the drafts' ``a_parameter`` column; both are
read before the Parameter and ConfigFile tables.
"""

from __future__ import annotations

from provrdf import model as m
from provrdf.capture.votable.reading import Reading, RowReader
from provrdf.capture.votable.rows import BadRow, Row

__all__ = ["READERS", "config_file", "parameter", "was_configured_by"]


def was_configured_by(reading: Reading, row: Row) -> None:
    """A WasConfiguredBy row: the activity its artefact (a parameter or config file) configures."""
    activity, artefact = reading.need(row, "activity", "activity"), reading.need(row, "artefact")
    reading.configures.setdefault(artefact, []).append(activity)


def parameter(reading: Reading, row: Row) -> None:
    """A Parameter row, one parameter of each activity it configures; named by its description, else its id."""
    local = reading.need(row, "id")
    activities = _activities_of(reading, local)
    described = reading.ref(row, "parameterDescription")
    name = row.text("name") or _description_name(reading, described) or row.text("id") or local
    value = row.text("value")
    for activity in activities:
        reading.record.parameters.append(m.Parameter(
            activity=activity, name=name, value=value if value is not None else "", description=described,
            reference=reading.node(row, "valueEntity", "entity"), id=local, extra=dict(row.extra)))  # fmt: skip
    reading.declared.add(local)


def config_file(reading: Reading, row: Row) -> None:
    """A ConfigFile row, one config file of each activity it configures."""
    local = reading.need(row, "id")
    for activity in _activities_of(reading, local):
        reading.record.config_files.append(m.ConfigFile(
            activity=activity, name=row.text("name") or row.text("id") or local, location=row.text("location"),
            comment=row.text("comment"), description=reading.ref(row, "configFileDescription"), id=local,
            extra=dict(row.extra)))  # fmt: skip
    reading.declared.add(local)


def _activities_of(reading: Reading, local: str) -> list[str]:
    activities = list(dict.fromkeys(reading.configures.get(local, [])))
    if not activities:
        raise BadRow("it configures no activity (no WasConfiguredBy row, no Activity.parameter names it)")
    return activities


def _description_name(reading: Reading, local: str | None) -> str | None:
    """The name of the parameter description ``local``, in any activity description."""
    for description in reading.descriptions.values():
        for part in description.parameters:
            if part.id == local:
                return part.name
    return None


#: The readers of this module's tables, in the order a document is read.
READERS: dict[str, RowReader] = {"WasConfiguredBy": was_configured_by, "Parameter": parameter,
                                 "ConfigFile": config_file}  # fmt: skip

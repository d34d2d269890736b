"""Which table is which ProvDM class, and which column is which attribute or extension property.

A table is a class by its ``voprov:`` utype, else its name or ID (older
names understood); a FIELD is an attribute by its ``voprov:<Class>.<attribute>``
utype, else by its name, the drafts' table prefix and ``_id`` taken off and
the drafts' attribute names read as today's; a FIELD that is no attribute is an
extension column when it names a property (see the package text).

>>> CLASSES["Used"].attributes["useddescription"]
'usageDescription'
>>> class_named("Generation").name, class_named("stars")
('WasGeneratedBy', None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from provrdf.capture.votable.values import is_iri
from provrdf.rdf.namespaces import expand

__all__ = ["CLASSES", "NO_EXTRA", "Column", "TableClass", "class_named", "place_columns", "table_class"]


@dataclass(frozen=True)
class TableClass:
    """A ProvDM class as a PROV-VOTable table: its draft column prefix and its attributes.

    Parameters
    ----------
    name
        The class name, as provrdf names its table (``"Used"``).
    prefix
        The drafts' column prefix (``"u"`` for ``u_role``), or None.
    attributes
        Lower-case attribute name or alias → the attribute it is (provrdf's column name).
    """

    name: str
    prefix: str | None
    attributes: dict[str, str]


def _class(name: str, prefix: str | None, names: str, **aliases: str) -> TableClass:
    canonical = names.split()
    attributes = {attr.lower(): attr for attr in canonical}
    attributes.update((alias.lower(), target) for alias, target in aliases.items())
    return TableClass(name, prefix, attributes)


_DESCRIBED = {"annotation": "description", "doculink": "docurl"}
_ROLE_TEMPLATE = "id activityDescription role description type multiplicity entityDescription"

#: Every class a table can hold, by provrdf's table name.
CLASSES: dict[str, TableClass] = {cls.name: cls for cls in (
    _class("Activity", "a", "id name startTime endTime comment activityDescription parameter informant hadStep",
           start="startTime", stopTime="endTime", stop="endTime", end="endTime", annotation="comment",
           description="activityDescription", desc_id="activityDescription",
           **{"wasInformedBy.informant": "informant"}),
    _class("Entity", "e", "id classType name location generatedAtTime invalidatedAtTime comment value "
           "entityDescription hadMember usedEntity", annotation="comment", description="entityDescription",
           **{"wasDerivedFrom.usedEntity": "usedEntity"}),
    _class("Agent", "ag", "id name type comment email affiliation phone address url", annotation="comment"),
    _class("Used", "u", "id activity entity role time usageDescription", usedDescription="usageDescription"),
    _class("WasGeneratedBy", "wgb", "id entity activity role time generationDescription",
           wasGeneratedByDescription="generationDescription"),
    _class("WasInvalidatedBy", None, "id entity activity role time"),
    _class("WasStartedBy", None, "id activity trigger starter role time"),
    _class("WasEndedBy", None, "id activity trigger ender role time"),
    _class("WasAssociatedWith", "waw", "id activity agent role plan", agentRole="role"),
    _class("WasAttributedTo", "wat", "id entity agent role", agentRole="role"),
    _class("ActedOnBehalfOf", None, "id delegate responsible activity role"),
    _class("WasDerivedFrom", None, "id generatedEntity usedEntity activity"),
    _class("WasInformedBy", None, "id informed informant"),
    _class("HadMember", None, "collection entity"),
    _class("WasConfiguredBy", None, "id activity artefact artefactType"),
    _class("WasInfluencedBy", None, "id influencee influencer role"),
    _class("Parameter", "p", "id name value parameterDescription valueEntity", description="parameterDescription"),
    _class("ConfigFile", None, "id name location comment configFileDescription", annotation="comment",
           description="configFileDescription"),
    _class("ActivityDescription", "ad", "id name version description docurl type subtype parameter",
           param="parameter", **_DESCRIBED),
    _class("UsageDescription", "ud", _ROLE_TEMPLATE, annotation="description"),
    _class("GenerationDescription", "wgbd", _ROLE_TEMPLATE, annotation="description"),
    _class("EntityDescription", "ed", "id classType name description docurl type contentType valueType unit ucd "
           "utype", **_DESCRIBED),
    _class("ParameterDescription", "pd", "id activityDescription name valueType description unit ucd utype min max "
           "options default", datatype="valueType", annotation="description"),
    _class("ConfigFileDescription", None, "id activityDescription name contentType description",
           annotation="description"),
)}  # fmt: skip
#: Older table names → the class they hold.
_TABLE_ALIASES = {"usage": "Used", "generation": "WasGeneratedBy", "useddescription": "UsageDescription",
                  "wasgeneratedbydescription": "GenerationDescription", "derivation": "WasDerivedFrom",
                  "communication": "WasInformedBy", "association": "WasAssociatedWith",
                  "attribution": "WasAttributedTo"}  # fmt: skip
_BY_LOWER = {name.lower(): name for name in CLASSES} | _TABLE_ALIASES
#: The classes whose rows have no ``extra`` in the model: their extension columns are not read.
NO_EXTRA = frozenset({"HadMember", "WasConfiguredBy"})


def class_named(name: str) -> TableClass | None:
    """The class a table name (or an older name) is, compared without case; None for no ProvDM class."""
    found = _BY_LOWER.get(name.strip().lower())
    return None if found is None else CLASSES[found]


def table_class(table: Any) -> TableClass | None:
    """The class a table holds: by its ``voprov:`` utype, else its name or ID."""
    utype = (table.utype or "").strip()
    names = [utype[len("voprov:"):]] if utype.lower().startswith("voprov:") else []
    for name in [*names, table.name or "", table.ID or ""]:
        found = class_named(name)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class Column:
    """A FIELD placed: its position, and the attribute it is or the property of an extension column."""

    index: int
    name: str
    attribute: str | None = None
    prop: str | None = None
    kind: str = "text"  #: of an extension column: "ref", "time", "int", "float", "bool" or "text"


def place_columns(cls: TableClass, table: Any) -> tuple[list[Column], list[tuple[int, str]]]:
    """The placed columns of ``table`` and the (position, reason) of the others."""
    placed: list[Column] = []
    unplaced: list[tuple[int, str]] = []
    taken: set[str] = set()
    for index, field_ in enumerate(table.fields):
        attribute = _attribute(cls, field_)
        if attribute is not None and attribute not in taken:
            taken.add(attribute)
            placed.append(Column(index, field_.name, attribute=attribute))
        elif attribute is not None:
            unplaced.append((index, f"repeats the attribute {attribute} of an earlier column"))
        elif (prop := _extension(field_)) is None:
            unplaced.append((index, f"is no attribute of {cls.name} and names no property"))
        elif cls.name in NO_EXTRA:
            unplaced.append((index, f"is a property <{prop}> that a {cls.name} cannot hold in provrdf's model"))
        else:
            placed.append(Column(index, field_.name, prop=prop, kind=_extension_kind(field_)))
    return placed, unplaced


def _attribute(cls: TableClass, field_: Any) -> str | None:
    """The attribute a FIELD is: by its ``voprov:`` utype, else its (draft-prefixed) name."""
    utype = (field_.utype or "").strip()
    if utype.lower().startswith("voprov:"):
        _, _, path = utype[len("voprov:"):].partition(".")
        found = cls.attributes.get(path.lower())
        if found is not None:
            return found
    name = (field_.name or "").strip()
    if cls.prefix and name.lower().startswith(cls.prefix + "_"):
        name = name[len(cls.prefix) + 1:]
        if name.lower().endswith("_id") and name.lower() != "_id":
            name = name[:-3]
    return cls.attributes.get(name.lower())


_IN_ANGLES = re.compile(r"<([^<>]+)>")


def _extension(field_: Any) -> str | None:
    """The property IRI of an extension column (no ``voprov:`` utype), or None when it names none."""
    if (field_.utype or "").strip().lower().startswith("voprov:"):
        return None
    for match in _IN_ANGLES.finditer(field_.description or ""):
        iri = re.sub(r"\s+", "", match.group(1))  # astropy wraps long descriptions, at hyphens too
        if is_iri(iri, lax=True):
            return iri
    try:
        iri = expand((field_.name or "").strip())
    except ValueError:
        return None
    return iri if is_iri(iri, lax=True) else None


def _extension_kind(field_: Any) -> str:
    """How the values of an extension column are typed: by its xtype, UCD and datatype."""
    if (field_.xtype or "").lower() == "timestamp":
        return "time"
    if "meta.id.cross" in (field_.ucd or ""):
        return "ref"
    datatype = (field_.datatype or "").lower()
    if datatype in ("long", "int", "short", "unsignedbyte"):
        return "int"
    if datatype in ("double", "float"):
        return "float"
    return "bool" if datatype == "boolean" else "text"

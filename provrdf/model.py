"""The IVOA Provenance Data Model as plain Python records.

Readers turn their input into :class:`Record` objects; the encoder turns a
record into quads. Nothing here knows about an input format or about RDF.

Every node carries a *local id*: a string that is unique within its kind
(``"activity"``, ``"entity"``, ``"agent"`` …) and stable for the same input,
so that the encoder can mint the same IRI every time. Relations refer to
nodes by local id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "AGENT_TYPES",
    "ENTITY_KINDS",
    "Activity",
    "ActivityDescription",
    "Agent",
    "ConfigFile",
    "ConfigFileDescription",
    "Derivation",
    "EntityDescription",
    "Entity",
    "Generation",
    "GenerationDescription",
    "Membership",
    "Communication",
    "IRI",
    "Parameter",
    "ParameterDescription",
    "Record",
    "Typed",
    "Association",
    "Attribution",
    "Usage",
    "UsageDescription",
]


#: The closed list of ProvDM agent types.
AGENT_TYPES = ("Person", "Organization", "SoftwareAgent")
#: Entity kinds: a plain entity or one of the ProvDM subclasses.
ENTITY_KINDS = ("entity", "dataset", "value", "collection")


#: Source-specific facts: ``{term name: value}``. A name is a prefixed name
#: of a known namespace (``"ctao:status"``) or an absolute IRI (a W3C
#: document's own attributes). A list value is several facts; a value is a
#: Python literal, a :class:`Typed` literal or an :class:`IRI`.
Extra = dict[str, Any]


@dataclass(frozen=True)
class IRI:
    """A value that names a node rather than giving text: an absolute IRI."""

    value: str


@dataclass(frozen=True)
class Typed:
    """A literal kept exactly as a document typed it: a datatype IRI or a language tag."""

    text: str
    datatype: str | None = None
    language: str | None = None


@dataclass
class Activity:
    """A ProvDM Activity: one run of a tool or one call of a method."""

    id: str
    name: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    comment: str | None = None
    description: str | None = None  #: local id of an :class:`ActivityDescription`
    #: local id of a larger activity this one is a step of (a method call in
    #: its session, an inner step of a job)
    part_of: str | None = None
    extra: Extra = field(default_factory=dict)
    #: a nested block of source facts (the ctapipe ``system`` block)
    system: Extra = field(default_factory=dict)


@dataclass
class Entity:
    """A ProvDM Entity, or a Dataset/Value entity or a Collection by ``kind``."""

    id: str
    kind: str = "entity"
    name: str | None = None
    location: str | None = None
    generated_at: datetime | None = None
    invalidated_at: datetime | None = None
    comment: str | None = None
    value: str | None = None  #: mandatory for ``kind="value"``
    description: str | None = None  #: local id of an :class:`EntityDescription`
    extra: Extra = field(default_factory=dict)


@dataclass
class Agent:
    """A ProvDM Agent; ``type`` is one of :data:`AGENT_TYPES`."""

    id: str
    name: str
    type: str | None = None
    comment: str | None = None
    email: str | None = None
    affiliation: str | None = None
    phone: str | None = None
    address: str | None = None
    url: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Usage:
    """Activity *used* Entity."""

    activity: str
    entity: str
    role: str | None = None
    time: datetime | None = None
    description: str | None = None  #: local id of a :class:`UsageDescription`


@dataclass
class Generation:
    """Entity *wasGeneratedBy* Activity (ProvDM gives it no time)."""

    entity: str
    activity: str
    role: str | None = None
    description: str | None = None  #: local id of a :class:`GenerationDescription`


@dataclass
class Association:
    """Activity *wasAssociatedWith* Agent."""

    activity: str
    agent: str
    role: str | None = None


@dataclass
class Attribution:
    """Entity *wasAttributedTo* Agent."""

    entity: str
    agent: str
    role: str | None = None


@dataclass
class Derivation:
    """Entity *wasDerivedFrom* Entity."""

    generated: str
    used: str


@dataclass
class Communication:
    """Activity *wasInformedBy* Activity."""

    informed: str
    informant: str


@dataclass
class Membership:
    """Collection *hadMember* Entity."""

    collection: str
    member: str


@dataclass
class Parameter:
    """A configuration value of one activity (lives and dies with it)."""

    activity: str
    name: str
    value: str
    description: str | None = None  #: local id of a :class:`ParameterDescription`
    reference: str | None = None  #: local id of a value entity it came from


@dataclass
class ConfigFile:
    """A configuration file read by one activity."""

    activity: str
    name: str
    location: str | None = None
    comment: str | None = None
    description: str | None = None  #: local id of a :class:`ConfigFileDescription`


@dataclass
class EntityDescription:
    """Template of entities; ``kind`` is ``entity``, ``dataset`` or ``value``."""

    id: str
    name: str
    kind: str = "entity"
    description: str | None = None
    docurl: str | None = None
    type: str | None = None
    content_type: str | None = None  #: mandatory for ``kind="dataset"``
    value_type: str | None = None  #: mandatory for ``kind="value"``
    unit: str | None = None
    ucd: str | None = None
    utype: str | None = None


@dataclass
class _RoleDescription:
    """Template of a relation with a role; see the two kinds below."""

    id: str
    role: str
    description: str | None = None
    type: str | None = None
    multiplicity: str | None = None
    entity_description: str | None = None


@dataclass
class UsageDescription(_RoleDescription):
    """Template of a Usage inside an :class:`ActivityDescription`."""


@dataclass
class GenerationDescription(_RoleDescription):
    """Template of a Generation inside an :class:`ActivityDescription`."""


@dataclass
class ParameterDescription:
    """Template of a Parameter: its type and allowed values."""

    id: str
    name: str
    value_type: str
    description: str | None = None
    unit: str | None = None
    ucd: str | None = None
    utype: str | None = None
    min: str | None = None
    max: str | None = None
    options: list[str] = field(default_factory=list)
    default: str | None = None


@dataclass
class ConfigFileDescription:
    """Template of a ConfigFile."""

    id: str
    name: str
    content_type: str
    description: str | None = None


@dataclass
class ActivityDescription:
    """Template of activities, owning its usage/generation/configuration templates."""

    id: str
    name: str
    version: str | None = None
    description: str | None = None
    docurl: str | None = None
    type: str | None = None
    subtype: str | None = None
    usages: list[UsageDescription] = field(default_factory=list)
    generations: list[GenerationDescription] = field(default_factory=list)
    parameters: list[ParameterDescription] = field(default_factory=list)
    config_files: list[ConfigFileDescription] = field(default_factory=list)


@dataclass
class Record:
    """One unit of captured provenance, stored as one named graph.

    Parameters
    ----------
    id
        Local id of the record (its bundle); the same input gives the same id.
    source
        Where the record came from, for error messages: ``"file.log"``.
    index
        Position of the record in its source (0-based).
    """

    id: str
    source: str = "<memory>"
    index: int = 0
    activities: list[Activity] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    usages: list[Usage] = field(default_factory=list)
    generations: list[Generation] = field(default_factory=list)
    associations: list[Association] = field(default_factory=list)
    attributions: list[Attribution] = field(default_factory=list)
    derivations: list[Derivation] = field(default_factory=list)
    communications: list[Communication] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    config_files: list[ConfigFile] = field(default_factory=list)
    #: descriptions referenced by the record; stored once, in their own graphs
    activity_descriptions: list[ActivityDescription] = field(default_factory=list)
    entity_descriptions: list[EntityDescription] = field(default_factory=list)

    @property
    def where(self) -> str:
        """Human-readable origin: ``"run.provenance.log, record 3"``."""
        return f"{self.source}, record {self.index}"

"""The IVOA Provenance Data Model as plain Python records.

Readers turn their input into :class:`Record` objects; the encoder turns a
record into quads. Nothing here knows about an input format or about RDF.

Every node carries a *local id*: a string that is unique within its kind
(``"activity"``, ``"entity"``, ``"agent"`` …) and stable for the same input,
so that the encoder can mint the same IRI every time. Relations refer to
nodes by local id. A relation may have a local id of its own (a W3C
document's relation ids); without one, its IRI is made from what it links.

The model holds every W3C PROV-DM statement, not only the ProvDM ones:
the PROV-only relations (invalidation, start, end, delegation, influence,
specialization, alternate) have classes of their own, and whatever has no
field is kept in ``extra``: a node's further types as ``"rdf:type"`` (e.g.
``IRI(prov:Plan)``), a source's own attributes under their full IRI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "AGENT_TYPES",
    "DERIVATION_TYPES",
    "ENTITY_KINDS",
    "IRI",
    "Activity",
    "ActivityDescription",
    "Agent",
    "Alternate",
    "Association",
    "Attribution",
    "Communication",
    "ConfigFile",
    "ConfigFileDescription",
    "Delegation",
    "Derivation",
    "End",
    "Entity",
    "EntityDescription",
    "Extra",
    "Generation",
    "GenerationDescription",
    "Influence",
    "Invalidation",
    "Membership",
    "Mention",
    "Parameter",
    "ParameterDescription",
    "Record",
    "Related",
    "Specialization",
    "Start",
    "Typed",
    "Usage",
    "UsageDescription",
]


#: The closed list of ProvDM agent types.
AGENT_TYPES = ("Person", "Organization", "SoftwareAgent")
#: Entity kinds: a plain entity or one of the ProvDM subclasses.
ENTITY_KINDS = ("entity", "dataset", "value", "collection")
#: The PROV subtypes of a derivation (``prov:Revision`` …); None is a plain derivation.
DERIVATION_TYPES = ("Revision", "Quotation", "PrimarySource")


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
    value: str | Typed | None = None  #: mandatory for ``kind="value"``
    description: str | None = None  #: local id of an :class:`EntityDescription`
    extra: Extra = field(default_factory=dict)


@dataclass
class Agent:
    """A ProvDM Agent; ``type`` is one of :data:`AGENT_TYPES`."""

    id: str
    name: str | None = None  #: ProvDM asks one; a record without it is stored with a warning
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
    """Activity *used* Entity; ``entity`` is None for ``used(a, -, t)``."""

    activity: str
    entity: str | None
    role: str | None = None
    time: datetime | None = None
    description: str | None = None  #: local id of a :class:`UsageDescription`
    id: str | None = None  #: local id of the relation itself
    extra: Extra = field(default_factory=dict)  #: facts on the qualified node


@dataclass
class Generation:
    """Entity *wasGeneratedBy* Activity; ``activity`` is None when unknown.

    ProvDM gives a generation no time (it uses ``Entity.generated_at``);
    PROV does, and a W3C document's generation time is kept here.
    """

    entity: str
    activity: str | None
    role: str | None = None
    description: str | None = None  #: local id of a :class:`GenerationDescription`
    time: datetime | None = None
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Invalidation:
    """Entity *wasInvalidatedBy* Activity (PROV only; ProvDM has no such relation)."""

    entity: str
    activity: str | None = None
    time: datetime | None = None
    role: str | None = None
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Start:
    """Activity *wasStartedBy* a trigger entity, optionally by a starter activity (PROV only)."""

    activity: str
    trigger: str | None = None  #: local id of an entity
    starter: str | None = None  #: local id of an activity
    time: datetime | None = None
    role: str | None = None
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class End:
    """Activity *wasEndedBy* a trigger entity, optionally by an ender activity (PROV only)."""

    activity: str
    trigger: str | None = None  #: local id of an entity
    ender: str | None = None  #: local id of an activity
    time: datetime | None = None
    role: str | None = None
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Association:
    """Activity *wasAssociatedWith* Agent, optionally following a plan (an entity)."""

    activity: str
    agent: str | None
    role: str | None = None
    plan: str | None = None  #: local id of the plan entity
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Attribution:
    """Entity *wasAttributedTo* Agent."""

    entity: str
    agent: str
    role: str | None = None
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Delegation:
    """Agent *actedOnBehalfOf* another agent, optionally for one activity (PROV only)."""

    delegate: str
    responsible: str
    activity: str | None = None
    role: str | None = None
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Derivation:
    """Entity *wasDerivedFrom* Entity; ``type`` is one of :data:`DERIVATION_TYPES` or None."""

    generated: str
    used: str
    activity: str | None = None  #: local id of the deriving activity
    generation: str | None = None  #: id of the :class:`Generation` of ``generated``
    usage: str | None = None  #: id of the :class:`Usage` of ``used``
    type: str | None = None
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Communication:
    """Activity *wasInformedBy* Activity."""

    informed: str
    informant: str
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Influence:
    """Any node *wasInfluencedBy* any node: the PROV relation none of the others fits."""

    influencee: str  #: local id of an activity, entity or agent of the record
    influencer: str
    id: str | None = None
    extra: Extra = field(default_factory=dict)


@dataclass
class Membership:
    """Collection *hadMember* Entity (PROV gives membership no id and no attributes)."""

    collection: str
    member: str


@dataclass
class Specialization:
    """Entity *specializationOf* a more general entity (no id, no attributes in PROV)."""

    specific: str
    general: str


@dataclass
class Alternate:
    """Two entities that are *alternateOf* each other (no id, no attributes in PROV)."""

    alternate1: str
    alternate2: str


@dataclass
class Mention:
    """Entity *mentionOf* an entity described in a bundle (PROV-Links; no id, no attributes)."""

    specific: str
    general: str
    bundle: str | None = None  #: local id of the bundle entity where ``general`` is described


@dataclass
class Related:
    """A link voprov writes between any two ProvDM elements beyond the model's own (``isRelatedTo``,
    and ``hadReference`` between elements other than a parameter and its value entity)."""

    subject: str  #: local id of a node of the record, or of a description
    object: str
    kind: str = "isRelatedTo"  #: ``"isRelatedTo"`` or ``"hadReference"``


@dataclass
class Parameter:
    """A configuration value of one activity (lives and dies with it)."""

    activity: str
    name: str
    value: str | Typed | None  #: text, or a literal kept with the type its source gave it; ProvDM asks one
    description: str | None = None  #: local id of a :class:`ParameterDescription`
    reference: str | None = None  #: local id of a value entity it came from
    id: str | None = None  #: local id of the parameter node (default: activity and name)
    extra: Extra = field(default_factory=dict)


@dataclass
class ConfigFile:
    """A configuration file read by one activity."""

    activity: str
    name: str
    location: str | None = None
    comment: str | None = None
    description: str | None = None  #: local id of a :class:`ConfigFileDescription`
    id: str | None = None  #: local id of the config file node (default: activity and name)
    extra: Extra = field(default_factory=dict)


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
    extra: Extra = field(default_factory=dict)  #: what the source says beyond ProvDM's attributes


@dataclass
class _RoleDescription:
    """Template of a relation with a role; see the two kinds below."""

    id: str
    role: str
    description: str | None = None
    type: str | None = None
    multiplicity: str | None = None
    entity_description: str | None = None
    extra: Extra = field(default_factory=dict)


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
    extra: Extra = field(default_factory=dict)


@dataclass
class ConfigFileDescription:
    """Template of a ConfigFile."""

    id: str
    name: str
    content_type: str
    description: str | None = None
    extra: Extra = field(default_factory=dict)


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
    extra: Extra = field(default_factory=dict)


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
    #: a plain W3C PROV record (no ProvDM in it): written as PROV-O only,
    #: without the ``voprov:`` classes, so ProvDM's own rules do not apply
    plain: bool = False
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
    invalidations: list[Invalidation] = field(default_factory=list)
    starts: list[Start] = field(default_factory=list)
    ends: list[End] = field(default_factory=list)
    delegations: list[Delegation] = field(default_factory=list)
    influences: list[Influence] = field(default_factory=list)
    specializations: list[Specialization] = field(default_factory=list)
    alternates: list[Alternate] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    related: list[Related] = field(default_factory=list)
    parameters: list[Parameter] = field(default_factory=list)
    config_files: list[ConfigFile] = field(default_factory=list)
    #: descriptions referenced by the record; stored once, in their own graphs
    activity_descriptions: list[ActivityDescription] = field(default_factory=list)
    entity_descriptions: list[EntityDescription] = field(default_factory=list)
    #: what the reader says about the record without rejecting it: ``(kind, message)``
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        """Human-readable origin: ``"run.provenance.log, record 3"``."""
        return f"{self.source}, record {self.index}"

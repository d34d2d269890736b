"""The PROV relations as PROV-O writes them, and voprov's configuration: one table.

PROV-O says a relation twice: as a shortcut (``?a prov:used ?e``) and as a
qualified node (``?a prov:qualifiedUsage ?u . ?u a prov:Usage ; prov:entity
?e``). :data:`RELATIONS` holds, for each relation, the terms of both forms
and the kinds of its two ends; the encoder, the lineage and the exporters
take them from here. Terms are full IRIs, as in :mod:`provrdf.rdf.namespaces`.

>>> BY_SHORTCUT[PROV + "used"].qualifier
'http://www.w3.org/ns/prov#qualifiedUsage'
>>> BY_QUALIFIER[VOPROV + "qualifiedConfiguration"].target
'http://www.ivoa.net/documents/ProvenanceDM/index.html#artefact'
>>> [r.name for r in RELATIONS if r.general == "wasDerivedFrom"]
['wasRevisionOf', 'wasQuotedFrom', 'hadPrimarySource']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from provrdf.rdf.namespaces import PROV, VOPROV

__all__ = [
    "BY_NAME",
    "BY_QUALIFIER",
    "BY_SHORTCUT",
    "QUALIFIERS",
    "RELATIONS",
    "RELATION_CLASSES",
    "TARGETS",
    "Kind",
    "Relation",
]

#: What an end of a relation is; ``"any"`` for an influence, which links any two.
Kind = Literal["activity", "entity", "agent", "any"]


@dataclass(frozen=True)
class Relation:
    """One PROV relation: its shortcut, its qualified form and the kinds of its ends."""

    name: str  #: the PROV-DM name (``used``), also the shortcut's local name
    shortcut: str  #: property from the subject to the object (``prov:used``)
    qualifier: str  #: property from the subject to the qualified node (``prov:qualifiedUsage``)
    node_class: str  #: class of the qualified node (``prov:Usage``)
    target: str  #: property of the qualified node naming the object (``prov:entity``)
    subject_kind: Kind
    object_kind: Kind
    #: the kind provrdf mints the IRIs of qualified nodes under (``{base}usage/…``)
    iri_kind: str
    #: the IVOA ProvDM class of the relation (``voprov:Used``); None where ProvDM has none
    provdm_class: str | None = None
    #: PROV-O's inverse shortcut, from the object to the subject (``prov:generated``)
    inverse: str | None = None
    #: the relation this one is a kind of, which PROV-DM writes it as, with
    #: :attr:`node_class` as ``prov:type`` (a revision is a derivation)
    general: str | None = None


_A: Kind = "activity"
_E: Kind = "entity"
_G: Kind = "agent"


def _prov(name: str, node: str, target: str, subject: Kind, obj: Kind, provdm: str | None = None, *,
          inverse: str | None = None, general: str | None = None, iri_kind: str | None = None) -> Relation:
    """A PROV-O relation: its qualifier and class are named after ``node`` (``Usage``: ``qualifiedUsage``)."""
    return Relation(name, PROV + name, PROV + "qualified" + node, PROV + node, PROV + target, subject, obj,
                    iri_kind or node.lower(), VOPROV + provdm if provdm else None,
                    PROV + inverse if inverse else None, general)


#: Every relation with a qualified form, in the order provrdf writes them.
RELATIONS: tuple[Relation, ...] = (
    _prov("used", "Usage", "entity", _A, _E, "Used"),
    _prov("wasGeneratedBy", "Generation", "activity", _E, _A, "WasGeneratedBy", inverse="generated"),
    _prov("wasInvalidatedBy", "Invalidation", "activity", _E, _A, inverse="invalidated"),
    _prov("wasStartedBy", "Start", "entity", _A, _E),
    _prov("wasEndedBy", "End", "entity", _A, _E),
    _prov("wasAssociatedWith", "Association", "agent", _A, _G, "WasAssociatedWith"),
    _prov("wasAttributedTo", "Attribution", "agent", _E, _G, "WasAttributedTo"),
    _prov("actedOnBehalfOf", "Delegation", "agent", _G, _G),
    _prov("wasDerivedFrom", "Derivation", "entity", _E, _E, "WasDerivedFrom"),
    *(_prov(name, node, "entity", _E, _E, general="wasDerivedFrom", iri_kind="derivation")
      for name, node in (("wasRevisionOf", "Revision"), ("wasQuotedFrom", "Quotation"),
                         ("hadPrimarySource", "PrimarySource"))),
    _prov("wasInformedBy", "Communication", "activity", _A, _A, "WasInformedBy"),
    _prov("wasInfluencedBy", "Influence", "influencer", "any", "any", inverse="influenced"),
    Relation("wasConfiguredBy", VOPROV + "wasConfiguredBy", VOPROV + "qualifiedConfiguration",
             VOPROV + "WasConfiguredBy", VOPROV + "artefact", _A, _E, "configuration", VOPROV + "WasConfiguredBy",
             general="wasInfluencedBy"),
)  # fmt: skip

BY_NAME: Mapping[str, Relation] = {r.name: r for r in RELATIONS}
BY_SHORTCUT: Mapping[str, Relation] = {r.shortcut: r for r in RELATIONS}
BY_QUALIFIER: Mapping[str, Relation] = {r.qualifier: r for r in RELATIONS}
#: The properties from a node to its qualified relation nodes, in the order of :data:`RELATIONS`.
QUALIFIERS: tuple[str, ...] = tuple(BY_QUALIFIER)
#: The properties of a qualified node that name its object, each once.
TARGETS: tuple[str, ...] = tuple(dict.fromkeys(r.target for r in RELATIONS))
#: PROV-O's classes of qualified nodes: each PROV-DM relation's own and the
#: abstract ones above them. Not a kind's class (``prov:Revision``): a
#: revision's node is a ``prov:Derivation`` too, typed as it is in PROV-DM.
RELATION_CLASSES: frozenset[str] = frozenset(
    {r.node_class for r in RELATIONS if r.general is None}
    | {PROV + name for name in ("EntityInfluence", "ActivityInfluence", "AgentInfluence", "InstantaneousEvent")}
)

"""ProvDM written as W3C PROV, read back as the model's ProvDM objects.

Today's writers (voprov, OPUS) put what W3C PROV has no class for into
plain PROV: a parameter is an entity with ``prov:type voprov:Parameter``, a
configuration link a ``wasInfluencedBy`` with ``prov:type
voprov:wasConfiguredBy``, and the same for descriptions
(``voprov:ActivityDescription`` …, linked by ``isDescribedBy`` and
``isRelatedTo``) and parameter references (``hadReference``). This module
finds those markers in the statements of one record and turns them into
:class:`~provrdf.model.Parameter`, :class:`~provrdf.model.ConfigFile` and the
description classes, taking the marked statements out of the plain PROV.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union
from datetime import datetime

from provrdf import model as m
from provrdf.capture.w3c.document import Attributes, Statement, as_text, local_id
from provrdf.rdf.namespaces import PROV, RDFS, VOPROV, XSD

__all__ = [
    "CLASSES", "COMMENT", "LINKS", "NAME", "ProvDM", "extract", "link_kind", "options", "parameter_value", "provdm_class",
]

#: The ProvDM links written as influences, by the local name of their marker type.
LINKS = ("wasConfiguredBy", "isDescribedBy", "hadReference", "isRelatedTo")
#: The marker types voprov's ``get_w3c()`` writes for them (lower case), besides their own names.
_MARKERS = {link.lower(): link for link in LINKS} | {
    "descriptionrelation": "isDescribedBy", "configurationrelation": "wasConfiguredBy",
    "relatedtorelation": "isRelatedTo", "referencerelation": "hadReference",
}  # fmt: skip
#: The attributes that give a ProvDM name (a ``prov:label`` is a label, not a name) or comment.
NAME = (VOPROV + "name", PROV + "name")
COMMENT = (VOPROV + "comment", VOPROV + "annotation", RDFS + "comment")
_DESCRIPTION_TEXT = (VOPROV + "description", VOPROV + "annotation")
_ROLE_DESCRIPTIONS: dict[str, type[m.UsageDescription] | type[m.GenerationDescription]] = {
    "UsageDescription": m.UsageDescription, "GenerationDescription": m.GenerationDescription}

_ENTITY_DESCRIPTIONS = {"EntityDescription": "entity", "DatasetDescription": "dataset", "ValueDescription": "value"}
_OWNED = {"UsageDescription": "usages", "GenerationDescription": "generations",
          "ParameterDescription": "parameters", "ConfigFileDescription": "config_files"}  # fmt: skip
#: The voprov classes this module turns into model objects.
CLASSES = ("Parameter", "ConfigFile", "ActivityDescription", *_ENTITY_DESCRIPTIONS, *_ROLE_DESCRIPTIONS,
           "ParameterDescription", "ConfigFileDescription")  # fmt: skip


@dataclass
class ProvDM:
    """The ProvDM objects of one record, and the description of each described node or relation."""

    parameters: list[m.Parameter] = field(default_factory=list)
    config_files: list[m.ConfigFile] = field(default_factory=list)
    activity_descriptions: list[m.ActivityDescription] = field(default_factory=list)
    entity_descriptions: list[m.EntityDescription] = field(default_factory=list)
    #: IRI of an activity, entity or relation → local id of its description
    described: dict[str, str] = field(default_factory=dict)
    #: links the model has no place for (``isRelatedTo``, a ``hadReference`` that is no parameter's)
    related: list[m.Related] = field(default_factory=list)
    #: (kind, message) of what is not kept
    problems: list[tuple[str, str]] = field(default_factory=list)


def provdm_class(statement: Statement) -> str | None:
    """The ProvDM class (local name) that a ``prov:type`` of ``statement`` marks, if any."""
    for cls in Attributes(statement.attributes).types():
        if cls.startswith(VOPROV) and cls[len(VOPROV):] in CLASSES:
            return cls[len(VOPROV):]
    return None


def link_kind(statement: Statement) -> str | None:
    """Which ProvDM link an influence stands for, by its marker type (either case)."""
    if statement.kind != "wasInfluencedBy":
        return None
    for cls in statement.types():
        name = _MARKERS.get(cls[len(VOPROV):].lower()) if cls.startswith(VOPROV) else None
        if name:
            return name
    return None


def extract(nodes: dict[str, Statement], relations: list[Statement]) -> tuple[ProvDM, list[Statement]]:
    """Take the ProvDM statements out of ``nodes`` (changed in place) and ``relations``.

    Returns
    -------
    ProvDM, list of Statement
        The ProvDM objects, and the relations that are plain PROV.
    """
    links: dict[str, list[tuple[str, str]]] = {link: [] for link in LINKS}
    plain = []
    for statement in relations:
        kind = link_kind(statement)
        if kind is None:
            plain.append(statement)
        else:
            links[kind].append((statement.args.get("influencee", ""), statement.args.get("influencer", "")))
    marked = {iri: cls for iri, node in nodes.items() if node.kind == "entity" and (cls := provdm_class(node))}
    out = ProvDM()
    _descriptions(out, nodes, marked, links)
    _configuration(out, nodes, marked, links)
    for iri in list(marked):
        if marked[iri] not in ("Parameter", "ConfigFile") or iri in _configured(links, marked):
            del nodes[iri]
    return out, plain


# -- descriptions -------------------------------------------------------------------------------


#: Any description the model has.
_Description = Union[m.ActivityDescription, m.EntityDescription, m.UsageDescription, m.GenerationDescription,
                     m.ParameterDescription, m.ConfigFileDescription]
#: The links of one record by kind: ``{link: [(influencee, influencer)]}``.
_Links = dict[str, list[tuple[str, str]]]


def _descriptions(out: ProvDM, nodes: dict[str, Statement], marked: dict[str, str], links: _Links) -> None:
    made: dict[str, _Description] = {}
    for iri, cls in marked.items():
        if cls in ("Parameter", "ConfigFile"):
            continue
        attributes = Attributes(nodes[iri].attributes)
        description = _description(cls, local_id(iri), attributes)
        attributes.drop_types({VOPROV + cls})
        description.extra = attributes.extra()
        made[iri] = description
    _relate(out, made, marked, links["isRelatedTo"])
    for described, descriptor in links["isDescribedBy"]:
        if descriptor not in made and described in made:
            described, descriptor = descriptor, described
        if described and descriptor:  # a description of another record or repository is linked all the same
            out.described[described] = local_id(descriptor)


def _description(cls: str, ident: str, attributes: Attributes) -> _Description:
    """The description of ProvDM class ``cls`` that ``attributes`` give (taken out of them)."""
    text = attributes.any_text
    name, description = text(*NAME) or "", text(*_DESCRIPTION_TEXT)
    if cls == "ActivityDescription":
        return m.ActivityDescription(ident, name, text(VOPROV + "version"), description, docurl=text(VOPROV + "docurl"),
                                     type=text(VOPROV + "type"), subtype=text(VOPROV + "subtype"))
    if cls in _ENTITY_DESCRIPTIONS:
        return m.EntityDescription(
            ident, name, _ENTITY_DESCRIPTIONS[cls], description, docurl=text(VOPROV + "docurl"),
            type=text(VOPROV + "type"), content_type=text(VOPROV + "contentType"),
            value_type=text(VOPROV + "valueType"), unit=text(VOPROV + "unit"), ucd=text(VOPROV + "ucd"),
            utype=text(VOPROV + "utype"))
    if cls in _ROLE_DESCRIPTIONS:
        role = text(PROV + "role", VOPROV + "role") or ""
        return _ROLE_DESCRIPTIONS[cls](ident, role, description, type=text(VOPROV + "type"),
                                       multiplicity=text(VOPROV + "multiplicity"))
    if cls == "ParameterDescription":
        return m.ParameterDescription(
            ident, name, text(VOPROV + "valueType") or "", description, unit=text(VOPROV + "unit"),
            ucd=text(VOPROV + "ucd"), utype=text(VOPROV + "utype"), min=text(VOPROV + "min"),
            max=text(VOPROV + "max"), options=options(_all(attributes, VOPROV + "options")),
            default=text(VOPROV + "default"))
    return m.ConfigFileDescription(ident, name, text(VOPROV + "contentType") or "", description)


def _relate(out: ProvDM, made: dict[str, _Description], marked: dict[str, str],
            related: list[tuple[str, str]]) -> None:
    """Give each owned description its owner, each usage/generation description its entity description."""
    owners: dict[str, str] = {}
    for one, other in related:
        for holder, held in ((one, other), (other, one)):
            if marked.get(holder) == "ActivityDescription" and marked.get(held) in _OWNED:
                owners[held] = holder
                break
            template = made.get(holder)
            if isinstance(template, (m.UsageDescription, m.GenerationDescription)) and \
                    marked.get(held) in _ENTITY_DESCRIPTIONS:
                template.entity_description = local_id(held)
                break
        else:  # a link the model has no place for: kept as voprov writes it
            if one and other:
                out.related.append(m.Related(local_id(one), local_id(other), "isRelatedTo"))
    activities = [iri for iri in made if marked[iri] == "ActivityDescription"]
    for iri, description in made.items():
        cls = marked[iri]
        if isinstance(description, m.ActivityDescription):
            out.activity_descriptions.append(description)
        elif isinstance(description, m.EntityDescription):
            out.entity_descriptions.append(description)
        else:
            owner: str | None = owners.get(iri) or (activities[0] if len(activities) == 1 else None)
            if owner is None:
                out.problems.append(("description left out", f"the {cls} <{iri}> belongs to no activity "
                                                             "description (no isRelatedTo links it to one); it is left out"))
            else:
                getattr(made[owner], _OWNED[cls]).append(description)


# -- configuration ------------------------------------------------------------------------------


def _configured(links: _Links, marked: dict[str, str]) -> dict[str, list[str]]:
    """Parameter or config file IRI → the activities it configures."""
    found: dict[str, list[str]] = {}
    for activity, artefact in links["wasConfiguredBy"]:
        if marked.get(activity) in ("Parameter", "ConfigFile"):
            activity, artefact = artefact, activity
        if marked.get(artefact) in ("Parameter", "ConfigFile"):
            found.setdefault(artefact, []).append(activity)
    return found


def _configuration(out: ProvDM, nodes: dict[str, Statement], marked: dict[str, str], links: _Links) -> None:
    references: dict[str, str] = {}
    for one, other in links["hadReference"]:
        parameter, entity = (one, other) if marked.get(one) == "Parameter" else (other, one)
        if marked.get(parameter) == "Parameter" and parameter not in references:
            references[parameter] = local_id(entity)
        elif one and other:  # not a parameter's value: kept as written
            out.related.append(m.Related(local_id(one), local_id(other), "hadReference"))
    for activity, artefact in links["wasConfiguredBy"]:
        if not ({marked.get(activity), marked.get(artefact)} & {"Parameter", "ConfigFile"}):
            out.problems.append(("link left out", f"wasConfiguredBy({activity}, {artefact}) links no parameter "
                                                  "or config file of the document; it is left out"))
    for iri, activities in _configured(links, marked).items():
        for activity in activities:
            attributes = Attributes(nodes[iri].attributes)
            attributes.drop_types({VOPROV + marked[iri]})
            name = attributes.any_text(*NAME) or ""
            described = out.described.get(iri)
            if marked[iri] == "Parameter":
                value = attributes.pop(PROV + "value", VOPROV + "value")
                out.parameters.append(m.Parameter(
                    local_id(activity), name, None if value is None else parameter_value(value), described,
                    references.get(iri), local_id(iri), attributes.extra()))  # fmt: skip
            else:
                out.config_files.append(m.ConfigFile(
                    local_id(activity), name, attributes.text(PROV + "location", VOPROV + "location"),
                    attributes.text(*COMMENT), described, local_id(iri), attributes.extra()))  # fmt: skip


def parameter_value(value: object) -> str | m.Typed:
    """A value as a Parameter or value entity keeps it: text, or a literal with its datatype."""
    if isinstance(value, (str, m.Typed)):
        return value
    if isinstance(value, bool):
        return m.Typed(as_text(value), XSD + "boolean")
    if isinstance(value, datetime):
        return m.Typed(as_text(value), XSD + "dateTime")
    return as_text(value)


def options(values: list[object]) -> list[str]:
    """The options of a parameter description: each value, or one text listing them (``"CEL|GAL"``,
    ``"DEFAULT,CSTAT"``, as voprov and OPUS write them) cut at its separator.

    >>> options(["DEFAULT|CSTAT|WSTAT"]), options(["CEL", "GAL"]), options(["a, b"])
    (['DEFAULT', 'CSTAT', 'WSTAT'], ['CEL', 'GAL'], ['a', 'b'])
    """
    texts = [as_text(value) for value in values]
    if len(texts) == 1:
        for separator in ("|", ","):
            if separator in texts[0]:
                return [part.strip() for part in texts[0].split(separator) if part.strip()]
    return texts


def _all(attributes: Attributes, name: str) -> list[object]:
    values = []
    while (value := attributes.pop(name)) is not None:
        values.append(value)
    return values

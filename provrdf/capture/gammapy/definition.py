"""Reader of the ``definition.yaml`` of gammapy's provenance prototype and logprov.

The file describes, per activity (a method name), its parameters, usages
and generations, and the entity types they refer to::

    activities:
      get_observations:
        description: "Fetch observations from the data store"
        parameters:
          - {name: datastore, description: "DataStore path", value: settings.observations.datastore}
        usage:
          - {role: datastore, entityType: DataStore, location: settings.observations.datastore}
        generation:
          - role: observations selected
            entityType: Observations
            has_members: {entityType: Observation, list: observations.list, id: obs_id}
    entities:
      DataStore: {description: "...", type: FileCollection}
      Observation: {description: "...", type: File, contentType: application/fits}

Every generation of the format is read: ``activities`` + ``entities``
(the gammapy prototype, lstosa), ``activity_description`` +
``entity_description`` (logprov's first configuration) and
``activity_descriptions`` + ``entity_descriptions`` (logprov 0.0.2); inside
a usage or generation the entity type is ``entityType``, later
``entityName`` or ``entity_description``. The activities (and the entities)
may also sit in one section per traced class (``Analysis: {activities: …}``).

Mapping decisions:

* local ids are global across tools: ``<activity>`` (``<activity>/<version>``
  when a ``version`` is given), ``<activity id>/usage/<role>``,
  ``<activity id>/generation/<role>``, ``<activity id>/parameter/<name>``;
  entity descriptions are named by their entity type;
* ``value``, ``location``, ``has_members`` and ``has_progenitors`` are
  dotted expressions on the analysis object, not values: they are kept as
  text at the end of the description, e.g.
  ``"DataStore path (value: settings.observations.datastore)"`` — never as
  a parameter's ``default``; so is any other key no field holds
  (``index: obs-index.fits.gz``);
* a parameter's value type is its ``valueType`` (or ``type``), else ``char``;
* an entity type with a ``contentType`` is a dataset description, one with
  a ``valueType`` a value description;
* logprov's ``agents:`` gives the ProvDM attributes of the agents it names
  (``email``, ``affiliation`` …);
* a top-level key that is none of these (logprov's ``namespaces``) is not
  read, and a warning says so;
* an entity type named by a usage or generation but not defined gets a
  description with its name only.

>>> d = parse({"activities": {"run_fit": {"usage": [{"role": "datasets", "entityType": "Datasets"}]}}}, "fit")
>>> [u.id for u in d.activity_descriptions[0].usages], [e.id for e in d.entity_descriptions]
(['run_fit/usage/datasets'], ['Datasets'])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from provrdf.capture.facts import as_dict
from provrdf.capture.safe import Unsafe, decode, load_yaml
from provrdf.errors import ParseError
from provrdf.model import (
    ActivityDescription,
    Entity,
    EntityDescription,
    GenerationDescription,
    ParameterDescription,
    Record,
    UsageDescription,
)

__all__ = ["ACTIVITY_KEYS", "ENTITY_KEYS", "Definitions", "load", "parse"]

#: Keys naming the entity type of a usage or generation, oldest first.
_ENTITY_KEYS = ("entityType", "entityName", "entity_description")


@dataclass
class Definitions:
    """The descriptions of one ``definition.yaml``.

    Parameters
    ----------
    activity_descriptions
        One per activity, owning its usage, generation and parameter descriptions.
    entity_descriptions
        One per entity type, defined or referenced.
    name
        The name of the definitions (the file's ``name``, else its stem).
    members
        Generation description id -> entity description id of the members
        of the collection it generates (from ``has_members``).
    source
        The file the definitions were read from, for messages.
    """

    activity_descriptions: list[ActivityDescription] = field(default_factory=list)
    entity_descriptions: list[EntityDescription] = field(default_factory=list)
    name: str | None = None
    members: dict[str, str] = field(default_factory=dict)
    source: str | None = None
    #: how many activities :meth:`apply` linked to a description so far
    linked: int = 0
    #: what the file holds that is not read (an unknown top-level key)
    warnings: list[str] = field(default_factory=list)
    #: how the file's text was decoded, when its encoding had to be guessed
    encoding: str | None = None
    #: agent name -> its ProvDM attributes (logprov's ``agents:``: ``email`` …)
    agents: dict[str, dict[str, str]] = field(default_factory=dict)

    def apply(self, record: Record) -> Record:
        """Link the nodes of ``record`` to their descriptions, in place.

        An activity without a description gets the one of its name; its
        usages, generations and parameters get the description of the same
        role or name, and their entities the entity description of that
        usage or generation (the members of a generated collection, that of
        ``has_members``). A role the description does not list is left
        unlinked. The descriptions used are added to the record. An agent
        the file describes (``agents:``) gets the attributes it gives.

        Returns
        -------
        Record
            ``record`` itself.
        """
        for agent in record.agents:
            for key, value in self.agents.get(agent.name or "", {}).items():
                if getattr(agent, key) is None:
                    setattr(agent, key, value)
        by_name = {d.name: d for d in self.activity_descriptions}
        for activity in record.activities:
            description = by_name.get(activity.name or "") if activity.description is None else None
            if description is not None:
                activity.description = description.id
                self._link(record, activity.id, description)
                self.linked += 1
        return record

    def record(self, source: str = "<memory>") -> Record:
        """A record holding only the descriptions (for ``provrdf describe``).

        >>> Definitions(name="crab").record("definition.yaml").id
        'definitions/crab'
        """
        name = self.name or Path(source).stem
        return Record(
            id=f"definitions/{name}",
            source=source,
            activity_descriptions=list(self.activity_descriptions),
            entity_descriptions=list(self.entity_descriptions),
            warnings=self.notes(),
        )

    def notes(self) -> list[tuple[str, str]]:
        """What the file holds that is not read, and how it was decoded when that was guessed, as
        ``(kind, message)`` warnings.

        >>> Definitions(warnings=["the top-level key 'namespaces' is not read"]).notes()
        [('definition key not read', "the top-level key 'namespaces' is not read")]
        """
        return ([("definition key not read", text) for text in self.warnings]
                + ([("encoding", f"the file is {self.encoding}")] if self.encoding else []))

    def _link(self, record: Record, activity: str, description: ActivityDescription) -> None:
        entities = {e.id: e for e in record.entities}
        usages: dict[str | None, UsageDescription] = {u.role: u for u in description.usages}
        generations: dict[str | None, GenerationDescription] = {g.role: g for g in description.generations}
        for usage in record.usages:
            if usage.activity != activity or usage.role not in usages:
                continue
            usage.description = usages[usage.role].id
            _describe(entities.get(usage.entity or ""), usages[usage.role].entity_description)
        for generation in record.generations:
            if generation.activity != activity or generation.role not in generations:
                continue
            template = generations[generation.role]
            generation.description = template.id
            _describe(entities.get(generation.entity), template.entity_description)
            for membership in (m for m in record.memberships if m.collection == generation.entity):
                _describe(entities.get(membership.member), self.members.get(template.id))
        parameters = {p.name: p for p in description.parameters}
        for parameter in (p for p in record.parameters if p.activity == activity and p.name in parameters):
            parameter.description = parameters[parameter.name].id
        if all(d.id != description.id for d in record.activity_descriptions):
            record.activity_descriptions.append(description)
        for entity in self._entity_descriptions(description):
            if all(d.id != entity.id for d in record.entity_descriptions):
                record.entity_descriptions.append(entity)

    def _entity_descriptions(self, description: ActivityDescription) -> list[EntityDescription]:
        """The entity descriptions that ``description``'s usages and generations refer to."""
        names = [t.entity_description for t in description.usages + description.generations]
        names += [self.members[g.id] for g in description.generations if g.id in self.members]
        return [d for d in self.entity_descriptions if d.id in names]


def load(path: Path) -> Definitions:
    """Read a ``definition.yaml``.

    Parameters
    ----------
    path
        The YAML file.

    Raises
    ------
    ParseError
        When the file is not YAML or not shaped like a definition file.
    OSError
        When the file cannot be read.
    """
    source = str(path)
    text, note = decode(Path(path).read_bytes())
    try:
        data = load_yaml(text.lstrip("\ufeff"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or str(error)
        raise ParseError(source, f"not valid YAML: {problem}", line=mark.line + 1 if mark else None) from None
    except Unsafe as error:
        raise ParseError(source, str(error), line=error.line) from None
    try:
        definitions = parse(data, Path(path).stem)
    except ValueError as error:
        raise ParseError(source, str(error)) from None
    definitions.source = source
    definitions.encoding = note
    return definitions


#: The top-level keys of the three generations of definition files, oldest first:
#: the gammapy prototype and lstosa, logprov's first configuration, logprov 0.0.2.
ACTIVITY_KEYS = ("activities", "activity_description", "activity_descriptions")
ENTITY_KEYS = ("entities", "entity_description", "entity_descriptions")
#: Top-level keys read besides those.
_TOP_KEYS = frozenset({"name", "agents", *ACTIVITY_KEYS, *ENTITY_KEYS})
#: The attributes of an agent that ``agents:`` may give.
_AGENT_FIELDS = ("comment", "email", "affiliation", "phone", "address", "url")


def parse(data: Any, name: str | None = None) -> Definitions:
    """The definitions in the loaded YAML ``data``.

    Parameters
    ----------
    data
        The document, as :func:`yaml.safe_load` gives it.
    name
        The name to use when the document has none (the file's stem).

    Raises
    ------
    ValueError
        When ``data`` is not shaped like a definition file.
    """
    if not isinstance(data, dict):
        raise ValueError(f"a definition file is a mapping with 'activities', found {type(data).__name__}")
    sections = [data] if _activity_key(data) else [
        value for value in data.values() if isinstance(value, dict) and _activity_key(value)]
    if not sections:
        raise ValueError(f"a definition file needs one of {', '.join(ACTIVITY_KEYS)} "
                         "(at the top or in one section per class)")
    entities: dict[str, EntityDescription] = {}
    for block in [data] + [section for section in sections if section is not data]:
        listed = next((block[key] for key in ENTITY_KEYS if key in block), None)
        entities.update({str(key): _entity(str(key), body) for key, body in _mapping(listed, "entities").items()})
    definitions = Definitions(name=str(data.get("name") or name or "definitions"))
    for section in sections:
        activities = section[_activity_key(section)]
        for key, body in _mapping(activities, "activities").items():
            definitions.activity_descriptions.append(_activity(str(key), body, entities, definitions.members))
    definitions.entity_descriptions = list(entities.values())
    definitions.agents, unread = _agents(data.get("agents"))
    definitions.warnings = unread + [
        f"the top-level key {key!r} is not read (it holds {_expression(data[key])[:80]})"
        for key in data if key not in _TOP_KEYS and not (isinstance(data[key], dict) and data[key] in sections)
    ]
    return definitions


def _agents(value: Any) -> tuple[dict[str, dict[str, str]], list[str]]:
    """The agents a definition file describes, and what of them is not read."""
    agents: dict[str, dict[str, str]] = {}
    unread: list[str] = []
    for name, body in _mapping(value, "agents").items():
        body = _mapping(body, f"agent {name}")
        agents[str(name)] = {key: str(body[key]) for key in _AGENT_FIELDS if body.get(key) not in (None, "")}
        unread += [f"the attribute {key!r} of agent {name!r} is not read" for key in body if key not in _AGENT_FIELDS]
    return agents, unread


def _activity_key(block: dict) -> str | None:
    """The key under which ``block`` lists its activities, in any generation of the format."""
    return next((key for key in ACTIVITY_KEYS if key in block), None)


# -- the parts of the file ---------------------------------------------------------


#: Keys each part of a definition maps to a field; any other key is kept as a note in its description text.
_ACTIVITY_FIELDS = frozenset({"description", "version", "docurl", "doculink", "type", "subtype", "usage",
                              "generation", "parameters"})
_ROLE_FIELDS = frozenset({"role", "description", "type", "multiplicity", *("entityType", "entityName",
                                                                          "entity_description")})
_PARAMETER_FIELDS = frozenset({"name", "description", "valueType", "type", "unit", "ucd", "utype", "min", "max",
                               "options", "default"})
_ENTITY_FIELDS = frozenset({"description", "docurl", "doculink", "type", "contentType", "valueType", "unit", "ucd",
                            "utype"})


def _notes(item: dict, known: frozenset[str]) -> list[tuple[str, Any]]:
    """The keys of ``item`` no field holds, to keep as notes: the expressions first, then the rest."""
    first = [key for key in ("location", "value", "has_members", "has_progenitors") if key in item]
    rest = [key for key in item if key not in known and key not in first]
    return [(key, item[key]) for key in first + rest]


def _activity(name: str, body: Any, entities: dict, members: dict) -> ActivityDescription:
    body = _mapping(body, f"activity {name}")
    version = _text(body.get("version"))
    owner = f"{name}/{version}" if version else name
    description = ActivityDescription(
        id=owner,
        name=name,
        version=version,
        description=_with_notes(_text(body.get("description")), _notes(body, _ACTIVITY_FIELDS)),
        docurl=_text(body.get("docurl", body.get("doculink"))),
        type=_text(body.get("type")),
        subtype=_text(body.get("subtype")),
    )
    for item in _items(body.get("usage"), f"usage of activity {name}"):
        description.usages.append(_role(UsageDescription, owner, "usage", item, entities))
    for item in _items(body.get("generation"), f"generation of activity {name}"):
        template = _role(GenerationDescription, owner, "generation", item, entities)
        description.generations.append(template)
        contained = as_dict(item.get("has_members"))
        member = next((contained[key] for key in _ENTITY_KEYS if contained.get(key)), None)
        if member:
            members[template.id] = _referenced(str(member), entities)
    for item in _items(body.get("parameters"), f"parameters of activity {name}"):
        description.parameters.append(_parameter(owner, item, name))
    return description


def _role(cls: type, owner: str, kind: str, item: dict, entities: dict) -> Any:
    role = _text(item.get("role"))
    if not role:
        raise ValueError(f"a {kind} description of activity {owner} has no role")
    entity = next((item[key] for key in _ENTITY_KEYS if item.get(key)), None)
    return cls(
        id=f"{owner}/{kind}/{role}",
        role=role,
        description=_with_notes(_text(item.get("description")), _notes(item, _ROLE_FIELDS)),
        type=_text(item.get("type")),
        multiplicity=_text(item.get("multiplicity")),
        entity_description=_referenced(str(entity), entities) if entity else None,
    )


def _parameter(owner: str, item: dict, activity: str) -> ParameterDescription:
    name = _text(item.get("name"))
    if not name:
        raise ValueError(f"a parameter description of activity {activity} has no name")
    options = item.get("options")
    return ParameterDescription(
        id=f"{owner}/parameter/{name}",
        name=name,
        value_type=_text(item.get("valueType", item.get("type"))) or "char",
        description=_with_notes(_text(item.get("description")), _notes(item, _PARAMETER_FIELDS)),
        unit=_text(item.get("unit")),
        ucd=_text(item.get("ucd")),
        utype=_text(item.get("utype")),
        min=_text(item.get("min")),
        max=_text(item.get("max")),
        options=[str(option) for option in options] if isinstance(options, list) else [],
        default=_text(item.get("default")),
    )


def _entity(name: str, body: Any) -> EntityDescription:
    body = _mapping(body, f"entity {name}")
    content_type, value_type = _text(body.get("contentType")), _text(body.get("valueType"))
    return EntityDescription(
        id=name,
        name=name,
        kind="dataset" if content_type else "value" if value_type else "entity",
        description=_with_notes(_text(body.get("description")), _notes(body, _ENTITY_FIELDS)),
        docurl=_text(body.get("docurl", body.get("doculink"))),
        type=_text(body.get("type")),
        content_type=content_type,
        value_type=value_type,
        unit=_text(body.get("unit")),
        ucd=_text(body.get("ucd")),
        utype=_text(body.get("utype")),
    )


def _referenced(name: str, entities: dict) -> str:
    """The id of the entity description ``name``, made bare when the file does not define it."""
    if name not in entities:
        entities[name] = EntityDescription(id=name, name=name)
    return entities[name].id


# -- small helpers -------------------------------------------------------------------


def _describe(entity: Entity | None, description: str | None) -> None:
    if entity is not None and description and entity.description is None:
        entity.description = description


def _mapping(value: Any, what: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a mapping, found {type(value).__name__}")
    return value


def _items(value: Any, what: str) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError(f"the {what} must be a list of mappings")
    return value


def _with_notes(text: str | None, notes: list[tuple[str, Any]]) -> str | None:
    """``text`` followed by the expressions it comes with, e.g. ``"… (value: observations)"``."""
    given = [f"{key}: {_expression(value)}" for key, value in notes if value not in (None, "", {})]
    if not given:
        return text
    return f"{text} ({'; '.join(given)})" if text else "; ".join(given)


def _expression(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key}={item}" for key, item in value.items())
    return str(value)


def _text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)

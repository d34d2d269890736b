"""voprov's own statements (the IVOA model), as the W3C statements voprov writes for them.

The voprov package writes ProvDM classes and relations with names of their
own, in every serialization: PROV-JSON keys (``"parameter"``,
``"activityDescription"``, ``"wasConfiguredBy"`` …), PROV-XML elements
(``<voprov:parameter>``), PROV-N statements (``parameter(id, name, value,
[…])``). They are read the way voprov writes the W3C model (its
``get_w3c()``): a ProvDM class becomes an entity with ``prov:type
voprov:<Class>``, a ProvDM relation a ``wasInfluencedBy`` with ``prov:type
voprov:<relation>``. :func:`flatten_ivoa_json` rewrites a PROV-JSON
document so; :func:`ivoa_statement` makes the statement of one PROV-XML
element or PROV-N statement. Everything else is left as it is.

>>> doc = {"prefix": {"voprov": "http://ivoa.net/ns/voprov#"}, "parameter": {"ex:p": {"prov:name": "n"}}}
>>> flatten_ivoa_json(doc)["entity"]["ex:p"]["prov:type"]
{'$': 'voprov:Parameter', 'type': 'prov:QUALIFIED_NAME'}
"""

from __future__ import annotations

from typing import Any

from provrdf.capture.w3c.document import Statement, normalize_iri
from provrdf.model import IRI
from provrdf.rdf.namespaces import PROV, VOPROV

__all__ = ["IVOA_NODES", "IVOA_RELATIONS", "POSITIONS", "flatten_ivoa_json", "ivoa_statement"]

#: IVOA-model key → the voprov class of its entities.
IVOA_NODES = {
    "parameter": "Parameter",
    "configFile": "ConfigFile",
    "configfile": "ConfigFile",
    "datasetEntity": "DatasetEntity",
    "valueEntity": "ValueEntity",
    "activityDescription": "ActivityDescription",
    "entityDescription": "EntityDescription",
    "datasetDescription": "DatasetDescription",
    "valueDescription": "ValueDescription",
    "usageDescription": "UsageDescription",
    "usedDescription": "UsageDescription",
    "generationDescription": "GenerationDescription",
    "wasGeneratedByDescription": "GenerationDescription",
    "parameterDescription": "ParameterDescription",
    "configFileDescription": "ConfigFileDescription",
}
#: IVOA-model relation key → (local name of the influenced end, of the influencing end).
IVOA_RELATIONS = {
    "wasConfiguredBy": ("configured", "configurator"),
    "isDescribedBy": ("described", "descriptor"),
    # voprov names the first argument of hadReference (the one that refers) "referenced", and
    # get_w3c() makes it the influencee: followed here, so every serialization says the same
    "hadReference": ("referenced", "referrer"),
    "isRelatedTo": ("relator", "related"),
}


#: The positional arguments of voprov's PROV-N statements after the id (voprov's ``FORMAL_ATTRIBUTES``):
#: attribute IRIs for the classes, the ends' local names for the relations (then their attributes).
POSITIONS: dict[str, tuple[str, ...]] = {
    "activityDescription": (PROV + "name",),
    "usageDescription": (PROV + "role",), "usedDescription": (PROV + "role",),
    "generationDescription": (PROV + "role",), "wasGeneratedByDescription": (PROV + "role",),
    "entityDescription": (PROV + "name",),
    "valueDescription": (PROV + "name", VOPROV + "valueType"),
    "datasetDescription": (PROV + "name", VOPROV + "contentType"),
    "configFileDescription": (PROV + "name", VOPROV + "contentType"),
    "parameterDescription": (PROV + "name", VOPROV + "valueType"),
    "configFile": (PROV + "name", PROV + "location"), "configfile": (PROV + "name", PROV + "location"),
    "parameter": (PROV + "name", PROV + "value"),
    "isDescribedBy": ("described", "descriptor"),
    "isRelatedTo": ("related", "relator"),
    "wasConfiguredBy": ("configured", "configurator", VOPROV + "artefactType"),
    "hadReference": ("referenced", "referrer"),
}  # fmt: skip


def ivoa_statement(kind: str, ident: str | None, ends: dict[str, str], attributes: list[tuple[str, Any]]) -> Statement:
    """The W3C statement of one voprov statement: a node of a ProvDM class, or a ProvDM relation.

    Parameters
    ----------
    kind
        The voprov keyword (``"parameter"``, ``"isDescribedBy"``, ``"datasetEntity"`` …).
    ident
        The statement's IRI, if any.
    ends
        The nodes a relation links, by the local name of their argument (``described``, ``descriptor``).
    attributes
        The statement's attributes, as (IRI, value) pairs.

    >>> s = ivoa_statement("isDescribedBy", None, {"described": "http://e/p", "descriptor": "http://e/d"}, [])
    >>> (s.kind, s.args)
    ('wasInfluencedBy', {'influencee': 'http://e/p', 'influencer': 'http://e/d'})
    """
    if kind in IVOA_RELATIONS:
        influenced, influencing = IVOA_RELATIONS[kind]
        args = {"influencee": ends.get(influenced), "influencer": ends.get(influencing)}
        args = {name: value for name, value in args.items() if value}
        return Statement("wasInfluencedBy", ident, args, [(PROV + "type", IRI(VOPROV + kind)), *attributes])
    return Statement("entity", ident, {}, [(PROV + "type", IRI(VOPROV + IVOA_NODES[kind])), *attributes])


def flatten_ivoa_json(container: dict[str, Any], prefix: str | None = None) -> dict[str, Any]:
    """``container`` (a document or a bundle) with its IVOA-model keys rewritten; bundles too.

    Parameters
    ----------
    container
        The parsed JSON object.
    prefix
        The prefix naming the voprov namespace (found or added at the top).
    """
    out = dict(container)
    if prefix is None:
        prefix = _voprov_prefix(out)
    for key in [k for k in out if k in IVOA_NODES]:
        for ident, attributes in out.pop(key).items():
            for item in _items(attributes):
                item = dict(item)
                _add(item, "prov:type", {"$": f"{prefix}:{IVOA_NODES[key]}", "type": "prov:QUALIFIED_NAME"})
                _add(out.setdefault("entity", {}), ident, item)
    for key in [k for k in out if k in IVOA_RELATIONS]:
        influenced, influencing = IVOA_RELATIONS[key]
        for ident, attributes in out.pop(key).items():
            for item in _items(attributes):
                rewritten = {"prov:type": {"$": f"{prefix}:{key}", "type": "prov:QUALIFIED_NAME"}}
                for name, value in item.items():
                    local = name.rpartition(":")[2]
                    target = {influenced: "prov:influencee", influencing: "prov:influencer"}.get(local, name)
                    rewritten[target] = value
                _add(out.setdefault("wasInfluencedBy", {}), ident, rewritten)
    if isinstance(out.get("bundle"), dict):
        out["bundle"] = {name: flatten_ivoa_json(bundle, prefix) for name, bundle in out["bundle"].items()}
    return out


def _voprov_prefix(document: dict[str, Any]) -> str:
    """The prefix of the document that names the voprov namespace, declared if missing."""
    prefixes = document.setdefault("prefix", {})
    for name, iri in prefixes.items():
        if isinstance(iri, str) and normalize_iri(iri + "x") == VOPROV + "x":
            return name
    name = "voprov" if "voprov" not in prefixes else "voprov_"
    prefixes[name] = VOPROV
    return name


def _items(value: Any) -> list[dict[str, Any]]:
    """The records under one id: PROV-JSON allows a list of them."""
    return [item for item in (value if isinstance(value, list) else [value]) if isinstance(item, dict)]


def _add(group: dict[str, Any], key: str, value: Any) -> None:
    """Add ``value`` under ``key``, making a list when the key is taken."""
    if key not in group:
        group[key] = value
    elif isinstance(group[key], list):
        group[key].append(value)
    else:
        group[key] = [group[key], value]

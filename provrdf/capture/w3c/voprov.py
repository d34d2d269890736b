"""voprov's IVOA-model PROV-JSON, rewritten as W3C PROV-JSON before the ``prov`` package reads it.

The voprov package can write ProvDM classes and relations under keys of
their own (``"parameter"``, ``"activityDescription"``, ``"wasConfiguredBy"``
…), which W3C PROV-JSON does not have. They are rewritten the way voprov
writes the W3C model: a ProvDM class becomes an ``entity`` with
``prov:type voprov:<Class>``, a ProvDM relation a ``wasInfluencedBy`` with
``prov:type voprov:<relation>``. Everything else is left as it is.

>>> doc = {"prefix": {"voprov": "http://ivoa.net/ns/voprov#"}, "parameter": {"ex:p": {"prov:name": "n"}}}
>>> flatten_ivoa_json(doc)["entity"]["ex:p"]["prov:type"]
{'$': 'voprov:Parameter', 'type': 'prov:QUALIFIED_NAME'}
"""

from __future__ import annotations

from typing import Any

from provrdf.capture.w3c.document import normalize_iri
from provrdf.rdf.namespaces import VOPROV

__all__ = ["IVOA_NODES", "IVOA_RELATIONS", "flatten_ivoa_json"]

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
    "hadReference": ("referrer", "referenced"),
    "isRelatedTo": ("relator", "related"),
}


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

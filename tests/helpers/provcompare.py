"""PROV documents as comparable data: records by bundle, and a readable difference of two documents."""

from __future__ import annotations

from collections import Counter
from typing import Any

import prov.model as pm

from provrdf.rdf.namespaces import PROV, XSD

__all__ = ["Records", "difference", "record_key", "records", "value_key"]

#: A document as comparable data: bundle IRI (None: the top level) → its records, each
#: ``(type IRI, identifier IRI or None, frozenset of (attribute IRI, value))``.
Records = dict[Any, Counter]


def value_key(value: Any) -> tuple:
    """An attribute value as comparable data: its kind, and what ``prov`` compares of it."""
    if isinstance(value, pm.QualifiedName):
        return ("qname", value.uri)
    if isinstance(value, pm.Identifier):
        return ("uri", value.uri)
    if isinstance(value, pm.Literal):
        return ("literal", value.value, value.datatype.uri if value.datatype else None, value.langtag)
    if isinstance(value, float):
        return ("float", repr(value))
    return (type(value).__name__, value)


def record_key(record: pm.ProvRecord) -> tuple:
    """A record as comparable data."""
    identifier = record.identifier.uri if record.identifier is not None else None
    attributes = frozenset((name.uri, value_key(value)) for name, value in record.attributes)
    return (record.get_type().uri, identifier, attributes)


def records(document: pm.ProvDocument) -> Records:
    """The records of ``document`` and of each of its bundles."""
    found: Records = {None: Counter(map(record_key, document.get_records()))}
    for bundle in document.bundles:
        found[bundle.identifier.uri] = Counter(map(record_key, bundle.get_records()))
    return {name: counted for name, counted in found.items() if counted}


def _show_value(value: tuple) -> str:
    kind, *rest = value
    if kind == "qname":
        return f"<{rest[0]}>"
    if kind == "uri":
        return f'"{rest[0]}"^^xsd:anyURI'
    if kind == "literal":
        text, datatype, language = rest
        return f'"{text}"@{language}' if language else f'"{text}"^^{_short(datatype)}'
    if kind == "datetime":
        return rest[0].isoformat()
    return repr(rest[0])


def _short(iri: str | None) -> str:
    return str(iri).replace(PROV, "prov:").replace(XSD, "xsd:")


def _show_attributes(attributes: frozenset) -> str:
    return ", ".join(f"{_short(name)}={_show_value(value)}" for name, value in sorted(attributes, key=repr))


def difference(expected: Records, actual: Records) -> str:
    """What ``actual`` lacks (``-``) and has more (``+``) than ``expected``, bundle by bundle; "" if equal."""
    lines = []
    for bundle in sorted(set(expected) | set(actual), key=str):
        lacking = expected.get(bundle, Counter()) - actual.get(bundle, Counter())
        more = actual.get(bundle, Counter()) - expected.get(bundle, Counter())
        if lacking or more:
            lines.append(f"in {'the top level' if bundle is None else 'bundle <' + str(bundle) + '>'}:")
            lines += _record_lines(lacking, more)
    return "\n".join(lines)


def _record_lines(lacking: Counter, more: Counter) -> list[str]:
    """Records of the same type and identifier on both sides are shown by the attributes that differ."""
    lines = []
    more_left = list(more.elements())
    for kind, ident, attributes in sorted(lacking.elements(), key=repr):
        twins = [r for r in more_left if r[:2] == (kind, ident)]
        title = f"{_short(kind)} {ident or '(no id)'}"
        if len(twins) == 1 and (ident is not None or len(attributes & twins[0][2]) > 0):
            more_left.remove(twins[0])
            lines.append(f"  {title}: - {_show_attributes(attributes - twins[0][2])}")
            lines.append(f"  {' ' * len(title)}  + {_show_attributes(twins[0][2] - attributes)}")
        else:
            lines.append(f"  - {title} [{_show_attributes(attributes)}]")
    lines += [f"  + {_short(k)} {i or '(no id)'} [{_show_attributes(a)}]" for k, i, a in sorted(more_left, key=repr)]
    return lines

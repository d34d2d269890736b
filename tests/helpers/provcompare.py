"""PROV documents as comparable data: records by bundle, literals by value, and a readable difference."""

from __future__ import annotations

from collections import Counter
from datetime import timezone
from typing import Any

import prov.model as pm
import pyoxigraph

from provrdf.rdf.namespaces import PROV, XSD
from provrdf.store.knowledge import canonical

__all__ = ["Records", "as_prov", "by_value", "difference", "record_key", "records", "same_document", "value_key"]

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


# -- literals by value ----------------------------------------------------------------------------------

_PROBE = pyoxigraph.NamedNode("urn:provcompare:probe")
_KEEP = (str, pm.QualifiedName, pm.Identifier)


def _typed(value: Any) -> tuple[str, str] | None:
    """A value's lexical form and XSD datatype IRI, or None for a value compared as it is."""
    if isinstance(value, bool):
        return ("true" if value else "false", XSD + "boolean")
    if isinstance(value, int):
        return (str(value), XSD + "integer")
    if isinstance(value, float):
        return (repr(value), XSD + "double")
    if isinstance(value, pm.Literal) and value.datatype is not None and not value.langtag:
        return (str(value.value), value.datatype.uri)
    return None


def _canonical(values: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """Each (lexical form, datatype) as the store keeps it (:func:`provrdf.store.knowledge.canonical`)."""
    found = {value: value for value in values}
    literals: dict[tuple[str, str], pyoxigraph.Literal] = {}
    for text, datatype in values:
        try:
            literals[(text, datatype)] = pyoxigraph.Literal(text, datatype=pyoxigraph.NamedNode(datatype))
        except ValueError:
            continue  # not a value of its datatype: compared as written
    kept = canonical([pyoxigraph.Quad(_PROBE, _PROBE, literal) for literal in literals.values()])
    for value, quad in zip(literals, kept):
        found[value] = (quad.object.value, quad.object.datatype.value)
    return found


def _qualified(iri: str) -> pm.QualifiedName:
    namespace, _, local = iri.rpartition("#") if "#" in iri else iri.rpartition("/")
    return pm.Namespace("dt", namespace + iri[len(namespace)])[local]


def by_value(document: pm.ProvDocument) -> pm.ProvDocument:
    """``document`` with every typed value in the canonical form a store keeps.

    Integers of any XSD integer type are ``xsd:integer`` values, ``"1.0"^^xsd:float``
    is ``"1"``, a duration is normalized, a PROV-JSON number is the XSD value
    it stands for: two documents equal after this say the same values.
    Times stay Python datetimes, compared as instants by ``prov``.
    """
    bundles = [document, *document.bundles]
    values = list(dict.fromkeys(typed for bundle in bundles for record in bundle.get_records()
                                for _, value in record.attributes if (typed := _typed(value))))
    kept = _canonical(values)

    def value_of(value: Any) -> Any:
        typed = _typed(value)
        if typed is None:
            return value
        text, datatype = kept[typed]
        return pm.Literal(text, _qualified(datatype))

    copy = pm.ProvDocument()
    for source in bundles:
        target = copy if source is document else copy.bundle(source.identifier)
        for record in source.get_records():
            target.new_record(record.get_type(), record.identifier,
                              [(name, value_of(value)) for name, value in record.attributes])
    return copy


def same_document(expected: pm.ProvDocument, actual: pm.ProvDocument) -> bool:
    """Whether ``prov`` compares the two documents equal, both ways (``ProvDocument.__eq__``
    only looks for the left side's bundles in the right side), literals by value."""
    left, right = by_value(expected), by_value(actual)
    return left == right and right == left


# -- records up to PROV semantics -------------------------------------------------------------------------

_ELEMENT_TYPES = {PROV + "Entity", PROV + "Activity", PROV + "Agent"}
#: The element type that each formal attribute of a relation names (PROV-CONSTRAINTS typing).
_IMPLIED_TYPE = {
    PROV + name: PROV + kind
    for kind, names in {
        "Entity": ("entity", "trigger", "plan", "generatedEntity", "usedEntity", "specificEntity",
                   "generalEntity", "alternate1", "alternate2", "collection", "bundle"),
        "Activity": ("activity", "informed", "informant", "starter", "ender"),
        "Agent": ("agent", "delegate", "responsible"),
    }.items()
    for name in names
}  # fmt: skip


def _in_utc(value: tuple) -> tuple:
    if value[0] == "datetime" and value[1].tzinfo is None:
        return ("datetime", value[1].replace(tzinfo=timezone.utc))
    return value


def as_prov(found: Records) -> Records:
    """``found`` as PROV-DM and PROV-CONSTRAINTS read it, bundle by bundle.

    Four rules of PROV, each a way two documents say the same: a document
    is a set of statements (one said twice is said once); a time without
    zone is UTC (ProvDM's rule); statements of one identifier and record type
    are one, with the union of their attributes (unification); a declaration
    without attributes of an element that a relation names is implied by
    that relation (typing), and left out.
    """
    result: Records = {}
    for bundle, counted in found.items():
        named: dict[tuple, set] = {}
        unnamed: set[tuple] = set()
        for kind, identifier, attributes in counted:
            attributes = frozenset((name, _in_utc(value)) for name, value in attributes)
            if identifier is not None:
                named.setdefault((kind, identifier), set()).update(attributes)
            else:
                unnamed.add((kind, identifier, attributes))
        statements = unnamed | {(kind, identifier, frozenset(a)) for (kind, identifier), a in named.items()}
        implied = {(_IMPLIED_TYPE[name], value[1]) for kind, _, attributes in statements if kind not in _ELEMENT_TYPES
                   for name, value in attributes if name in _IMPLIED_TYPE and value[0] in ("qname", "uri")}  # fmt: skip
        kept = Counter(s for s in statements if s[2] or s[0] not in _ELEMENT_TYPES or (s[0], s[1]) not in implied)
        if kept:
            result[bundle] = kept
    return result

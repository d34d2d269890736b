"""A W3C PROV document as plain statements, whatever its serialization.

The W3C readers load PROV-JSON, PROV-XML and PROV-N with the ``prov``
package and PROV-O RDF with rdflib; both give a :class:`Document` of
:class:`Statement` objects, and one mapping (:mod:`provrdf.capture.w3c.records`)
turns that into records. Every name in a statement is an absolute IRI, every
value a Python literal, a :class:`~provrdf.model.Typed` literal, an
:class:`~provrdf.model.IRI` or a timezone-aware datetime.

>>> literal_value("3", XSD + "int")
Typed(text='3', datatype='http://www.w3.org/2001/XMLSchema#int', language=None)
>>> literal_value("1.50", XSD + "double")
Typed(text='1.5', datatype='http://www.w3.org/2001/XMLSchema#double', language=None)
>>> literal_value("plain", XSD + "string")
'plain'
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from provrdf.identifiers import external
from provrdf.model import IRI, Extra, Typed
from provrdf.rdf.namespaces import LEGACY_VOPROV, PROV, VOPROV, XSD
from provrdf.timeutil import format_time, parse_time

__all__ = [
    "ARGUMENTS",
    "NODE_KINDS",
    "Attributes",
    "Document",
    "Statement",
    "as_text",
    "blank_id",
    "check_lexical",
    "class_value",
    "literal_value",
    "local_id",
    "normalize_iri",
    "position_kinds",
    "python_literal",
    "time_value",
    "written",
]

#: The formal arguments of each PROV statement, by its PROV-N keyword, in PROV-N order.
ARGUMENTS: dict[str, tuple[str, ...]] = {
    "entity": (),
    "activity": ("startTime", "endTime"),
    "agent": (),
    "used": ("activity", "entity", "time"),
    "wasGeneratedBy": ("entity", "activity", "time"),
    "wasInvalidatedBy": ("entity", "activity", "time"),
    "wasStartedBy": ("activity", "trigger", "starter", "time"),
    "wasEndedBy": ("activity", "trigger", "ender", "time"),
    "wasInformedBy": ("informed", "informant"),
    "wasAssociatedWith": ("activity", "agent", "plan"),
    "wasAttributedTo": ("entity", "agent"),
    "actedOnBehalfOf": ("delegate", "responsible", "activity"),
    "wasDerivedFrom": ("generatedEntity", "usedEntity", "activity", "generation", "usage"),
    "wasInfluencedBy": ("influencee", "influencer"),
    "specializationOf": ("specificEntity", "generalEntity"),
    "alternateOf": ("alternate1", "alternate2"),
    "hadMember": ("collection", "entity"),
    "mentionOf": ("specificEntity", "generalEntity", "bundle"),
}
#: The statements that declare a node rather than relate two.
NODE_KINDS = ("entity", "activity", "agent")
#: The kind of node each formal argument names (the others name times or relations).
_POSITIONS = {
    **dict.fromkeys(("entity", "trigger", "plan", "generatedEntity", "usedEntity", "specificEntity",
                     "generalEntity", "alternate1", "alternate2", "collection", "bundle"), "entity"),
    **dict.fromkeys(("activity", "informed", "informant", "starter", "ender"), "activity"),
    **dict.fromkeys(("agent", "delegate", "responsible"), "agent"),
}  # fmt: skip
#: Characters an IRI cannot hold.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`]')
#: Old names of voprov terms, read as today's.
_RENAMED = {"doculink": "docurl", "UsedDescription": "UsageDescription",
            "WasGeneratedByDescription": "GenerationDescription", "Configfile": "ConfigFile"}  # fmt: skip


@dataclass
class Statement:
    """One PROV statement: ``kind(id; args…, [attributes])``.

    Parameters
    ----------
    kind
        The PROV-N keyword: ``"entity"``, ``"used"``, ``"wasDerivedFrom"`` …
    id
        The statement's IRI, or None (a relation without identifier, a blank node).
    args
        The formal arguments present, by name (:data:`ARGUMENTS`): node IRIs
        as ``str``, times as datetimes.
    attributes
        ``(attribute IRI, value)`` pairs in document order; an attribute
        given several values appears several times.
    """

    kind: str
    id: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    attributes: list[tuple[str, Any]] = field(default_factory=list)

    def values(self, *names: str) -> list[Any]:
        """The values of the attributes named ``names`` (IRIs), in document order."""
        return [value for name, value in self.attributes if name in names]

    def types(self) -> list[str]:
        """The IRIs of the statement's ``prov:type`` values that name a class."""
        return [value.value for value in self.values(PROV + "type") if isinstance(value, IRI)]


@dataclass
class Document:
    """A whole document: its top-level statements and its bundles by IRI."""

    source: str
    statements: list[Statement] = field(default_factory=list)
    bundles: dict[str, list[Statement]] = field(default_factory=dict)
    #: what the parser said it read differently than written (given as warnings)
    notes: list[str] = field(default_factory=list)
    #: what the reader did not read (given as warnings)
    unread: list[str] = field(default_factory=list)


def normalize_iri(iri: str) -> str:
    """``iri`` made a valid IRI, with a legacy voprov namespace or term name replaced by today's.

    Writers make IRIs that RDF refuses: OPUS names bundles ``…#<jobid>#configuration``.
    A ``#`` after the first, spaces and the other characters an IRI cannot hold are
    percent-encoded.

    >>> normalize_iri("http://www.ivoa.net/documents/dm/provdm/voprov/doculink")
    'http://www.ivoa.net/documents/ProvenanceDM/index.html#docurl'
    >>> normalize_iri("https://uws.example.org/job/1a2b#1a2b#configuration")
    'https://uws.example.org/job/1a2b#1a2b%23configuration'
    """
    head, hash_sign, fragment = iri.partition("#")
    iri = _NOT_IN_IRI.sub(lambda match: f"%{ord(match.group()):02X}", head + hash_sign + fragment.replace("#", "%23"))
    if not iri.startswith(VOPROV):
        legacy = next((ns for ns in LEGACY_VOPROV if iri.startswith(ns)), None)
        if legacy is None:
            return iri
        iri = VOPROV + iri[len(legacy):].lstrip("#/")
    local = iri[len(VOPROV):]
    return VOPROV + _RENAMED.get(local, local)


def local_id(iri: str) -> str:
    """The model's local id of a node named ``iri``: the IRI kept, or a minted one for a blank node.

    >>> local_id("https://example.org/e1"), local_id("_:3f2a")
    ('<https://example.org/e1>', 'blank/3f2a')
    """
    return "blank/" + iri[2:] if iri.startswith("_:") else external(iri)


def blank_id(label: str) -> str:
    """The name of a blank node made stable by ``label`` (a digest of what is said about it)."""
    return "_:" + label


def class_value(name: str, value: Any) -> Any:
    """An attribute value, with a ``prov:type`` written as the text ``"voprov:X"`` read as the class it
    names (logprov, and voprov's PROV-JSON, write ProvDM classes so).

    >>> class_value(PROV + "type", "voprov:Parameter")
    IRI(value='http://www.ivoa.net/documents/ProvenanceDM/index.html#Parameter')
    >>> class_value(PROV + "type", "File")
    'File'
    """
    if name == PROV + "type" and isinstance(value, str) and value.startswith("voprov:"):
        return IRI(normalize_iri(VOPROV + value[len("voprov:"):]))
    return value


def written(statement: Statement) -> str:
    """A statement as PROV-N writes it, without attributes: ``wasAttributedTo(ex:e1, -)``.

    >>> written(Statement("used", "http://e/u1", {"activity": "http://e/a1"}))
    'used(http://e/u1; http://e/a1, -, -)'
    """
    values = [statement.args.get(name) for name in ARGUMENTS.get(statement.kind, ())]
    text = ", ".join("-" if value is None else as_text(value) for value in values)
    return f"{statement.kind}({statement.id + '; ' if statement.id else ''}{text})"


def position_kinds(statements: list[Statement]) -> dict[str, str]:
    """What each node named by a relation must be: ``{IRI: "entity" | "activity" | "agent"}``.

    A node named in two kinds of positions keeps the first.
    """
    kinds: dict[str, str] = {}
    for statement in statements:
        if statement.kind in NODE_KINDS:
            continue
        for name, value in statement.args.items():
            if name in _POSITIONS and isinstance(value, str):
                kinds.setdefault(value, _POSITIONS[name])
    return kinds


#: PROV-DM attributes (and voprov's prov-namespace habits) written as the PROV-O predicate of the same meaning.
_PREDICATES = {
    PROV + "label": "rdfs:label",
    PROV + "name": "voprov:name",  # voprov's and OPUS's habit for the ProvDM name
    PROV + "location": "prov:atLocation",
    PROV + "role": "prov:hadRole",
    PROV + "type": "rdf:type",
    PROV + "value": "prov:value",
}


class Attributes:
    """The attributes of one statement, taken one by one into model fields; the rest is ``extra``.

    >>> a = Attributes([(PROV + "label", "run"), (PROV + "label", "again"), ("http://ex.org/n", 3)])
    >>> a.text(PROV + "label")
    'run'
    >>> a.extra()
    {'rdfs:label': 'again', 'http://ex.org/n': 3}
    """

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = list(pairs)

    def pop(self, *names: str, accept: type | tuple[type, ...] = object) -> Any:
        """The first value of an attribute in ``names`` that is an instance of ``accept``, taken out."""
        for index, (name, value) in enumerate(self.pairs):
            if name in names and isinstance(value, accept) and not (accept is object and value is None):
                del self.pairs[index]
                return value
        return None

    def text(self, *names: str) -> str | None:
        """The first plain-text value of ``names``, taken out (a typed or tagged literal stays)."""
        return self.pop(*names, accept=str)

    def any_text(self, *names: str) -> str | None:
        """The first value of ``names`` whatever its type, as text, taken out (for ProvDM descriptions)."""
        value = self.pop(*names)
        return None if value is None else as_text(value)

    def iri(self, *names: str) -> str | None:
        """The first IRI value of ``names``, taken out."""
        value = self.pop(*names, accept=IRI)
        return value.value if value is not None else None

    def types(self) -> list[str]:
        """The classes given as ``prov:type`` (left in place)."""
        return [value.value for name, value in self.pairs if name == PROV + "type" and isinstance(value, IRI)]

    def drop_types(self, classes: set[str] | frozenset[str]) -> None:
        """Take out the ``prov:type`` values that name one of ``classes``."""
        self.pairs = [(n, v) for n, v in self.pairs
                      if not (n == PROV + "type" and isinstance(v, IRI) and v.value in classes)]  # fmt: skip

    def extra(self) -> Extra:
        """What is left, keyed by predicate: a PROV-O name for PROV-DM attributes, else the full IRI."""
        facts: Extra = {}
        for name, value in self.pairs:
            key = _PREDICATES.get(name, name)
            if key not in facts:
                facts[key] = value
            elif isinstance(facts[key], list):
                facts[key].append(value)
            else:
                facts[key] = [facts[key], value]
        return facts


def as_text(value: Any) -> str:
    """Any attribute value as text: the lexical form of a literal, the IRI of a node."""
    if isinstance(value, Typed):
        return value.text
    if isinstance(value, IRI):
        return value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return format_time(value)
    return str(value)


#: XSD datatypes that Python holds exactly; their literals are written in one canonical way.
_CANONICAL = {XSD + "int": int, XSD + "long": int, XSD + "integer": int, XSD + "double": float}
_INT32, _INT64 = 2**31, 2**63
_INTEGER = r"[+-]?[0-9]+"
_DECIMAL = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)"
_FLOAT = rf"{_DECIMAL}([eE][+-]?[0-9]+)?|[+-]?INF|NaN"
_ZONE = r"(Z|[+-][0-9]{2}:[0-9]{2})?"
#: The lexical spaces of the XSD datatypes a literal is checked against (XSD 1.1 Part 2), by local name.
_LEXICAL = {
    **dict.fromkeys(("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                     "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
                     "unsignedByte"), _INTEGER),
    "decimal": _DECIMAL, "double": _FLOAT, "float": _FLOAT, "boolean": r"true|false|1|0",
    "dateTime": r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?" + _ZONE,
    "date": r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}" + _ZONE,
}  # fmt: skip
_LEXICAL_RE = {XSD + name: re.compile(pattern) for name, pattern in _LEXICAL.items()}
#: The value ranges of the bounded integer types.
_RANGES = {"int": (-_INT32, _INT32 - 1), "long": (-_INT64, _INT64 - 1), "short": (-2**15, 2**15 - 1),
           "byte": (-128, 127), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 2**16 - 1),
           "unsignedByte": (0, 255), "unsignedLong": (0, 2**64 - 1), "nonNegativeInteger": (0, None),
           "positiveInteger": (1, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1)}  # fmt: skip


def check_lexical(text: str, datatype: str) -> None:
    """Raise ValueError when ``text`` is not a value of the XSD ``datatype`` (only the types of :data:`_LEXICAL`
    are checked: numbers, booleans, dates and times).

    >>> check_lexical("2024-02-29T10:00:00Z", XSD + "dateTime")
    >>> check_lexical("2025-13-01T00:00:00Z", XSD + "dateTime")
    Traceback (most recent call last):
    ...
    ValueError: not a valid xsd:dateTime: '2025-13-01T00:00:00Z'
    """
    pattern = _LEXICAL_RE.get(datatype)
    if pattern is None:
        return
    local = datatype[len(XSD):]
    value = text.strip()
    valid = pattern.fullmatch(value) is not None
    if valid and local in _RANGES:
        low, high = _RANGES[local]
        number = int(value)
        valid = (low is None or number >= low) and (high is None or number <= high)
    if valid and local in ("dateTime", "date"):
        try:
            parse_time(value if local == "dateTime" else value[:10])
        except ValueError:
            valid = False
    if not valid:
        raise ValueError(f"not a valid xsd:{local}: {text!r}")


def time_value(text: str) -> datetime:
    """A time given as a formal argument (``startTime``, ``time``): a UTC datetime.

    >>> time_value("2024-05-14T08:00:00+02:00")
    datetime.datetime(2024, 5, 14, 6, 0, tzinfo=datetime.timezone.utc)

    Raises
    ------
    ValueError
        Naming the text, when it is not an ISO 8601 date-time.
    """
    try:
        return parse_time(text)
    except ValueError:
        raise ValueError(f"not a valid xsd:dateTime: {text!r}") from None


def _canonical_float(value: float) -> str:
    """A float as XSD writes it: ``NaN``, ``INF``, ``-INF`` for the values that are no numbers."""
    if math.isnan(value):
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "INF" if value > 0 else "-INF"
    return str(value)


def literal_value(text: str, datatype: str | None = None, language: str | None = None) -> Any:
    """The value of a literal as the readers keep it, the same for every serialization.

    Text (``xsd:string``) is ``str``, ``xsd:boolean`` a ``bool``,
    ``xsd:dateTime`` a UTC datetime (a zone-less time is UTC). Every other
    literal keeps its datatype or language as a :class:`~provrdf.model.Typed`;
    numbers are written canonically (``"1.50"^^xsd:double`` as ``1.5``), as
    the ``prov`` package reads PROV-JSON numbers.

    Raises
    ------
    ValueError
        When the text is not a value of its XSD datatype (a month 13, ``"nan"^^xsd:integer``): a value that
        is not of its declared datatype makes the document broken (DESIGN.md, Validation).
    """
    if language:
        return Typed(text, language=language)
    if datatype in (None, XSD + "string"):
        return text
    check_lexical(text, datatype)
    if datatype == XSD + "boolean":
        return text.strip().lower() in ("true", "1")
    if datatype == XSD + "dateTime":
        return parse_time(text)
    if datatype == XSD + "double":
        return Typed(_canonical_float(float(text.strip().replace("INF", "inf"))), datatype)
    if datatype in _CANONICAL:
        return Typed(str(_CANONICAL[datatype](text.strip())), datatype)
    return Typed(text, datatype)


def python_literal(value: bool | float | str | datetime) -> Any:
    """A plain Python value as :func:`literal_value` would give it.

    Integers take the XSD type the ``prov`` package gives them (``xsd:int``,
    ``xsd:long`` beyond 32 bits, ``xsd:integer`` beyond 64), floats ``xsd:double``.

    >>> python_literal(7)
    Typed(text='7', datatype='http://www.w3.org/2001/XMLSchema#int', language=None)
    """
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, datetime):
        return parse_time(value.isoformat())
    if isinstance(value, int):
        name = "int" if -_INT32 <= value < _INT32 else "long" if -_INT64 <= value < _INT64 else "integer"
        return Typed(str(value), XSD + name)
    if isinstance(value, float):
        return Typed(_canonical_float(value), XSD + "double")
    raise TypeError(f"not a literal: {value!r}")

"""Readers of W3C PROV documents: PROV-JSON, PROV-XML, PROV-N and PROV-O RDF.

One object per input format, each with ``sniff(head)`` and ``read(path)``
(registered as ``provrdf.capture.w3c:provjson`` and so on):

============  ==========================================  ==========================================
object        format                                      read with
============  ==========================================  ==========================================
``provjson``  PROV-JSON (and voprov's IVOA-model JSON)    the ``prov`` package
``provxml``   PROV-XML (and voprov's, root voprov:document) lxml (:mod:`~provrdf.capture.w3c.prov_xml`)
``provn``     PROV-N (and voprov's ProvDM statements)     :mod:`~provrdf.capture.w3c.prov_n`
``turtle``    PROV-O in Turtle                            rdflib
``trig``      PROV-O in TriG (bundles as named graphs)    rdflib
``jsonld``    PROV-O in JSON-LD, or PROV-JSONLD           rdflib, or ``prov``
``rdfxml``    PROV-O in RDF/XML                           rdflib
============  ==========================================  ==========================================

Every format is loaded into the same statements
(:mod:`provrdf.capture.w3c.document`) and mapped to records by one mapping
(:mod:`provrdf.capture.w3c.records`). A document that its parser rejects is one
:class:`~provrdf.errors.ParseError` with the parser's message and, when the
parser knows it, the line.

>>> provjson.sniff('{"prefix": {"ex": "http://example.org/"}, "entity": {"ex:e1": {}}}')
True
>>> turtle.sniff('[{"activity_name": "ctapipe-process"}]')
False
"""

from __future__ import annotations

import json
import logging
import re
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from provrdf.capture.safe import Unsafe, decode, guard_xml, load_json, too_deep
from provrdf.capture.w3c.document import (
    Document,
    Statement,
    literal_value,
    normalize_iri,
    python_literal,
)
from provrdf.capture.w3c.records import records
from provrdf.capture.w3c.voprov import flatten_ivoa_json
from provrdf.errors import ParseError, ReadWarning
from provrdf.model import IRI, Record
from provrdf.rdf.namespaces import PROV, VOPROV, XSD

__all__ = ["PROV_JSONLD_CONTEXT", "W3CFormat", "check_contexts", "jsonld", "load", "provjson", "provn", "provxml",
           "rdfxml", "trig", "turtle"]


@dataclass(frozen=True)
class W3CFormat:
    """One W3C PROV serialization: how to recognize it and how to load it."""

    name: str
    summary: str
    _sniff: Callable[[str], bool]
    _load: Callable[[bytes, str], Document]
    xml: bool = False  #: an XML serialization (checked by :func:`~provrdf.capture.safe.guard_xml`)

    def sniff(self, head: str) -> bool:
        """Whether ``head`` (the start of a file) looks like this format.

        Parameters
        ----------
        head
            The first characters of the file.
        """
        return self._sniff(head.lstrip("\ufeff"))

    def read(self, path: Path) -> Iterator[Record | ParseError | ReadWarning]:
        """Yield the records of the document at ``path``: its top level, and one per bundle.

        The bytes are decoded first (any usual encoding, a guessed one said
        in a ReadWarning); an XML document must pass
        :func:`~provrdf.capture.safe.guard_xml` (no external entity, a
        bounded expansion) before its parser sees it.

        Parameters
        ----------
        path
            The document.

        Yields
        ------
        Record, ParseError or ReadWarning
            A document its parser rejects is one ParseError, with the line when known.

        Raises
        ------
        OSError
            Only when the file cannot be read at all.
        """
        source = str(path)
        content = Path(path).read_bytes()
        try:
            content, notes = self._prepared(content)
            document = load(self, content, source)
        except Unsafe as error:
            yield ParseError(source, f"not valid {self.summary}: {error}", line=error.line)
            return
        except RecursionError:
            yield ParseError(source, f"not valid {self.summary}: {too_deep()}")
            return
        except Exception as error:  # noqa: BLE001 -- a third-party parser's own exceptions
            yield ParseError(source, f"not valid {self.summary}: {_message(error)}", line=_line(error))
            return
        for kind, note in notes:
            yield ReadWarning(source, kind, f"the document is {note}" if kind == "encoding" else note)
        for note in document.notes:
            yield ReadWarning(source, "read differently", f"the prov package: {note}")
        for note in document.unread:
            yield ReadWarning(source, "triples not read", note)
        yield from records(document)

    def _prepared(self, content: bytes) -> tuple[bytes, tuple[tuple[str, str], ...]]:
        """The document as UTF-8 bytes, and what was noted on the way (``(kind, note)`` pairs)."""
        if self.xml:
            guarded = guard_xml(content)
            return guarded.content, guarded.notes
        text, note = decode(content)
        return text.lstrip("\ufeff").encode("utf-8"), ((("encoding", note),) if note else ())


def load(fmt: W3CFormat, content: bytes, source: str) -> Document:
    """The statements of ``content`` read as ``fmt``.

    Parameters
    ----------
    fmt
        One of this module's formats.
    content
        The document's bytes.
    source
        Where it comes from, for messages.

    Raises
    ------
    Exception
        Whatever the parser raises on input it rejects.
    """
    with warnings.catch_warnings(record=True) as caught, _quiet_rdflib():
        warnings.simplefilter("always")
        document = fmt._load(content, source)
    for warning in caught:  # rdflib's deprecations are not the input's business; prov's notes on it are
        if type(warning.message).__name__ != "ProvFutureRejectionWarning":
            continue
        text = _FUTURE.sub("", str(warning.message)).strip()
        if _DROPPED_TIME.search(str(warning.message)):
            raise ValueError(f"{text}: a time that is no time")  # prov drops it; the record would lose it
        document.notes.append(text)
    return document


#: The tail of the ``prov`` package's notes on what its next version rejects.
_FUTURE = re.compile(r"\.?\s*prov \d+(\.\d+)* will reject this.*$", re.DOTALL)
#: The note of a time that the ``prov`` package drops (its issue 555).
_DROPPED_TIME = re.compile(r"not an xsd:dateTime|\(#555\)")


@contextmanager
def _quiet_rdflib() -> Iterator[None]:
    """rdflib as a parser of untrusted input: literals kept as written (not re-spelled, so that a
    malformed one is seen), and its log of literals it cannot convert silenced (the readers report them)."""
    import rdflib

    logger = logging.getLogger("rdflib.term")
    level, normalize = logger.level, rdflib.NORMALIZE_LITERALS
    logger.setLevel(logging.CRITICAL)
    rdflib.NORMALIZE_LITERALS = False
    try:
        yield
    finally:
        logger.setLevel(level)
        rdflib.NORMALIZE_LITERALS = normalize


# -- loading ------------------------------------------------------------------------------


def _load_provn(content: bytes, source: str) -> Document:
    from provrdf.capture.w3c.prov_n import loads

    return loads(content.decode("utf-8-sig"), source)


def _prov_document(content: bytes | str, source: str, **options: Any) -> Document:
    from prov.model import ProvDocument

    document = ProvDocument.deserialize(content=content, **options)
    result = Document(source, [_statement(r) for r in document.get_records()])
    for bundle in document.bundles:
        assert bundle.identifier is not None  # a bundle of a document always has one
        result.bundles[normalize_iri(bundle.identifier.uri)] = [_statement(r) for r in bundle.get_records()]
    return result


def _statement(record: Any) -> Statement:
    """One ``prov`` record as a statement."""
    from prov.constants import PROV_N_MAP

    identifier = record.identifier
    kind = PROV_N_MAP[record.get_type()]
    statement = Statement(kind, _name(identifier) if identifier is not None else None)
    if kind == "bundle":  # a bundle named as a node: an entity of type prov:Bundle
        statement.kind = "entity"
        statement.attributes.append((PROV + "type", IRI(PROV + "Bundle")))
    for attribute, value in record.formal_attributes:
        if value is not None:
            statement.args[attribute.localpart] = _value(value) if isinstance(value, datetime) else _name(value)
    for attribute, value in record.extra_attributes:
        statement.attributes.append((normalize_iri(attribute.uri), _value(value)))
    return statement


def _name(value: Any) -> str:
    return normalize_iri(value.uri if hasattr(value, "uri") else str(value))





def _value(value: Any) -> Any:
    """A value of the ``prov`` package as the statements keep it."""
    from prov.identifier import Identifier, QualifiedName
    from prov.model import Literal as ProvLiteral

    if isinstance(value, QualifiedName):
        return IRI(normalize_iri(value.uri))
    if isinstance(value, ProvLiteral):
        datatype = value.datatype.uri if value.datatype is not None else None
        return literal_value(value.value, datatype, value.langtag)
    if isinstance(value, Identifier):
        return literal_value(value.uri, XSD + "anyURI")
    return python_literal(value)


def _load_json(content: bytes, source: str) -> Document:
    # an id (or an attribute) given twice is what PROV-JSON writes as a list: both are kept
    data = load_json(content.decode("utf-8-sig"), duplicates="list")
    if not isinstance(data, dict):
        raise TypeError("a PROV-JSON document is a JSON object")
    return _prov_document(json.dumps(flatten_ivoa_json(data)), source, format="json")


def _load_xml(content: bytes, source: str) -> Document:
    from provrdf.capture.w3c.prov_xml import loads

    return loads(content, source)


def _load_jsonld(content: bytes, source: str) -> Document:
    text = content.decode("utf-8-sig")
    prov_jsonld = bool(_PROV_JSONLD.search(text[:4096]))
    check_contexts(load_json(text), (PROV_JSONLD_CONTEXT,) if prov_jsonld else ())
    if prov_jsonld:
        return _prov_document(text, source, format="jsonld")
    return _load_rdf(content, source, "json-ld")


#: The PROV-JSONLD context, read from the copy the ``prov`` package ships (never fetched).
PROV_JSONLD_CONTEXT = "https://openprovenance.org/prov-jsonld/context.jsonld"


def check_contexts(document: Any, known: tuple[str, ...] = ()) -> None:
    """Raise ValueError when a JSON-LD ``document`` names a context by URL (``@context`` or ``@import``),
    anywhere in it, other than one of ``known`` (the contexts provrdf has a copy of).

    A JSON-LD processor fetches such a context from the network or reads it
    from the file system; provrdf does neither, so that a document cannot
    make it send a request to any host, or read a local file.

    >>> check_contexts({"@context": {"prov": "http://www.w3.org/ns/prov#"}, "@id": "http://e/a"})
    >>> check_contexts({"@context": "http://127.0.0.1/ctx.jsonld"})
    Traceback (most recent call last):
    ...
    ValueError: the JSON-LD context http://127.0.0.1/ctx.jsonld is not fetched: provrdf reads only the contexts \
written in the document (and the PROV-JSONLD context it ships); write the context into the document
    """
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            for key, value in item.items():
                if key in ("@context", "@import"):
                    for context in value if isinstance(value, list) else [value]:
                        if isinstance(context, str) and context not in known:
                            raise ValueError(
                                f"the JSON-LD {key[1:]} {context} is not fetched: provrdf reads only the contexts "
                                "written in the document (and the PROV-JSONLD context it ships); write the "
                                "context into the document")
                stack.append(value)


def _load_rdf(content: bytes, source: str, rdf_format: str) -> Document:
    import rdflib

    from provrdf.capture.w3c.provo import from_rdf

    dataset = rdflib.Dataset()
    dataset.parse(data=content.decode("utf-8-sig") if rdf_format != "xml" else content, format=rdf_format)
    return from_rdf(dataset, source)


# -- errors ---------------------------------------------------------------------------------------


def _message(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0] if len(text) > 400 else text


def _line(error: Exception) -> int | None:
    for attribute in ("lineno", "line"):
        value = getattr(error, attribute, None)
        if isinstance(value, int):
            return value
    if hasattr(error, "getLineNumber"):
        return error.getLineNumber()
    match = re.search(r"\bline (\d+)", str(error))
    return int(match.group(1)) if match else None


# -- sniffing ----------------------------------------------------------------------------------

_PROV_NS = "http://www.w3.org/ns/prov#"
_PROV_JSONLD = re.compile(r"openprovenance\.org/prov-jsonld")
_JSON_KEYS = re.compile(
    r'"(prefix|entity|activity|agent|bundle|used|wasGeneratedBy|wasDerivedFrom|wasAssociatedWith|wasAttributedTo|'
    r'wasInformedBy|actedOnBehalfOf|wasInfluencedBy|hadMember|wasStartedBy|wasEndedBy|wasInvalidatedBy|'
    r'specializationOf|alternateOf|mentionOf)"\s*:\s*\{'
)
_JSON_LD_KEYS = re.compile(r'"@(context|graph|id|type)"\s*:')
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_PROVN = re.compile(r"\s*document\s")
_PROVN_BODY = re.compile(r"\b(prefix|default|entity|activity|agent|used|wasGeneratedBy|bundle|endDocument)\b")
_XML_TAG = re.compile(r"<[\w.-]+(:[\w.-]+)?[\s>/]")
_XML_ROOT = re.compile(r"<(?![?!])([\w.-]+:)?([\w.-]+)[\s>/]")
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TURTLE_START = re.compile(r"(@prefix|@base|prefix\s+[\w-]*:|base\s|<|[\w-]*:[\w.-]*\s|_:|\[)", re.IGNORECASE)
#: Blank lines and ``#`` comments before the first Turtle statement.
_TURTLE_COMMENTS = re.compile(r"(\s*#[^\n]*\n|\s+)*")
#: The PROV namespace as Turtle writes it: inside ``<…>`` (a prefix declaration or a full IRI).
_PROV_IRI = re.compile(r"<http://www\.w3\.org/ns/prov#")
_GRAPH_BLOCK = re.compile(r"(^|[\s.}])(GRAPH\s+)?(<[^>\s]*>|[\w-]*:[\w.-]*|_:[\w.-]+)?\s*\{", re.IGNORECASE)
_STRINGS = re.compile(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>')


def _sniff_json(head: str) -> bool:
    text = head.lstrip()
    if not text.startswith("{") or _JSON_LD_KEYS.search(text, 0, 4096):
        return False
    return bool(_JSON_KEYS.search(text)) and ('"prefix"' in text or '"prov:' in text)


def _xml_root(head: str) -> tuple[str, str] | None:
    match = _XML_ROOT.search(_COMMENTS_XML.sub("", head))
    return (match.group(1) or "", match.group(2)) if match else None


_COMMENTS_XML = re.compile(r"<!--.*?-->", re.DOTALL)


def _sniff_xml(head: str) -> bool:
    root = _xml_root(head)
    return root is not None and root[1] == "document" and (_PROV_NS in head or VOPROV in head)


def _sniff_provn(head: str) -> bool:
    text = _COMMENTS.sub("", head)
    return bool(_PROVN.match(text)) and bool(_PROVN_BODY.search(text))


def _is_turtle_family(head: str) -> bool:
    """Turtle or TriG: after comments, a statement or directive, and the PROV namespace as an IRI.

    Markdown also starts with ``#`` lines, and may name the PROV namespace:
    what comes after its comment-like headings is no Turtle statement.
    """
    text = head[_TURTLE_COMMENTS.match(head).end():]  # type: ignore[union-attr]  # the pattern matches ""
    if not text or text[0] == "{" or not _PROV_IRI.search(head) or _sniff_provn(head) or _is_xml(text):
        return False
    return bool(_TURTLE_START.match(text))


def _is_xml(text: str) -> bool:
    """An XML document, not Turtle that starts with an IRI: XML declares its namespaces."""
    return text.startswith(("<?xml", "<!--", "<!DOCTYPE")) or (_XML_TAG.match(text) is not None and "xmlns" in text)


def _has_graph_block(head: str) -> bool:
    code = "\n".join(line for line in _STRINGS.sub('""', head).splitlines() if not line.lstrip().startswith("#"))
    return bool(_GRAPH_BLOCK.search(code))


def _sniff_turtle(head: str) -> bool:
    return _is_turtle_family(head) and not _has_graph_block(head)


def _sniff_trig(head: str) -> bool:
    return _is_turtle_family(head) and _has_graph_block(head)


def _sniff_jsonld(head: str) -> bool:
    text = head.lstrip()
    if not text or text[0] not in "{[" or not _JSON_LD_KEYS.search(text):
        return False
    return _PROV_NS in text or bool(_PROV_JSONLD.search(text))


def _sniff_rdfxml(head: str) -> bool:
    root = _xml_root(head)
    return root is not None and root[1] != "document" and _RDF_NS in head and _PROV_NS in head


provjson = W3CFormat("provjson", "PROV-JSON", _sniff_json, _load_json)
provxml = W3CFormat("provxml", "PROV-XML", _sniff_xml, _load_xml, xml=True)
provn = W3CFormat("provn", "PROV-N", _sniff_provn, _load_provn)
turtle = W3CFormat("turtle", "PROV-O Turtle", _sniff_turtle, lambda c, s: _load_rdf(c, s, "turtle"))
trig = W3CFormat("trig", "PROV-O TriG", _sniff_trig, lambda c, s: _load_rdf(c, s, "trig"))
jsonld = W3CFormat("jsonld", "PROV-O JSON-LD", _sniff_jsonld, _load_jsonld)
rdfxml = W3CFormat("rdfxml", "PROV-O RDF/XML", _sniff_rdfxml, lambda c, s: _load_rdf(c, s, "xml"), xml=True)

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
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from provrdf.capture.w3c.document import (
    Document,
    Statement,
    literal_value,
    normalize_iri,
    python_literal,
)
from provrdf.capture.w3c.voprov import flatten_ivoa_json
from provrdf.capture.w3c.records import records
from provrdf.errors import ParseError
from provrdf.model import IRI, Record
from provrdf.rdf.namespaces import PROV, VOPROV, XSD

__all__ = ["W3CFormat", "jsonld", "load", "provjson", "provn", "provxml", "rdfxml", "trig", "turtle"]


@dataclass(frozen=True)
class W3CFormat:
    """One W3C PROV serialization: how to recognize it and how to load it."""

    name: str
    summary: str
    _sniff: Callable[[str], bool]
    _load: Callable[[bytes, str], Document]

    def sniff(self, head: str) -> bool:
        """Whether ``head`` (the start of a file) looks like this format.

        Parameters
        ----------
        head
            The first characters of the file.
        """
        return self._sniff(head.lstrip("\ufeff"))

    def read(self, path: Path) -> Iterator[Record | ParseError]:
        """Yield the records of the document at ``path``: its top level, and one per bundle.

        Parameters
        ----------
        path
            The document.

        Yields
        ------
        Record or ParseError
            A document its parser rejects is one ParseError, with the line when known.

        Raises
        ------
        OSError
            Only when the file cannot be read at all.
        """
        source = str(path)
        content = Path(path).read_bytes()
        try:
            document = load(self, content, source)
        except Exception as error:  # noqa: BLE001 -- a third-party parser's own exceptions
            yield ParseError(source, f"not valid {self.summary}: {_message(error)}", line=_line(error))
            return
        yield from records(document)


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
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib deprecations, prov's notes on what it skipped
        return fmt._load(content, source)


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
    data = json.loads(content.decode("utf-8-sig"))
    if not isinstance(data, dict):
        raise TypeError("a PROV-JSON document is a JSON object")
    return _prov_document(json.dumps(flatten_ivoa_json(data)), source, format="json")


def _load_xml(content: bytes, source: str) -> Document:
    from provrdf.capture.w3c.prov_xml import loads

    return loads(content, source)


def _load_jsonld(content: bytes, source: str) -> Document:
    text = content.decode("utf-8-sig")
    if _PROV_JSONLD.search(text[:4096]):
        return _prov_document(text, source, format="jsonld")
    return _load_rdf(content, source, "json-ld")


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
provxml = W3CFormat("provxml", "PROV-XML", _sniff_xml, _load_xml)
provn = W3CFormat("provn", "PROV-N", _sniff_provn, _load_provn)
turtle = W3CFormat("turtle", "PROV-O Turtle", _sniff_turtle, lambda c, s: _load_rdf(c, s, "turtle"))
trig = W3CFormat("trig", "PROV-O TriG", _sniff_trig, lambda c, s: _load_rdf(c, s, "trig"))
jsonld = W3CFormat("jsonld", "PROV-O JSON-LD", _sniff_jsonld, _load_jsonld)
rdfxml = W3CFormat("rdfxml", "PROV-O RDF/XML", _sniff_rdfxml, lambda c, s: _load_rdf(c, s, "xml"))

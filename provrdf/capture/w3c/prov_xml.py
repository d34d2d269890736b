"""PROV-XML, as the W3C defines it and as voprov writes it, read into statements.

The ``prov`` package refuses voprov's PROV-XML ("Non PROV element"): its
root is ``<voprov:document>``, every record element is in the voprov
namespace (``<voprov:entity voprov:id="…">``, ``<voprov:parameter>``,
``<voprov:isDescribedBy>``), references are ``voprov:ref``, bundles
``<voprov:bundleContent>`` with names that are no qualified names
(``#description#ctselect``). This reader walks the XML with lxml and takes
both dialects:

* a record element is a PROV statement by its local name, in the PROV or
  the voprov namespace; the PROV-XML subtypes (``prov:person``,
  ``prov:plan``, ``prov:wasRevisionOf`` …) are the statement with their
  ``prov:type``; voprov's ProvDM elements become the W3C statements voprov
  writes for them (:func:`provrdf.capture.w3c.voprov.ivoa_statement`);
* ``id`` and ``ref`` attributes in either namespace (or none) are qualified
  names, resolved in the element's namespaces; a name without a prefix is
  in the default namespace;
* a child element is a formal argument (``prov:activity ref=…``,
  ``prov:time``) where the statement has one of that name, else an
  attribute: typed by ``xsi:type`` (``xsd:QName`` values are IRIs), tagged
  by ``xml:lang``.

The parser resolves no entity and fetches nothing (no DTD, no network).

>>> doc = loads(b'<prov:document xmlns:prov="http://www.w3.org/ns/prov#" xmlns:ex="http://example.org/">'
...             b'<prov:entity prov:id="ex:e1"><prov:label>run</prov:label></prov:entity></prov:document>')
>>> [(s.kind, s.id, s.attributes) for s in doc.statements]
[('entity', 'http://example.org/e1', [('http://www.w3.org/ns/prov#label', 'run')])]
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from provrdf.capture.w3c.document import ARGUMENTS, Document, Statement, literal_value, normalize_iri, time_value
from provrdf.capture.w3c.voprov import IVOA_NODES, IVOA_RELATIONS, ivoa_statement
from provrdf.model import IRI
from provrdf.rdf.namespaces import LEGACY_VOPROV, PROV, VOPROV, XSD

__all__ = ["loads"]

_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_SCHEMA = "http://www.w3.org/2001/XMLSchema"
_RECORD_NAMESPACES = (PROV, VOPROV, *LEGACY_VOPROV)
#: PROV-XML elements that are a statement with a ``prov:type``: (statement kind, the type's local name).
_SUBTYPES = {
    "person": ("agent", "Person"), "organization": ("agent", "Organization"),
    "softwareAgent": ("agent", "SoftwareAgent"), "plan": ("entity", "Plan"), "collection": ("entity", "Collection"),
    "emptyCollection": ("entity", "EmptyCollection"), "bundle": ("entity", "Bundle"),
    "wasRevisionOf": ("wasDerivedFrom", "Revision"), "wasQuotedFrom": ("wasDerivedFrom", "Quotation"),
    "hadPrimarySource": ("wasDerivedFrom", "PrimarySource"),
}  # fmt: skip
_TIMES = frozenset({"time", "startTime", "endTime"})
_QNAME_TYPES = frozenset({XSD + "QName", PROV + "QUALIFIED_NAME"})
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_comments=True, remove_pis=True)


def loads(content: bytes, source: str = "<memory>") -> Document:
    """The statements of the PROV-XML document ``content``.

    Raises
    ------
    lxml.etree.XMLSyntaxError
        When the content is not well-formed XML.
    ValueError
        When it is XML but no PROV document, or a record element cannot be read.
    """
    root = etree.fromstring(content, _PARSER)
    namespace, local = _split(root.tag)
    if local != "document" or not _is_record_namespace(namespace):
        raise ValueError(f"the root element is <{root.tag}>, not a PROV (or voprov) document")
    document = Document(source)
    for element in _elements(root):
        namespace, local = _split(element.tag)
        if local == "bundleContent":
            name = _identifier(_id_attribute(element) or "", element)
            statements = [s for child in _elements(element) for s in _statements(child)]
            document.bundles[name] = document.bundles.get(name, []) + statements
        else:
            document.statements += _statements(element)
    return document


def _statements(element: Any) -> list[Statement]:
    """The statements of one record element: one, or one membership per member of a ``<prov:hadMember>``."""
    statement = _statement(element)
    members = [_identifier(ref, child) for child in _elements(element)
               if _split(child.tag)[1] == "entity" and (ref := _ref_attribute(child)) is not None]  # fmt: skip
    if statement.kind != "hadMember" or len(members) < 2:
        return [statement]
    return [Statement(statement.kind, statement.id, {**statement.args, "entity": member}, statement.attributes)
            for member in members]


def _statement(element: Any) -> Statement:
    namespace, local = _split(element.tag)
    if not _is_record_namespace(namespace):
        raise ValueError(f"line {element.sourceline}: <{element.tag}> is no PROV or voprov record")
    ident = _id_attribute(element)
    node = _identifier(ident, element) if ident else None
    if local in IVOA_NODES or local in IVOA_RELATIONS:
        ends, attributes = _children(element, IVOA_RELATIONS.get(local, ()))
        return ivoa_statement(local, node, ends, attributes)
    kind, subtype = _SUBTYPES.get(local, (local, None))
    if kind not in ARGUMENTS:
        raise ValueError(f"line {element.sourceline}: <{element.tag}> is no PROV statement provrdf knows")
    args, attributes = _children(element, ARGUMENTS[kind])
    if subtype:
        attributes.insert(0, (PROV + "type", IRI(PROV + subtype)))
    return Statement(kind, node, dict(args), attributes)


def _children(element: Any, formal: tuple[str, ...]) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The formal arguments (by name) and the attributes of a record element."""
    args: dict[str, Any] = {}
    attributes: list[tuple[str, Any]] = []
    for child in _elements(element):
        namespace, local = _split(child.tag)
        ref = _ref_attribute(child)
        if local in formal and local in _TIMES and _is_record_namespace(namespace):
            args[local] = time_value((child.text or "").strip())
        elif local in formal and ref is not None and _is_record_namespace(namespace):
            if local in args and not (local == "entity" and "collection" in formal):
                raise ValueError(f"line {child.sourceline}: {_split(element.tag)[1]} names its {local} twice")
            args[local] = _identifier(ref, child)
        elif ref is not None:
            attributes.append((normalize_iri(namespace + local), IRI(_identifier(ref, child))))
        else:
            attributes.append((normalize_iri(namespace + local), _value(child)))
    return args, attributes


def _value(element: Any) -> Any:
    text = element.text or ""
    datatype = element.get(_XSI_TYPE)
    if datatype is not None:
        iri = _datatype(datatype, element)
        if iri in _QNAME_TYPES:
            return IRI(_identifier(text.strip(), element))
        return literal_value(text, iri)
    language = element.get(_XML_LANG)
    if language:
        return literal_value(text, None, language)
    return text


def _datatype(qname: str, element: Any) -> str:
    """The datatype IRI of an ``xsi:type``: XML Schema's namespace has no ``#``, its datatypes' IRIs do."""
    iri = _identifier(qname, element)
    return XSD + iri[len(_XML_SCHEMA):] if iri.startswith(_XML_SCHEMA) and not iri.startswith(XSD) else iri


def _identifier(qname: str, element: Any) -> str:
    """The IRI of a qualified name written in ``element`` (no prefix: the default namespace)."""
    prefix, colon, local = qname.partition(":")
    namespaces = element.nsmap
    if colon and prefix in namespaces:
        return normalize_iri(namespaces[prefix] + local)
    if colon:
        return normalize_iri(qname)  # an absolute IRI (``urn:…``, ``https://…``), or an undeclared prefix kept as is
    return normalize_iri((namespaces.get(None) or "") + qname)


def _id_attribute(element: Any) -> str | None:
    return _attribute(element, "id")


def _ref_attribute(element: Any) -> str | None:
    return _attribute(element, "ref")


def _attribute(element: Any, name: str) -> str | None:
    for namespace in (PROV, VOPROV, ""):
        value = element.get(f"{{{namespace}}}{name}" if namespace else name)
        if value is not None:
            return value
    return None


def _elements(element: Any) -> list[Any]:
    return [child for child in element if isinstance(child.tag, str)]


def _split(tag: str) -> tuple[str, str]:
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    return namespace, local


def _is_record_namespace(namespace: str) -> bool:
    return namespace in _RECORD_NAMESPACES or normalize_iri(namespace + "x") == VOPROV + "x"

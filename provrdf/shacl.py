"""SHACL validation of encoded records with pySHACL.

The shapes (``shapes/*.ttl``) are parsed once per :class:`Validator`. Each
record is checked together with the descriptions it carries; a Violation
rejects the record, Warnings are reported and the record is stored. The
shapes make a Violation of what is broken (a record that contradicts
itself, a relation without its end, a role its description does not list)
and a Warning of what ProvDM asks for completeness (an agent's name, the
mandatory attributes of descriptions, the recommended vocabularies); a
strict validator (``provrdf ingest --strict``) makes every Warning a
Violation, for a curated store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Iterable, Sequence

import pyshacl
import rdflib
import rdflib.collection
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query
from pyoxigraph import BlankNode, NamedNode, Quad
from rdflib.namespace import SH

from provrdf.rdf.namespaces import compact
from provrdf.rdf.relations import BY_QUALIFIER
from provrdf.rdf.terms import text_of
from provrdf.resources import shape_files

if TYPE_CHECKING:
    from provrdf.rdf.encode import Encoded

__all__ = ["Issue", "Validator", "to_rdflib"]


@dataclass(frozen=True)
class Issue:
    """One SHACL result: how bad, on which node and property, and why."""

    severity: str  #: ``"Violation"``, ``"Warning"`` or ``"Info"``
    focus: str
    path: str | None  #: the property IRI, or a sequence path as SPARQL writes it (prefixed names joined by ``/``)
    message: str
    value: str | None = None
    shape: str | None = None
    rule: str | None = None  #: the shape's ``sh:name``: what kind of rule it is ("agent name")
    #: the focus in words, when it is a relation's node: ``wasAssociatedWith(<activity>, <agent>)``
    about: str | None = None

    def __str__(self) -> str:
        return f"{self.severity}: {self.text}"

    @property
    def text(self) -> str:
        """The issue without its severity: where, what, and the value at fault."""
        where = (self.about or f"<{self.focus}>") + (f" {compact(self.path)}" if self.path else "")
        value = f" (value: {self.value})" if self.value is not None else ""
        return f"{where}: {self.message}{value}"


@lru_cache(maxsize=512)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]) -> Query:
    return translateQuery(parseQuery(text), initNs=dict(namespaces))


class _DataGraph(rdflib.Graph):
    """An rdflib graph that parses and translates each SPARQL text once.

    pySHACL runs a SPARQL constraint once per focus node, as text, and
    rdflib would parse it each time, which costs far more than running it.
    """

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql",
              initNs: Any = None, initBindings: Any = None, use_store_provided: bool = True, **kwargs: Any) -> Any:
        if isinstance(query_object, str) and processor == "sparql":
            namespaces = initNs or dict(self.namespaces())
            key = tuple(sorted((prefix, str(iri)) for prefix, iri in namespaces.items()))
            query_object = _prepared(query_object, key)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _check_each_text_once() -> None:
    """Make pySHACL check the text of a SPARQL constraint once, not once per focus node.

    Before each run of a constraint, pySHACL scans its text for what SHACL
    forbids there (MINUS, VALUES, SERVICE, re-bound variables): the same
    answer for the same text every time, and a fifth of a validated ingest.
    A text that passed is remembered; one that fails still fails every time.
    """
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    check = SPARQLQueryHelper.check_invalid_sparql
    if getattr(check, "remembers", False):
        return
    passed: set[tuple[str, bool, tuple[str, ...]]] = set()

    def remembering(self: Any, sparql_text: str, valuenode: Any = None, extravars: Any = None) -> bool:
        key = (sparql_text, valuenode is not None, tuple(sorted(extravars or ())))
        if key not in passed:
            check(self, sparql_text, valuenode=valuenode, extravars=extravars)
            passed.add(key)
        return True

    remembering.remembers = True  # type: ignore[attr-defined]
    remembering.__wrapped__ = check  # type: ignore[attr-defined]
    SPARQLQueryHelper.check_invalid_sparql = remembering  # type: ignore[method-assign]


def to_rdflib(quads: Iterable[Quad]) -> rdflib.Graph:
    """The triples of ``quads`` (all graphs merged) as an rdflib graph.

    >>> from pyoxigraph import Literal, NamedNode
    >>> a = NamedNode("https://example.org/a")
    >>> len(to_rdflib([Quad(a, a, Literal("x")), Quad(a, a, Literal("x"), a)]))
    1
    """
    iris: dict[str, rdflib.URIRef] = {}

    def iri(value: str) -> rdflib.URIRef:
        node = iris.get(value)
        if node is None:
            node = iris[value] = rdflib.URIRef(value)
        return node

    def term(node: Any) -> rdflib.term.Node:
        if isinstance(node, NamedNode):
            return iri(node.value)
        if isinstance(node, BlankNode):
            return rdflib.BNode(node.value)
        if node.language:
            return rdflib.Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        return rdflib.Literal(node.value, datatype=None if datatype == _XSD_STRING else iri(datatype))

    graph = _DataGraph()
    graph.addN((term(q.subject), iri(q.predicate.value), term(q.object), graph) for q in quads)
    return graph


class Validator:
    """Checks graphs against provrdf's SHACL shapes.

    Parameters
    ----------
    strict
        Report every Warning (a completeness rule, a recommended vocabulary) as a Violation.

    >>> import rdflib
    >>> Validator().check(rdflib.Graph())
    []
    """

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        self.shapes = rdflib.Graph()
        for path in shape_files():
            self.shapes.parse(path, format="turtle")
        self._rules = {str(shape): str(name) for shape, name in self.shapes.subject_objects(SH.name)}
        _check_each_text_once()

    def check(self, graph: rdflib.Graph) -> list[Issue]:
        """All SHACL results for ``graph``, Violations first."""
        _, report, _ = pyshacl.validate(
            graph,
            shacl_graph=self.shapes,
            inference="none",
            inplace=True,  # nothing is inferred, so no copy of the data graph is needed
            advanced=True,
            allow_warnings=True,
        )
        issues = [self._issue(report, result, graph) for result in report.subjects(SH.resultSeverity, None)]
        return sorted(issues, key=lambda i: (i.severity != "Violation", i.focus, i.path or ""))

    def _issue(self, report: rdflib.Graph, result: rdflib.term.Node, data: rdflib.Graph) -> Issue:
        issue = _issue(report, result)
        severity = "Violation" if self.strict and issue.severity == "Warning" else issue.severity
        return replace(issue, severity=severity, rule=self._rules.get(issue.shape or ""),
                       about=_relation_named(data, issue.focus))

    def check_quads(self, quads: Iterable[Quad]) -> list[Issue]:
        """All SHACL results for the triples of ``quads``."""
        return self.check(to_rdflib(quads))

    def check_batch(self, records: Sequence[Encoded]) -> list[list[Issue]]:
        """The SHACL results of each record, as if each were checked alone.

        pySHACL costs much per call, so the records are checked together and
        each result is given to the record whose node it is about. A Violation
        on a node that several records share (or none) cannot be placed that
        way: those records are checked again one by one.
        """
        if len(records) <= 1:
            return [self.check_quads(r.quads) for r in records]
        owners: dict[str, set[int]] = {}
        for index, record in enumerate(records):
            for quad in record.quads:
                owners.setdefault(text_of(quad.subject), set()).add(index)
        results: list[list[Issue]] = [[] for _ in records]
        again: set[int] = set()
        for issue in self.check_quads(q for r in records for q in r.quads):
            indexes = owners.get(issue.focus, set(range(len(records))))
            if len(indexes) > 1 and issue.severity == "Violation":
                again |= indexes
            for index in indexes:
                results[index].append(issue)
        for index in again:
            results[index] = self.check_quads(records[index].quads)
        return results


def _relation_named(data: rdflib.Graph, focus: str) -> str | None:
    """A qualified relation node in words, its kind and both ends: ``wasAssociatedWith(<a>, <ag>)``."""
    node = rdflib.URIRef(focus)
    for subject, qualifier in data.subject_predicates(node):
        relation = BY_QUALIFIER.get(str(qualifier))
        if relation is not None:
            target = data.value(node, rdflib.URIRef(relation.target))
            end = f"<{target}>" if target is not None else "-"
            return f"{relation.name}(<{subject}>, {end})"
    return None


def _path(report: rdflib.Graph, path: rdflib.term.Node | None) -> str | None:
    """A result's path: its IRI, or a sequence path as SPARQL writes it (``prov:qualifiedGeneration/prov:atTime``)."""
    if path is None or isinstance(path, rdflib.URIRef):
        return None if path is None else str(path)
    steps = list(rdflib.collection.Collection(report, path))
    return "/".join(compact(str(step)) for step in steps) if steps else None


def _issue(report: rdflib.Graph, result: rdflib.term.Node) -> Issue:
    def one(predicate: rdflib.URIRef) -> str | None:
        value = report.value(result, predicate)
        return None if value is None else str(value)

    severity = one(SH.resultSeverity) or str(SH.Violation)
    return Issue(
        severity=severity.rsplit("#", 1)[-1],
        focus=one(SH.focusNode) or "",
        path=_path(report, report.value(result, SH.resultPath)),
        message=one(SH.resultMessage) or "does not conform",
        value=one(SH.value),
        shape=one(SH.sourceShape),
    )

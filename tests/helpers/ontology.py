"""Checks against provrdf's ontologies: is every term that quads use declared, and used as declared?"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

import rdflib
from pyoxigraph import Literal, NamedNode, Quad
from rdflib import OWL, RDF, RDFS, URIRef
from rdflib.collection import Collection

from provrdf.rdf.namespaces import CTAO, PROV, PROVRDF, VOPROV
from provrdf.resources import ontology_files

__all__ = [
    "OTHER_PREDICATES", "OWN", "OWN_NAMESPACES", "PROPERTY_KINDS", "PROV_CLASSES", "PROV_PROPERTIES",
    "PROV_SUPERCLASSES", "ROOT", "VOPROV_READER_ONLY", "declared_terms", "members", "ontology_files_found",
    "ontology_problems", "parse_ontology", "superclasses", "union_of_ontologies",
]

ROOT = Path(__file__).resolve().parents[2]
OWN = {"voprov.ttl": VOPROV, "ctao.ttl": CTAO, "provrdf.ttl": PROVRDF}
OWN_NAMESPACES = tuple(OWN.values())

# The PROV-O terms (https://www.w3.org/TR/prov-o/), by kind, so that a typo or
# an invented prov: term is caught.
PROV_CLASSES = frozenset(
    """Entity Activity Agent Person Organization SoftwareAgent Collection EmptyCollection
    Bundle Plan Location Role Influence EntityInfluence ActivityInfluence AgentInfluence
    InstantaneousEvent Usage Generation Invalidation Start End Communication Association
    Attribution Delegation Derivation Revision Quotation PrimarySource""".split()
)
PROV_PROPERTIES = frozenset(
    """used wasGeneratedBy wasAssociatedWith wasAttributedTo wasDerivedFrom wasInformedBy
    actedOnBehalfOf alternateOf specializationOf hadMember hadPrimarySource wasQuotedFrom
    wasRevisionOf wasInvalidatedBy invalidated wasStartedBy wasEndedBy wasInfluencedBy
    influenced generated startedAtTime endedAtTime generatedAtTime invalidatedAtTime atTime
    atLocation value qualifiedInfluence qualifiedUsage qualifiedGeneration qualifiedAssociation
    qualifiedAttribution qualifiedDerivation qualifiedCommunication qualifiedDelegation
    qualifiedInvalidation qualifiedStart qualifiedEnd qualifiedPrimarySource qualifiedQuotation
    qualifiedRevision influencer entity activity agent hadRole hadPlan hadActivity hadUsage
    hadGeneration mentionOf asInBundle""".split()
)
# The subclass axioms of PROV-O that the domain checks below lean on.
PROV_SUPERCLASSES = {
    "Person": "Agent", "Organization": "Agent", "SoftwareAgent": "Agent",
    "Collection": "Entity", "Bundle": "Entity", "Plan": "Entity",
    "Usage": "EntityInfluence", "Derivation": "EntityInfluence", "Communication": "ActivityInfluence",
    "Generation": "ActivityInfluence", "Association": "AgentInfluence", "Attribution": "AgentInfluence",
    "EntityInfluence": "Influence", "ActivityInfluence": "Influence", "AgentInfluence": "Influence",
    "EmptyCollection": "Collection", "Revision": "Derivation", "Quotation": "Derivation",
    "PrimarySource": "Derivation", "Invalidation": "ActivityInfluence", "Start": "EntityInfluence",
    "End": "EntityInfluence", "Delegation": "AgentInfluence",
}  # fmt: skip
# Other vocabularies: the few terms provrdf may write.
OTHER_PREDICATES = frozenset(
    {str(RDF.type), str(RDFS.label), str(RDFS.comment), str(RDFS.seeAlso), "http://purl.org/dc/terms/isPartOf",
     "http://purl.org/dc/terms/format"}
)
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty)
# Declared voprov terms that the encoder never writes, on purpose.
VOPROV_READER_ONLY = {"arraysize", "xtype", "isRelatedTo"}


# -- the ontologies -----------------------------------------------------------


def ontology_files_found() -> list[Path]:
    return ontology_files()


@lru_cache(maxsize=None)
def parse_ontology(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


@lru_cache(maxsize=None)
def union_of_ontologies() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in ontology_files_found():
        graph += parse_ontology(path)
    return graph


def declared_terms(graph: rdflib.Graph) -> dict[URIRef, set[URIRef]]:
    """Terms of provrdf's namespaces declared in ``graph``, with their OWL kinds."""
    kinds = (OWL.Class, *PROPERTY_KINDS, OWL.AnnotationProperty, OWL.NamedIndividual)
    found: dict[URIRef, set[URIRef]] = {}
    for kind in kinds:
        for term in graph.subjects(RDF.type, kind):
            if isinstance(term, URIRef) and str(term).startswith(OWN_NAMESPACES):
                found.setdefault(term, set()).add(kind)
    return found


def members(graph: rdflib.Graph, node) -> set[URIRef]:
    """The classes of a domain or range: the class itself or the members of its owl:unionOf."""
    union = graph.value(node, OWL.unionOf)
    if union is None:
        return {node}
    return set(Collection(graph, union))


def superclasses(graph: rdflib.Graph, cls: URIRef) -> set[URIRef]:
    seen, todo = set(), [cls]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        todo += [o for o in graph.objects(current, RDFS.subClassOf) if isinstance(o, URIRef)]
        todo += [o for o in graph.objects(current, OWL.equivalentClass) if isinstance(o, URIRef)]
        name = str(current)[len(PROV) :] if str(current).startswith(PROV) else None
        if name in PROV_SUPERCLASSES:
            todo.append(URIRef(PROV + PROV_SUPERCLASSES[name]))
    return seen


def ontology_problems(quads: Iterable[Quad], *, check_domains: bool = False, passthrough: Iterable[str] = ()) -> list[str]:
    """Every term of ``quads`` that no ontology declares, or that is used against its declaration.

    ``passthrough`` names a source document's own terms (attributes, and classes given
    as ``prov:type``), which are kept as written.
    """
    passthrough = frozenset(passthrough)
    graph = union_of_ontologies()
    declared = declared_terms(graph)
    quads = list(quads)
    types: dict[str, set[URIRef]] = {}
    for quad in quads:
        if quad.predicate.value == str(RDF.type) and isinstance(quad.object, NamedNode):
            types.setdefault(quad.subject.value, set()).update(superclasses(graph, URIRef(quad.object.value)))
    problems: set[str] = set()

    def own(term: str, want: tuple[URIRef, ...], what: str) -> set[URIRef] | None:
        kinds = declared.get(URIRef(term), set())
        if not kinds & set(want):
            problems.add(f"{what} {term} is not declared as {' or '.join(map(str, want))}")
            return None
        if graph.value(URIRef(term), OWL.deprecated) is not None:
            problems.add(f"{what} {term} is deprecated: write its successor")
        return kinds

    def fits(node, members: set[URIRef]) -> bool:
        return OWL.Thing in members or bool(types.get(node.value, set()) & members)

    for quad in quads:
        p, o = quad.predicate.value, quad.object
        for node in (quad.subject, o):
            if isinstance(node, NamedNode) and node.value.startswith(OWN_NAMESPACES):
                if URIRef(node.value) not in declared:
                    problems.add(f"node {node.value} is in a provrdf namespace but not declared")
        if p == str(RDF.type):
            if not isinstance(o, NamedNode):
                problems.add(f"rdf:type object {o} is not an IRI")
            elif o.value.startswith(OWN_NAMESPACES):
                own(o.value, (OWL.Class,), "class")
            elif o.value not in passthrough and not (o.value.startswith(PROV) and o.value[len(PROV) :] in PROV_CLASSES):
                problems.add(f"class {o.value} is neither declared nor a PROV-O class")
            continue
        if p.startswith(PROV):
            if p[len(PROV) :] not in PROV_PROPERTIES:
                problems.add(f"predicate {p} is not a PROV-O property")
            continue
        if not p.startswith(OWN_NAMESPACES):
            if p not in OTHER_PREDICATES | passthrough:
                problems.add(f"predicate {p} is neither declared nor a PROV-O/RDF/RDFS term")
            continue
        kinds = own(p, PROPERTY_KINDS, "predicate")
        if kinds is None:
            continue
        term = URIRef(p)
        ranges = members(graph, graph.value(term, RDFS.range))
        if isinstance(o, Literal):
            if OWL.DatatypeProperty not in kinds:
                problems.add(f"{p} is an object property but has the literal {o}")
            elif RDFS.Literal not in ranges and URIRef(o.datatype.value) not in ranges:
                problems.add(f"{p} has range {sorted(ranges)} but a literal of type {o.datatype.value}")
        elif OWL.ObjectProperty not in kinds:
            problems.add(f"{p} is a datatype property but points to the node {o}")
        elif check_domains and not fits(o, ranges):
            problems.add(f"{p}: the object {o.value} is not in the range {sorted(ranges)}")
        if check_domains and not fits(quad.subject, members(graph, graph.value(term, RDFS.domain))):
            problems.add(f"{p}: the subject {quad.subject.value} is not in the domain")
    return sorted(problems)



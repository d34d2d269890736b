"""W3C PROV conformance of the PROV-N, PROV-JSON, PROV-XML and PROV-JSONLD that provrdf writes.

Two stores are exported:

* ``fixtures`` — every file of ``tests/data/{ctapipe,gammapy,w3c,cross}``
  ingested (the broken ones are rejected record by record): ctapipe and
  gammapy chains with ProvDM parameters and descriptions, an OPUS job with
  bundles, and the ``plain.*`` W3C documents that use every PROV relation;
* ``every_relation`` — ``tests/data/roundtrip/every_relation.provn``, one
  small W3C document with every PROV relation (ids, times, roles, plans,
  starters and enders, derivation subtypes, a bundle), written so that each
  of its names and values has a PROV-XML form.

For each store and format:

* **read back equal** — ``prov.read()`` of the output holds, bundle for
  bundle, the same records (compared as multisets of type, identifier and
  attributes) as the document provrdf meant to write,
  :func:`~provrdf.serializers.provdoc.to_prov_document`; a failure lists the
  records and attributes that differ;
* **PROV-XML validates** against the W3C schema ``prov.xsd`` that the
  ``prov`` package ships. ``every_relation`` validates without error. The
  fixtures hold three kinds of content that PROV-XML cannot say at all, and
  only those errors may remain (:func:`unsayable_in_xml` checks each one):
  an IRI with no NCName suffix (``…/agent/software/ctapipe/0.24.0``:
  ``prov:id`` is an ``xsd:QName``), a literal whose datatype is not an XML
  Schema type (``rdf:JSON``: ``xsi:type`` must name a type the schema
  knows), and a ``prov:role`` on an attribution or delegation (ProvDM and
  PROV-JSON have it, the PROV-XML schema does not);
* **PROV-JSON validates** against the PROV-JSON schema; the errors it
  may report are the schema's own: it requires ``prov:entity`` in ``used``,
  which PROV-DM makes optional (``used(a, -, t)``), and at the top level it
  spells ``wasEndedBy`` as ``wasEndedby``.

The comparison helpers here (:func:`records`, :func:`difference`) are also
those of the round trip (``test_roundtrip.py``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import prov
import prov.model as pm
import pytest
from helpers import DATA
from lxml import etree
from pyoxigraph import Literal, NamedNode, Quad
from helpers.provcompare import difference, records
from helpers.readback import PROV_READERS, read_prov

from provrdf.api import ingest
from provrdf.serializers import serialize, store_quads
from provrdf.serializers.provdoc import ncname_split, to_prov_document
from provrdf.formats import get_format
from provrdf.identifiers import NAME_TAIL, mint
from provrdf.ingest_log import ingest_log_graph
from provrdf.rdf.namespaces import PROV, RDF, RDFS, XSD
from provrdf.store import open_store

SCHEMAS = Path(prov.__file__).parent / "tests" / "schemas"
ROUNDTRIP = DATA / "roundtrip"
CASES = {
    "fixtures": [p for folder in ("ctapipe", "gammapy", "w3c", "cross") for p in sorted((DATA / folder).iterdir())],
    "every_relation": [ROUNDTRIP / "every_relation.provn"],
}
#: Every PROV relation, by the local name of its record type.
RELATIONS = ("Usage", "Generation", "Invalidation", "Start", "End", "Association", "Attribution", "Delegation",
             "Derivation", "Communication", "Influence", "Membership", "Specialization", "Alternate")  # fmt: skip
_NCNAME_TAIL = NAME_TAIL

# -- the exported stores -------------------------------------------------------------------------


class Exported:
    """One store's quads, the document meant for them, and its export in each W3C format.

    ``every_relation`` is exported without the ingest log: the log names
    provrdf's own agent ``…/agent/software/provrdf/<version>``, an IRI that
    no ``xsd:QName`` can name.
    """

    def __init__(self, name: str, paths: list[Path]) -> None:
        with open_store(":memory:") as store:
            report = ingest(store, [p for p in paths if p.is_file()])
            assert report.stored, report.rejected
            self.name, self.base = name, store.base
            self.quads = store_quads(store)
            if name == "every_relation":
                self.quads = [q for q in self.quads if q.graph_name != ingest_log_graph(store)]
        self.output = {fmt: serialize(self.quads, fmt, base=self.base) for fmt in PROV_READERS}
        self.meant = to_prov_document(self.quads, self.base)


@cache
def exported_case(name: str) -> Exported:
    """The export of one of :data:`CASES`, made once per test run."""
    return Exported(name, CASES[name])


@pytest.fixture(params=sorted(CASES))
def exported(request) -> Exported:
    """Each of :data:`CASES`, exported."""
    return exported_case(request.param)


@pytest.mark.parametrize("fmt", sorted(PROV_READERS))
def test_output_reads_back_as_the_document_meant(exported, fmt):
    found = difference(records(exported.meant), records(read_prov(exported.output[fmt], fmt)))
    assert not found, f"{exported.name} in {fmt}, read back, differs from the document meant:\n{found}"


def test_every_relation_kind_is_exported():
    kinds = set()
    for name in CASES:
        for bundle in records(read_prov(exported_case(name).output["provjson"], "provjson")).values():
            kinds |= {kind[len(PROV):] for kind, _, _ in bundle}
    assert set(RELATIONS) <= kinds
    assert {"Entity", "Activity", "Agent"} <= kinds


# -- PROV-XML and PROV-JSON schemas ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def xml_schema() -> etree.XMLSchema:
    """The PROV-XML schema, with the schemas it includes."""
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "prov.xsd")))


def unsayable_in_xml(error: Any) -> str | None:
    """Which content PROV-XML cannot say the schema error ``error`` is about, or None."""
    message = error.message
    quoted = re.findall(r"'([^']*)'", message)
    if "xs:QName" in message and "is not a valid value" in message:
        local = quoted[-2].partition(":")[2]
        return "IRI without NCName suffix" if not _NCNAME_TAIL.search(local) else None
    if "xsi:type" in message and "does not resolve to a type definition" in message:
        datatype = re.search(r"\{([^}]*)\}", quoted[-1])
        return "datatype outside XML Schema" if datatype and datatype.group(1) != XSD.rstrip("#") else None
    if message.endswith("The type definition is absent."):
        return "datatype outside XML Schema"
    in_attribution = re.search(r"(wasAttributedTo|actedOnBehalfOf)(\[\d+\])?/prov:role$", error.path)
    if "}role': This element is not expected" in message and in_attribution:
        return "role of an attribution or delegation"
    return None


def test_provxml_validates_against_the_prov_xml_schema(exported, xml_schema):
    xml_schema.validate(etree.fromstring(exported.output["provxml"]))
    errors = list(xml_schema.error_log)
    kinds = Counter(unsayable_in_xml(error) for error in errors)
    others = [f"line {e.line}: {e.message}" for e in errors if unsayable_in_xml(e) is None]
    assert not others, "\n".join(others[:20])
    assert not errors or exported.name != "every_relation", f"{len(errors)} errors, {dict(kinds)}"


def test_provjson_validates_against_the_prov_json_schema(exported):
    schema = json.loads((SCHEMAS / "prov-json.schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = [e for e in validator.iter_errors(json.loads(exported.output["provjson"]))
              if "('wasEndedBy' was unexpected)" not in e.message]  # the schema spells it 'wasEndedby'
    others = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors
              if not (e.message == "'prov:entity' is a required property" and list(e.path)[-2] == "used")]  # fmt: skip
    assert not others, "\n".join(others[:20])
    assert not errors or exported.name != "every_relation", errors[0].message


def _qualified_names(document: pm.ProvDocument) -> set[pm.QualifiedName]:
    names = {bundle.identifier for bundle in document.bundles}
    for bundle in [document, *document.bundles]:
        for record in bundle.get_records():
            names.add(record.identifier)
            for name, value in record.attributes:
                names |= {name, value} if isinstance(value, pm.QualifiedName) else {name}
    return names - {None}


def test_a_local_part_is_an_ncname_whenever_the_iri_allows_one(exported):
    """PROV-XML names with ``xsd:QName``: only an IRI without NCName suffix may have another local part."""
    names = _qualified_names(exported.meant)
    assert len(names) > 50
    for name in names:
        assert name.namespace.uri + name.localpart == name.uri
        assert bool(_NCNAME_TAIL.fullmatch(name.localpart)) == bool(_NCNAME_TAIL.search(name.uri)), name.uri
        if name.uri.startswith(exported.base):  # a minted IRI always ends in a name (identifiers.mint)
            assert (name.namespace.uri, name.localpart) == ncname_split(name.uri)
            assert _NCNAME_TAIL.fullmatch(name.localpart), name.uri


# -- what each PROV-O pattern becomes -------------------------------------------------------------------

BASE = "https://example.org/id/"
EX = "https://example.org/ns#"


def _quads(*triples: tuple[str, str, Any]) -> list[Quad]:
    graph = NamedNode(BASE + "bundle/r1")
    return [Quad(NamedNode(s), NamedNode(p), o if isinstance(o, Literal) else NamedNode(o), graph)
            for s, p, o in triples]  # fmt: skip


def _only_bundle(quads: list[Quad]) -> set[tuple]:
    return set(records(to_prov_document(quads, BASE))[BASE + "bundle/r1"])


def _time(text: str) -> Literal:
    return Literal(text, datatype=NamedNode(XSD + "dateTime"))


def test_an_entity_generation_time_is_the_time_of_its_generation():
    e, a, g = EX + "e", EX + "a", EX + "gen"
    quads = _quads((e, RDF + "type", PROV + "Entity"), (e, PROV + "generatedAtTime", _time("2025-01-01T00:00:00Z")),
                   (e, PROV + "qualifiedGeneration", g), (g, RDF + "type", PROV + "Generation"),
                   (g, PROV + "activity", a), (e, PROV + "invalidatedAtTime", _time("2025-02-01T00:00:00Z")))
    found = _only_bundle(quads)
    time = ("datetime", datetime(2025, 1, 1, tzinfo=timezone.utc))
    assert (PROV + "Generation", g, frozenset({(PROV + "entity", ("qname", e)), (PROV + "activity", ("qname", a)),
                                               (PROV + "time", time)})) in found  # fmt: skip
    invalidated = ("datetime", datetime(2025, 2, 1, tzinfo=timezone.utc))
    assert (PROV + "Invalidation", None, frozenset({(PROV + "entity", ("qname", e)),
                                                    (PROV + "time", invalidated)})) in found  # fmt: skip
    assert not any(r[0] == PROV + "Entity" for r in found)  # its generation says it is an entity


def test_a_node_is_declared_unless_it_is_nothing_but_what_a_relation_of_its_graph_implies():
    a, e, f, lone, plan = EX + "a", EX + "e", EX + "f", EX + "lone", EX + "plan"
    quads = _quads((a, RDF + "type", PROV + "Activity"), (a, PROV + "used", e), (e, RDF + "type", PROV + "Entity"),
                   (f, RDF + "type", PROV + "Entity"), (f, RDFS + "label", Literal("f")), (a, PROV + "used", f),
                   (lone, RDF + "type", PROV + "Entity"), (plan, PROV + "wasInfluencedBy", a))
    elements = {(r[0], r[1]): r[2] for r in _only_bundle(quads) if r[0] in (PROV + "Activity", PROV + "Entity")}
    assert elements == {(PROV + "Entity", f): frozenset({(PROV + "label", ("str", "f"))}),
                        (PROV + "Entity", lone): frozenset()}  # fmt: skip


def test_shortcuts_and_qualified_nodes_make_one_relation_each():
    a, e, u, c = EX + "a", EX + "e", EX + "u", EX + "c"
    quads = _quads((a, RDF + "type", PROV + "Activity"), (a, PROV + "used", e), (a, PROV + "qualifiedUsage", u),
                   (u, RDF + "type", PROV + "Usage"), (u, PROV + "entity", e), (u, PROV + "hadRole", Literal("in")),
                   (e, PROV + "wasRevisionOf", c), (c, PROV + "generated", e), (a, PROV + "wasInformedBy", a))
    relations = {r for r in _only_bundle(quads) if r[0] not in (PROV + "Activity", PROV + "Entity")}
    assert relations == {
        (PROV + "Usage", u, frozenset({(PROV + "activity", ("qname", a)), (PROV + "entity", ("qname", e)),
                                       (PROV + "role", ("str", "in"))})),
        (PROV + "Derivation", None, frozenset({(PROV + "generatedEntity", ("qname", e)),
                                               (PROV + "usedEntity", ("qname", c)),
                                               (PROV + "type", ("qname", PROV + "Revision"))})),
        (PROV + "Generation", None, frozenset({(PROV + "entity", ("qname", e)), (PROV + "activity", ("qname", c))})),
        (PROV + "Communication", None, frozenset({(PROV + "informed", ("qname", a)),
                                                  (PROV + "informant", ("qname", a))})),
    }  # fmt: skip


def test_a_stored_mention_is_exported_with_its_bundle():
    s, g, b = EX + "s", EX + "g", BASE + "bundle/r0"
    quads = _quads((s, RDF + "type", PROV + "Entity"), (s, PROV + "mentionOf", g), (s, PROV + "asInBundle", b))
    assert (PROV + "Mention", None, frozenset({(PROV + "specificEntity", ("qname", s)),
                                               (PROV + "generalEntity", ("qname", g)),
                                               (PROV + "bundle", ("qname", b))})) in _only_bundle(quads)  # fmt: skip


def test_minted_names_get_the_prefix_of_their_kind():
    document = to_prov_document(_quads((BASE + "activity/5f0b7c1e", RDF + "type", PROV + "Activity"),
                                       (BASE + "entity/path:/data/dl1/run.h5", RDF + "type", PROV + "Entity")), BASE)
    names = {str(r.identifier) for bundle in document.bundles for r in bundle.get_records()}
    assert names == {"activity-5:f0b7c1e", "entity-dl1:run.h5"}
    assert str(next(iter(document.bundles)).identifier) == "bundle:r1"


def test_the_writer_takes_no_options():
    from provrdf.errors import FormatError
    from provrdf.serializers import serialize

    with pytest.raises(FormatError, match="takes no option"):
        serialize([], get_format("provjson"), base=BASE, rankdir="LR")


def test_a_relation_named_by_an_all_digit_digest_is_still_written_without_id():
    """``mint`` puts a ``_`` before an all-digit end; the writer still knows the name is a digest."""
    usage = mint(BASE, "usage", "1" * 24)
    assert usage == f"{BASE}usage/_{'1' * 24}"
    quads = _quads((BASE + "activity/a", PROV + "used", BASE + "entity/e"),
                   (BASE + "activity/a", PROV + "qualifiedUsage", usage),
                   (usage, RDF + "type", PROV + "Usage"), (usage, PROV + "entity", BASE + "entity/e"))
    used = [record for record in _only_bundle(quads) if record[0] == PROV + "Usage"]
    assert len(used) == 1 and used[0][1] is None

"""Round trip of the W3C PROV corpus: a document ingested by provrdf and exported again says the same.

The corpus is the ``prov`` package's copy of the ProvToolbox test documents
(``prov/tests/json``, ~400 PROV-JSON documents: every relation, every
attribute datatype, bundles, relations without id, "scruffy" documents that
reuse an id). Each document, in each of PROV-JSON, PROV-XML and PROV-N
(the last two written from the PROV-JSON by the ``prov`` package), is
ingested into a fresh in-memory store, exported in the same format, and
both texts are read with ``prov`` and compared.

**Equivalent** means, bundle by bundle:

* the source's top level is the export's bundle ``{base}bundle/w3c/<digest>``
  (provrdf stores a document's top level as one record, named by a digest
  of its content); each source bundle is the export's bundle of the same
  IRI; the export's ingest log (``{base}graph/ingest-log``, provrdf's own
  provenance of the ingest) is left out;
* the records are the same multiset: record type, identifier and attributes
  (formal ones included: ``prov:activity``, ``prov:time`` …) as a set of
  (attribute, value) pairs. Identifiers and attribute names are compared as
  expanded IRIs, never by prefix; a relation without identifier must come
  back without one (provrdf names the RDF node of such a relation by a
  digest of its content, and does not write that name as an identifier);
* values are compared as ``prov`` compares them: a qualified name by its
  IRI, a typed literal by lexical form, datatype and language, a Python
  value (``int``, ``float``, ``bool``, ``str``) by type and value;

with three rules that are PROV semantics, not losses:

* records of one type sharing an identifier are one record with the union of
  their attributes (provrdf keeps one node per IRI; PROV-CONSTRAINTS unifies
  them the same way);
* a declaration without attributes of a node that a relation of the same
  bundle names is ignored on both sides: provrdf declares every node a
  relation names, which PROV-DM implies;
* a time without zone is UTC (ProvDM's rule, and provrdf's), and times are
  compared as instants.

Documents that cannot round-trip exactly are listed in :data:`NOT_EXACT`
with the reason, and the test asserts that exactly those differ, so a
regression and an unexpected fix both fail it. Those that differ only
because the store writes literals in canonical form (:data:`CANONICAL`)
must still be equal when literals are compared by XSD value.

Exact round trips (of 398): 231 in each of PROV-JSON, PROV-XML and PROV-N.
The PROV-JSON run ingests with SHACL validation; validation does not depend
on the serialization (every format gives the same records) and costs ~20 ms
a document, so the PROV-XML and PROV-N runs ingest without it.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import prov
import pytest
from helpers.readback import PROV_READERS, read_prov
from helpers.provcompare import Records, difference, record_key

from provrdf.api import export, ingest
from provrdf.rdf.namespaces import XSD
from provrdf.store import open_store

CORPUS = Path(prov.__file__).parent / "tests" / "json"
FORMATS = ("provjson", "provxml", "provn")
_SUFFIXES = {"provjson": ".json", "provxml": ".xml", "provn": ".provn"}

CANONICAL = ("the store (Oxigraph) keeps literals in canonical form: an integer of any XSD integer type "
             "(xsd:int, long, short, byte …) is an xsd:integer, '1.0'^^xsd:float is '1', a duration is "
             "normalized; the values are equal, their lexical forms or datatypes are not")  # fmt: skip
MISSING = ("a relation lacks an argument PROV-DM makes mandatory (its subject, or its object); PROV-O "
           "cannot say it, the reader leaves it out and reports the record")  # fmt: skip
SHARED_ID = ("two relations share one identifier (PROV-CONSTRAINTS forbids it unless they unify): in PROV-O "
             "they are one node, whose arguments and times merge; the export keeps one of each")  # fmt: skip
_DATATYPES = (3, 4, 5, 7, 11, 12, 13, 15, 16, 17, 18, 19, 32, 34)  # int, long, short, float, byte … duration
_CANONICAL = [
    *(f"{stem}{n}.json" for stem in ("attr_entity_one_attr", "attr_entity_one_location_attr",
                                     "attr_entity_one_other_attr", "attr_entity_one_value_attr",
                                     "attr_association_one_role_attr") for n in _DATATYPES),
    *(f"attr_{kind}0.json" for kind in ("activity", "agent", "association", "attribution", "communication",
                                        "delegation", "derivation", "end", "entity", "generation", "influence",
                                        "invalidation", "start", "usage")),
    *(f"{stem}{n}.json" for stem, numbers in {
        "activity": (5, 6, 7, 8, 9), "agent": (6, 7, 8), "association": (7, 9), "attribution": (7, 8),
        "communication": (6, 7), "delegation": (7, 8), "derivation": (8,), "end": (8, 10),
        "entity": (0, 5, 6, 7, 8, 9, 10), "generation": (5, 7), "influence": (6, 7), "invalidation": (5, 7),
        "start": (8, 10), "usage": (5, 7)}.items() for n in numbers),
]  # fmt: skip
_MISSING = ["association2.json", "attribution1.json", "attribution2.json", "communication1.json",
            "communication2.json", "delegation1.json", "delegation2.json", "derivation1.json", "derivation2.json",
            "derivation9.json", "end1.json", "end4.json", "influence1.json", "influence2.json", "start1.json",
            "start4.json", "usage1.json"]  # fmt: skip
_SHARED_ID = [f"scruffy-{kind}{n}-{variant}.json" for kind, last in (("end", 4), ("start", 4), ("generation", 2),
                                                                     ("invalidation", 2), ("usage", 2))
              for n in range(1, last + 1) for variant in "MS"]  # fmt: skip
#: Every document that does not round-trip exactly in a format, and why.
NOT_EXACT: dict[str, dict[str, str]] = {
    fmt: {
        **dict.fromkeys(_CANONICAL, CANONICAL),
        **dict.fromkeys(_MISSING, MISSING),
        **dict.fromkeys(_SHARED_ID, SHARED_ID),
    }
    for fmt in FORMATS
}

# -- equivalence --------------------------------------------------------------------------------------

_NUMBERS = {XSD + name for name in (
    "decimal", "integer", "int", "long", "short", "byte", "nonNegativeInteger", "nonPositiveInteger",
    "positiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    "float", "double")}  # fmt: skip
_DURATIONS = {XSD + name for name in ("duration", "dayTimeDuration", "yearMonthDuration")}
_DURATION = re.compile(r"(-?)P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?)?")


def _as_value(value: tuple) -> tuple:
    """A value compared by what it means: numbers as numbers, durations as (months, seconds)."""
    kind, *rest = value
    try:
        if kind in ("int", "float") or (kind == "literal" and rest[1] in _NUMBERS):
            return ("number", Decimal(str(rest[0])))
        if kind == "literal" and rest[1] in _DURATIONS and (match := _DURATION.fullmatch(rest[0])):
            sign, years, months, days, hours, minutes, seconds = match.groups()
            parts = [Decimal(part or 0) for part in (years, months, days, hours, minutes, seconds)]
            total = parts[2] * 86400 + parts[3] * 3600 + parts[4] * 60 + parts[5]
            return ("duration", (-1 if sign else 1) * (12 * parts[0] + parts[1]), (-1 if sign else 1) * total)
    except InvalidOperation:
        pass
    return value


def _in_utc(value: tuple) -> tuple:
    if value[0] == "datetime" and value[1].tzinfo is None:
        return ("datetime", value[1].replace(tzinfo=timezone.utc))
    return value


def _normalized(bundle: Any, *, by_value: bool) -> Counter:
    """The records of one bundle under the equivalence rules of this module."""
    elements: dict[tuple, set] = {}
    relations = []
    for kind, ident, attributes in map(record_key, bundle.get_records()):
        attributes = {(name, _in_utc(value)) for name, value in attributes}
        if by_value:
            attributes = {(name, _as_value(value)) for name, value in attributes}
        if kind.endswith(("#Entity", "#Activity", "#Agent")):
            elements.setdefault((kind, ident), set()).update(attributes)
        else:
            relations.append((kind, ident, frozenset(attributes)))
    named = {value[1] for _, _, attributes in relations for _, value in attributes if value[0] == "qname"}
    kept = [(kind, ident, frozenset(a)) for (kind, ident), a in elements.items() if a or ident not in named]
    return Counter(relations + kept)


def equivalent_records(document: Any, *, base: str | None = None, by_value: bool = False) -> Records:
    """The records of ``document`` as the round trip compares them.

    ``base`` is the store's base IRI when ``document`` is provrdf's export,
    whose bundles are then matched to the source's (see the module's text).
    """
    found: Records = {}
    for bundle in [document, *document.bundles]:
        name = bundle.identifier.uri if bundle.identifier is not None else None
        if base is not None and name == f"{base}graph/ingest-log":
            continue
        if base is not None and name is not None and name.startswith(f"{base}bundle/w3c/"):
            name = None
        records = _normalized(bundle, by_value=by_value)
        if records:
            found[name] = found.get(name, Counter()) + records
    return found


# -- the round trip --------------------------------------------------------------------------------------


def corpus() -> list[Path]:
    """The corpus documents; their absence is a failure, not a reason to skip."""
    assert CORPUS.is_dir(), f"the prov package's test corpus is missing: {CORPUS}"
    documents = sorted(CORPUS.glob("*.json"))
    assert len(documents) > 350, f"only {len(documents)} documents in {CORPUS}"
    return documents


def round_trip(document: Path, fmt: str, folder: Path) -> tuple[str, str, str]:
    """Ingest ``document`` written in ``fmt`` and export it in ``fmt``.

    Returns what ingest reported, what differs, and what differs when literals
    are compared by value (only worked out when something differs).
    """
    source = prov.read(document, format="json")
    if fmt != "provjson":
        document = folder / (document.stem + _SUFFIXES[fmt])
        document.write_text(source.serialize(format=PROV_READERS[fmt]))
        source = prov.read(document, format=PROV_READERS[fmt])
    with open_store(":memory:") as store:
        report = ingest(store, [document], validate=fmt == "provjson")
        output, base = export(store, fmt), store.base
    back = read_prov(output, fmt)
    problems = "; ".join(str(rejection).splitlines()[0] for rejection in report.rejected)
    found = difference(equivalent_records(source), equivalent_records(back, base=base))
    by_value = found and difference(equivalent_records(source, by_value=True),
                                    equivalent_records(back, base=base, by_value=True))  # fmt: skip
    return problems, found, by_value


def _unexpected(name: str, fmt: str, outcome: tuple[str, str, str]) -> str | None:
    """What is wrong with the round trip of ``name``, given :data:`NOT_EXACT`; None if nothing."""
    problems, found, by_value = outcome
    reason = NOT_EXACT[fmt].get(name)
    text = (f"reported: {problems}\n" if problems else "") + found
    if reason is None:
        return f"{name} differs after the round trip in {fmt}:\n{_head(text)}" if text else None
    if not text:
        return f"{name} now round-trips exactly in {fmt}: take it out of NOT_EXACT ({reason[:50]}…)"
    if reason == CANONICAL and (problems or by_value):
        return f"{name} differs in {fmt} by more than canonical literals:\n{_head(problems + by_value)}"
    return None


@pytest.mark.filterwarnings("ignore")  # prov warns about the corpus's odd values: its own test data
@pytest.mark.parametrize("fmt", FORMATS)
def test_the_corpus_round_trips(fmt, tmp_path):
    documents = corpus()
    outcomes = {document.name: round_trip(document, fmt, tmp_path) for document in documents}
    wrong = [text for name, outcome in outcomes.items() if (text := _unexpected(name, fmt, outcome))]
    assert not wrong, "\n".join(wrong)
    exact = sum(1 for problems, found, _ in outcomes.values() if not problems and not found)
    assert exact == len(documents) - len(NOT_EXACT[fmt])


def _head(text: str, lines: int = 25) -> str:
    kept = text.splitlines()
    return "\n".join(kept[:lines] + ([f"… ({len(kept) - lines} more lines)"] if len(kept) > lines else []))


def test_the_equivalence_rules():
    """Unification, implied declarations and zone-less times, on a small document."""
    source = prov.read(io.StringIO("""document
      prefix ex <https://example.org/>
      entity(ex:e, [prov:label="a"])
      entity(ex:e, [ex:size=3])
      used(ex:a, ex:e, 2025-01-01T10:00:00)
    endDocument"""), format="provn")  # fmt: skip
    back = prov.read(io.StringIO("""document
      prefix ex <https://example.org/>
      entity(ex:e, [prov:label="a", ex:size=3])
      activity(ex:a, -, -)
      used(ex:a, ex:e, 2025-01-01T11:00:00+01:00)
    endDocument"""), format="provn")  # fmt: skip
    assert not difference(equivalent_records(source), equivalent_records(back))
    assert equivalent_records(source)[None][("http://www.w3.org/ns/prov#Usage", None, frozenset({
        ("http://www.w3.org/ns/prov#activity", ("qname", "https://example.org/a")),
        ("http://www.w3.org/ns/prov#entity", ("qname", "https://example.org/e")),
        ("http://www.w3.org/ns/prov#time", ("datetime", datetime(2025, 1, 1, 10, tzinfo=timezone.utc)))}))] == 1

"""Round trip of the ``prov`` package's test corpus: a store holding one document exports that document.

The corpus is every PROV document under ``prov/tests/`` of the installed
``prov`` package (its malformed and schema folders left out): ProvToolbox's
shared corpus in PROV-JSON, PROV-N and PROV-O, the examples of the PROV-N
and PROV-DM Recommendations, the PROV-XML examples, the PROV-CONSTRAINTS
unification cases, the PROV-JSONLD interoperability documents.

A document is *tried* when ``prov`` itself round-trips it in its own format
(its serialization, read back, compares equal to it both ways). Then the
file is ingested into an empty store, as a user would (SHACL validation
on), and the whole store exported in that format (``export(store, fmt)``:
the flat document). Each case ends one of four ways:

* **equal**: ``prov`` compares the export equal to the file, both ways,
  literals by value (:func:`helpers.provcompare.same_document`: the store
  keeps XSD literals in canonical form);
* **equal as PROV**: equal once both sides are read by PROV's own rules
  (:func:`helpers.provcompare.as_prov`: a time without zone is UTC, one
  element's declarations are one, a bare declaration that a relation
  implies is implied);
* **differs** or **rejected**, for a reason of :data:`REASONS`: each a
  rule on the source that must hold for every such case (a rejection must
  also give that reason's message). A case that no rule explains fails, so
  does a rule that explains no case.

The figures by format (:data:`FIGURE`) are pinned by :func:`test_the_figure`:
a regression and an unexpected fix both fail it. Of 1 465 documents tried,
988 come back equal, 255 more equal as PROV, 188 differ and 34 are
rejected, each for a reason of :data:`REASONS`.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import prov
import prov.model as pm
import pytest
from helpers.provcompare import as_prov, by_value, difference, records, same_document

from provrdf.api import export, ingest
from provrdf.store import open_store

CORPUS = Path(prov.__file__).parent / "tests"
#: The folders of ``prov/tests`` that hold no document to round-trip.
_NOT_DOCUMENTS = {"malformed", "schemas", "__pycache__"}
_NATIVE = {".json": "provjson", ".xml": "provxml", ".provn": "provn", ".jsonld": "provjsonld",
           ".ttl": "turtle", ".trig": "trig"}  # fmt: skip
_PROV_FORMATS = {"provjson": {"format": "json"}, "provxml": {"format": "xml"}, "provn": {"format": "provn"},
                 "provjsonld": {"format": "jsonld"}, "turtle": {"format": "rdf", "rdf_format": "turtle"},
                 "trig": {"format": "rdf", "rdf_format": "trig"}}  # fmt: skip
_PROV_O = ("turtle", "trig")

#: Per format: (tried, equal, equal as PROV, differs, rejected); documents that ``prov`` does not
#: round-trip in their own format are not tried (PROV-N 32, PROV-O 28, PROV-XML 15).
FIGURE: dict[str, tuple[int, int, int, int, int]] = {
    "provjson": (412, 351, 12, 44, 5),
    "provjsonld": (5, 3, 0, 1, 1),
    "provn": (492, 394, 45, 43, 10),
    "provxml": (182, 25, 111, 39, 7),
    "trig": (4, 0, 0, 4, 0),
    "turtle": (370, 215, 87, 57, 11),
}


@contextmanager
def _quiet() -> Iterator[None]:
    """``prov`` warns and logs about the corpus's odd values: its own test data, not ours."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        logging.disable(logging.CRITICAL)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


def _read(data: str | bytes, fmt: str) -> pm.ProvDocument:
    with _quiet():
        return pm.ProvDocument.deserialize(content=data, **_PROV_FORMATS[fmt])


def documents() -> list[str]:
    """The corpus documents, by path under ``prov/tests``; their absence is a failure, not a reason to skip."""
    assert CORPUS.is_dir(), f"the prov package's test corpus is missing: {CORPUS}"
    found = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*")
                   if p.suffix in _NATIVE and p.is_file() and not _NOT_DOCUMENTS & set(p.parts))  # fmt: skip
    assert len(found) > 1500, f"only {len(found)} documents in {CORPUS}"
    return found


def native(name: str) -> str:
    """The format a corpus document is written in."""
    return _NATIVE[Path(name).suffix]


@cache
def source(name: str) -> pm.ProvDocument | None:
    """The document as ``prov`` reads it, or None when ``prov`` cannot read it or does not round-trip it."""
    fmt = native(name)
    try:
        document = _read((CORPUS / name).read_bytes(), fmt)
        with _quiet():
            back = _read(document.serialize(**_PROV_FORMATS[fmt]), fmt)
    except Exception:  # noqa: BLE001 — whatever prov's readers and writers raise on what they cannot do
        return None
    return document if back == document and document == back else None


def tried() -> list[str]:
    """The documents that ``prov`` round-trips in their own format."""
    return [name for name in documents() if source(name) is not None]


# -- why a document does not come back ------------------------------------------------------------------

_ELEMENTS = (pm.ProvEntity, pm.ProvActivity, pm.ProvAgent)
#: Relations and the positions of their formal attributes that must be given (their subject, and the
#: object of a binary relation).
_MANDATORY = {pm.ProvAttribution: 2, pm.ProvCommunication: 2, pm.ProvDelegation: 2, pm.ProvDerivation: 2,
              pm.ProvInfluence: 2, pm.ProvAssociation: 1, pm.ProvUsage: 1, pm.ProvGeneration: 1,
              pm.ProvInvalidation: 1, pm.ProvStart: 1, pm.ProvEnd: 1, pm.ProvSpecialization: 2,
              pm.ProvAlternate: 2, pm.ProvMention: 2, pm.ProvMembership: 2}  # fmt: skip
#: Relations whose PROV-O shortcut ``prov`` reads as a second record beside the qualified node.
_READ_TWICE = (pm.ProvUsage, pm.ProvGeneration, pm.ProvInvalidation, pm.ProvStart, pm.ProvEnd, pm.ProvDerivation)


def _records(document: pm.ProvDocument) -> Iterator[pm.ProvRecord]:
    for bundle in (document, *document.bundles):
        yield from bundle.get_records()


def _relations(document: pm.ProvDocument) -> Iterator[pm.ProvRecord]:
    return (r for r in _records(document) if r.is_relation())


def _formal(record: pm.ProvRecord) -> dict[str, object]:
    return {name.localpart: value for name, value in record.formal_attributes if value is not None}


def _missing_end(document: pm.ProvDocument) -> bool:
    return any(r.formal_attributes[i][1] is None for r in _relations(document)
               for kind, n in _MANDATORY.items() if isinstance(r, kind) for i in range(n))  # fmt: skip


def _conflicting_relations(document: pm.ProvDocument) -> bool:
    """A relation identifier given to two relations that differ, or to an element too."""
    for bundle in (document, *document.bundles):
        said = Counter(r.identifier for r in set(bundle.get_records()) if r.is_relation() and r.identifier)
        elements = {r.identifier for r in bundle.get_records() if r.is_element()}
        if any(n > 1 for n in said.values()) or elements & set(said):
            return True
    return False


def _collection_typed(document: pm.ProvDocument) -> bool:
    """An ``EmptyCollection``, or a membership's collection not declared a ``prov:Collection``."""
    collections = {_formal(r).get("collection") for r in _relations(document) if isinstance(r, pm.ProvMembership)}
    for r in _records(document):
        if isinstance(r, pm.ProvEntity):
            types = {str(t) for t in r.get_asserted_types()}
            if "prov:EmptyCollection" in types or (r.identifier in collections and "prov:Collection" not in types):
                return True
    return bool(collections - {r.identifier for r in _records(document) if isinstance(r, pm.ProvEntity)})


def _unnamed_relation(document: pm.ProvDocument) -> bool:
    return any(r.identifier is None for r in _relations(document))


def _shortcut_read_twice(document: pm.ProvDocument) -> bool:
    return any(isinstance(r, _READ_TWICE) for r in _records(document))


def _undeclared_prefix(document: pm.ProvDocument) -> bool:
    return any(isinstance(v, pm.Literal) and v.datatype == pm.PROV["QUALIFIED_NAME"]
               for r in _records(document) for _, v in r.attributes)  # fmt: skip


def _generations_conflict(document: pm.ProvDocument) -> bool:
    """Generations of one entity that cannot be one event: two activities, times or identifiers."""
    events: dict[object, list[dict]] = {}
    for r in _relations(document):
        if isinstance(r, pm.ProvGeneration):
            events.setdefault(_formal(r).get("entity"), []).append({**_formal(r), "id": r.identifier})
    return any(len({g.get(key) for g in said if g.get(key) is not None}) > 1
               for said in events.values() for key in ("activity", "time", "id"))  # fmt: skip


def _repeated_generation(document: pm.ProvDocument) -> bool:
    """Two generations without identifier of one entity by one activity."""
    ends = Counter((_formal(r).get("entity"), _formal(r).get("activity")) for r in _relations(document)
                   if isinstance(r, pm.ProvGeneration) and r.identifier is None)  # fmt: skip
    return any(n > 1 for n in ends.values())


def _two_starts(document: pm.ProvDocument) -> bool:
    starts: dict[object, set] = {}
    for r in _records(document):
        if isinstance(r, pm.ProvActivity) and r.get_startTime() is not None:
            starts.setdefault(r.identifier, set()).add(r.get_startTime())
    return any(len(times) > 1 for times in starts.values())


def _remote_context(text: str) -> bool:
    context = json.loads(text).get("@context", [])
    return any(isinstance(c, str) for c in (context if isinstance(context, list) else [context]))


def _language_case(document: pm.ProvDocument) -> bool:
    return any(isinstance(v, pm.Literal) and v.langtag and v.langtag != v.langtag.lower()
               for r in _records(document) for _, v in r.attributes)  # fmt: skip


def _several_members(document: pm.ProvDocument) -> bool:
    return any(isinstance(r, pm.ProvMembership) and sum(n.localpart == "entity" for n, _ in r.attributes) > 1
               for r in _records(document))  # fmt: skip


def _empty(document: pm.ProvDocument) -> bool:
    return not any(True for _ in _records(document))


@dataclass(frozen=True)
class Reason:
    """Why a case does not come back equal: a rule on the source, and for a rejection what the error says."""

    text: str
    formats: tuple[str, ...]
    applies: Callable[[pm.ProvDocument], bool] | None = None
    applies_to_text: Callable[[str], bool] | None = None
    rejection: str | None = None  #: a rejection for this reason says this

    def explains(self, name: str) -> bool:
        """Whether the rule holds for corpus document ``name``."""
        if native(name) not in self.formats:
            return False
        if self.applies_to_text is not None:
            return self.applies_to_text((CORPUS / name).read_text())
        assert self.applies is not None
        return self.applies(source(name))


_ALL = tuple(_PROV_FORMATS)
REASONS = [
    Reason("a relation lacks an end it cannot do without (a derivation without used entity, a usage without "
           "activity …): it is left out, with a warning, and the node it names is still declared",
           _ALL, _missing_end),
    Reason("PROV-O has no qualified node without the element it qualifies (a usage without activity …): "
           "nothing is read, and a file with no record is an error",
           _PROV_O, _missing_end, rejection="no provenance records found"),
    Reason("a relation identifier is given to two relations that say different things (the 'scruffy' "
           "documents): the store holds one node per IRI, so they are one relation with both statements' "
           "attributes, which PROV-CONSTRAINTS unification does too", _ALL, _conflicting_relations),
    Reason("an EmptyCollection, or a membership's collection, is also a prov:Collection in the store "
           "(PROV-O: EmptyCollection is a subclass of Collection, and hadMember's domain)", _ALL, _collection_typed),
    Reason("PROV-O has no relation without a node: the store names the node of a relation that had no id "
           "(it holds no blank node), and prov reads that name back as an identifier", _PROV_O, _unnamed_relation),
    Reason("prov's PROV-O reader reads the shortcut of a qualified usage, generation, invalidation, start, end "
           "or derivation as a second record beside the qualified one", _PROV_O, _shortcut_read_twice),
    Reason("not valid PROV-N: a name uses a prefix the document does not declare (prov keeps it as a "
           "prov:QUALIFIED_NAME literal); the record is rejected naming the line",
           ("provn",), _undeclared_prefix, rejection="is not declared"),
    Reason("PROV-CONSTRAINTS unique generation: one entity's generations name two activities, two times "
           "or two identifiers; the record is rejected by SHACL", _ALL, _generations_conflict,
           rejection="SHACL violation"),
    Reason("generations without identifier of one entity by one activity are one generation (PROV-CONSTRAINTS "
           "unique generation): the store names it from its entity and activity, with every role said",
           _ALL, _repeated_generation),
    Reason("an activity with two start times (PROV-CONSTRAINTS unification fails); rejected by SHACL",
           _ALL, _two_starts, rejection="SHACL violation"),
    Reason("its JSON-LD @context is a URL, which is never fetched; the error says to write the context "
           "into the document", ("provjsonld",), applies_to_text=_remote_context, rejection="is not fetched"),
    Reason("a language tag is kept in lower case (tags are case-insensitive, BCP 47; Oxigraph normalizes them)",
           _ALL, _language_case),
    Reason("a PROV-XML membership of several members is one membership per member (PROV-N and PROV-O "
           "have one member per hadMember)", ("provxml",), _several_members),
    Reason("an empty document: no record, which is an error", _ALL, _empty,
           rejection="no provenance records found"),
]


# -- one case -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """How one document came back: ``equal``, ``equal as PROV``, ``differs`` or ``rejected``, and what was seen."""

    kind: str
    detail: str = ""


@cache
def outcome(name: str) -> Outcome:
    """Ingest corpus document ``name`` into an empty store, export the store, compare."""
    fmt = native(name)
    store = open_store(":memory:")
    report = ingest(store, [CORPUS / name])
    if report.rejected:
        return Outcome("rejected", "; ".join(str(r) for r in report.rejected))
    expected = source(name)
    back = _read(export(store, fmt), fmt)
    if same_document(expected, back):
        return Outcome("equal")
    left, right = as_prov(records(by_value(expected))), as_prov(records(by_value(back)))
    if left == right:
        return Outcome("equal as PROV")
    return Outcome("differs", difference(left, right))


def reasons(name: str) -> list[Reason]:
    """The reasons of :data:`REASONS` that hold for ``name`` (a rejection's only if it says their message)."""
    found = outcome(name)
    return [r for r in REASONS if r.explains(name)
            and (found.kind == "rejected") == (r.rejection is not None)
            and (r.rejection is None or r.rejection in found.detail)]  # fmt: skip


@pytest.mark.parametrize("name", tried())
def test_document_comes_back(name: str) -> None:
    """The export of a store holding ``name`` is ``name``, or differs for a stated reason."""
    found = outcome(name)
    if found.kind in ("equal", "equal as PROV"):
        return
    assert reasons(name), f"{name} {found.kind} for no stated reason:\n{found.detail}"


def test_every_reason_explains_a_case() -> None:
    """No rule of :data:`REASONS` is kept that no case needs."""
    unexplaining = {r.text for r in REASONS} - {r.text for name in tried()
                                                if outcome(name).kind in ("differs", "rejected")
                                                for r in reasons(name)}  # fmt: skip
    assert not unexplaining


def figure() -> dict[str, tuple[int, int, int, int, int]]:
    """Per format: (tried, equal, equal as PROV, differs, rejected)."""
    counted: dict[str, Counter] = {}
    for name in tried():
        counted.setdefault(native(name), Counter())[outcome(name).kind] += 1
    return {fmt: (sum(c.values()), c["equal"], c["equal as PROV"], c["differs"], c["rejected"])
            for fmt, c in sorted(counted.items())}  # fmt: skip


def test_the_figure() -> None:
    """The round-trip figures are what the module says (see :data:`FIGURE`)."""
    assert figure() == FIGURE

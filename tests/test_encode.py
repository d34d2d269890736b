"""The encoder: dual typing, shortcut plus qualified relations, stable IRIs, UTC times, every PROV relation."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from helpers import CHAIN, chain_record

from provrdf import model as m
from provrdf.identifiers import external, mint
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import PROV, VOPROV

BASE = "https://data.example.org/prov/"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
T_USE = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


def triples(record: m.Record) -> set[tuple[str, str, str]]:
    return {(q.subject.value, q.predicate.value, q.object.value) for q in Encoder(BASE).encode(record).quads}


def test_nodes_have_their_prov_and_voprov_class():
    out = triples(chain_record(0))
    activity = f"{BASE}activity/{CHAIN[0][0]}"
    dataset = f"{BASE}entity/path:{CHAIN[0][3]}"
    assert {(activity, TYPE, PROV + "Activity"), (activity, TYPE, VOPROV + "Activity")} <= out
    assert {(dataset, TYPE, PROV + "Entity"), (dataset, TYPE, VOPROV + "DatasetEntity")} <= out


def test_relations_are_shortcut_and_qualified_with_role():
    out = triples(chain_record(0))
    activity = f"{BASE}activity/{CHAIN[0][0]}"
    raw = f"{BASE}entity/path:{CHAIN[0][2]}"
    assert (activity, PROV + "used", raw) in out
    (usage,) = [o for s, p, o in out if s == activity and p == PROV + "qualifiedUsage"]
    assert usage.startswith(f"{BASE}usage/")
    assert {(usage, PROV + "entity", raw), (usage, PROV + "hadRole", "DL0/Event"), (usage, TYPE, PROV + "Usage")} <= out


def test_same_record_gives_the_same_quads_and_no_blank_nodes():
    first = Encoder(BASE).encode(chain_record(1))
    second = Encoder(BASE).encode(chain_record(1))
    assert first.quads == second.quads
    assert not [q for q in first.quads if type(q.subject).__name__ == "BlankNode"]


def test_times_are_utc_with_z():
    record = chain_record(0)
    record.activities[0].start = datetime(2025, 3, 27, 16, 2, 11, tzinfo=timezone(timedelta(hours=2)))
    out = triples(record)
    starts = [o for s, p, o in out if p == PROV + "startedAtTime"]
    assert starts == ["2025-03-27T14:02:11Z"]


def test_descriptions_go_to_their_own_graph():
    encoded = Encoder(BASE).encode(chain_record(2))
    names = {g.value for g in encoded.graphs}
    assert names == {f"{BASE}bundle/{CHAIN[2][0]}", mint(BASE, "description/activity", "ctapipe-apply-models/0.24.0")}


def test_unknown_agent_type_is_an_error():
    record = chain_record(0)
    record.agents[0].type = "Robot"
    with pytest.raises(ValueError, match="'Robot', not one of Person, Organization, SoftwareAgent"):
        Encoder(BASE).encode(record)


def test_empty_parameter_value_is_kept():
    record = chain_record(0)
    record.parameters[0].value = ""
    assert [o for s, p, o in triples(record) if p == PROV + "value"] == [""]


def test_a_relation_stated_twice_is_written_once():
    record = chain_record(0)
    record.generations.append(m.Generation(record.generations[0].entity, record.generations[0].activity, role="DL1/Event"))
    encoded = Encoder(BASE).encode(record)
    assert len(encoded.quads) == len(set(map(str, encoded.quads)))


# -- relations of W3C PROV: ids, attributes, the PROV-only relations ------------------

W3C = "https://example.org/doc/"


def w3c_record(**relations) -> m.Record:
    """Two activities, three entities and two agents, all with a document's own IRIs."""
    a1, a2, e1, e2, plan, alice, bot = (external(W3C + name) for name in ("a1", "a2", "e1", "e2", "plan", "alice", "bot"))
    record = m.Record(
        id=external(W3C + "bundle"),
        activities=[m.Activity(a1), m.Activity(a2)],
        entities=[m.Entity(e1), m.Entity(e2), m.Entity(plan, extra={"rdf:type": m.IRI(PROV + "Plan")})],
        agents=[m.Agent(alice, "Alice", "Person"), m.Agent(bot, "bot", "SoftwareAgent")],
    )
    for name, items in relations.items():
        setattr(record, name, items)
    return record


def doc(name: str) -> str:
    return external(W3C + name)


def test_a_relation_with_an_id_keeps_it_as_its_iri_and_carries_its_attributes():
    record = w3c_record(usages=[
        m.Usage(doc("a1"), doc("e1"), "input", T_USE, id=doc("u1"),
                extra={"http://example.org/ns#note": m.Typed("vu", language="fr")}),
    ])  # fmt: skip
    out = triples(record)
    u1 = W3C + "u1"
    assert (W3C + "a1", PROV + "used", W3C + "e1") in out
    assert (W3C + "a1", PROV + "qualifiedUsage", u1) in out
    assert {(u1, TYPE, PROV + "Usage"), (u1, TYPE, VOPROV + "Used"), (u1, PROV + "entity", W3C + "e1"),
            (u1, PROV + "hadRole", "input"), (u1, "http://example.org/ns#note", "vu")} <= out  # fmt: skip
    (note,) = [q.object for q in Encoder(BASE).encode(record).quads if q.predicate.value.endswith("#note")]
    assert note.language == "fr"


def test_every_prov_relation_has_its_shortcut_and_qualified_node():
    record = w3c_record(
        generations=[m.Generation(doc("e2"), doc("a1"), "out", time=T_USE, id=doc("g1"))],
        invalidations=[m.Invalidation(doc("e1"), doc("a2"), T_USE, "cleanup", id=doc("inv"))],
        starts=[m.Start(doc("a2"), doc("e1"), doc("a1"), T_USE, id=doc("st"))],
        ends=[m.End(doc("a2"), doc("e2"), doc("a1"), T_USE, id=doc("en"))],
        associations=[m.Association(doc("a1"), doc("alice"), "operator", doc("plan"), id=doc("as"))],
        delegations=[m.Delegation(doc("bot"), doc("alice"), doc("a1"), id=doc("dl"))],
        influences=[m.Influence(doc("e2"), doc("alice"), id=doc("inf"))],
        specializations=[m.Specialization(doc("e2"), doc("e1"))],
        alternates=[m.Alternate(doc("e1"), doc("e2"))],
    )
    out = triples(record)
    expected = {
        ("e2", "wasGeneratedBy", "a1"), ("e2", "qualifiedGeneration", "g1"), ("g1", "activity", "a1"),
        ("e1", "wasInvalidatedBy", "a2"), ("e1", "qualifiedInvalidation", "inv"), ("inv", "activity", "a2"),
        ("a2", "wasStartedBy", "e1"), ("a2", "qualifiedStart", "st"), ("st", "entity", "e1"), ("st", "hadActivity", "a1"),
        ("a2", "wasEndedBy", "e2"), ("a2", "qualifiedEnd", "en"), ("en", "entity", "e2"), ("en", "hadActivity", "a1"),
        ("a1", "wasAssociatedWith", "alice"), ("as", "agent", "alice"), ("as", "hadPlan", "plan"),
        ("bot", "actedOnBehalfOf", "alice"), ("bot", "qualifiedDelegation", "dl"), ("dl", "agent", "alice"),
        ("dl", "hadActivity", "a1"),
        ("e2", "wasInfluencedBy", "alice"), ("e2", "qualifiedInfluence", "inf"), ("inf", "influencer", "alice"),
        ("e2", "specializationOf", "e1"), ("e1", "alternateOf", "e2"),
    }  # fmt: skip
    assert {(W3C + s, PROV + p, W3C + o) for s, p, o in expected} <= out
    classes = {"g1": "Generation", "inv": "Invalidation", "st": "Start", "en": "End", "as": "Association",
               "dl": "Delegation", "inf": "Influence"}  # fmt: skip
    assert {(W3C + node, TYPE, PROV + cls) for node, cls in classes.items()} <= out
    voprov_typed = {s for s, p, o in out if p == TYPE and o.startswith(VOPROV) and s.startswith(W3C)}
    assert voprov_typed >= {W3C + "g1", W3C + "as"}
    assert not voprov_typed & {W3C + n for n in ("inv", "st", "en", "dl", "inf")}  # PROV-only relations
    assert (W3C + "plan", TYPE, PROV + "Plan") in out
    times = {s for s, p, o in out if p == PROV + "atTime"}
    assert times == {W3C + n for n in ("g1", "inv", "st", "en")}


def test_a_derivation_subtype_adds_its_class_shortcut_and_qualifier():
    record = w3c_record(
        usages=[m.Usage(doc("a1"), doc("e1"), id=doc("u1"))],
        generations=[m.Generation(doc("e2"), doc("a1"), id=doc("g1"))],
        derivations=[m.Derivation(doc("e2"), doc("e1"), doc("a1"), doc("g1"), doc("u1"), "Quotation", doc("d1"))],
    )
    out = triples(record)
    e1, e2, d1 = W3C + "e1", W3C + "e2", W3C + "d1"
    assert {(e2, PROV + "wasDerivedFrom", e1), (e2, PROV + "wasQuotedFrom", e1),
            (e2, PROV + "qualifiedDerivation", d1), (e2, PROV + "qualifiedQuotation", d1),
            (d1, TYPE, PROV + "Derivation"), (d1, TYPE, PROV + "Quotation"), (d1, TYPE, VOPROV + "WasDerivedFrom"),
            (d1, PROV + "hadActivity", W3C + "a1"), (d1, PROV + "hadGeneration", W3C + "g1"),
            (d1, PROV + "hadUsage", W3C + "u1")} <= out  # fmt: skip
    record.derivations[0].type = "Copy"
    with pytest.raises(ValueError, match="'Copy', not one of Revision, Quotation, PrimarySource"):
        Encoder(BASE).encode(record)


def test_a_relation_without_its_object_has_no_shortcut_and_no_provdm_class():
    record = w3c_record(usages=[m.Usage(doc("a1"), None, time=T_USE)], generations=[m.Generation(doc("e2"), None)])
    out = triples(record)
    assert not [t for t in out if t[1] in (PROV + "used", PROV + "wasGeneratedBy")]
    (usage,) = [o for s, p, o in out if p == PROV + "qualifiedUsage"]
    assert {p for s, p, o in out if s == usage} == {TYPE, PROV + "atTime"}
    assert [o for s, p, o in out if s == usage and p == TYPE] == [PROV + "Usage"]


def test_relations_without_ids_differ_by_what_they_say():
    same = [m.Usage(doc("a1"), doc("e1"), "input"), m.Usage(doc("a1"), doc("e1"), "input")]
    apart = [m.Usage(doc("a1"), doc("e1"), "input", T_USE), m.Usage(doc("a1"), doc("e1"), "input", T_USE + timedelta(1))]
    count = lambda usages: len({o for s, p, o in triples(w3c_record(usages=usages)) if p == PROV + "qualifiedUsage"})
    assert (count(same), count(apart)) == (1, 2)


def test_influence_mints_each_end_by_its_kind():
    record = chain_record(0)
    record.influences = [m.Influence(record.activities[0].id, "CTAO")]
    out = triples(record)
    activity, agent = f"{BASE}activity/{CHAIN[0][0]}", f"{BASE}agent/CTAO"
    assert (activity, PROV + "wasInfluencedBy", agent) in out


def test_parameter_with_its_own_id_and_attributes():
    record = chain_record(0)
    record.parameters[0].id = doc("param/max_events")
    record.parameters[0].extra = {"rdfs:comment": "from the job form"}
    out = triples(record)
    node = W3C + "param/max_events"
    assert (f"{BASE}activity/{CHAIN[0][0]}", VOPROV + "wasConfiguredBy", node) in out
    assert (node, "http://www.w3.org/2000/01/rdf-schema#comment", "from the job form") in out

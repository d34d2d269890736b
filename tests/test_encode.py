"""The encoder: dual typing, shortcut plus qualified relations, stable IRIs, UTC times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from provrdf import model as m
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import PROV, VOPROV

from conftest import CHAIN, chain_record

BASE = "https://data.example.org/prov/"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


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
    assert names == {f"{BASE}bundle/{CHAIN[2][0]}", f"{BASE}description/activity/ctapipe-apply-models/0.24.0"}


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

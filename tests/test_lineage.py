"""Lineage walks over a three-step chain: ids, directions, depths."""

from __future__ import annotations

import pytest

from provrdf.identifiers import mint
from provrdf.lineage import NotFound, lineage, resolve

from conftest import CHAIN

FINAL = CHAIN[2][3]
RAW = CHAIN[0][2]


def labels(result) -> set[str]:
    return {n.value.rsplit("/", 1)[-1] for n in result.nodes}


def activity_iri(store, step: int) -> str:
    return mint(store.base, "activity", CHAIN[step][0])


def test_back_all_reaches_the_raw_data(chain_store):
    result = lineage(chain_store, FINAL)
    names = labels(result)
    assert {uuid for uuid, *_ in CHAIN} <= names
    assert "gamma_run1.simtel.zst" in names
    assert len(result.nodes) == 7  # 4 files, 3 activities


def test_depth_counts_relation_steps(chain_store):
    assert labels(lineage(chain_store, FINAL, depth=0)) == {"gamma_run1.final.dl2.h5"}
    assert labels(lineage(chain_store, FINAL, depth=1)) == {"gamma_run1.final.dl2.h5", CHAIN[2][0]}
    two = labels(lineage(chain_store, FINAL, depth=2))
    assert two == {"gamma_run1.final.dl2.h5", CHAIN[2][0], "gamma_run1.dl2.h5"}


def test_forth_from_raw_reaches_the_final_product(chain_store):
    result = lineage(chain_store, RAW, direction="forth")
    assert "gamma_run1.final.dl2.h5" in labels(result)
    assert len(result.nodes) == 7


def test_forth_from_the_middle_does_not_go_back(chain_store):
    names = labels(lineage(chain_store, CHAIN[1][3], direction="forth"))
    assert CHAIN[0][0] not in names and CHAIN[2][0] in names


def test_start_by_activity_uuid_and_by_iri(chain_store):
    by_uuid = lineage(chain_store, CHAIN[1][0])
    by_iri = lineage(chain_store, activity_iri(chain_store, 1))
    assert by_uuid.nodes == by_iri.nodes
    assert labels(by_uuid) == {CHAIN[1][0], CHAIN[0][0], "gamma_run1.dl1.h5", "gamma_run1.simtel.zst"}


def test_result_carries_relations_roles_and_configuration(chain_store):
    triples = lineage(chain_store, FINAL).triples
    predicates = {t.predicate.value.rsplit("#", 1)[-1] for t in triples}
    assert {"used", "wasGeneratedBy", "qualifiedUsage", "hadRole", "wasConfiguredBy", "value"} <= predicates
    roles = {t.object.value for t in triples if t.predicate.value.endswith("#hadRole")}
    assert {"DL0/Event", "DL1/Event", "DL2/Event", "Provider"} <= roles


def test_a_shallow_result_has_no_dangling_usage(chain_store):
    triples = lineage(chain_store, FINAL, depth=1).triples
    usages = {t.object for t in triples if t.predicate.value.endswith("#qualifiedUsage")}
    assert not usages  # the activity's input is two steps away, so its usage is left out


def test_unknown_and_hostile_ids_are_not_found(chain_store):
    with pytest.raises(NotFound, match="no entity or activity .* answers to 'no-such-product'"):
        lineage(chain_store, "no-such-product")
    with pytest.raises(NotFound):
        resolve(chain_store, '/x" } UNION { ?n ?p ?o } #')

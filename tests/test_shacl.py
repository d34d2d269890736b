"""The validator: batched checks give each record exactly its own results."""

from __future__ import annotations

from datetime import timedelta

import pytest

from provrdf import model as m
from provrdf.rdf.encode import Encoder
from provrdf.shacl import Validator

from helpers import chain_record


@pytest.fixture(scope="module")
def validator():
    return Validator()


def records() -> list[m.Record]:
    good, backwards, bad_role, shared = chain_record(0), chain_record(1), chain_record(2), chain_record(0)
    activity = backwards.activities[0]
    activity.end = activity.start - timedelta(minutes=5)  # ends before it starts
    bad_role.associations[0].role = "Janitor"  # outside the recommended agent roles: a Warning
    shared.id = "copy-of-step-0"  # a second record stating the same nodes as the first
    return [good, backwards, bad_role, shared]


def key(issues):
    return sorted((i.severity, i.focus, i.path or "", i.shape or "") for i in issues)


def test_batch_results_equal_one_by_one_results(validator):
    encoded = [Encoder().encode(r) for r in records()]
    batched = validator.check_batch(encoded)
    alone = [validator.check_quads(e.quads) for e in encoded]
    assert [key(b) for b in batched] == [key(a) for a in alone]
    assert [sorted({i.severity for i in issues}) for issues in batched] == [[], ["Violation"], ["Warning"], []]


def test_the_same_graph_twice_gives_the_same_results(validator):
    quads = Encoder().encode(records()[1]).quads
    first, second = validator.check_quads(quads), validator.check_quads(quads)
    assert key(first) == key(second) and first

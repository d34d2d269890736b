"""Lineage with ProvSAP semantics: ids, DEPTH, DIRECTION, MEMBERS, AGENT,
descriptions, configuration and MODEL, each shown by the nodes it returns."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from provrdf import model as m
from provrdf.identifiers import mint
from provrdf.walk import NotFound, lineage, resolve
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import PROV, RDF, VOPROV

from helpers import CHAIN, DATA

FINAL = CHAIN[2][3]
RAW = CHAIN[0][2]
FILES = {step[2].rsplit("/", 1)[-1] for step in CHAIN} | {FINAL.rsplit("/", 1)[-1]}
UUIDS = {uuid for uuid, *_ in CHAIN}


def labels(result) -> set[str]:
    return {n.value.rsplit("/", 1)[-1] for n in result.nodes}


def kinds(result) -> dict[str, set[str]]:
    """Local names of the answer's nodes, by their most telling class."""
    types: dict[str, set[str]] = {}
    for t in result.triples:
        if t.predicate.value == RDF + "type" and t.subject in result.nodes:
            types.setdefault(t.subject.value, set()).add(t.object.value.rsplit("#", 1)[-1])
    found: dict[str, set[str]] = {}
    for node, classes in types.items():
        kind = next((k for k in ("Parameter", "ActivityDescription", "Activity", "Agent", "Entity") if k in classes),
                    "other")
        found.setdefault(kind, set()).add(node.rsplit("/", 1)[-1])
    return found


def predicates(result) -> set[str]:
    return {t.predicate.value for t in result.triples}


def activity_iri(store, step: int) -> str:
    return mint(store.base, "activity", CHAIN[step][0])


def assert_self_contained(result) -> None:
    """Every resource the answer names (other than a class) is described in it."""
    subjects = {t.subject for t in result.triples}
    named = {t.object for t in result.triples
             if t.predicate.value not in (RDF + "type", PROV + "type") and t.object.__class__.__name__ == "NamedNode"}
    assert named <= subjects, f"mentioned but not described: {sorted(n.value for n in named - subjects)}"


# --- DEPTH and DIRECTION ----------------------------------------------------


def test_back_all_reaches_the_raw_data_with_its_configuration(chain_store):
    result = lineage(chain_store, FINAL)
    found = kinds(result)
    assert found["Activity"] == UUIDS
    assert found["Entity"] == FILES
    assert found["Parameter"] == {"ProcessorTool.EventSource.max_events"}
    assert sum("/parameter/" in n.value for n in result.nodes) == 3  # one per activity
    assert found["ActivityDescription"] == {"_0.24.0"}  # both tools' descriptions end in the version
    assert "Agent" not in found  # AGENT is off by default


def test_depth_counts_relation_steps(chain_store):
    def walked(depth):
        found = kinds(lineage(chain_store, FINAL, depth=depth))
        return found.get("Activity", set()) | found.get("Entity", set())

    assert walked(0) == {"gamma_run1.final.dl2.h5"}
    assert walked(1) == {"gamma_run1.final.dl2.h5", CHAIN[2][0]}  # entity → its generating activity
    assert walked(2) == walked(1) | {"gamma_run1.dl2.h5"}  # → what that activity used
    assert walked(3) == walked(2) | {CHAIN[1][0]}
    assert walked(6) == walked(None) == UUIDS | FILES


@pytest.mark.parametrize("spelling", ["forth", "FORTH", "forward", "FORWARD"])
def test_forth_from_raw_reaches_the_final_product(chain_store, spelling):
    found = kinds(lineage(chain_store, RAW, direction=spelling))
    assert found["Activity"] == UUIDS and found["Entity"] == FILES


def test_forth_from_the_middle_does_not_go_back(chain_store):
    names = labels(lineage(chain_store, CHAIN[1][3], direction="forth"))
    assert CHAIN[0][0] not in names and CHAIN[2][0] in names


def test_back_is_the_default_and_accepts_its_ivoa_spelling(chain_store):
    assert lineage(chain_store, FINAL, direction="BACK").nodes == lineage(chain_store, FINAL).nodes


def test_bad_options_are_refused(chain_store):
    with pytest.raises(ValueError, match="direction must be back or forth"):
        lineage(chain_store, FINAL, direction="sideways")
    with pytest.raises(ValueError, match="depth must be 0 or more"):
        lineage(chain_store, FINAL, depth=-1)
    with pytest.raises(ValueError, match="model must be one of ivoa, w3c"):
        lineage(chain_store, FINAL, model="provdm")


# --- ID ------------------------------------------------------------------------


def test_start_by_activity_uuid_and_by_iri(chain_store):
    by_uuid = lineage(chain_store, CHAIN[1][0])
    by_iri = lineage(chain_store, activity_iri(chain_store, 1))
    assert by_uuid.nodes == by_iri.nodes
    found = kinds(by_uuid)
    assert found["Activity"] | found["Entity"] == {CHAIN[1][0], CHAIN[0][0], "gamma_run1.dl1.h5",
                                                   "gamma_run1.simtel.zst"}


def test_several_ids_give_the_union_of_their_lineages(chain_store):
    both = lineage(chain_store, [FINAL, CHAIN[0][3]], depth=1)
    one, other = lineage(chain_store, FINAL, depth=1), lineage(chain_store, CHAIN[0][3], depth=1)
    assert set(both.nodes) == set(one.nodes) | set(other.nodes)
    assert {n.value for n in both.start} == {n.value for n in one.start + other.start}
    assert CHAIN[0][0] in labels(both) and CHAIN[2][0] in labels(both)


def test_unknown_and_hostile_ids_are_not_found(chain_store):
    with pytest.raises(NotFound, match="no entity or activity .* answers to 'no-such-product'"):
        lineage(chain_store, "no-such-product")
    with pytest.raises(NotFound):
        resolve(chain_store, '/x" } UNION { ?n ?p ?o } #')


def test_an_activity_id_given_inside_a_session_is_found_by_the_id_alone(memory_store):
    from provrdf import ingest

    ingest(memory_store, [DATA / "logprov" / "imagestack.log"])
    (start,) = resolve(memory_store, "e5d48a")
    assert start.value.startswith(memory_store.base + "activity/") and start.value.endswith("/e5d48a")
    assert "select_frames" in labels(lineage(memory_store, "e5d48a", depth=0))
    with pytest.raises(NotFound):
        resolve(memory_store, "5d48a")  # the end of an id is not the id
    with pytest.raises(NotFound):
        resolve(memory_store, 'e5d48a") || true || STR("')


# --- AGENT ---------------------------------------------------------------------


def test_agents_come_only_when_asked(chain_store):
    without = lineage(chain_store, FINAL)
    assert PROV + "wasAssociatedWith" not in predicates(without)
    assert not any(t.object.value == PROV + "Association" for t in without.triples)
    with_agents = lineage(chain_store, FINAL, agents=True)
    assert kinds(with_agents)["Agent"] == {"CTAO"}
    assert {PROV + "wasAssociatedWith", PROV + "wasAttributedTo"} <= predicates(with_agents)
    roles = {t.object.value for t in with_agents.triples if t.predicate.value == PROV + "hadRole"}
    assert "Provider" in roles


def test_the_walk_never_goes_on_through_an_agent(chain_store):
    # all three activities share the agent CTAO: going through it would reach them all
    found = kinds(lineage(chain_store, CHAIN[0][3], agents=True))
    assert found["Activity"] == {CHAIN[0][0]}
    assert found["Agent"] == {"CTAO"}


def test_an_agent_is_one_step_away(chain_store):
    assert "Agent" not in kinds(lineage(chain_store, CHAIN[2][0], depth=0, agents=True))
    assert kinds(lineage(chain_store, CHAIN[2][0], depth=1, agents=True))["Agent"] == {"CTAO"}


def test_agents_bring_the_agents_they_acted_for(analysis_store):
    found = kinds(lineage(analysis_store, "/data/cube.fits", agents=True))
    assert found["Agent"] == {"alice", "ctao"}
    assert PROV + "actedOnBehalfOf" in predicates(lineage(analysis_store, "/data/cube.fits", agents=True))


# --- MEMBERS -------------------------------------------------------------------


def test_members_are_followed_only_when_asked(analysis_store):
    without = kinds(lineage(analysis_store, "/data/cube.fits"))
    assert without["Entity"] == {"cube.fits", "runlist"}
    assert without["Activity"] == {"stack"}
    with_members = kinds(lineage(analysis_store, "/data/cube.fits", members=True))
    assert with_members["Entity"] == {"cube.fits", "runlist", "run1.dl2.h5", "run2.dl2.h5", "run0.dl1.h5"}
    assert with_members["Activity"] == {"stack", "process1", "process2"}


def test_members_forth_lead_to_the_collection(analysis_store):
    found = kinds(lineage(analysis_store, "/data/run1.dl2.h5", direction="forth", members=True))
    assert {"runlist", "cube.fits"} <= found["Entity"]
    assert kinds(lineage(analysis_store, "/data/run1.dl2.h5", direction="forth"))["Entity"] == {"run1.dl2.h5"}


def test_membership_between_included_nodes_is_kept(analysis_store):
    result = lineage(analysis_store, "/data/cube.fits", members=True)
    assert sum(t.predicate.value == PROV + "hadMember" for t in result.triples) == 2
    assert not any(t.predicate.value == PROV + "hadMember" for t in lineage(analysis_store, "/data/cube.fits").triples)


# --- descriptions and configuration --------------------------------------------


def test_descriptions_can_be_left_out(chain_store):
    result = lineage(chain_store, FINAL, descriptions=False)
    assert "ActivityDescription" not in kinds(result)
    assert VOPROV + "isDescribedBy" not in predicates(result)
    assert VOPROV + "isDescribedBy" in predicates(lineage(chain_store, FINAL))


def test_configuration_can_be_left_out(chain_store):
    result = lineage(chain_store, FINAL, configuration=False)
    assert "Parameter" not in kinds(result)
    assert not {VOPROV + "wasConfiguredBy", VOPROV + "qualifiedConfiguration"} & predicates(result)
    values = {t.object.value for t in lineage(chain_store, FINAL).triples if t.predicate.value == PROV + "value"}
    assert values == {"100", "200", "300"}


# --- MODEL ----------------------------------------------------------------------


def test_w3c_model_gives_every_node_a_prov_class(chain_store):
    ivoa = lineage(chain_store, FINAL)
    w3c = lineage(chain_store, FINAL, model="W3C")

    def classless(result):
        types: dict = {}
        for t in result.triples:
            if t.predicate.value == RDF + "type":
                types.setdefault(t.subject, set()).add(t.object.value)
        return {s.value.rsplit("/", 1)[-1] for s, c in types.items() if not any(x.startswith(PROV) for x in c)}

    assert classless(ivoa) == {"_0.24.0"}  # the activity descriptions
    assert classless(w3c) == set()
    # the voprov class stays as a type (PROV-O's prov:type is rdf:type)
    assert {t.object.value for t in w3c.triples if t.predicate.value == RDF + "type"} >= {
        VOPROV + "ActivityDescription", VOPROV + "Parameter", PROV + "Entity"}
    assert PROV + "wasInfluencedBy" in predicates(w3c) and VOPROV + "wasConfiguredBy" not in predicates(w3c)
    assert PROV + "qualifiedInfluence" in predicates(w3c) and VOPROV + "artefact" not in predicates(w3c)
    assert VOPROV + "wasConfiguredBy" in predicates(ivoa)
    assert w3c.nodes == ivoa.nodes


# --- a self-contained answer -------------------------------------------------------


@pytest.mark.parametrize("options", [
    {}, {"depth": 1}, {"depth": 2, "agents": True}, {"agents": True, "members": True},
    {"descriptions": False, "configuration": False}, {"model": "w3c", "agents": True},
    {"direction": "forth", "agents": True},
])
def test_every_answer_is_self_contained(analysis_store, chain_store, options):
    for store, start in ((chain_store, FINAL if options.get("direction") != "forth" else RAW),
                         (analysis_store, "/data/cube.fits" if options.get("direction") != "forth"
                          else "/data/run0.dl1.h5")):
        assert_self_contained(lineage(store, start, **options))


def test_a_shallow_result_has_no_dangling_usage(chain_store):
    triples = lineage(chain_store, FINAL, depth=1).triples
    usages = {t.object for t in triples if t.predicate.value == PROV + "qualifiedUsage"}
    assert not usages  # the activity's input is two steps away, so its usage is left out


def test_result_carries_relations_roles_and_configuration(chain_store):
    result = lineage(chain_store, FINAL)
    names = {p.rsplit("#", 1)[-1] for p in predicates(result)}
    assert {"used", "wasGeneratedBy", "qualifiedUsage", "hadRole", "wasConfiguredBy", "value"} <= names
    roles = {t.object.value for t in result.triples if t.predicate.value == PROV + "hadRole"}
    assert {"DL0/Event", "DL1/Event", "DL2/Event"} <= roles


# --- a store with a collection and a delegation -------------------------------------


def _time(minute: int) -> datetime:
    return datetime(2025, 6, 2, 14, minute, tzinfo=timezone.utc)


def _analysis_record() -> m.Record:
    """Two runs processed to DL2, listed in a run list, stacked into a cube by alice for CTAO."""
    process = [m.Activity(id=f"process{i}", name=f"process{i}", start=_time(i), end=_time(i + 1)) for i in (1, 2)]
    files = [m.Entity(id=f"path:/data/run{i}.dl2.h5", kind="dataset", location=f"/data/run{i}.dl2.h5",
                      name=f"run{i}.dl2.h5") for i in (1, 2)]
    raw = m.Entity(id="path:/data/run0.dl1.h5", kind="dataset", location="/data/run0.dl1.h5", name="run0.dl1.h5")
    return m.Record(
        id="analysis-1",
        activities=[*process, m.Activity(id="stack", name="stack", start=_time(10), end=_time(11))],
        entities=[raw, *files,
                  m.Entity(id="runlist", kind="collection", name="runlist"),
                  m.Entity(id="path:/data/cube.fits", kind="dataset", location="/data/cube.fits", name="cube.fits")],
        agents=[m.Agent(id="alice", name="alice", type="Person"), m.Agent(id="ctao", name="ctao", type="Organization")],
        usages=[m.Usage("process1", raw.id), m.Usage("stack", "runlist", role="runs")],
        generations=[m.Generation(f.id, p.id) for f, p in zip(files, process)]
        + [m.Generation("path:/data/cube.fits", "stack", role="cube")],
        memberships=[m.Membership("runlist", f.id) for f in files],
        associations=[m.Association("stack", "alice", role="Operator")],
        delegations=[m.Delegation("alice", "ctao")],
    )


@pytest.fixture
def analysis_store(memory_store):
    """A store holding :func:`_analysis_record`."""
    memory_store.replace(Encoder(memory_store.base).encode(_analysis_record()).graphs)
    return memory_store

"""Same-file links: a function of the content, N − 1 links for N views of one file, whatever the order."""

from __future__ import annotations

import itertools

from pyoxigraph import DefaultGraph, NamedNode

from provrdf import lineage, model as m, query
from provrdf.check import verify
from provrdf.link import file_key, linkset_graph
from provrdf.pipeline import Ingester
from provrdf.store import open_store
from provrdf.store.base import LOCATIONS_GRAPH

DL2 = "/fefs/dl2/gamma_run1.dl2.h5"
#: One file as three tools recorded it: a path, a file:// URL with a dot segment, an LFN.
SPELLINGS = {"ctapipe": DL2, "gammapy": "file:///fefs/./dl2/gamma_run1.dl2.h5", "dirac": f"LFN:{DL2}"}


def record(tool: str, entity: str, location: str, *, used: bool = True) -> m.Record:
    """One activity of ``tool`` using (or generating) the file ``entity`` at ``location``."""
    activity = f"{tool}/run"
    rec = m.Record(id=activity, source=f"{tool}.log", activities=[m.Activity(id=activity, name=tool)],
                   entities=[m.Entity(id=entity, kind="dataset", location=location)])
    if used:
        rec.usages.append(m.Usage(activity, entity, role="input"))
    else:
        rec.generations.append(m.Generation(entity, activity, role="output"))
    return rec


def three_views() -> list[m.Record]:
    return [record("ctapipe", "8b86a06d-5ece-4f51-8b3a-2048f822ba3d", SPELLINGS["ctapipe"], used=False),
            record("gammapy", "md5:9c4f6c1d0b8e2a7f5e3d1c9b8a7f6e5d", SPELLINGS["gammapy"]),
            record("dirac", "lfn-guid-4711", SPELLINGS["dirac"])]


def links(store) -> set[tuple[str, str]]:
    rows = query(store, "SELECT ?a ?b WHERE { ?a prov:alternateOf ?b }")
    return {(row.text("a").rsplit("/", 1)[-1], row.text("b").rsplit("/", 1)[-1]) for row in rows}


def stored(records: list[m.Record]):
    store = open_store(":memory:")
    report = Ingester(store).records(records, "views", "test")
    assert report.ok, report.rejected
    return store


def test_every_spelling_of_a_file_has_one_key():
    assert {file_key(spelling) for spelling in SPELLINGS.values()} == {DL2}
    assert file_key("data/gamma_run1.dl2.h5") is None and file_key("frames") is None


def test_n_views_of_one_file_make_n_minus_one_links_to_the_smallest_iri():
    store = stored(three_views())
    assert links(store) == {("md5:9c4f6c1d0b8e2a7f5e3d1c9b8a7f6e5d", "8b86a06d-5ece-4f51-8b3a-2048f822ba3d"),
                            ("lfn-guid-4711", "8b86a06d-5ece-4f51-8b3a-2048f822ba3d")}
    graph = linkset_graph(DL2)
    assert len(list(store.quads(graph))) == 2 and all(q.graph_name == graph for q in store.quads(graph))
    assert verify(store).ok


def test_the_lineage_crosses_between_any_two_views():
    store = stored(three_views())
    answer = lineage(store, "lfn-guid-4711", configuration=False)
    assert store.base + "activity/ctapipe/run" in {node.value for node in answer.nodes}


def test_any_order_gives_the_same_links_index_and_knowledge_graph():
    found = set()
    for order in itertools.permutations(three_views()):
        store = stored(list(order))
        found.add(frozenset(q for q in store.quads() if q.graph_name in (LOCATIONS_GRAPH, DefaultGraph())
                            or q.graph_name.value.startswith(linkset_graph(DL2).value)))
    assert len(found) == 1


def test_links_stay_linear_for_a_file_a_thousand_entities_share():
    records = [record(f"job{i:04d}", f"out-{i:04d}", "/storage/shared/run.h5") for i in range(1000)]
    store = stored(records)
    graph = linkset_graph("/storage/shared/run.h5")
    targets = {q.object.value for q in store.quads(graph)}
    assert len(list(store.quads(graph))) == 999 and targets == {store.base + "entity/out-0000"}


def test_a_smaller_iri_arriving_relinks_the_file_to_it():
    store = stored([record("b", "bbb", DL2), record("c", "ccc", DL2)])
    assert links(store) == {("ccc", "bbb")}
    Ingester(store).records([record("a", "aaa", DL2)], "later", "test")
    assert links(store) == {("bbb", "aaa"), ("ccc", "aaa")}
    assert verify(store).ok


def test_locations_that_name_no_file_make_no_link():
    store = stored([record("a", "var-a", "frames"), record("b", "var-b", "frames"),
                    record("c", "url-c", "https://archive.example.org/get?id=1"),
                    record("d", "url-d", "https://archive.example.org/get?id=1")])
    assert links(store) == set() and not list(store.quads(LOCATIONS_GRAPH))


def test_a_link_a_source_states_itself_is_kept_once():
    views = three_views()
    views[2].alternates.append(m.Alternate("lfn-guid-4711", "8b86a06d-5ece-4f51-8b3a-2048f822ba3d"))
    store = stored(views)
    rows = list(query(store, "SELECT ?a ?b WHERE { ?a prov:alternateOf ?b }"))
    assert len(rows) == 2 and len(set(rows)) == 2
    said = list(query(store, f"SELECT ?g WHERE {{ GRAPH ?g {{ ?a prov:alternateOf ?b }} FILTER(?g != {linkset_graph(DL2)}) }}"))
    assert [row.node("g") for row in said] == [NamedNode(store.base + "bundle/dirac/run")]


def test_a_link_given_up_by_the_linkset_stays_while_a_record_states_it():
    store = stored([record("b", "bbb", DL2), record("c", "ccc", DL2)])
    newcomer = record("a", "aaa", DL2)
    newcomer.alternates.append(m.Alternate("ccc", "bbb"))  # the very link the linkset is about to give up
    Ingester(store).records([newcomer], "later", "test")
    assert links(store) == {("bbb", "aaa"), ("ccc", "aaa"), ("ccc", "bbb")}
    assert verify(store).ok

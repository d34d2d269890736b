"""provrdf check: the derived graphs of a store are what its records imply, and --repair makes them so."""

from __future__ import annotations

import pyoxigraph
import pytest
from click.testing import CliRunner
from pyoxigraph import DefaultGraph, Literal, NamedNode

from provrdf import ingest, query
from provrdf.check import repair, upgrade, verify
from provrdf.errors import StoreError
from provrdf.ingest_log import ingest_log_graph
from provrdf.cli import main
from provrdf.link import linkset_graph
from provrdf.rdf.terms import P, R
from provrdf.store import open_store
from provrdf.identifiers import DEFAULT_BASE
from provrdf.store.base import LOCATIONS_GRAPH
from provrdf.store.embedded import EmbeddedStore
from provrdf.store.layout import LAYOUT, layout_version, require_layout

from helpers import CAPTURE_SOURCES, DATA, DEMO


def spoil(store) -> None:
    """Damage each derived part once: a knowledge-graph triple lost, a bogus index entry, a bogus link."""
    fact = next(q for q in store.quads(DefaultGraph()) if q.predicate == P.atLocation)
    stranger = NamedNode(store.base + "entity/not-from-any-record")
    store.update(f"DELETE DATA {{ {fact.subject} {fact.predicate} {fact.object} }} ;"
                 f"INSERT DATA {{ GRAPH {LOCATIONS_GRAPH} {{ {stranger} {R.fileKey} {Literal('/x')} }}"
                 f" GRAPH {linkset_graph('/x')} {{ {stranger} {P.alternateOf} {fact.subject} }} }}")


def test_an_ingested_store_is_consistent():
    with open_store(":memory:") as store:
        assert ingest(store, CAPTURE_SOURCES).ok
        report = verify(store)
        assert report.ok and report.records > 20 and report.links >= 1 and report.knowledge > 1000


def test_damage_is_found_part_by_part_and_repaired():
    with open_store(":memory:") as store:
        ingest(store, CAPTURE_SOURCES)
        before = set(store.quads())
        spoil(store)
        found = {f.part: f for f in verify(store).findings}
        assert set(found) == {"knowledge graph", "file index", "linkset"}
        assert len(found["knowledge graph"].missing) == 1 and len(found["file index"].extra) == 1
        assert len(found["linkset"].extra) == 1
        assert not repair(store).ok and verify(store).ok
        assert set(store.quads()) == before


def test_the_cli_says_consistent_or_not_and_repairs(tmp_path):
    location = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(main, ["ingest", "--store", location, *map(str, sorted(DEMO.glob("*.log")))]).exit_code == 0
    clean = runner.invoke(main, ["check", "--store", location])
    assert clean.exit_code == 0 and clean.output.rstrip().endswith(": consistent")
    with open_store(location) as store:
        spoil(store)
    broken = runner.invoke(main, ["check", "--store", location])
    assert broken.exit_code == 1 and "knowledge graph: 1 quad(s) missing, 0 extra" in broken.output
    assert "NOT consistent" in broken.output
    fixed = runner.invoke(main, ["check", "--store", location, "--repair"])
    assert fixed.exit_code == 0 and "repaired" in fixed.output
    assert runner.invoke(main, ["check", "--store", location]).exit_code == 0
    with open_store(location) as store:
        assert not [q for q in store.quads(LOCATIONS_GRAPH) if q.subject.value.endswith("not-from-any-record")]


def layout1_quads():
    """The quads of a store as provrdf wrote it in layout 1 (tests/data/stores/layout1.nq)."""
    return pyoxigraph.parse(path=str(DATA / "stores" / "layout1.nq"), format=pyoxigraph.RdfFormat.N_QUADS)


def layout1_store():
    """That store, in memory (opened as the store layer opens it, before any layout is settled)."""
    store = EmbeddedStore(None, base=DEFAULT_BASE)
    store.bulk_load(layout1_quads())
    return store


def layout1_folder(tmp_path):
    """That store, on disk."""
    folder = tmp_path / "layout1"
    raw = pyoxigraph.Store(str(folder))
    raw.bulk_extend(layout1_quads())
    raw.flush()
    del raw
    return folder


def test_a_layout_1_store_is_refused_with_the_command_that_upgrades_it():
    store = layout1_store()
    assert layout_version(store) == 1
    with pytest.raises(StoreError, match=r"has layout 1, .*`provrdf check --repair --store :memory:` upgrades it"):
        require_layout(store)


def test_upgrading_layout_1_gives_the_store_a_fresh_ingest_gives():
    store = layout1_store()
    assert len(query(store, "SELECT ?a { ?a a prov:Activity }")) == 0  # layout 1 answered from the named graphs
    assert upgrade(store) == 1 and layout_version(store) == LAYOUT and upgrade(store) is None
    require_layout(store)
    fresh = open_store(":memory:")
    ingest(fresh, [*sorted(DEMO.glob("*.log")), *sorted((DATA / "cross").iterdir()),
                   DATA / "ctapipe" / "bad_record.provenance.log"])
    assert set(store.quads(DefaultGraph())) == set(fresh.quads(DefaultGraph()))
    assert verify(store).ok
    log = ingest_log_graph(store)
    assert not query(store, f"ASK {{ GRAPH {log} {{ ?n a prov:Activity }} }}")
    assert query(store, f"ASK {{ GRAPH {log} {{ ?n a provrdf:Software }} }}")


def test_a_layout_1_store_is_upgraded_when_opened_for_writing_and_refused_read_only(tmp_path):
    folder = layout1_folder(tmp_path)
    with pytest.raises(StoreError, match=r"has layout 1, .*`provrdf check --repair --store .*layout1` upgrades it"):
        open_store(folder, read_only=True)
    result = CliRunner().invoke(main, ["query", "--store", str(folder), "SELECT ?a { ?a a prov:Activity }"])
    assert result.exit_code == 1 and "has layout 1" in result.output
    assert CliRunner().invoke(main, ["check", "--store", str(folder), "--repair"]).exit_code == 0
    with open_store(folder, read_only=True) as store:
        assert layout_version(store) == LAYOUT and verify(store).ok
        assert len(query(store, "SELECT ?a { ?a a prov:Activity }")) == 12

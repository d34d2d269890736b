"""The embedded store: base IRI, atomic graph replacement, persistence, escaping; where a store is, and how it opens."""

from __future__ import annotations

import pyoxigraph
import pytest
from click.testing import CliRunner
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad

from provrdf.cli import main
from provrdf.errors import StoreError
from provrdf.identifiers import DEFAULT_BASE
from provrdf.rdf.encode import Encoder
from provrdf.store import holds_store, open_store
from provrdf.store.oxigraph import DEFAULT_TIMEOUT, TIMEOUT_VARIABLE, store_timeout
from provrdf.store.base import SETTINGS_GRAPH

from helpers import chain_record

G = NamedNode("https://example.org/graph/1")
S = NamedNode("https://example.org/s")
P = NamedNode("https://example.org/p")


def test_new_store_records_its_base(tmp_path):
    with open_store(tmp_path / "s", base="https://data.example.org/prov/") as store:
        assert store.base == "https://data.example.org/prov/"
    with open_store(tmp_path / "s") as store:
        assert store.base == "https://data.example.org/prov/"


def test_store_refuses_another_base(tmp_path):
    open_store(tmp_path / "s").close()
    with pytest.raises(StoreError, match=DEFAULT_BASE):
        open_store(tmp_path / "s", base="https://elsewhere.example.org/")


def test_data_survives_reopening(tmp_path):
    with open_store(tmp_path / "s") as store:
        store.replace({G: [Quad(S, P, Literal("kept"), G)]})
    with open_store(tmp_path / "s") as store:
        assert [q.object.value for q in store.quads(G)] == ["kept"]


def test_replace_swaps_a_graph_and_leaves_others(memory_store):
    other = NamedNode("https://example.org/graph/2")
    memory_store.replace({G: [Quad(S, P, Literal("old"), G)], other: [Quad(S, P, Literal("other"), other)]})
    memory_store.replace({G: [Quad(S, P, Literal("new"), G)]})
    named = [q for q in memory_store.quads() if q.predicate == P and isinstance(q.graph_name, NamedNode)]
    assert sorted(q.object.value for q in named) == ["new", "other"]
    assert sorted(q.object.value for q in memory_store.quads(DefaultGraph())) == ["new", "other"]


def test_failed_update_changes_nothing(memory_store):
    memory_store.replace({G: [Quad(S, P, Literal("before"), G)]})
    with pytest.raises(StoreError):
        memory_store.update(f"DROP GRAPH {G} ; INSERT DATA {{ GRAPH {G} {{ {S} {P} }} }}")
    assert [q.object.value for q in memory_store.quads(G)] == ["before"]


def test_hostile_literal_is_stored_verbatim(memory_store):
    hostile = 'x" } } ; DROP ALL ; INSERT DATA { <a> <b> "c'
    memory_store.replace({G: [Quad(S, P, Literal(hostile), G)]})
    assert [q.object.value for q in memory_store.quads(G)] == [hostile]


def test_replacing_a_record_twice_gives_the_same_quads(memory_store):
    encoded = Encoder(memory_store.base).encode(chain_record(0))
    memory_store.replace(encoded.graphs)
    first = sorted(map(str, memory_store.quads()))
    memory_store.replace(Encoder(memory_store.base).encode(chain_record(0)).graphs)
    assert sorted(map(str, memory_store.quads())) == first
    named = [q for q in memory_store.quads() if isinstance(q.graph_name, NamedNode)]
    assert len(named) == len(encoded) + 3  # + the settings graph's three triples (class, base, layout)
    content = {q.triple for q in named if q.graph_name != SETTINGS_GRAPH}
    assert {q.triple for q in memory_store.quads(DefaultGraph())} == content


def test_remote_location_is_a_clear_error():
    with pytest.raises(StoreError, match="remote SPARQL"):
        open_store("http://localhost:7878/")


# -- where a store is, and who opens it ----------------------------------------


def _listing(folder):
    return sorted((p.name, p.stat().st_size) for p in folder.iterdir())


@pytest.mark.parametrize("read_only", [False, True])
def test_no_store_at_a_location_is_an_error_that_creates_nothing(tmp_path, read_only):
    with pytest.raises(StoreError, match=f"^no provrdf store at {tmp_path / 'none'}$"):
        open_store(tmp_path / "none", create=False, read_only=read_only)
    assert not (tmp_path / "none").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="^no provrdf store at "):
        open_store(tmp_path / "empty", create=False, read_only=read_only)
    assert list((tmp_path / "empty").iterdir()) == []


def test_an_oxigraph_folder_that_is_not_provrdfs_is_no_store_and_is_left_alone(tmp_path):
    other = pyoxigraph.Store(str(tmp_path / "other"))
    other.add(Quad(S, P, Literal("theirs"), G))
    other.flush()
    del other
    before = _listing(tmp_path / "other")
    for read_only in (False, True):
        with pytest.raises(StoreError, match=f"^no provrdf store at {tmp_path / 'other'}$"):
            open_store(tmp_path / "other", create=False, read_only=read_only)
    assert _listing(tmp_path / "other") == before


def test_a_store_is_created_only_in_a_new_or_empty_folder(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("buy milk")
    with pytest.raises(StoreError, match="new or an empty folder .this one holds todo.txt."):
        open_store(tmp_path / "notes")
    assert [p.name for p in (tmp_path / "notes").iterdir()] == ["todo.txt"]
    (tmp_path / "empty").mkdir()
    open_store(tmp_path / "empty").close()
    assert holds_store(tmp_path / "empty")


def test_holds_store(tmp_path):
    assert not holds_store(tmp_path / "s")
    open_store(tmp_path / "s").close()
    assert holds_store(tmp_path / "s")
    assert holds_store(":memory:")


def test_a_read_only_store_refuses_every_change(tmp_path):
    with open_store(tmp_path / "s") as store:
        store.replace({G: [Quad(S, P, Literal("kept"), G)]})
    with open_store(tmp_path / "s", read_only=True) as store:
        assert store.read_only and [q.object.value for q in store.quads(G)] == ["kept"]
        for change in (lambda: store.update(f"DROP GRAPH {G}"), lambda: store.replace({G: []}),
                       lambda: store.bulk_load([Quad(S, P, Literal("new"), G)])):
            with pytest.raises(StoreError, match=f"^the store at {tmp_path / 's'} is open read-only$"):
                change()
    with open_store(tmp_path / "s", read_only=True) as store:
        assert [q.object.value for q in store.quads(G)] == ["kept"]


def test_a_read_only_store_keeps_the_recorded_base_and_writes_nothing(tmp_path):
    open_store(tmp_path / "s", base="https://data.example.org/prov/").close()
    before = {name for name, _ in _listing(tmp_path / "s")}
    with open_store(tmp_path / "s", read_only=True) as store:
        assert store.base == "https://data.example.org/prov/"
    with pytest.raises(StoreError, match="uses base IRI https://data.example.org/prov/"):
        open_store(tmp_path / "s", read_only=True, base="https://elsewhere.example.org/")
    assert {name for name, _ in _listing(tmp_path / "s")} <= before | {"provrdf-readers"}
    assert list((tmp_path / "s" / "provrdf-readers").iterdir()) == []


def test_a_closed_store_says_so(tmp_path):
    store = open_store(tmp_path / "s")
    store.close()
    with pytest.raises(StoreError, match="is closed"):
        store.graphs()
    open_store(tmp_path / "s").close()  # and lets the next writer in


def test_the_wait_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(TIMEOUT_VARIABLE, "2.5")
    assert store_timeout() == 2.5 and store_timeout(0) == 0
    monkeypatch.setenv(TIMEOUT_VARIABLE, "soon")
    with pytest.raises(StoreError, match="PROVRDF_STORE_TIMEOUT must be a number of seconds, not 'soon'"):
        store_timeout()
    monkeypatch.delenv(TIMEOUT_VARIABLE)
    assert store_timeout() == DEFAULT_TIMEOUT


@pytest.mark.parametrize("command", [["query", "ASK {}"], ["lineage", "x"], ["export", "--format", "turtle"],
                                     ["check"]])
def test_reading_commands_on_no_store_exit_one_and_create_nothing(tmp_path, command):
    location = tmp_path / "typo"
    result = CliRunner().invoke(main, [command[0], "--store", str(location), *command[1:]])
    assert result.exit_code == 1
    assert result.output == f"Error: no provrdf store at {location}\n"
    assert not location.exists()


def test_init_creates_an_empty_store_and_says_where(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["init", "--store", "new", "--base", "https://data.example.org/prov/"])
    assert result.exit_code == 0
    assert result.output == f"created an empty provrdf store at {tmp_path / 'new'}\n"
    again = CliRunner().invoke(main, ["init", "--store", "new"])
    assert again.output == f"a provrdf store is already at {tmp_path / 'new'}\n"
    with open_store("new", read_only=True) as store:
        assert store.base == "https://data.example.org/prov/"
        assert len(store.select("SELECT * WHERE { ?s ?p ?o }")) == 0  # the default graph: no knowledge yet
    query = CliRunner().invoke(main, ["query", "--store", "new", "--format", "csv",
                                      "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"])
    assert query.exit_code == 0 and query.output.splitlines() == ["s,p,o"]


def test_a_store_dropped_without_close_lets_the_next_writer_in(tmp_path):
    store = open_store(tmp_path / "s")
    store.replace({G: [Quad(S, P, Literal("kept"), G)]})
    del store
    with open_store(tmp_path / "s", timeout=0) as again:
        assert [q.object.value for q in again.quads(G)] == ["kept"]


def test_the_writer_flushes_its_log_so_that_readers_replay_little(tmp_path, monkeypatch):
    from provrdf.store import oxigraph

    monkeypatch.setattr(oxigraph, "FLUSH_BYTES", 2**18)
    logged = []
    with open_store(tmp_path / "s") as store:
        for i in range(40):
            g = NamedNode(f"https://example.org/graph/{i}")
            store.replace({g: [Quad(S, NamedNode(f"https://example.org/p{j}"), Literal(f"{i} {j}"), g)
                               for j in range(400)]})
            logged.append(max((p for p in (tmp_path / "s").glob("*.log")), key=lambda p: int(p.stem)).stat().st_size)
    one = max(b - a for a, b in zip(logged, logged[1:]) if b > a)  # the log one transaction writes
    assert max(logged) <= 2**18 + one  # the current log never outgrows the bound by more than one transaction
    assert len(logged) * one > 4 * 2**18  # though more was written than that: the flushes' doing

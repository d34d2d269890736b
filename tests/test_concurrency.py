"""Readers beside a writer, one writer at a time: real processes on one embedded store.

A writer child process holds the store open and writes when the test says
so (one line on its stdin, one transaction); readers are ``provrdf query``,
``lineage`` and ``export`` run as programs. Nothing is timed: every wait has
a hang guard only.
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from provrdf import api
from provrdf.errors import StoreError
from provrdf.store import open_store
from provrdf.store.lock import PID_FILE, writer_pid

from helpers import DEMO
from helpers.processes import child_env, run_provrdf

LOGS = sorted(DEMO.glob("*.provenance.log"))
#: The activity uuid of the first demo log.
FIRST = "fbfbe598-de69-4e1c-bb47-b952189171a3"
#: Hang guard (seconds) for one step of a child process.
GUARD = 120

#: A writer that holds the store open and, for each line ``N`` it reads, ingests the demo log N in one transaction.
WRITER = textwrap.dedent("""
    import sys
    from provrdf import api
    logs = sys.argv[2:]
    store = api.open_store(sys.argv[1])
    print("open", flush=True)
    for line in sys.stdin:
        if line.strip() == "close":
            break
        report = api.ingest(store, [logs[int(line)]])
        print("committed", report.stored, flush=True)
    store.close()
    print("closed", flush=True)
""")


class Writer:
    """The :data:`WRITER` child process, driven line by line."""

    def __init__(self, store: Path, *logs: Path) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", WRITER, str(store), *map(str, logs)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=child_env())
        self.expect("open")

    @property
    def pid(self) -> int:
        """The writer's process id."""
        return self.process.pid

    def say(self, line: str, answer: str) -> None:
        """Send ``line``, wait for ``answer``."""
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        self.expect(answer)

    def expect(self, answer: str) -> None:
        """Wait for the next line of the writer, which must be ``answer``."""
        assert self.process.stdout is not None
        line = self.process.stdout.readline().strip()
        assert line == answer, f"the writer said {line!r}, not {answer!r}"

    def close(self) -> None:
        """Let the writer close the store and end."""
        self.say("close", "closed")
        assert self.process.wait(timeout=GUARD) == 0


def _activities(store: Path) -> list[str]:
    done = run_provrdf("query", "--store", store, "--format", "csv",
                       "SELECT DISTINCT ?a WHERE { ?a a prov:Activity ; ctao:exitCode ?x } ORDER BY ?a", timeout=GUARD)
    assert done.returncode == 0, done.stderr
    return [row["a"] for row in csv.DictReader(io.StringIO(done.stdout))]


def test_readers_see_each_committed_write_while_the_writer_holds_the_store(tmp_path):
    store = tmp_path / "store"
    writer = Writer(store, *LOGS)
    try:
        assert _activities(store) == []  # created, empty, and open for writing
        seen = []
        for step in range(len(LOGS)):
            writer.say(str(step), "committed 1")
            now = _activities(store)
            assert len(now) == step + 1 and set(seen) < set(now)
            seen = now
        lineage = run_provrdf("lineage", "--store", store, FIRST, timeout=GUARD)
        assert lineage.returncode == 0, lineage.stderr
        assert "activity ctapipe-process" in lineage.stdout and "used [DL0/Event]" in lineage.stdout
        export = run_provrdf("export", "--store", store, "--format", "turtle", timeout=GUARD)
        assert export.returncode == 0, export.stderr
        assert all(activity.rsplit("/", 1)[1] in export.stdout for activity in seen)
        assert writer_pid(store) == writer.pid  # the writer still holds the store
    finally:
        writer.close()
    assert not (store / PID_FILE).exists()
    assert not any((store / "provrdf-readers").iterdir())  # the readers' snapshots are gone


def test_a_second_writer_waits_for_the_timeout_then_names_the_writer(tmp_path):
    store = tmp_path / "store"
    writer = Writer(store)
    try:
        done = run_provrdf("ingest", "--store", store, LOGS[0], timeout=GUARD, PROVRDF_STORE_TIMEOUT="0.5")
        assert done.returncode == 1
        assert done.stderr == f"Error: store {store} is in use by process {writer.pid}\n"
        assert done.stdout == ""
        with pytest.raises(StoreError, match=f"^store {store} is in use by process {writer.pid}$"):
            open_store(store, timeout=0.2)
    finally:
        writer.close()
    assert _activities(store) == []  # the refused writers changed nothing


#: A second writer that says when it starts to open the store, then says how many records it stored.
SECOND = textwrap.dedent("""
    import sys
    from provrdf import api
    print("opening", flush=True)
    with api.open_store(sys.argv[1], timeout=120) as store:
        print("stored", api.ingest(store, [sys.argv[2]]).stored, flush=True)
""")


def test_a_second_writer_goes_on_when_the_first_closes(tmp_path):
    store = tmp_path / "store"
    writer = Writer(store, LOGS[0])
    second = subprocess.Popen([sys.executable, "-c", SECOND, str(store), str(LOGS[1])], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=child_env())
    assert second.stdout is not None
    assert second.stdout.readline().strip() == "opening"  # it is in open_store while the first holds the store
    writer.say("0", "committed 1")
    writer.close()
    out, err = second.communicate(timeout=GUARD)
    assert second.returncode == 0, err
    assert out.strip() == "stored 1"
    assert len(_activities(store)) == 2


def test_a_writer_killed_leaves_no_lock(tmp_path):
    store = tmp_path / "store"
    writer = Writer(store, LOGS[0])
    writer.say("0", "committed 1")
    os.kill(writer.pid, signal.SIGKILL)
    writer.process.wait(timeout=GUARD)
    assert writer_pid(store) == writer.pid  # its PID file is left behind: stale, it must not block
    with open_store(store, timeout=0) as reopened:
        assert writer_pid(store) == os.getpid()
        assert len(api.query(reopened, "SELECT ?a WHERE { ?a a prov:Activity ; ctao:exitCode ?x }")) == 1
    assert not (store / PID_FILE).exists()


def test_a_stale_pid_file_of_a_dead_process_does_not_block(tmp_path):
    store = tmp_path / "store"
    open_store(store).close()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(timeout=GUARD)
    (store / PID_FILE).write_text(f"{gone.pid}\n")
    with open_store(store, timeout=0):
        assert writer_pid(store) == os.getpid()


def test_a_second_writable_open_in_the_same_process_fails_at_once(tmp_path):
    with open_store(tmp_path / "store"):
        with pytest.raises(StoreError, match="already open for writing in this process"):
            open_store(tmp_path / "store", timeout=60)
        with open_store(tmp_path / "store", read_only=True) as reader:  # reading beside it is fine
            assert reader.read_only


#: A writer that replaces 40 graphs of 800 quads round and round for ``sys.argv[2]`` seconds, flushing
#: every MiB of log (so that Oxigraph writes, compacts and deletes its files all the time).
CHURN = textwrap.dedent("""
    import sys, time
    from pyoxigraph import Literal, NamedNode, Quad
    from provrdf.store import oxigraph, open_store
    oxigraph.FLUSH_BYTES = 2**20
    store = open_store(sys.argv[1])
    print("open", flush=True)
    end, i = time.monotonic() + float(sys.argv[2]), 0
    while time.monotonic() < end:
        g = NamedNode(f"https://example.org/graph/{i % 40}")
        store.replace({g: [Quad(NamedNode(f"https://example.org/s{j}"), NamedNode("https://example.org/p"),
                                Literal(f"{i} {j}"), g) for j in range(800)]})
        i += 1
    store.close()
    print("writes", i, flush=True)
""")

#: A reader that opens the store read-only again and again for ``sys.argv[2]`` seconds, with its memory bounded,
#: and counts the opens and the graphs it did not see whole.
READER = textwrap.dedent("""
    import resource, sys, time
    from provrdf.store import open_store
    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))
    end, opens, partial = time.monotonic() + float(sys.argv[2]), 0, 0
    while time.monotonic() < end:
        with open_store(sys.argv[1], read_only=True) as store:
            opens += 1
            rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <https://example.org/p> ?o } } "
                                "GROUP BY ?g")
            partial += sum(1 for row in rows if row.text("n") != "800")
    print("opens", opens, "partial", partial, flush=True)
""")


def test_readers_survive_a_writer_that_compacts_all_the_time(tmp_path):
    """Oxigraph read-only beside a writer that flushes and compacts: each reader opens a snapshot of the files.

    Opened on the store folder itself, such a reader failed on files deleted
    under it, and once grew without bound until the system killed it.
    """
    store = tmp_path / "store"
    writer = subprocess.Popen([sys.executable, "-c", CHURN, str(store), "25"], stdout=subprocess.PIPE,
                              text=True, env=child_env())
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "open"
    reader = subprocess.run([sys.executable, "-c", READER, str(store), "20"], capture_output=True, text=True,
                            timeout=GUARD, env=child_env())
    out, _ = writer.communicate(timeout=GUARD)
    assert reader.returncode == 0, reader.stderr
    words = reader.stdout.split()
    assert words[0] == "opens" and int(words[1]) > 0 and words[2:] == ["partial", "0"], reader.stdout
    assert writer.returncode == 0 and int(out.split()[1]) > 40  # every graph was replaced while it was read


def test_the_snapshot_of_a_reader_killed_is_swept_away(tmp_path):
    store = tmp_path / "store"
    open_store(store).close()
    reader = subprocess.Popen([sys.executable, "-c", textwrap.dedent("""
        import sys, time
        from provrdf.store import open_store
        store = open_store(sys.argv[1], read_only=True)
        print("open", flush=True)
        time.sleep(600)
    """), str(store)], stdout=subprocess.PIPE, text=True, env=child_env())
    assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
    snapshots = store / "provrdf-readers"
    assert [p.name.split(".")[0] for p in snapshots.iterdir()] == [str(reader.pid)]
    os.kill(reader.pid, signal.SIGKILL)
    reader.wait(timeout=GUARD)
    with open_store(store, read_only=True):
        assert [p.name.split(".")[0] for p in snapshots.iterdir()] == [str(os.getpid())]
    assert list(snapshots.iterdir()) == []

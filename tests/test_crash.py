"""Crash safety: ``kill -9`` at random moments of a real ``provrdf ingest`` leaves a store that opens, in which
every record is complete or absent, and a re-run completes the set.

One uninterrupted ingest makes the reference store. Then the same logs are
ingested again and again into a second store, each time in another order,
and each run is killed (SIGKILL) at a random moment after it opened the
store (seeded: the same moments and orders every time the test runs). After each kill the store must
open, each record or description graph in it must be the reference's, quad
for quad, and its default graph (the knowledge graph) must be the union of
its content graphs. A last run, not killed, must then give the reference:
the same graphs with the same quads, and the same default graph.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

from provrdf.store import open_store
from provrdf.store.lock import writer_pid

from helpers.processes import PROVRDF, by_graph, child_env, ctapipe_logs, default_graph, run_provrdf

#: Copies of the demo chain to ingest (three records each).
CHAINS = 15
#: Runs killed, and how many of them (the last) at any moment of a run rather than early.
KILLS = 21
LATE = 3
SEED = 20250611
#: Hang guard (seconds) for one run.
GUARD = 300


def _ingest(store: Path, logs: list[Path], errors: Path) -> subprocess.Popen:
    with open(errors, "ab") as err:
        return subprocess.Popen([PROVRDF, "ingest", "--store", str(store), *map(str, logs)],
                                stdout=subprocess.DEVNULL, stderr=err, env=child_env())


def _wait_open(store: Path, child: subprocess.Popen) -> bool:
    """Wait until ``child`` holds ``store`` open for writing (True), or has ended (False)."""
    guard = time.monotonic() + GUARD
    while writer_pid(store) != child.pid:
        if child.poll() is not None:
            return False
        assert time.monotonic() < guard, "the ingest never opened the store"
        time.sleep(0.01)
    return True


def _content(store) -> dict:
    """The store's graphs without the ingest log (which says when each run was), and its default graph."""
    log = {g for g in store.bookkeeping_graphs() if g.value.endswith("/graph/ingest-log")}
    graphs = {g: quads for g, quads in by_graph(store.quads()).items() if g not in log}
    return {"graphs": graphs, "default": default_graph(store),
            "content": {g for g in graphs if g not in store.bookkeeping_graphs()}}


def _records(graphs: dict) -> set:
    return {g for g in graphs if "/bundle/" in g.value or "/description/" in g.value}


def test_kill_9_during_ingest_leaves_every_record_complete_or_absent(tmp_path):
    logs = ctapipe_logs(tmp_path / "logs", CHAINS)
    errors = tmp_path / "errors.txt"
    reference_store = tmp_path / "reference"
    child = _ingest(reference_store, logs, errors)
    assert _wait_open(reference_store, child)
    opened = time.monotonic()
    assert child.wait(timeout=GUARD) == 0, errors.read_text()
    duration = time.monotonic() - opened  # how long a whole run writes: the kills fall inside it
    with open_store(reference_store, read_only=True) as store:
        reference = _content(store)
    records = _records(reference["graphs"])
    assert len([g for g in records if "/bundle/" in g.value]) == len(logs)

    rng = random.Random(SEED)
    crashed = tmp_path / "crashed"
    assert run_provrdf("init", "--store", crashed).returncode == 0  # so that every kill falls in a store
    kills, growing, seen = 0, 0, [0]
    while kills < KILLS:
        order = logs[:]
        rng.shuffle(order)
        child = _ingest(crashed, order, errors)
        if not _wait_open(crashed, child):
            continue  # ended before it opened the store: not a kill
        # Early in the run, so that each run writes a few new records (in its own order) and the store fills
        # slowly over the kills; the last kills anywhere in the run (a flush of the log, the close).
        time.sleep(rng.uniform(0, duration if kills >= KILLS - LATE else duration / 8))
        if child.poll() is not None:
            assert child.returncode == 0, errors.read_text()
            continue  # done before its moment came: not a kill
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=GUARD) == -signal.SIGKILL
        kills += 1
        with open_store(crashed, read_only=True) as store:  # it opens
            now = _content(store)
        broken = [g for g in _records(now["graphs"]) if now["graphs"][g] != reference["graphs"].get(g)]
        assert broken == [], f"kill {kills}: graphs in part or unlike the reference: {broken[:3]}"
        union = set().union(*(now["graphs"][g] for g in now["content"])) if now["content"] else set()
        assert now["default"] == union, f"kill {kills}: the default graph is not the union of the content graphs"
        complete = len(_records(now["graphs"]))
        growing += seen[-1] < complete < len(records)
        seen.append(complete)
    # Kills fell while new records were being written (not all before the first write, not all after the last).
    assert growing >= 3, seen

    child = _ingest(crashed, logs, errors)
    assert child.wait(timeout=GUARD) == 0, errors.read_text()
    with open_store(crashed, read_only=True) as store:
        completed = _content(store)
    assert set(completed["graphs"]) == set(reference["graphs"])
    different = [g for g in completed["graphs"] if completed["graphs"][g] != reference["graphs"][g]]
    assert different == []
    assert completed["default"] == reference["default"]
    print(f"\n{kills} kills, {kills} stores opened, records complete after each kill: {seen[1:]} of {len(records)}, "
          f"0 partial; the re-run gave the reference's {len(records)} record and description graphs")

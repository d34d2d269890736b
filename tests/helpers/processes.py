"""Real processes on one store: many ctapipe logs to ingest, the CLI in a child process, stores read back by graph.

Used by the concurrency and crash tests (``tests/test_concurrency.py``,
``tests/test_crash.py``), which run ``provrdf`` as users do: as programs, in
processes of their own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections import defaultdict
from pathlib import Path

from pyoxigraph import DefaultGraph, NamedNode

from helpers.records import DEMO

__all__ = ["PROVRDF", "by_graph", "child_env", "ctapipe_logs", "default_graph", "run_provrdf"]

#: The ``provrdf`` program of the environment that runs the tests.
PROVRDF = str(Path(sys.executable).parent / "provrdf")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def ctapipe_logs(folder: Path, chains: int) -> list[Path]:
    """``3 × chains`` ctapipe logs in ``folder``: copies of the demo chain (r0 → dl1 → dl2 → final dl2).

    Copy ``i`` has its own activity uuids, product ids and data files (the
    run number ``10000 + i``); all copies share the trained models and the
    configuration file, as the runs of one production do.
    """
    folder.mkdir(parents=True, exist_ok=True)
    demo = sorted(DEMO.glob("*.provenance.log"))
    written = []
    for i in range(chains):
        for log in demo:
            text = _UUID.sub(lambda m: str(uuid.uuid5(uuid.NAMESPACE_URL, f"{m.group()}/{i}")), log.read_text())
            path = folder / f"{i:04d}_{log.name}"
            path.write_text(text.replace("gamma_diffuse_run2017", f"gamma_diffuse_run{10000 + i}"))
            written.append(path)
    return written


def child_env(**more: str) -> dict[str, str]:
    """The environment of a child process: this one's, with ``more``."""
    return {**os.environ, "PYTHONUNBUFFERED": "1", **more}


def run_provrdf(*args: str | Path, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``provrdf ARGS`` to its end; stdout and stderr apart."""
    return subprocess.run([PROVRDF, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          env=child_env(**env))


def by_graph(quads) -> dict[NamedNode, set[str]]:
    """The quads of the named graphs, as N-Triples lines, by graph."""
    graphs: dict[NamedNode, set[str]] = defaultdict(set)
    for quad in quads:
        if isinstance(quad.graph_name, NamedNode):
            graphs[quad.graph_name].add(f"{quad.subject} {quad.predicate} {quad.object}")
    return dict(graphs)


def default_graph(store) -> set[str]:
    """The triples of the default graph (the knowledge graph) of ``store``, as N-Triples lines."""
    return {f"{q.subject} {q.predicate} {q.object}" for q in store.quads(DefaultGraph())}

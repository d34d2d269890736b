#!/usr/bin/env python
"""Start-up time of the command line against importing rdflib, the floor of any RDF tool in Python.

Each command runs ``--repeat`` times in a fresh interpreter (the same
Python as this script, so the same installed packages); the script prints
the median and the fastest wall-clock time of each, and each provrdf
command's median as a ratio of ``python -c "import rdflib"``'s.

    python benchmarks/startup.py --repeat 15
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def commands(store: str) -> dict[str, list[str]]:
    """What is timed, by name: the peer first."""
    provrdf = [sys.executable, "-m", "provrdf.cli"]
    return {
        'python -c "import rdflib"': [sys.executable, "-c", "import rdflib"],
        "provrdf --help": [*provrdf, "--help"],
        "provrdf query (small store)": [*provrdf, "query", "--store", store, QUERY],
    }


def timed(argv: list[str], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` runs of ``argv``, each in a new process."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return times


def small_store(folder: Path) -> str:
    """A store holding the demo's three ctapipe logs."""
    store = folder / "store"
    logs = sorted((ROOT / "provrdf" / "data" / "demo").glob("*.provenance.log"))
    subprocess.run([sys.executable, "-m", "provrdf.cli", "ingest", "--store", str(store), *map(str, logs)],
                   check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return str(store)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="runs of each command (default 15)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="provrdf-startup-"))
    try:
        runs = {name: timed(argv, args.repeat) for name, argv in commands(small_store(folder)).items()}
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    floor = statistics.median(next(iter(runs.values())))
    print(f"# start-up, {args.repeat} runs each, CPython {sys.version.split()[0]}")
    print("| command | median s | fastest s | median / import rdflib |")
    print("|---|---|---|---|")
    for name, times in runs.items():
        median = statistics.median(times)
        print(f"| {name} | {median:.3f} | {min(times):.3f} | {median / floor:.2f}× |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python
"""Overhead per call of provrdf's in-process tracer, against the same calls untraced.

Two small functions, each called N times in a loop:

  sum   ``total(values)``: the sum of a list of 100 floats (the list is a
        Python-object entity: fingerprinted at each use and after the call)
  file  ``size(path)``: the length of a 1 KiB file read in full (the file is
        a file entity: one ``stat`` per use, its sha256 computed once)

each in three variants, every one in a subprocess of its own (so that each
peak memory is its own):

  untraced  the plain function: the baseline, without provrdf (not even imported)
  log       ``@Tracer(path).trace``: events appended to a gammapy/logprov log file
  store     ``@Tracer(StoreSink(store)).trace``: events buffered in memory, then grouped into
            records and ingested (SHACL-validated) into an on-disk store at ``close()``;
            the calls and the ingest are timed apart

Run ``python benchmarks/tracer.py --help`` for the options, and see
``benchmarks/README.md`` (section *Tracer overhead*) for the columns.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKLOADS = {"sum": "sum of a list of 100 floats", "file": "read a 1 KiB file"}
VARIANTS = ("untraced", "log", "store")
#: An old modification time for the input file: input data is rarely written the second before
#: it is read (the tracer hashes again a file modified less than a second before it was hashed).
OLD = 1_600_000_000


def _peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux gives KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# =============================================================================
# 1. One variant, in a subprocess
# =============================================================================


def total(values: list[float]) -> float:
    return sum(values)


def size(path: str) -> int:
    with open(path, "rb") as stream:
        return len(stream.read())


def _workload(name: str, work: Path) -> tuple:
    """The function and the argument of a workload."""
    if name == "sum":
        return total, [float(i) / 7 for i in range(100)]
    path = work / "small.dat"
    path.write_bytes(bytes(range(256)) * 4)
    os.utime(path, (OLD, OLD))
    return size, str(path)


def _loop(func, argument, n: int) -> float:
    began = time.perf_counter()
    for _ in range(n):
        func(argument)
    return time.perf_counter() - began


def run_untraced(name: str, n: int, work: Path) -> dict:
    func, argument = _workload(name, work)
    wall = _loop(func, argument, n)
    return {"wall": wall, "peak_rss_mib": _peak_rss_mib()}


def run_log(name: str, n: int, work: Path) -> dict:
    from provrdf.capture import gammapy
    from provrdf.capture.tracer import Tracer
    from provrdf.errors import ParseError

    func, argument = _workload(name, work)
    log = work / f"{name}.prov.log"
    log.unlink(missing_ok=True)
    tracer = Tracer(log, session_name=f"bench-{name}")
    traced = tracer.trace(func)
    wall = _loop(traced, argument, n)
    began = time.perf_counter()
    tracer.close()
    wall += time.perf_counter() - began
    peak = _peak_rss_mib()
    items = list(gammapy.read(log))  # the check, not timed
    errors = [str(item) for item in items if isinstance(item, ParseError)][:3]
    activities = sum(1 for item in items if not isinstance(item, ParseError) and item.activities
                     and item.activities[0].name == func.__name__)
    return {"wall": wall, "peak_rss_mib": peak, "activities": activities, "errors": errors,
            "bytes": log.stat().st_size}


def run_store(name: str, n: int, work: Path, validate: bool) -> dict:
    from provrdf.capture.tracer import Tracer
    from provrdf.pipeline import StoreSink
    from provrdf.store import open_store

    func, argument = _workload(name, work)
    location = work / f"{name}.store"
    shutil.rmtree(location, ignore_errors=True)
    store = open_store(location)
    tracer = Tracer(StoreSink(store, validate=validate), session_name=f"bench-{name}", flush_every=n + 1)
    traced = tracer.trace(func)
    wall = _loop(traced, argument, n)
    began = time.perf_counter()
    tracer.close()  # the ingest
    report = tracer.report
    store.close()
    ingest = time.perf_counter() - began
    peak = _peak_rss_mib()
    errors = [str(r) for r in report.rejected[:3]]
    store = open_store(location)  # the check, not timed
    query = ("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a <http://www.w3.org/ns/prov#Activity> ; "
             f"<http://www.w3.org/2000/01/rdf-schema#label> \"{func.__name__}\" }}")
    activities = int(next(iter(store.query(query)))["n"].value)
    quads = len(store)
    store.close()
    return {"wall": wall, "ingest": ingest, "peak_rss_mib": peak, "stored": report.stored,
            "rejected": len(report.rejected), "activities": activities, "quads": quads, "errors": errors}


def run_variant(args: argparse.Namespace) -> None:
    """Body of a subprocess: run one (workload, variant), print its figures as one JSON line."""
    work = Path(args.workdir)
    name, variant = args.worker
    if variant == "untraced":
        result = run_untraced(name, args.n, work)
    elif variant == "log":
        result = run_log(name, args.n, work)
    else:
        result = run_store(name, args.n, work, not args.no_validate)
    print("RESULT " + json.dumps(result))


# =============================================================================
# 2. The driver
# =============================================================================


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("provrdf", "pyoxigraph", "pyshacl"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {"cpus": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "packages": versions}


def spawn(args: argparse.Namespace, name: str, variant: str) -> dict:
    command = [sys.executable, os.path.abspath(__file__), "--worker", name, variant,
               "--n", str(args.n), "--workdir", args.workdir]
    if args.no_validate:
        command.append("--no-validate")
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        return {"failed": True, "errors": [done.stderr.strip()[-2000:] or "no result"]}
    return json.loads(lines[-1][len("RESULT "):])


def check(name: str, variant: str, result: dict, n: int) -> list[str]:
    """What a variant must have recorded: N activities, nothing rejected or unreadable."""
    where = f"{name}/{variant}"
    errors = [f"{where}: {error}" for error in result.get("errors", [])]
    if result.get("failed") or variant == "untraced":
        return errors
    if result["activities"] != n:
        errors.append(f"{where}: {result['activities']} activities recorded, not {n}")
    if variant == "store" and (result["stored"] != n + 1 or result["rejected"]):
        errors.append(f"{where}: {result['stored']} records stored (expected {n} + the session), "
                      f"{result['rejected']} rejected")
    return errors


def table(results: dict[tuple[str, str], dict], n: int) -> str:
    """One row per (workload, variant); the store variant as its calls, its ingest and both."""
    header = (f"{'workload':<8} {'variant':<22} {'calls':>7} {'wall s':>8} {'µs/call':>9} "
              f"{'overhead µs/call':>17} {'ratio':>8} {'peak RSS MiB':>13}")
    out = [header, "-" * len(header)]
    for name in WORKLOADS:
        base = results.get((name, "untraced"))
        base_us = base["wall"] / n * 1e6 if base and not base.get("failed") else None
        for variant in VARIANTS:
            result = results.get((name, variant))
            if result is None:
                continue
            if result.get("failed"):
                out.append(f"{name:<8} {variant:<22} failed")
                continue
            rows = [(variant, result["wall"])]
            if variant == "store":
                rows = [("store: calls", result["wall"]), ("store: ingest at close", result["ingest"]),
                        ("store: calls + ingest", result["wall"] + result["ingest"])]
            for label, wall in rows:
                us = wall / n * 1e6
                is_ingest = label == "store: ingest at close"
                overhead = us if is_ingest else (us - base_us if base_us is not None else None)
                ratio = (wall / base["wall"]) if base_us and not is_ingest else None
                out.append(f"{name:<8} {label:<22} {n:>7} {wall:>8.3f} {us:>9.2f} "
                           f"{'' if overhead is None else f'{overhead:.2f}':>17} "
                           f"{'' if ratio is None else f'{ratio:.1f}x':>8} {result['peak_rss_mib']:>13.1f}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="See benchmarks/README.md, section 'Tracer overhead'.")
    parser.add_argument("--n", type=int, default=10000, help="calls per variant; default 10000")
    parser.add_argument("--workloads", default="sum,file", help="comma-separated, among: sum, file; default both")
    parser.add_argument("--variants", default=",".join(VARIANTS),
                        help="comma-separated, among: untraced, log, store; default all three")
    parser.add_argument("--no-validate", action="store_true", help="store variant: ingest without SHACL")
    parser.add_argument("--workdir", default=None, help="where logs and stores go (kept); default a temp dir")
    parser.add_argument("--json", dest="json_out", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--worker", nargs=2, default=None, help=argparse.SUPPRESS)  # subprocess mode
    args = parser.parse_args(argv)

    if args.worker:
        run_variant(args)
        return 0
    temp = args.workdir is None
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="provrdf-tracer-bench-")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    names = [w for w in args.workloads.split(",") if w]
    variants = [v for v in args.variants.split(",") if v]
    unknown = set(names) - set(WORKLOADS) | set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown workload or variant: {', '.join(sorted(unknown))}")

    info = machine()
    print(f"# provrdf tracer benchmark: N={args.n} calls per variant; workdir {args.workdir}")
    print(f"# machine: {info['cpus']} cores, load {info['loadavg_at_start']}, "
          f"{info['implementation']} {info['python']}, {info['platform']}")
    print("# " + ", ".join(f"{k} {v}" for k, v in info["packages"].items())
          + ("; store ingest without SHACL" if args.no_validate else "; store ingest with SHACL validation"))
    sys.stdout.flush()
    results: dict[tuple[str, str], dict] = {}
    errors: list[str] = []
    for name in names:
        for variant in variants:
            results[(name, variant)] = result = spawn(args, name, variant)
            errors += check(name, variant, result, args.n)
    print()
    print(table(results, args.n))
    print()
    for name in names:
        log, store = results.get((name, "log")), results.get((name, "store"))
        if log and not log.get("failed"):
            print(f"({name}) log file: {log['bytes'] / 2**20:.1f} MiB, {log['bytes'] / args.n:.0f} bytes per call")
        if store and not store.get("failed"):
            print(f"({name}) store: {store['stored']} records, {store['quads']} quads "
                  f"({store['quads'] / args.n:.0f} per call)")
    for error in errors:
        print("ERROR: " + error.replace("\n", "\n       "))
    print("note: overhead = µs/call of the variant minus µs/call untraced; ratio = wall / untraced wall. "
          "Wall times are noisy on a shared machine; imports and interpreter start-up are not timed.")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(
            {"n": args.n, "machine": info, "errors": errors,
             "results": {f"{name}/{variant}": r for (name, variant), r in results.items()}}, indent=2))
    if temp:
        shutil.rmtree(args.workdir, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

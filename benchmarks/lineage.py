#!/usr/bin/env python
"""Lineage latency of provrdf against the same SPARQL in rdflib, at growing store sizes.

For each size N (activities), the script builds a synthetic CTAO-like
production (``synthetic.py``: runs of R0 → DL1 → DL2 → final DL2, merged in
layers of 10 up to one catalogue) into an on-disk provrdf store, by encoding
the records with provrdf's encoder and bulk-loading the quads, without SHACL
(the ingest pipeline, ~45 validated records/s, is not what is measured here:
see ``ingest.py``). Then, from three products whose lineage is

  chain    the final DL2 of one run: 3 activities, the same at every N
  block    one observation block (10 runs merged): 31 activities, the same at every N
  all      the catalogue at the top: every merged activity, growing with N

it measures, each variant in a subprocess of its own (its peak memory is its own):

  provrdf  ``provrdf.api.lineage(store, product_path, direction="back", depth=None)``
           on the on-disk store (its default options: configuration and
           descriptions come along)
  rdflib   the same triples loaded into an in-memory ``rdflib.Graph`` (load
           timed apart), and the same answer computed with the same SPARQL
           1.1 queries: resolve the path, walk with a property path
           ``?start (prov:wasGeneratedBy|prov:used|prov:wasDerivedFrom|prov:wasInformedBy)*/…``,
           CONSTRUCT the triples about the nodes, keep the relations closed,
           describe the resources mentioned

Latency is the median of several runs after one warm-up. Read the ``chain``
and ``block`` rows down the sizes: a lineage walk should cost what its answer
costs, not what the store holds. A run longer than ``--cap`` seconds is
killed and shown as ``skipped (> cap s)``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

STARTS = ("chain", "block", "all")
PREFIXES = {
    "prov": "http://www.w3.org/ns/prov#",
    "voprov": "http://www.ivoa.net/documents/ProvenanceDM/index.html#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
PROV, VOPROV, RDF = PREFIXES["prov"], PREFIXES["voprov"], PREFIXES["rdf"]


# =============================================================================
# 1. Building a store (child "build")
# =============================================================================


def build(size: int, folder: Path, seed: int, fan_in: int) -> dict:
    """Plan the production, bulk-load it, dump its triples for rdflib; the figures of each part."""
    began = time.perf_counter()
    production = synthetic.plan(size, seed=seed, fan_in=fan_in)
    planned = time.perf_counter() - began
    figures = synthetic.build_store(folder / "store", production)
    began = time.perf_counter()
    triples = dump_triples(folder / "store", folder / "triples.nt")
    starts = {"chain": production.chain.path, "block": production.block.path, "all": production.top.path}
    (folder / "starts.json").write_text(json.dumps(starts))
    return {**figures, "plan_s": planned, "dump_s": time.perf_counter() - began, "triples": triples,
            "nt_mib": (folder / "triples.nt").stat().st_size / 2**20, "runs": production.runs,
            "merges": production.merges, "peak_rss_mib": synthetic.peak_rss_mib()}


def dump_triples(store_path: Path, target: Path) -> int:
    """The distinct triples of every graph (what provrdf's queries see), as N-Triples."""
    import pyoxigraph

    store = pyoxigraph.Store.read_only(str(store_path))
    store.query("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }").serialize(
        output=str(target), format=pyoxigraph.RdfFormat.N_TRIPLES)
    with open(target, "rb") as lines:
        return sum(1 for _ in lines)


# =============================================================================
# 2. The two ways of answering (children "provrdf" and "rdflib")
# =============================================================================


def provrdf_lineage(store, product: str) -> tuple[list, list]:
    from provrdf.api import lineage

    result = lineage(store, product, direction="back", depth=None)
    return result.nodes, result.triples


# The same answer by hand. provrdf's walk also crosses prov:alternateOf links
# (two names of one file) without counting a step; the synthetic data has none.
STEP = "prov:wasGeneratedBy|prov:used|prov:wasDerivedFrom|prov:wasInformedBy"
#: From a walked node to what comes along: its configuration, its descriptions.
ALONG = ("(voprov:wasConfiguredBy|(voprov:wasConfiguredBy|prov:qualifiedUsage|prov:qualifiedGeneration)?"
         "/voprov:isDescribedBy/(voprov:hasUsageDescription|voprov:hasGenerationDescription"
         "|voprov:hasParameterDescription|voprov:hasConfigFileDescription|voprov:entityDescription)*)?")
#: From a node to its qualified relation nodes. A path rather than provrdf's
#: ``VALUES ?qualifier {…}``: rdflib joins a nested VALUES by scanning the whole
#: graph (14 s instead of 0.02 s for the chain at N = 1000).
QUALIFIED = "|".join(f"prov:qualified{name}" for name in (
    "Usage", "Generation", "Invalidation", "Start", "End", "Association", "Attribution", "Delegation",
    "Derivation", "Revision", "Quotation", "PrimarySource", "Communication", "Influence")) + (
    "|voprov:qualifiedConfiguration")
#: Properties linking two resources: a triple is kept only when its object is in the answer too.
LINKS = {PROV + name for name in (
    "wasGeneratedBy", "used", "wasDerivedFrom", "wasRevisionOf", "wasQuotedFrom", "hadPrimarySource",
    "wasInformedBy", "wasInvalidatedBy", "wasStartedBy", "wasEndedBy", "wasInfluencedBy", "wasAssociatedWith",
    "wasAttributedTo", "actedOnBehalfOf", "hadMember", "alternateOf", "specializationOf", "generated",
    "invalidated", "influenced")} | {VOPROV + name for name in (
    "wasConfiguredBy", "isDescribedBy", "hasUsageDescription", "hasGenerationDescription",
    "hasParameterDescription", "hasConfigFileDescription", "entityDescription", "hadReference")}
#: The property of a qualified relation node naming what it points to.
TARGETS = {PROV + "entity", PROV + "activity", PROV + "agent", PROV + "influencer", VOPROV + "artefact"}


def sparql(body: str) -> str:
    return "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items()) + body


def rdflib_lineage(graph, product: str) -> tuple[list, list]:
    """``lineage(store, product)`` by hand: four SPARQL queries on an rdflib Graph."""
    from rdflib import Literal, URIRef

    start = [row.n for row in graph.query(sparql(
        f"SELECT ?n WHERE {{ ?n prov:atLocation {Literal(product).n3()} ; a prov:Entity }}"))]
    values = " ".join(n.n3() for n in start)
    nodes = {row.n for row in graph.query(sparql(
        f"SELECT DISTINCT ?n WHERE {{ VALUES ?start {{ {values} }} ?start ({STEP})*/{ALONG} ?n }}"))
        if isinstance(row.n, URIRef)}
    values = " ".join(n.n3() for n in nodes)
    about = list(graph.query(sparql(f"""CONSTRUCT {{ ?n ?p ?o . ?q ?qp ?qo }} WHERE {{ VALUES ?n {{ {values} }}
        {{ ?n ?p ?o }} UNION {{ ?n {QUALIFIED} ?q . ?q ?qp ?qo }} }}""")))
    kept = keep_closed(about, nodes)
    return sorted(nodes), kept + mentioned(graph, kept)


def keep_closed(triples: list, nodes: set) -> list:
    """Drop the relations that leave ``nodes``, and the qualified relations whose target is outside."""
    targets = {s: o for s, p, o in triples if str(p) in TARGETS}
    qualified = {q for q, target in targets.items() if target in nodes}
    return [(s, p, o) for s, p, o in triples
            if (s in qualified if s in targets else o in qualified if o in targets else True)
            and (str(p) not in LINKS or o in nodes)]


def mentioned(graph, triples: list) -> list:
    """The types and literal facts of the resources the answer names but does not describe."""
    from rdflib import URIRef

    described = {s for s, _, _ in triples}
    names = {o for _, p, o in triples if isinstance(o, URIRef) and o not in described and str(p) != RDF + "type"}
    if not names:
        return []
    return list(graph.query(sparql(f"""CONSTRUCT {{ ?m ?p ?o }} WHERE {{
        VALUES ?m {{ {" ".join(n.n3() for n in names)} }} ?m ?p ?o FILTER(isLiteral(?o) || ?p = rdf:type) }}""")))


def measure(run, starts: dict, repeats: int, budget: float) -> None:
    """For each start: a warm-up, then up to ``repeats`` timed runs within ``budget`` seconds.

    When the warm-up alone is longer than the budget, its time is the figure (``runs`` 0).
    """
    for name in STARTS:
        synthetic.emit("STARTED", {"start": name})
        began = time.perf_counter()
        nodes, triples = run(starts[name])
        warm = time.perf_counter() - began
        synthetic.emit("WARMED", {"start": name, "s": warm})
        times = []
        for _ in range(min(repeats, int(budget // max(warm, 1e-6)))):
            nodes = triples = None  # not alive during the next run: a large answer slows the GC of the next
            began = time.perf_counter()
            nodes, triples = run(starts[name])
            times.append(time.perf_counter() - began)
        synthetic.emit("RESULT", {
            "start": name, "median_s": statistics.median(times or [warm]), "runs": len(times), "warmup_s": warm,
            "nodes": len(nodes), "triples": len(triples), "distinct_triples": len(set(triples)),
            "nodes_sha": digest(nodes),
            "peak_rss_mib": synthetic.peak_rss_mib()})


def digest(nodes: list) -> str:
    """A short digest of a set of IRIs, the same for pyoxigraph and rdflib terms."""
    iris = sorted(getattr(n, "value", None) or str(n) for n in nodes)
    return hashlib.sha256("\n".join(iris).encode()).hexdigest()[:16]


def child_provrdf(folder: Path, repeats: int, budget: float) -> None:
    from provrdf.api import open_store

    starts = json.loads((folder / "starts.json").read_text())
    began = time.perf_counter()
    store = open_store(folder / "store")
    synthetic.emit("OPENED", {"s": time.perf_counter() - began, "peak_rss_mib": synthetic.peak_rss_mib()})
    measure(lambda product: provrdf_lineage(store, product), starts, repeats, budget)
    store.close()


def child_rdflib(folder: Path, repeats: int, budget: float, memory_gib: float) -> None:
    import rdflib

    # Out of memory, rdflib raises MemoryError instead of the machine swapping or the OOM killer striking.
    limit = int(memory_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    starts = json.loads((folder / "starts.json").read_text())
    began = time.perf_counter()
    graph = rdflib.Graph()
    graph.parse(folder / "triples.nt", format="nt")
    synthetic.emit("OPENED", {"s": time.perf_counter() - began, "triples": len(graph),
                              "peak_rss_mib": synthetic.peak_rss_mib()})
    measure(lambda product: rdflib_lineage(graph, product), starts, repeats, budget)


# =============================================================================
# 3. The driver
# =============================================================================


def spawn(args: argparse.Namespace, child: str, size: int) -> dict:
    """Run one child; its OPENED/RESULT lines, and a ``skipped`` entry for each start it did not finish."""
    folder = Path(args.workdir) / f"n{size}"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", child, "--size", str(size),
               "--workdir", args.workdir, "--repeats", str(args.repeats), "--budget", str(args.budget),
               "--seed", str(args.seed), "--fan-in", str(args.fan_in), "--rdflib-memory", str(args.rdflib_memory)]
    found: dict = {"starts": {}}

    def on_line(kind: str, payload: dict) -> None:
        if kind == "RESULT" and "start" in payload:
            found["starts"][payload["start"]] = payload
        elif kind in ("RESULT", "OPENED"):
            found[kind.lower()] = payload
        elif kind == "TIMEOUT":
            found["timeout"] = payload["after"]
        elif kind == "FAILED":
            found["failed"] = payload["error"]

    def timeout_for(kind: str, payload: dict) -> float | None:
        if kind == "START":
            return args.load_cap if child == "rdflib" else None
        if kind == "STARTED":
            return args.cap
        if kind == "WARMED":
            return 2 * (payload["s"] * args.repeats + args.budget) + 120
        return 120 if child != "build" else None

    code = synthetic.run_child(command, folder / f"{child}.stderr", on_line, timeout_for)
    if code not in (0, None) and "failed" not in found:
        found["error"] = f"{child} at N={size} exited with {code}: see {folder / (child + '.stderr')}"
    for name in STARTS:
        if name not in found["starts"] and child != "build":
            found["starts"][name] = {"skipped": found.get("timeout"), "failed": found.get("failed", "failed")}
    return found


def cell(result: dict, key: str, fmt: str) -> str:
    if "skipped" in result:
        return f"skipped (> {result['skipped']:.0f} s)" if result["skipped"] else result.get("failed", "failed")
    return format(result[key], fmt)


def runs(result: dict) -> str:
    if "runs" not in result:
        return ""
    return str(result["runs"]) if result["runs"] else "warm-up only"


def lineage_table(results: dict) -> str:
    head = ("| N | start | nodes | triples | provrdf s | runs | rdflib s | runs | rdflib/provrdf |"
            " same answer |\n|---|---|---|---|---|---|---|---|---|---|")
    rows = [head]
    for size, found in results.items():
        for name in STARTS:
            a = found["provrdf"]["starts"][name]
            b = found.get("rdflib", {}).get("starts", {}).get(name, {"skipped": None, "failed": "not run"})
            ratio = f"{b['median_s'] / a['median_s']:.3g}x" if "median_s" in a and "median_s" in b else ""
            same = ""
            if "nodes_sha" in a and "nodes_sha" in b:
                same = "yes" if (a["nodes_sha"], a["distinct_triples"]) == (b["nodes_sha"], b["distinct_triples"]) \
                    else f"NO ({b['nodes']} nodes, {b['distinct_triples']} triples)"
            answer = a if "nodes" in a else b
            rows.append(f"| {size:,} | {name} | {answer.get('nodes', '')} | {answer.get('triples', '')} | "
                        f"{cell(a, 'median_s', '.4f')} | {runs(a)} | {cell(b, 'median_s', '.4f')} | "
                        f"{runs(b)} | {ratio} | {same} |")
    return "\n".join(rows)


def build_table(results: dict) -> str:
    rows = [("| N | runs | quads in store | store MiB | build s | distinct triples | rdflib load s "
             "| provrdf peak RSS MiB | rdflib peak RSS MiB |"), "|---|---|---|---|---|---|---|---|---|"]
    for size, found in results.items():
        b, a, r = found["build"]["result"], found["provrdf"], found.get("rdflib", {})
        peak_a = max([s.get("peak_rss_mib", 0) for s in a["starts"].values()] or [0])
        peak_r = max([s.get("peak_rss_mib", 0) for s in r.get("starts", {}).values()]
                     + [r.get("opened", {}).get("peak_rss_mib", 0)])
        load = f"{r['opened']['s']:.1f}" if "opened" in r else (
            f"skipped (> {r['timeout']:.0f} s)" if r.get("timeout") else r.get("failed", ""))
        rows.append(f"| {size:,} | {b['runs']:,} | {b['quads']:,} | {b['disk_mib']:.0f} | {b['build_s']:.1f} "
                    f"| {b['triples']:,} | {load} | {peak_a:.0f} | {peak_r:.0f} |")
    return "\n".join(rows)


def mismatches(results: dict) -> list[str]:
    """The starts where provrdf and rdflib did not give the same answer."""
    errors = []
    for size, found in results.items():
        for name in STARTS:
            a = found["provrdf"]["starts"][name]
            b = found.get("rdflib", {}).get("starts", {}).get(name, {})
            if "nodes_sha" in a and "nodes_sha" in b and (a["nodes_sha"], a["distinct_triples"]) != (
                    b["nodes_sha"], b["distinct_triples"]):
                errors.append(f"N={size} {name}: provrdf {a['nodes']} nodes, {a['distinct_triples']} triples; "
                              f"rdflib {b['nodes']} nodes, {b['distinct_triples']} triples")
    return errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="See benchmarks/README.md for the data and the columns.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000],
                        help="store sizes, in activities; default 1000 10000 100000")
    parser.add_argument("--repeats", type=int, default=5, help="timed runs after the warm-up; default 5")
    parser.add_argument("--budget", type=float, default=120,
                        help="at most this many seconds of timed runs per start; when the warm-up alone takes "
                             "longer, it is the figure; default 120")
    parser.add_argument("--cap", type=float, default=900,
                        help="a warm-up longer than this is killed and shown as skipped; default 900 s")
    parser.add_argument("--load-cap", type=float, default=1800, help="limit of rdflib's load; default 1800 s")
    parser.add_argument("--no-rdflib", action="store_true", help="only provrdf")
    parser.add_argument("--rdflib-memory", type=float, default=18,
                        help="address-space limit of the rdflib process, GiB: beyond, it fails; default 18")
    parser.add_argument("--seed", type=int, default=20250327, help="seed of the synthetic data")
    parser.add_argument("--fan-in", type=int, default=10, help="products merged per merge activity; default 10")
    parser.add_argument("--workdir", default=None, help="where the stores go (kept); default a temp dir, removed")
    parser.add_argument("--json", dest="json_out", default=None, help="also write every figure to this file")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        folder = Path(args.workdir) / f"n{args.size}"
        if args.child == "build":
            synthetic.emit("RESULT", build(args.size, folder, args.seed, args.fan_in))
        elif args.child == "provrdf":
            child_provrdf(folder, args.repeats, args.budget)
        else:
            # Written before the run: out of memory, even json.dumps can fail.
            failed = f'FAILED {{"error": "MemoryError (limit {args.rdflib_memory:g} GiB)"}}\n'.encode()
            try:
                child_rdflib(folder, args.repeats, args.budget, args.rdflib_memory)
            except MemoryError:
                os.write(1, failed)
                os._exit(3)  # tearing down a graph of millions of triples takes minutes
        return 0

    temp = args.workdir is None
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="provrdf-lineage-")
    info = synthetic.machine()
    print(f"# provrdf lineage benchmark: sizes {args.sizes}, workdir {args.workdir}")
    synthetic.print_machine(info)
    print(f"# measured: provrdf/walk.py {synthetic.source_digest('provrdf/walk.py')}")
    results: dict[int, dict] = {}
    for size in args.sizes:
        folder = Path(args.workdir) / f"n{size}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        found = results[size] = {"build": spawn(args, "build", size)}
        b = found["build"]["result"]
        print(f"# N={size:,}: {b['runs']:,} runs, merges {b['merges']}, {b['quads']:,} quads, "
              f"built in {b['build_s']:.1f} s (+ plan {b['plan_s']:.1f} s), triples dumped in {b['dump_s']:.1f} s",
              flush=True)
        for child in ("provrdf",) + (() if args.no_rdflib else ("rdflib",)):
            found[child] = spawn(args, child, size)
            print(f"# N={size:,}: {child} done: " + ", ".join(
                f"{k} {v.get('median_s', 'skipped')}" for k, v in found[child]["starts"].items()), flush=True)
        if temp:
            shutil.rmtree(folder / "store", ignore_errors=True)  # keep the disk free for the next size
    print()
    print(build_table(results))
    print()
    print(lineage_table(results))
    errors = [f[c]["error"] for f in results.values() for c in ("build", "provrdf", "rdflib") if "error" in f.get(c, {})]
    errors += mismatches(results)
    for error in errors:
        print("ERROR: " + error)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"machine": info, "args": vars(args), "results": results}, indent=2))
    if temp:
        shutil.rmtree(args.workdir, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

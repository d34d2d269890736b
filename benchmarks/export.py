#!/usr/bin/env python
"""Export throughput of provrdf (PROV-JSON, Turtle) against the same serializations done without it.

The script bulk-loads a synthetic CTAO-like production of N activities
(``synthetic.py``, the data of ``lineage.py``) into an on-disk provrdf store,
without SHACL, then measures, each variant in a subprocess of its own (its
peak memory is its own):

  provrdf provjson   ``provrdf.api.export(store, "provjson")``: the store's quads
                     → a ``prov`` ProvDocument (one bundle per record) → PROV-JSON
  by hand: prov      a ``prov`` ProvDocument built with prov's API from the same
                     synthetic records (one bundle per record; build timed apart)
                     → ``ProvDocument.serialize(format="json")``
  provrdf turtle     ``provrdf.api.export(store, "turtle")``: the store's quads → Turtle by pyoxigraph
  by hand: rdflib    the same triples loaded into an ``rdflib.Graph`` (load timed
                     apart) → ``Graph.serialize(format="turtle")``
  by hand: pyoxigraph  the same triples read from the store with pyoxigraph alone
                     → ``pyoxigraph.serialize(…, RdfFormat.TURTLE)``, the floor

Each figure is the median of ``--repeats`` runs: seconds, bytes out, MB/s
(10^6 bytes per second). The ratios divide the by-hand time by provrdf's
(>1: provrdf is faster). The documents are not byte for byte the same: the
hand-built PROV document has no relation identifiers and fewer types than
the PROV-O provrdf stores, so compare bytes as well as seconds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

VARIANTS = {
    "provrdf-provjson": "provrdf export provjson",
    "prov-json": "by hand: prov ProvDocument → JSON",
    "provrdf-turtle": "provrdf export turtle",
    "rdflib-turtle": "by hand: rdflib Graph → Turtle",
    "oxigraph-turtle": "by hand: pyoxigraph.serialize → Turtle",
}
BASE = "https://w3id.org/provrdf/id/"
VOPROV = "http://www.ivoa.net/documents/ProvenanceDM/index.html#"
CTAO = "https://w3id.org/provrdf/ctao#"


# =============================================================================
# 1. The variants (each run in a child process)
# =============================================================================


def timed(work, repeats: int) -> tuple[float, object]:
    """The median seconds of ``repeats`` calls of ``work()``, and its last result."""
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - began)
    return statistics.median(times), out


def provrdf_export(folder: Path, fmt: str, repeats: int) -> dict:
    from provrdf.api import export, open_store

    store = open_store(folder / "store")
    seconds, data = timed(lambda: export(store, fmt), repeats)
    store.close()
    return {"s": seconds, "bytes": len(data), "content": census(data, fmt)}


def prov_by_hand(folder: Path, size: int, seed: int, fan_in: int, repeats: int) -> dict:
    production = synthetic.plan(size, seed=seed, fan_in=fan_in)
    build_s, doc = timed(lambda: prov_document(production.steps), repeats)
    seconds, text = timed(lambda: doc.serialize(format="json"), repeats)
    data = text.encode("utf-8")
    return {"s": seconds, "build_s": build_s, "bytes": len(data), "content": census(data, "provjson")}


def rdflib_turtle(folder: Path, repeats: int) -> dict:
    import rdflib

    def load():
        return rdflib.Graph().parse(folder / "triples.nt", format="nt")

    load_s, graph = timed(load, 1)
    for prefix, iri in prefixes().items():
        graph.bind(prefix, iri)
    seconds, data = timed(lambda: graph.serialize(format="turtle", encoding="utf-8"), repeats)
    return {"s": seconds, "load_s": load_s, "bytes": len(data), "content": census(data, "turtle")}


def oxigraph_turtle(folder: Path, repeats: int) -> dict:
    import pyoxigraph

    from provrdf.store.base import (
        INTERNAL_GRAPHS,  # only the names of provrdf's bookkeeping graphs
    )

    def work():
        store = pyoxigraph.Store.read_only(str(folder / "store"))
        triples = dict.fromkeys(q.triple for q in store if q.graph_name not in INTERNAL_GRAPHS)
        return pyoxigraph.serialize(triples, format=pyoxigraph.RdfFormat.TURTLE, prefixes=prefixes())

    seconds, data = timed(work, repeats)
    return {"s": seconds, "bytes": len(data), "content": census(data, "turtle")}


def prefixes() -> dict[str, str]:
    """The prefixes provrdf's Turtle uses, so that the three Turtle files are alike."""
    from provrdf.serializers import prefixes_for

    return prefixes_for(BASE)


def census(data: bytes, fmt: str) -> dict:
    """What an output holds (not timed): bundles and activities of PROV-JSON, triples of Turtle."""
    if fmt == "provjson":
        doc = json.loads(data)
        bundles = doc.get("bundle", {})
        return {"bundles": len(bundles),
                "activities": len({a for b in bundles.values() for a in b.get("activity", {})})}
    import pyoxigraph

    return {"triples": sum(1 for _ in pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.TURTLE))}


# -- the PROV document a user would build with prov's API --------------------------


def prov_document(steps: list):
    """One bundle per step, holding what provrdf stores of it, written the way prov's API invites."""
    import prov.model as pm

    doc = pm.ProvDocument()
    doc.set_default_namespace(BASE)
    ids = doc.get_default_namespace()
    vo, ctao = doc.add_namespace("voprov", VOPROV), doc.add_namespace("ctao", CTAO)
    for step in steps:
        bundle = doc.bundle(ids[f"bundle/{step.uuid}"])
        activity = bundle.activity(ids[f"activity/{step.uuid}"], step.start, step.end, {
            pm.PROV_LABEL: step.tool, pm.PROV_TYPE: vo["Activity"], ctao["status"]: "completed",
            ctao["exitCode"]: 0, ctao["hostName"]: step.host, ctao["pythonVersion"]: "3.11.7",
            vo["isDescribedBy"]: ids[f"description/activity/{step.tool}/{step.version}"]})
        for item in step.inputs:
            entity = dataset(bundle, ids, vo, ctao, item)
            bundle.used(activity, entity, other_attributes={pm.PROV_ROLE: item.role})
            if item.producer:
                bundle.wasGeneratedBy(entity, bundle.activity(ids[f"activity/{item.producer}"]))
        for item in step.outputs:
            entity = dataset(bundle, ids, vo, ctao, item)
            bundle.wasGeneratedBy(entity, activity, step.end, other_attributes={pm.PROV_ROLE: item.role})
            bundle.wasAttributedTo(entity, ids["agent/CTAO"])
        agents(bundle, ids, vo, step, activity)
        for name, value in step.parameters.items():
            parameter = bundle.entity(ids[f"parameter/{step.uuid}/{name}"], {
                pm.PROV_TYPE: vo["Parameter"], pm.PROV_LABEL: name, pm.PROV_VALUE: value})
            bundle.wasInfluencedBy(activity, parameter)
        config = bundle.entity(ids[f"configfile/{step.uuid}/{Path(step.config_file).name}"], {
            pm.PROV_TYPE: vo["ConfigFile"], pm.PROV_LABEL: Path(step.config_file).name,
            pm.PROV_LOCATION: step.config_file})
        bundle.wasInfluencedBy(activity, config)
    return doc


def dataset(bundle, ids, vo, ctao, item):
    import prov.model as pm

    return bundle.entity(ids[f"entity/{item.product}"], {
        pm.PROV_TYPE: vo["DatasetEntity"], pm.PROV_LABEL: Path(item.path).name, pm.PROV_LOCATION: item.path,
        ctao["productId"]: item.product, ctao["productDataLevels"]: item.level,
        ctao["productFormat"]: "fits" if item.path.endswith(".fits") else "hdf5"})


def agents(bundle, ids, vo, step, activity) -> None:
    import prov.model as pm

    family = step.tool.split("-")[0]
    ctao = bundle.agent(ids["agent/CTAO"], {pm.PROV_TYPE: pm.PROV["Organization"], pm.PROV_LABEL: "CTAO"})
    software = bundle.agent(ids[f"agent/software/{family}/{step.version}"], {
        pm.PROV_TYPE: pm.PROV["SoftwareAgent"], pm.PROV_LABEL: f"{family} {step.version}"})
    person = bundle.agent(ids["agent/person/" + quote(step.operator)], {
        pm.PROV_TYPE: pm.PROV["Person"], pm.PROV_LABEL: step.operator,
        vo["email"]: step.operator.lower().replace(" ", ".") + "@cta-observatory.org", vo["affiliation"]: "CTAO"})
    bundle.wasAssociatedWith(activity, ctao, other_attributes={pm.PROV_ROLE: "Provider"})
    bundle.wasAssociatedWith(activity, software)
    bundle.wasAssociatedWith(activity, person, other_attributes={pm.PROV_ROLE: "Operator"})


# =============================================================================
# 2. The driver
# =============================================================================


def build(folder: Path, size: int, seed: int, fan_in: int) -> dict:
    """The store, and the N-Triples of the triples provrdf exports (for rdflib)."""
    import pyoxigraph

    from provrdf.store.base import INTERNAL_GRAPHS

    figures = synthetic.build_store(folder / "store", synthetic.plan(size, seed=seed, fan_in=fan_in))
    store = pyoxigraph.Store.read_only(str(folder / "store"))
    internal = ", ".join(map(str, INTERNAL_GRAPHS))
    store.query(f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }}
        FILTER(?g NOT IN ({internal})) }} }}""").serialize(
        output=str(folder / "triples.nt"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    with open(folder / "triples.nt", "rb") as lines:
        figures["triples"] = sum(1 for _ in lines)
    figures["graphs"] = sum(1 for _ in store.named_graphs())
    return figures


def run_child(args: argparse.Namespace) -> dict:
    folder = Path(args.workdir)
    if args.child == "build":
        result = build(folder, args.n, args.seed, args.fan_in)
    elif args.child.startswith("provrdf-"):
        result = provrdf_export(folder, args.child.split("-", 1)[1], args.repeats)
    elif args.child == "prov-json":
        result = prov_by_hand(folder, args.n, args.seed, args.fan_in, args.repeats)
    elif args.child == "rdflib-turtle":
        result = rdflib_turtle(folder, args.repeats)
    else:
        result = oxigraph_turtle(folder, args.repeats)
    return {**result, "peak_rss_mib": synthetic.peak_rss_mib()}


def spawn(args: argparse.Namespace, child: str) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", child, "--n", str(args.n),
               "--workdir", args.workdir, "--repeats", str(args.repeats), "--seed", str(args.seed),
               "--fan-in", str(args.fan_in)]
    found: dict = {}

    def on_line(kind: str, payload: dict) -> None:
        if kind == "RESULT":
            found.update(payload)

    code = synthetic.run_child(command, Path(args.workdir) / f"{child}.stderr", on_line, lambda *_: None)
    if code != 0 or not found:
        found["error"] = f"{child} exited with {code}: see {Path(args.workdir) / (child + '.stderr')}"
    return found


def table(results: dict) -> str:
    rows = ["| variant | s | MB out | MB/s | build or load s | content | peak RSS MiB |",
            "|---|---|---|---|---|---|---|"]
    for key, title in VARIANTS.items():
        r = results.get(key)
        if r is None:
            continue
        if "error" in r:
            rows.append(f"| {title} | failed | | | | | |")
            continue
        before = r.get("build_s", r.get("load_s"))
        content = ", ".join(f"{v:,} {k}" for k, v in r["content"].items())
        rows.append(f"| {title} | {r['s']:.2f} | {r['bytes'] / 1e6:.1f} | {r['bytes'] / 1e6 / r['s']:.1f} | "
                    f"{'' if before is None else f'{before:.2f}'} | {content} | {r['peak_rss_mib']:.0f} |")
    return "\n".join(rows)


def ratios(results: dict) -> list[str]:
    """By-hand seconds over provrdf's, for the same format (>1: provrdf is faster)."""
    def s(key, *extra):
        r = results.get(key, {})
        return None if "s" not in r else r["s"] + sum(r.get(e, 0) for e in extra)

    pairs = [("PROV-JSON: prov serialize / provrdf export", s("prov-json"), s("provrdf-provjson")),
             ("PROV-JSON: prov build + serialize / provrdf export", s("prov-json", "build_s"), s("provrdf-provjson")),
             ("Turtle: rdflib serialize / provrdf export", s("rdflib-turtle"), s("provrdf-turtle")),
             ("Turtle: rdflib load + serialize / provrdf export", s("rdflib-turtle", "load_s"), s("provrdf-turtle")),
             ("Turtle: pyoxigraph alone / provrdf export", s("oxigraph-turtle"), s("provrdf-turtle"))]
    return [f"{label}: {a / b:.2f}x" for label, a, b in pairs if a and b]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="See benchmarks/README.md for the variants and the columns.")
    parser.add_argument("--n", type=int, default=10000, help="activities in the store; default 10000")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per variant (median); default 3")
    parser.add_argument("--variants", default=",".join(VARIANTS), help="comma-separated; default all")
    parser.add_argument("--seed", type=int, default=20250327, help="seed of the synthetic data")
    parser.add_argument("--fan-in", type=int, default=10, help="products merged per merge activity; default 10")
    parser.add_argument("--workdir", default=None, help="where the store goes (kept); default a temp dir, removed")
    parser.add_argument("--json", dest="json_out", default=None, help="also write every figure to this file")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        synthetic.emit("RESULT", run_child(args))
        return 0

    temp = args.workdir is None
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="provrdf-export-")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    shutil.rmtree(Path(args.workdir) / "store", ignore_errors=True)
    info = synthetic.machine()
    print(f"# provrdf export benchmark: N={args.n:,} activities, median of {args.repeats} runs, workdir {args.workdir}")
    synthetic.print_machine(info)
    print(f"# measured: provrdf/export {synthetic.source_digest('provrdf/serializers/provdoc.py')} (provdoc.py), "
          f"{synthetic.source_digest('provrdf/serializers/rdf.py')} (rdf.py)")
    built = spawn(args, "build")
    if "error" in built:
        print("ERROR: " + built["error"])
        return 1
    print(f"# store: {built['quads']:,} quads in {built['graphs']:,} named graphs, {built['triples']:,} distinct "
          f"exported triples, built in {built['build_s']:.1f} s (bulk load, no SHACL)", flush=True)
    results = {}
    for key in args.variants.split(","):
        results[key] = spawn(args, key)
        print(f"# {key}: {results[key].get('s', 'failed')}", flush=True)
    print()
    print(table(results))
    print()
    for line in ratios(results):
        print(line)
    errors = [r["error"] for r in results.values() if "error" in r]
    for error in errors:
        print("ERROR: " + error)
    if args.json_out:
        Path(args.json_out).write_text(json.dumps({"machine": info, "args": vars(args), "store": built,
                                                   "results": results}, indent=2))
    if temp:
        shutil.rmtree(args.workdir, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

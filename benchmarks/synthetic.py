"""Synthetic CTAO-like productions, shared by ``lineage.py`` and ``export.py``.

A production of N activities, described as plain Python data (no provrdf,
no RDF), so that each benchmark can build the same provenance both through
provrdf and by hand:

* R observation runs, each a chain of three activities:
  ``ctapipe-process`` R0 → DL1, ``ctapipe-process`` DL1 → DL2,
  ``ctapipe-apply-models`` DL2 (+ the shared trained models) → final DL2;
* merge layers above the runs, each activity merging ``fan_in`` products of
  the layer below: ``ctapipe-merge`` of the final DL2 of ``fan_in`` runs
  into an observation block, then ``gammapy-stack`` of ``fan_in`` blocks,
  and so on up to one product at the top (the *catalogue*);
* the few activities left to reach exactly N are runs still being processed
  (R0 → DL1 only), merged into nothing.

Every activity has its input and output dataset entities (CTAO product id,
path, role, data level, format), the CTAO organisation, the software agent
and an operator, five parameters and a configuration file, as a ctapipe
record has. Each input names the activity that produced it, as the CTAO
reference metadata does.

:func:`build_store` encodes every activity as a provrdf record (one named
graph per record, as ``ingest`` stores them, with the same locations index)
and bulk-loads the quads into an on-disk store, without SHACL validation.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import queue
import random
import resource
import subprocess
import threading
import time
import uuid as uuidlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

__all__ = ["File", "Production", "Step", "build_store", "emit", "machine", "peak_rss_mib", "plan", "print_machine",
           "record", "run_child"]

VERSIONS = {"ctapipe-process": "0.24.0", "ctapipe-apply-models": "0.24.0",
            "ctapipe-merge": "0.24.0", "gammapy-stack": "1.3"}
OPERATORS = ("Alice Schmidt", "Bruno Costa", "Chiara Rossi", "Daniel Weber", "Emi Tanaka")
MODELS = "/fefs/models/energy_regressor.pkl"


@dataclass
class File:
    """A dataset: its CTAO product id, path, role in the step, data level, and producer."""

    product: str
    path: str
    role: str
    level: str
    producer: str | None = None  #: uuid of the activity that generated it


@dataclass
class Step:
    """One tool run."""

    uuid: str
    tool: str
    start: datetime
    end: datetime
    inputs: list[File]
    outputs: list[File]
    parameters: dict[str, str]
    config_file: str
    operator: str
    host: str

    @property
    def version(self) -> str:
        return VERSIONS[self.tool]


@dataclass
class Production:
    """The steps of a production and the products the lineage benchmark starts from."""

    steps: list[Step] = field(default_factory=list)
    runs: int = 0
    merges: list[int] = field(default_factory=list)  #: activities per merge layer, bottom up
    chain: File | None = None  #: the final DL2 of run 0: a three-activity lineage
    block: File | None = None  #: the first observation block: fan_in runs
    top: File | None = None  #: the catalogue: the whole production


def merge_layers(runs: int, fan_in: int) -> list[int]:
    """Activities per merge layer above ``runs`` runs, up to a single product."""
    layers, width = [], runs
    while True:
        width = math.ceil(width / fan_in)
        layers.append(width)
        if width == 1:
            return layers


def split(n: int, fan_in: int) -> tuple[int, list[int], int]:
    """(runs, merge layers, unmerged single-step runs) adding up to ``n`` activities."""
    runs = max(1, (n - 1) // 3)
    while runs > 1 and 3 * runs + sum(merge_layers(runs, fan_in)) > n:
        runs -= 1
    layers = merge_layers(runs, fan_in)
    rest = n - 3 * runs - sum(layers)
    if rest < 0:
        raise ValueError(f"n={n} is too small for one run and its merge")
    return runs, layers, rest


class _Planner:
    """Draws the steps from a seeded RNG, in the order a production would run them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.clock = datetime(2025, 1, 6, 20, 0, tzinfo=timezone.utc)
        self.steps: list[Step] = []

    def uuid(self) -> str:
        return str(uuidlib.UUID(int=self.rng.getrandbits(128), version=4))

    def output(self, path: str, role: str, level: str) -> File:
        return File(self.uuid(), path, role, level)

    def step(self, tool: str, inputs: list[File], outputs: list[File], parameters: dict[str, str],
             config: str) -> Step:
        uuid = self.uuid()
        start = self.clock + timedelta(seconds=self.rng.randint(1, 30))
        end = start + timedelta(seconds=self.rng.randint(600, 3600), milliseconds=self.rng.randint(0, 999))
        self.clock = start
        for item in outputs:
            item.producer = uuid
        step = Step(uuid, tool, start, end, inputs, outputs, parameters, config,
                    self.rng.choice(OPERATORS), f"cp{self.rng.randint(1, 64):02d}.cta.local")
        self.steps.append(step)
        return step

    def run(self, number: int, stages: int = 3) -> File:
        """The steps of one run; returns its last product."""
        name = f"run{number:06d}"
        raw = File(self.uuid(), f"/fefs/r0/{name}.simtel.zst", "DL0/Event", "R0")
        dl1 = self.output(f"/fefs/dl1/{name}.dl1.h5", "DL1/Event", "DL1")
        self.step("ctapipe-process", [raw], [dl1], self.process_parameters(number, "dl1"),
                  "/fefs/config/process_dl1.yaml")
        if stages == 1:
            return dl1
        dl2 = self.output(f"/fefs/dl2/{name}.dl2.h5", "DL2/Event", "DL2")
        self.step("ctapipe-process", [_as_input(dl1, "DL1/Event")], [dl2], self.process_parameters(number, "dl2"),
                  "/fefs/config/process_dl2.yaml")
        final = self.output(f"/fefs/dl2/{name}.final.dl2.h5", "DL2/Event", "DL2")
        models = File("energy-regressor-v3", MODELS, "reconstructor", "model")
        self.step("ctapipe-apply-models", [_as_input(dl2, "DL2/Event"), models], [final],
                  {"ApplyModels.n_jobs": "4", "ApplyModels.chunk_size": "100000",
                   "ApplyModels.overwrite": "false", "ApplyModels.progress_bar": "false",
                   "ApplyModels.log_level": "INFO"},
                  "/fefs/config/apply_models.yaml")
        return final

    def process_parameters(self, number: int, target: str) -> dict[str, str]:
        return {"ProcessorTool.EventSource.max_events": str(self.rng.randint(10_000, 200_000)),
                "ProcessorTool.DataWriter.write_" + ("images" if target == "dl1" else "showers"): "true",
                "ProcessorTool.DataWriter.overwrite": "false",
                "ProcessorTool.ImageExtractor.window_width": str(self.rng.choice((5, 7, 9))),
                "ProcessorTool.seed": str(number)}

    def merge(self, layer: int, index: int, parts: list[File], top: bool) -> File:
        tool = "ctapipe-merge" if layer == 1 else "gammapy-stack"
        level = "DL2" if layer == 1 else "DL3"
        path = "/fefs/dl3/catalogue.fits" if top else f"/fefs/{level.lower()}/merged/layer{layer}_{index:05d}.h5"
        product = self.output(path, "DL2/Event" if layer == 1 else "DL3/Dataset", level)
        self.step(tool, [_as_input(p, p.role) for p in parts], [product],
                  {"Merge.layer": str(layer), "Merge.parts": str(len(parts)), "Merge.overwrite": "false",
                   "Merge.skip_broken_files": "true", "Merge.progress_bar": "false"},
                  f"/fefs/config/merge_layer{layer}.yaml")
        return product


def _as_input(item: File, role: str) -> File:
    return File(item.product, item.path, role, item.level, item.producer)


def plan(n: int, *, seed: int = 20250327, fan_in: int = 10) -> Production:
    """The steps of a production of exactly ``n`` activities (see the module docstring)."""
    runs, layers, rest = split(n, fan_in)
    planner = _Planner(seed)
    production = Production(runs=runs, merges=layers)
    products = [planner.run(number) for number in range(runs)]
    production.chain = products[0]
    for layer, width in enumerate(layers, start=1):
        products = [planner.merge(layer, i, products[i * fan_in:(i + 1) * fan_in], width == 1)
                    for i in range(width)]
        if layer == 1:
            production.block = products[0]
    production.top = products[0]
    for number in range(runs, runs + rest):
        planner.run(number, stages=1)
    production.steps = planner.steps
    assert len(production.steps) == n, (len(production.steps), n)
    return production


# -- provrdf records ---------------------------------------------------------------


def record(step: Step):
    """The provrdf :class:`~provrdf.model.Record` of one step, shaped as the ctapipe reader makes them."""
    from provrdf import model as m

    description = f"{step.tool}/{step.version}"
    software = f"software/{step.tool.split('-')[0]}/{step.version}"
    person = f"person/{step.operator}"
    rec = m.Record(
        id=step.uuid, source="synthetic", activities=[m.Activity(
            id=step.uuid, name=step.tool, start=step.start, end=step.end, description=description,
            extra={"ctao:status": "completed", "ctao:exitCode": 0},
            system={"ctao:hostName": step.host, "ctao:pythonVersion": "3.11.7", "ctao:operatingSystem": "Linux"})],
        agents=[m.Agent(id="CTAO", name="CTAO", type="Organization"),
                m.Agent(id=software, name=f"{step.tool.split('-')[0]} {step.version}", type="SoftwareAgent"),
                m.Agent(id=person, name=step.operator, type="Person", email=_email(step.operator),
                        affiliation="CTAO")],
        associations=[m.Association(step.uuid, "CTAO", "Provider"), m.Association(step.uuid, software),
                      m.Association(step.uuid, person, "Operator")],
        parameters=[m.Parameter(step.uuid, key, value) for key, value in step.parameters.items()],
        config_files=[m.ConfigFile(step.uuid, name=Path(step.config_file).name, location=step.config_file)],
        activity_descriptions=[m.ActivityDescription(id=description, name=step.tool, version=step.version)],
    )
    for item in step.inputs:
        rec.entities.append(_entity(m, item, None))
        rec.usages.append(m.Usage(step.uuid, item.product, role=item.role))
        if item.producer:
            rec.generations.append(m.Generation(item.product, item.producer))
            rec.activities.append(m.Activity(id=item.producer))
    for item in step.outputs:
        rec.entities.append(_entity(m, item, step.end))
        rec.generations.append(m.Generation(item.product, step.uuid, role=item.role))
        rec.attributions.append(m.Attribution(item.product, "CTAO"))
    return rec


def _entity(m, item: File, created: datetime | None):
    return m.Entity(id=item.product, kind="dataset", name=Path(item.path).name, location=item.path,
                    generated_at=created,
                    extra={"ctao:productId": item.product, "ctao:productDataLevels": item.level,
                           "ctao:productFormat": "fits" if item.path.endswith(".fits") else "hdf5"})


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@cta-observatory.org"


def quads(production: Production, base: str) -> Iterator:
    """Every quad provrdf would store for the production: record graphs, descriptions, locations index."""
    from pyoxigraph import Literal, Quad

    from provrdf.rdf.encode import Encoder
    from provrdf.rdf.terms import R
    from provrdf.store.base import LOCATIONS_GRAPH

    encoder = Encoder(base)
    written = set()
    for step in production.steps:
        encoded = encoder.encode(record(step))
        for graph, items in encoded.graphs.items():
            if graph == encoded.graph or graph not in written:
                written.add(graph)
                yield from items
        for item in step.inputs + step.outputs:
            if item.level != "model":
                yield Quad(encoder.iri("entity", item.product), R.fileLocation, Literal(item.path), LOCATIONS_GRAPH)


def build_store(path: Path, production: Production) -> dict:
    """Bulk-load the production into a new on-disk store at ``path`` (no SHACL); return its figures."""
    from provrdf.store import open_store

    began = time.perf_counter()
    store = open_store(path)
    store.bulk_load(quads(production, store.base))
    total = len(store)
    store.close()
    return {"build_s": time.perf_counter() - began, "quads": total,
            "disk_mib": sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20}


# -- plumbing shared by the benchmarks ---------------------------------------------


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux gives KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict:
    """Cores, load, Python and package versions, for the header of a benchmark's output."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("provrdf", "pyoxigraph", "rdflib", "prov"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {"cpus": os.cpu_count(), "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": f"{platform.python_implementation()} {platform.python_version()}",
            "platform": platform.platform(), "memory_gib": _memory_gib(), "packages": versions}


def _memory_gib() -> float | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        return None


def source_digest(relative: str) -> str:
    """The first 12 hex digits of the sha256 of a provrdf source file: which version was measured."""
    import provrdf

    path = Path(provrdf.__file__).parent.parent / relative
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def print_machine(info: dict) -> None:
    print(f"# machine: {info['cpus']} cores, {info['memory_gib']:.0f} GiB, load {info['loadavg_at_start']}, "
          f"{info['python']}, {info['platform']}")
    print("# " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()))


def emit(kind: str, payload: dict) -> None:
    """One line of a child process's report to its parent: ``KIND {json}``."""
    print(f"{kind} {json.dumps(payload)}", flush=True)


def run_child(command: list[str], log: Path, on_line, timeout_for) -> int | None:
    """Run ``command``, passing each ``KIND {json}`` line of its stdout to ``on_line(kind, payload)``.

    ``timeout_for(kind, payload)`` gives the seconds the child has to print
    its next line after this one (None: no limit). When it does not, the
    child is killed and ``on_line("TIMEOUT", {"after": seconds})`` is called.
    Returns the child's exit code (None when killed). Its stderr goes to ``log``.
    """
    lines: queue.Queue = queue.Queue()
    with open(log, "w") as errors:
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, text=True)
        threading.Thread(target=_pump, args=(child.stdout, lines), daemon=True).start()
        limit = timeout_for("START", {})
        while True:
            try:
                line = lines.get(timeout=limit)
            except queue.Empty:
                child.kill()
                child.wait()
                on_line("TIMEOUT", {"after": limit})
                return None
            if line is None:
                return child.wait()
            kind, _, rest = line.partition(" ")
            payload = json.loads(rest) if rest.startswith("{") else {}
            on_line(kind, payload)
            limit = timeout_for(kind, payload)


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line.rstrip("\n"))
    lines.put(None)

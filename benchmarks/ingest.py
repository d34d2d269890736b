#!/usr/bin/env python
"""Ingest throughput of provrdf against doing the same by hand, and against Oxigraph's bulk loader.

The script writes N synthetic ctapipe activities (chained R0 → DL1 → DL2 →
DL3/IRF, as a production would run them) into ctapipe provenance logs, then
measures, each variant in its own subprocess so that each peak memory is its
own:

  a  provrdf: ``open_store(path)`` + ``ingest(store, files)``, SHACL validation on
  b  the same with ``validate=False``, into a fresh store
  c  by hand, without provrdf: json → ``prov`` ProvDocument per activity →
     PROV-O N-Triples → rdflib → pySHACL (same shapes, once per document) →
     pyoxigraph ``Store.load`` into one named graph per document
  d  Oxigraph's bulk loader on the N-Quads dump of the store written by (a):
     the upper limit of loading that many quads

Run ``python benchmarks/ingest.py --help`` for the options, and see
``benchmarks/README.md`` for what each column means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid as uuidlib
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import quote

VARIANTS = {
    "a": "provrdf ingest, validated",
    "b": "provrdf ingest, validate=False",
    "c": "by hand: prov + rdflib + pySHACL + Store.load",
    "d": "Oxigraph bulk_load of (a)'s quads",
}
#: Graph names of the records in every variant: provrdf's bundle IRIs (c uses the same).
BASE = "https://w3id.org/provrdf/id/"
BUNDLES = BASE + "bundle/"
PROV = "http://www.w3.org/ns/prov#"
VOPROV = "http://www.ivoa.net/documents/ProvenanceDM/index.html#"
CTAO = "https://w3id.org/provrdf/ctao#"


# =============================================================================
# 1. Synthetic ctapipe provenance logs
# =============================================================================

#: One chain of a production: (tool, input role, output role, data levels, output suffix).
STAGES = [
    ("ctapipe-process", "DL0/Event", "DL1/Event", "DL1_IMAGES,DL1_PARAMETERS", "dl1.h5"),
    ("ctapipe-process", "DL1/Event", "DL2/Event", "DL2", "dl2.h5"),
    ("ctapipe-apply-models", "DL2/Event", "DL2/Event", "DL2", "dl2.models.h5"),
    ("ctapipe-make-irf", "DL2/Event", "IRF", "DL3", "irf.fits.gz"),
]
#: Chains are run in waves: stage 0 of every chain of a wave, then stage 1, …
WAVE = 50
CTAPIPE_VERSION = "0.26.0"
PACKAGES = [
    ("astropy", "7.0.1"), ("bokeh", "3.6.3"), ("ctapipe", CTAPIPE_VERSION), ("eventio", "1.16.1"),
    ("h5py", "3.13.0"), ("iminuit", "2.31.1"), ("joblib", "1.4.2"), ("matplotlib", "3.10.1"),
    ("numba", "0.61.0"), ("numpy", "2.1.3"), ("packaging", "24.2"), ("psutil", "7.0.0"),
    ("pyirf", "0.12.0"), ("pyyaml", "6.0.2"), ("requests", "2.32.3"), ("scikit-learn", "1.6.1"),
    ("scipy", "1.15.2"), ("setuptools", "75.8.2"), ("tables", "3.10.2"), ("tqdm", "4.67.1"),
    ("traitlets", "5.14.3"),
]
PREFIX = "/opt/conda/envs/cta"
USERS = [("aperez", "Ana Pérez", "ana.perez@cta-observatory.org"),
         ("jschmidt", "Jonas Schmidt", "jonas.schmidt@cta-observatory.org"),
         ("lrossi", "Laura Rossi", "laura.rossi@cta-observatory.org")]


def _uuid(rng: random.Random) -> str:
    return str(uuidlib.UUID(int=rng.getrandbits(128), version=4))


def _ms(moment: datetime) -> str:
    """ctapipe's time_utc: ISO with milliseconds, no zone."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}"


def _config(stage: int, run: int, inp: str, out: str, cfg: str, rng: random.Random) -> dict:
    """A nested tool configuration with 25 leaf settings (ctapipe writes the full config)."""
    tool = {0: "ProcessorTool", 1: "ProcessorTool", 2: "ApplyModels", 3: "IrfTool"}[stage]
    common = {
        "config_files": [cfg],
        "log_level": 30,
        "logging_config": {},
        "overwrite": False,
        "progress_bar": False,
        "provenance_log": f"/scratch/prod6/logs/{run:06d}.{stage}.provenance.log",
        "quiet": False,
    }
    if stage in (0, 1):
        specific = {
            "EventSource": {"input_url": inp, "max_events": None, "allowed_tels": None,
                            "skip_calibration_events": True},
            "DataWriter": {"output_path": out, "write_dl1_images": stage == 0,
                           "write_dl1_parameters": stage == 0, "write_dl2": stage == 1,
                           "transform_image": True, "image_dvr": 0.1, "peak_time_dvr": 0.01},
            "ImageProcessor": {"image_cleaner_type": [["type", "*", "TailcutsImageCleaner"]],
                               "TailcutsImageCleaner": {
                                   "picture_threshold_pe": [["type", "*", round(rng.uniform(8, 12), 1)]],
                                   "boundary_threshold_pe": [["type", "*", 5.0]],
                                   "min_picture_neighbors": [["type", "*", 2]]}},
            "ShowerProcessor": {"reconstructor_types": ["HillasReconstructor"]},
            "ImageQualityQuery": {"quality_criteria": [["size_greater_0", "parameters.hillas.intensity > 0"]]},
        }
    elif stage == 2:
        specific = {
            "input_url": inp, "output_path": out, "chunk_size": 100000, "n_jobs": -1,
            "energy_regressor_path": f"/data/models/prod6/energy_{run % 7}.pkl",
            "particle_classifier_path": f"/data/models/prod6/classifier_{run % 7}.pkl",
            "EnergyRegressor": {"prefix": "RandomForestRegressor", "log_target": True,
                                "model_cls": "RandomForestRegressor",
                                "model_config": {"n_estimators": 100, "max_depth": 20}},
            "ParticleClassifier": {"prefix": "RandomForestClassifier",
                                   "model_cls": "RandomForestClassifier",
                                   "model_config": {"n_estimators": 100, "min_samples_leaf": 10}},
            "dl2_stereo": True, "dl1_features": False, "stereo_combiner_cls": "StereoMeanCombiner",
            "write_full_table": False,
        }
    else:
        specific = {
            "gamma_target_spectrum": "CRAB_HEGRA", "obs_time": "50 h", "alpha": 0.2,
            "output_path": out, "gamma_file": inp, "full_enclosure": False,
            "spatial_selection_applied": True, "do_background": True, "do_benchmarks": False,
            "EventLoader": {"chunk_size": 100000, "n_jobs": 4},
            "EventPreprocessor": {"energy_reconstructor": "RandomForestRegressor",
                                  "geometry_reconstructor": "HillasReconstructor",
                                  "gammaness_classifier": "RandomForestClassifier"},
            "EffectiveAreaMakerBase": {"true_energy_min": 0.005, "true_energy_max": 200,
                                       "true_energy_n_bins": 10},
            "EnergyDispersionMakerBase": {"migration_min": 0.2, "migration_max": 5},
        }
    return {tool: {**common, **specific}}


def _reference_meta(product: str, activity: str, name: str, start: datetime, created: datetime,
                    levels: str, fmt: str, contact: tuple[str, str, str], rng: random.Random) -> dict:
    return {
        "CTA PRODUCT DESCRIPTION": f"{levels} data of a Prod6 simulation",
        "CTA PRODUCT CREATION TIME": created.strftime("%Y-%m-%d %H:%M:%S.") + f"{created.microsecond // 1000:03d}",
        "CTA PRODUCT ID": product,
        "CTA PRODUCT DATA CATEGORY": "Sim",
        "CTA PRODUCT DATA LEVELS": levels,
        "CTA PRODUCT DATA ASSOCIATION": "Subarray",
        "CTA PRODUCT DATA MODEL NAME": "ASWG",
        "CTA PRODUCT DATA MODEL VERSION": "v7.0.0",
        "CTA PRODUCT DATA MODEL URL": "",
        "CTA PRODUCT FORMAT": fmt,
        "CTA PROCESS TYPE": "Simulation",
        "CTA PROCESS SUBTYPE": "",
        "CTA PROCESS ID": str(rng.randint(1, 9999)),
        "CTA ACTIVITY NAME": name,
        "CTA ACTIVITY TYPE": "software",
        "CTA ACTIVITY ID": activity,
        "CTA ACTIVITY START TIME": _ms(start).replace("T", " "),
        "CTA ACTIVITY SOFTWARE NAME": "ctapipe",
        "CTA ACTIVITY SOFTWARE VERSION": CTAPIPE_VERSION,
        "CTA INSTRUMENT SITE": "CTAO-North",
        "CTA INSTRUMENT CLASS": "Subarray",
        "CTA INSTRUMENT TYPE": "Alpha",
        "CTA INSTRUMENT SUBTYPE": "",
        "CTA INSTRUMENT VERSION": "",
        "CTA INSTRUMENT ID": "1",
        "CTA CONTACT ORGANIZATION": "CTAO",
        "CTA CONTACT NAME": contact[1],
        "CTA CONTACT EMAIL": contact[2],
        "CTA REFERENCE VERSION": "1",
    }


def _system(args: list[str], start: datetime, user: str, rng: random.Random) -> dict:
    node = f"wn-{rng.randint(1, 400):04d}.pic.es"
    return {
        "ctapipe_version": CTAPIPE_VERSION,
        "executable": f"{PREFIX}/bin/python3.12",
        "arguments": args,
        "start_time_utc": _ms(start),
        "platform": {
            "architecture_bits": "64bit", "architecture_linkage": "ELF", "machine": "x86_64",
            "processor": "x86_64", "node": node, "version": "#1 SMP PREEMPT_DYNAMIC Tue Feb 4 09:12:33 UTC 2025",
            "system": "Linux", "release": "5.14.0-503.26.1.el9_5.x86_64", "libcver": ["glibc", "2.34"],
            "n_cpus": 32, "boot_time": "2025-02-10T06:31:07.000",
        },
        "python": {
            "version_string": "3.12.9 | packaged by conda-forge | (main, Feb 14 2025, 08:00:06) [GCC 13.3.0]",
            "version": ["3", "12", "9"], "compiler": "GCC 13.3.0", "implementation": "CPython",
            "packages": [{"name": n, "version": v, "path": f"{PREFIX}/lib/python3.12/site-packages"}
                         for n, v in PACKAGES],
        },
        "environment": {
            "CONDA_DEFAULT_ENV": "cta", "CONDA_PREFIX": PREFIX, "CONDA_PYTHON_EXE": "/opt/conda/bin/python",
            "CONDA_EXE": "/opt/conda/bin/conda", "CONDA_PROMPT_MODIFIER": "(cta) ", "CONDA_SHLVL": "2",
            "PATH": f"{PREFIX}/bin:/opt/conda/condabin:/usr/local/bin:/usr/bin:/bin",
            "LD_LIBRARY_PATH": None, "DYLD_LIBRARY_PATH": None, "USER": user, "HOME": f"/home/{user}",
            "SHELL": "/bin/bash", "OMP_NUM_THREADS": "1",
        },
    }


def activities(n: int, seed: int) -> list[dict]:
    """N ctapipe activities, in the order they ran; chains of :data:`STAGES`, run in waves."""
    rng = random.Random(seed)
    chains = -(-n // len(STAGES))
    order = [(chain, stage) for first in range(0, chains, WAVE) for stage in range(len(STAGES))
             for chain in range(first, min(first + WAVE, chains))][:n]
    clock = datetime(2025, 3, 1, 8, 0, 0, tzinfo=timezone.utc)
    previous: dict[int, dict] = {}  # chain → its last output item
    out = []
    for chain, stage in order:
        tool, in_role, out_role, levels, suffix = STAGES[stage]
        run = 1000 + chain
        uuid = _uuid(rng)
        user = USERS[chain % len(USERS)]
        clock += timedelta(seconds=rng.uniform(5, 90))
        start = clock
        duration = timedelta(seconds=rng.uniform(60, 1800))
        stop = start + duration
        cfg = f"/data/config/prod6/{tool.removeprefix('ctapipe-')}_stage{stage}.yaml"
        if stage == 0:
            first = {"url": f"/fefs/sim/prod6/r0/gamma_20deg_0deg_run{run}.simtel.zst",
                     "role": in_role, "reference_meta": None}
        else:
            first = dict(previous[chain], role=in_role)
        inputs = [first]
        if stage == 2:
            inputs += [{"url": f"/data/models/prod6/energy_{run % 7}.pkl", "role": "reconstructor",
                        "reference_meta": None},
                       {"url": f"/data/models/prod6/classifier_{run % 7}.pkl", "role": "reconstructor",
                        "reference_meta": None}]
        if stage != 3:
            inputs.append({"url": cfg, "role": "Tool Configuration", "reference_meta": None})
        level_dir = suffix.split(".")[0].upper()
        path = f"/fefs/sim/prod6/{level_dir}/gamma_20deg_0deg_run{run}.{suffix}"
        created = stop - timedelta(milliseconds=rng.randint(50, 900))
        meta = _reference_meta(_uuid(rng), uuid, tool, start, created, levels,
                               "fits" if suffix.startswith("irf") else "hdf5", user, rng)
        output = {"url": path, "role": out_role, "reference_meta": meta}
        previous[chain] = output
        argv = [f"{PREFIX}/bin/{tool}", f"--input={first['url']}", f"--output={path}"]
        if stage != 3:
            argv.append(f"--config={cfg}")
        out.append({
            "activity_name": tool,
            "activity_uuid": uuid,
            "start": {"time_utc": _ms(start)},
            "stop": {"time_utc": _ms(stop)},
            "system": _system(argv, start, user[0], rng),
            "input": inputs,
            "output": [output],
            "exit_code": 0,
            "status": "completed",
            "config": _config(stage, run, first["url"], path, cfg, rng),
            "duration_min": duration.total_seconds() / 60,
        })
    return out


def write_logs(acts: list[dict], folder: Path, per_file: int, per_run: int) -> list[Path]:
    """Provenance logs of ``per_file`` activities, each file ``per_run``-long arrays back to back
    (a tool log reused by several runs, as ctapipe appends them)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for number, first in enumerate(range(0, len(acts), per_file)):
        chunk = acts[first:first + per_file]
        path = folder / f"prod6_{number:05d}.provenance.log"
        with open(path, "w", encoding="utf-8") as stream:
            for start in range(0, len(chunk), per_run):
                stream.write(json.dumps(chunk[start:start + per_run], indent=2))
                stream.write("\n")
        files.append(path)
    return files


# =============================================================================
# 2. The variants (each runs in a subprocess of its own)
# =============================================================================


def _peak_rss_mib() -> float:
    """Peak resident memory of this process so far (Linux gives KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _count(store: Any, sparql: str) -> int:
    """An integer from a one-row SELECT on a pyoxigraph store."""
    return int(next(iter(store.query(sparql, use_default_graph_as_union=True)))[0].value)


def census(store: Any) -> dict[str, int]:
    """What the record graphs (named ``BUNDLES…``) of a pyoxigraph store hold, summed over graphs.

    The same queries run on every variant's store, so the reader can check
    that (a) and (c) stored the same provenance.
    """
    def per_graph(pattern: str) -> int:
        return _count(store, f"PREFIX prov: <{PROV}> PREFIX voprov: <{VOPROV}> "
                             f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ {pattern} }} "
                             f'FILTER(STRSTARTS(STR(?g), "{BUNDLES}")) }}')

    def relations(shortcut: str, qualifier: str, target: str) -> int:
        """Distinct (graph, subject, object) of a relation, written as a shortcut or only qualified."""
        pattern = (f"{{ ?x prov:{shortcut} ?y }} UNION {{ ?x prov:{qualifier} ?q . ?q prov:{target} ?y }}")
        return _count(store, f"PREFIX prov: <{PROV}> SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?g ?x ?y "
                             f"WHERE {{ GRAPH ?g {{ {pattern} }} FILTER(STRSTARTS(STR(?g), \"{BUNDLES}\")) }} }}")

    return {
        "quads": len(store),
        "record_graphs": _count(store, "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                                       f'FILTER(STRSTARTS(STR(?g), "{BUNDLES}")) }}'),
        "record_quads": per_graph("?s ?p ?o"),
        "activities_run": per_graph("?x prov:startedAtTime ?t"),
        "entities_dataset": per_graph("?x a voprov:DatasetEntity"),
        "parameters": per_graph("?x a voprov:Parameter"),
        "config_files": per_graph("?x a voprov:ConfigFile"),
        "agents": per_graph("?x a prov:Agent"),
        "used": relations("used", "qualifiedUsage", "entity"),
        "wasGeneratedBy": relations("wasGeneratedBy", "qualifiedGeneration", "activity"),
        "wasAssociatedWith": relations("wasAssociatedWith", "qualifiedAssociation", "agent"),
        "wasAttributedTo": relations("wasAttributedTo", "qualifiedAttribution", "agent"),
        "influences": per_graph("?x prov:wasInfluencedBy|voprov:wasConfiguredBy ?y"),
    }


def variant_provrdf(files: list[Path], store_path: Path, validate: bool, batch: int | None) -> dict:
    import pyoxigraph

    import provrdf.pipeline
    from provrdf.api import ingest, open_store

    if batch:
        provrdf.pipeline.BATCH_SIZE = batch
    began = time.perf_counter()
    store = open_store(store_path)
    report = ingest(store, files, validate=validate)
    store.close()
    wall = time.perf_counter() - began
    peak = _peak_rss_mib()  # before the census queries, which use memory of their own
    errors = [str(r) for r in report.rejected[:5]]
    if report.rejected:
        errors.insert(0, f"{len(report.rejected)} record(s) rejected")
    raw = pyoxigraph.Store.read_only(str(store_path))
    return {"wall": wall, "peak_rss_mib": peak, "stored": report.stored, "census": census(raw),
            "errors": errors, "warnings": len(report.warnings)}


# -- (c) by hand -------------------------------------------------------------------


def _json_arrays(text: str) -> Iterator[dict]:
    """The elements of JSON arrays written back to back, as a user reads a ctapipe log."""
    decoder, position, end = json.JSONDecoder(), 0, len(text)
    while True:
        while position < end and text[position].isspace():
            position += 1
        if position >= end:
            return
        array, position = decoder.raw_decode(text, position)
        yield from array


def _utc(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text.replace(" ", "T"))
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def _leaves(config: dict, prefix: str = "") -> Iterator[tuple[str, str]]:
    for key, value in config.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and value:
            yield from _leaves(value, name)
        else:
            yield name, value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _camel(words: str) -> str:
    head, *rest = words.lower().split()
    return head + "".join(word.capitalize() for word in rest)


def prov_document(act: dict) -> tuple[Any, str]:
    """The PROV document a careful user would write for one ctapipe activity, and its graph name.

    It carries what provrdf records: the activity with its times, status,
    exit code, duration and system facts; one dataset entity per file with
    its location, name, creation time and CTAO reference metadata; used /
    wasGeneratedBy with prov:role (and the generation of an input by the
    activity its metadata names); the CTAO organisation, the ctapipe
    software agent and the user, associated with the activity; attribution
    of outputs to CTAO; each configuration leaf as a parameter entity with
    prov:value, and the config file as an entity, linked by wasInfluencedBy.
    """
    import prov.model as pm

    doc = pm.ProvDocument()
    ids = doc.add_namespace("id", BASE)
    ctao = doc.add_namespace("ctao", CTAO)
    vo = doc.add_namespace("voprov", VOPROV)
    uuid, name = act["activity_uuid"], act["activity_name"]
    system = act.get("system") or {}
    platform_ = system.get("platform") or {}
    python = system.get("python") or {}
    version = system.get("ctapipe_version")

    attrs: list[tuple[Any, Any]] = [
        (pm.PROV_LABEL, name),
        (ctao["status"], act.get("status")),
        # a bare int becomes xsd:int, which the shapes reject: ctao:exitCode is an xsd:integer
        (ctao["exitCode"], pm.Literal(str(act["exit_code"]), pm.XSD_INTEGER) if "exit_code" in act else None),
        (ctao["durationMinutes"], float(act["duration_min"])),
        (ctao["ctapipeVersion"], version),
        (ctao["executable"], system.get("executable")),
        (ctao["arguments"], " ".join(system.get("arguments") or [])),
        (ctao["startTime"], _utc(system.get("start_time_utc"))),
        (ctao["hostName"], platform_.get("node")),
        (ctao["operatingSystem"], platform_.get("system")),
        (ctao["osRelease"], platform_.get("release")),
        (ctao["machine"], platform_.get("machine")),
        (ctao["nCpus"], platform_.get("n_cpus")),
        (ctao["libcVersion"], " ".join(platform_.get("libcver") or [])),
        (ctao["bootTime"], _utc(platform_.get("boot_time"))),
        (ctao["pythonVersion"], ".".join(python.get("version") or [])),
        (ctao["pythonImplementation"], python.get("implementation")),
        (ctao["environment"], json.dumps(system.get("environment"), sort_keys=True)),
        (ctao["systemJSON"], json.dumps(system, sort_keys=True)),
    ]
    attrs += [(ctao["pythonPackage"], f"{p['name']} {p['version']}") for p in python.get("packages", [])]
    attrs = [(k, v) for k, v in attrs if v not in (None, "")]
    activity = doc.activity(ids[f"activity/{uuid}"], _utc(act["start"]["time_utc"]),
                            _utc(act["stop"]["time_utc"]), attrs)

    ctao_org = doc.agent(ids["agent/CTAO"], {pm.PROV_TYPE: pm.PROV["Organization"], pm.PROV_LABEL: "CTAO"})
    software = doc.agent(ids[f"agent/software/ctapipe/{version}"],
                         {pm.PROV_TYPE: pm.PROV["SoftwareAgent"], pm.PROV_LABEL: f"ctapipe {version}"})
    doc.association(activity, ctao_org, other_attributes={pm.PROV_ROLE: "Provider"})
    doc.association(activity, software)

    contact = None
    producers: set[str] = set()
    for direction in ("input", "output"):
        for item in act.get(direction) or []:
            url, role, meta = item["url"], item.get("role"), item.get("reference_meta") or {}
            if role and "config" in role.lower():
                config = doc.entity(ids[f"configfile/{uuid}/" + quote(os.path.basename(url))],
                                    {pm.PROV_TYPE: vo["ConfigFile"], pm.PROV_LABEL: os.path.basename(url),
                                     pm.PROV_LOCATION: url})
                doc.influence(activity, config)
                continue
            product = meta.get("CTA PRODUCT ID")
            local = product.lower() if product else "path:" + quote(os.path.normpath(url))
            eattrs: list[tuple[Any, Any]] = [(pm.PROV_TYPE, vo["DatasetEntity"]),
                                              (pm.PROV_LABEL, os.path.basename(url)), (pm.PROV_LOCATION, url)]
            for key, value in meta.items():
                if value in (None, ""):
                    continue
                if key == "CTA PRODUCT DATA LEVELS":
                    eattrs += [(ctao["productDataLevels"], level) for level in value.split(",")]
                elif key.endswith("TIME"):
                    eattrs.append((ctao[_camel(key[4:])], _utc(value)))
                else:
                    eattrs.append((ctao[_camel(key[4:])], value))
            if meta:
                eattrs.append((ctao["referenceMeta"], json.dumps(meta, sort_keys=True)))
            entity = doc.entity(ids[f"entity/{local}"], eattrs)
            producer = meta.get("CTA ACTIVITY ID")
            if direction == "input":
                doc.used(activity, entity, other_attributes={pm.PROV_ROLE: role} if role else None)
                if producer and producer != uuid:
                    if producer not in producers:
                        doc.activity(ids[f"activity/{producer}"])
                        producers.add(producer)
                    doc.wasGeneratedBy(entity, ids[f"activity/{producer}"])
            else:
                doc.wasGeneratedBy(entity, activity, other_attributes={pm.PROV_ROLE: role} if role else None)
                doc.wasAttributedTo(entity, ctao_org)
                if contact is None and meta.get("CTA CONTACT NAME"):
                    contact = meta
    if contact:
        person = doc.agent(ids["agent/person/" + quote(contact["CTA CONTACT NAME"])], [
            (pm.PROV_TYPE, pm.PROV["Person"]), (pm.PROV_LABEL, contact["CTA CONTACT NAME"]),
            (vo["email"], contact["CTA CONTACT EMAIL"]), (vo["affiliation"], contact["CTA CONTACT ORGANIZATION"])])
        doc.association(activity, person, other_attributes={pm.PROV_ROLE: "Operator"})

    for key, value in _leaves(act.get("config") or {}):
        parameter = doc.entity(ids[f"parameter/{uuid}/" + quote(key)],
                               {pm.PROV_TYPE: vo["Parameter"], pm.PROV_LABEL: key, pm.PROV_VALUE: value})
        doc.influence(activity, parameter)
    return doc, BUNDLES + uuid


def variant_by_hand(files: list[Path], store_path: Path) -> dict:
    import pyoxigraph
    import pyshacl
    import rdflib

    from provrdf.resources import shape_files  # only to find the same shape files

    warnings.simplefilter("ignore")  # rdflib's "NTSerializer always uses UTF-8", once per document
    began = time.perf_counter()
    shapes = rdflib.Graph()
    for path in shape_files():
        shapes.parse(path, format="turtle")
    store = pyoxigraph.Store(str(store_path))
    stored, errors, violations = 0, [], 0
    for path in files:
        for act in _json_arrays(Path(path).read_text(encoding="utf-8")):
            doc, graph = prov_document(act)
            data = doc.serialize(format="rdf", rdf_format="nt")
            g = rdflib.Graph().parse(data=data, format="nt")
            conforms, _, text = pyshacl.validate(g, shacl_graph=shapes, inference="none",
                                                 advanced=True, allow_warnings=True)
            if not conforms:
                violations += 1
                if len(errors) < 3:
                    errors.append(f"{path}: {act['activity_uuid']} does not conform:\n{text[:2000]}")
                continue
            store.load(data, format=pyoxigraph.RdfFormat.N_TRIPLES, to_graph=pyoxigraph.NamedNode(graph))
            stored += 1
    store.flush()
    del store
    wall = time.perf_counter() - began
    peak = _peak_rss_mib()
    if violations:
        errors.insert(0, f"{violations} document(s) failed SHACL validation")
    raw = pyoxigraph.Store.read_only(str(store_path))
    return {"wall": wall, "peak_rss_mib": peak, "stored": stored, "census": census(raw), "errors": errors}


# -- (d) bulk load -----------------------------------------------------------------


def variant_dump(source: Path, target: Path) -> dict:
    import pyoxigraph

    began = time.perf_counter()
    pyoxigraph.Store.read_only(str(source)).dump(output=str(target), format=pyoxigraph.RdfFormat.N_QUADS)
    return {"wall": time.perf_counter() - began, "peak_rss_mib": _peak_rss_mib(), "bytes": target.stat().st_size}


def variant_bulk(dump: Path, store_path: Path) -> dict:
    import pyoxigraph

    began = time.perf_counter()
    store = pyoxigraph.Store(str(store_path))
    store.bulk_load(path=str(dump), format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()
    del store
    wall = time.perf_counter() - began
    peak = _peak_rss_mib()
    raw = pyoxigraph.Store.read_only(str(store_path))
    found = census(raw)
    return {"wall": wall, "peak_rss_mib": peak, "stored": found["activities_run"], "census": found, "errors": []}


def run_variant(args: argparse.Namespace) -> None:
    """Body of a subprocess: run one variant, print its figures as one JSON line."""
    work = Path(args.workdir)
    files = sorted((work / "logs").glob("*.provenance.log"))
    if args.variant == "a":
        result = variant_provrdf(files, work / "store_a", True, args.batch)
    elif args.variant == "b":
        result = variant_provrdf(files, work / "store_b", False, args.batch)
    elif args.variant == "c":
        result = variant_by_hand(files, work / "store_c")
    elif args.variant == "dump":
        result = variant_dump(work / "store_a", work / "store_a.nq")
    elif args.variant == "d":
        result = variant_bulk(work / "store_a.nq", work / "store_d")
    else:
        raise SystemExit(f"unknown variant {args.variant!r}")
    print("RESULT " + json.dumps(result))


def profile_variant(args: argparse.Namespace) -> None:
    """Run one variant under cProfile and print the top functions."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.runcall(run_variant, args)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    if args.profile_out:
        stats.dump_stats(args.profile_out)
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)


# =============================================================================
# 3. The driver
# =============================================================================


def machine() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for name in ("provrdf", "pyoxigraph", "pyshacl", "rdflib", "prov"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return {
        "cpus": os.cpu_count(),
        "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "packages": versions,
    }


def spawn(args: argparse.Namespace, variant: str) -> dict:
    command = [sys.executable, os.path.abspath(__file__), "--variant", variant, "--workdir", args.workdir]
    if args.batch:
        command += ["--batch", str(args.batch)]
    done = subprocess.run(command, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stderr[-4000:])
        return {"errors": [f"variant {variant} failed with exit code {done.returncode}"], "failed": True}
    return json.loads(lines[-1][len("RESULT "):])


def check(name: str, result: dict, n: int, reference: dict | None) -> list[str]:
    """Errors when a variant's store does not hold all N records."""
    errors = list(result.get("errors", []))
    if result.get("failed"):
        return errors
    found = result["census"]
    if result["stored"] != n:
        errors.append(f"stored {result['stored']} records, expected {n}")
    if found["activities_run"] != n:
        errors.append(f"the store holds {found['activities_run']} activities with a start time, expected {n}")
    if found["record_graphs"] != n:
        errors.append(f"the store holds {found['record_graphs']} record graphs, expected {n}")
    if reference is not None and found["quads"] != reference["census"]["quads"]:
        errors.append(f"{found['quads']} quads, but (a) wrote {reference['census']['quads']}")
    return [f"({name}) {e}" for e in errors]


def table(results: dict[str, dict], n: int) -> str:
    head = (f"{'variant':<50} {'wall s':>8} {'records/s':>10} {'quads':>10} {'quads/rec':>9} "
            f"{'quads/s':>10} {'peak RSS MiB':>12}")
    rows = [head, "-" * len(head)]
    for key, title in VARIANTS.items():
        r = results.get(key)
        if r is None:
            continue
        if r.get("failed"):
            rows.append(f"({key}) {title:<46} {'failed':>8}")
            continue
        quads = r["census"]["quads"]
        rows.append(
            f"({key}) {title:<46} {r['wall']:>8.2f} {n / r['wall']:>10.1f} {quads:>10d} {quads / n:>9.1f} "
            f"{quads / r['wall']:>10.0f} {r['peak_rss_mib']:>12.0f}"
        )
    return "\n".join(rows)


def content_table(results: dict[str, dict], n: int) -> str:
    keys = [k for k in ("a", "c") if k in results and not results[k].get("failed")]
    if not keys:
        return ""
    fields = ["record_quads", "activities_run", "entities_dataset", "parameters", "config_files", "agents",
              "used", "wasGeneratedBy", "wasAssociatedWith", "wasAttributedTo", "influences"]
    rows = [f"{'per record (averaged over N)':<30}" + "".join(f" {'(' + k + ')':>10}" for k in keys)]
    for field in fields:
        rows.append(f"{field:<30}" + "".join(f" {results[k]['census'][field] / n:>10.2f}" for k in keys))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="See benchmarks/README.md for the variants and the columns.")
    parser.add_argument("--n", type=int, default=1000, help="number of ctapipe activities (records); default 1000")
    parser.add_argument("--per-file", type=int, default=100, help="activities per provenance log file; default 100")
    parser.add_argument("--per-run", type=int, default=1,
                        help="activities per JSON array; the arrays of a file are written back to back, "
                             "as ctapipe appends one per run to a reused log; default 1")
    parser.add_argument("--seed", type=int, default=20250327, help="seed of the synthetic data; default 20250327")
    parser.add_argument("--batch", type=int, default=None,
                        help="records per pySHACL run in provrdf; default provrdf's BATCH_SIZE")
    parser.add_argument("--variants", default="abcd", help="which variants to run (d needs a); default abcd")
    parser.add_argument("--workdir", default=None, help="where logs and stores go (kept); default a new temp dir, removed at the end")
    parser.add_argument("--keep", action="store_true", help="keep the temp workdir")
    parser.add_argument("--json", dest="json_out", default=None, help="also write the figures to this JSON file")
    parser.add_argument("--variant", default=None, help=argparse.SUPPRESS)  # subprocess mode
    parser.add_argument("--profile", default=None, metavar="VARIANT",
                        help="generate the data, then run VARIANT in this process under cProfile")
    parser.add_argument("--profile-out", default=None, help="with --profile: save the pstats here")
    args = parser.parse_args(argv)

    if args.variant:
        run_variant(args)
        return 0

    temp = args.workdir is None
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="provrdf-bench-")
    work = Path(args.workdir)
    for old in ("logs", "store_a", "store_b", "store_c", "store_d", "store_a.nq"):
        target = work / old
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()

    began = time.perf_counter()
    acts = activities(args.n, args.seed)
    files = write_logs(acts, work / "logs", args.per_file, args.per_run)
    size = sum(f.stat().st_size for f in files)
    info = machine()
    print(f"# provrdf ingest benchmark: N={args.n} ctapipe activities in {len(files)} files "
          f"({size / 2**20:.1f} MiB, {size / args.n / 1024:.1f} KiB/activity), "
          f"generated in {time.perf_counter() - began:.1f} s; workdir {work}")
    print(f"# machine: {info['cpus']} cores, load {info['loadavg_at_start']}, "
          f"{info['implementation']} {info['python']}, {info['platform']}")
    print("# " + ", ".join(f"{k} {v}" for k, v in info["packages"].items()))
    sys.stdout.flush()

    if args.profile:
        args.variant = args.profile
        profile_variant(args)
        return 0

    results: dict[str, dict] = {}
    for variant in args.variants:
        if variant == "d":
            if "a" not in results or results["a"].get("failed"):
                print("# (d) skipped: it needs the store of (a)")
                continue
            results["dump"] = spawn(args, "dump")
        results[variant] = spawn(args, variant)
        r = results[variant]
        if not r.get("failed"):
            print(f"# ({variant}) done in {r['wall']:.1f} s")
            sys.stdout.flush()

    errors = []
    for key in VARIANTS:
        if key in results:
            errors += check(key, results[key], args.n, results.get("a") if key == "d" else None)
    print()
    print(table(results, args.n))
    print()
    print(content_table(results, args.n))
    print()
    ratios = {}
    for other in ("c", "d", "b"):
        if all(k in results and not results[k].get("failed") for k in ("a", other)):
            ratios[f"a/{other}"] = results[other]["wall"] / results["a"]["wall"]
    for key, value in ratios.items():
        print(f"throughput ratio (records/s) {key}: {value:.2f}x")
    if "dump" in results and not results["dump"].get("failed"):
        print(f"(N-Quads dump of (a) for (d): {results['dump']['bytes'] / 2**20:.1f} MiB "
              f"in {results['dump']['wall']:.2f} s, not timed in (d))")
    if "a" in results and not results["a"].get("failed"):
        print(f"(a) SHACL warnings reported: {results['a'].get('warnings', 0)}")
    for error in errors:
        print("ERROR: " + error.replace("\n", "\n       "))
    print("note: wall times are noisy (a shared machine); imports and interpreter start-up are not timed.")

    if args.json_out:
        Path(args.json_out).write_text(json.dumps(
            {"n": args.n, "files": len(files), "bytes": size, "machine": info, "results": results,
             "ratios": ratios, "errors": errors}, indent=2))
    if temp and not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

"""Ingest cases of the hostile corpus into one store, in a process of their own, and say what came of each.

Run by ``tests/test_hostile.py`` as ``python worker.py JOB.json``; the job
names the store, the good fixtures ingested first, the corpus folder, the
cases (by name) and the limits. The process caps its address space
(``RLIMIT_AS``) and gives each case an alarm, so that a bomb ends as a
reported failure instead of a hung or swapping machine: a hang guard, not a
performance assertion.

Written to the job's ``out`` folder:

* ``results.jsonl``: one line ``{"case": name, "started": true}`` before each
  case, then its result (the report, or the exception that escaped, with its
  traceback, or the alarm);
* ``before.nq`` and ``after.nq``: the store's quads (the ingest log's graph
  left out) after the good fixtures, and at the end.
"""

from __future__ import annotations

import json
import resource
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from hostile.generate import Case, Expect, Reject


class Alarm(BaseException):
    """A case ran past its time (a BaseException, so that no reader's ``except Exception`` swallows it)."""


def _alarm(signum: int, frame: Any) -> None:
    raise Alarm()


def _log_graph(store: Any) -> Any:
    try:
        from provrdf.ingest_log import ingest_log_graph
    except ImportError:
        from provrdf.store.base import ingest_log_graph
    return ingest_log_graph(store)


def dump(store: Any, path: Path, within: set[Any] | None = None) -> set[Any]:
    """Write the store's quads, the ingest log left out, as N-Quads; return them.

    With ``within`` (the quads of an earlier dump), only the quads of the graphs ``within`` has, and of
    the default graph those ``within`` has, are written: enough to see whether any of them changed,
    without writing a million quads of a bulk case.
    """
    import pyoxigraph

    log = _log_graph(store)
    quads = {q for q in store.quads() if q.graph_name != log}
    if within is not None:
        graphs = {q.graph_name for q in within if isinstance(q.graph_name, pyoxigraph.NamedNode)}
        quads = {q for q in quads if q.graph_name in graphs or q in within}
    path.write_bytes(pyoxigraph.serialize(sorted(quads, key=str), format=pyoxigraph.RdfFormat.N_QUADS) or b"")
    return quads


def report_json(report: Any) -> dict[str, Any]:
    """An ingest report as JSON: counts, rejections (with their text as the CLI prints it), warnings."""
    return {
        "stored": report.stored + getattr(report, "unchanged", 0),  # a record already stored as it is counts
        "sources": [list(source) for source in report.sources],
        "rejected": [{"source": r.source, "record": r.record, "line": r.line, "message": r.message,
                      "issues": [str(issue) for issue in r.issues], "text": str(r)} for r in report.rejected],
        "warnings": [{"where": w.where, "kind": w.kind, "message": w.message, "text": str(w)}
                     for w in report.warnings],
    }


def run_case(store: Any, case: Case, folder: Path) -> dict[str, Any]:
    """Ingest one case (or describe a definition file) and walk its lineage when asked."""
    from provrdf import api
    from provrdf.errors import Error, ParseError

    result: dict[str, Any] = {"case": case.name}
    source = case.source(folder)
    if case.kind == "definition":
        try:
            result["report"] = report_json(api.describe(store, source))
        except Error as error:
            result["error"] = {"type": type(error).__name__, "text": str(error),
                               "source": getattr(error, "source", None), "record": getattr(error, "record", None),
                               "line": getattr(error, "line", None),
                               "parse": isinstance(error, ParseError)}
    else:
        result["report"] = report_json(api.ingest(store, [source], format=case.format, validate=case.validate))
    if case.lineage:
        walked = api.lineage(store, case.lineage)
        result["lineage"] = len(walked.nodes)
    return result


def main(job_path: str) -> None:
    """Run the job described in the JSON file ``job_path``."""
    job = json.loads(Path(job_path).read_text())
    memory = int(job["memory"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    signal.signal(signal.SIGALRM, _alarm)
    from provrdf import api

    folder, out = Path(job["folder"]), Path(job["out"])
    cases = {case.name: case for case in _cases(job)}
    with api.open_store(job["store"]) as store:
        report = api.ingest(store, job["good"])
        assert report.ok and report.stored, report.rejected
        before = dump(store, out / "before.nq")
        with open(out / "results.jsonl", "w") as results:
            for name, case in cases.items():
                results.write(json.dumps({"case": name, "started": True}) + "\n")
                results.flush()
                began = time.monotonic()
                signal.alarm(int(job["timeout"]))
                try:
                    result = run_case(store, case, folder)
                except Alarm:
                    result = {"case": name, "alarm": True}
                except BaseException as error:  # noqa: BLE001 -- what escapes is the finding
                    result = {"case": name, "crash": f"{type(error).__name__}: {error}"[:2000],
                              "traceback": traceback.format_exc()[-4000:]}
                finally:
                    signal.alarm(0)
                result["seconds"] = round(time.monotonic() - began, 2)
                results.write(json.dumps(result) + "\n")
                results.flush()
        dump(store, out / "after.nq", None if job.get("whole", True) else before)


def _cases(job: dict[str, Any]) -> list[Case]:
    """The cases of the job, rebuilt from their JSON form (:func:`dataclasses.asdict`)."""
    made = []
    for raw in job["case_data"]:
        expect = raw["expect"]
        expect["rejected"] = tuple(Reject(r["record"], tuple(r["parts"]), r["line"]) for r in expect["rejected"])
        for key in ("warnings", "present", "absent", "foreign"):
            expect[key] = tuple(expect[key])
        raw["expect"] = Expect(**expect)
        made.append(Case(**raw))
    return made


if __name__ == "__main__":
    main(sys.argv[1])

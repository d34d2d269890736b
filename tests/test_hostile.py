"""Hostile input (issue 13, point 7): every reader meets the corpus of ``tests/hostile/generate.py``.

The corpus is written into a temporary folder, its cases ingested through
the API in a few worker processes (``tests/hostile/worker.py``), one store
per group, each first holding a good fixture; the process caps its memory
and gives every case an alarm. Each case must give exactly what its
:class:`~hostile.generate.Expect` says: the records stored, the rejections
(file, record, line, words), the warnings, the texts present and absent in
the store. Besides: no case runs code (the marker file stays absent), none
reaches the loopback HTTP server (no remote context, DTD or entity is
fetched), nothing stored before a group changed, and the CLI reports every
broken file by name without a traceback.
"""

from __future__ import annotations

import dataclasses
import hashlib
import http.server
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import pyoxigraph
import pytest
from hostile.generate import BASE, CATEGORIES, MARKER, Case, generate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
WORKER = ROOT / "tests" / "hostile" / "worker.py"
GIB = 1 << 30


@dataclass(frozen=True)
class Group:
    """A store and the process that fills it: the good fixtures first, then the cases, under limits."""

    good: tuple[str, ...]
    memory: int = 6 * GIB  #: address-space cap of the process
    timeout: int = 90  #: seconds one case may take
    total: int = 600  #: seconds the whole group may take
    whole: bool = True  #: the whole store is compared afterwards (else only what the good fixtures wrote)


GROUPS = {
    "w3c": Group(("w3c/plain.json",)),
    "logs": Group(("ctapipe/v0.22_2025.provenance.log",)),
    "other": Group(("votable/provdm_pr20181015_example.vot", "provdb/service_2020-09.sqlite")),
    "guarded": Group(("w3c/plain.provn",), memory=4 * GIB, timeout=60),
    "bulk": Group(("ctapipe/v0.19_2023.provenance.log",), timeout=300, whole=False),
    "provdb10k": Group(("provdb/service_2019-11.sqlite",), timeout=400, whole=False),
}


class _Requests(http.server.BaseHTTPRequestHandler):
    """Records every request; answers each with a context or DTD that would change what is read."""

    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.seen.append(self.path)
        body = b'{"@context": {"prov": "http://www.w3.org/ns/prov#"}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/ld+json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[str, list[str]]]:
    """A tiny HTTP server on 127.0.0.1 and the list of paths it was asked for."""
    _Requests.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Requests)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Requests.seen
    server.shutdown()
    server.server_close()


@dataclass
class Outcome:
    """What the workers gave: the corpus, each case's result, each group's store before and after."""

    folder: Path
    cases: list[Case]
    results: dict[str, dict[str, Any]]
    before: dict[str, set[pyoxigraph.Quad]]
    after: dict[str, set[pyoxigraph.Quad]]
    failures: dict[str, str]  #: group -> what went wrong with its process


def _limits(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))


def _quads(path: Path) -> set[pyoxigraph.Quad]:
    if not path.exists():
        return set()
    return set(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.N_QUADS))


#: The order the groups start in: the long ones first, so that the short ones fill the other core.
ORDER = ("bulk", "provdb10k", "logs", "w3c", "other", "guarded")


def run_groups(folder: Path, cases: list[Case], loopback: str, work: Path) -> Outcome:
    """Ingest every case in its group's worker, two workers at a time."""
    outcome = Outcome(folder, cases, {}, {}, {}, {})
    pending = [name for name in ORDER if any(case.group == name for case in cases)]
    running: dict[str, tuple[subprocess.Popen[bytes], Path, float]] = {}
    while pending or running:
        while pending and len(running) < 2:
            name = pending.pop(0)
            running[name] = (*_launch(name, folder, cases, work), time.monotonic())
        for name, (process, out, began) in list(running.items()):
            if process.poll() is None and time.monotonic() - began < GROUPS[name].total:
                continue
            if process.poll() is None:
                process.kill()
                outcome.failures[name] = f"the worker ran past {GROUPS[name].total}s"
            process.wait()
            if process.returncode and name not in outcome.failures:
                output = (out / "output.txt").read_text(errors="replace")
                outcome.failures[name] = f"the worker exited {process.returncode}: {output[-3000:]}"
            _collect(outcome, name, out)
            del running[name]
        time.sleep(0.1)
    return outcome


def _launch(name: str, folder: Path, cases: list[Case], work: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """Start the worker of group ``name``."""
    group, out = GROUPS[name], work / name
    out.mkdir()
    job = {
        "store": str(out / "store"), "good": [str(DATA / good) for good in group.good], "folder": str(folder),
        "out": str(out), "memory": group.memory, "timeout": group.timeout, "whole": group.whole,
        "case_data": [dataclasses.asdict(case) for case in cases if case.group == name],
    }
    (out / "job.json").write_text(json.dumps(job))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "tests")}
    with open(out / "output.txt", "wb") as output:  # a file, not a pipe: a worker that prints much never blocks
        process = subprocess.Popen([sys.executable, str(WORKER), str(out / "job.json")], cwd=folder, env=env,
                                   stdout=output, stderr=subprocess.STDOUT)
    return process, out


def _collect(outcome: Outcome, name: str, out: Path) -> None:
    """What the worker of group ``name`` wrote: the stores before and after, the result of each case."""
    outcome.before[name] = _quads(out / "before.nq")
    outcome.after[name] = _quads(out / "after.nq")
    results = out / "results.jsonl"
    for line in results.read_text().splitlines() if results.exists() else []:
        item = json.loads(line)
        if item.get("started"):
            outcome.results.setdefault(item["case"], {"case": item["case"], "unfinished": True})
        else:
            outcome.results[item["case"]] = item


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory, loopback: tuple[str, list[str]]) -> Outcome:
    """The corpus written and ingested."""
    folder = tmp_path_factory.mktemp("corpus")
    cases = generate(folder, loopback[0])
    return run_groups(folder, cases, loopback[0], tmp_path_factory.mktemp("work"))


# -- checking one case --------------------------------------------------------------------------


def _terms(quads: set[pyoxigraph.Quad]) -> tuple[set[str], set[str]]:
    """The texts of the IRIs and of the literals of ``quads``."""
    iris, literals = set(), set()
    for quad in quads:
        for term in (quad.subject, quad.predicate, quad.object, quad.graph_name):
            if isinstance(term, pyoxigraph.NamedNode):
                iris.add(term.value)
            elif isinstance(term, pyoxigraph.Literal):
                literals.add(term.value)
    return iris, literals


def problems(case: Case, result: dict[str, Any] | None, outcome: Outcome, *, wording: bool = True) -> list[str]:
    """What is wrong with the result of ``case``; ``wording=False`` leaves out the words of messages and warnings."""
    if result is None:
        return [f"no result: {outcome.failures.get(case.group, 'the case was not run')}"]
    if result.get("unfinished"):
        return [f"did not finish: {outcome.failures.get(case.group, 'the worker died')}"]
    if result.get("alarm"):
        return [f"no answer within {GROUPS[case.group].timeout}s"]
    if "crash" in result:
        return [f"an exception escaped: {result['crash']}\n{result['traceback']}"]
    expect, source, found = case.expect, case.source(outcome.folder), []
    texts: list[str] = []
    if "error" in result:
        error = result["error"]
        texts.append(error["text"])
        if not expect.rejected:
            found.append(f"expected it read, got the error {error['text']!r}")
        elif not error["parse"] or error["source"] != source:
            found.append(f"expected a ParseError naming {source}, got {error['type']}: {error['text']!r}")
        elif wording:
            found += _words(expect.rejected[0].parts, error["text"])
    else:
        report = result["report"]
        texts += [r["text"] for r in report["rejected"]] + [w["text"] for w in report["warnings"]]
        if report["stored"] != expect.stored:
            found.append(f"stored {report['stored']} record(s), expected {expect.stored}")
        rejected = report["rejected"]
        if len(rejected) != len(expect.rejected):
            found.append(f"{len(rejected)} rejection(s), expected {len(expect.rejected)}: "
                         f"{[r['text'][:300] for r in rejected]}")
        for wanted, got in zip(expect.rejected, rejected):
            if got["source"] != source:
                found.append(f"the rejection names {got['source']!r}, not the file {source!r}")
            if got["record"] != wanted.record:
                found.append(f"the rejection names record {got['record']}, expected {wanted.record}: {got['text']!r}")
            if wording and wanted.line is not None and got["line"] != wanted.line:
                found.append(f"the rejection names line {got['line']}, expected {wanted.line}: {got['text']!r}")
            if wording:
                found += _words(wanted.parts, got["text"] + "\n" + "\n".join(got["issues"]))
        if wording:
            for words in expect.warnings:
                if not any(words in w["text"] for w in report["warnings"]):
                    found.append(f"no warning says {words!r}: {[w['text'][:200] for w in report['warnings']]}")
        if expect.reader and (not report["sources"] or report["sources"][0][1] != expect.reader):
            found.append(f"read as {report['sources']}, expected {expect.reader}")
    if any("Traceback" in text for text in texts):
        found.append("a message holds a traceback")
    iris, literals = _terms(outcome.after.get(case.group, set()))
    for text in expect.present:
        if not any(text in term for term in iris | literals):
            found.append(f"nothing stored holds {text!r}")
    for text in expect.absent:
        if any(text in term for term in iris | literals):
            found.append(f"something stored holds {text!r}")
    for start in expect.foreign:
        if any(iri.startswith(start) for iri in iris):
            found.append(f"an IRI {start}… was injected into the store")
    if case.lineage and not result.get("lineage"):
        found.append(f"the lineage of {case.lineage} is empty")
    return found


def _words(parts: tuple[str, ...], text: str) -> list[str]:
    return [f"the message lacks {part!r}: {text[:600]!r}" for part in parts if part not in text]


def figures(outcome: Outcome, *, wording: bool = True) -> dict[str, tuple[int, int]]:
    """Per category: (cases, cases handled right)."""
    table: dict[str, tuple[int, int]] = {}
    for category in CATEGORIES:
        cases = [case for case in outcome.cases if case.category == category]
        right = sum(1 for case in cases if not problems(case, outcome.results.get(case.name), outcome,
                                                        wording=wording))
        table[category] = (len(cases), right)
    return table


# -- the tests ------------------------------------------------------------------------------------


def test_corpus_covers_every_category(tmp_path: Path) -> None:
    cases = generate(tmp_path, "http://127.0.0.1:9")
    counts = {category: sum(1 for case in cases if case.category == category) for category in CATEGORIES}
    assert len(cases) >= 200
    assert min(counts.values()) >= 3, counts
    readers = {case.expect.reader for case in cases} | {case.format for case in cases}
    assert {"ctapipe", "gammapy", "provjson", "provxml", "provn", "trig", "turtle", "jsonld", "rdfxml", "votable",
            "provdb"} <= readers
    assert {case.kind for case in cases} == {"file", "definition", "url"}


def test_corpus_is_deterministic(tmp_path: Path) -> None:
    def digests() -> dict[str, str]:
        folder = tmp_path / "corpus"
        folder.mkdir()
        generate(folder, "http://127.0.0.1:9")
        found = {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in folder.iterdir()}
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
        return found

    assert digests() == digests()


@pytest.mark.parametrize("category", CATEGORIES)
def test_category(outcome: Outcome, category: str) -> None:
    wrong = {case.name: found for case in outcome.cases if case.category == category
             for found in [problems(case, outcome.results.get(case.name), outcome)] if found}
    assert not wrong, "\n".join(f"{name}:\n  " + "\n  ".join(found) for name, found in wrong.items())


@pytest.mark.parametrize("group", GROUPS)
def test_nothing_stored_changed(outcome: Outcome, group: str) -> None:
    """Every quad of the good fixtures is still there, and every record and description graph they wrote is
    as it was (the store's own indexes, such as the locations of files, grow with what came after)."""
    before, after = outcome.before[group], outcome.after[group]
    assert before, outcome.failures.get(group)
    assert before <= after
    graphs = {quad.graph_name for quad in before if isinstance(quad.graph_name, pyoxigraph.NamedNode)
              and quad.graph_name.value.startswith(BASE)}
    assert graphs
    for graph in graphs:
        assert {q for q in after if q.graph_name == graph} == {q for q in before if q.graph_name == graph}, graph


def test_no_code_ran(outcome: Outcome) -> None:
    assert outcome.results
    assert not (outcome.folder / MARKER).exists()
    assert not (Path.cwd() / MARKER).exists()


def test_nothing_fetched(outcome: Outcome, loopback: tuple[str, list[str]]) -> None:
    assert outcome.results
    assert loopback[1] == []


def test_cli_names_every_broken_file(outcome: Outcome) -> None:
    """``provrdf validate`` over the file cases of the ordinary groups: no traceback, every rejected file named."""
    cases = [case for case in outcome.cases if case.kind == "file" and case.group in ("w3c", "logs", "other")
             and case.format == "auto"]
    command = [str(Path(sys.executable).parent / "provrdf"), "validate", *(case.source(outcome.folder) for case in cases)]
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=300, cwd=outcome.folder,
                          preexec_fn=lambda: _limits(6 * GIB))
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stdout + done.stderr
    rejected = [line for line in done.stderr.splitlines() if line.startswith("rejected: ")]
    for case in cases:
        if case.expect.rejected:
            source = case.source(outcome.folder)
            assert any(line.startswith(f"rejected: {source}") for line in rejected), source


def test_cli_reports_every_definition_file(outcome: Outcome, tmp_path: Path) -> None:
    """``provrdf describe`` on each definition case: a broken one is one error line naming the file, exit 1."""
    from click.testing import CliRunner

    from provrdf.cli import main

    runner = CliRunner()
    cases = [case for case in outcome.cases if case.kind == "definition"]
    assert len(cases) >= 10
    for case in cases:
        source = case.source(outcome.folder)
        result = runner.invoke(main, ["describe", "--store", str(tmp_path / "store"), source])
        assert result.exception is None or isinstance(result.exception, SystemExit), (case.name, result.exception)
        assert "Traceback" not in result.output
        if case.expect.rejected:
            assert result.exit_code == 1, (case.name, result.output)
            assert f"Error: {source}" in result.output, (case.name, result.output)
            assert all(part in result.output for part in case.expect.rejected[0].parts), (case.name, result.output)
        else:
            assert result.exit_code == 0, (case.name, result.output)
            assert " 0 rejected" in result.output, (case.name, result.output)  # stored, or unchanged
    utf16 = outcome.folder / "encoding_definition_utf16le.yaml"
    linked = runner.invoke(main, ["ingest", "--store", str(tmp_path / "store"), "--definition", str(utf16),
                                  str(DATA / "gammapy" / "seed_2019.log")])
    assert linked.exit_code == 0, linked.output
    assert " 0 rejected" in linked.output

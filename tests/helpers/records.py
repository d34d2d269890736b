"""Records for the tests: the fixture folders, a small r0 → dl1 → dl2 chain, and helpers to look into records."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from provrdf import model as m
from provrdf.model import Record
from provrdf.rdf.encode import Encoder

__all__ = [
    "CAPTURE_SOURCES", "CHAIN", "DATA", "DEMO", "ENCODER", "chain_record", "fixtures", "iri", "one", "triples", "utc",
]

#: The encoder of the reader tests, with a base IRI of their own.
ENCODER = Encoder("https://example.org/prov/")


def one(items, **match):
    """The one item whose attributes equal ``match`` (fails if there are none or several)."""
    found = [item for item in items if all(getattr(item, key) == value for key, value in match.items())]
    assert len(found) == 1, (match, found)
    return found[0]


def utc(text: str) -> datetime:
    """A zone-less ISO time read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def iri(kind: str, local: str) -> str:
    """The IRI :data:`ENCODER` mints for a node."""
    return ENCODER.iri(kind, local).value


def triples(record: Record) -> set[tuple[str, str, str]]:
    """The (subject, predicate, object) values of a record's quads."""
    return {(q.subject.value, q.predicate.value, q.object.value) for q in ENCODER.encode(record).quads}


DATA = Path(__file__).resolve().parent.parent / "data"
DEMO = Path(__file__).resolve().parents[2] / "provrdf" / "data" / "demo"

#: (activity uuid, tool, input file, output file) of a three-step chain
CHAIN = [
    ("5f0b7c1e-0c1f-4c0e-9c51-0d1e3b5a7a10", "ctapipe-process", "/fefs/r0/gamma_run1.simtel.zst", "/fefs/dl1/gamma_run1.dl1.h5"),
    ("8e2a4d33-6b7e-4f5b-a7a4-63c1de0b2f21", "ctapipe-process", "/fefs/dl1/gamma_run1.dl1.h5", "/fefs/dl2/gamma_run1.dl2.h5"),
    ("c3d9e6f0-1a2b-4c3d-8e9f-a0b1c2d3e4f5", "ctapipe-apply-models", "/fefs/dl2/gamma_run1.dl2.h5", "/fefs/dl2/gamma_run1.final.dl2.h5"),
]


def _time(hour: int) -> datetime:
    return datetime(2025, 3, 27, hour, 2, 11, 482000, tzinfo=timezone.utc)


def chain_record(step: int) -> m.Record:
    """The record of one step of :data:`CHAIN`, shaped like a ctapipe record."""
    uuid, tool, source, target = CHAIN[step]
    description = f"{tool}/0.24.0"
    return m.Record(
        id=uuid,
        source="chain.provenance.log",
        index=step,
        activities=[m.Activity(id=uuid, name=tool, start=_time(step), end=_time(step + 1),
                               description=description, extra={"ctao:status": "completed", "ctao:exitCode": 0})],
        entities=[
            m.Entity(id=f"path:{source}", kind="dataset", name=Path(source).name, location=source),
            m.Entity(id=f"path:{target}", kind="dataset", name=Path(target).name, location=target),
        ],
        agents=[m.Agent(id="CTAO", name="CTAO", type="Organization")],
        usages=[m.Usage(uuid, f"path:{source}", role="DL1/Event" if step else "DL0/Event")],
        generations=[m.Generation(f"path:{target}", uuid, role="DL2/Event" if step else "DL1/Event")],
        associations=[m.Association(uuid, "CTAO", role="Provider")],
        attributions=[m.Attribution(f"path:{target}", "CTAO")],
        parameters=[m.Parameter(uuid, "ProcessorTool.EventSource.max_events", str(100 * (step + 1)))],
        activity_descriptions=[m.ActivityDescription(id=description, name=tool, version="0.24.0")],
    )


#: The chained fixtures of every capture source: the demo ctapipe chain, a
#: gammapy analysis of its DL2 output and an OPUS job on the gammapy result
#: (tests/data/cross), plus a ctapipe log, a gammapy log and two W3C documents.
CAPTURE_SOURCES = [
    *sorted(DEMO.glob("*.provenance.log")), *sorted((DATA / "cross").iterdir()),
    DATA / "gammapy" / "crab_analysis_2020.log", DATA / "ctapipe" / "v0.19_2023.provenance.log",
    DATA / "w3c" / "opus_job.json", DATA / "w3c" / "plain.json",
]


#: Files beside the fixtures that are not provenance: the scripts that made them and their notes.
NOT_FIXTURES = {"make.py", "README.md"}


def fixtures(folder: Path, pattern: str = "*") -> list[Path]:
    """The provenance files under ``folder`` (sub-folders included), without scripts and notes."""
    return [path for path in sorted(folder.rglob(pattern))
            if path.is_file() and path.name not in NOT_FIXTURES and path.suffix not in (".txt", ".pyc")
            and "__pycache__" not in path.parts]

"""The hostile corpus: files written to break provrdf's readers, each with what provrdf must do with it.

:func:`generate` writes every file into a folder and returns one :class:`Case`
per file (or database URL): its category, the reader it goes to, and what
must come of it (:class:`Expect`): how many of its records are stored, which
are rejected and with which words, which warnings are given, which texts
must be in the store afterwards and which must never be. The same folder
and loopback URL always give the same files, byte for byte.

The categories (:data:`CATEGORIES`) are those of issue 13, point 7:
truncated real fixtures, wrong encodings, binary junk, deep nesting, XML
entities, PROV-N with broken parentheses, injection strings as ids,
impossible and backwards times, NaN and Infinity, duplicate ids, relations
to missing nodes, cycles, bulk files with one bad record, broken databases,
payloads that would run code, and JSON-LD naming remote contexts.

Run it alone to look at the files::

    .venv/bin/python tests/hostile/generate.py /tmp/corpus
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CATEGORIES", "Case", "Expect", "Reject", "generate"]

#: The real fixtures the corpus is made from.
DATA = Path(__file__).resolve().parent.parent / "data"

CATEGORIES = (
    "truncated", "encoding", "junk", "deep", "xml-entities", "provn-parens", "injection", "times", "nan",
    "duplicates", "dangling", "cycles", "bulk", "databases", "code", "jsonld-remote",
)  # fmt: skip

#: A file whose existence proves that input ran code; no case may create it.
MARKER = "CODE_RAN"
#: What /etc/passwd starts with on every Linux: never to be found in a store.
PASSWD = "root:x:0:0"
PROV = "http://www.w3.org/ns/prov#"
BASE = "https://w3id.org/provrdf/id/"


@dataclass(frozen=True)
class Reject:
    """A rejection the report must hold: its record index, words of its message, its line when known."""

    record: int | None
    parts: tuple[str, ...]
    line: int | None = None


@dataclass(frozen=True)
class Expect:
    """What ingesting one case must give."""

    stored: int = 0  #: records stored from this source
    rejected: tuple[Reject, ...] = ()  #: every rejection, in report order
    warnings: tuple[str, ...] = ()  #: words that some warning of this source must hold, one entry per warning
    present: tuple[str, ...] = ()  #: texts that some stored term must hold afterwards
    absent: tuple[str, ...] = ()  #: texts that no stored term may hold afterwards
    foreign: tuple[str, ...] = ()  #: IRI beginnings that no stored IRI may have (injected nodes)
    reader: str | None = None  #: the reader the report names (None: not checked)


@dataclass(frozen=True)
class Case:
    """One hostile input and what must come of it.

    ``kind`` is ``"file"`` (ingested as a source), ``"definition"`` (a
    ``definition.yaml`` given to ``provrdf describe``) or ``"url"`` (a
    database URL; ``name`` then holds the URL with ``{folder}`` for the
    corpus folder). ``group`` names the store the case goes to: cases of one
    group run in one process, in order. A ``guarded`` group runs under a
    tighter memory cap. ``lineage`` names a node whose lineage must be
    walked to its end after the ingest.
    """

    name: str
    category: str
    expect: Expect
    format: str = "auto"
    kind: str = "file"
    group: str = "main"
    validate: bool = True
    lineage: str | None = None
    note: str = ""

    def source(self, folder: Path) -> str:
        """The source string given to provrdf: the file's path, or the URL."""
        return self.name.format(folder=folder) if self.kind == "url" else str(folder / self.name)


def generate(folder: Path, loopback: str = "http://127.0.0.1:9") -> list[Case]:
    """Write the corpus into ``folder`` and return its cases.

    Parameters
    ----------
    folder
        An existing, empty folder.
    loopback
        The URL of a local HTTP server (``http://127.0.0.1:PORT``) that must
        receive no request: the remote contexts and external entities point there.
    """
    corpus = _Corpus(Path(folder), loopback.rstrip("/"))
    for part in (_truncated, _encoding, _junk, _deep, _xml_entities, _provn_parens, _injection, _times, _nan,
                 _duplicates, _dangling, _cycles, _bulk, _databases, _code, _jsonld_remote):
        part(corpus)
    return corpus.cases


class _Corpus:
    """The folder being filled and the cases so far."""

    def __init__(self, folder: Path, loopback: str) -> None:
        self.folder, self.loopback = folder, loopback
        self.cases: list[Case] = []
        self.random = random.Random(13)

    def add(self, name: str, category: str, content: bytes | str | None, expect: Expect, **options: Any) -> None:
        """Write ``content`` (when given) to ``name`` and record the case."""
        assert all(case.name != name for case in self.cases), name
        if content is not None:
            data = content.encode("utf-8") if isinstance(content, str) else content
            (self.folder / name).write_bytes(data)
        self.cases.append(Case(name, category, expect, **options))

    @property
    def marker(self) -> Path:
        """The file that code run by the input would create."""
        return self.folder / MARKER


def _read(relative: str) -> bytes:
    return (DATA / relative).read_bytes()


def _rejected(record: int | None, *parts: str, line: int | None = None, stored: int = 0,
              warnings: tuple[str, ...] = (), **more: Any) -> Expect:
    """The usual expectation: one rejection, ``stored`` records stored beside it."""
    return Expect(stored=stored, rejected=(Reject(record, parts, line),), warnings=warnings, **more)


NOT_PROVENANCE = "not a provenance format provrdf knows"


# -- small documents -----------------------------------------------------------------------


def ctapipe_activity(uuid: str, *, name: str = "ctapipe-process", start: Any = "2025-03-27T14:02:11.482",
                     stop: Any = "2025-03-27T14:09:40.001", inputs: Iterable[str] = (),
                     outputs: Iterable[str] = (), **more: Any) -> dict[str, Any]:
    """A small ctapipe activity as ctapipe writes it (FORMATS.md §1)."""
    activity: dict[str, Any] = {
        "activity_name": name,
        "activity_uuid": uuid,
        "status": "completed",
        "exit_code": 0,
        "start": {"time_utc": start},
        "stop": {"time_utc": stop},
        "input": [{"url": url, "role": "DL0/Event", "reference_meta": None} for url in inputs],
        "output": [{"url": url, "role": "DL1/Event", "reference_meta": None} for url in outputs],
        "system": {"ctapipe_version": "0.22.0", "platform": {"node": "cta-worker-07"},
                   "environment": {"USER": "cta"}},
        "duration_min": 7.48,
    }
    activity.update(more)
    return activity


def _uuid(number: int) -> str:
    return f"00000000-0000-4000-8000-{number:012d}"


def _ctapipe_log(*runs: list[dict[str, Any]]) -> str:
    """Runs appended to one log, one pretty-printed array each, as ctapipe does (non-ASCII text as it is)."""
    return "".join(json.dumps(run, indent=2, ensure_ascii=False) + "\n" for run in runs)


def _gammapy_line(time: str, payload: str) -> str:
    return f"INFO provLogger __PROV__{time}__PROV__{payload}\n"


def gammapy_log(activity: str = "8a2f3c", *, start: str = "2020-04-21T13:05:10.118342",
                end: str = "2020-04-21T13:05:12.403518", extra: str = "", agent: str = "jer") -> str:
    """A gammapy 2020 log of one session and one activity: two records.

    The session id is made from the arguments, so that two logs that say different things are two
    sessions (and their records two records, not one replacing the other).
    """
    made = hashlib.sha256("\x1f".join((activity, start, end, extra, agent)).encode("utf-8")).hexdigest()
    session = 10**12 + int(made[:8], 16)
    return (
        "INFO:gammapy.analysis.core:Setting logging config\n"
        + _gammapy_line("2020-04-21T13:05:10.102417", f"{{'session_id': {session}, 'name': "
                        "'gammapy.analysis.core.Analysis', 'startTime': '2020-04-21T13:05:10.101926'}")
        + _gammapy_line("2020-04-21T13:05:10.118810", f"{{'activity_id': {activity!r}, 'name': 'get_observations', "
                        f"'startTime': {start!r}, 'in_session': {session}, 'agent_name': {agent!r}}}")
        + extra
        + _gammapy_line("2020-04-21T13:05:12.403600", f"{{'activity_id': {activity!r}, 'endTime': {end!r}}}")
    )


def provjson(activities: dict[str, Any] | None = None, entities: dict[str, Any] | None = None,
             **relations: Any) -> dict[str, Any]:
    """A PROV-JSON document in the ``ex:`` namespace."""
    document: dict[str, Any] = {"prefix": {"ex": "http://example.org/hostile/"}}
    if entities:
        document["entity"] = entities
    if activities:
        document["activity"] = activities
    document.update(relations)
    return document


def _json(document: Any) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False)


PROVN_HEAD = "document\n  prefix ex <http://example.org/hostile/>\n"


def provn(*statements: str) -> str:
    """A PROV-N document of ``statements`` in the ``ex:`` namespace."""
    return PROVN_HEAD + "".join(f"  {s}\n" for s in statements) + "endDocument\n"


TURTLE_HEAD = ("@prefix prov: <http://www.w3.org/ns/prov#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
               "@prefix ex: <http://example.org/hostile/> .\n")


def turtle(body: str) -> str:
    """A Turtle document with the PROV, XSD and ``ex:`` prefixes."""
    return TURTLE_HEAD + body


PROVXML_OPEN = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<prov:document xmlns:prov="http://www.w3.org/ns/prov#" '
                'xmlns:xsd="http://www.w3.org/2001/XMLSchema#" xmlns:ex="http://example.org/hostile/">\n')


def provxml(body: str, *, prolog: str = "") -> str:
    """A PROV-XML document; ``prolog`` goes between the XML declaration and the root."""
    head = PROVXML_OPEN.replace("?>\n", "?>\n" + prolog, 1)
    return head + body + "</prov:document>\n"


RDFXML_OPEN = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
               'xmlns:prov="http://www.w3.org/ns/prov#" xmlns:ex="http://example.org/hostile/">\n')


def rdfxml(body: str, *, prolog: str = "", declaration: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> str:
    """An RDF/XML document."""
    return declaration + prolog + RDFXML_OPEN + body + "</rdf:RDF>\n"


def rdfxml_activity(ident: str = "a1", label: str = "calibrate", start: str = "2024-05-14T08:00:00Z",
                    end: str = "2024-05-14T08:20:00Z") -> str:
    """One activity in RDF/XML."""
    return (f'<prov:Activity rdf:about="http://example.org/hostile/{ident}"><prov:label>{label}</prov:label>'
            f'<prov:startedAtTime rdf:datatype="http://www.w3.org/2001/XMLSchema#dateTime">{start}'
            f'</prov:startedAtTime><prov:endedAtTime rdf:datatype="http://www.w3.org/2001/XMLSchema#dateTime">'
            f'{end}</prov:endedAtTime></prov:Activity>\n')


def jsonld(graph: list[dict[str, Any]], context: Any = None) -> dict[str, Any]:
    """A JSON-LD document of PROV-O nodes."""
    document: dict[str, Any] = {"@context": context if context is not None else {
        "prov": PROV, "xsd": "http://www.w3.org/2001/XMLSchema#", "ex": "http://example.org/hostile/"}}
    document["@graph"] = graph
    return document


def jsonld_activity(ident: str = "ex:a1", start: str = "2024-05-14T08:00:00Z",
                    end: str = "2024-05-14T08:20:00Z") -> dict[str, Any]:
    """One activity as a JSON-LD node (with the prefixes of :func:`jsonld`)."""
    return {"@id": ident, "@type": "prov:Activity", "prov:label": "calibrate",
            "prov:startedAtTime": {"@value": start, "@type": "xsd:dateTime"},
            "prov:endedAtTime": {"@value": end, "@type": "xsd:dateTime"}}


def votable(activities: Sequence[tuple[str, str, str, str]], used: Sequence[tuple[str, str]] = (),
            entities: Sequence[tuple[str, str]] = (), *, prolog: str = "",
            declaration: str = '<?xml version="1.0" encoding="utf-8"?>\n') -> str:
    """A PROV-VOTable in the ProvDM draft's layout: (id, name, start, end) activities, (activity, entity) usages."""

    def table(name: str, prefix: str, columns: list[tuple[str, str]], rows: Iterable[tuple[str, ...]]) -> str:
        fields = "".join(f'<FIELD arraysize="*" datatype="char" name="{prefix}_{column}" '
                         f'utype="voprov:{name}.{utype}"/>\n' for column, utype in columns)
        body = "".join("<TR>" + "".join(f"<TD>{cell}</TD>" for cell in row) + "</TR>\n" for row in rows)
        return (f'<TABLE name="{name}" utype="voprov:{name}">\n{fields}<DATA><TABLEDATA>\n{body}'
                f"</TABLEDATA></DATA></TABLE>\n")

    tables = table("Activity", "a", [("id", "id"), ("name", "name"), ("startTime", "startTime"),
                                     ("endTime", "endTime")], activities)
    if entities:
        tables += table("Entity", "e", [("id", "id"), ("name", "name")], entities)
    if used:
        tables += table("Used", "u", [("activity_id", "activity"), ("entity_id", "entity")], used)
    return (declaration + prolog + '<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/VOTable/v1.3">\n'
            '<RESOURCE name="provenance" type="results">\n' + tables + "</RESOURCE>\n</VOTABLE>\n")


VOT_ACTIVITY = ("act-1", "ctapipe-process", "2024-05-14T08:00:00Z", "2024-05-14T08:20:00Z")


# -- ProvenanceDB --------------------------------------------------------------------------

_PROVDB_SCHEMA = """
CREATE TABLE activities (internal_key INTEGER PRIMARY KEY, id VARCHAR, name VARCHAR, "startTime" VARCHAR,
                         "endTime" VARCHAR, comment VARCHAR);
CREATE TABLE entities (internal_key INTEGER PRIMARY KEY, id VARCHAR, name VARCHAR, location VARCHAR,
                       "generatedAtTime" VARCHAR, "invalidatedAtTime" VARCHAR, comment VARCHAR, "classType" VARCHAR);
CREATE TABLE agents (internal_key INTEGER PRIMARY KEY, id VARCHAR, name VARCHAR, type VARCHAR);
CREATE TABLE used (internal_key INTEGER PRIMARY KEY, role VARCHAR, time VARCHAR, activity_key INTEGER,
                   entity_key INTEGER);
CREATE TABLE "wasGeneratedBy" (internal_key INTEGER PRIMARY KEY, role VARCHAR, activity_key INTEGER,
                               entity_key INTEGER);
CREATE TABLE "wasAssociatedWith" (internal_key INTEGER PRIMARY KEY, role VARCHAR, activity_key INTEGER,
                                  agent_key INTEGER);
CREATE TABLE "wasAttributedTo" (internal_key INTEGER PRIMARY KEY, role VARCHAR, entity_key INTEGER,
                                agent_key INTEGER);
CREATE TABLE "wasDerivedFrom" (internal_key INTEGER PRIMARY KEY, "generatedEntity" INTEGER, "usedEntity" INTEGER);
CREATE TABLE "wasInformedBy" (internal_key INTEGER PRIMARY KEY, informant INTEGER, informed INTEGER);
"""


def provdb(path: Path, activities: Sequence[tuple[Any, ...]], entities: Sequence[tuple[Any, ...]] = (),
           used: Sequence[tuple[int, int]] = (), generated: Sequence[tuple[int, int]] = (),
           derived: Sequence[tuple[int, int]] = (), informed: Sequence[tuple[int, int]] = ()) -> None:
    """A SQLite ProvenanceDB of the mid-2020 schema (``internal_key`` keys, ``<table>_key`` links).

    ``activities`` are ``(key, id, name, start, end)``, ``entities`` ``(key, id, name, location)``,
    the relations pairs of keys (``used``/``generated``: activity, entity; ``derived``: generated,
    used entity; ``informed``: informant, informed activity). Every activity is associated with
    the organisation ``CTAO``.
    """
    with sqlite3.connect(path) as db:
        db.executescript(_PROVDB_SCHEMA)
        db.execute("INSERT INTO agents VALUES (1, 'CTAO', 'CTAO', 'Organization')")
        db.executemany("INSERT INTO activities VALUES (?, ?, ?, ?, ?, NULL)", activities)
        db.executemany("INSERT INTO entities VALUES (?, ?, ?, ?, NULL, NULL, NULL, 'dataset')", entities)
        db.executemany("INSERT INTO used (role, activity_key, entity_key) VALUES ('input', ?, ?)", used)
        db.executemany('INSERT INTO "wasGeneratedBy" (role, activity_key, entity_key) VALUES (\'output\', ?, ?)',
                       generated)
        db.executemany('INSERT INTO "wasDerivedFrom" ("generatedEntity", "usedEntity") VALUES (?, ?)', derived)
        db.executemany('INSERT INTO "wasInformedBy" (informant, informed) VALUES (?, ?)', informed)
        db.executemany('INSERT INTO "wasAssociatedWith" (role, activity_key, agent_key) VALUES (\'Provider\', ?, 1)',
                       [(row[0],) for row in activities])
    db.close()


# -- truncated -------------------------------------------------------------------------------


def _cut(data: bytes, fraction: float) -> bytes:
    """``data`` cut near ``fraction`` of its length, inside a word (never at a clean boundary)."""
    offset = max(1, int(len(data) * fraction))
    while offset < len(data) - 1 and not (chr(data[offset - 1]).isalnum() and chr(data[offset]).isalnum()):
        offset += 1
    return data[:offset]


def _cut_in_provenance_line(data: bytes, fraction: float) -> bytes:
    """``data`` cut inside a word of the first provenance line at or after ``fraction`` of its length."""
    offset = int(len(data) * fraction)
    start = data.rfind(b"\n", 0, offset) + 1
    while b"_PROV_" not in data[start:data.find(b"\n", start)]:
        start = data.find(b"\n", start) + 1
    middle = data.index(b"_PROV_", start) + 60
    return _cut(data[:data.find(b"\n", start)], (middle + 0.5) / data.find(b"\n", start))


def _gammapy_records(cut: bytes) -> int:
    """The records the whole provenance lines of a cut gammapy log make: its sessions, and each activity
    that started (an activity without its end event is a record too, without an end time)."""
    whole = cut[:cut.rfind(b"\n") + 1].decode("utf-8")
    sessions = set(re.findall(r"\{'session_id': (\d+)", whole))
    started = set(re.findall(r"\{'activity_id': '([^']+)', 'name':", whole))
    return len(sessions) + len(started)


def _ctapipe_runs(data: bytes) -> list[int]:
    """The offset where each activity of a ctapipe log ends (element by element)."""
    text, decoder, ends, position = data.decode("utf-8"), json.JSONDecoder(), [], 0
    while True:
        while position < len(text) and text[position] in " \n\t[],":
            position += 1
        if position >= len(text):
            return ends
        _, position = decoder.raw_decode(text, position)
        ends.append(len(text[:position].encode("utf-8")))


def _truncated(c: _Corpus) -> None:
    for fixture in ("ctapipe/v0.22_2025.provenance.log", "ctapipe/v0.32_chain/process_twice.provenance.log"):
        data = _read(fixture)
        ends = _ctapipe_runs(data)
        for fraction in (0.2, 0.55, 0.9):
            cut = _cut(data, fraction)
            whole = sum(1 for end in ends if end <= len(cut))
            line = cut.count(b"\n") + 1
            name = f"truncated_{Path(fixture).name.split('.')[0]}_{int(fraction * 100)}.provenance.log"
            c.add(name, "truncated", cut, _rejected(whole, "the rest of the file is not read", line=line,
                                                    stored=whole, reader="ctapipe"), group="logs")
    for fixture in ("gammapy/crab_analysis_2020.log", "gammapy/crab_analysis_logprov.log"):
        data = _read(fixture)
        for fraction in (0.35, 0.8):
            cut = _cut_in_provenance_line(data, fraction)
            line = cut.count(b"\n") + 1
            c.add(f"truncated_{Path(fixture).stem}_{int(fraction * 100)}.log", "truncated", cut,
                  _rejected(None, "cut off", line=line, stored=_gammapy_records(cut), reader="gammapy"), group="logs")
    singles = [
        ("w3c/plain.json", "provjson", "not valid PROV-JSON", (0.3, 0.6, 0.95)),
        ("w3c/plain.xml", "provxml", "not valid PROV-XML", (0.3, 0.6, 0.95)),
        ("w3c/plain.provn", "provn", "not valid PROV-N", (0.3, 0.6, 0.95)),
        ("w3c/plain.ttl", "turtle", "not valid PROV-O Turtle", (0.3, 0.6, 0.95)),
        ("w3c/opus_job.trig", "trig", "not valid PROV-O TriG", (0.5, 0.95)),
        ("w3c/plain.jsonld", "jsonld", "not valid PROV-O JSON-LD", (0.3, 0.6, 0.95)),
        ("w3c/plain.rdf", "rdfxml", "not valid PROV-O RDF/XML", (0.3, 0.6, 0.95)),
        ("votable/provdm_draft_example.vot", "votable", "not a VOTable astropy can read", (0.3, 0.6, 0.95)),
    ]
    for fixture, reader, words, fractions in singles:
        data = _read(fixture)
        stem, suffix = Path(fixture).stem, Path(fixture).suffix
        for fraction in fractions:
            c.add(f"truncated_{stem}_{int(fraction * 100)}{suffix}", "truncated", _cut(data, fraction),
                  _rejected(None, words, reader=reader), group="w3c" if reader != "votable" else "other")
    sqlite = _read("provdb/service_2020-09.sqlite")
    for size, label in ((16, "header"), (100, "page0"), (len(sqlite) // 2, "half"), (len(sqlite) - 1024, "tail")):
        c.add(f"truncated_service_2020-09_{label}.sqlite", "truncated", sqlite[:size],
              _rejected(None, "cannot read the database", reader="provdb"), group="other")
    definition = _read("definitions/logprov_definition.yaml")
    quote = definition.index(b'"', len(definition) // 2) + 3
    c.add("truncated_definition.yaml", "truncated", definition[:quote],
          _rejected(None, "not valid YAML", "end of stream"), kind="definition", group="other")


# -- encodings -------------------------------------------------------------------------------

_ENCODINGS = (
    ("utf16le_bom", "utf-16-le", b"\xff\xfe", ()),
    ("utf16be_bom", "utf-16-be", b"\xfe\xff", ()),
    ("utf16le", "utf-16-le", b"", ("UTF-16-LE",)),
    ("utf16be", "utf-16-be", b"", ("UTF-16-BE",)),
    ("utf8_bom", "utf-8", b"\xef\xbb\xbf", ()),
    ("latin1", "latin-1", b"", ("Latin-1",)),
)


def _encoding(c: _Corpus) -> None:
    who = "Jérôme Müller"
    documents: list[tuple[str, str, str, Callable[[str], str], int, str]] = [
        ("ctapipe", "provenance.log", "logs", lambda declared: _ctapipe_log([ctapipe_activity(
            _uuid(101), outputs=["/data/dl1/nuit_étoilée.dl1.h5"], system={"ctapipe_version": "0.22.0",
                                                                        "environment": {"USER": who}})]), 1, who),
        ("gammapy", "log", "logs", lambda declared: gammapy_log("e1c0de", agent=who), 2, who),
        ("provjson", "json", "w3c", lambda declared: _json(provjson(
            {"ex:enc": {"prov:label": who, "prov:startTime": "2024-05-14T08:00:00Z"}})), 1, who),
        ("provn", "provn", "w3c", lambda declared: provn(f'activity(ex:enc, -, -, [prov:label="{who}"])'), 1, who),
        ("turtle", "ttl", "w3c", lambda declared: turtle(f'ex:enc a prov:Activity ; prov:label "{who}" .\n'), 1, who),
        ("jsonld", "jsonld", "w3c", lambda declared: _json(jsonld([{"@id": "ex:enc", "@type": "prov:Activity",
                                                                   "prov:label": who}])), 1, who),
        ("provxml", "xml", "w3c", lambda declared: provxml(
            f'<prov:activity prov:id="ex:enc"><prov:label>{who}</prov:label></prov:activity>\n').replace(
                'encoding="UTF-8"', f'encoding="{declared}"'), 1, who),
        ("rdfxml", "rdf", "w3c", lambda declared: rdfxml(rdfxml_activity("enc", who), declaration=(
            f'<?xml version="1.0" encoding="{declared}"?>\n')), 1, who),
        ("votable", "vot", "other", lambda declared: votable([("act-enc", who, "2024-05-14T08:00:00Z",
                                                               "2024-05-14T08:20:00Z")], declaration=(
            f'<?xml version="1.0" encoding="{declared}"?>\n')), 1, who),
    ]
    for reader, suffix, group, make, stored, text in documents:
        for label, codec, bom, warning in _ENCODINGS:
            declared = {"utf-16-le": "UTF-16", "utf-16-be": "UTF-16", "latin-1": "ISO-8859-1"}.get(codec, "UTF-8")
            content = bom + make(declared).encode(codec)
            words = tuple(f"read as {w}" for w in warning)
            if reader in ("provxml", "rdfxml", "votable") and codec == "latin-1":
                words = ()  # the XML declaration says ISO-8859-1: nothing is guessed
            c.add(f"encoding_{reader}_{label}.{suffix}", "encoding", content,
                  Expect(stored=stored, warnings=words, present=(text,), reader=reader), group=group)
    # XML whose declaration says UTF-8 while the bytes are Latin-1: read as Latin-1, and said
    c.add("encoding_provxml_latin1_mislabelled.xml", "encoding", provxml(
        f'<prov:activity prov:id="ex:enc2"><prov:label>{who}</prov:label></prov:activity>\n').encode("latin-1"),
        Expect(stored=1, warnings=("read as Latin-1",), present=(who,), reader="provxml"), group="w3c")
    definition = _read("definitions/seed_definition.yaml").decode("utf-8") + f"\nname: {who}\n"
    for label, codec, bom, warning in _ENCODINGS:
        c.add(f"encoding_definition_{label}.yaml", "encoding", bom + definition.encode(codec),
              Expect(stored=1, present=(who,)), kind="definition", group="other")


# -- binary junk -----------------------------------------------------------------------------

_JUNK_NAMES = ("junk.provenance.log", "junk.json", "junk.xml", "junk.provn", "junk.ttl", "junk.sqlite", "junk.vot",
               "junk.jsonld", "junk.rdf", "junk.trig", "junk_gammapy.log")
_READER_NAMES = ("ctapipe", "gammapy", "provjson", "provxml", "provn", "trig", "turtle", "jsonld", "rdfxml",
                 "votable", "provdb")
_FORCED_WORDS = {
    "ctapipe": ("expected '[' to start an array",), "gammapy": ("no provenance records found",),
    "provjson": ("not valid PROV-JSON",), "provxml": ("not valid PROV-XML",), "provn": ("not valid PROV-N",),
    "trig": ("not valid PROV-O TriG",), "turtle": ("not valid PROV-O Turtle",),
    "jsonld": ("not valid PROV-O JSON-LD",), "rdfxml": ("not valid PROV-O RDF/XML",),
    "votable": ("not a VOTable astropy can read",), "provdb": ("cannot read the database",),
}  # fmt: skip


def _junk(c: _Corpus) -> None:
    for index, name in enumerate(_JUNK_NAMES):
        size = 512 + 997 * index
        data = bytes(c.random.randrange(256) for _ in range(size))
        c.add(name, "junk", data, _rejected(None, NOT_PROVENANCE, "tried: ctapipe"), group="w3c")
    for index, reader in enumerate(_READER_NAMES):
        data = bytes(c.random.randrange(256) for _ in range(700 + 131 * index))
        record = 0 if reader == "ctapipe" else None  # the log's first record is where its reading stops
        c.add(f"junk_forced_{reader}.bin", "junk", data, _rejected(record, *_FORCED_WORDS[reader]),
              format=reader, group="w3c")
    noise = bytes(c.random.randrange(256) for _ in range(3000)).replace(b"\n", b"")
    headed = [
        ("junk_after_header.sqlite", b"SQLite format 3\x00" + noise, "cannot read the database", None, "provdb"),
        ("junk_after_header.provenance.log", b'[\n  {\n    "activity_name": "ctapipe-process",\n' + noise,
         "the rest of the file is not read", 0, "ctapipe"),
        ("junk_after_header.json", b'{"prefix": {"ex": "http://example.org/"}, "entity": {' + noise,
         "not valid PROV-JSON", None, "provjson"),
        ("junk_after_header.xml", PROVXML_OPEN.encode() + noise, "not valid PROV-XML", None, "provxml"),
        ("junk_after_header.provn", PROVN_HEAD.encode() + b"  entity(ex:e1)\n" + noise, "not valid PROV-N", None,
         "provn"),
        ("junk_after_header.ttl", TURTLE_HEAD.encode() + noise, "not valid PROV-O Turtle", None, "turtle"),
        ("junk_after_header.jsonld", b'{"@context": {"prov": "http://www.w3.org/ns/prov#"}, "@graph": [' + noise,
         "not valid PROV-O JSON-LD", None, "jsonld"),
        ("junk_after_header.vot", b'<?xml version="1.0"?>\n<VOTABLE version="1.3" xmlns="http://www.ivoa.net/xml/'
         b'VOTable/v1.3">\n<RESOURCE>' + noise, NOT_PROVENANCE, None, None),
    ]
    for name, data, words, record, reader in headed:
        c.add(name, "junk", data, _rejected(record, words, reader=reader),
              group="other" if reader in ("provdb", "votable") else "w3c")
    line = b"INFO provLogger __PROV__2020-04-21T13:05:10.118810__PROV__{'activity_id': '" + noise[:200] + b"'}\n"
    c.add("junk_after_header_gammapy.log", "junk", line, _rejected(None, "not a Python literal", line=1,
                                                                  reader="gammapy"), group="logs")
    for name in ("empty.provenance.log", "empty.json", "empty.sqlite", "empty.xml", "empty.ttl"):
        c.add(name, "junk", b"", _rejected(None, NOT_PROVENANCE), group="w3c")


# -- deep nesting ------------------------------------------------------------------------------

DEEP = 100_000


def _deep(c: _Corpus) -> None:
    nested = "[" * DEEP + "]" * DEEP
    good = json.dumps([ctapipe_activity(_uuid(201), outputs=["/data/dl1/deep_good.dl1.h5"])], indent=2)
    bad = ('[\n  {"activity_name": "ctapipe-process", "activity_uuid": "' + _uuid(202) + '", "config": {"x": '
           + nested + "}}\n]\n")
    c.add("deep_ctapipe_after_good_run.provenance.log", "deep", good + "\n" + bad,
          _rejected(1, "nested", "levels", stored=1, present=(_uuid(201),), reader="ctapipe"), group="guarded")
    c.add("deep_ctapipe_first.provenance.log", "deep",
          '[\n  {"activity_name": "ctapipe-process", "activity_uuid": "' + _uuid(203) + '", "x": ' + nested + "}]",
          _rejected(0, "nested", "levels"), group="guarded")
    repr_bad = ("[{'activity_name': 'ctapipe-process', 'activity_uuid': '" + _uuid(204) + "', 'config': "
                + nested + "}]")
    c.add("deep_ctapipe_repr.provenance.txt", "deep", repr_bad, _rejected(0, "nested", "levels"), group="guarded")
    c.add("deep_ctapipe_logline.log", "deep", "INFO ctapipe: PROVENANCE: '" + bad.strip() + "'\n",
          _rejected(0, "nested", "levels"), group="guarded")
    middle = "[" * 500 + "]" * 500
    c.add("deep_ctapipe_500.provenance.log", "deep",
          json.dumps([ctapipe_activity(_uuid(205))])[:-2] + ', "config": {"deep": ' + middle + "}}]",
          _rejected(0, "nested", "levels"), group="guarded")
    c.add("deep_provjson.json", "deep", '{"prefix": {"ex": "http://example.org/hostile/"}, "entity": {"ex:e": '
          '{"ex:v": ' + nested + "}}}", _rejected(None, "not valid PROV-JSON", "nested"), group="guarded")
    c.add("deep_provjson_900.json", "deep", '{"prefix": {"ex": "http://example.org/hostile/"}, "entity": {"ex:e": '
          '{"ex:v": ' + "[" * 900 + "1" + "]" * 900 + "}}}", _rejected(None, "not valid PROV-JSON", "nested"),
          group="guarded")
    c.add("deep_jsonld.jsonld", "deep", '{"@context": {"prov": "http://www.w3.org/ns/prov#"}, "@graph": '
          '[{"@id": "http://example.org/a", "@type": "prov:Activity", "prov:x": ' + nested + "}]}",
          _rejected(None, "not valid PROV-O JSON-LD", "nested"), group="guarded")
    c.add("deep_provxml.xml", "deep", provxml("<prov:entity prov:id=\"ex:e\">" + "<ex:v>" * DEEP + "x"
                                              + "</ex:v>" * DEEP + "</prov:entity>\n"),
          _rejected(None, "not valid PROV-XML", "deep"), group="guarded")
    c.add("deep_rdfxml.rdf", "deep", rdfxml('<prov:Entity rdf:about="http://example.org/hostile/e">'
                                            + "<prov:wasDerivedFrom><prov:Entity>" * DEEP
                                            + "</prov:Entity></prov:wasDerivedFrom>" * DEEP + "</prov:Entity>\n"),
          _rejected(None, "not valid PROV-O RDF/XML", "deep"), group="guarded")
    c.add("deep_turtle.ttl", "deep", turtle("ex:e a prov:Entity ; ex:v " + "[ ex:v " * DEEP + "1" + " ]" * DEEP
                                            + " .\n"),
          _rejected(None, "not valid PROV-O Turtle", "nested"), group="guarded")
    c.add("deep_votable.vot", "deep", votable([VOT_ACTIVITY]).replace(
        "</RESOURCE>", "<RESOURCE>" * DEEP + "</RESOURCE>" * DEEP + "</RESOURCE>"),
        _rejected(None, "not a VOTable provrdf reads", "nested", "levels"), group="guarded")
    c.add("deep_gammapy.log", "deep", gammapy_log(extra=_gammapy_line(
        "2020-04-21T13:05:10.119077", "{'activity_id': '8a2f3c', 'parameters': {'p': " + nested + "}}")),
        _rejected(None, "not a Python literal", line=4, stored=2), group="guarded")
    c.add("deep_provn.provn", "deep", provn("entity(ex:e, [ex:v=" + "(" * DEEP + '"x"' + ")" * DEEP + "])"),
          _rejected(None, "not valid PROV-N"), group="guarded")
    c.add("deep_definition_flow.yaml", "deep", "activities:\n  run_fit:\n    description: " + "[" * DEEP
          + "]" * DEEP + "\n", _rejected(None, "nested", "levels"), kind="definition", group="guarded")
    c.add("deep_definition_mapping.yaml", "deep", "activities:\n  run_fit: " + "{a: " * DEEP + "1" + "}" * DEEP
          + "\n", _rejected(None, "nested", "levels"), kind="definition", group="guarded")
    c.add("deep_definition_block.yaml", "deep", "activities:\n" + "".join(
        "  " * (level + 1) + f"k{level}:\n" for level in range(300)) + "  " * 301 + "v: 1\n",
        _rejected(None, "nested", "levels"), kind="definition", group="guarded")
    # logprov's session event carries the definitions it used: nested deeply there too
    c.add("deep_logprov_definitions.log", "deep", "2021-03-02 16:41:07,220 INFO [logprov] _PROV_2021-03-02T16:41:07"
          ".220113_PROV_{'session_id': 140412373522768, 'module': 'gammapy.analysis.core', 'class': 'Analysis', "
          "'startTime': '2021-03-02T16:41:07.219358', 'definitions': {'activities': " + "{'a': " * 150 + "1"
          + "}" * 150 + "}}\n", Expect(stored=1), group="guarded")


# -- XML entities --------------------------------------------------------------------------------


def _laughs(levels: int = 10) -> tuple[str, str]:
    """A billion-laughs internal subset and the entity reference that explodes it."""
    subset = ' <!ENTITY lol0 "lol">\n' + "".join(
        f' <!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">\n' for i in range(1, levels))
    return subset, f"&lol{levels - 1};"


def _xml_entities(c: _Corpus) -> None:
    subset, bomb = _laughs()
    url = c.loopback
    big = "x" * 20_000
    quadratic = f' <!ENTITY big "{big}">\n'
    prolog = lambda root, inner: f"<!DOCTYPE {root} [\n{inner}]>\n"
    cases = [
        ("provxml", "xml", lambda p, ref: provxml(f'<prov:entity prov:id="ex:e"><prov:label>{ref}</prov:label>'
                                                   "</prov:entity>\n", prolog=p), "prov:document"),
        ("rdfxml", "rdf", lambda p, ref: rdfxml(rdfxml_activity(label=ref), prolog=p), "rdf:RDF"),
        ("votable", "vot", lambda p, ref: votable([("act-x", ref, "2024-05-14T08:00:00Z", "2024-05-14T08:20:00Z")],
                                                  prolog=p), "VOTABLE"),
    ]
    for reader, suffix, make, root in cases:
        group = "guarded"
        c.add(f"xml_billion_laughs.{suffix}", "xml-entities", make(prolog(root, subset), bomb),
              _rejected(None, "entity", "expand", absent=("lollollol",), reader=reader), group=group)
        c.add(f"xml_quadratic.{suffix}", "xml-entities", make(prolog(root, quadratic), "&big;" * 2000),
              _rejected(None, "entity", "expand", absent=("xxxxxxxxxx",), reader=reader), group=group)
        c.add(f"xml_external_file.{suffix}", "xml-entities",
              make(prolog(root, ' <!ENTITY x SYSTEM "file:///etc/passwd">\n'), "&x;"),
              _rejected(None, "external entity", "file:///etc/passwd", absent=(PASSWD,), reader=reader), group=group)
        c.add(f"xml_external_url.{suffix}", "xml-entities",
              make(prolog(root, f' <!ENTITY x SYSTEM "{url}/entity">\n'), "&x;"),
              _rejected(None, "external entity", f"{url}/entity", reader=reader), group=group)
        c.add(f"xml_parameter_entity.{suffix}", "xml-entities",
              make(prolog(root, f' <!ENTITY % p SYSTEM "{url}/parameter.dtd">\n %p;\n'), "text"),
              _rejected(None, "external entity", f"{url}/parameter.dtd", reader=reader), group=group)
        c.add(f"xml_external_dtd.{suffix}", "xml-entities",
              make(f'<!DOCTYPE {root} SYSTEM "{url}/external.dtd">\n', "text"),
              Expect(stored=1, warnings=(f"{url}/external.dtd",), reader=reader), group=group)
        c.add(f"xml_internal_entity.{suffix}", "xml-entities",
              make(prolog(root, ' <!ENTITY who "Jane Doe, observer">\n'), "&who;"),
              Expect(stored=1, present=("Jane Doe, observer",), reader=reader), group=group)
    c.add("xml_xinclude.xml", "xml-entities", provxml(
        '<prov:entity prov:id="ex:e"><prov:label xmlns:xi="http://www.w3.org/2001/XInclude">'
        '<xi:include href="file:///etc/passwd" parse="text"/></prov:label></prov:entity>\n'),
        Expect(stored=1, absent=(PASSWD,), reader="provxml"), group="guarded")
    c.add("xml_xinclude.rdf", "xml-entities", rdfxml(
        '<prov:Entity rdf:about="http://example.org/hostile/e" xmlns:xi="http://www.w3.org/2001/XInclude">'
        f'<prov:label rdf:parseType="Literal"><xi:include href="{url}/xinclude" parse="text"/></prov:label>'
        "</prov:Entity>\n"),
        Expect(stored=1, absent=(PASSWD,), reader="rdfxml"), group="guarded")
    c.add("xml_datatype_entity.rdf", "xml-entities", rdfxml(
        rdfxml_activity("dt").replace("http://www.w3.org/2001/XMLSchema#", "&xsd;"),
        prolog='<!DOCTYPE rdf:RDF [\n <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">\n]>\n'),
        Expect(stored=1, present=("http://example.org/hostile/dt",), reader="rdfxml"), group="guarded")


# -- PROV-N parentheses -------------------------------------------------------------------------


def _provn_parens(c: _Corpus) -> None:
    broken = [
        ("missing_close", ["activity(ex:a1, 2024-05-14T08:00:00Z, 2024-05-14T08:20:00Z", "entity(ex:e1)"], 4),
        ("extra_close", ["entity(ex:e1))", "activity(ex:a1)"], 3),
        ("unclosed_across_lines", ["used(ex:a1, ex:e1,", "  2024-05-14T08:00:05Z", "entity(ex:e1)"], 5),
        ("missing_bracket", ['entity(ex:e1, [prov:label="raw", ex:n=1)'], 3),
        ("extra_bracket", ['entity(ex:e1, [prov:label="raw"]])'], 3),
        ("unclosed_string", ['entity(ex:e1, [prov:label="raw)', "activity(ex:a1)"], 3),
        ("double_open", ["entity((ex:e1))"], 3),
        ("no_parentheses", ["entity ex:e1", "activity(ex:a1)"], 3),
        ("empty_parentheses", ["entity()"], 3),
        ("close_first", [")entity(ex:e1"], 3),
    ]
    for label, statements, line in broken:
        c.add(f"provn_{label}.provn", "provn-parens", provn(*statements),
              _rejected(None, "not valid PROV-N", line=line, reader="provn"), group="w3c")


# -- injection ---------------------------------------------------------------------------------

INJECTIONS = (
    'x> <http://evil.example/p> "pwned" . #',
    '"} ; DROP ALL ; INSERT DATA { <http://evil.example/s> <http://evil.example/p> "o" } #',
    "a\u0000b",
    "line1\nline2\r\nline3",
    "' . } DELETE WHERE { ?s ?p ?o } #",
)


def _injection(c: _Corpus) -> None:
    for index, ident in enumerate(INJECTIONS):
        activity = ctapipe_activity(ident, inputs=[f"/data/in/{ident}.simtel.zst"],
                                    outputs=[f'/data/out/"{index}"> ; DROP ALL ; #.dl1.h5'])
        c.add(f"injection_ctapipe_{index}.provenance.log", "injection", _ctapipe_log([activity]),
              Expect(stored=1, foreign=("http://evil.example/",), reader="ctapipe"), group="logs")
    for index, ident in enumerate(INJECTIONS[:4]):
        c.add(f"injection_gammapy_{index}.log", "injection", gammapy_log(ident),
              Expect(stored=2, foreign=("http://evil.example/",), reader="gammapy"), group="logs")
    # W3C documents name their nodes by IRI: one that is no IRI cannot be stored
    # a W3C document names its nodes by IRI: what an IRI cannot hold is percent-encoded (normalize_iri)
    for index, (ident, encoded) in enumerate(((f'ex:a{0}> <http://evil.example/p> "x', "a0%3E%20%3Chttp"),
                                              ("ex:a\u0000b", "a%00b"), ("ex:a\nb", "a%0Ab"))):
        c.add(f"injection_provjson_{index}.json", "injection", _json(provjson({ident: {}})),
              Expect(stored=1, present=("http://example.org/hostile/" + encoded,), foreign=("http://evil.example/",),
                     reader="provjson"), group="w3c")
    literal = 'x" . <http://evil.example/s> <http://evil.example/p> "o'
    c.add("injection_turtle_literal.ttl", "injection", turtle(
        f"ex:inj a prov:Activity ; prov:label {json.dumps(literal)} .\n"),
        Expect(stored=1, present=(literal,), foreign=("http://evil.example/",), reader="turtle"), group="w3c")
    c.add("injection_provn_literal.provn", "injection", provn(
        'activity(ex:inj, -, -, [prov:label="} ; DROP ALL ; \\" #"])'), Expect(stored=1, reader="provn"), group="w3c")
    c.add("injection_votable.vot", "injection", votable([(INJECTIONS[0].replace("<", "&lt;").replace(">", "&gt;")
                                                          .replace('"', "&quot;"), "ctapipe-process",
                                                          "2024-05-14T08:00:00Z", "2024-05-14T08:20:00Z")]),
          Expect(stored=1, foreign=("http://evil.example/",), reader="votable"), group="other")
    provdb(c.folder / "injection_provdb.sqlite", [(1, INJECTIONS[1], "ctapipe-process", "2024-05-14T08:00:00Z",
                                                   "2024-05-14T08:20:00Z")])
    c.add("injection_provdb.sqlite", "injection", None, Expect(stored=1, foreign=("http://evil.example/",),
                                                               reader="provdb"), group="other")
    name = "injection name ' \" ; DROP ALL.json"
    c.add(name, "injection", _json(provjson({"ex:named": {"prov:label": "a file with quotes in its name"}})),
          Expect(stored=1, reader="provjson"), group="w3c")


# -- times -------------------------------------------------------------------------------------

_BAD_TIMES = (("month13", "2025-13-01T00:00:00Z"), ("feb30", "2024-02-30T10:00:00Z"),
              ("hour25", "2024-05-14T25:00:00Z"))
_BACKWARDS = ("2024-05-14T09:00:00Z", "2024-05-14T08:00:00Z")
ENDS_BEFORE = "ends before it starts"


def _times(c: _Corpus) -> None:
    for label, moment in _BAD_TIMES:
        bare = moment.rstrip("Z").replace("T", "T", 1)
        c.add(f"times_ctapipe_{label}.provenance.log", "times", _ctapipe_log([
            ctapipe_activity(_uuid(301), outputs=["/data/t/good.h5"]),
            ctapipe_activity(_uuid(302), start=bare + ".000")]),
            _rejected(1, "start.time_utc is not an ISO 8601 time", bare, stored=1), group="logs")
        c.add(f"times_gammapy_{label}.log", "times", gammapy_log(start=bare),
              _rejected(1, "startTime", bare, stored=1), group="logs")
        c.add(f"times_provjson_{label}.json", "times", _json(provjson({"ex:t": {"prov:startTime": moment}})),
              _rejected(None, moment), group="w3c")
        c.add(f"times_provxml_{label}.xml", "times", provxml(
            f'<prov:activity prov:id="ex:t"><prov:startTime>{moment}</prov:startTime></prov:activity>\n'),
            _rejected(None, moment), group="w3c")
        c.add(f"times_provn_{label}.provn", "times", provn(f"activity(ex:t, {moment}, -)"),
              _rejected(None, moment), group="w3c")
        c.add(f"times_turtle_{label}.ttl", "times", turtle(
            f'ex:t a prov:Activity ; prov:startedAtTime "{moment}"^^xsd:dateTime .\n'),
            _rejected(None, "not a valid xsd:dateTime", moment), group="w3c")
        c.add(f"times_rdfxml_{label}.rdf", "times", rdfxml(rdfxml_activity("t", start=moment)),
              _rejected(None, "not a valid xsd:dateTime", moment), group="w3c")
        c.add(f"times_jsonld_{label}.jsonld", "times", _json(jsonld([jsonld_activity("ex:t", start=moment)])),
              _rejected(None, "not a valid xsd:dateTime", moment), group="w3c")
        c.add(f"times_votable_{label}.vot", "times", votable([("act-t", "run", moment, "2024-05-14T08:20:00Z")]),
              _rejected(0, "startTime is not an ISO 8601 time", moment), group="other")
    c.add("times_trig_month13.trig", "times", TURTLE_HEAD + '<http://example.org/hostile/g> {\n ex:t a prov:Activity '
          '; prov:endedAtTime "2025-13-01T00:00:00Z"^^xsd:dateTime .\n}\n',
          _rejected(None, "not a valid xsd:dateTime", "2025-13-01T00:00:00Z"), group="w3c")
    provdb(c.folder / "times_provdb_month13.sqlite", [
        (1, "act-good", "ctapipe-process", "2024-05-14T08:00:00Z", "2024-05-14T08:20:00Z"),
        (2, "act-bad", "ctapipe-process", "2025-13-01T00:00:00Z", "2025-12-01T00:00:00Z")])
    c.add("times_provdb_month13.sqlite", "times", None, _rejected(1, "2025-13-01T00:00:00Z", stored=1), group="other")
    # backwards: the end before the start
    start, end = _BACKWARDS
    c.add("times_ctapipe_backwards.provenance.log", "times", _ctapipe_log([
        ctapipe_activity(_uuid(303), outputs=["/data/t/good2.h5"]),
        ctapipe_activity(_uuid(304), start=start.rstrip("Z"), stop=end.rstrip("Z"))]),
        _rejected(1, ENDS_BEFORE, stored=1), group="logs")
    c.add("times_gammapy_backwards.log", "times", gammapy_log(start="2020-04-21T14:00:00", end="2020-04-21T13:00:00"),
          _rejected(1, "ends", "before it starts", stored=1), group="logs")
    c.add("times_provjson_backwards.json", "times", _json(provjson(
        {"ex:t": {"prov:startTime": start, "prov:endTime": end}})), _rejected(0, ENDS_BEFORE), group="w3c")
    c.add("times_provn_backwards.provn", "times", provn(f"activity(ex:t, {start}, {end})"),
          _rejected(0, ENDS_BEFORE), group="w3c")
    c.add("times_provxml_backwards.xml", "times", provxml(
        f'<prov:activity prov:id="ex:t"><prov:startTime>{start}</prov:startTime><prov:endTime>{end}'
        "</prov:endTime></prov:activity>\n"), _rejected(0, ENDS_BEFORE), group="w3c")
    c.add("times_turtle_backwards.ttl", "times", turtle(
        f'ex:t a prov:Activity ; prov:startedAtTime "{start}"^^xsd:dateTime ; prov:endedAtTime "{end}"^^xsd:dateTime'
        " .\n"), _rejected(0, ENDS_BEFORE), group="w3c")
    c.add("times_votable_backwards.vot", "times", votable([("act-b", "run", start, end)]),
          _rejected(0, ENDS_BEFORE), group="other")
    provdb(c.folder / "times_provdb_backwards.sqlite", [(1, "act-back", "ctapipe-process", start, end)])
    c.add("times_provdb_backwards.sqlite", "times", None, _rejected(0, ENDS_BEFORE), group="other")
    c.add("times_provjson_usage_outside.json", "times", _json(provjson(
        {"ex:t": {"prov:startTime": "2024-05-14T08:00:00Z", "prov:endTime": "2024-05-14T08:20:00Z"}},
        {"ex:e": {}}, used={"_:u": {"prov:activity": "ex:t", "prov:entity": "ex:e",
                                    "prov:time": "2024-05-14T07:00:00Z"}})),
        _rejected(0, "before the start"), group="w3c")


# -- NaN and Infinity --------------------------------------------------------------------------


def _nan(c: _Corpus) -> None:
    nan, inf = float("nan"), float("inf")
    c.add("nan_ctapipe_duration.provenance.log", "nan", _ctapipe_log([ctapipe_activity(
        _uuid(401), duration_min=nan, config={"Tool": {"gain": inf, "offset": -inf, "scale": nan}})]),
        Expect(stored=1, warnings=("duration_min nan is no duration",), present=("NaN", "Infinity"),
               reader="ctapipe"), group="logs")
    c.add("nan_ctapipe_exit_code.provenance.log", "nan", _ctapipe_log([ctapipe_activity(
        _uuid(402), exit_code=inf, duration_min=-inf)]), Expect(stored=1, warnings=(
            "exit_code inf is no integer", "duration_min -inf is no duration"), reader="ctapipe"), group="logs")
    c.add("nan_gammapy.log", "nan", gammapy_log(extra=_gammapy_line(
        "2020-04-21T13:05:10.119077", "{'activity_id': '8a2f3c', 'parameters': {'threshold': nan, 'emax': inf, "
        "'emin': -inf}}")), Expect(stored=2, present=("nan",), reader="gammapy"), group="logs")
    c.add("nan_provjson_bare.json", "nan", _json(provjson(entities={"ex:v": {"prov:value": nan, "ex:w": inf}})),
          Expect(stored=1, present=("NaN", "INF"), reader="provjson"), group="w3c")
    c.add("nan_provjson_typed.json", "nan", _json(provjson(entities={
        "ex:v": {"prov:value": {"$": "NaN", "type": "xsd:double"}, "ex:w": {"$": "-INF", "type": "xsd:float"}}})),
        Expect(stored=1, present=("NaN", "-INF"), reader="provjson"), group="w3c")
    c.add("nan_provjson_decimal.json", "nan", _json(provjson(entities={
        "ex:v": {"prov:value": {"$": "NaN", "type": "xsd:decimal"}}})),
        _rejected(None, "not a valid xsd:decimal", "NaN"), group="w3c")
    c.add("nan_turtle_double.ttl", "nan", turtle('ex:v a prov:Entity ; prov:value "NaN"^^xsd:double ; '
                                                 'ex:w "-INF"^^xsd:double .\n'),
          Expect(stored=1, present=("NaN", "-INF"), reader="turtle"), group="w3c")
    c.add("nan_turtle_infinity.ttl", "nan", turtle('ex:v a prov:Entity ; prov:value "Infinity"^^xsd:double .\n'),
          _rejected(None, "not a valid xsd:double", "Infinity"), group="w3c")
    c.add("nan_turtle_integer.ttl", "nan", turtle('ex:v a prov:Entity ; prov:value "nan"^^xsd:integer .\n'),
          _rejected(None, "not a valid xsd:integer", "nan"), group="w3c")
    c.add("nan_provn.provn", "nan", provn('entity(ex:v, [prov:value="NaN" %% xsd:double, ex:w="INF" %% xsd:float])'),
          Expect(stored=1, present=("NaN", "INF"), reader="provn"), group="w3c")
    vot = votable([VOT_ACTIVITY]).replace(
        "</RESOURCE>", '<TABLE name="ValueEntity" utype="voprov:ValueEntity">\n<FIELD datatype="char" arraysize="*" '
        'name="v_id" utype="voprov:ValueEntity.id"/><FIELD datatype="double" name="v_value" '
        'utype="voprov:ValueEntity.value"/>\n<DATA><TABLEDATA><TR><TD>v-nan</TD><TD>NaN</TD></TR><TR><TD>v-inf</TD>'
        "<TD>+Inf</TD></TR></TABLEDATA></DATA></TABLE>\n</RESOURCE>")
    c.add("nan_votable.vot", "nan", vot, Expect(stored=1, reader="votable"), group="other")
    path = c.folder / "nan_provdb.sqlite"
    provdb(path, [(1, "act-nan", "ctapipe-process", "2024-05-14T08:00:00Z", "2024-05-14T08:20:00Z")])
    with sqlite3.connect(path) as db:
        db.execute('CREATE TABLE "valueEntities" (internal_key INTEGER PRIMARY KEY REFERENCES entities(internal_key),'
                   " value REAL)")
        db.execute("INSERT INTO entities VALUES (1, 'v-nan', 'threshold', NULL, NULL, NULL, NULL, 'value')")
        db.execute('INSERT INTO "valueEntities" VALUES (1, ?)', (inf,))
        db.execute("INSERT INTO used (role, activity_key, entity_key) VALUES ('threshold', 1, 1)")
    db.close()
    c.add("nan_provdb.sqlite", "nan", None, Expect(stored=1, present=("inf",), reader="provdb"), group="other")


# -- duplicates ----------------------------------------------------------------------------------

TWO_STARTS = "at most one start time"


def _duplicates(c: _Corpus) -> None:
    start_a, start_b = "2024-05-14T08:00:00Z", "2024-05-14T08:05:00Z"
    text = ('{"prefix": {"ex": "http://example.org/hostile/"}, "activity": {\n'
            f' "ex:dup": {{"prov:startTime": "{start_a}"}},\n "ex:dup": {{"prov:startTime": "{start_b}"}}\n}}}}\n')
    c.add("duplicates_provjson_keys.json", "duplicates", text, _rejected(0, TWO_STARTS), group="w3c")
    same = ('{"prefix": {"ex": "http://example.org/hostile/"}, "activity": {\n'
            f' "ex:same": {{"prov:startTime": "{start_a}"}},\n "ex:same": {{"prov:startTime": "{start_a}"}}\n}}}}\n')
    c.add("duplicates_provjson_same.json", "duplicates", same, Expect(stored=1), group="w3c")
    c.add("duplicates_provjson_list.json", "duplicates", _json(provjson(
        {"ex:dup": [{"prov:startTime": start_a}, {"prov:startTime": start_b}]})), _rejected(0, TWO_STARTS),
        group="w3c")
    c.add("duplicates_provjson_names.json", "duplicates", _json(provjson(entities={
        "ex:named": [{"voprov:name": "first"}, {"voprov:name": "second"}]}) | {
        "prefix": {"ex": "http://example.org/hostile/",
                   "voprov": "http://www.ivoa.net/documents/ProvenanceDM/index.html#"}}),
        _rejected(0, "at most one name"), group="w3c")
    c.add("duplicates_provn.provn", "duplicates", provn(f"activity(ex:dup, {start_a}, -)",
                                                        f"activity(ex:dup, {start_b}, -)"),
          _rejected(0, TWO_STARTS), group="w3c")
    c.add("duplicates_provn_ends.provn", "duplicates", provn("activity(ex:dup2, -, 2024-05-14T09:00:00Z)",
                                                             "activity(ex:dup2, -, 2024-05-14T09:30:00Z)"),
          _rejected(0, "at most one end time"), group="w3c")
    c.add("duplicates_provxml.xml", "duplicates", provxml(
        f'<prov:activity prov:id="ex:dup"><prov:startTime>{start_a}</prov:startTime></prov:activity>\n'
        f'<prov:activity prov:id="ex:dup"><prov:startTime>{start_b}</prov:startTime></prov:activity>\n'),
        _rejected(0, TWO_STARTS), group="w3c")
    c.add("duplicates_turtle.ttl", "duplicates", turtle(
        f'ex:dup a prov:Activity ; prov:startedAtTime "{start_a}"^^xsd:dateTime, "{start_b}"^^xsd:dateTime .\n'),
        _rejected(0, TWO_STARTS), group="w3c")
    c.add("duplicates_generated_twice.provn", "duplicates", provn(
        "entity(ex:out)", "activity(ex:a1)", "activity(ex:a2)", "wasGeneratedBy(ex:out, ex:a1, -)",
        "wasGeneratedBy(ex:out, ex:a2, -)"), _rejected(0, "generated by more than one activity"), group="w3c")
    first = ctapipe_activity(_uuid(501), outputs=["/data/dup/first.h5"])
    c.add("duplicates_ctapipe_uuid.provenance.log", "duplicates", _ctapipe_log(
        [first], [ctapipe_activity(_uuid(501), name="ctapipe-merge", outputs=["/data/dup/second.h5"])]),
        _rejected(1, "activity_uuid", _uuid(501), "record 0", stored=1), group="logs")
    c.add("duplicates_ctapipe_same.provenance.log", "duplicates", _ctapipe_log([first], [first]),
          Expect(stored=2), group="logs")
    keys = json.dumps([ctapipe_activity(_uuid(502))], indent=2).replace(
        '"activity_name": "ctapipe-process",', '"activity_name": "ctapipe-process", "activity_name": "ctapipe-merge",')
    c.add("duplicates_ctapipe_keys.provenance.log", "duplicates", keys,
          _rejected(0, "activity_name", "twice"), group="logs")
    c.add("duplicates_gammapy_start.log", "duplicates", gammapy_log(extra=_gammapy_line(
        "2020-04-21T13:05:10.119000", "{'activity_id': '8a2f3c', 'name': 'get_observations', "
        "'startTime': '2020-04-21T13:05:11.000000', 'in_session': 8790547732181}")),
        _rejected(1, "8a2f3c", stored=1), group="logs")
    c.add("duplicates_definition.yaml", "duplicates", "activities:\n  run_fit:\n    description: the first\n"
          "  run_fit:\n    description: the second\n", _rejected(None, "'run_fit' is given twice", line=4),
          kind="definition", group="other")
    c.add("duplicates_definition_same.yaml", "duplicates", "activities:\n  run_fit: {description: fit}\n"
          "entities:\n  Datasets: {type: PythonObject}\n  Datasets: {type: PythonObject}\n", Expect(stored=1),
          kind="definition", group="other")
    c.add("duplicates_votable.vot", "duplicates", votable([("act-d", "run", start_a, "2024-05-14T09:00:00Z"),
                                                           ("act-d", "run", start_b, "2024-05-14T09:00:00Z")]),
          _rejected(0, TWO_STARTS), group="other")
    provdb(c.folder / "duplicates_provdb.sqlite", [(1, "act-d", "ctapipe-process", start_a, "2024-05-14T09:00:00Z"),
                                                   (2, "act-d", "ctapipe-merge", start_b, "2024-05-14T09:00:00Z")])
    c.add("duplicates_provdb.sqlite", "duplicates", None, _rejected(1, "act-d", stored=1), group="other")


# -- relations to missing nodes -------------------------------------------------------------------


def _dangling(c: _Corpus) -> None:
    c.add("dangling_provjson_used.json", "dangling", _json(provjson(
        {"ex:a": {}}, used={"_:u": {"prov:activity": "ex:a", "prov:entity": "ex:nowhere"}})),
        Expect(stored=1, present=("http://example.org/hostile/nowhere",)), group="w3c")
    c.add("dangling_provjson_generated.json", "dangling", _json(provjson(
        entities={"ex:e": {}}, wasGeneratedBy={"_:g": {"prov:entity": "ex:e", "prov:activity": "ex:nobody"}})),
        Expect(stored=1, present=("http://example.org/hostile/nobody",)), group="w3c")
    c.add("dangling_provn_agent.provn", "dangling", provn("activity(ex:a)", "wasAssociatedWith(ex:a, ex:ghost, -)"),
          Expect(stored=1, present=("http://example.org/hostile/ghost",)), group="w3c")
    c.add("dangling_turtle.ttl", "dangling", turtle(
        "ex:a a prov:Activity ; prov:used ex:missing ; prov:qualifiedUsage [ a prov:Usage ; prov:entity ex:missing ] "
        ".\n"), Expect(stored=1, present=("http://example.org/hostile/missing",)), group="w3c")
    c.add("dangling_votable.vot", "dangling", votable([VOT_ACTIVITY], used=[("act-1", "no-such-entity")]),
          Expect(stored=1, present=("no-such-entity",)), group="other")
    c.add("dangling_votable_activity.vot", "dangling", votable([VOT_ACTIVITY], used=[("no-such-activity", "e-1")],
                                                               entities=[("e-1", "file")]),
          Expect(stored=1, present=("no-such-activity",)), group="other")
    provdb(c.folder / "dangling_provdb.sqlite", [(1, "act-1", "ctapipe-process", "2024-05-14T08:00:00Z",
                                                 "2024-05-14T08:20:00Z")], used=[(1, 99)], generated=[(77, 1)])
    c.add("dangling_provdb.sqlite", "dangling", None, Expect(stored=1, warnings=(
        "entities row 99, which does not exist", "activities row 77, which does not exist")), group="other")
    c.add("dangling_gammapy.log", "dangling", gammapy_log(extra=_gammapy_line(
        "2020-04-21T13:05:10.121902", "{'activity_id': '8a2f3c', 'used_id': 'never-declared', 'used_role': 'x'}")),
        Expect(stored=2, present=("never-declared",)), group="logs")


# -- cycles ----------------------------------------------------------------------------------------

CYCLE = "derivation cycle"


def _cycles(c: _Corpus) -> None:
    ex = "http://example.org/hostile/"
    c.add("cycles_provjson_derivation.json", "cycles", _json(provjson(
        entities={"ex:c1": {}, "ex:c2": {}}, wasDerivedFrom={
            "_:d1": {"prov:generatedEntity": "ex:c1", "prov:usedEntity": "ex:c2"},
            "_:d2": {"prov:generatedEntity": "ex:c2", "prov:usedEntity": "ex:c1"}})),
        Expect(stored=1, warnings=(CYCLE,)), group="w3c", lineage=ex + "c1")
    c.add("cycles_provjson_self.json", "cycles", _json(provjson(entities={"ex:self": {}}, wasDerivedFrom={
        "_:d1": {"prov:generatedEntity": "ex:self", "prov:usedEntity": "ex:self"}})),
        Expect(stored=1, warnings=(CYCLE,)), group="w3c", lineage=ex + "self")
    c.add("cycles_provn_three.provn", "cycles", provn(
        "entity(ex:t1)", "entity(ex:t2)", "entity(ex:t3)", "wasDerivedFrom(ex:t1, ex:t2)",
        "wasDerivedFrom(ex:t2, ex:t3)", "wasDerivedFrom(ex:t3, ex:t1)"),
        Expect(stored=1, warnings=(CYCLE,)), group="w3c", lineage=ex + "t1")
    c.add("cycles_provn_timed.provn", "cycles", provn(
        "entity(ex:g1)", "entity(ex:g2)", "activity(ex:m1)", "activity(ex:m2)",
        "wasGeneratedBy(ex:g1, ex:m1, 2024-05-14T10:00:00Z)", "wasGeneratedBy(ex:g2, ex:m2, 2024-05-14T11:00:00Z)",
        "wasDerivedFrom(ex:g1, ex:g2)", "wasDerivedFrom(ex:g2, ex:g1)"),
        _rejected(0, "before the entity it was derived from", "a derivation comes after"), group="w3c")
    c.add("cycles_turtle_derivation.ttl", "cycles", turtle(
        "ex:r1 a prov:Entity ; prov:wasDerivedFrom ex:r2 .\nex:r2 a prov:Entity ; prov:wasDerivedFrom ex:r1 .\n"),
        Expect(stored=1, warnings=(CYCLE,)), group="w3c", lineage=ex + "r1")
    c.add("cycles_provjson_informed.json", "cycles", _json(provjson(
        {"ex:i1": {"prov:startTime": "2024-05-14T08:00:00Z", "prov:endTime": "2024-05-14T09:00:00Z"},
         "ex:i2": {"prov:startTime": "2024-05-14T08:30:00Z", "prov:endTime": "2024-05-14T09:30:00Z"}},
        wasInformedBy={"_:w1": {"prov:informed": "ex:i1", "prov:informant": "ex:i2"},
                       "_:w2": {"prov:informed": "ex:i2", "prov:informant": "ex:i1"}})),
        Expect(stored=1), group="w3c", lineage=ex + "i1")
    c.add("cycles_provn_informed_impossible.provn", "cycles", provn(
        "activity(ex:j1, 2024-05-14T08:00:00Z, 2024-05-14T09:00:00Z)",
        "activity(ex:j2, 2024-05-14T10:00:00Z, 2024-05-14T11:00:00Z)", "wasInformedBy(ex:j1, ex:j2)"),
        _rejected(0, "informed", "ended before"), group="w3c")
    provdb(c.folder / "cycles_provdb.sqlite", [
        (1, "act-c1", "ctapipe-process", "2024-05-14T08:00:00Z", "2024-05-14T09:00:00Z"),
        (2, "act-c2", "ctapipe-merge", "2024-05-14T08:30:00Z", "2024-05-14T09:30:00Z")],
        entities=[(1, "ent-c1", "a.h5", "/data/cycle/a.h5"), (2, "ent-c2", "b.h5", "/data/cycle/b.h5")],
        used=[(1, 2), (2, 1)], generated=[(1, 1), (2, 2)], derived=[(1, 2), (2, 1)], informed=[(1, 2), (2, 1)])
    c.add("cycles_provdb.sqlite", "cycles", None, Expect(stored=2, warnings=(CYCLE,)), group="other",
          lineage=BASE + "entity/ent-c1")
    c.add("cycles_gammapy.log", "cycles", gammapy_log(extra="".join(_gammapy_line(
        "2020-04-21T13:05:10.12", payload) for payload in (
        "{'entity_id': 'md5:aa', 'name': 'A', 'location': '/data/cyc/a.fits', 'type': 'File'}",
        "{'entity_id': 'md5:bb', 'name': 'B', 'location': '/data/cyc/b.fits', 'type': 'File'}",
        "{'entity_id': 'md5:aa', 'progenitor_id': 'md5:bb'}", "{'entity_id': 'md5:bb', 'progenitor_id': 'md5:aa'}",
        "{'activity_id': '8a2f3c', 'generated_id': 'md5:aa', 'generated_role': 'a'}"))),
        Expect(stored=3, warnings=(CYCLE,)), group="logs")


# -- bulk --------------------------------------------------------------------------------------------


def _bulk(c: _Corpus) -> None:
    def log(count: int, bad: int, breaker: Callable[[dict[str, Any]], None], tag: str) -> str:
        runs = []
        for number in range(count):
            activity = ctapipe_activity(f"{tag}-{number:05d}", inputs=[f"/data/bulk/{tag}/in{number}.zst"],
                                        outputs=[f"/data/bulk/{tag}/out{number}.h5"])
            del activity["system"]
            if number == bad:
                breaker(activity)
            runs.append(activity)
        return json.dumps(runs, indent=1)

    c.add("bulk_ctapipe_10000.provenance.log", "bulk", log(10_000, 5_000, lambda a: a.pop("activity_uuid"), "k"),
          _rejected(5000, "activity has no activity_uuid", stored=9999), group="bulk", validate=False)
    c.add("bulk_ctapipe_300_checked.provenance.log", "bulk",
          log(300, 150, lambda a: a.update(start={"time_utc": "2025-03-27T15:00:00"}), "s"),
          _rejected(150, "1 SHACL violation", stored=299), group="bulk")
    count = 10_000
    activities = [(n, f"job-{n:05d}" if n != count // 2 else None, "ctapipe-process",
                   "2024-05-14T08:00:00Z", "2024-05-14T08:20:00Z") for n in range(1, count + 1)]
    entities = [(n, f"guid-{n:05d}", f"/vo.cta.in2p3.fr/MC/run{n:05d}.dl1.h5", "{CC-IN2P3-Disk,DESY-ZN-Disk}")
                for n in range(1, count + 1)]
    provdb(c.folder / "bulk_provdb_10000.sqlite", activities, entities,
           generated=[(n, n) for n in range(1, count + 1)], used=[(n, n - 1) for n in range(2, count + 1)])
    c.add("bulk_provdb_10000.sqlite", "bulk", None,
          _rejected(count // 2 - 1, "activities", "no id", stored=count - 1), group="provdb10k", validate=False)


# -- databases ---------------------------------------------------------------------------------------


def _databases(c: _Corpus) -> None:
    real = bytearray(_read("provdb/service_2020-09.sqlite"))
    for page in (1, 9, 12):  # the schema, the roots of the activities and the entities tables
        corrupt = bytearray(real)
        start = 1024 * (page - 1) + (100 if page == 1 else 0)
        corrupt[start:start + 600] = bytes(c.random.randrange(256) for _ in range(600))
        c.add(f"db_corrupt_page{page}.sqlite", "databases", bytes(corrupt),
              _rejected(None, "cannot read the database"), group="other")
    empty = c.folder / "db_empty.sqlite"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.close()
    c.add("db_empty.sqlite", "databases", None, _rejected(None, "not a CTADIRAC ProvenanceDB", "activities"),
          group="other")
    other = c.folder / "db_other_application.sqlite"
    with sqlite3.connect(other) as db:
        db.executescript("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users VALUES (1, 'x');"
                         "CREATE TABLE orders (id INTEGER, total REAL);")
    db.close()
    c.add("db_other_application.sqlite", "databases", None, _rejected(None, "not a CTADIRAC ProvenanceDB"),
          group="other")
    missing = c.folder / "db_missing_column.sqlite"
    provdb(missing, [(1, "act-1", "run", "2024-05-14T08:00:00Z", "2024-05-14T08:20:00Z")])
    with sqlite3.connect(missing) as db:
        db.executescript("DROP TABLE agents; CREATE TABLE agents (internal_key INTEGER PRIMARY KEY, name VARCHAR);")
    db.close()
    c.add("db_missing_column.sqlite", "databases", None, _rejected(None, "agents", "id"), group="other")
    typed = c.folder / "db_wrong_types.sqlite"
    provdb(typed, [(1, 12345, 67.5, "yesterday", b"\x00\x01binary"), (2, "act-ok", "run", "2024-05-14T08:00:00Z",
                                                                       "2024-05-14T08:20:00Z")])
    c.add("db_wrong_types.sqlite", "databases", None, _rejected(0, "yesterday", stored=1), group="other")
    (c.folder / "db_text.txt").write_text("this is not a database\n" * 20)
    c.add("sqlite:///{folder}/db_text.txt", "databases", None, _rejected(None, "cannot read the database"),
          kind="url", group="other")
    c.add("sqlite:///{folder}/db_missing.sqlite", "databases", None, _rejected(None, "cannot read the database"),
          kind="url", group="other")
    c.add("postgresql://nobody@127.0.0.1:9/provdb", "databases", None, _rejected(None, "cannot read the database"),
          kind="url", group="other")
    c.add("db_forced_on_json.json", "databases", _json(provjson({"ex:a": {}})),
          _rejected(None, "cannot read the database"), format="provdb", group="other")


# -- code ----------------------------------------------------------------------------------------


def _code(c: _Corpus) -> None:
    touch = f"__import__('os').system('touch {c.marker}')"
    payloads = [
        f"{{'activity_id': {touch}, 'endTime': '2020-04-21T13:05:12'}}",
        f"{{'activity_id': '8a2f3c', 'parameters': {{'p': eval({touch!r})}}}}",
        f"{{'activity_id': '8a2f3c', 'parameters': {{'p': (lambda: {touch})()}}}}",
        f"{{'entity_id': 'x', 'location': PosixPath({touch})}}",
        "{'activity_id': '8a2f3c', 'parameters': {'p': [c for c in ().__class__.__base__.__subclasses__()]}}",
        f"{{'activity_id': '8a2f3c', 'parameters': {{'p': f\"{{{touch}}}\"}}}}",
        f"{{'activity_id': '8a2f3c', 'parameters': {{'p': exec({touch!r})}}}}",
        "{'activity_id': '8a2f3c', 'parameters': {'p': open('/etc/passwd').read()}}",
        f"{{'activity_id': '8a2f3c', 'parameters': {{'p': (x := {touch})}}}}",
    ]
    for index, payload in enumerate(payloads):
        c.add(f"code_gammapy_{index}.log", "code", gammapy_log(extra=_gammapy_line("2020-04-21T13:05:10.119", payload)),
              _rejected(None, "not a Python literal", line=4, stored=2, absent=(PASSWD,)), group="logs")
    c.add("code_gammapy_2019.log", "code", "INFO:gammapy.utils.provenance.provenance:_PROV_2019-10-07T11:20:05.88"
          f"4436_PROV({{'activity_id': '945', 'activity_name': {touch}, 'startTime': '2019-10-07T11:20:05'}})\n",
          _rejected(None, "not a Python literal", line=1), group="logs")
    c.add("code_logprov.log", "code", "2021-03-02 16:41:07,220 INFO [logprov] _PROV_2021-03-02T16:41:07.220113_PROV_"
          f"{{'session_id': {touch}, 'module': 'gammapy.analysis.core', 'class': 'Analysis'}}\n",
          _rejected(None, "not a Python literal", line=1), group="logs")
    c.add("code_ctapipe_repr.provenance.txt", "code",
          f"[{{'activity_name': 'ctapipe-process', 'activity_uuid': {touch}}}]",
          _rejected(0, "invalid Python repr"), group="logs")
    for index, tag in enumerate((f"!!python/object/apply:os.system ['touch {c.marker}']",
                                 "!!python/name:os.system", f"!!python/object/new:subprocess.Popen [['touch', "
                                 f"'{c.marker}']]")):
        c.add(f"code_definition_{index}.yaml", "code", f"activities:\n  run_fit:\n    description: {tag}\n",
              _rejected(None, "not valid YAML", "python"), kind="definition", group="other")
    c.add("code_definition_alias_bomb.yaml", "code", "activities:\n  run_fit:\n    parameters: &a9 " + "".join(
        f"\n    x{i}: &a{8 - i} [" + ", ".join([f"*a{9 - i}"] * 9) + "]" for i in range(9)).replace(
        "&a9 ", "&a9 [{name: p}]", 1) + "\n", _rejected(None, "alias"), kind="definition", group="guarded")


# -- JSON-LD contexts ----------------------------------------------------------------------------


def _jsonld_remote(c: _Corpus) -> None:
    url = c.loopback
    node = [{"@id": "http://example.org/hostile/a", "@type": PROV + "Activity"}]
    contexts = [
        ("string", f"{url}/context.jsonld", f"{url}/context.jsonld"),
        ("list", [{"prov": PROV}, f"{url}/list.jsonld"], f"{url}/list.jsonld"),
        ("import", {"@import": f"{url}/import.jsonld", "prov": PROV}, f"{url}/import.jsonld"),
        ("scoped", {"prov": PROV, "ex:p": {"@id": "http://example.org/p", "@context": f"{url}/scoped.jsonld"}},
         f"{url}/scoped.jsonld"),
        ("file", "file:///etc/passwd", "file:///etc/passwd"),
        ("relative", "context.jsonld", "context.jsonld"),
    ]
    for label, context, named in contexts:
        document = {"@context": context, "@graph": node}
        c.add(f"jsonld_context_{label}.jsonld", "jsonld-remote", _json(document),
              _rejected(None, "context", named, "not fetched", absent=(PASSWD,), reader="jsonld"), group="w3c")
    nested = {"@context": {"prov": PROV}, "@graph": [{"@id": "http://example.org/hostile/b", "@type": "prov:Activity",
                                                     "@context": f"{url}/node.jsonld"}]}
    c.add("jsonld_context_in_node.jsonld", "jsonld-remote", _json(nested),
          _rejected(None, "context", f"{url}/node.jsonld", "not fetched"), group="w3c")
    provjsonld = json.loads(_read("w3c/plain.provjsonld"))
    provjsonld["@context"].append(f"{url}/extra.jsonld")
    c.add("jsonld_provjsonld_extra.jsonld", "jsonld-remote", _json(provjsonld),
          _rejected(None, "context", f"{url}/extra.jsonld", "not fetched"), group="w3c")
    vocab = {"@context": {"@vocab": f"{url}/vocab#", "prov": PROV}, "@graph": [
        {"@id": "http://example.org/hostile/v", "@type": "prov:Activity", "note": "a term in a remote vocabulary"}]}
    c.add("jsonld_vocab_url.jsonld", "jsonld-remote", _json(vocab),
          Expect(stored=1, present=(f"{url}/vocab#note",), reader="jsonld"), group="w3c")


def main(argv: list[str]) -> None:
    """Write the corpus into the folder ``argv[1]`` and list its cases by category."""
    folder = Path(argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    cases = generate(folder)
    for category in CATEGORIES:
        print(f"{category}: {sum(1 for case in cases if case.category == category)}")
    print(f"total: {len(cases)}")


if __name__ == "__main__":
    main(sys.argv)

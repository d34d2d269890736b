"""Reader of ctapipe Tool provenance logs: one record per activity (one Tool run).

A log holds one array of activities per run, appended with no separator
(``][`` or ``]\\n[``), as pretty-printed JSON or as a Python ``repr`` (the
form CTADIRAC jobs saved). Tools older than ctapipe 0.9 wrote no file but a
log line ``PROVENANCE: '<json>'`` among their other log output; both are read.

Arrays are read one element at a time, so a log cut off mid-write still
gives every complete activity before the cut, and one bad activity is
reported as a :class:`~provrdf.errors.ParseError` without losing the others.

>>> sniff('[\\n  {\\n    "activity_name": "ctapipe-process",')
True
>>> sniff('{"prefix": {"ex": "http://example.org/"}, "activity": {}}')
False
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from provrdf.capture.facts import as_dict, flatten_config, system_facts, time_or_text
from provrdf.capture.files import file_entity_id, file_path, product_entity_id
from provrdf.capture.safe import decode
from provrdf.capture.scan import ScanError, Unreadable, array_elements, concatenated_arrays, line_of, value_at
from provrdf.errors import ParseError, ReadWarning
from provrdf.model import (
    Activity,
    ActivityDescription,
    Agent,
    Association,
    Attribution,
    ConfigFile,
    Entity,
    Generation,
    Parameter,
    Record,
    Usage,
)
from provrdf.timeutil import parse_time

__all__ = ["REFERENCE_KEYS", "activity_record", "read", "reference_facts", "sniff"]

#: The pre-0.9 log-line marker, up to the start of the JSON it announces.
_MARKER = re.compile(r"PROVENANCE:\s*'?\s*(?=[\[{])")
#: The start of an array of activities (or of an empty array).
_ARRAY_START = re.compile(r"\s*\[\s*(\]|\{)")
#: An activity key, JSON or repr quoted.
_ACTIVITY_KEY = re.compile(r"""(["'])activity_(name|uuid)\1\s*:""")
#: How far after the start the first activity key must appear for :func:`sniff`.
_SNIFF_WINDOW = 4096

#: The CTAO reference metadata keys mapped to ``ctao:`` terms (camel-cased).
REFERENCE_KEYS = tuple(
    "CTA " + key
    for key in (
        "PRODUCT ID", "PRODUCT DESCRIPTION", "PRODUCT CREATION TIME", "PRODUCT DATA CATEGORY",
        "PRODUCT DATA LEVELS", "PRODUCT DATA ASSOCIATION", "PRODUCT DATA MODEL NAME",
        "PRODUCT DATA MODEL VERSION", "PRODUCT DATA MODEL URL", "PRODUCT FORMAT",
        "PROCESS TYPE", "PROCESS SUBTYPE", "PROCESS ID",
        "ACTIVITY NAME", "ACTIVITY TYPE", "ACTIVITY ID", "ACTIVITY START TIME",
        "ACTIVITY SOFTWARE NAME", "ACTIVITY SOFTWARE VERSION",
        "INSTRUMENT SITE", "INSTRUMENT CLASS", "INSTRUMENT TYPE", "INSTRUMENT SUBTYPE",
        "INSTRUMENT VERSION", "INSTRUMENT ID",
        "CONTACT ORGANIZATION", "CONTACT NAME", "CONTACT EMAIL", "REFERENCE VERSION",
    )
)
_TIME_KEYS = ("CTA PRODUCT CREATION TIME", "CTA ACTIVITY START TIME")
#: Contact values ctapipe writes when nobody configured one.
_NO_CONTACT = {"", "unknown", "unknown@example.org"}
#: Local id of the organisation every ctapipe activity is associated with.
_CTAO = "CTAO"
#: The keys of an activity that are read (FORMATS.md §1); any other is named in a warning.
_ACTIVITY_KEYS = frozenset({"activity_name", "activity_uuid", "status", "exit_code", "start", "stop", "input",
                            "output", "system", "config", "duration_min"})


def sniff(head: str) -> bool:
    """Whether ``head`` (the start of a file) looks like a ctapipe provenance log.

    Parameters
    ----------
    head
        The first characters of the file.

    Returns
    -------
    bool
        True for a JSON or repr array of ctapipe activities, or for log text
        with a ``PROVENANCE:`` line announcing one.
    """
    text = head.lstrip("\ufeff")
    if _ARRAY_START.match(text):
        return bool(_ACTIVITY_KEY.search(text, 0, _SNIFF_WINDOW))
    match = _MARKER.search(text)
    return bool(match and _ACTIVITY_KEY.search(text, match.end(), match.end() + _SNIFF_WINDOW))


def read(path: Path) -> Iterator[Record | ParseError | ReadWarning]:
    """Yield one record per activity of the log at ``path``, in file order.

    An activity that cannot be mapped (not an object, no uuid or name, a bad
    time, nested too deeply, a key given twice with two values, the uuid of
    an earlier activity of the log with other content) is yielded as a
    :class:`~provrdf.errors.ParseError` with its index, and reading goes on.
    Text that cannot be parsed (a log cut off mid-write) ends the reading
    with one ParseError giving the line where it breaks. A log not in UTF-8
    is read in the encoding it is in, with a
    :class:`~provrdf.errors.ReadWarning` when that was guessed.

    Parameters
    ----------
    path
        The provenance log.

    Raises
    ------
    OSError
        Only when the file cannot be read at all.
    """
    source = str(path)
    text, note = decode(Path(path).read_bytes())
    if note:
        yield ReadWarning(source, "encoding", f"the log is {note}")
    text = text.lstrip("\ufeff")
    index = 0
    seen: dict[str, tuple[int, str]] = {}  # uuid -> (index, digest of the activity)
    try:
        for activity in _activities(text):
            if isinstance(activity, Unreadable):
                yield ParseError(source, activity.message, record=index, line=line_of(text, activity.position))
                index += 1
                continue
            try:
                record = activity_record(activity, source, index)
            except (ValueError, TypeError) as error:
                yield ParseError(source, str(error), record=index)
            else:
                yield _once(record, activity, seen)
            index += 1
    except ScanError as error:
        message = f"{error.message}; the rest of the file is not read"
        yield ParseError(source, message, record=index, line=line_of(text, error.position))


def _once(record: Record, activity: dict, seen: dict[str, tuple[int, str]]) -> Record | ParseError:
    """``record``, unless an earlier activity of the log had its uuid and said something else."""
    digest = hashlib.sha256(json.dumps(activity, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    first = seen.setdefault(record.id.lower(), (record.index, digest))
    if first[1] == digest:
        return record
    return ParseError(record.source, f"activity_uuid {record.id} is also that of record {first[0]}, which says "
                      "other things about it; the first is kept", record=record.index)


def _activities(text: str) -> Iterator[Any]:
    """Every activity element of the log, whatever its layout; raises ScanError."""
    if _ARRAY_START.match(text) or not _MARKER.search(text):
        return concatenated_arrays(text)
    return _log_lines(text)


def _log_lines(text: str) -> Iterator[Any]:
    """The activities announced by ``PROVENANCE: '<json>'`` lines, wherever they are."""
    position = 0
    while match := _MARKER.search(text, position):
        start = match.end()
        if text[start] == "[":
            position = yield from array_elements(text, start)
        else:
            value, position = value_at(text, start)
            yield value


# -- one activity -> one record -------------------------------------------------


def activity_record(activity: Any, source: str = "<memory>", index: int = 0) -> Record:
    """The record of one ctapipe activity (one element of a provenance array).

    Parameters
    ----------
    activity
        The decoded activity dict.
    source, index
        Where it came from, kept on the record for messages.

    Raises
    ------
    ValueError
        When the activity is not a dict, lacks ``activity_uuid`` or
        ``activity_name``, or has a start/stop time that is not ISO 8601.
    """
    if not isinstance(activity, dict):
        raise ValueError(f"an activity must be an object, found {type(activity).__name__}")
    uuid, name = _required(activity, "activity_uuid"), _required(activity, "activity_name")
    system = as_dict(activity.get("system"))
    version = system.get("ctapipe_version")
    version = str(version) if version not in (None, "") else None
    description = ActivityDescription(id=f"{name}/{version}" if version else name, name=name, version=version)
    notes: list[tuple[str, str]] = []
    main = Activity(
        id=uuid,
        name=name,
        start=_time(activity, "start"),
        end=_time(activity, "stop"),
        description=description.id,
        extra=_run_facts(activity, notes),
        system=system_facts(system),
    )
    record = Record(id=uuid, source=source, index=index, activities=[main])
    record.activity_descriptions.append(description)
    record.warnings += notes
    builder = _Builder(record, main)
    for item in _files(activity.get("input")):
        builder.add_input(*item)
    for item in _files(activity.get("output")):
        builder.add_output(*item)
    if isinstance(activity.get("config"), dict):
        record.parameters = [Parameter(uuid, key, value) for key, value in flatten_config(activity["config"])]
    builder.add_agents(version, system.get("environment"))
    unread = [key for key in activity if key not in _ACTIVITY_KEYS]
    if unread:
        record.warnings.append(("activity keys not read", (
            f"the activity has keys provrdf does not read, not kept: {', '.join(map(repr, unread))}")))
    return record


def reference_facts(meta: dict) -> dict[str, Any]:
    """The CTAO reference metadata of a file as ``ctao:`` facts.

    Each key of :data:`REFERENCE_KEYS` becomes a camel-cased term
    (``"CTA PRODUCT DATA LEVELS"`` → ``ctao:productDataLevels``, one value
    per level); the whole dict, unknown keys included, is kept as
    ``ctao:referenceMeta``.

    >>> reference_facts({"CTA PRODUCT DATA LEVELS": "DL1_IMAGES,DL1_PARAMETERS"})["ctao:productDataLevels"]
    ['DL1_IMAGES', 'DL1_PARAMETERS']
    """
    facts: dict[str, Any] = {}
    for key in REFERENCE_KEYS:
        value = meta.get(key)
        if value is None or value == "":
            continue
        if key == "CTA PRODUCT DATA LEVELS":
            value = _levels(value)
        elif key in _TIME_KEYS:
            value = time_or_text(value)
        facts["ctao:" + _camel(key[4:])] = value
    if meta:
        facts["ctao:referenceMeta"] = meta
    return facts


class _Builder:
    """Adds the files and agents of one activity to its record, without duplicates."""

    def __init__(self, record: Record, activity: Activity) -> None:
        self.record, self.activity = record, activity.id
        self.entities: dict[str, Entity] = {}
        self.generated: set[str] = set()
        self.contact: dict = {}
        self.products: dict[str, str | None] = {}  #: product id -> the url of the first file that carried it

    def add_input(self, url: str | None, role: str | None, meta: dict) -> None:
        """An input: used by this run. Who made it is the producing run's own record to say: the
        ``CTA ACTIVITY ID`` of its metadata is kept as a fact (``ctao:activityId``), never a generation."""
        if _is_config(role) and url:
            config = ConfigFile(self.activity, name=_basename(url), location=url)
            if config not in self.record.config_files:
                self.record.config_files.append(config)
            return
        entity = self._entity(url, meta)
        usage = Usage(self.activity, entity, role=role)
        if usage not in self.record.usages:
            self.record.usages.append(usage)

    def add_output(self, url: str | None, role: str | None, meta: dict) -> None:
        """An output: generated by this run, whatever its (often copied) metadata claims."""
        entity = self._entity(url, meta)
        producer = _producer(meta)
        if producer and producer.lower() != self.activity.lower():
            self.record.warnings.append(("claim disagrees with the record", (
                f"the reference metadata of the output {url or entity} names the activity {producer} as its "
                f"producer (CTA ACTIVITY ID, often copied from an input); the record says this run "
                f"({self.activity}) generated it, and that is stored; the claim is kept as ctao:activityId")))
        self._generation(entity, self.activity, role)
        attribution = Attribution(entity, _CTAO)
        if attribution not in self.record.attributions:
            self.record.attributions.append(attribution)
        if not self.contact and any(str(key).startswith("CTA CONTACT") for key in meta):
            self.contact = meta

    def add_agents(self, version: str | None, environment: Any) -> None:
        record, activity = self.record, self.activity
        software = Agent(
            id=f"software/ctapipe/{version}" if version else "software/ctapipe",
            name=f"ctapipe {version}" if version else "ctapipe",
            type="SoftwareAgent",
        )
        record.agents += [Agent(id=_CTAO, name=_CTAO, type="Organization"), software]
        record.associations += [Association(activity, _CTAO, "Provider"), Association(activity, software.id)]
        user = environment.get("USER") if isinstance(environment, dict) else None
        name = _contact(self.contact.get("CTA CONTACT NAME")) or _contact(user)
        if name:
            person = Agent(
                id=f"person/{name}",
                name=name,
                type="Person",
                email=_contact(self.contact.get("CTA CONTACT EMAIL")),
                affiliation=_contact(self.contact.get("CTA CONTACT ORGANIZATION")),
            )
            record.agents.append(person)
            record.associations.append(Association(activity, person.id, "Operator"))

    def _entity(self, url: str | None, meta: dict) -> str:
        """The local id of a file: its product id, else its path (also when another file of the
        record already has that product id: copied metadata must not merge two files)."""
        product = meta.get("CTA PRODUCT ID")
        local = file_entity_id(file_path(url or ""))
        if isinstance(product, str) and product.strip():
            claimed = product_entity_id(product)
            first = self.products.setdefault(claimed, url)
            if first == url or not url or not first:
                local = claimed
            else:
                self.record.warnings.append(("product id claimed twice", (
                    f"the files {first} and {url} both carry the CTA PRODUCT ID {product.strip()} (copied "
                    f"metadata?); the second is identified by its path, its claimed id kept as ctao:productId")))
        created = meta.get("CTA PRODUCT CREATION TIME")
        new = Entity(
            id=local,
            kind="dataset",
            name=_basename(url) if url else None,
            location=url,
            generated_at=_time_or_none(created),
            extra=reference_facts(meta),
        )
        old = self.entities.get(local)
        if old is None:
            self.entities[local] = new
            self.record.entities.append(new)
        else:
            _merge(old, new)
        return local

    def _generation(self, entity: str, activity: str, role: str | None) -> None:
        if entity in self.generated:
            return
        self.generated.add(entity)
        self.record.generations.append(Generation(entity, activity, role=role))


# -- small readers of fields ----------------------------------------------------


def _required(activity: dict, key: str) -> str:
    value = activity.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"activity has no {key}")
    return value.strip()


def _time(activity: dict, key: str) -> datetime | None:
    block = activity.get(key)
    value = block.get("time_utc") if isinstance(block, dict) else None
    if value is None:
        return None
    try:
        return parse_time(str(value))
    except ValueError:
        raise ValueError(f"{key}.time_utc is not an ISO 8601 time: {value!r}") from None


def _time_or_none(value: Any) -> datetime | None:
    moment = time_or_text(value)
    return None if isinstance(moment, str) else moment


def _run_facts(activity: dict, notes: list[tuple[str, str]]) -> dict[str, Any]:
    """The status, exit code and duration of a run; a value that is none of these is said in ``notes``."""
    facts: dict[str, Any] = {}
    if isinstance(activity.get("status"), str):
        facts["ctao:status"] = activity["status"]
    code = activity.get("exit_code")
    if isinstance(code, int) and not isinstance(code, bool):
        facts["ctao:exitCode"] = code
    elif isinstance(code, str) and code.strip().lstrip("-").isdigit():
        facts["ctao:exitCode"] = int(code)
    elif code is not None:
        notes.append(("value not kept", f"the activity's exit_code {code!r} is no integer; it is not kept"))
    duration = activity.get("duration_min")
    if isinstance(duration, (int, float)) and not isinstance(duration, bool) and math.isfinite(duration):
        facts["ctao:durationMinutes"] = float(duration)
    elif duration is not None:
        notes.append(("value not kept", f"the activity's duration_min {duration!r} is no duration; it is not kept"))
    return facts


def _files(items: Any) -> Iterator[tuple[str | None, str | None, dict]]:
    """``(url, role, reference_meta)`` of each usable input/output item."""
    for item in items if isinstance(items, list) else []:
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict):
            continue
        url, role = item.get("url"), item.get("role")
        meta = as_dict(item.get("reference_meta"))
        url = str(url) if url not in (None, "") else None
        if url is None and not meta.get("CTA PRODUCT ID"):
            continue
        yield url, (str(role) if role is not None else None), meta


def _is_config(role: str | None) -> bool:
    """``"Tool Configuration"`` in any case, or a 2019-style role naming a config."""
    return role is not None and "config" in role.lower()


def _producer(meta: dict) -> str | None:
    value = meta.get("CTA ACTIVITY ID")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _contact(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip().lower() not in _NO_CONTACT else None


def _levels(value: Any) -> list[str]:
    parts = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return [str(part).strip() for part in parts if str(part).strip()]


def _camel(words: str) -> str:
    head, *rest = words.lower().split()
    return head + "".join(word.capitalize() for word in rest)


def _basename(url: str) -> str:
    """The file name of a recorded url or path."""
    return os.path.basename(os.path.normpath(file_path(url))) or url


def _merge(old: Entity, new: Entity) -> None:
    """Complete ``old`` with what ``new`` knows and it does not."""
    for attr in ("name", "location", "generated_at"):
        if getattr(old, attr) is None:
            setattr(old, attr, getattr(new, attr))
    for key, value in new.extra.items():
        old.extra.setdefault(key, value)

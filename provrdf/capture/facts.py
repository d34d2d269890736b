"""Facts every run records, as the readers keep them: the system block, the configuration, times.

>>> flatten_config({"Tool": {"n": 3, "name": "x", "opts": {}}})
[('Tool.n', '3'), ('Tool.name', 'x'), ('Tool.opts', '{}')]
"""

from __future__ import annotations

import json
import shlex
from datetime import datetime, timezone
from typing import Any

from provrdf.timeutil import parse_time

__all__ = ["as_dict", "as_list", "flatten_config", "system_facts", "time_or_text"]


def flatten_config(config: dict, prefix: str = "") -> list[tuple[str, str]]:
    """One ``(dotted name, value text)`` pair per leaf setting of a nested configuration.

    Strings are kept as they are; every other value (numbers, booleans,
    ``None``, lists) is written as JSON with sorted keys. An empty dict is a
    leaf of its own (``"{}"``), so that no setting disappears.

    Parameters
    ----------
    config
        The nested configuration, e.g. ``{"ProcessorTool": {"progress_bar": True}}``.
    prefix
        Dotted name of ``config`` itself (empty at the top).

    Returns
    -------
    list of (str, str)
        The leaves, in the order of the configuration.
    """
    leaves: list[tuple[str, str]] = []
    for key, value in config.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict) and value:
            leaves.extend(flatten_config(value, name))
        elif isinstance(value, str):
            leaves.append((name, value))
        else:
            leaves.append((name, json.dumps(value, sort_keys=True, default=str)))
    return leaves


def time_or_text(value: Any) -> datetime | str | None:
    """A recorded time as a UTC datetime when it can be read, else as it was written.

    Numbers are Unix times; text is ISO 8601 (zone-less means UTC).

    >>> time_or_text("2023-05-02 09:14:03.250")
    datetime.datetime(2023, 5, 2, 9, 14, 3, 250000, tzinfo=datetime.timezone.utc)
    >>> time_or_text("yesterday")
    'yesterday'
    """
    if isinstance(value, bool) or value is None:
        return None
    try:
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value, tz=timezone.utc)
        return parse_time(str(value))
    except (ValueError, OverflowError, OSError):
        return str(value)


def system_facts(system: dict) -> dict[str, Any]:
    """The facts of a ctapipe-style ``system`` block under ``ctao:`` names.

    The block is the one ctapipe (and the gammapy prototype) record for every
    run: software versions, command line, platform, Python and environment.
    Missing or ``None`` values are left out; the whole block is also kept,
    unchanged, as ``ctao:systemJSON``.

    Parameters
    ----------
    system
        The ``system`` dict as recorded.

    Returns
    -------
    dict
        ``{"ctao:term": value}``; a list value stands for several facts.
    """
    platform = as_dict(system.get("platform"))
    python = as_dict(system.get("python"))
    facts: dict[str, Any] = {
        "ctao:ctapipeVersion": _text(system.get("ctapipe_version")),
        "ctao:ctapipeResourcesVersion": _text(system.get("ctapipe_resources_version")),
        "ctao:eventioVersion": _text(system.get("eventio_version")),
        "ctao:executable": _text(system.get("executable")),
        "ctao:arguments": _command_line(system.get("arguments")),
        "ctao:startTime": time_or_text(system.get("start_time_utc")),
        "ctao:hostName": _text(platform.get("node")),
        "ctao:operatingSystem": _text(platform.get("system")),
        "ctao:osRelease": _text(platform.get("release")),
        "ctao:machine": _text(platform.get("machine")),
        "ctao:nCpus": _count(platform.get("n_cpus", platform.get("num_cpus"))),
        "ctao:libcVersion": _joined(platform.get("libcver"), " "),
        "ctao:bootTime": time_or_text(platform.get("boot_time")),
        "ctao:pythonVersion": _joined(python.get("version"), "."),
        "ctao:pythonImplementation": _text(python.get("implementation")),
        "ctao:pythonPackage": _packages(python.get("packages")),
        "ctao:environment": as_dict(system.get("environment")) or None,
        "ctao:systemJSON": system or None,
    }
    return {name: value for name, value in facts.items() if value not in (None, "", [])}


def as_dict(value: Any) -> dict:
    """``value`` when it is a dict, else an empty one (a block a tool left out or wrote as something else).

    >>> as_dict({"a": 1}), as_dict(None), as_dict([1])
    ({'a': 1}, {}, {})
    """
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    """``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else json.dumps(value, default=str)


def _count(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def _joined(value: Any, separator: str) -> str | None:
    if isinstance(value, (list, tuple)):
        return separator.join(str(part) for part in value if part not in (None, "")) or None
    return _text(value)


def _command_line(argv: Any) -> str | None:
    """The argv list as one shell-quoted command line (``shlex.split`` gives it back)."""
    if isinstance(argv, (list, tuple)):
        return shlex.join(str(arg) for arg in argv) or None
    return _text(argv)


def _packages(packages: Any) -> list[str]:
    if not isinstance(packages, list):
        return []
    found = []
    for package in packages:
        if isinstance(package, dict) and package.get("name"):
            version = package.get("version")
            found.append(f"{package['name']} {version}" if version else str(package["name"]))
        elif isinstance(package, str):
            found.append(package)
    return found

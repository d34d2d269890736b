"""The ``system`` block of a tracer session: platform, Python, packages, command line."""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any

__all__ = ["ENVIRONMENT", "PACKAGES", "system_info"]

#: Packages whose versions the session's system block records, when installed.
PACKAGES = ("numpy", "scipy", "astropy", "regions", "iminuit", "gammapy", "ctapipe", "provrdf")
#: Environment variables the system block records (no secrets: a fixed list).
ENVIRONMENT = ("CONDA_DEFAULT_ENV", "CONDA_PREFIX", "VIRTUAL_ENV", "USER", "HOME", "HOSTNAME")


def system_info(packages: Iterable[str] = PACKAGES) -> dict[str, Any]:
    """The ctapipe-like ``system`` block of this process: platform, Python, packages, command line.

    >>> block = system_info(["provrdf"])
    >>> block["python"]["packages"][0]["name"], sorted(block["platform"])[:3]
    ('provrdf', ['architecture_bits', 'libcver', 'machine'])
    """
    found = []
    for name in packages:
        try:
            found.append({"name": name, "version": version(name)})
        except PackageNotFoundError:
            continue
    return {
        "executable": sys.executable,
        "arguments": list(sys.argv),
        "start_time_utc": datetime.now(timezone.utc).replace(tzinfo=None).isoformat(timespec="milliseconds"),
        "platform": {
            "architecture_bits": f"{8 * tuple.__itemsize__}bit",
            "libcver": list(platform.libc_ver()),
            "machine": platform.machine(),
            "node": platform.node(),
            "n_cpus": os.cpu_count(),
            "release": platform.release(),
            "system": platform.system(),
            "version": platform.version(),
        },
        "python": {
            "version_string": sys.version,
            "version": list(platform.python_version_tuple()),
            "implementation": platform.python_implementation(),
            "packages": found,
        },
        "environment": {key: os.environ.get(key) for key in ENVIRONMENT},
    }

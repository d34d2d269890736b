"""Graphviz's ``dot`` program for the picture tests (SVG and PNG).

:func:`dot_program` finds ``dot`` on ``PATH``; when it is missing and the
tests run as root, it installs Debian's ``graphviz`` package with apt-get.
Otherwise it raises :class:`GraphvizUnavailable` saying what to install:
the tests that need ``dot`` then fail, they are never skipped.

(Not named ``graphviz.py``: ``tests`` is on ``sys.path`` during the tests,
and that name would hide the ``graphviz`` package.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["GraphvizUnavailable", "dot_program"]

#: apt-get waits this long for a dpkg lock held by another install.
LOCK_TIMEOUT = 300


class GraphvizUnavailable(RuntimeError):
    """Graphviz's ``dot`` cannot be found or installed; the message says what to do."""


def dot_program() -> Path:
    """The path of ``dot``, installing Debian's ``graphviz`` first when it is missing and we are root.

    Raises
    ------
    GraphvizUnavailable
        When ``dot`` is not on ``PATH`` and cannot be installed.
    """
    found = shutil.which("dot")
    if found:
        return Path(found)
    if os.geteuid() != 0:
        raise GraphvizUnavailable(
            "the picture tests need Graphviz's `dot` program, which is not on PATH. Install Graphviz "
            "(Debian/Ubuntu: `sudo apt-get install graphviz`, conda: `conda install -c conda-forge graphviz`, "
            "macOS: `brew install graphviz`) and run the tests again."
        )
    _install()
    found = shutil.which("dot")
    if not found:
        raise GraphvizUnavailable("the Debian graphviz package is installed but `dot` is not on PATH")
    return Path(found)


def _install() -> None:
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    lock = f"DPkg::Lock::Timeout={LOCK_TIMEOUT}"
    for command in (["apt-get", "-o", lock, "update"],
                    ["apt-get", "-o", lock, "install", "-y", "--no-install-recommends", "graphviz"]):
        try:
            done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise GraphvizUnavailable(
                "the picture tests need Graphviz's `dot` program; it is not on PATH and apt-get is not "
                "available to install it. Install Graphviz and run the tests again."
            ) from None
        if done.returncode != 0:
            raise GraphvizUnavailable(f"`{' '.join(command)}` failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")

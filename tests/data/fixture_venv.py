"""The outside half of every two-sided fixture script in ``tests/data/*/make.py``.

A fixture script runs twice: *outside*, under any Python, it makes (or reuses)
a throw-away virtual environment with the tool pinned, then runs itself
*inside* that environment with ``--inside`` and a scratch folder, and copies
what the tool wrote back beside itself. Only the standard library is used and
the syntax stays Python 3.8's: the inside half of logprov's script runs on 3.8.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

#: Where the pinned environments live (kept between runs).
VENVS = Path(os.environ.get("PROVRDF_FIXTURE_VENVS", "/tmp/provrdf-fixture-venvs"))

#: The environment every inside run starts from: a fixed path and locale, and
#: a fixed hash seed (prov keeps attributes in sets, the seed fixes their order).
BASE_ENV = {"LANG": "C.UTF-8", "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1"}


def ensure_venv(name: str, base_python: str, pins: Sequence[str]) -> Path:
    """The Python of the environment ``VENVS/name`` holding exactly ``pins``, made if missing or stale."""
    venv = VENVS / name
    python = venv / "bin" / "python"
    stamp = venv / "pins.txt"
    if python.exists() and stamp.exists() and stamp.read_text() == "\n".join(pins):
        return python
    if venv.exists():
        shutil.rmtree(venv)
    VENVS.mkdir(parents=True, exist_ok=True)
    subprocess.run([base_python, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *pins], check=True)
    stamp.write_text("\n".join(pins))
    return python


@contextlib.contextmanager
def inside_run(python: Path, script: str, work_variable: str, args: Sequence[str] = (),
               env: Mapping[str, str] | None = None) -> Iterator[Path]:
    """Run ``script --inside *args`` with ``python`` in a scratch folder; yield the folder.

    The folder's path is given to the script in the environment variable
    ``work_variable``; it is removed when the ``with`` block ends.
    """
    prefix = Path(script).resolve().parent.name + "-run-"
    with tempfile.TemporaryDirectory(prefix=prefix) as work:
        run_env = {"PATH": f"{python.parent}:/usr/bin:/bin", **BASE_ENV, **(env or {}), work_variable: work}
        script_path = Path(script).resolve()
        subprocess.run([str(python), script_path.name, "--inside", *args],
                       cwd=script_path.parent, env=run_env, check=True)
        yield Path(work)


def copy_back(work: Path, here: Path, names: Iterable[str]) -> None:
    """Copy each of ``names`` from ``work`` into ``here``, saying what was written."""
    for name in names:
        shutil.copyfile(work / name, here / name)
        print("wrote", here / name, (here / name).stat().st_size, "bytes")

"""What the README says is what the commands print: every ``console`` example is run and compared.

The examples run in the README's order, in one shell each, from the
checkout's top folder, on one store of their own (``PROVRDF_STORE``), so an
example may use what an earlier one stored. Output is compared line by
line; the only liberty is the folder of the installed package, which the
README writes ``…/site-packages/provrdf``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import provrdf

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)


def examples(text: str) -> list[tuple[str, list[str]]]:
    """The ``(command, expected output lines)`` of every console block, in order."""
    found: list[tuple[str, list[str]]] = []
    for block in _BLOCK.findall(text):
        lines = block.splitlines()
        index = 0
        while index < len(lines):
            assert lines[index].startswith("$ "), f"a console block line that is no command: {lines[index]!r}"
            command = lines[index][2:]
            index += 1
            while command.count('"') % 2 or command.endswith("\\"):  # a quoted SPARQL query over several lines
                command += "\n" + lines[index]
                index += 1
            output = []
            while index < len(lines) and not lines[index].startswith("$ "):
                output.append(lines[index].rstrip())
                index += 1
            found.append((command, output))
    return found


def test_the_readme_has_examples():
    commands = [command.split()[1] for command, _ in examples(README.read_text(encoding="utf-8"))]
    assert {"demo", "ingest", "validate", "query", "lineage"} <= set(commands)


def test_every_console_example_prints_what_the_readme_says(tmp_path):
    env = {**os.environ, "PROVRDF_STORE": str(tmp_path / "provstore"), "PYTHONUNBUFFERED": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}", "COLUMNS": "200"}
    package = str(Path(provrdf.__file__).resolve().parent)
    for command, expected in examples(README.read_text(encoding="utf-8")):
        done = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)
        printed = [line.rstrip().replace(package, "…/site-packages/provrdf").replace(env["PROVRDF_STORE"], "provstore")
                   for line in done.stdout.splitlines()]
        assert printed == expected, f"$ {command}\n" + "\n".join(printed)

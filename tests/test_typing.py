"""The package is typed: ``mypy provrdf``, with the settings of ``pyproject.toml``, finds nothing."""

from __future__ import annotations

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_issue():
    out, err, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), str(ROOT / "provrdf")])
    assert status == 0, out + err
    assert "Success: no issues found" in out


def test_the_package_says_it_is_typed():
    assert (ROOT / "provrdf" / "py.typed").is_file()

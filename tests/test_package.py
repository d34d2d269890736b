"""The package's face: what ``import provrdf`` offers, and that it hides no module."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import provrdf


def test_no_public_name_hides_a_sub_module():
    modules = {info.name for info in pkgutil.iter_modules(provrdf.__path__)}
    assert {"pipeline", "walk", "serializers", "shacl", "api"} <= modules
    assert not set(provrdf.__all__) & modules
    for name in modules:  # each sub-module is reachable under its own name
        assert importlib.import_module(f"provrdf.{name}").__name__ == f"provrdf.{name}"


def test_every_public_name_is_documented_and_callable_where_it_is_a_function():
    for name in provrdf.__all__:
        value = getattr(provrdf, name)
        if name != "__version__":
            assert callable(value) and value.__doc__, name


def _loaded_by(statement: str) -> set[str]:
    """The top-level modules a fresh interpreter has loaded after ``statement``."""
    code = f"import sys; {statement}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    return set(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.split())


def test_the_command_line_starts_without_the_heavy_engines():
    """``provrdf --help`` loads neither the SHACL engine nor rdflib nor the PROV model (they load with the command
    that needs them); the API names of ``import provrdf`` are bound when first used."""
    for statement in ("import provrdf.cli", "import provrdf", "import provrdf.api"):
        assert not {"pyshacl", "rdflib", "prov", "astropy", "sqlalchemy", "lxml"} & _loaded_by(statement), statement
    assert "pyshacl" in _loaded_by("import provrdf; provrdf.ingest(provrdf.open_store(':memory:'), [])")


def test_the_command_line_help_lists_every_command():
    result = subprocess.run([sys.executable, "-m", "provrdf.cli", "--help"], check=True, capture_output=True, text=True)
    commands = result.stdout.split("Commands:")[1].split()
    assert {"ingest", "validate", "describe", "query", "lineage", "export", "check", "init", "demo"} <= set(commands)

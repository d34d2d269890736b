"""The package's face: what ``import provrdf`` offers, and that it hides no module."""

from __future__ import annotations

import importlib
import pkgutil

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

"""Where the ontology and the SHACL shapes are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["resource_dir", "ontology_files", "shape_files"]

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The ``ontology`` or ``shapes`` folder: inside the wheel, else beside the package."""
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"provrdf resource folder {name!r} is missing from the installation")


def ontology_files() -> list[Path]:
    """The Turtle files of provrdf's ontologies (voprov, ctao, provrdf)."""
    return sorted(resource_dir("ontology").glob("*.ttl"))


def shape_files() -> list[Path]:
    """The Turtle files of the SHACL shapes."""
    return sorted(resource_dir("shapes").glob("*.ttl"))

"""provrdf — a provenance store for astronomy pipelines.

Provenance captured by pipelines (ctapipe, gammapy, OPUS, DIRAC jobs) is read,
mapped to W3C PROV-O plus the IVOA Provenance Data Model, checked with SHACL
shapes and kept in a SPARQL store, from which it is given back as lineage,
SPARQL answers and W3C serializations.

The operations are in :mod:`provrdf.api` and re-exported here::

    import provrdf
    store = provrdf.open_store("./provstore")
    provrdf.ingest(store, ["ctapipe-process.provenance.log"])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from provrdf.version import __version__

# No sub-module is named like one of these functions (the pipeline is
# provrdf.pipeline, the lineage walk provrdf.walk, the writers
# provrdf.serializers, the SHACL checks provrdf.shacl), so binding them here
# hides no module. They are bound on first use: importing provrdf (or one
# of its light modules, as the command line does) loads no SHACL engine.
if TYPE_CHECKING:
    from provrdf.api import describe, export, format_results, ingest, lineage, open_store, query, validate

__all__ = ["__version__", "describe", "export", "format_results", "ingest", "lineage", "open_store", "query", "validate"]


def __getattr__(name: str) -> Any:
    """The operations of :mod:`provrdf.api`, imported when first asked for."""
    if name in __all__:
        from provrdf import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'provrdf' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

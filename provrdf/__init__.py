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

from typing import Any

__version__ = "0.1.0"

__all__ = ["open_store", "ingest", "validate", "query", "lineage", "export", "format_results", "__version__"]


def __getattr__(name: str) -> Any:
    # The API pulls in rdflib, pySHACL and pyoxigraph: load it on first use only.
    if name in __all__:
        from provrdf import api

        return getattr(api, name)
    raise AttributeError(f"module 'provrdf' has no attribute {name!r}")

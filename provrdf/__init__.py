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

# No sub-module is named like one of these functions (the pipeline is
# provrdf.pipeline, the lineage walk provrdf.walk, the writers
# provrdf.serializers, the SHACL checks provrdf.shacl), so binding them here
# hides no module.
from provrdf.api import (
    describe,
    export,
    format_results,
    ingest,
    lineage,
    open_store,
    query,
    validate,
)
from provrdf.version import __version__

__all__ = ["__version__", "describe", "export", "format_results", "ingest", "lineage", "open_store", "query", "validate"]

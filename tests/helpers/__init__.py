"""What the tests share: fixture data, records, and the real servers and programs some tests need.

Tests import from here, never from each other. Submodules:

* :mod:`helpers.records` — the fixture folders, the chain records, record look-ups;
* :mod:`helpers.readback` — reading exported documents back with their own readers;
* :mod:`helpers.ontology` — checking that quads use declared terms;
* :mod:`helpers.provdb_schema` — ProvenanceDB databases in both schema generations;
* :mod:`helpers.postgres`, :mod:`helpers.graphviz` — the PostgreSQL server and Graphviz the tests start or install.
"""

from helpers.records import (
    CAPTURE_SOURCES, CHAIN, DATA, DEMO, ENCODER, chain_record, fixtures, iri, one, triples, utc,
)

__all__ = [
    "CAPTURE_SOURCES", "CHAIN", "DATA", "DEMO", "ENCODER", "chain_record", "fixtures", "iri", "one", "triples", "utc",
]

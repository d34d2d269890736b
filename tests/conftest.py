"""Shared fixtures: stores (empty, the chain of :data:`helpers.CHAIN`, every capture source), servers."""

from __future__ import annotations

import pytest

from helpers import CAPTURE_SOURCES, CHAIN, chain_record
from provrdf.store import open_store


@pytest.fixture
def memory_store():
    """An empty in-memory store."""
    with open_store(":memory:") as store:
        yield store


@pytest.fixture
def chain_store(memory_store):
    """An in-memory store holding the three records of :data:`CHAIN`."""
    from provrdf.rdf.encode import Encoder

    encoder = Encoder(memory_store.base)
    for step in range(len(CHAIN)):
        memory_store.replace(encoder.encode(chain_record(step)).graphs)
    return memory_store


@pytest.fixture(scope="session")
def capture_store():
    """An in-memory store holding :data:`CAPTURE_SOURCES`, shared by the tests that only read it."""
    from provrdf.api import ingest

    with open_store(":memory:") as store:
        report = ingest(store, CAPTURE_SOURCES)
        assert report.ok, report.rejected
        yield store


@pytest.fixture(scope="session")
def postgres_url():
    """A SQLAlchemy URL of an empty database on a PostgreSQL server run for this test session.

    The server is started on 127.0.0.1 (see ``tests/helpers/postgres.py``); when it
    cannot be installed or started the tests that use it fail, they are not skipped.
    """
    from helpers.postgres import running_postgres

    with running_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def graphviz_dot():
    """The path of Graphviz's ``dot`` program, installed for this session when it is missing.

    See ``tests/helpers/graphviz.py``: when ``dot`` can be neither found nor
    installed, the tests that use it fail, they are not skipped.
    """
    from helpers.graphviz import dot_program

    return dot_program()

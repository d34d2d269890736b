"""Reader of a CTADIRAC ProvenanceDB: ProvDM rows in a relational database.

CTADIRAC kept the provenance of its grid jobs in a relational database
(PostgreSQL in production, SQLite in tests) with one table per ProvDM class
and relation. The database is read through SQLAlchemy: its tables are
reflected, then read with Core ``SELECT``\\ s ordered by primary key, so the
same database always gives the same records. Table and column names are
matched without regard to case.

Two generations of the schema exist; the reader finds out which one it has.

*Mid-2020 and later* (``internal_key``): every table has an integer primary
key ``internal_key``; a link to table ``T`` is a column ``<t>_key`` holding
the ``internal_key`` of the row it points to (``activity_key``,
``entity_key``, ``activityDescription_key`` …). Activities, entities and
agents keep their ProvDM id in a column ``id``.

*2019 to mid-2020* (string ids): the classes have a string primary key
``id`` (the ProvDM id itself), the relations an integer primary key ``id``,
and a link is a column ``<t>_id`` (a bare ``<t>`` is accepted too). The
columns read are::

    activities(id, name, startTime, endTime, comment, activityDescription_id)
    entities(id, name, location, generatedAtTime, invalidatedAtTime, comment,
             classType, entityDescription_id)
    valueEntities(id -> entities, value)      datasetEntities(id -> entities)
    agents(id, name, type, comment, email, affiliation, phone, address, url)
    used(id, role, time, activity_id, entity_id, usageDescription_id)
    wasGeneratedBy(id, role, activity_id, entity_id, generationDescription_id)
    wasAssociatedWith(id, role, activity_id, agent_id)
    wasAttributedTo(id, role, entity_id, agent_id)
    wasDerivedFrom(id, generatedEntity, usedEntity)     -- entity ids
    wasInformedBy(id, informant, informed)              -- activity ids
    activityDescriptions(id, name, version, description, type, subtype, doculink)
    entityDescriptions(id, name, type, description, doculink, classType)
    valueDescriptions(id -> entityDescriptions, valueType, unit, ucd, utype)
    datasetDescriptions(id -> entityDescriptions, contentType)
    usageDescriptions / generationDescriptions(id, role, description, type,
             multiplicity, activityDescription_id, entityDescription_id)
    parameters(id, name, value, parameterDescription_id)
    parameterDescriptions(id, name, valueType, description, unit, ucd, utype,
             min, max, default, options, activityDescription_id)
    configFiles(id, name, location, comment, configFileDescription_id)
    configFileDescriptions(id, name, contentType, description, activityDescription_id)
    wasConfiguredBy(id, artefactType, activity_id, configFile_id, parameter_id)

Times are ``TIMESTAMP`` columns or ISO 8601 text; a time without a zone is
UTC. The tables ``activities``, ``entities``, ``agents``, ``used``,
``wasGeneratedBy``, ``wasAssociatedWith`` and ``wasAttributedTo`` must exist
with their key and link columns; other tables and other columns are read
when present.

Mapping. Ids are kept as stored (CTADIRAC stored the ctapipe activity uuid,
the DIRAC file GUID of a dataset and the agent name), so the same activity
read from a ctapipe log and from the database is one node; the GUID column
``ctadirac_guid`` is also written as ``ctao:diracGuid``. ``classType`` gives the
entity kind (``entity``, ``value``, ``dataset``). An agent type is matched to
Person, Organization or SoftwareAgent without regard to case, spaces or a
``prov:`` prefix (``organisation`` and ``software`` too), else left unset; an
agent without a name is named by its id. ``multiplicity`` becomes text;
``options`` is a JSON list, or else a comma-separated list. Descriptions get
deterministic ids: ``provdb/<name>/<version>`` for an activity description
(CTADIRAC keyed them by tool name and ctapipe version),
``<that id>/usage/<role>``, ``…/generation/<role>``, ``…/parameter/<name>``,
``…/configfile/<name>`` for those it owns, ``provdb/entity/<name>`` for an
entity description (a second row with the same id gets ``/<key>`` added).
When an activity generated a value entity with role ``status`` (the way
CTADIRAC kept the ctapipe status), the value is also the activity's
``ctao:status``.

Records. One record ``provdb/activity/<activity id>`` per activity: the
activity, what it used and generated, its agents, the activities that
informed it (by id only: each is described in its own record), its parameters and config files (through ``wasConfiguredBy``),
the derivations of the entities it used or generated, and in full every
entity and agent these reference, with the attributions of those entities
and all the descriptions involved — each record stands alone, and reading
the database again gives equal records. Rows that no activity reaches
(an entity only derived or attributed, an unused agent, an unused
description) go into one record ``provdb/rest``.

Errors. A row that cannot be mapped (an unknown ``classType``, a link to a
missing row, a missing name the model needs, a time that is not one) turns
the record that needs it into a :class:`~provrdf.errors.ParseError` naming
the table and key; the other records are read on. A row no record can hold
(a parameter no activity is configured by, a relation whose activity is
missing) is one ParseError of its own. What ProvDM requires beyond the
model's own types (a value entity's value, a content type) is left to the
SHACL shapes.

>>> is_database_url("postgresql+psycopg2://cta:secret@db.example.org:5432/provenance")
True
>>> is_database_url("runs/prov.sqlite")
False
>>> display_url("postgresql://cta:secret@db.example.org/provenance")
'postgresql://cta:***@db.example.org/provenance'
>>> sniff("SQLite format 3\\x00...")
True
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from provrdf.capture.provdb.records import Mapper
from provrdf.capture.provdb.tables import REQUIRED_TABLES, TABLES, SchemaError, load
from provrdf.errors import ParseError
from provrdf.model import Record

__all__ = [
    "REQUIRED_TABLES", "TABLES", "display_url", "is_database_url", "open_database", "read", "read_url", "sniff",
]  # fmt: skip

#: Drivers tried, in order, when a URL names none and SQLAlchemy's default is not installed.
_DRIVERS = {"postgresql": ("psycopg2", "psycopg", "pg8000"), "mysql": ("pymysql", "mysqlconnector")}


def is_database_url(location: str) -> bool:
    """Whether ``location`` is a SQLAlchemy database URL rather than a file path.

    Parameters
    ----------
    location
        What the user gave, e.g. ``"postgresql://cta@db/provenance"`` or ``"run.log"``.

    Returns
    -------
    bool
        True when it has a ``://`` and names a database SQLAlchemy knows
        (``https://…`` or ``file://…`` are not databases).

    >>> is_database_url("sqlite:///prov.sqlite"), is_database_url("https://example.org/prov.json")
    (True, False)
    """
    if "://" not in location:
        return False
    try:
        make_url(location).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError, ImportError):
        return False
    return True


def display_url(url: str) -> str:
    """``url`` with its password hidden, for reports and the ingest log.

    >>> display_url("postgresql+psycopg2://reader:pa55@127.0.0.1:5432/prov")
    'postgresql+psycopg2://reader:***@127.0.0.1:5432/prov'
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def open_database(url: str) -> Engine:
    """A SQLAlchemy engine for ``url``, with a driver that is installed.

    A URL that names no driver (``postgresql://``, ``mysql://``) gets
    SQLAlchemy's default driver, which is not always the one installed
    (SQLAlchemy 2.1 defaults to psycopg 3, provrdf depends on psycopg2):
    the other usual drivers are tried before giving up.

    Parameters
    ----------
    url
        A SQLAlchemy URL.

    Raises
    ------
    ImportError
        When no driver for the database is installed.
    sqlalchemy.exc.ArgumentError
        When ``url`` is not a database URL.
    """
    parsed = make_url(url)
    try:
        return create_engine(parsed)
    except ImportError:
        for driver in _DRIVERS.get(parsed.drivername, ()):
            try:
                return create_engine(parsed.set(drivername=f"{parsed.drivername}+{driver}"))
            except ImportError:
                continue
        raise


def read_url(url: str) -> Iterator[Record | ParseError]:
    """Yield every row of the ProvenanceDB at ``url`` as records.

    The whole database is read into memory once, when the first item is
    asked for, and the connection closed before any record is yielded. A database that cannot
    be reached, or whose schema is not a ProvenanceDB, gives one
    :class:`~provrdf.errors.ParseError` and nothing else.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``postgresql://user@host/db``, ``sqlite:///prov.sqlite``).
    """
    source = display_url(url)
    try:
        engine = open_database(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        yield ParseError(source, f"cannot open the database: {error}")
        return
    yield from _read_engine(engine, source, "not a CTADIRAC ProvenanceDB")


def sniff(head: str) -> bool:
    """Whether ``head`` (the start of a file) is a SQLite database.

    >>> sniff('[{"activity_name": "ctapipe-process"}]')
    False
    """
    return head.startswith("SQLite format 3")


def read(path: Path) -> Iterator[Record | ParseError]:
    """Yield the records of the SQLite ProvenanceDB file at ``path`` (opened read-only).

    Parameters
    ----------
    path
        The SQLite file.

    Yields
    ------
    Record or ParseError
        As :func:`read_url`; a SQLite file without the ProvenanceDB tables
        gives one ParseError naming the missing tables.
    """
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    yield from _read_engine(engine, str(path), "a SQLite file but not a CTADIRAC ProvenanceDB")


def _read_engine(engine: Engine, source: str, not_provdb: str) -> Iterator[Record | ParseError]:
    """Load the whole database, close it, then map it."""
    try:
        data = load(engine, not_provdb)
    except SchemaError as error:
        yield ParseError(source, str(error))
        return
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error  # the driver's own message, without SQLAlchemy's notes
        yield ParseError(source, f"cannot read the database: {str(reason).strip()}")
        return
    finally:
        engine.dispose()
    yield from Mapper(data, source).items()

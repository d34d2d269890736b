"""Reader of a CTADIRAC ProvenanceDB: ProvDM rows in a relational database.

CTADIRAC kept the provenance of its grid jobs in a relational database
(PostgreSQL in production, SQLite in tests) with one table per ProvDM class
and relation. The database is read through SQLAlchemy, by reflection: no
generation of the schema is assumed, and table and column names are matched
without regard to case.

Reflection (:mod:`~provrdf.capture.provdb.tables`). The key of a table is
its declared primary key; a table that declares none is keyed by a column
named ``internal_key``, ``<table>_Id`` or ``id`` whose values are all set and
distinct, and a table without any has its rows numbered 1, 2, … in the order
of all their columns (messages say ``wasDerivedFrom row 2``). A link is the
column with a declared foreign key to the table it points to when exactly one
column has one; otherwise (no foreign key declared, or two links to one
table) the column named ``<link>_key``, ``<link>_id`` or ``<link>``. A table
whose key is a foreign key to another extends it row for row. Rows are put
in key order compared as Python values, so SQLite and PostgreSQL give the
same records. The tables ``activities``, ``entities``, ``agents``, ``used``,
``wasGeneratedBy``, ``wasAssociatedWith`` and ``wasAttributedTo`` must exist,
with an ``id`` column for the three classes and a column for each end of
each relation; every other table and column is optional.

The generations this reads (``tests/data/provdb`` holds one of each):

*July-2019 prototype* (sanguillon/ctapipe ``prov_tests/provenanceDB.py``):
string ``id`` primary keys on the classes, integer ones on the relations,
links ``<t>_id`` but ``wasAssociatedWith(activity, agent)`` and
``wasAttributedTo(entity, agent)``; ``wasDerivedFrom(generatedEntity,
usedEntity)`` has no key at all, ``wasInformedBy`` the key
``wasInformedBy_Id``. ``parameters`` and ``configFiles`` extend
``valueEntities``, ``parameterDescriptions`` and ``configFileDescriptions``
extend ``valueDescriptions``, and these have no ``activityDescription_id``;
``configFileDescriptions`` spells its content type ``contextType``; times
are text.

*CTADIRAC service, November 2019*: like the prototype, with keys
``wasDerivedFrom_Id`` and ``wasInformedBy_Id``, integer ``id`` on
``parameterDescriptions`` and ``configFileDescriptions`` (which have an
``activityDescription_id``), ``agents`` without ``comment`` and ``url``,
``valueDescriptions`` with ``min``, ``max``, ``default`` and ``options``.

*CTADIRAC service, April 2020*: ``generatedAtTime`` a ``TIMESTAMP``,
``agents.comment``/``url``, ``valueDescriptions`` without min/max/default/
options, ``wasAssociatedWith(id, role, activity_id, agent_id)``,
``wasAttributedTo(id, role, entity_id, agent_id)``,
``datasetEntities.ctadirac_guid``.

*CTADIRAC service, mid-2020 and later*: an ``internal_key`` primary key on
every table, the sub-tables sharing their parent row's; links ``<t>_key``,
and ``generatedEntity``, ``usedEntity``, ``informant``, ``informed`` without
suffix; only activities, entities and agents have an ``id`` column.

What is read from each table, by canonical name (:data:`TABLES`)::

    activities(id, name, startTime, endTime, comment, activityDescription)
    entities(id, name, location, generatedAtTime, invalidatedAtTime, comment,
             classType, entityDescription)
    valueEntities(value)      datasetEntities(ctadirac_guid)
    agents(id, name, type, comment, email, affiliation, phone, address, url)
    used(role, time, activity, entity, usageDescription)
    wasGeneratedBy(role, activity, entity, generationDescription)
    wasAssociatedWith(role, activity, agent)
    wasAttributedTo(role, entity, agent)
    wasDerivedFrom(generatedEntity, usedEntity)
    wasInformedBy(informant, informed)
    activityDescriptions(name, version, description, type, subtype, doculink)
    entityDescriptions(name, type, description, doculink, classType)
    valueDescriptions(valueType, unit, ucd, utype)
    datasetDescriptions(contentType)
    usageDescriptions / generationDescriptions(role, description, type,
             multiplicity, activityDescription, entityDescription)
    parameters(name, value, parameterDescription)
    parameterDescriptions(name, valueType, description, unit, ucd, utype,
             min, max, default, options, activityDescription)
    configFiles(name, location, comment, configFileDescription)
    configFileDescriptions(name, contentType or contextType, description,
             activityDescription)
    wasConfiguredBy(artefactType, activity, configFile, parameter)

Every other column that is not NULL — an unknown column of any generation,
such as the 2019 ``valueDescriptions.options`` — is kept on the node,
relation or description its row becomes, as the fact
``https://w3id.org/provrdf/provdb#<column>`` with the value's own type
(integer, double, boolean, UTC dateTime, decimal, date…); the columns of a
sub-table row go to its parent's node, those of ``wasConfiguredBy`` to the
parameter or config file. A parameter or config file (description) that
extends another table is read together with the rows it extends (their
columns fill in those it leaves NULL); those rows are no entity
(description) of their own. Times are ``TIMESTAMP`` columns or ISO 8601
text; a time without a zone is UTC.

Mapping (:mod:`~provrdf.capture.provdb.rows` maps one row,
:mod:`~provrdf.capture.provdb.records` makes the records). Ids are kept as
stored (the ctapipe activity uuid, the DIRAC file GUID of a dataset, whose name is
its LFN, the agent id), so the same activity read from a ctapipe log and
from the database is one node; values are kept as stored too (a location
``{CC-IN2P3-Disk,DESY-ZN-Disk}``, PostgreSQL's array text, stays that text).
``ctadirac_guid`` is also written as ``ctao:diracGuid``. ``classType`` gives
the entity (description) kind; without one, the sub-table holding the row
does. An agent type is matched to Person, Organization or SoftwareAgent
without regard to case, spaces or a ``prov:`` prefix (``organisation`` and
``software`` too); another type is kept as ``provdb:type``. A NULL that
ProvDM asks to be set (an agent's name, a value entity's or parameter's
value, a description's name or content type) stays None: the SHACL shapes
warn about it. ``multiplicity`` becomes text; ``options`` is a JSON list, or
else a comma-separated list. Descriptions get deterministic ids:
``provdb/<name>/<version>`` for an activity description (CTADIRAC keyed
them by tool name and ctapipe version), ``<that id>/usage/<role>``,
``…/generation/<role>``, ``…/parameter/<name>``, ``…/configfile/<name>``
for those it owns, ``provdb/entity/<name>`` for an entity description; one
without a name (or role) gets ``provdb/activityDescriptions/<key>``,
``provdb/entityDescriptions/<key>`` or ``…/<kind>/<table>/<key>``, and a
second row with the same id gets ``/<key>`` added. The owner of a parameter or config file
description is its ``activityDescription``; in a table without that column
(the prototype), the one activity description of the activities configured
with it. When an activity generated a value entity with role ``status`` (the
way CTADIRAC kept the ctapipe status), the value is also the activity's
``ctao:status``.

Records. One record ``provdb/activity/<activity id>`` per activity: the
activity, what it used and generated, its agents, the activities that
informed it (by id only: each is described in its own record), its
parameters and config files (through ``wasConfiguredBy``), the derivations
of the entities it used or generated, and in full every entity and agent
these reference, with the attributions of those entities (one per row: a
file CTADIRAC attributed at each job is attributed as often) and all the
descriptions involved — each record stands alone, and reading the database
again gives equal records. Rows that no activity reaches (an entity only
derived or attributed, an unused agent, an unused description) go into one
record ``provdb/rest``.

Liberal reading. A ``used`` row without an entity is a usage of no entity
(PROV's ``used(a, -, t)``; the 2020 service wrote one for a config file
missing from the job's input data); an association without an agent is one
too. What a record cannot keep as stored is a warning of that record
(:attr:`~provrdf.model.Record.warnings`), the rest of it is kept:

* ``link to a missing row``: a link to a row that does not exist (the
  prototype's activity pointing to an activity description typed under
  another id) is left out; a relation whose mandatory end is missing is not
  read;
* ``disagrees with its description``: a usage or generation whose role (a
  parameter whose name) differs from that of the description it links
  loses that link (the 2019–2020 service looked up an output's description
  with the role of the last input);
* ``description of no activity description``: a link to a parameter or
  config file description no activity description owns is left out;
* ``unknown class``: a ``classType`` none of the known ones is read as the
  kind its sub-table gives and kept as ``provdb:classType``;
* ``row not read``: a relation that names no end, or a ``wasConfiguredBy``
  that names no artefact.

A row no record can hold (a relation whose activity is missing, a parameter
no activity is configured by, a description no activity description owns,
a sub-table row without its parent) is a :class:`~provrdf.errors.ReadWarning`
(``row not read``) naming the table and key. Only a row that cannot be read
at all — an activity, entity or agent without an id, a time that is no ISO
8601 time — turns the record that needs it into a
:class:`~provrdf.errors.ParseError` naming the table and key; the other
records are read on.

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

from provrdf.capture.provdb.records import records
from provrdf.capture.provdb.rows import Mapper
from provrdf.capture.provdb.tables import REQUIRED_TABLES, TABLES, SchemaError, load
from provrdf.errors import ParseError, ReadWarning
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


def read_url(url: str) -> Iterator[Record | ParseError | ReadWarning]:
    """Yield every row of the ProvenanceDB at ``url`` as records.

    The whole database is read into memory once, when the first item is
    asked for, and the connection closed before any record is yielded. A
    database that cannot be reached, or whose schema is not a ProvenanceDB
    (a required table or column missing), gives one
    :class:`~provrdf.errors.ParseError` and nothing else.

    Parameters
    ----------
    url
        A SQLAlchemy URL (``postgresql://user@host/db``, ``sqlite:///prov.sqlite``).

    Yields
    ------
    Record, ParseError or ReadWarning
        One record per activity (a ParseError for one with a row that cannot
        be read at all), then the ``provdb/rest`` record, then a
        ReadWarning for each row no record can hold.
    """
    source = display_url(url)
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            # read-only, like a SQLite file given by path: reading never creates or changes a file
            path = Path(str(parsed.database))
            if not path.is_file():
                yield ParseError(source, f"cannot read the database: no ProvenanceDB at {path}, there is no such file")
                return
            engine = _sqlite_engine(path)
        else:
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


def read(path: Path) -> Iterator[Record | ParseError | ReadWarning]:
    """Yield the records of the SQLite ProvenanceDB file at ``path`` (opened read-only).

    Parameters
    ----------
    path
        The SQLite file.

    Yields
    ------
    Record, ParseError or ReadWarning
        As :func:`read_url`; a SQLite file without the ProvenanceDB tables
        gives one ParseError naming the missing tables.
    """
    yield from _read_engine(_sqlite_engine(path), str(path), "a SQLite file but not a CTADIRAC ProvenanceDB")


def _sqlite_engine(path: Path) -> Engine:
    """An engine that opens the SQLite file ``path`` read-only."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    return create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))


def _read_engine(engine: Engine, source: str, not_provdb: str) -> Iterator[Record | ParseError | ReadWarning]:
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
    yield from records(Mapper(data, source))

"""CTADIRAC ProvenanceDB fixtures: every generation of the schema, filled the way its own code filled it.

Importing this module has no side effects.  ``build(engine, generation)``
creates one generation's tables on any SQLAlchemy engine (SQLite or
PostgreSQL) and writes four ctapipe jobs of a CTA production into them;
``python make.py`` writes one small SQLite file per generation next to
this file (see :data:`FILES`).

The generations and where they were transcribed from
====================================================

``prototype_2019`` -- the July 2019 prototype (``prototype_2019-07.sqlite``)
    Repository ``sanguillon/ctapipe``, branch ``prov_LUPM``.

    * schema: ``prov_tests/provenanceDB.py``, added in commit
      ``ca6a4d3699e486572a21f973d2d2f4a9ed2b9b57`` (2019-07-30) and unchanged
      in ``242ee01f7732357ebb028a004e0e463ec7637937`` (2019-08-01, the branch
      head).  The ``CREATE TABLE`` statements SQLAlchemy emitted for it are in
      the outputs stored in ``prov_tests/prov_muons.py`` (a notebook saved
      under a ``.py`` name) at ``ca6a4d36``; the tables below produce the same
      DDL.
    * filling: ``prov_tests/prov_muons.ipynb`` at ``242ee01f``, cell 6
      (descriptions written by hand) and cell 12 (``add_activity``,
      ``get_file_id``/``set_file_id``, the input, output and status loops);
      the rows it produced are listed in ``prov_tests/muons_provRFC.txt`` at
      ``242ee01f``.
    * not found: any code that fills ``parameters``, ``configFiles``,
      ``wasConfiguredBy``, ``wasDerivedFrom`` or ``wasInformedBy`` (the
      notebook never writes them); the prototype only ever ran on an
      in-memory SQLite database.

``service_2019`` -- the CTADIRAC service of November 2019 (``service_2019-11.sqlite``)
    Repository ``cta-observatory/CTADIRAC`` (GitHub mirror).

    * schema: ``DataManagementSystem/DB/ProvenanceDB.py`` at
      ``a1fe0e10b00e1e3070f49cb97f655bd4875cb284`` (2019-11-18, "ParameterDescription
      OK"); the schema stayed so until ``8f8c614bed78e010daf040ae68e9bf50dd429be1``
      (2020-02-03), which made ``entities.generatedAtTime`` a ``DateTime``.
    * filling: ``Core/scripts/cta-prod-add-prov.py`` and
      ``Core/scripts/cta-prod-init-prov.py`` at
      ``8e678ab5086d874ac93189e93bc8f23b6d9197cf`` (2019-11-27), with
      ``DataManagementSystem/Client/ProvBase.py`` (what each client object
      sends), ``DataManagementSystem/Client/ProvClient.py`` and
      ``DataManagementSystem/Service/ProvenanceManagerHandler.py`` at
      ``a1fe0e1`` (unchanged in ``8e678ab``), and ``ProvenanceDB._dictToObject``.
    * not found: the program that wrote ``provDict.txt`` and
      ``output_lfns.txt`` (outside CTADIRAC); any code that fills
      ``configFiles``, ``wasDerivedFrom`` or ``wasInformedBy``.

``service_2020_04`` -- the CTADIRAC service of April 2020 (``service_2020-04.sqlite``)
    Repository ``cta-observatory/CTADIRAC``. Still string ids and ``_id``
    links, but changed by three commits: ``8f8c614`` (2020-02-03,
    ``entities.generatedAtTime`` DateTime), ``a5a45c5c756a952fd14dfc75e256ccea5f463cfe``
    (2020-04-03, "Provenance classes modified to take into account last
    Provenance Data Model": ``agents.comment``/``url`` added, ``min``/``max``/
    ``default``/``options`` dropped from ``valueDescriptions``,
    ``wasAssociatedWith(activity, agent)`` and ``wasAttributedTo(entity,
    agent)`` renamed ``activity_id``/``agent_id``/``entity_id`` and put after
    ``role``) and ``f58895cd6b3a40926a917a982ae6973180d5b0e3`` (2020-04-23,
    ``datasetEntities.ctadirac_guid``).

    * schema: ``DataManagementSystem/DB/ProvenanceDB.py`` at
      ``648f2f0b989e3eb0af81dcb7d7918997e8ee4968`` (2020-04-24, same tables as
      ``f58895c``; unchanged until ``e792f09``, 2020-07-31).
    * filling: ``Core/scripts/cta-prod-add-prov.py``,
      ``Core/scripts/cta-prod-init-prov.py`` and
      ``DataManagementSystem/Client/ProvBase.py`` at ``a5a45c5``: the filling
      of ``service_2019`` with the renamed relation columns (and no
      ``options``/``default`` for the status ValueDescription).  ``ProvBase.py``
      from ``f58895c`` until ``e792f09`` (which fixed it) does not compile (a
      comma is missing before ``ctadirac_guid``), so no client of that period
      could send a ``ctadirac_guid``: it stays NULL.
    * not found: as for ``service_2019``.

``service_2020`` -- the CTADIRAC service with ``internal_key`` (``service_2020-09.sqlite``)
    Repository ``cta-observatory/CTADIRAC``.

    * schema: ``DataManagementSystem/DB/ProvenanceDB.py`` at
      ``45308becb98a45a7a6d934a45cf4d6ee1977aaf5`` (2020-09-02, "Execution part
      with internal keys"); the tables are the same since
      ``e792f09ec5f784a2579c74ab40f09ab66d279d9a`` (2020-07-31, "internal_key
      added to all provenance DB classes") and did not change up to the
      mirror's last commit (``507522f``, 2021-01-06).
    * filling: ``Core/scripts/cta-prod-add-prov.py`` at
      ``e90538ae5721271a66b454ae37f63c0128892781`` (2020-09-02; the filling is
      that of ``45308be``, the only change being that the job's input data
      come from ``Dirac().getJobInputData``; the next commit ``6d87c12`` does not
      even compile), ``Core/scripts/cta-prod-init-prov.py`` at ``45308be``,
      ``DataManagementSystem/Client/ProvBase.py`` at
      ``1377ff3f5c9a75a0c06b88fd1460b9be6d1c1777`` (2020-08-31, unchanged in
      ``45308be``) and ``ProvClient.py`` at ``45308be``.
    * not found: code that fills ``parameters``/``wasConfiguredBy`` (the
      parameter loop of ``cta-prod-add-prov.py`` is commented out in this
      generation), ``configFiles``, ``wasDerivedFrom`` or ``wasInformedBy``; any
      later ProvenanceDB (the CTADIRAC GitLab repository is not among the
      stored sources).

How each generation filled the tables (what ``build`` reproduces)
=================================================================

Common to all: one agent ``CTAO`` ("CTA Observatory", type
``Organization``) associated (role NULL) with every activity; one activity
per ctapipe tool run, ``id`` = the ctapipe ``activity_uuid``, times the
ctapipe ``time_utc`` strings; the activity description keyed by
``activity_name`` + ``_`` + ``ctapipe_version`` (string-id generations) or
found by (``activity_name``, ``ctapipe_version``) (``internal_key`` form); ``used``/``wasGeneratedBy``
carry the ctapipe role; the status of the run is a value entity
``<uuid>_status`` named ``status``, generated with role ``status``; no
``used.time`` is ever written.

prototype_2019
    * entity ids are ``uuid5(NAMESPACE_URL, basename + str(os.path.getctime(url)))``,
      ``name`` the file's basename, ``location`` its local path; every input
      url becomes a dataset entity; no entity description on datasets.
    * a ``wasAttributedTo`` row is written for *every* input, even one
      already in the database (so files read twice are attributed twice).
    * ``used.usageDescription_id`` and ``wasGeneratedBy.generationDescription_id``
      stay NULL; descriptions were typed in by hand and are linked to nothing
      but each other.  The status value entity gets ``entityDescription_id``
      ``status``.
    * the status is assigned to ``valueXX``, which is no column: the
      ``value`` of every status entity is NULL.
    * ``comment`` of activities is ``''`` (the ORM stores it as given).
    * one activity (ctapipe-apply-models) points to an activity description
      that does not exist: as in the notebook (the description was typed
      under another name), which an SQLite database without foreign key
      enforcement allowed.  On PostgreSQL ``build`` writes this generation
      with ``session_replication_role = replica`` (foreign keys not checked),
      which needs a superuser.
service_2019
    * the script reads ``provDict.txt`` with ``json.loads(text.replace("'", '"'))``
      (a Python repr with ``True``/``None`` would not parse) and, in
      ``8e678ab``, takes the job's input data from a hard-coded test list
      (``['/bidon/proton_20deg_180deg_run22___...simtel.gz']``, the
      ``getJobInputData`` call commented out); the fixture uses each job's real
      input LFNs, as the commented-out call (and the 2020 script) does.
    * only inputs whose basename matches an LFN of the job's input data are
      recorded (ctapipe's ``Tool Configuration``/``tool.config`` file, shipped in
      the input sandbox, is dropped); dataset ``id`` = the DIRAC file catalogue
      GUID, ``name`` = the LFN, ``generatedAtTime`` = the catalogue
      ``CreationDate.isoformat()`` (text), ``location`` = the list of storage
      elements holding a replica, stored by psycopg2 as a PostgreSQL array
      literal in a VARCHAR, e.g. ``{CC-IN2P3-Disk,DESY-ZN-Disk}``.
    * an input already in the database is neither added nor attributed again;
      an input listed twice by ctapipe (ctapipe 0.8 did this) gives two
      ``used`` rows.  Outputs are added without a check and attributed.
    * the generation description of an *output* is looked up with the role
      of the activity's *last input* (``cta_input`` leaks out of the input
      loop); the descriptions were registered under that role (the real
      init script registered its output description with the input role
      ``dl0.sub.evt``), otherwise the script crashes.  So
      ``wasGeneratedBy.role`` is the output role while its
      ``generationDescription``'s role is an input role.
    * every value goes through ``ProvenanceDB._dictToObject``, which skips
      falsy values: ``comment=''``, ``subtype=''``, ``doculink=''`` and a
      parameter value ``False``, ``0`` or ``[]`` become NULL.  Non-text
      values land in VARCHAR columns as PostgreSQL prints them: ``20``,
      ``true``, ``{/path/a.json}``.
    * parameters: one ``parameters`` row per item of the tool's own section
      of the ctapipe config (``config[<Tool class>]``; the real script
      hard-coded ``config['MuonDisplayerTool']``), ``id`` = ``<uuid>_<name>``,
      linked to the integer ``parameterDescriptions.id`` found by (activity
      description, name) -- every item needs a description, or the script
      crashes -- and one ``wasConfiguredBy`` with ``artefactType='Parameter'``.
      The fixture's tool sections hold scalars and lists only (a nested
      component section would have made psycopg2 fail).
    * descriptions have ``multiplicity`` 1 (the ProvBase default).
service_2020_04
    * as service_2019, except that the relation rows use ``activity_id``,
      ``agent_id``, ``entity_id``, ``generatedAtTime`` is a TIMESTAMP and
      ``datasetEntities.ctadirac_guid`` is NULL.
service_2020
    * as service_2019 for datasets (GUID ``id``, LFN ``name``, catalogue
      ``generatedAtTime`` now a TIMESTAMP, storage-element array ``location``),
      but: every input and output goes through ``add_dataset``, which looks the
      GUID up (entities not invalidated) and writes a ``wasAttributedTo`` each
      time, also for an entity that exists already (files used by a later job
      are attributed again); an input that is not in the job's input data
      still gets a ``used`` row, with ``entity_key`` NULL (the config file).
    * ``datasetEntities.ctadirac_guid`` is never written (the GUID goes to
      ``entities.id``; ProvBase does not even send ``ctadirac_guid``).
    * ProvBase's ``ValueEntity`` sends no ``value`` (the ``value`` attribute
      name is listed under ``DatasetEntity`` instead): every status value is
      NULL again.
    * output descriptions are looked up with the output role (fixed).
    * no parameters and no ``wasConfiguredBy`` (that loop is commented out),
      although the init script still registers parameter descriptions.
    * keys are ``internal_key`` values handed out by PostgreSQL sequences
      (``build`` assigns 1, 2, ... per table the same way; sub-tables share the
      key of their ``entities``/``entityDescriptions`` row); descriptions are
      looked up again by name (and version, role) before being added.

``build(engine, generation, extended=True)`` additionally writes what no
generation's code wrote but its schema provides for -- parameters and a
config file through ``wasConfiguredBy`` (prototype: both, as sub-tables of
``valueEntities``/``valueDescriptions``; service_2019/service_2020_04: the
config file; service_2020: both, parameters by the commented-out loop adapted
to keys), two ``wasDerivedFrom`` and one ``wasInformedBy`` -- so
readers can be tested on those tables; these rows follow the schema, not any
real filling code.

The jobs (values differ between generations): ``ctapipe-process`` twice
(one simulated run each, r0/DL0 to DL1), ``ctapipe-merge`` of the two DL1
files, ``ctapipe-apply-models`` on the merged file with an energy model.
The tool names of the later ctapipe versions are used for every generation
(anachronistic in 2019, when the tools were called otherwise); roles follow
the ctapipe of each period (``dl0.sub.evt`` style up to ctapipe 0.8,
``DL0/Event`` style for the ``internal_key`` form, filled from ctapipe 0.10.5).
"""

from __future__ import annotations

import hashlib
import os
import sys
import uuid
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    text,
)
from sqlalchemy.engine import Engine

__all__ = ["FILES", "GENERATIONS", "SOURCES", "build", "jobs", "metadata", "write_all"]

GENERATIONS = ("prototype_2019", "service_2019", "service_2020_04", "service_2020")
#: generation -> SQLite file written by ``python make.py``
FILES = {
    "prototype_2019": "prototype_2019-07.sqlite",
    "service_2019": "service_2019-11.sqlite",
    "service_2020_04": "service_2020-04.sqlite",
    "service_2020": "service_2020-09.sqlite",
}
#: generation -> {"repository", "schema", "filling"}: path@commit of what was transcribed
SOURCES = {
    "prototype_2019": {
        "repository": "sanguillon/ctapipe (branch prov_LUPM)",
        "schema": "prov_tests/provenanceDB.py@ca6a4d3699e486572a21f973d2d2f4a9ed2b9b57",
        "filling": "prov_tests/prov_muons.ipynb@242ee01f7732357ebb028a004e0e463ec7637937",
    },
    "service_2019": {
        "repository": "cta-observatory/CTADIRAC",
        "schema": "DataManagementSystem/DB/ProvenanceDB.py@a1fe0e10b00e1e3070f49cb97f655bd4875cb284",
        "filling": "Core/scripts/cta-prod-add-prov.py@8e678ab5086d874ac93189e93bc8f23b6d9197cf",
    },
    "service_2020_04": {
        "repository": "cta-observatory/CTADIRAC",
        "schema": "DataManagementSystem/DB/ProvenanceDB.py@648f2f0b989e3eb0af81dcb7d7918997e8ee4968",
        "filling": "Core/scripts/cta-prod-add-prov.py@a5a45c5c756a952fd14dfc75e256ccea5f463cfe",
    },
    "service_2020": {
        "repository": "cta-observatory/CTADIRAC",
        "schema": "DataManagementSystem/DB/ProvenanceDB.py@45308becb98a45a7a6d934a45cf4d6ee1977aaf5",
        "filling": "Core/scripts/cta-prod-add-prov.py@e90538ae5721271a66b454ae37f63c0128892781",
    },
}

# =============================================================================
# The schemas, table by table and column by column as declared in the sources
# =============================================================================

S, I, B = String, Integer, BigInteger

# fmt: off
# (the tables are laid out like the declarations they transcribe)


def _fk(target: str) -> ForeignKey:
    return ForeignKey(target)


def _prototype_2019() -> MetaData:
    """prov_tests/provenanceDB.py (sanguillon/ctapipe ca6a4d36)."""
    md = MetaData()
    Table("wasInformedBy", md,
          Column("wasInformedBy_Id", I, primary_key=True),
          Column("informant", S, _fk("activities.id")),
          Column("informed", S, _fk("activities.id")))
    Table("activities", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("startTime", S), Column("endTime", S), Column("comment", S),
          Column("activityDescription_id", S, _fk("activityDescriptions.id")))
    Table("wasDerivedFrom", md,  # no key column at all
          Column("generatedEntity", S, _fk("entities.id")),
          Column("usedEntity", S, _fk("entities.id")))
    Table("entities", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("location", S), Column("generatedAtTime", S),
          Column("invalidatedAtTime", S), Column("comment", S),
          Column("entityDescription_id", S, _fk("entityDescriptions.id")),
          Column("classType", S))
    Table("used", md,
          Column("id", I, primary_key=True, autoincrement=True),
          Column("role", S, nullable=True), Column("time", S),
          Column("activity_id", S, _fk("activities.id")),
          Column("entity_id", S, _fk("entities.id")),
          Column("usageDescription_id", S, _fk("usageDescriptions.id")))
    Table("wasGeneratedBy", md,
          Column("id", I, primary_key=True, autoincrement=True),
          Column("role", S, nullable=True),
          Column("activity_id", S, _fk("activities.id")),
          Column("entity_id", S, _fk("entities.id")),
          Column("generationDescription_id", S, _fk("generationDescriptions.id")))
    Table("valueEntities", md,
          Column("id", S, _fk("entities.id"), primary_key=True),
          Column("value", S))
    Table("datasetEntities", md,
          Column("id", S, _fk("entities.id"), primary_key=True))
    Table("agents", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("type", S), Column("email", S), Column("affiliation", S),
          Column("phone", S), Column("address", S), Column("comment", S), Column("url", S))
    Table("wasAssociatedWith", md,
          Column("id", I, primary_key=True, autoincrement=True),
          Column("role", S, nullable=True),
          Column("activity", S, _fk("activities.id")),
          Column("agent", S, _fk("agents.id")))
    Table("wasAttributedTo", md,
          Column("id", I, primary_key=True, autoincrement=True),
          Column("role", S, nullable=True),
          Column("entity", S, _fk("entities.id")),
          Column("agent", S, _fk("agents.id")))
    Table("activityDescriptions", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("version", S), Column("description", S), Column("type", S),
          Column("subtype", S), Column("doculink", S))
    Table("entityDescriptions", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("type", S), Column("description", S), Column("doculink", S),
          Column("classType", S))
    for name in ("usageDescriptions", "generationDescriptions"):
        Table(name, md,
              Column("id", S, primary_key=True),
              Column("role", S, nullable=True), Column("description", S), Column("type", S),
              Column("multiplicity", I),
              Column("activityDescription_id", S, _fk("activityDescriptions.id")),
              Column("entityDescription_id", S, _fk("entityDescriptions.id")))
    Table("valueDescriptions", md,
          Column("id", S, _fk("entityDescriptions.id"), primary_key=True),
          Column("valueType", S), Column("unit", S), Column("ucd", S), Column("utype", S),
          Column("min", S), Column("max", S), Column("default", S), Column("options", S))
    Table("datasetDescriptions", md,
          Column("id", S, _fk("entityDescriptions.id"), primary_key=True),
          Column("contentType", S))
    Table("parameters", md,
          Column("id", S, _fk("valueEntities.id"), primary_key=True),
          Column("value", S), Column("name", S),
          Column("parameterDescription_id", S, _fk("parameterDescriptions.id")))
    Table("parameterDescriptions", md,
          Column("id", S, _fk("valueDescriptions.id"), primary_key=True),
          Column("name", S), Column("valueType", S), Column("unit", S), Column("ucd", S),
          Column("utype", S), Column("min", S), Column("max", S), Column("options", S),
          Column("default", S), Column("description", S))
    Table("configFiles", md,
          Column("id", S, _fk("valueEntities.id"), primary_key=True),
          Column("name", S), Column("location", S), Column("comment", S),
          Column("configFileDescription_id", S, _fk("configFileDescriptions.id")),
          Column("parameterDescription_id", S, _fk("parameterDescriptions.id")))
    Table("configFileDescriptions", md,
          Column("id", S, _fk("valueDescriptions.id"), primary_key=True),
          Column("name", S), Column("contextType", S), Column("description", S))  # contextType (sic)
    Table("wasConfiguredBy", md,
          Column("id", I, primary_key=True, autoincrement=True),
          Column("artefactType", S, nullable=True),
          Column("activity_id", S, _fk("activities.id")),
          Column("parameter_id", S, _fk("parameters.id")),
          Column("configFile_id", S, _fk("configFiles.id")))
    return md


def _service_2019(april_2020: bool = False) -> MetaData:
    """DataManagementSystem/DB/ProvenanceDB.py (cta-observatory/CTADIRAC a1fe0e1; 648f2f0 if ``april_2020``)."""
    md = MetaData()
    time = DateTime if april_2020 else S  # generatedAtTime: DateTime since 8f8c614 (2020-02-03)
    Table("wasInformedBy", md,
          Column("wasInformedBy_Id", I, primary_key=True),
          Column("informant", S, _fk("activities.id")),
          Column("informed", S, _fk("activities.id")))
    Table("activities", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("startTime", S), Column("endTime", S), Column("comment", S),
          Column("activityDescription_id", S, _fk("activityDescriptions.id")))
    Table("wasDerivedFrom", md,
          Column("wasDerivedFrom_Id", I, primary_key=True),
          Column("generatedEntity", S, _fk("entities.id")),
          Column("usedEntity", S, _fk("entities.id")))
    Table("entities", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("location", S), Column("generatedAtTime", time),
          Column("invalidatedAtTime", S), Column("comment", S),
          Column("classType", S),
          Column("entityDescription_id", S, _fk("entityDescriptions.id")))
    Table("valueEntities", md,
          Column("id", S, _fk("entities.id"), primary_key=True),
          Column("value", S))
    Table("datasetEntities", md,
          Column("id", S, _fk("entities.id"), primary_key=True),
          *([Column("ctadirac_guid", S)] if april_2020 else []))  # f58895c (2020-04-23)
    Table("used", md,
          Column("id", I, primary_key=True, autoincrement=True),
          Column("role", S, nullable=True), Column("time", S),
          Column("activity_id", S, _fk("activities.id")),
          Column("entity_id", S, _fk("entities.id")),
          Column("usageDescription_id", S, _fk("usageDescriptions.id")))
    Table("wasGeneratedBy", md,
          Column("id", I, primary_key=True, autoincrement=True),
          Column("role", S, nullable=True),
          Column("activity_id", S, _fk("activities.id")),
          Column("entity_id", S, _fk("entities.id")),
          Column("generationDescription_id", S, _fk("generationDescriptions.id")))
    if april_2020:  # a5a45c5 (2020-04-03): comment and url; relation columns renamed <x>_id
        Table("agents", md,
              Column("id", S, primary_key=True),
              Column("name", S), Column("type", S), Column("comment", S), Column("email", S),
              Column("affiliation", S), Column("phone", S), Column("address", S), Column("url", S))
        Table("wasAssociatedWith", md,
              Column("id", I, primary_key=True, autoincrement=True),
              Column("role", S, nullable=True),
              Column("activity_id", S, _fk("activities.id")),
              Column("agent_id", S, _fk("agents.id")))
        Table("wasAttributedTo", md,
              Column("id", I, primary_key=True, autoincrement=True),
              Column("role", S, nullable=True),
              Column("entity_id", S, _fk("entities.id")),
              Column("agent_id", S, _fk("agents.id")))
    else:
        Table("agents", md,  # no comment, no url in 2019
              Column("id", S, primary_key=True),
              Column("name", S), Column("type", S), Column("email", S), Column("affiliation", S),
              Column("phone", S), Column("address", S))
        Table("wasAssociatedWith", md,
              Column("id", I, primary_key=True, autoincrement=True),
              Column("activity", S, _fk("activities.id")),
              Column("agent", S, _fk("agents.id")),
              Column("role", S, nullable=True))
        Table("wasAttributedTo", md,
              Column("id", I, primary_key=True, autoincrement=True),
              Column("entity", S, _fk("entities.id")),
              Column("agent", S, _fk("agents.id")),
              Column("role", S, nullable=True))
    Table("activityDescriptions", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("version", S), Column("description", S), Column("type", S),
          Column("subtype", S), Column("doculink", S))
    Table("entityDescriptions", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("type", S), Column("description", S), Column("doculink", S),
          Column("classType", S))
    Table("valueDescriptions", md,
          Column("id", S, _fk("entityDescriptions.id"), primary_key=True),
          Column("valueType", S), Column("unit", S), Column("ucd", S), Column("utype", S),
          *([] if april_2020 else [Column("min", S), Column("max", S), Column("default", S),
                                   Column("options", S)]))  # dropped in a5a45c5
    Table("datasetDescriptions", md,
          Column("id", S, _fk("entityDescriptions.id"), primary_key=True),
          Column("contentType", S))
    for name in ("usageDescriptions", "generationDescriptions"):
        Table(name, md,
              Column("id", S, primary_key=True),
              Column("role", S, nullable=True), Column("description", S), Column("type", S),
              Column("multiplicity", I),
              Column("activityDescription_id", S, _fk("activityDescriptions.id")),
              Column("entityDescription_id", S, _fk("entityDescriptions.id")))
    Table("wasConfiguredBy", md,
          Column("id", I, primary_key=True, autoincrement=True),
          Column("artefactType", S, nullable=True),
          Column("activity_id", S, _fk("activities.id")),
          Column("configFile_id", S, _fk("configFiles.id")),
          Column("parameter_id", S, _fk("parameters.id")))
    Table("parameters", md,  # no longer a sub-table of valueEntities
          Column("id", S, primary_key=True),
          Column("name", S), Column("value", S),
          Column("parameterDescription_id", I, _fk("parameterDescriptions.id")))
    Table("configFiles", md,
          Column("id", S, primary_key=True),
          Column("name", S), Column("location", S), Column("comment", S),
          Column("configFileDescription_id", I, _fk("configFileDescriptions.id")))
    Table("parameterDescriptions", md,  # integer id
          Column("id", I, primary_key=True, autoincrement=True),
          Column("name", S), Column("valueType", S), Column("description", S), Column("unit", S),
          Column("ucd", S), Column("utype", S), Column("min", S), Column("max", S),
          Column("default", S), Column("options", S),
          Column("activityDescription_id", S, _fk("activityDescriptions.id")))
    Table("configFileDescriptions", md,  # integer id
          Column("id", I, primary_key=True, autoincrement=True),
          Column("name", S), Column("contentType", S), Column("description", S),
          Column("activityDescription_id", S, _fk("activityDescriptions.id")))
    return md


def _service_2020() -> MetaData:
    """DataManagementSystem/DB/ProvenanceDB.py (cta-observatory/CTADIRAC 45308be)."""
    md = MetaData()

    def key() -> Column:
        return Column("internal_key", B, primary_key=True, autoincrement=True)

    def sub(parent: str) -> Column:  # joined-table inheritance: the parent's key
        return Column("internal_key", B, _fk(f"{parent}.internal_key"), primary_key=True)

    Table("wasInformedBy", md, key(),
          Column("informant", B, _fk("activities.internal_key")),
          Column("informed", B, _fk("activities.internal_key")))
    Table("activities", md, key(),
          Column("id", S), Column("name", S), Column("startTime", S), Column("endTime", S),
          Column("comment", S),
          Column("activityDescription_key", B, _fk("activityDescriptions.internal_key")))
    Table("wasDerivedFrom", md,
          Column("internal_key", B, primary_key=True),
          Column("generatedEntity", B, _fk("entities.internal_key")),
          Column("usedEntity", B, _fk("entities.internal_key")))
    Table("entities", md, key(),
          Column("id", S), Column("name", S), Column("location", S),
          Column("generatedAtTime", DateTime), Column("invalidatedAtTime", DateTime),
          Column("comment", S), Column("classType", S),
          Column("entityDescription_key", B, _fk("entityDescriptions.internal_key")))
    Table("valueEntities", md, sub("entities"), Column("value", S))
    Table("datasetEntities", md, sub("entities"), Column("ctadirac_guid", S))
    Table("used", md, key(),
          Column("role", S, nullable=True), Column("time", S),
          Column("activity_key", B, _fk("activities.internal_key")),
          Column("entity_key", B, _fk("entities.internal_key")),
          Column("usageDescription_key", B, _fk("usageDescriptions.internal_key")))
    Table("wasGeneratedBy", md, key(),
          Column("role", S, nullable=True),
          Column("activity_key", B, _fk("activities.internal_key")),
          Column("entity_key", B, _fk("entities.internal_key")),
          Column("generationDescription_key", B, _fk("generationDescriptions.internal_key")))
    Table("agents", md, key(),
          Column("id", S), Column("name", S), Column("type", S), Column("comment", S),
          Column("email", S), Column("affiliation", S), Column("phone", S), Column("address", S),
          Column("url", S))
    Table("wasAssociatedWith", md, key(),
          Column("role", S, nullable=True),
          Column("activity_key", B, _fk("activities.internal_key")),
          Column("agent_key", B, _fk("agents.internal_key")))
    Table("wasAttributedTo", md, key(),
          Column("role", S, nullable=True),
          Column("entity_key", B, _fk("entities.internal_key")),
          Column("agent_key", B, _fk("agents.internal_key")))
    Table("activityDescriptions", md, key(),
          Column("name", S), Column("version", S), Column("description", S), Column("type", S),
          Column("subtype", S), Column("doculink", S))
    Table("entityDescriptions", md, key(),
          Column("name", S), Column("type", S), Column("description", S), Column("doculink", S),
          Column("classType", S))
    Table("valueDescriptions", md, sub("entityDescriptions"),  # min/max/default/options gone
          Column("valueType", S), Column("unit", S), Column("ucd", S), Column("utype", S))
    Table("datasetDescriptions", md, sub("entityDescriptions"), Column("contentType", S))
    for name in ("usageDescriptions", "generationDescriptions"):
        Table(name, md, key(),
              Column("role", S, nullable=True), Column("description", S), Column("type", S),
              Column("multiplicity", I),
              Column("activityDescription_key", B, _fk("activityDescriptions.internal_key")),
              Column("entityDescription_key", B, _fk("entityDescriptions.internal_key")))
    Table("wasConfiguredBy", md, key(),
          Column("artefactType", S, nullable=True),
          Column("activity_key", B, _fk("activities.internal_key")),
          Column("configFile_key", B, _fk("configFiles.internal_key")),
          Column("parameter_key", B, _fk("parameters.internal_key")))
    Table("parameters", md, key(),
          Column("name", S), Column("value", S),
          Column("parameterDescription_key", B, _fk("parameterDescriptions.internal_key")))
    Table("configFiles", md, key(),
          Column("name", S), Column("location", S), Column("comment", S),
          Column("configFileDescription_key", B, _fk("configFileDescriptions.internal_key")))
    Table("parameterDescriptions", md, key(),
          Column("name", S), Column("valueType", S), Column("description", S), Column("unit", S),
          Column("ucd", S), Column("utype", S), Column("min", S), Column("max", S),
          Column("default", S), Column("options", S),
          Column("activityDescription_key", B, _fk("activityDescriptions.internal_key")))
    Table("configFileDescriptions", md, key(),
          Column("name", S), Column("contentType", S), Column("description", S),
          Column("activityDescription_key", B, _fk("activityDescriptions.internal_key")))
    return md


# fmt: on

_SCHEMAS = {"prototype_2019": _prototype_2019, "service_2019": _service_2019,
            "service_2020_04": lambda: _service_2019(april_2020=True), "service_2020": _service_2020}


def metadata(generation: str) -> MetaData:
    """A fresh ``MetaData`` holding the tables of ``generation``."""
    try:
        return _SCHEMAS[generation]()
    except KeyError:
        raise ValueError(f"unknown generation {generation!r}; one of {', '.join(GENERATIONS)}") from None


# =============================================================================
# The content: four ctapipe jobs per generation, as ctapipe's provenance lists them
# =============================================================================

_PROD = "/vo.cta.in2p3.fr/MC/PROD5/LaPalma/gamma"


def _guid(seed: str) -> str:
    """A DIRAC-style GUID (``makeGuid``: an md5 digest, upper case, 8-4-4-4-12)."""
    h = hashlib.md5(seed.encode()).hexdigest().upper()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _activity(name: str, tool: str, uid: str, version: str, start: str, stop: str,
              inputs: list[tuple[str, str]], outputs: list[tuple[str, str]], config: dict[str, Any],
              status: str = "completed") -> dict[str, Any]:
    """A ctapipe provenance record (the keys the filling code reads)."""
    return {
        "activity_name": name, "activity_uuid": uid, "status": status,
        "start": {"time_utc": start}, "stop": {"time_utc": stop},
        "system": {"ctapipe_version": version},
        "input": [{"url": url, "role": role} for url, role in inputs],
        "output": [{"url": url, "role": role} for url, role in outputs],
        "config": {tool: config},
    }


# --- prototype_2019: a local run, ctapipe 0.7.0 -------------------------------

_P19_DIR = "/home/cta/prod5/LaPalma/gamma"
_P19_RUN = "gamma_20deg_180deg_run{}___cta-prod5-lapalma_desert-2158m-LaPalma-dark"
_P19 = {  # file -> (local path, os.path.getctime)
    "simtel_1011": (f"{_P19_DIR}/{_P19_RUN.format(1011)}.simtel.gz", 1563542401.273041),
    "simtel_1012": (f"{_P19_DIR}/{_P19_RUN.format(1012)}.simtel.gz", 1563542417.8852248),
    "config": (f"{_P19_DIR}/config/process_config.json", 1563784120.0641692),
    "dl1_1011": (f"{_P19_DIR}/dl1/{_P19_RUN.format(1011)}.dl1.h5", 1563788512.6049411),
    "dl1_1012": (f"{_P19_DIR}/dl1/{_P19_RUN.format(1012)}.dl1.h5", 1563788650.3391023),
    "merged": (f"{_P19_DIR}/dl1/gamma_20deg_180deg_merged.dl1.h5", 1563897912.981307),
    "model": (f"{_P19_DIR}/models/energy_regressor.pkl", 1563811022.5072184),
    "dl2": (f"{_P19_DIR}/dl2/gamma_20deg_180deg_merged.dl2.h5", 1563964615.0058975),
}
_P19_UUID = {"p1": "0b6e3a52-8f0d-4c1e-a4e7-5d0c2f9a81b3", "p2": "5c1f7e09-3b6a-4d2f-9e58-a2b7c4d610e8",
             "m": "9a4d2c7e-61b5-4f30-8c9d-e3f1a0b5c274", "a": "d2e8f413-7a9c-4b6e-b051-6c3d9e2a47f0"}
_V19 = "0.7.0"


def _prototype_jobs() -> list[dict[str, Any]]:
    f = {k: v[0] for k, v in _P19.items()}
    u = _P19_UUID
    return [
        _activity("ctapipe-process", "ProcessorTool", u["p1"], _V19, "2019-07-22T09:14:07.215",
                  "2019-07-22T09:41:52.604", [(f["simtel_1011"], "dl0.sub.evt"), (f["config"], "tool.config")],
                  [(f["dl1_1011"], "dl1.sub.evt")],
                  {"config_file": f["config"], "output_path": f["dl1_1011"], "write_images": False,
                   "image_cleaner_type": "TailcutsImageCleaner", "log_level": 20}),
        _activity("ctapipe-process", "ProcessorTool", u["p2"], _V19, "2019-07-22T09:15:31.877",
                  "2019-07-22T09:44:10.339", [(f["simtel_1012"], "dl0.sub.evt"), (f["config"], "tool.config")],
                  [(f["dl1_1012"], "dl1.sub.evt")],
                  {"config_file": f["config"], "output_path": f["dl1_1012"], "write_images": True,
                   "image_cleaner_type": "TailcutsImageCleaner", "log_level": 20}),
        _activity("ctapipe-merge", "MergeTool", u["m"], _V19, "2019-07-23T16:02:45.120", "2019-07-23T16:05:12.981",
                  [(f["dl1_1011"], "dl1.sub.evt"), (f["dl1_1012"], "dl1.sub.evt")], [(f["merged"], "dl1.sub.evt")],
                  {"output_path": f["merged"], "overwrite": False, "skip_broken_files": True}),
        _activity("ctapipe-apply-models", "ApplyModels", u["a"], _V19, "2019-07-24T10:30:18.447",
                  "2019-07-24T10:36:55.006", [(f["merged"], "dl1.sub.evt"), (f["model"], "reconstructor")],
                  [(f["dl2"], "dl2.sub.evt")],
                  {"input_url": f["merged"], "output_path": f["dl2"], "n_jobs": 4}),
    ]


# --- service_2019 and service_2020_04: DIRAC jobs, string ids ---------------------


def _string_id_spec(runs: tuple[int, int], dataset: tuple[int, int, int, int, int], zenith: str, suffix: str,
                    catalogue: list[tuple[datetime, list[str]]], jobs: tuple[int, int, int, int],
                    uuids: tuple[str, str, str, str], version: str, times: list[tuple[str, str]],
                    seed: str) -> dict[str, Any]:
    """The DIRAC side of one string-id generation: LFNs, catalogue entries, job ids, activity ids."""
    run = f"gamma_{zenith}_run{{}}___cta-prod5-lapalma_desert-2158m-LaPalma-dark"
    sim, proc, merge, models, apply = dataset
    lfn = {
        "simtel_a": f"{_PROD}/sim_telarray/{sim}/Data/000xxx/{run.format(runs[0])}.simtel.{suffix}",
        "simtel_b": f"{_PROD}/sim_telarray/{sim}/Data/000xxx/{run.format(runs[1])}.simtel.{suffix}",
        "dl1_a": f"{_PROD}/ctapipe-process/{proc}/Data/000xxx/{run.format(runs[0])}.dl1.h5",
        "dl1_b": f"{_PROD}/ctapipe-process/{proc}/Data/000xxx/{run.format(runs[1])}.dl1.h5",
        "merged": f"{_PROD}/ctapipe-merge/{merge}/Data/gamma_{zenith}_merged.dl1.h5",
        "model": f"/vo.cta.in2p3.fr/MC/PROD5/LaPalma/models/{models}/energy_regressor.pkl",
        "dl2": f"{_PROD}/ctapipe-apply-models/{apply}/Data/gamma_{zenith}_merged.dl2.h5",
    }
    return {
        "lfn": lfn, "catalogue": dict(zip(lfn, catalogue)), "seed": seed, "version": version, "times": times,
        "job": dict(zip(("p1", "p2", "m", "a"), jobs)), "uuid": dict(zip(("p1", "p2", "m", "a"), uuids)),
        #: job -> (input data LFNs of the DIRAC job, LFNs in output_lfns.txt)
        "dirac": {"p1": (["simtel_a"], ["dl1_a"]), "p2": (["simtel_b"], ["dl1_b"]),
                  "m": (["dl1_a", "dl1_b"], ["merged"]), "a": (["merged", "model"], ["dl2"])},
    }


_SPECS = {
    "service_2019": _string_id_spec(
        (201, 202), (1410, 1411, 1412, 1413, 1414), "20deg_0deg", "gz",
        [(datetime(2019, 10, 29, 17, 2, 41), ["CC-IN2P3-Disk", "DESY-ZN-Disk"]),
         (datetime(2019, 10, 29, 17, 9, 3), ["CC-IN2P3-Disk"]),
         (datetime(2019, 11, 25, 13, 38, 55), ["CC-IN2P3-Disk"]),
         (datetime(2019, 11, 25, 13, 42, 19), ["DESY-ZN-Disk"]),
         (datetime(2019, 11, 26, 8, 16, 30), ["CC-IN2P3-Disk"]),
         (datetime(2019, 11, 20, 11, 47, 12), ["CC-IN2P3-Disk", "PIC-Disk"]),
         (datetime(2019, 11, 27, 15, 28, 21), ["CC-IN2P3-Disk"])],
        (10442871, 10442872, 10451130, 10466021),
        ("3e71b0c4-2d9a-4f56-8b1e-07c5a9d3f268", "a81c5f2d-94e3-4b07-a6d2-5e0f1b7c9384",
         "f0d35a86-1c7e-42b9-9f04-b8e2d6a1c573", "6b9e2f17-d8a4-4c3b-8e65-1f7a0c4d92be"),
        "0.7.0.post112+git4b3e1f2",
        [("2019-11-25T13:05:40.118", "2019-11-25T13:38:02.554"), ("2019-11-25T13:07:12.903", "2019-11-25T13:41:27.230"),
         ("2019-11-26T08:12:33.417", "2019-11-26T08:15:49.862"), ("2019-11-27T15:20:05.761", "2019-11-27T15:27:44.309")],
        "service_2019"),
    "service_2020_04": _string_id_spec(
        (1107, 1108), (1830, 1831, 1832, 1829, 1833), "40deg_180deg", "gz",
        [(datetime(2020, 3, 17, 4, 55, 12), ["CC-IN2P3-Disk"]),
         (datetime(2020, 3, 17, 5, 1, 48), ["CC-IN2P3-Disk", "CYF-STORM-Disk"]),
         (datetime(2020, 5, 11, 19, 44, 3), ["DESY-ZN-Disk"]),
         (datetime(2020, 5, 11, 19, 50, 37), ["DESY-ZN-Disk"]),
         (datetime(2020, 5, 12, 10, 3, 29), ["CC-IN2P3-Disk", "DESY-ZN-Disk"]),
         (datetime(2020, 5, 6, 16, 20, 0), ["CC-IN2P3-Disk"]),
         (datetime(2020, 5, 13, 9, 41, 55), ["CC-IN2P3-Disk"])],
        (20114733, 20114734, 20187002, 20231815),
        ("51c3e8a0-7d24-4f9b-b6e1-0a9d2c5f3e74", "b70f4d19-2e8c-4a53-9c6b-e41d8a7f2035",
         "0c8e2b6d-f153-47a9-8d2e-5b7a1f9c6e40", "93a6f1e2-4c7b-4d08-a5f3-6e2c9b0d184a"),
        "0.8.0",
        [("2020-05-11T19:02:17.804", "2020-05-11T19:43:11.596"), ("2020-05-11T19:06:40.213", "2020-05-11T19:49:52.080"),
         ("2020-05-12T09:58:21.367", "2020-05-12T10:02:44.930"), ("2020-05-13T09:33:08.452", "2020-05-13T09:41:03.117")],
        "service_2020_04"),
}


def _string_id_jobs(generation: str) -> list[dict[str, Any]]:
    spec = _SPECS[generation]
    L, u, v, t = spec["lfn"], spec["uuid"], spec["version"], spec["times"]

    def wn(job: str, lfn_or_name: str) -> str:
        """The path of a file in the DIRAC job's working directory on the worker node."""
        return f"/scratch/plt/dirac/job/{spec['job'][job]}/{os.path.basename(lfn_or_name)}"

    p = []
    for i, (job, run) in enumerate((("p1", "a"), ("p2", "b"))):
        cfg = wn(job, "process_config.json")
        simtel, dl1 = wn(job, L[f"simtel_{run}"]), wn(job, L[f"dl1_{run}"])
        # ctapipe 0.8 listed the event file twice, around the config file
        p.append(_activity(
            "ctapipe-process", "ProcessorTool", u[job], v, *t[i],
            [(simtel, "dl0.sub.evt"), (cfg, "tool.config"), (simtel, "dl0.sub.evt")], [(dl1, "dl1.sub.evt")],
            {"config_file": cfg, "output_path": dl1, "overwrite": False, "write_images": job == "p2",
             "image_cleaner_type": "TailcutsImageCleaner" if generation == "service_2019" else "MARSImageCleaner",
             "compression_level": 5, "log_level": 20}))
    m_in = [wn("m", L["dl1_a"]), wn("m", L["dl1_b"])]
    merge = _activity("ctapipe-merge", "MergeTool", u["m"], v, *t[2], [(x, "dl1.sub.evt") for x in m_in],
                      [(wn("m", L["merged"]), "dl1.sub.evt")],
                      {"input_files": m_in, "output_path": wn("m", L["merged"]), "overwrite": False,
                       "skip_broken_files": True, "log_level": 20})
    apply = _activity("ctapipe-apply-models", "ApplyModels", u["a"], v, *t[3],
                      [(wn("a", L["merged"]), "dl1.sub.evt"), (wn("a", L["model"]), "reconstructor")],
                      [(wn("a", L["dl2"]), "dl2.sub.evt")],
                      {"input_url": wn("a", L["merged"]), "output_path": wn("a", L["dl2"]),
                       "reconstructor_paths": [wn("a", L["model"])],
                       "n_jobs": 4 if generation == "service_2019" else 2, "chunk_size": 100000,
                       "overwrite": True, "log_level": 30})
    return [*p, merge, apply]


# --- service_2020: DIRAC jobs, ctapipe 0.10.5 -----------------------------------

_S20_RUN = "gamma_20deg_180deg_run{}___cta-prod5-lapalma_4LSTs_MAGIC_desert-2158m-LaPalma-dark"
_S20_LFN = {
    "simtel_3301": f"{_PROD}/sim_telarray/2098/Data/003xxx/{_S20_RUN.format(3301)}.simtel.zst",
    "simtel_3302": f"{_PROD}/sim_telarray/2098/Data/003xxx/{_S20_RUN.format(3302)}.simtel.zst",
    "dl1_3301": f"{_PROD}/ctapipe-process/2101/Data/003xxx/{_S20_RUN.format(3301)}.dl1.h5",
    "dl1_3302": f"{_PROD}/ctapipe-process/2101/Data/003xxx/{_S20_RUN.format(3302)}.dl1.h5",
    "merged": f"{_PROD}/ctapipe-merge/2102/Data/gamma_20deg_180deg_merged.dl1.h5",
    "model": "/vo.cta.in2p3.fr/MC/PROD5/LaPalma/models/2100/energy_regressor.pkl",
    "dl2": f"{_PROD}/ctapipe-apply-models/2103/Data/gamma_20deg_180deg_merged.dl2.h5",
}
_S20_CATALOGUE = {
    "simtel_3301": (datetime(2021, 3, 2, 17, 41, 5), ["CC-IN2P3-Disk"]),
    "simtel_3302": (datetime(2021, 3, 2, 17, 44, 52), ["CC-IN2P3-Disk", "CNAF-Disk"]),
    "dl1_3301": (datetime(2021, 4, 12, 2, 42, 14), ["DESY-ZN-Disk"]),
    "dl1_3302": (datetime(2021, 4, 12, 2, 45, 30), ["CC-IN2P3-Disk"]),
    "merged": (datetime(2021, 4, 13, 7, 56, 22), ["CC-IN2P3-Disk"]),
    "model": (datetime(2021, 4, 9, 22, 11, 3), ["CC-IN2P3-Disk", "DESY-ZN-Disk"]),
    "dl2": (datetime(2021, 4, 14, 18, 10, 47), ["PIC-Disk"]),
}
_S20_JOB = {"p1": 41287321, "p2": 41287322, "m": 41355810, "a": 41402277}
_S20_UUID = {"p1": "8ad71554-7aa4-4ad9-88c0-01704b5ded93", "p2": "c47f0e2b-5d19-4a8e-b3c6-9e21f07d5a4c",
             "m": "2f6b8d3a-e4c1-47f5-a09b-6d5c3e8f1a27", "a": "7e0a9c5d-3b28-4f61-9d74-a1c8e2b5f036"}
_V20 = "0.10.5"


def _wn20(job: str, lfn_or_name: str) -> str:
    return f"/scratch/plt/dirac/job/{_S20_JOB[job]}/{os.path.basename(lfn_or_name)}"


def _service_2020_jobs() -> list[dict[str, Any]]:
    L, u = _S20_LFN, _S20_UUID
    p = []
    for job, run in (("p1", "3301"), ("p2", "3302")):
        cfg = _wn20(job, "process_config.yaml")
        p.append(_activity(
            "ctapipe-process", "ProcessorTool", u[job], _V20,
            *(("2021-04-12T02:13:27.338", "2021-04-12T02:41:09.702") if job == "p1"
              else ("2021-04-12T02:15:02.881", "2021-04-12T02:44:51.096")),
            [(cfg, "Tool Configuration"), (_wn20(job, L[f"simtel_{run}"]), "DL0/Event")],
            [(_wn20(job, L[f"dl1_{run}"]), "DL1/Event")],
            {"config_files": [cfg], "output_path": _wn20(job, L[f"dl1_{run}"]), "overwrite": False,
             "progress_bar": False, "log_level": 30 if job == "p1" else 20}))
    m_in = [_wn20("m", L["dl1_3301"]), _wn20("m", L["dl1_3302"])]
    merge = _activity("ctapipe-merge", "MergeTool", u["m"], _V20, "2021-04-13T07:50:11.512",
                      "2021-04-13T07:55:40.047", [(x, "DL1/Event") for x in m_in],
                      [(_wn20("m", L["merged"]), "DL1/Event")],
                      {"input_files": m_in, "output_path": _wn20("m", L["merged"]), "overwrite": False,
                       "skip_broken_files": True})
    apply = _activity("ctapipe-apply-models", "ApplyModels", u["a"], _V20, "2021-04-14T18:02:36.225",
                      "2021-04-14T18:09:58.913",
                      [(_wn20("a", L["merged"]), "DL1/Event"), (_wn20("a", L["model"]), "reconstructor")],
                      [(_wn20("a", L["dl2"]), "DL2/Event")],
                      {"input_url": _wn20("a", L["merged"]), "output_path": _wn20("a", L["dl2"]),
                       "reconstructor_paths": [_wn20("a", L["model"])], "n_jobs": 8, "chunk_size": 50000})
    return [*p, merge, apply]


_S20_DIRAC = {
    "p1": (["simtel_3301"], ["dl1_3301"]), "p2": (["simtel_3302"], ["dl1_3302"]),
    "m": (["dl1_3301", "dl1_3302"], ["merged"]), "a": (["merged", "model"], ["dl2"]),
}


def jobs(generation: str) -> list[dict[str, Any]]:
    """The ctapipe provenance records (one per activity) written into ``generation``."""
    if generation in _SPECS:
        return _string_id_jobs(generation)
    return {"prototype_2019": _prototype_jobs, "service_2020": _service_2020_jobs}[generation]()


# --- descriptions: tool -> (type, subtype, description) and the entity kinds --------

_TOOLS = {
    "ctapipe-process": ("Reconstruction", "", "Process simulated events from R0/DL0 to DL1"),
    "ctapipe-merge": ("Selection", "", "Merge DL1 files of several runs into one"),
    "ctapipe-apply-models": ("Reconstruction", "", "Apply trained models to DL1 events to get DL2"),
}
#: role -> (description id/name, description, contentType) per period
_KINDS_2019 = {
    "dl0.sub.evt": ("simtel_events", "sim_telarray events", "simulated events from sim_telarray", "application/gzip"),
    "dl1.sub.evt": ("dl1_events", "DL1 events", "DL1 images and parameters", "application/x-hdf5"),
    "dl2.sub.evt": ("dl2_events", "DL2 events", "reconstructed events", "application/x-hdf5"),
    "reconstructor": ("model_file", "model", "trained scikit-learn model", "application/octet-stream"),
    "tool.config": ("config_file", "configuration", "ctapipe tool configuration", "application/json"),
}
_KINDS_2020 = {
    "DL0/Event": ("sim_telarray events", "simulated camera events from sim_telarray", "application/zstd"),
    "DL1/Event": ("DL1 events", "DL1 images and parameters in the ctapipe HDF5 layout", "application/x-hdf5"),
    "DL2/Event": ("DL2 events", "DL2 reconstructed events in the ctapipe HDF5 layout", "application/x-hdf5"),
    "reconstructor": ("reconstruction model", "trained model of a ctapipe Reconstructor",
                      "application/octet-stream"),
    "Tool Configuration": ("tool configuration", "configuration file of a ctapipe tool", "application/x-yaml"),
}
#: parameter name -> (valueType, description, default)
_PARAMETERS = {
    "config_file": ("string", "configuration file of the tool", None),
    "config_files": ("string", "configuration files of the tool", None),
    "output_path": ("string", "name of the output file", None),
    "input_url": ("string", "name of the input file", None),
    "input_files": ("string", "names of the input files", None),
    "overwrite": ("boolean", "overwrite the output file", "False"),
    "write_images": ("boolean", "store DL1 images", "False"),
    "image_cleaner_type": ("string", "image cleaning algorithm", "TailcutsImageCleaner"),
    "compression_level": ("int", "compression level of the output", "5"),
    "log_level": ("int", "logging level", "30"),
    "progress_bar": ("boolean", "show a progress bar", "False"),
    "skip_broken_files": ("boolean", "skip files that cannot be read", "False"),
    "reconstructor_paths": ("string", "paths of the trained models", None),
    "n_jobs": ("int", "number of parallel jobs", None),
    "chunk_size": ("int", "number of events per chunk", "100000"),
}

# =============================================================================
# Rows, and how the stored values come out
# =============================================================================


class _Rows:
    """The rows of one database, with the keys the database would hand out."""

    def __init__(self, md: MetaData) -> None:
        self.md = md
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._seq: dict[str, int] = defaultdict(int)

    def next(self, sequence: str) -> int:
        """The next value of a sequence (one per serial column, starting at 1)."""
        self._seq[sequence] += 1
        return self._seq[sequence]

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        columns = self.md.tables[table].columns
        unknown = set(values) - set(columns.keys())
        if unknown:
            raise KeyError(f"{table} has no column {sorted(unknown)}")
        self.rows[table].append(values)
        return values

    def find(self, table: str, **criteria: Any) -> list[dict[str, Any]]:
        return [r for r in self.rows[table] if all(r.get(k) == v for k, v in criteria.items())]

    def one(self, table: str, **criteria: Any) -> dict[str, Any] | None:
        """Like SQLAlchemy's ``.one()`` behind ``except NoResultFound: return S_OK()``."""
        found = self.find(table, **criteria)
        if len(found) > 1:
            raise RuntimeError(f"MultipleResultsFound in {table} for {criteria}")
        return found[0] if found else None


def _pg_text(value: Any) -> str:
    """What PostgreSQL stores in a VARCHAR for a value psycopg2 sends (assignment cast to text)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        def element(v: Any) -> str:
            s = _pg_text(v)
            if s == "" or any(c in s for c in ' ,{}"\\') or s.upper() == "NULL":
                return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
            return s
        return "{" + ",".join(element(v) for v in value) + "}"
    return str(value)


def _service_values(table: _Rows, name: str, values: dict[str, Any]) -> dict[str, Any]:
    """``ProvenanceDB._dictToObject``: falsy values are not set; text columns get PostgreSQL's text."""
    columns = table.md.tables[name].columns
    out = {}
    for key, value in values.items():
        if not value:  # "if value: setattr(table, key, value)"
            continue
        if isinstance(columns[key].type, String) and not isinstance(value, str):
            value = _pg_text(value)
        elif isinstance(columns[key].type, DateTime) and isinstance(value, str):
            value = datetime.fromisoformat(value)  # the ISO string sent, as PostgreSQL parses it
        out[key] = value
    return out


# =============================================================================
# prototype_2019: prov_muons.ipynb, cells 6 and 12
# =============================================================================


def _fill_prototype(rows: _Rows, provenance: list[dict[str, Any]], extended: bool) -> None:
    ctimes = {path: ctime for path, ctime in _P19.values()}

    def add(table: str, **values: Any) -> dict[str, Any]:
        return rows.add(table, **values)

    # -- cell 6: descriptions typed in by hand --
    dataset_descriptions = {"simtel_events": ("gamma events", "simtel file"),
                            "dl1_events": ("dl1", "DL1 file"), "dl2_events": ("dl2", "DL2 file"),
                            "model_file": ("model", "energy model"), "config_file": ("config", "config file")}
    for ident, (name, description) in dataset_descriptions.items():
        add("entityDescriptions", id=ident, name=name, description=description, classType="datasetDescription")
        add("datasetDescriptions", id=ident)
    add("entityDescriptions", id="status", classType="valueDescription")
    add("valueDescriptions", id="status")
    roles = {"dl0.sub.evt": "simtel_events", "dl1.sub.evt": "dl1_events", "dl2.sub.evt": "dl2_events",
             "reconstructor": "model_file", "tool.config": "config_file"}
    typed = {  # tool -> (activity description id as typed, inputs, outputs)
        "ctapipe-process": (f"ctapipe-process_{_V19}", ["dl0.sub.evt"], ["dl1.sub.evt"]),
        "ctapipe-merge": (f"ctapipe-merge_{_V19}", ["dl1.sub.evt"], ["dl1.sub.evt"]),
        # typed with underscores: the activities' ``ctapipe-apply-models_0.7.0`` finds nothing
        "ctapipe-apply-models": (f"ctapipe_apply_models_{_V19}", ["dl1.sub.evt", "reconstructor"], ["dl2.sub.evt"]),
    }
    for tool, (ad, inputs, outputs) in typed.items():
        kind, _, description = _TOOLS[tool]
        add("activityDescriptions", id=ad, name=tool.replace("-", "_"), type=kind.lower(), subtype="",
            version=_V19, doculink="", description=description)
        for role in inputs:
            add("usageDescriptions", id=f"{ad}_{roles[role]}", activityDescription_id=ad,
                entityDescription_id=roles[role], role=role)
        for role in outputs:  # as in the notebook: the input role copied onto the output description
            add("generationDescriptions", id=f"{ad}_{roles[role]}", activityDescription_id=ad,
                entityDescription_id=roles[role], role=inputs[0])
        add("generationDescriptions", id=f"{ad}_status", activityDescription_id=ad, entityDescription_id="status",
            role="quality")

    # -- cell 12 --
    entities: set[str] = set()

    def set_file_id(url: str) -> str:
        logical_name = url.split("/")[-1]
        name = logical_name + str(ctimes[url])  # str(os.path.getctime(url))
        return str(uuid.uuid5(uuid.NAMESPACE_URL, name))

    def get_file_id(url: str) -> str:
        file_uuid = set_file_id(url)
        return file_uuid if file_uuid in entities else ""

    def add_activity(cta_activity: dict[str, Any]) -> None:
        if not rows.find("activities", id=cta_activity["activity_uuid"]):
            add("activities", id=cta_activity["activity_uuid"], name=cta_activity["activity_name"],
                startTime=cta_activity["start"]["time_utc"], endTime=cta_activity["stop"]["time_utc"], comment="",
                activityDescription_id=cta_activity["activity_name"] + "_"
                + cta_activity["system"]["ctapipe_version"])
            add("wasAssociatedWith", id=rows.next("wasAssociatedWith.id"), activity=cta_activity["activity_uuid"],
                agent="CTAO")

    add("agents", id="CTAO", name="CTA Observatory", type="Organization")
    for cta_activity in provenance:
        add_activity(cta_activity)
        for cta_input in cta_activity["input"]:
            filename_uuid = get_file_id(cta_input["url"])
            if filename_uuid == "":
                filename_uuid = set_file_id(cta_input["url"])
                add("entities", id=filename_uuid, classType="dataset", name=cta_input["url"].split("/")[-1],
                    location=cta_input["url"])
                add("datasetEntities", id=filename_uuid)
                entities.add(filename_uuid)
            add("wasAttributedTo", id=rows.next("wasAttributedTo.id"), entity=filename_uuid, agent="CTAO")
            add("used", id=rows.next("used.id"), role=cta_input["role"], activity_id=cta_activity["activity_uuid"],
                entity_id=filename_uuid)
        for cta_output in cta_activity["output"]:
            filename_uuid = set_file_id(cta_output["url"])
            if filename_uuid in entities:
                pass  # print("ERROR"): nothing is written for the entity, the wasGeneratedBy still is
            else:
                add("entities", id=filename_uuid, classType="dataset", name=cta_output["url"].split("/")[-1],
                    location=cta_output["url"])
                add("datasetEntities", id=filename_uuid)
                entities.add(filename_uuid)
                add("wasAttributedTo", id=rows.next("wasAttributedTo.id"), entity=filename_uuid, agent="CTAO")
            add("wasGeneratedBy", id=rows.next("wasGeneratedBy.id"), role=cta_output["role"],
                activity_id=cta_activity["activity_uuid"], entity_id=filename_uuid)
        status = cta_activity["activity_uuid"] + "_status"
        # current_output_value.valueXX = cta_activity['status']: no column, the value is lost
        add("entities", id=status, name="status", classType="value", entityDescription_id="status")
        add("valueEntities", id=status)
        add("wasGeneratedBy", id=rows.next("wasGeneratedBy.id"), role="status",
            activity_id=cta_activity["activity_uuid"], entity_id=status)

    if extended:
        _extend_prototype(rows, provenance, typed, set_file_id)


def _extend_prototype(rows: _Rows, provenance: list[dict[str, Any]], typed: dict, set_file_id: Any) -> None:
    """Not from any filling code: parameters and a config file as the prototype schema lays them out."""
    by_name = {a["activity_name"]: a for a in provenance}
    for tool, (ad, _, _) in typed.items():
        config = next(iter(by_name[tool]["config"].values()))
        for name in config:
            value_type, description, default = _PARAMETERS[name]
            ident = f"{ad}_{name}"
            rows.add("entityDescriptions", id=ident, name=name, classType="valueDescription")
            rows.add("valueDescriptions", id=ident, valueType=value_type, default=default)
            rows.add("parameterDescriptions", id=ident, name=name, valueType=value_type, default=default,
                     description=description)
        if tool == "ctapipe-process":
            rows.add("entityDescriptions", id=f"{ad}_config", name="process_config.json", classType="valueDescription")
            rows.add("valueDescriptions", id=f"{ad}_config")
            rows.add("configFileDescriptions", id=f"{ad}_config", name="process_config.json",
                     contextType="application/json", description="configuration of ctapipe-process")
    for activity in provenance:
        uid, ad = activity["activity_uuid"], typed[activity["activity_name"]][0]
        for name, value in next(iter(activity["config"].values())).items():
            ident = f"{uid}_{name}"
            rows.add("entities", id=ident, name=name, classType="value")
            rows.add("valueEntities", id=ident, value=str(value))
            rows.add("parameters", id=ident, value=str(value), name=name, parameterDescription_id=f"{ad}_{name}")
            rows.add("wasConfiguredBy", id=rows.next("wasConfiguredBy.id"), artefactType="Parameter",
                     activity_id=uid, parameter_id=ident)
        for entry in activity["input"]:
            if entry["role"] == "tool.config":
                ident = f"{uid}_config"
                rows.add("entities", id=ident, name=entry["url"].split("/")[-1], location=entry["url"],
                         classType="value")
                rows.add("valueEntities", id=ident)
                rows.add("configFiles", id=ident, name=entry["url"].split("/")[-1], location=entry["url"],
                         configFileDescription_id=f"{ad}_config")
                rows.add("wasConfiguredBy", id=rows.next("wasConfiguredBy.id"), artefactType="ConfigFile",
                         activity_id=uid, configFile_id=ident)
    merge, apply = by_name["ctapipe-merge"], by_name["ctapipe-apply-models"]
    for entry in merge["input"]:
        rows.add("wasDerivedFrom", generatedEntity=set_file_id(merge["output"][0]["url"]),
                 usedEntity=set_file_id(entry["url"]))
    rows.add("wasInformedBy", wasInformedBy_Id=rows.next("wasInformedBy.wasInformedBy_Id"),
             informant=merge["activity_uuid"], informed=apply["activity_uuid"])


# =============================================================================
# The DIRAC file catalogue the service scripts ask
# =============================================================================


class _Catalogue:
    """``FileCatalogClient.getFileMetadata``/``getReplicas`` for the fixture's LFNs."""

    def __init__(self, lfns: dict[str, str], entries: dict[str, tuple[datetime, list[str]]], seed: str) -> None:
        self.by_lfn = {lfns[k]: (_guid(f"{seed}:{lfns[k]}"), *entries[k]) for k in lfns}

    def guid(self, lfn: str) -> str:
        return self.by_lfn[lfn][0]

    def creation_date(self, lfn: str) -> datetime:
        return self.by_lfn[lfn][1]

    def replicas(self, lfn: str) -> list[str]:
        return self.by_lfn[lfn][2]


def _job_of(uid: str, uuids: dict[str, str]) -> str:
    return next(k for k, v in uuids.items() if v == uid)


# =============================================================================
# service_2019: cta-prod-init-prov.py + cta-prod-add-prov.py (8e678ab)
# service_2020_04: the same scripts at a5a45c5 (wasAssociatedWith/wasAttributedTo columns <x>_id,
# ValueDescription without options/default)
# =============================================================================


def _fill_service_2019(rows: _Rows, provenance: list[dict[str, Any]], extended: bool,
                       generation: str = "service_2019") -> None:
    april_2020 = generation == "service_2020_04"
    spec = _SPECS[generation]
    # relation columns: wAW.activity/.agent, wAT.entity/.agent in 2019; <x>_id since a5a45c5
    waw = ("activity_id", "agent_id") if april_2020 else ("activity", "agent")
    wat = ("entity_id", "agent_id") if april_2020 else ("entity", "agent")

    def add(table: str, **values: Any) -> dict[str, Any]:
        return rows.add(table, **_service_values(rows, table, values))

    def attribute(entity: str) -> None:
        add("wasAttributedTo", id=rows.next("wasAttributedTo.id"), **{wat[0]: entity, wat[1]: "CTAO"})

    fc = _Catalogue(spec["lfn"], spec["catalogue"], spec["seed"])

    # -- cta-prod-init-prov.py, once per tool --
    def init(cta_activity: dict[str, Any]) -> None:
        tool = cta_activity["activity_name"]
        ad = tool + "_" + cta_activity["system"]["ctapipe_version"]
        if rows.find("activityDescriptions", id=ad):
            return
        kind, subtype, description = _TOOLS[tool]
        add("activityDescriptions", id=ad, name=tool, type=kind, subtype=subtype, version=spec["version"], doculink="",
            description=description)
        for entry in cta_activity["input"] + cta_activity["output"]:
            ident, name, text_, content = _KINDS_2019[entry["role"]]
            if not rows.find("entityDescriptions", id=ident):
                add("entityDescriptions", id=ident, name=name, description=text_, classType="datasetDescription",
                    type="data")
                add("datasetDescriptions", id=ident, contentType=content)
        for role in dict.fromkeys(e["role"] for e in cta_activity["input"]):
            if role == "tool.config":
                continue  # never asked for: the config file is not in the job's input data
            ident = _KINDS_2019[role][0]
            add("usageDescriptions", id=f"{ad}_{ident}", activityDescription_id=ad, entityDescription_id=ident,
                role=role, type="Main", multiplicity=1)
        last_input_role = cta_activity["input"][-1]["role"]
        for entry in cta_activity["output"]:
            ident = _KINDS_2019[entry["role"]][0]
            # registered under the role the add-prov script will look it up with (see the module doc)
            add("generationDescriptions", id=f"{ad}_{ident}", activityDescription_id=ad,
                entityDescription_id=ident, role=last_input_role, type="Main", multiplicity=1)
        if not rows.find("entityDescriptions", id="status"):
            add("entityDescriptions", id="status", name="status", description="activity status", type="Quality",
                classType="valueDescription")
            if april_2020:  # a5a45c5: valueDesc1 = ValueDescription(..., valueType='string')
                add("valueDescriptions", id="status", valueType="string")
            else:
                add("valueDescriptions", id="status", valueType="string", options="(NOK,OK)", default="NOK")
        add("generationDescriptions", id=f"{ad}_status", activityDescription_id=ad, entityDescription_id="status",
            role="status", type="Quality", multiplicity=1)
        for name in next(iter(cta_activity["config"].values())):
            value_type, text_, default = _PARAMETERS[name]
            add("parameterDescriptions", id=rows.next("parameterDescriptions.id"), name=name, valueType=value_type,
                description=text_, default=default, ucd="meta.id" if value_type == "string" else None,
                utype="ProvenanceDM.ParameterDescription", activityDescription_id=ad)
        if extended and tool == "ctapipe-process":
            add("configFileDescriptions", id=rows.next("configFileDescriptions.id"), name="process_config.json",
                contentType="application/json", description="configuration of ctapipe-process",
                activityDescription_id=ad)

    for cta_activity in provenance:
        init(cta_activity)
    if not rows.find("agents", id="CTAO"):
        add("agents", id="CTAO", name="CTA Observatory", type="Organization")

    # -- cta-prod-add-prov.py --
    def get_activityDescription(cta_activity: dict[str, Any]) -> str:
        return cta_activity["activity_name"] + "_" + cta_activity["system"]["ctapipe_version"]

    def add_activity(cta_activity: dict[str, Any], activityDescription_id: str) -> None:
        add("activities", id=cta_activity["activity_uuid"], name=cta_activity["activity_name"],
            startTime=cta_activity["start"]["time_utc"], endTime=cta_activity["stop"]["time_utc"], comment="",
            activityDescription_id=activityDescription_id)
        add("wasAssociatedWith", id=rows.next("wasAssociatedWith.id"),
            **{waw[0]: cta_activity["activity_uuid"], waw[1]: "CTAO"})

    def description(table: str, ad: str, role: str) -> dict[str, Any]:
        found = rows.one(table, activityDescription_id=ad, role=role)
        if found is None:  # dict_...Description = None; None['id'] -> TypeError, the script dies
            raise RuntimeError(f"cta-prod-add-prov.py would crash: no {table} for ({ad}, {role})")
        return found

    for cta_activity in provenance:
        job = _job_of(cta_activity["activity_uuid"], spec["uuid"])
        inputData = [spec["lfn"][k] for k in spec["dirac"][job][0]]
        outputData = [spec["lfn"][k] for k in spec["dirac"][job][1]]
        activityDescription_id = get_activityDescription(cta_activity)
        add_activity(cta_activity, activityDescription_id)
        cta_input: dict[str, Any] = {}
        for cta_input in cta_activity["input"]:
            local_file = os.path.basename(cta_input["url"])
            for lfn in inputData:
                if local_file == os.path.basename(lfn):
                    filename_uuid = fc.guid(lfn)
                    creation_date = fc.creation_date(lfn).isoformat()
                    location = fc.replicas(lfn)
                    usage = description("usageDescriptions", activityDescription_id, cta_input["role"])
                    if not rows.find("entities", id=filename_uuid):
                        add("entities", id=filename_uuid, classType="dataset", name=lfn, location=location,
                            generatedAtTime=creation_date, entityDescription_id=usage["entityDescription_id"])
                        add("datasetEntities", id=filename_uuid)
                        attribute(filename_uuid)
                    add("used", id=rows.next("used.id"), role=cta_input["role"],
                        activity_id=cta_activity["activity_uuid"], entity_id=filename_uuid,
                        usageDescription_id=usage["id"])
        for cta_output in cta_activity["output"]:
            local_file = os.path.basename(cta_output["url"])
            for lfn in outputData:
                if local_file == os.path.basename(lfn):
                    filename_uuid = fc.guid(lfn)
                    creation_date = fc.creation_date(lfn).isoformat()
                    location = fc.replicas(lfn)
                    # get_generationDescription(activityDescription_id, cta_input['role']): the last input's role
                    generation = description("generationDescriptions", activityDescription_id, cta_input["role"])
                    add("entities", id=filename_uuid, classType="dataset", name=lfn, location=location,
                        generatedAtTime=creation_date, entityDescription_id=generation["entityDescription_id"])
                    add("datasetEntities", id=filename_uuid)
                    attribute(filename_uuid)
                    add("wasGeneratedBy", id=rows.next("wasGeneratedBy.id"), role=cta_output["role"],
                        activity_id=cta_activity["activity_uuid"], entity_id=filename_uuid,
                        generationDescription_id=generation["id"])
        status_id = cta_activity["activity_uuid"] + "_status"
        generation = description("generationDescriptions", activityDescription_id, "status")
        add("entities", id=status_id, name="status", classType="value",
            entityDescription_id=generation["entityDescription_id"])
        add("valueEntities", id=status_id, value=cta_activity["status"])
        add("wasGeneratedBy", id=rows.next("wasGeneratedBy.id"), role="status",
            activity_id=cta_activity["activity_uuid"], entity_id=status_id,
            generationDescription_id=generation["id"])
        # for cta_config_key, cta_config_value in cta_activity['config']['MuonDisplayerTool'].iteritems():
        for key, value in next(iter(cta_activity["config"].values())).items():
            parameter_id = cta_activity["activity_uuid"] + "_" + key
            parameter_description = rows.one("parameterDescriptions", activityDescription_id=activityDescription_id,
                                             name=key)
            if parameter_description is None:
                raise RuntimeError(f"cta-prod-add-prov.py would crash: no parameter description {key}")
            add("parameters", id=parameter_id, name=key, value=value,
                parameterDescription_id=parameter_description["id"])
            add("wasConfiguredBy", id=rows.next("wasConfiguredBy.id"), artefactType="Parameter",
                activity_id=cta_activity["activity_uuid"], parameter_id=parameter_id)

    if extended:
        for cta_activity in provenance:
            uid = cta_activity["activity_uuid"]
            for entry in cta_activity["input"]:
                if entry["role"] == "tool.config":
                    cfd = rows.one("configFileDescriptions", activityDescription_id=get_activityDescription(cta_activity))
                    ident = f"{uid}_{os.path.basename(entry['url'])}"
                    add("configFiles", id=ident, name=os.path.basename(entry["url"]), location=entry["url"],
                        configFileDescription_id=cfd["id"] if cfd else None)
                    add("wasConfiguredBy", id=rows.next("wasConfiguredBy.id"), artefactType="ConfigFile",
                        activity_id=uid, configFile_id=ident)
                    break
        for k in ("dl1_a", "dl1_b"):
            add("wasDerivedFrom", wasDerivedFrom_Id=rows.next("wasDerivedFrom.wasDerivedFrom_Id"),
                generatedEntity=fc.guid(spec["lfn"]["merged"]), usedEntity=fc.guid(spec["lfn"][k]))
        add("wasInformedBy", wasInformedBy_Id=rows.next("wasInformedBy.wasInformedBy_Id"),
            informant=spec["uuid"]["m"], informed=spec["uuid"]["a"])


# =============================================================================
# service_2020: cta-prod-init-prov.py (45308be) + cta-prod-add-prov.py (e90538a)
# =============================================================================


def _fill_service_2020(rows: _Rows, provenance: list[dict[str, Any]], extended: bool) -> None:
    def add(table: str, **values: Any) -> int:
        """``_sessionAdd``: insert, return the new internal_key (a sub-table row shares its parent's)."""
        values = _service_values(rows, table, values)
        if "internal_key" not in values:
            values["internal_key"] = rows.next(f"{table}.internal_key")
        rows.add(table, **values)
        return values["internal_key"]

    def add_entity(kind: str, **values: Any) -> int:  # joined-table inheritance of entities
        sub = {k: values.pop(k) for k in ("value", "ctadirac_guid") if k in values}
        key = add("entities", classType=kind, **values)
        add("valueEntities" if kind == "value" else "datasetEntities", internal_key=key, **sub)
        return key

    def add_description(kind: str, **values: Any) -> int:  # joined-table inheritance of entityDescriptions
        sub = {k: values.pop(k) for k in ("valueType", "unit", "ucd", "utype", "contentType") if k in values}
        found = rows.find("entityDescriptions", name=values["name"])  # getEntityDescriptionKey(name): the last one
        if found:
            return found[-1]["internal_key"]
        key = add("entityDescriptions", classType=kind, **values)
        add("valueDescriptions" if kind == "valueDescription" else "datasetDescriptions", internal_key=key, **sub)
        return key

    def add_once(table: str, criteria: dict[str, Any], **values: Any) -> int:
        found = rows.find(table, **criteria)
        return found[-1]["internal_key"] if found else add(table, **values)

    fc = _Catalogue(_S20_LFN, _S20_CATALOGUE, "service_2020")

    # -- cta-prod-init-prov.py, once per tool --
    for cta_activity in provenance:
        tool, version = cta_activity["activity_name"], cta_activity["system"]["ctapipe_version"]
        kind, subtype, text_ = _TOOLS[tool]
        ad = add_once("activityDescriptions", {"name": tool, "version": version}, name=tool, type=kind,
                      subtype=subtype, version=version, doculink="", description=text_)
        for table, entries in (("usageDescriptions", cta_activity["input"]),
                               ("generationDescriptions", cta_activity["output"])):
            for role in dict.fromkeys(e["role"] for e in entries):
                name, description, content = _KINDS_2020[role]
                ed = add_description("datasetDescription", name=name, description=description, type="data",
                                     contentType=content)
                add_once(table, {"activityDescription_key": ad, "entityDescription_key": ed, "role": role},
                         activityDescription_key=ad, entityDescription_key=ed, role=role, type="Main",
                         multiplicity=1)
        ed = add_description("valueDescription", name="status", description="activity status", type="Quality",
                             valueType="string")
        add_once("generationDescriptions", {"activityDescription_key": ad, "entityDescription_key": ed,
                                            "role": "status"},
                 activityDescription_key=ad, entityDescription_key=ed, role="status", type="Quality", multiplicity=1)
        if not rows.find("parameterDescriptions", activityDescription_key=ad):
            for name in ("input_url", "output_path") if tool != "ctapipe-merge" else ("input_files", "output_path"):
                value_type, description, default = _PARAMETERS[name]
                add("parameterDescriptions", name=name, valueType=value_type, description=description, ucd="meta.id",
                    utype="ProvenanceDM.ParameterDescription", activityDescription_key=ad)
            if extended:
                for name in next(iter(cta_activity["config"].values())):
                    if not rows.find("parameterDescriptions", activityDescription_key=ad, name=name):
                        value_type, description, default = _PARAMETERS[name]
                        add("parameterDescriptions", name=name, valueType=value_type, description=description,
                            default=default, activityDescription_key=ad)
                if tool == "ctapipe-process":
                    add("configFileDescriptions", name="process_config.yaml", contentType="application/x-yaml",
                        description="configuration of ctapipe-process", activityDescription_key=ad)
    add_once("agents", {"id": "CTAO"}, id="CTAO", name="CTA Observatory", type="Organization")

    # -- cta-prod-add-prov.py --
    def add_dataset(cta_data: dict[str, Any], dirac_data: list[str], entityDescription_key: int,
                    agent_key: int) -> int | None:
        local_file = os.path.basename(cta_data["url"])
        for lfn in dirac_data:
            if local_file == os.path.basename(lfn):
                filename_uuid = fc.guid(lfn)
                creation_date = fc.creation_date(lfn)  # .isoformat() sent, parsed back by PostgreSQL
                location = fc.replicas(lfn)
                found = [e for e in rows.find("entities", id=filename_uuid, classType="dataset")
                         if e.get("invalidatedAtTime") is None]
                if found:
                    entity_key = found[0]["internal_key"]
                else:  # DatasetEntity: ProvBase sends no ctadirac_guid
                    entity_key = add_entity("dataset", id=filename_uuid, name=lfn, location=location,
                                            generatedAtTime=creation_date,
                                            entityDescription_key=entityDescription_key)
                if agent_key:
                    add("wasAttributedTo", agent_key=agent_key, entity_key=entity_key)
                return entity_key
        return None

    def description(table: str, ad: int, role: str) -> dict[str, Any]:
        found = rows.one(table, activityDescription_key=ad, role=role)
        if found is None:
            raise RuntimeError(f"cta-prod-add-prov.py would crash: no {table} for ({ad}, {role})")
        return found

    activity_keys: dict[str, int] = {}
    for cta_activity in provenance:
        job = _job_of(cta_activity["activity_uuid"], _S20_UUID)
        inputData = [_S20_LFN[k] for k in _S20_DIRAC[job][0]]
        outputData = [_S20_LFN[k] for k in _S20_DIRAC[job][1]]
        agent_key = rows.find("agents", id="CTAO")[-1]["internal_key"]
        activityDescription_key = rows.find("activityDescriptions", name=cta_activity["activity_name"],
                                            version=cta_activity["system"]["ctapipe_version"])[-1]["internal_key"]
        activity_key = add("activities", id=cta_activity["activity_uuid"], name=cta_activity["activity_name"],
                           startTime=cta_activity["start"]["time_utc"], endTime=cta_activity["stop"]["time_utc"],
                           comment="", activityDescription_key=activityDescription_key)
        activity_keys[job] = activity_key
        if agent_key:
            add("wasAssociatedWith", agent_key=agent_key, activity_key=activity_key)
        for cta_input in cta_activity["input"]:
            usage = description("usageDescriptions", activityDescription_key, cta_input["role"])
            entity_key = add_dataset(cta_input, inputData, usage["entityDescription_key"], agent_key)
            add("used", role=cta_input["role"], activity_key=activity_key, entity_key=entity_key,
                usageDescription_key=usage["internal_key"])
        wGB1: dict[str, Any] = {}
        for cta_output in cta_activity["output"]:
            generation = description("generationDescriptions", activityDescription_key, cta_output["role"])
            entity_key = add_dataset(cta_output, outputData, generation["entityDescription_key"], agent_key)
            wGB1 = {"role": cta_output["role"], "activity_key": activity_key, "entity_key": entity_key,
                    "generationDescription_key": generation["internal_key"]}
            add("wasGeneratedBy", **wGB1)
        if cta_activity["status"]:
            generation = description("generationDescriptions", activityDescription_key, "status")
            # ValueEntity(value=...): ProvBase.ValueEntity does not send 'value'
            entity_key = add_entity("value", id=cta_activity["activity_uuid"] + "_status", name="status",
                                    entityDescription_key=generation["entityDescription_key"])
            wGB1 = {"role": "status", "activity_key": activity_key, "entity_key": entity_key,
                    "generationDescription_key": generation["internal_key"]}
        add("wasGeneratedBy", **wGB1)  # outside the if: without a status, the last output's row again
        if extended:  # the commented-out parameter loop, adapted to keys
            for key, value in next(iter(cta_activity["config"].values())).items():
                pd = rows.one("parameterDescriptions", activityDescription_key=activityDescription_key, name=key)
                parameter_key = add("parameters", name=key, value=value,
                                    parameterDescription_key=pd["internal_key"] if pd else None)
                add("wasConfiguredBy", artefactType="Parameter", activity_key=activity_key,
                    parameter_key=parameter_key)
            for entry in cta_activity["input"]:
                if entry["role"] == "Tool Configuration":
                    cfd = rows.one("configFileDescriptions", activityDescription_key=activityDescription_key)
                    config_key = add("configFiles", name=os.path.basename(entry["url"]), location=entry["url"],
                                     configFileDescription_key=cfd["internal_key"] if cfd else None)
                    add("wasConfiguredBy", artefactType="ConfigFile", activity_key=activity_key,
                        configFile_key=config_key)

    if extended:
        def entity(k: str) -> int:
            return rows.find("entities", id=fc.guid(_S20_LFN[k]))[0]["internal_key"]
        for k in ("dl1_3301", "dl1_3302"):
            add("wasDerivedFrom", generatedEntity=entity("merged"), usedEntity=entity(k))
        add("wasInformedBy", informant=activity_keys["m"], informed=activity_keys["a"])


_FILLERS = {"prototype_2019": _fill_prototype, "service_2019": _fill_service_2019,
            "service_2020_04": lambda rows, provenance, extended: _fill_service_2019(
                rows, provenance, extended, "service_2020_04"),
            "service_2020": _fill_service_2020}

# =============================================================================
# Writing
# =============================================================================


def _write(engine: Engine, rows: _Rows, generation: str) -> None:
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres and generation == "prototype_2019":
            # the prototype's dangling activityDescription_id needs unchecked foreign keys (as in SQLite)
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        for table in rows.md.sorted_tables:
            table_rows = rows.rows.get(table.name)
            if table_rows:
                names = list(table.columns.keys())
                connection.execute(table.insert(), [{c: r.get(c) for c in names} for r in table_rows])
        if postgres:  # the sequences behind serial keys continue after the rows written
            for table in rows.md.sorted_tables:
                for column in table.primary_key.columns:
                    if column.autoincrement is True or (
                            column.autoincrement == "auto" and isinstance(column.type, Integer)
                            and not column.foreign_keys and len(table.primary_key.columns) == 1):
                        connection.execute(text(
                            "SELECT setval(pg_get_serial_sequence(:t, :c), "
                            f'(SELECT coalesce(max("{column.name}"), 0) + 1 FROM "{table.name}"), false)'),
                            {"t": f'"{table.name}"', "c": column.name})


def build(engine: Engine, generation: str, *, extended: bool = False) -> None:
    """Create the tables of ``generation`` on ``engine`` and fill them as that generation's code did.

    ``extended`` also writes rows no generation's code wrote but its schema
    provides for (parameters, config files, wasDerivedFrom, wasInformedBy);
    see the module documentation.
    """
    md = metadata(generation)
    md.create_all(engine)
    rows = _Rows(md)
    _FILLERS[generation](rows, jobs(generation), extended)
    _write(engine, rows, generation)


def write_all(folder: Path | str | None = None, generations: Iterable[str] = GENERATIONS) -> list[Path]:
    """Write one SQLite file per generation into ``folder`` (default: next to this file)."""
    from sqlalchemy import create_engine

    folder = Path(folder) if folder is not None else Path(__file__).resolve().parent
    written = []
    for generation in generations:
        path = folder / FILES[generation]
        if path.exists():
            path.unlink()
        engine = create_engine(f"sqlite:///{path}")
        try:
            build(engine, generation)
        finally:
            engine.dispose()
        import sqlite3

        connection = sqlite3.connect(path, isolation_level=None)
        try:  # small files: 1 KiB pages (a table takes at least one)
            connection.execute("PRAGMA page_size = 1024")
            connection.execute("VACUUM")
        finally:
            connection.close()
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_all(sys.argv[1] if len(sys.argv) > 1 else None):
        print(f"{written_path}  {written_path.stat().st_size} bytes")

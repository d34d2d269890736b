"""Build CTADIRAC ProvenanceDB databases for the tests, in both schema generations.

``create_new_schema`` makes the mid-2020-and-later tables (``internal_key``
primary keys, ``<table>_key`` links), ``create_old_schema`` the 2019 ones
(string ``id`` primary keys, ``<table>_id`` links, integer ``id`` on the
relation tables). ``fill_ctadirac`` then writes what the CTADIRAC ingest
wrote for four ctapipe jobs of a 2023 production: one ``CTAO`` organisation
associated with every activity, an activity description per (tool, ctapipe
version), dataset entities named by their GUID and LFN and attributed to
CTAO, the status of each job as a value entity ``<uuid>_status``, and the
descriptions, parameters and config files of the tools.

The real generations (transcribed from CTADIRAC and the 2019 prototype)
are built by ``tests/data/provdb/make.py``, loaded here as :data:`REAL`.
"""

from __future__ import annotations

import importlib.util
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from types import ModuleType
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
)
from sqlalchemy.engine import Engine

__all__ = [
    "APPLY",
    "GUID",
    "LFN",
    "MERGE",
    "MODEL",
    "NEW",
    "OLD",
    "PROCESS_1",
    "PROCESS_2",
    "REAL",
    "REAL_FOLDER",
    "STATUS",
    "VERSION",
    "create_new_schema",
    "create_old_schema",
    "create_schema",
    "fill_ctadirac",
    "insert",
    "key_column",
    "link_column",
]  # fmt: skip

#: The folder of the real-generation fixtures and of ``make.py``, which builds them.
REAL_FOLDER = Path(__file__).resolve().parent.parent / "data" / "provdb"


def _load_make() -> ModuleType:
    spec = importlib.util.spec_from_file_location("provdb_make", REAL_FOLDER / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: ``tests/data/provdb/make.py``: ``GENERATIONS``, ``FILES``, ``jobs(generation)``, ``build(engine, generation)``.
REAL = _load_make()

NEW, OLD = "new", "old"
VERSION = "0.19.2"

# -- the content --------------------------------------------------------------

PROCESS_1 = "3f9a6c2e-5b1d-4e8a-9c7f-1d2e3b4a5c6d"
PROCESS_2 = "7b2e4d6f-8a1c-4b3e-9d5f-2c4e6a8b0d1f"
MERGE = "c5d7e9f1-2a3b-4c5d-8e6f-7a8b9c0d1e2f"
APPLY = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"

_PROD = "/vo.cta.in2p3.fr/MC/PROD5/LaPalma/gamma"
_RUN = "gamma_20deg_0deg_run{}___cta-prod5-lapalma_4LSTs_MAGIC_desert-2158m-LaPalma-dark"
#: file -> DIRAC file catalogue GUID
GUID = {
    "simtel_101": "8C3F0A52-C1D4-11EB-9A3E-0CC47A8F6E12",
    "simtel_102": "8C40E6B8-C1D4-11EB-9A3E-0CC47A8F6E12",
    "dl1_101": "1F2E3D4C-C250-11ED-8B7A-246E96A1B2C3",
    "dl1_102": "1F5A9B6E-C250-11ED-8B7A-246E96A1B2C3",
    "merged": "64D2E9A0-C31B-11ED-A1F4-246E96A1B2C3",
    "dl2": "B7A1C3E5-C3E6-11ED-9F0D-246E96A1B2C3",
    "model": "0E4B7D21-C2F0-11ED-8C55-246E96A1B2C3",
}
#: file -> logical file name
LFN = {
    "simtel_101": f"{_PROD}/sim_telarray/2103/Data/000xxx/{_RUN.format(101)}.simtel.zst",
    "simtel_102": f"{_PROD}/sim_telarray/2103/Data/000xxx/{_RUN.format(102)}.simtel.zst",
    "dl1_101": f"{_PROD}/ctapipe-process/2103/Data/000xxx/{_RUN.format(101)}.dl1.h5",
    "dl1_102": f"{_PROD}/ctapipe-process/2103/Data/000xxx/{_RUN.format(102)}.dl1.h5",
    "merged": f"{_PROD}/ctapipe-merge/2103/Data/gamma_20deg_0deg_merged.dl1.h5",
    "dl2": f"{_PROD}/ctapipe-apply-models/2103/Data/gamma_20deg_0deg_merged.dl2.h5",
    "model": "/vo.cta.in2p3.fr/MC/PROD5/LaPalma/models/2103/energy_regressor.pkl",
}
MODEL = "model"  #: the file only attributed, used by no activity
STATUS = {PROCESS_1: "completed", PROCESS_2: "completed", MERGE: "success", APPLY: "completed"}

#: tool -> (description, type, subtype, usage role, generation role)
_TOOLS = {
    "ctapipe-process": ("Process simulated or observed events into DL1 and DL2", "Reconstruction", "DL0 to DL1",
                        "DL0/Event", "DL1/Event"),
    "ctapipe-merge": ("Merge several DL1 files into one", "Selection", "merge", "DL1/Event", "DL1/Event"),
    "ctapipe-apply-models": ("Apply trained models to the events of a DL1 file", "Reconstruction", "DL1 to DL2",
                             "DL1/Event", "DL2/Event"),
    "ctapipe-train-energy-regressor": ("Train an energy regression model", "Calibration", "training", None, None),
}  # fmt: skip
#: entity description name -> (classType, content or value type, description)
_ENTITY_DESCRIPTIONS = {
    "sim_telarray events": ("datasetDescription", "application/zstd", "Simulated camera events from sim_telarray"),
    "DL1 events": ("datasetDescription", "application/x-hdf5", "DL1 images and parameters in the ctapipe HDF5 layout"),
    "DL2 events": ("datasetDescription", "application/x-hdf5", "DL2 reconstructed events in the ctapipe HDF5 layout"),
    "activity status": ("valueDescription", "char", "How the ctapipe tool ended"),
}  # fmt: skip
_ROLE_DESCRIPTIONS = {"DL0/Event": "sim_telarray events", "DL1/Event": "DL1 events", "DL2/Event": "DL2 events"}
#: tool -> (parameter name, value type, options, min, default, description)
_PARAMETER_DESCRIPTIONS = {
    "ctapipe-process": [
        ("EventSource.max_events", "int", None, "1", None, "Maximum number of events read from the input"),
        ("DataWriter.write_images", "boolean", None, None, "False", "Whether DL1 images are written"),
        ("ImageProcessor.image_cleaner_type", "char",
         "TailcutsImageCleaner, MARSImageCleaner, FACTImageCleaner, TimeConstrainedImageCleaner",
         None, "TailcutsImageCleaner", "The image cleaning algorithm"),
    ],
    "ctapipe-apply-models": [
        ("EnergyRegressor.model_cls", "char", '["RandomForestRegressor", "ExtraTreesRegressor"]', None,
         "ExtraTreesRegressor", "The scikit-learn regressor class"),
        ("ApplyModels.n_jobs", "int", None, "1", None, "Number of parallel jobs"),
    ],
}  # fmt: skip
#: activity -> (tool, start, end, inputs, outputs, parameters, config file or None, comment)
_ACTIVITIES = {
    PROCESS_1: ("ctapipe-process", "2023-03-14T10:02:11.482", "2023-03-14T10:17:40.913", ["simtel_101"], ["dl1_101"],
                {"EventSource.max_events": "10000", "DataWriter.write_images": "False",
                 "ImageProcessor.image_cleaner_type": "TailcutsImageCleaner"}, "process_config.yaml", None),
    PROCESS_2: ("ctapipe-process", "2023-03-14T10:03:05.117", "2023-03-14T10:19:58.240", ["simtel_102"], ["dl1_102"],
                {"EventSource.max_events": "10000", "DataWriter.write_images": "True",
                 "ImageProcessor.image_cleaner_type": "TailcutsImageCleaner"}, "process_config.yaml", None),
    MERGE: ("ctapipe-merge", "2023-03-15T08:30:00.015", "2023-03-15T08:34:27.771", ["dl1_101", "dl1_102"],
            ["merged"], {}, None, "DIRAC job 58213377"),
    APPLY: ("ctapipe-apply-models", "2023-03-16T14:45:09.338", "2023-03-16T14:52:31.006", ["merged"], ["dl2"],
            {"EnergyRegressor.model_cls": "ExtraTreesRegressor", "ApplyModels.n_jobs": "4"}, None, None),
}  # fmt: skip
_SIMTEL_TIME = datetime(2021, 3, 2, 17, 41, 5)

# -- the schemas ------------------------------------------------------------------

#: Tables with a ProvDM id, and the relation tables (integer id in 2019).
_RELATIONS = ("used", "wasGeneratedBy", "wasAssociatedWith", "wasAttributedTo", "wasDerivedFrom",
              "wasInformedBy", "wasConfiguredBy")  # fmt: skip
_TARGETS = {
    "activity": "activities", "entity": "entities", "agent": "agents", "configFile": "configFiles",
    "parameter": "parameters", "activityDescription": "activityDescriptions",
    "entityDescription": "entityDescriptions", "usageDescription": "usageDescriptions",
    "generationDescription": "generationDescriptions", "parameterDescription": "parameterDescriptions",
    "configFileDescription": "configFileDescriptions",
}  # fmt: skip
_TIME = "time"  # a TIMESTAMP in the new schema, text in the old one
#: table -> (columns, links, table it extends)
_SCHEMA: dict[str, tuple[list[tuple[str, Any]], list[str], str | None]] = {
    "activityDescriptions": ([("name", String), ("version", String), ("description", String), ("type", String),
                              ("subtype", String), ("doculink", String)], [], None),
    "entityDescriptions": ([("name", String), ("type", String), ("description", String), ("doculink", String),
                            ("classType", String)], [], None),
    "valueDescriptions": ([("valueType", String), ("unit", String), ("ucd", String), ("utype", String)], [],
                          "entityDescriptions"),
    "datasetDescriptions": ([("contentType", String)], [], "entityDescriptions"),
    "usageDescriptions": ([("role", String), ("description", String), ("type", String), ("multiplicity", Integer)],
                          ["activityDescription", "entityDescription"], None),
    "generationDescriptions": ([("role", String), ("description", String), ("type", String),
                                ("multiplicity", Integer)], ["activityDescription", "entityDescription"], None),
    "parameterDescriptions": ([("name", String), ("valueType", String), ("description", String), ("unit", String),
                               ("ucd", String), ("utype", String), ("min", String), ("max", String),
                               ("default", String), ("options", String)], ["activityDescription"], None),
    "configFileDescriptions": ([("name", String), ("contentType", String), ("description", String)],
                               ["activityDescription"], None),
    "activities": ([("id", String), ("name", String), ("startTime", String), ("endTime", String),
                    ("comment", String)], ["activityDescription"], None),
    "entities": ([("id", String), ("name", String), ("location", String), ("generatedAtTime", _TIME),
                  ("invalidatedAtTime", _TIME), ("comment", String), ("classType", String)],
                 ["entityDescription"], None),
    "valueEntities": ([("value", String)], [], "entities"),
    "datasetEntities": ([("ctadirac_guid", String)], [], "entities"),
    "agents": ([("id", String), ("name", String), ("type", String), ("comment", String), ("email", String),
                ("affiliation", String), ("phone", String), ("address", String), ("url", String)], [], None),
    "parameters": ([("name", String), ("value", String)], ["parameterDescription"], None),
    "configFiles": ([("name", String), ("location", String), ("comment", String)], ["configFileDescription"], None),
    "used": ([("role", String), ("time", String)], ["activity", "entity", "usageDescription"], None),
    "wasGeneratedBy": ([("role", String)], ["activity", "entity", "generationDescription"], None),
    "wasAssociatedWith": ([("role", String)], ["activity", "agent"], None),
    "wasAttributedTo": ([("role", String)], ["entity", "agent"], None),
    "wasDerivedFrom": ([], [], None),
    "wasInformedBy": ([], [], None),
    "wasConfiguredBy": ([("artefactType", String)], ["activity", "configFile", "parameter"], None),
}  # fmt: skip
#: Columns holding the key of another row under the same name in both generations.
_KEY_COLUMNS = {"wasDerivedFrom": [("generatedEntity", "entities"), ("usedEntity", "entities")],
                "wasInformedBy": [("informant", "activities"), ("informed", "activities")]}  # fmt: skip


def key_column(generation: str) -> str:
    """The primary key column of every table of ``generation``."""
    return "internal_key" if generation == NEW else "id"


def link_column(generation: str, link: str) -> str:
    """The column of a link (``activity``, ``entityDescription`` …) in ``generation``."""
    return f"{link}_key" if generation == NEW else f"{link}_id"


def _key_type(generation: str, table: str) -> Any:
    if generation == NEW:
        return BigInteger().with_variant(Integer(), "sqlite")
    return Integer() if table in _RELATIONS else String()


def _metadata(generation: str) -> MetaData:
    metadata = MetaData()
    key = key_column(generation)
    for name, (columns, links, parent) in _SCHEMA.items():
        target = [ForeignKey(f"{parent}.{key}")] if parent else []
        key_type = _key_type(generation, parent or name)
        table_columns = [Column(key, key_type, *target, primary_key=True, autoincrement=False)]
        for column, kind in columns:
            if generation == OLD and column == "id":
                continue  # the string primary key is the ProvDM id
            if name == "datasetEntities" and generation == OLD:
                continue  # the 2019 datasetEntities table had no GUID column
            kind = (DateTime if generation == NEW else String) if kind == _TIME else kind
            table_columns.append(Column(column, kind))
        for link in links:
            target_table = _TARGETS[link]
            table_columns.append(Column(link_column(generation, link), _key_type(generation, target_table),
                                        ForeignKey(f"{target_table}.{key}")))
        for column, target_table in _KEY_COLUMNS.get(name, []):
            target = [ForeignKey(f"{target_table}.{key}")]
            table_columns.append(Column(column, _key_type(generation, target_table), *target))
        Table(name, metadata, *table_columns)
    return metadata


def create_schema(engine: Engine, generation: str) -> None:
    """Create the ProvenanceDB tables of ``generation`` (``NEW`` or ``OLD``)."""
    _metadata(generation).create_all(engine)


def create_new_schema(engine: Engine) -> None:
    """Create the mid-2020-and-later tables: ``internal_key`` primary keys, ``<table>_key`` links."""
    create_schema(engine, NEW)


def create_old_schema(engine: Engine) -> None:
    """Create the 2019 tables: string ``id`` primary keys, ``<table>_id`` links."""
    create_schema(engine, OLD)


# -- filling ------------------------------------------------------------------------


class _Rows:
    """Rows to insert, with the keys each generation gives them."""

    def __init__(self, generation: str) -> None:
        self.generation = generation
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.count: dict[str, int] = defaultdict(int)

    def add(self, table: str, ident: str | None = None, links: dict[str, Any] | None = None, **values: Any) -> Any:
        """Add a row; return its key. ``ident`` is its 2019 string id (tables with a ProvDM id)."""
        self.count[table] += 1
        if self.generation == NEW:
            key = 1000 * (1 + list(_SCHEMA).index(table)) + self.count[table]
        else:
            key = self.count[table] if table in _RELATIONS else ident
            values.pop("id", None)
        row = {key_column(self.generation): key, **values}
        for link, target in (links or {}).items():
            row[link if link in ("generatedEntity", "usedEntity", "informant", "informed")
                else link_column(self.generation, link)] = target
        self.rows[table].append(row)
        return key

    def extend(self, table: str, parent: Any, **values: Any) -> None:
        if table == "datasetEntities" and self.generation == OLD:
            values = {}
        self.rows[table].append({key_column(self.generation): parent, **values})

    def time(self, moment: datetime) -> Any:
        return moment if self.generation == NEW else moment.isoformat(sep="T", timespec="milliseconds")


def _descriptions(rows: _Rows) -> dict[str, Any]:
    """Write every description; return their keys by name."""
    keys: dict[str, Any] = {}
    for name, (class_type, kind, text) in _ENTITY_DESCRIPTIONS.items():
        key = keys[name] = rows.add("entityDescriptions", name.replace(" ", "_"), name=name, type="File" if class_type
                                    == "datasetDescription" else "Value", description=text, classType=class_type)
        if class_type == "datasetDescription":
            rows.extend("datasetDescriptions", key, contentType=kind)
        else:
            rows.extend("valueDescriptions", key, valueType=kind, ucd="meta.code.status")
    for tool, (text, kind, subtype, used, generated) in _TOOLS.items():  # one per (tool, ctapipe version)
        ident = f"{tool}:{VERSION}"
        ad = keys[tool] = rows.add("activityDescriptions", ident, name=tool, version=VERSION, description=text,
                                   type=kind, subtype=subtype,
                                   doculink=f"https://ctapipe.readthedocs.io/en/v{VERSION}/user-guide/tools.html")
        roles = [("usageDescriptions", used, None if tool == "ctapipe-merge" else 1),
                 ("generationDescriptions", generated, 1), ("generationDescriptions", "status", 1)]
        for table, role, multiplicity in roles if used else []:
            entity = _ROLE_DESCRIPTIONS.get(role, "activity status")
            kind_of = "usage" if table == "usageDescriptions" else "generation"
            keys[f"{tool}/{kind_of}/{role}"] = rows.add(
                table, f"{ident}:{kind_of}:{role}", role=role, description=f"{role} of {tool}",
                type="Log" if role == "status" else "Main", multiplicity=multiplicity,
                links={"activityDescription": ad, "entityDescription": keys[entity]},
            )
        for name, value_type, options, low, default, text in _PARAMETER_DESCRIPTIONS.get(tool, []):
            keys[f"{tool}/parameter/{name}"] = rows.add(
                "parameterDescriptions", f"{ident}:{name}", name=name, valueType=value_type, description=text,
                options=options, min=low, default=default, links={"activityDescription": ad},
            )
        if tool == "ctapipe-process":
            keys[f"{tool}/configfile"] = rows.add(
                "configFileDescriptions", f"{ident}:process_config.yaml", name="process_config.yaml",
                contentType="application/yaml", description="The configuration of the processing",
                links={"activityDescription": ad},
            )
    return keys


def _entities(rows: _Rows, ctao: Any, descriptions: dict[str, Any]) -> dict[str, Any]:
    """Write the dataset entities (attributed to CTAO); return their keys by file."""
    keys: dict[str, Any] = {}
    times = {"dl1_101": datetime(2023, 3, 14, 10, 17, 38, 601000), "dl1_102": datetime(2023, 3, 14, 10, 19, 55),
             "merged": datetime(2023, 3, 15, 8, 34, 25, 127000), "dl2": datetime(2023, 3, 16, 14, 52, 29, 904000),
             "model": datetime(2023, 3, 15, 22, 11, 3)}  # fmt: skip
    for file, guid in GUID.items():
        described = {"simtel": "sim_telarray events", "dl1": "DL1 events", "merged": "DL1 events", "dl2": "DL2 events"}
        description = described.get(file.split("_")[0])
        key = keys[file] = rows.add(
            "entities", guid, id=guid, name=LFN[file], classType="dataset",
            generatedAtTime=rows.time(times.get(file, _SIMTEL_TIME)),
            comment="merged output of 2 runs" if file == "merged" else None,
            links={"entityDescription": descriptions[description]} if description else {},
        )
        rows.extend("datasetEntities", key, ctadirac_guid=guid)
        rows.add("wasAttributedTo", links={"entity": key, "agent": ctao},
                 role="Creator" if file == MODEL else None)
    return keys


def _activity(rows: _Rows, uuid: str, descriptions: dict, files: dict, ctao: Any) -> Any:
    tool, start, end, inputs, outputs, parameters, config, comment = _ACTIVITIES[uuid]
    _, _, _, used_role, generated_role = _TOOLS[tool]
    key = rows.add("activities", uuid, id=uuid, name=tool, startTime=start, endTime=end, comment=comment,
                   links={"activityDescription": descriptions[tool]})
    rows.add("wasAssociatedWith", links={"activity": key, "agent": ctao}, role="Provider")
    used_at = (datetime.fromisoformat(start) + timedelta(seconds=1)).isoformat(timespec="milliseconds")
    for file in inputs:
        rows.add("used", role=used_role, time=used_at, links={
            "activity": key, "entity": files[file], "usageDescription": descriptions[f"{tool}/usage/{used_role}"]})
    for file in outputs:
        rows.add("wasGeneratedBy", role=generated_role, links={
            "activity": key, "entity": files[file],
            "generationDescription": descriptions[f"{tool}/generation/{generated_role}"]})
    status = rows.add("entities", f"{uuid}_status", id=f"{uuid}_status", name="status", classType="value",
                      generatedAtTime=rows.time(datetime.fromisoformat(end)),
                      links={"entityDescription": descriptions["activity status"]})
    rows.extend("valueEntities", status, value=STATUS[uuid])
    rows.add("wasGeneratedBy", role="status", links={
        "activity": key, "entity": status, "generationDescription": descriptions[f"{tool}/generation/status"]})
    for name, value in parameters.items():
        parameter = rows.add("parameters", f"{uuid}:{name}", name=name, value=value,
                             links={"parameterDescription": descriptions[f"{tool}/parameter/{name}"]})
        rows.add("wasConfiguredBy", artefactType="Parameter", links={"activity": key, "parameter": parameter})
    if config:
        location = f"{_PROD}/ctapipe-process/2103/Log/000xxx/{config}"
        file = rows.add("configFiles", f"{uuid}:{config}", name=config, location=location,
                        links={"configFileDescription": descriptions[f"{tool}/configfile"]})
        rows.add("wasConfiguredBy", artefactType="ConfigFile", links={"activity": key, "configFile": file})
    return key


def fill_ctadirac(engine: Engine, generation: str) -> None:
    """Write four ctapipe jobs the way the CTADIRAC ingest did, into tables made by :func:`create_schema`.

    Besides the jobs: a derivation (the DL2 file from the merged DL1 file),
    a ``wasInformedBy`` (apply-models informed by merge), and rows no
    activity reaches: the model file (only attributed), an unused software
    agent and an unused activity description.
    """
    rows = _Rows(generation)
    descriptions = _descriptions(rows)
    ctao = rows.add("agents", "CTAO", id="CTAO", name="CTAO", type="Organization", url="https://www.ctao.org",
                    email="ctao-dpps@cta-observatory.org", address="Saupfercheckweg 1, 69117 Heidelberg, Germany")
    rows.add("agents", "CTADIRAC", id="CTADIRAC", name="CTADIRAC", type="software")
    files = _entities(rows, ctao, descriptions)
    activities = {uuid: _activity(rows, uuid, descriptions, files, ctao) for uuid in _ACTIVITIES}
    rows.add("wasDerivedFrom", links={"generatedEntity": files["dl2"], "usedEntity": files["merged"]})
    rows.add("wasInformedBy", links={"informed": activities[APPLY], "informant": activities[MERGE]})
    _write(engine, rows)


def _write(engine: Engine, rows: _Rows) -> None:
    metadata = _metadata(rows.generation)
    with engine.begin() as connection:
        for table in metadata.sorted_tables:
            if rows.rows.get(table.name):
                columns = {column for row in rows.rows[table.name] for column in row}
                values = [{column: row.get(column) for column in columns} for row in rows.rows[table.name]]
                connection.execute(table.insert(), values)


def insert(engine: Engine, table: str, **values: Any) -> None:
    """Insert one row into an existing ProvenanceDB table (the table is reflected)."""
    metadata = MetaData()
    reflected = Table(table, metadata, autoload_with=engine)
    with engine.begin() as connection:
        connection.execute(reflected.insert(), [values])

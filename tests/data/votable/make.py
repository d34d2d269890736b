"""PROV-VOTable fixtures in the form of the IVOA Provenance Data Model working draft of September 2017.

Importing this module has no side effects; ``python make.py`` writes

* ``provdm_draft_example.vot`` -- the column layout of Appendix B as last
  revised (``doc/PROV-VOTABLE.tex`` at ivoa-std/ProvenanceDM ``424c295``,
  2017-09-27, the text still carried, commented out, by the 2018-05-30 draft);
* ``provdm_wd20170921_example.vot`` -- the same records in the layout of
  the published WD-ProvenanceDM-1.0-20170921 (``PROV-VOTABLE.tex`` at
  ``3c97133``, 2017-09-21): ``a_stopTime`` instead of ``a_endTime``, the
  EntityDescription columns in another order, and that version's utype and
  UCD misprints;
* ``provdm_pr20181015_example.vot`` -- the same activities in the form of the
  two VOTable examples of PR-ProvenanceDM-1.0-20181015 (section 3.3 "VOTable
  format for Provenance metadata", ``doc/serialisation-intro.tex``, and
  Appendix A "Serialization Examples", ``doc/serialization-examples.tex``, at
  ``143ed05``): tables Used, WasGeneratedBy, Activity, ActivityDescription,
  Entity with only the columns those examples show (``a_endTime`` with UCD
  ``time.end``, ``e_type`` with ``meta.main``, ``ad_group``), VOTable 1.2.

For the first two: one TABLE per class of the model, named and typed as in Table B.1, whose
FIELDs are the columns of Tables B.2-B.14 (name, ucd, utype, datatype; every
column is ``char`` with ``arraysize="*"``; "char OPTION(S)" columns get a
VALUES element listing the allowed strings).  The names, UCDs and utypes are
copied as printed, misprints included (see README.md).  The records are a
small ctapipe example: ``ctapipe-process`` of one simulated run and
``ctapipe-apply-models`` on its DL1 file with an energy model.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

__all__ = ["FILES", "LAYOUTS", "RECORDS", "VERSIONS", "make_votable", "write_all"]

#: layout name -> file written
FILES = {"draft": "provdm_draft_example.vot", "wd20170921": "provdm_wd20170921_example.vot",
         "pr20181015": "provdm_pr20181015_example.vot"}

# fmt: off
# (the layouts are laid out like the tables of the drafts)
# A column: (name, ucd, utype, datatype note as printed, OPTION values or None)
AGENT_ROLES = ["author", "contributor", "editor", "creator", "curator", "publisher", "observer", "operator",
               "coordinator/PI", "funder", "provider"]  # WD 2017-09-21, Table "Examples for roles of agents"
AGENT_TYPES = ["Individual", "Organization"]  # WD 2017-09-21, section on Agent: "either Individual (Person) or Organization"
USED_ROLES = ["DL0/Event", "DL1/Event", "reconstructor"]  # the roles of this example
GENERATED_ROLES = ["DL1/Event", "DL2/Event"]

_DRAFT: list[tuple[str, str, str, list[tuple[str, str, str, str, list[str] | None]]]] = [
    ("Entity", "voprov:Entity", "instances of Entity class", [
        ("e_id", "meta.id", "voprov:Entity.id", "char", None),
        ("e_name", "meta.title", "voprov:Entity.name", "char", None),
        ("e_type", "meta.code.class", "voprov:Entity.type", "char", None),
        ("e_rights", "meta.code.class", "voprov:Entity.rights", "char", None),
        ("e_annotation", "meta.description", "voprov:Entity.annotation", "char", None),
        ("e_hadMember", "meta.code.member", "voprov:Entity.hadMember", "char", None),
        ("e_description", "meta.id", "voprov:Entity.description", "char", None),
        ("e_usedEntity", "meta.id", "voprov:Entity.wasDerivedFrom.usedEntity", "char", None),
    ]),
    ("EntityDescription", "voprov:EntityDescription", "instances of EntityDescription class", [
        ("ed_id", "meta.id", "voprov:EntityDescription.id", "char", None),
        ("ed_name", "meta.title", "voprov:EntityDescription.name", "char", None),
        ("ed_annotation", "meta.description", "voprov:EntityDescription.annotation", "char", None),
        ("ed_category", "meta.code.class", "voprov:EntityDescription.category", "char", None),
        ("ed_doculink", "meta.ref.url", "voprov:EntityDescription.doculink", "char", None),
    ]),
    ("Activity", "voprov:Activity", "instances of actvity class", [
        ("a_id", "meta.id", "voprov:Activity.id", "char", None),
        ("a_name", "meta.title", "voprov:Activity.name", "char", None),
        ("a_startTime", "time.start", "voprov:Activity.startTime", "char", None),
        ("a_endTime", "time.stop", "voprov:Activity.endTime", "char", None),
        ("a_annotation", "meta.description", "voprov:Activity.annotation", "char", None),
        ("a_votype", "meta.code.class", "voprov:Activity.votype", "char", None),
        ("a_hadStep", "meta.code.member", "voprov:Activity.hadStep", "char", None),
        ("a_description", "meta.id", "voprov:Activity.description", "char", None),
        ("a_parameter", "meta.id", "voprov:Activity.parameter", "char", None),
        ("a_informant", "meta.id", "voprov:Activity.wasInformedBy.informant", "char", None),
    ]),
    ("ActivityDescription", "voprov:ActivityDescription", "instances of ActivityDescriptions", [
        ("ad_id", "meta.id", "voprov:ActivityDescription.id", "char", None),
        ("ad_name", "meta.title", "voprov:ActivityDescription.name", "char", None),
        ("ad_type", "meta.code.class", "voprov:ActivityDescription.type", "char", None),
        ("ad_subtype", "meta.code.class", "voprov:ActivityDescription.subtype", "char", None),
        ("ad_annotation", "meta.description", "voprov:ActivityDescription.annotation", "char", None),
        ("ad_doculink", "meta.ref.url", "voprov:ActivityDescription.doculink", "char", None),
        ("ad_param", "meta.id", "voprov:ActivityDescription.parameter", "char", None),
    ]),
    ("Agent", "voprov:Agent", "instances of Agent class", [
        ("ag_id", "meta.id", "voprov:Agent.id", "char", None),
        ("ag_name", "meta.title", "voprov:Agent.name", "char", None),
        ("ag_type", "meta.code.class", "voprov:Agent.type", "char OPTIONS", AGENT_TYPES),
        ("ag_address", "meta.address", "voprov:Agent.address", "char", None),
        ("ag_email", "meta.email", "voprov:Agent.email", "char", None),
    ]),
    ("Parameter", "voprov:Parameter", "instances of Parameter class", [
        ("p_id", "meta.id", "voprov:Parameter.id", "char", None),
        ("p_value", "stat.value", "voprov:Parameter.value", "param dependent", None),
        ("p_description", "meta.id", "voprov:Parameter.description", "reference to parameter description", None),
    ]),
    ("ParameterDescription", "voprov:ParameterDescription", "instances of ParameterDescription", [
        ("pd_id", "meta.id", "voprov:ParameterDescription.id", "char", None),
        ("pd_name", "meta.title", "voprov:ParameterDescription.name", "param dependent", None),
        ("pd_annotation", "meta.description", "voprov:ParameterDescription.annotation", "char", None),
        ("pd_datatype", "meta", "voprov:ParameterDescription.datatype", "char", None),
        ("pd_unit", "meta.unit", "voprov:ParameterDescription.unit", "char", None),
        ("pd_ucd", "meta.ucd", "voprov:ParameterDescription.ucd", "char", None),
        ("pd_utype", "meta", "voprov:ParameterDescription.utype", "char", None),
        ("pd_min", "stat.min", "voprov:ParameterDescription.min", "param dependent", None),
        ("pd_max", "stat.max", "voprov:ParameterDescription.max", "param dependent", None),
        ("pd_options", "meta", "voprov:ParameterDescription.options", "param dependent", None),
    ]),
    ("Used", "voprov:Used", "instances of Used relationships", [
        ("u_entity_id", "meta.id", "voprov:Used.entity", "char", None),
        ("u_activity_id", "meta.id", "voprov:Used.activity", "char", None),
        ("u_usedDescription_id", "meta.id", "voprov:Used.usedDescription", "char", None),
        ("u_role", "meta.code.class", "voprov:Used.role", "char OPTION", USED_ROLES),
        ("u_time", "time.start", "voprov:Used.time", "char", None),
    ]),
    ("UsedDescription", "voprov:UsedDescription", "instances of UsedDescription relationships", [
        ("ud_entityDescription_id", "meta.id", "voprov:UsedDescription.entityDescription", "char", None),
        ("ud_activityDescription_id", "meta.id", "voprov:UsedDescription.activityDescription", "char", None),
        ("ud_role", "meta.code.class", "voprov:UsedDescription.role", "char OPTION", USED_ROLES),
    ]),
    ("WasGeneratedBy", "voprov:WasGeneratedBy", "instances of WasGeneratedBy relationships", [
        ("wgb_entity_id", "meta.id", "voprov:WasGeneratedBy.entity", "char", None),
        ("wgb_activity_id", "meta.id", "voprov:WasGeneratedBy.activity", "char", None),
        ("wgb_role", "meta.code.class", "voprov:WasGeneratedBy.role", "char OPTION", GENERATED_ROLES),
        ("wgb_time", "time.stop", "voprov:WasGeneratedBy.time", "char", None),
    ]),
    ("WasGeneratedByDescription", "voprov:WasGeneratedByDescription",
     "instances of WasGeneratedByDescription relationships", [
        ("wgbd_entityDescription_id", "meta.id", "voprov:WasGeneratedByDescription.entityDescription", "char",
         None),
        ("wgbd_activityDescription_id", "meta.id", "voprov:WasGeneratedByDescription.activityDescription",
         "char", None),
        ("wgbd_role", "meta.code.class", "voprov:WasGeneratedByDescription.role", "char OPTION", GENERATED_ROLES),
     ]),
    ("WasAssociatedWith", "voprov:WasAssociatedWith", "instances of WasAssociatedWith relationships", [
        ("waw_agent_id", "meta.id", "voprov:WasAssociatedWith.agent", "char", None),
        ("waw_activity_id", "meta.id", "voprov:WasAssoatciatedWith.activity", "char", None),  # sic
        ("waw_role", "meta.code.class", "voprov:WasAssociatedWith.agentRole", "char OPTION", AGENT_ROLES),
    ]),
    ("WasAttributedTo", "voprov:WasAttributedTo", "instances of WasAttributedTo relationships", [
        ("wat_entity_id", "meta.id", "voprov:WasAttributedTo.entity", "char", None),
        ("wat_agent_id", "meta.id", "voprov:WasAttributedTo.agent", "char", None),
        ("wat_role", "meta.code.class", "voprov:WasAttributedTo.agentRole", "char OPTION", AGENT_ROLES),
    ]),
]


def _wd20170921() -> list:
    """The layout as published in WD-ProvenanceDM-1.0-20170921 (PROV-VOTABLE.tex at 3c97133)."""
    changed = {
        "e_description": ("e_description", "meta.id", "voprov:entity.description", "char", None),
        "e_usedEntity": ("e_usedEntity", "meta.id", "voprov:entity.wasDerivedFrom.usedEntity", "char", None),
        "a_endTime": ("a_stopTime", "time.stop", "voprov:Activity.stopTime", "char", None),
        "p_description": ("p_description", "mata.id", "voprov:Parameter.descripton",
                          "reference to parameter description", None),
        "waw_agent_id": ("waw_agent_id", "meta.id", "voprov:WasAssociatedWith.Agent", "char", None),
        "waw_activity_id": ("waw_activity_id", "meta.id", "voprov:WasAssoatciatedWith.Activity", "char", None),
        "wat_entity_id": ("wat_entity_id", "meta.id", "voprov:WasAttributedTo.Entity", "char", None),
        "wat_agent_id": ("wat_agent_id", "meta.id", "voprov:WasAttributedTo.Agent", "char", None),
    }
    layout = []
    for name, utype, description, columns in _DRAFT:
        columns = [changed.get(c[0], c) for c in columns]
        if name == "EntityDescription":  # id, name, doculink, category, annotation
            order = ["ed_id", "ed_name", "ed_doculink", "ed_category", "ed_annotation"]
            columns = sorted(columns, key=lambda c: order.index(c[0]))
        layout.append((name, utype, description, columns))
    return layout


#: PR-ProvenanceDM-1.0-20181015 (143ed05): the union of the columns of its two VOTable examples, written
#: as in section 3.3 (the Appendix A listing misprints ``u_activity_id`` twice, ``a_starttime``,
#: ``a_endtime`` and ``voprov:wasGeneratedBy.*``; section 3.3 gives the table utype ``voprov:wasGeneratedBy``).
_PR20181015 = [
    ("Used", "voprov:Used", None, [
        ("u_activity_id", "meta.id", "voprov:Used.activity", "char", None),
        ("u_entity_id", "meta.id", "voprov:Used.entity", "char", None),
    ]),
    ("WasGeneratedBy", "voprov:WasGeneratedBy", None, [
        ("wgb_entity_id", "meta.id", "voprov:WasGeneratedBy.entity", "char", None),
        ("wgb_activity_id", "meta.id", "voprov:WasGeneratedBy.activity", "char", None),
    ]),
    ("Activity", "voprov:Activity", None, [
        ("a_id", "meta.id", "voprov:Activity.id", "char", None),
        ("a_name", "meta.title", "voprov:Activity.name", "char", None),
        ("a_startTime", "time.start", "voprov:Activity.startTime", "char", None),
        ("a_endTime", "time.end", "voprov:Activity.endTime", "char", None),
        ("a_annotation", "meta.description", "voprov:Activity.annotation", "char", None),  # Appendix A only
        ("a_description", "meta.id", "voprov:Activity.description", "char", None),  # Appendix A only
    ]),
    ("ActivityDescription", "voprov:ActivityDescription", None, [  # Appendix A only
        ("ad_id", "meta.id", "voprov:ActivityDescription.id", "char", None),
        ("ad_name", "meta.title", "voprov:ActivityDescription.name", "char", None),
        ("ad_group", "meta.code.class", "voprov:ActivityDescription.group", "char", None),
        ("ad_doculink", "meta.ref.url", "voprov:ActivityDescription.doculink", "char", None),
    ]),
    ("Entity", "voprov:Entity", None, [
        ("e_id", "meta.id", "voprov:Entity.id", "char", None),
        ("e_name", "meta.title", "voprov:Entity.name", "char", None),
        ("e_type", "meta.main", "voprov:Entity.type", "char", None),  # section 3.3 only
        ("e_annotation", "meta.description", "voprov:Entity.annotation", "char", None),  # Appendix A only
    ]),
]

LAYOUTS = {"draft": _DRAFT, "wd20170921": _wd20170921(), "pr20181015": _PR20181015}
#: layout -> VOTable version (the PR examples declare 1.2)
VERSIONS = {"draft": "1.3", "wd20170921": "1.3", "pr20181015": "1.2"}

# -- the records (own values), by table, as {column: value}, in the draft layout (see _records for the others)

_PROD = "/vo.cta.in2p3.fr/MC/PROD5/LaPalma/gamma"
_RUN = "gamma_20deg_0deg_run4211___cta-prod5-lapalma_4LSTs_MAGIC_desert-2158m-LaPalma-dark"
SIMTEL = f"{_PROD}/sim_telarray/2301/Data/004xxx/{_RUN}.simtel.zst"
DL1 = f"{_PROD}/ctapipe-process/2302/Data/004xxx/{_RUN}.dl1.h5"
MODEL = "/vo.cta.in2p3.fr/MC/PROD5/LaPalma/models/2300/energy_regressor.pkl"
DL2 = f"{_PROD}/ctapipe-apply-models/2303/Data/004xxx/{_RUN}.dl2.h5"
PROCESS = "4b1d6e92-0c3a-4f7e-9a25-83d1c6e0b7f4"
APPLY = "e9c20a57-6d41-4b8f-b3e6-2f5a7d9c1e08"
AD_PROCESS, AD_APPLY = "ctapipe-process_0.19.3", "ctapipe-apply-models_0.19.3"
DOC = "https://ctapipe.readthedocs.io/en/v0.19.3/user-guide/tools.html"

RECORDS: dict[str, list[dict[str, Any]]] = {
    "Entity": [
        {"e_id": SIMTEL, "e_name": f"{_RUN}.simtel.zst", "e_rights": "restricted",
         "e_annotation": "simulated gamma-ray showers, run 4211", "e_description": "sim_telarray_events"},
        {"e_id": DL1, "e_name": f"{_RUN}.dl1.h5", "e_rights": "restricted",
         "e_annotation": "DL1 images and parameters of run 4211", "e_description": "dl1_events",
         "e_usedEntity": SIMTEL},
        {"e_id": MODEL, "e_name": "energy_regressor.pkl", "e_rights": "internal",
         "e_annotation": "ExtraTreesRegressor trained on gamma-diffuse DL2 events", "e_description": "model"},
        {"e_id": DL2, "e_name": f"{_RUN}.dl2.h5", "e_rights": "public",
         "e_annotation": "DL2 events of run 4211 with reconstructed energy", "e_description": "dl2_events",
         "e_usedEntity": DL1},
    ],
    "EntityDescription": [
        {"ed_id": "sim_telarray_events", "ed_name": "sim_telarray events", "ed_category": "simulation",
         "ed_annotation": "simulated camera events from sim_telarray (zstd-compressed eventio)",
         "ed_doculink": "https://www.mpi-hd.mpg.de/hfm/~bernlohr/sim_telarray/"},
        {"ed_id": "dl1_events", "ed_name": "DL1 events", "ed_category": "simulation",
         "ed_annotation": "DL1 images and parameters in the ctapipe HDF5 layout", "ed_doculink": DOC},
        {"ed_id": "dl2_events", "ed_name": "DL2 events", "ed_category": "simulation",
         "ed_annotation": "DL2 reconstructed events in the ctapipe HDF5 layout", "ed_doculink": DOC},
        {"ed_id": "model", "ed_name": "reconstruction model", "ed_category": "calibration",
         "ed_annotation": "pickled ctapipe Reconstructor"},
    ],
    "Activity": [
        {"a_id": PROCESS, "a_name": "ctapipe-process", "a_startTime": "2023-06-12T08:14:02.511",
         "a_endTime": "2023-06-12T08:39:47.106", "a_annotation": "R0/DL0 to DL1 of run 4211, DIRAC job 58011342",
         "a_votype": "activity", "a_description": AD_PROCESS,
         "a_parameter": f"{PROCESS}:DataWriter.write_images"},
        {"a_id": APPLY, "a_name": "ctapipe-apply-models", "a_startTime": "2023-06-13T21:05:44.930",
         "a_endTime": "2023-06-13T21:08:12.377", "a_annotation": "energy reconstruction, DIRAC job 58047719",
         "a_votype": "activity", "a_description": AD_APPLY, "a_parameter": f"{APPLY}:ApplyModels.n_jobs",
         "a_informant": PROCESS},
    ],
    "ActivityDescription": [
        {"ad_id": AD_PROCESS, "ad_name": "ctapipe-process", "ad_type": "reconstruction", "ad_subtype": "DL0 to DL1",
         "ad_annotation": "Process simulated or observed events into DL1 (ctapipe 0.19.3)", "ad_doculink": DOC,
         "ad_param": f"{AD_PROCESS}:DataWriter.write_images"},
        {"ad_id": AD_APPLY, "ad_name": "ctapipe-apply-models", "ad_type": "reconstruction",
         "ad_subtype": "DL1 to DL2", "ad_annotation": "Apply trained models to the events of a DL1 file",
         "ad_doculink": DOC, "ad_param": f"{AD_APPLY}:ApplyModels.n_jobs"},
    ],
    "Agent": [
        {"ag_id": "CTAO", "ag_name": "CTA Observatory", "ag_type": "Organization",
         "ag_address": "Saupfercheckweg 1, 69117 Heidelberg, Germany", "ag_email": "dpps-support@cta-observatory.org"},
        {"ag_id": "jdupont", "ag_name": "Jeanne Dupont", "ag_type": "Individual",
         "ag_address": "LUPM, Place Eugene Bataillon, 34095 Montpellier, France",
         "ag_email": "jeanne.dupont@example.org"},
    ],
    "Parameter": [
        {"p_id": f"{PROCESS}:DataWriter.write_images", "p_value": "true",
         "p_description": f"{AD_PROCESS}:DataWriter.write_images"},
        {"p_id": f"{APPLY}:ApplyModels.n_jobs", "p_value": "8", "p_description": f"{AD_APPLY}:ApplyModels.n_jobs"},
    ],
    "ParameterDescription": [
        {"pd_id": f"{AD_PROCESS}:DataWriter.write_images", "pd_name": "DataWriter.write_images",
         "pd_annotation": "Store DL1/Event/Telescope images in the output file", "pd_datatype": "boolean",
         "pd_options": "true false"},
        {"pd_id": f"{AD_APPLY}:ApplyModels.n_jobs", "pd_name": "ApplyModels.n_jobs",
         "pd_annotation": "Number of threads used by the models", "pd_datatype": "int", "pd_ucd": "meta.number",
         "pd_min": "1"},
    ],
    "Used": [
        {"u_entity_id": SIMTEL, "u_activity_id": PROCESS, "u_role": "DL0/Event", "u_time": "2023-06-12T08:14:03.020"},
        {"u_entity_id": DL1, "u_activity_id": APPLY, "u_role": "DL1/Event", "u_time": "2023-06-13T21:05:46.114"},
        {"u_entity_id": MODEL, "u_activity_id": APPLY, "u_role": "reconstructor", "u_time": "2023-06-13T21:05:45.502"},
    ],
    "UsedDescription": [
        {"ud_entityDescription_id": "sim_telarray_events", "ud_activityDescription_id": AD_PROCESS,
         "ud_role": "DL0/Event"},
        {"ud_entityDescription_id": "dl1_events", "ud_activityDescription_id": AD_APPLY, "ud_role": "DL1/Event"},
        {"ud_entityDescription_id": "model", "ud_activityDescription_id": AD_APPLY, "ud_role": "reconstructor"},
    ],
    "WasGeneratedBy": [
        {"wgb_entity_id": DL1, "wgb_activity_id": PROCESS, "wgb_role": "DL1/Event",
         "wgb_time": "2023-06-12T08:39:46.872"},
        {"wgb_entity_id": DL2, "wgb_activity_id": APPLY, "wgb_role": "DL2/Event", "wgb_time": "2023-06-13T21:08:12.019"},
    ],
    "WasGeneratedByDescription": [
        {"wgbd_entityDescription_id": "dl1_events", "wgbd_activityDescription_id": AD_PROCESS,
         "wgbd_role": "DL1/Event"},
        {"wgbd_entityDescription_id": "dl2_events", "wgbd_activityDescription_id": AD_APPLY,
         "wgbd_role": "DL2/Event"},
    ],
    "WasAssociatedWith": [
        {"waw_agent_id": "CTAO", "waw_activity_id": PROCESS, "waw_role": "provider"},
        {"waw_agent_id": "CTAO", "waw_activity_id": APPLY, "waw_role": "provider"},
        {"waw_agent_id": "jdupont", "waw_activity_id": APPLY, "waw_role": "operator"},
    ],
    "WasAttributedTo": [
        {"wat_entity_id": SIMTEL, "wat_agent_id": "CTAO", "wat_role": "provider"},
        {"wat_entity_id": DL1, "wat_agent_id": "CTAO", "wat_role": "publisher"},
        {"wat_entity_id": MODEL, "wat_agent_id": "jdupont", "wat_role": "creator"},
        {"wat_entity_id": DL2, "wat_agent_id": "CTAO", "wat_role": "publisher"},
    ],
}


# fmt: on


def _records(layout: str) -> dict[str, list[dict[str, Any]]]:
    if layout == "wd20170921":
        return {t: [{("a_stopTime" if k == "a_endTime" else k): v for k, v in r.items()} for r in rows]
                for t, rows in RECORDS.items()}
    if layout == "pr20181015":
        keep = {t: {c[0] for c in columns} for t, _, _, columns in _PR20181015}
        out = {t: [{k: v for k, v in r.items() if k in keep[t]} for r in RECORDS[t]] for t in keep}
        for r, source in zip(out["ActivityDescription"], RECORDS["ActivityDescription"]):
            r["ad_group"] = source["ad_type"]
        for r in out["Entity"]:
            r["e_type"] = "Data"  # as in the example of section 3.3
        return out
    return RECORDS


def make_votable(layout: str = "draft"):
    """The example as an ``astropy.io.votable`` ``VOTableFile`` in ``layout`` (a key of :data:`LAYOUTS`)."""
    import numpy as np
    from astropy.io.votable.tree import Field, Info, Resource, TableElement, VOTableFile

    votable = VOTableFile(version=VERSIONS[layout])
    resource = Resource(type="results")
    resource.extra_attributes["name"] = "provenance"  # astropy does not write Resource.name itself
    resource.description = "Provenance VOTable"
    votable.resources.append(resource)
    info = Info(name="QUERY_STATUS", value="OK")
    info.ID = None  # the draft gives no ID attributes (astropy copies the name into one)
    resource.infos.append(info)
    all_records = _records(layout)
    for name, utype, description, columns in LAYOUTS[layout]:
        table = TableElement(votable, name=name, utype=utype)
        table.ID = None
        if description:
            table.description = description
        for column, ucd, column_utype, _note, options in columns:
            field = Field(votable, name=column, datatype="char", arraysize="*", ucd=ucd, utype=column_utype)
            if options:
                field.values.options.extend((option, option) for option in options)
            table.fields.append(field)
        records = all_records[name]
        table.create_arrays(len(records))
        for i, record in enumerate(records):
            unknown = set(record) - {c[0] for c in columns}
            if unknown:
                raise KeyError(f"{name} has no column {sorted(unknown)}")
            row = tuple(record.get(c[0], "") for c in columns)
            mask = tuple(c[0] not in record for c in columns)
            table.array[i] = row
            table.array.mask[i] = mask
        resource.tables.append(table)
    assert all(isinstance(t.array, np.ma.MaskedArray) for t in resource.tables)
    for table in resource.tables:  # no ID attributes, as in the draft (astropy copies each name into one)
        for field in table.fields:
            field.ID = None
    return votable


def write_all(folder: Path | str | None = None) -> list[Path]:
    """Write both layouts into ``folder`` (default: next to this file)."""
    folder = Path(folder) if folder is not None else Path(__file__).resolve().parent
    written = []
    for layout, filename in FILES.items():
        path = folder / filename
        make_votable(layout).to_xml(str(path), tabledata_format="tabledata")
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_all(sys.argv[1] if len(sys.argv) > 1 else None):
        print(f"{written_path}  {written_path.stat().st_size} bytes")

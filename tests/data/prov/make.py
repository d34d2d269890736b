"""Rebuild the prov fixtures of this folder by running the real ``prov`` package.

Tool versions (pinned below in ``PINS``): prov 3.2.3 (the newest on PyPI when
written) with its ``rdf`` and ``xml`` extras, rdflib 7.6.0, lxml 6.2.1, on
CPython 3.12.1.

Run by hand, with any Python 3::

    python3 tests/data/prov/make.py

It creates (or reuses) a virtual environment under ``$PROVRDF_FIXTURE_VENVS``
(default ``/tmp/provrdf-fixture-venvs``) from ``$PROV_PYTHON`` (default
``~/.pyenv/versions/3.12.1/bin/python``), installs the pins, then runs this
same file inside it (``--inside``).  The inner run builds one ProvDocument in
which every PROV-DM statement kind appears (entity, activity, agent, used,
wasGeneratedBy, wasInvalidatedBy, wasStartedBy, wasEndedBy, wasInformedBy,
wasAssociatedWith with a plan, wasAttributedTo, actedOnBehalfOf,
wasDerivedFrom and its Revision / Quotation / PrimarySource subtypes,
wasInfluencedBy, specializationOf, alternateOf, hadMember, mentionOf, and a
bundle), with identifiers on every relation that PROV-DM lets have one, and
attributes of several datatypes (xsd:int, xsd:long, xsd:double,
xsd:boolean, xsd:dateTime, xsd:anyURI, language-tagged strings, qualified
names), several prov:label and prov:type values.  It is written with
``ProvDocument.serialize``:

* ``every_statement.json`` (``format="json"``, PROV-JSON),
* ``every_statement.xml`` (``format="xml"``, PROV-XML),
* ``every_statement.provn`` (``format="provn"``, PROV-N),
* ``every_statement.ttl`` / ``every_statement.trig`` (``format="rdf"``,
  ``rdf_format="turtle"`` / ``"trig"``, PROV-O),
* ``every_statement_no_mention.jsonld`` (``format="jsonld"``, PROV-JSONLD,
  which prov 3.x added; it refuses mentionOf, which the PROV-JSONLD submission
  has no term for, so this file is the same document without the mentionOf).

All values are fixed and ``PYTHONHASHSEED=0`` fixes the order of attributes,
so a rerun writes the same files.

Only the standard library is imported at module level: pytest imports every
module under tests/ for doctests, and nothing here must run then.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_NAME = "prov-3.2.3-py3.12"
BASE_PYTHON = os.path.expanduser(os.environ.get("PROV_PYTHON", "~/.pyenv/versions/3.12.1/bin/python"))
PINS = ["prov[rdf,xml]==3.2.3", "rdflib==7.6.0", "lxml==6.2.1", "pyparsing==3.3.3"]
NAME = "every_statement"
FORMATS = [
    (f"{NAME}.json", "json", {}),
    (f"{NAME}.xml", "xml", {}),
    (f"{NAME}.provn", "provn", {}),
    (f"{NAME}.ttl", "rdf", {"rdf_format": "turtle"}),
    (f"{NAME}.trig", "rdf", {"rdf_format": "trig"}),
    # PROV-JSONLD defines no term for mentionOf: prov raises ProvJSONLDException on
    # it, so this one is written from the same document built without the mention
    (f"{NAME}_no_mention.jsonld", "jsonld", {}),
]


# ---------------------------------------------------------------- outside

def outside():
    sys.path.insert(0, str(HERE.parent))  # tests/data: the shared outside half
    from fixture_venv import copy_back, ensure_venv, inside_run

    python = ensure_venv(VENV_NAME, BASE_PYTHON, PINS)
    with inside_run(python, __file__, "PROV_WORK") as work:
        copy_back(work, HERE, [name for name, _, _ in FORMATS])


# ---------------------------------------------------------------- inside

def pairs(attributes):
    """prov takes several values of one attribute as repeated (name, value) pairs."""
    out = []
    for key, value in attributes.items():
        for v in value if isinstance(value, list) else [value]:
            out.append((key, v))
    return out


def build(mention=True):
    """A small CTA DL3 production: events, IRFs, a released data set, people and software."""
    from datetime import datetime, timedelta, timezone

    from prov.constants import XSD_LONG
    from prov.identifier import Identifier
    from prov.model import Literal, ProvDocument

    utc = timezone.utc
    t0 = datetime(2024, 3, 4, 21, 5, 30, tzinfo=utc)

    doc = ProvDocument()
    doc.set_default_namespace("http://example.org/cta/dl3/")
    doc.add_namespace("cta", "http://cta-observatory.org/ns#")
    doc.add_namespace("obs", "http://example.org/cta/observations/")
    doc.add_namespace("run", "http://example.org/cta/runs/")
    doc.add_namespace("org", "http://example.org/cta/people/")
    doc.add_namespace("xsd", "http://www.w3.org/2001/XMLSchema#")
    q = doc.valid_qualified_name  # prov:type values as qualified names, not strings

    # -- entities
    dl2 = doc.entity("obs:run_2024_0304_dl2", pairs({
        "prov:type": [q("cta:DL2EventList"), "File"],
        "prov:label": [Literal("DL2 events of run 12345", langtag="en"),
                       Literal("événements DL2 du run 12345", langtag="fr")],
        "prov:location": Identifier("file:///fefs/aswg/data/DL2/run12345.dl2.h5"),
        "cta:nEvents": 1834522,
        "cta:nTriggers": Literal("9223372036854", datatype=XSD_LONG),
        "cta:livetime": 1682.5,
        "cta:isSimulation": False,
        "cta:obsStart": t0,
        "cta:instrument": doc.valid_qualified_name("cta:LST-1"),
        "cta:documentation": Identifier("https://cta-observatory.org/data-formats/dl2"),
    }))
    irf = doc.entity("obs:irf_lst1_20deg", {"prov:type": q("cta:IRF"), "prov:label": "LST-1 IRF, zenith 20 deg",
                                            "prov:value": "irf_lst1_20deg.fits.gz"})
    dl3 = doc.entity("obs:run_2024_0304_dl3", {"prov:type": q("cta:DL3EventList"), "prov:label": "DL3 events of run 12345",
                                               "cta:nEvents": 40211})
    dl3_v2 = doc.entity("obs:run_2024_0304_dl3_v2", {"prov:label": "DL3 events of run 12345, reprocessed"})
    dl3_gen = doc.entity("obs:dl3_run12345", {"prov:label": "DL3 of run 12345 (any version)"})
    dl3_alt = doc.entity("obs:dl3_run12345_mirror", {"prov:location": Identifier("https://mirror.example.org/dl3/run12345.fits.gz")})
    release = doc.collection("obs:dl3_release_2024a", {"prov:label": "DL3 release 2024a"})
    quote = doc.entity("obs:release_notes_quote", {"prov:value": "Runs with bad weather are excluded."})
    notes = doc.entity("obs:release_notes", {"prov:type": q("cta:Document")})
    logbook = doc.entity("obs:shift_logbook_2024_03_04", {"prov:label": "Shift logbook"})
    plan = doc.entity("run:dl3_workflow_v1", {"prov:type": q("prov:Plan"), "prov:label": "DL3 workflow v1.0"})
    trigger = doc.entity("run:new_dl2_notice", {"prov:label": "new DL2 data notice"})
    stopper = doc.entity("run:quota_reached", {"prov:label": "disk quota reached"})
    tmp = doc.entity("obs:tmp_dl3_chunks", {"prov:label": "temporary chunks"})

    # -- activities
    produce = doc.activity("run:dl3_production_9f2c", t0 + timedelta(hours=10), t0 + timedelta(hours=10, minutes=7),
                           pairs({"prov:type": [q("cta:DL3Production"), q("cta:Reduction")],
                                  "prov:label": "lstchain_create_dl3_file", "cta:exitCode": 0, "cta:cpuHours": 0.35}))
    check = doc.activity("run:quality_check_a41d", t0 + timedelta(hours=10, minutes=8),
                         t0 + timedelta(hours=10, minutes=9), {"prov:label": "quality check"})
    cleanup = doc.activity("run:cleanup_77e0", t0 + timedelta(hours=11), None, {"prov:label": "cleanup"})
    scheduler = doc.activity("run:scheduler_0001", None, None, {"prov:label": "workflow scheduler"})

    # -- agents
    alice = doc.agent("org:alice", {"prov:type": q("prov:Person"), "prov:label": "Alice Martin",
                                    "cta:email": Identifier("mailto:alice.martin@example.org")})
    lstchain = doc.agent("org:lstchain_0_10_7", {"prov:type": q("prov:SoftwareAgent"), "prov:label": "lstchain 0.10.7"})
    ctao = doc.agent("org:ctao", pairs({"prov:type": q("prov:Organization"), "prov:label": ["CTAO", "CTA Observatory"]}))

    # -- relations, each with an identifier where PROV-DM allows one
    doc.used(produce, dl2, t0 + timedelta(hours=10, seconds=2), identifier="run:u1", other_attributes={"prov:role": "input"})
    doc.used(produce, irf, None, identifier="run:u2", other_attributes={"prov:role": "irf"})
    doc.wasGeneratedBy(dl3, produce, t0 + timedelta(hours=10, minutes=7), identifier="run:g1",
                       other_attributes={"prov:role": "output"})
    doc.wasInvalidatedBy(tmp, cleanup, t0 + timedelta(hours=11, minutes=1), identifier="run:i1",
                         other_attributes={"prov:role": "deleted"})
    doc.wasStartedBy(produce, trigger, scheduler, t0 + timedelta(hours=10), identifier="run:s1")
    doc.wasEndedBy(cleanup, stopper, scheduler, t0 + timedelta(hours=11, minutes=2), identifier="run:e1")
    doc.wasInformedBy(check, produce, identifier="run:c1")
    doc.wasAssociatedWith(produce, lstchain, plan, identifier="run:a1", other_attributes={"prov:role": "software"})
    doc.wasAssociatedWith(check, alice, None, identifier="run:a2", other_attributes={"prov:role": "shifter"})
    doc.wasAttributedTo(release, ctao, identifier="run:at1", other_attributes={"prov:type": q("cta:Publisher")})
    doc.actedOnBehalfOf(alice, ctao, check, identifier="run:d1", other_attributes={"prov:type": q("cta:Contract")})
    doc.wasDerivedFrom(dl3, dl2, produce, "run:g1", "run:u1", identifier="run:der1")
    doc.wasRevisionOf(dl3_v2, dl3, identifier="run:rev1")
    doc.wasQuotedFrom(quote, notes, identifier="run:q1")
    doc.hadPrimarySource(dl2, logbook, identifier="run:ps1")
    doc.wasInfluencedBy(check, logbook, identifier="run:inf1", other_attributes={"prov:label": "read before the check"})
    doc.specializationOf(dl3, dl3_gen)
    doc.alternateOf(dl3_gen, dl3_alt)
    doc.hadMember(release, dl3)
    doc.hadMember(release, dl3_v2)

    # -- a bundle, and a mention of one of its entities
    b = doc.bundle("run:bundle_quality_a41d")
    b.entity("obs:run_2024_0304_dl3", {"cta:qualityFlag": "good", "prov:label": "DL3 events as seen by the check"})
    b.wasAttributedTo("obs:run_2024_0304_dl3", "org:alice", identifier="run:at2")
    view = doc.entity("obs:dl3_checked_view", {"prov:label": "DL3 events, checked"})
    if mention:
        doc.mentionOf(view, dl3, "run:bundle_quality_a41d")
    return doc


def inside():
    os.chdir(os.environ["PROV_WORK"])
    for name, fmt, kwargs in FORMATS:
        doc = build(mention=not name.endswith("_no_mention.jsonld"))
        doc.serialize(name, format=fmt, **kwargs)


if __name__ == "__main__":
    if "--inside" in sys.argv:
        inside()
    else:
        outside()

"""Rebuild the voprov fixtures of this folder by running the real voprov.

Tool versions (pinned below in ``PINS``): voprov 0.0.4 from PyPI with prov
2.0.0 (voprov's change log for 0.0.3 says "Compatibility to Prov 2.0.0"; its
setup.py asks for prov>=2.0, and OPUS, which uses voprov, runs it on prov 2.0.x),
python-dateutil 2.8.2 and requests 2.28.1 (voprov's requirements.txt pins
``~=2.8.2`` and ``~=2.28.1``), PyYAML 6.0.1, lxml 4.9.3, rdflib 6.3.2, on
CPython 3.11.7 (voprov lists 3.11 among its classifiers).

Run by hand, with any Python 3::

    python3 tests/data/voprov/make.py

It creates (or reuses) a virtual environment under ``$PROVRDF_FIXTURE_VENVS``
(default ``/tmp/provrdf-fixture-venvs``) from ``$VOPROV_PYTHON`` (default
``~/.pyenv/versions/3.11.7/bin/python``), installs the pins, then runs this
same file inside it (``--inside``).  The inner run builds one VOProvDocument
for a small CTA high-level analysis (ctselect -> ctbin -> ctlike on Crab
events), with the calls of voprov's tutorial and API, and writes with
voprov's own serializers (``VOProvDocument.serialize``):

* ``cta_analysis.provn`` (format ``provn``), ``cta_analysis.json``
  (``json``), ``cta_analysis.xml`` (``xml``), ``cta_analysis.yaml``
  (``yaml``, voprov's own YAML summary);
* ``cta_analysis_w3c.provn`` / ``.json`` / ``.xml`` -- the prov
  ``ProvDocument`` returned by ``VOProvDocument.get_w3c()``, serialized by
  prov;
* ``serializers.txt`` -- which serializer names voprov's registry knows and
  what happened with the ones not written above (``rdf``; voprov has no
  VOTable serializer).

Every time and id is fixed in the script and ``PYTHONHASHSEED=0`` fixes the
order of attributes (prov keeps them in sets), so a rerun writes the same files.

Only the standard library is imported at module level: pytest imports every
module under tests/ for doctests, and nothing here must run then.
"""

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV_NAME = "voprov-0.0.4-py3.11"
BASE_PYTHON = os.path.expanduser(os.environ.get("VOPROV_PYTHON", "~/.pyenv/versions/3.11.7/bin/python"))
PINS = [
    "voprov==0.0.4",
    "prov==2.0.0",
    "python-dateutil==2.8.2",
    "requests==2.28.1",
    "PyYAML==6.0.1",
    "lxml==4.9.3",
    "rdflib==6.3.2",
    "networkx==3.1",
]
NAME = "cta_analysis"
OUTPUTS = [f"{NAME}.provn", f"{NAME}.json", f"{NAME}.xml", f"{NAME}.yaml",
           f"{NAME}_w3c.provn", f"{NAME}_w3c.json", f"{NAME}_w3c.xml", "serializers.txt"]


# ---------------------------------------------------------------- outside

def outside():
    sys.path.insert(0, str(HERE.parent))  # tests/data: the shared outside half
    from fixture_venv import copy_back, ensure_venv, inside_run

    python = ensure_venv(VENV_NAME, BASE_PYTHON, PINS)
    with inside_run(python, __file__, "VOPROV_WORK") as work:
        copy_back(work, HERE, OUTPUTS)


# ---------------------------------------------------------------- inside

def build():
    """The document: three ctools steps of a Crab analysis on CTA DC-1 events."""
    from voprov.models.model import VOPROV, VOProvDocument

    pdoc = VOProvDocument()
    pdoc.set_default_namespace(VOPROV.uri)  # as voprov's tutorial and OPUS do
    pdoc.add_namespace("cta", "http://cta-observatory.org/data/dc1/")
    pdoc.add_namespace("ana", "http://example.org/cta-analysis/crab/")
    pdoc.add_namespace("ctools", "http://cta.irap.omp.eu/ctools/")
    pdoc.add_namespace("staff", "http://example.org/cta-analysis/staff/")

    # -- agents
    alice = pdoc.agent("staff:alice", name="Alice Martin", type="Person", email="alice.martin@example.org",
                       affiliation="Observatoire de Paris", url="http://example.org/~alice")
    ctao = pdoc.agent("staff:ctao", name="CTAO", type="Organization", address="Bologna, Italy",
                      other_attributes={"prov:label": "CTA Observatory"})
    alice.actedOnBehalfOf(ctao)

    # -- descriptions, one bundle per activity description (as in voprov's tutorial)
    dsel = pdoc.bundle("#description#ctselect")
    ad_sel = dsel.activityDescription(
        "ctools:ctselect", "ctselect", version="2.0.0", type="Selection", subtype="EventSelection",
        description="Select the events of an observation by energy, time and region",
        docurl="http://cta.irap.omp.eu/ctools/users/reference_manual/ctselect.html")
    ed_events = dsel.datasetDescription(
        "ctools:EventList", "EventList", "application/fits",
        description="CTA event list (DL3)", docurl="https://gamma-astro-data-formats.readthedocs.io/")
    dsel.usageDescription("ctools:ctselect#inobs", ad_sel, "inobs", description="Input event list",
                          multiplicity=1, entityDescription=ed_events)
    dsel.generationDescription("ctools:ctselect#outobs", ad_sel, "outobs", description="Selected events",
                               multiplicity=1, entityDescription=ed_events)
    dsel.parameterDescription("ctools:ctselect#emin", ad_sel, "emin", "float", description="Lower energy limit",
                              unit="TeV", ucd="em.energy;stat.min", min="0.01", max="300", default="0.1")
    dsel.parameterDescription("ctools:ctselect#emax", ad_sel, "emax", "float", description="Upper energy limit",
                              unit="TeV", ucd="em.energy;stat.max", min="0.01", max="300", default="100.0")
    dsel.parameterDescription("ctools:ctselect#rad", ad_sel, "rad", "float", description="Radius of selection circle",
                              unit="deg", ucd="pos.angDistance", default="3.0")

    dbin = pdoc.bundle("#description#ctbin")
    ad_bin = dbin.activityDescription(
        "ctools:ctbin", "ctbin", version="2.0.0", type="Reduction", subtype="Binning",
        description="Bin events into a counts cube",
        docurl="http://cta.irap.omp.eu/ctools/users/reference_manual/ctbin.html")
    ed_cube = dbin.entityDescription("ctools:CountsCube", "CountsCube", description="Counts cube (FITS image)",
                                     type="Image")
    dbin.usageDescription("ctools:ctbin#inobs", ad_bin, "inobs", multiplicity=1, entityDescription=ed_events)
    dbin.generationDescription("ctools:ctbin#outcube", ad_bin, "outcube", multiplicity=1, entityDescription=ed_cube)
    dbin.parameterDescription("ctools:ctbin#nxpix", ad_bin, "nxpix", "int", description="Size of the X axis",
                              unit="pix", min="1", default="200")
    dbin.parameterDescription("ctools:ctbin#nypix", ad_bin, "nypix", "int", description="Size of the Y axis",
                              unit="pix", min="1", default="200")
    dbin.parameterDescription("ctools:ctbin#binsz", ad_bin, "binsz", "float", description="Pixel size",
                              unit="deg/pix", ucd="pos.angResolution", default="0.02")
    dbin.parameterDescription("ctools:ctbin#coordsys", ad_bin, "coordsys", "char", description="Coordinate system",
                              options="CEL|GAL", default="CEL")

    dlike = pdoc.bundle("#description#ctlike")
    ad_like = dlike.activityDescription(
        "ctools:ctlike", "ctlike", version="2.0.0", type="Analysis", subtype="LikelihoodFit",
        description="Maximum likelihood fit of a model to the counts cube")
    cfd = dlike.configFileDescription("ctools:ctlike#inmodel", ad_like, "inmodel", "text/xml",
                                      description="Input source model (GammaLib XML)")
    dlike.entityDescription("ctools:ModelXML", "ModelXML", description="GammaLib model definition (XML)",
                            docurl="http://cta.irap.omp.eu/gammalib/users/user_manual/modules/model.html")
    vd_ts = dlike.valueDescription("ctools:TS", "TS", "float", description="Test statistic of the source",
                                   ucd="stat.likelihood", unit="")
    dlike.usageDescription("ctools:ctlike#inobs", ad_like, "inobs", multiplicity=1, entityDescription=ed_cube)
    dlike.generationDescription("ctools:ctlike#outmodel", ad_like, "outmodel", multiplicity=1)
    dlike.generationDescription("ctools:ctlike#ts", ad_like, "ts", multiplicity=1, entityDescription=vd_ts)
    dlike.parameterDescription("ctools:ctlike#statistic", ad_like, "statistic", "char",
                               description="Optimization statistic", options="DEFAULT|CSTAT|WSTAT|CHI2",
                               default="DEFAULT")

    # -- entities
    events = pdoc.datasetEntity("cta:obs_110380/events.fits", name="events_110380.fits",
                                location="/data/cta/1dc/data/baseline/gps/gps_baseline_110380.fits",
                                generatedAtTime="2017-06-01T10:00:00", datasetDescription="ctools:EventList",
                                other_attributes={"prov:label": "GPS baseline observation 110380"})
    selected = pdoc.datasetEntity("ana:selected_events.fits", name="selected_events.fits",
                                  location="/work/crab/selected_events.fits", datasetDescription="ctools:EventList",
                                  comment="events within 3 deg of the Crab, 0.1-100 TeV")
    cube = pdoc.entity("ana:cntcube.fits", name="cntcube.fits", location="/work/crab/cntcube.fits",
                       entityDescription="ctools:CountsCube",
                       other_attributes={"prov:label": "Crab counts cube"})
    model_in = pdoc.configFile("ana:crab_model.xml", "inmodel", "/work/crab/crab_model.xml",
                               comment="Crab as point source with a power law", configFileDescription=cfd)
    model_out = pdoc.entity("ana:crab_results.xml", name="crab_results.xml", location="/work/crab/crab_results.xml")
    ts = pdoc.valueEntity("ana:crab_ts", "2301.7", name="TS of Crab", valueDescription=vd_ts)

    # -- activities
    a_sel = pdoc.activity("ana:ctselect_4f1c2a", name="ctselect", startTime="2024-05-13T14:02:11",
                          endTime="2024-05-13T14:02:19", comment="ctselect of observation 110380",
                          activityDescription=ad_sel)
    a_bin = pdoc.activity("ana:ctbin_7e9d03", name="ctbin", startTime="2024-05-13T14:02:20",
                          endTime="2024-05-13T14:02:31", activityDescription=ad_bin)
    a_like = pdoc.activity("ana:ctlike_b51e77", name="ctlike", startTime="2024-05-13T14:02:32",
                           endTime="2024-05-13T14:05:03", activityDescription=ad_like)

    pdoc.used(a_sel, events, usageDescription="ctools:ctselect#inobs", role="inobs", time="2024-05-13T14:02:12")
    pdoc.wasGeneratedBy(selected, a_sel, generationDescription="ctools:ctselect#outobs", role="outobs",
                        time="2024-05-13T14:02:19")
    a_bin.used(selected, attributes={"prov:role": "inobs"})
    cube.wasGeneratedBy(a_bin, time="2024-05-13T14:02:31", attributes={"prov:role": "outcube"})
    a_like.used(cube, attributes={"prov:role": "inobs"})
    pdoc.wasGeneratedBy(model_out, a_like, role="outmodel", generationDescription="ctools:ctlike#outmodel")
    pdoc.wasGeneratedBy(ts, a_like, role="ts")
    a_bin.wasInformedBy(a_sel)
    a_like.wasInformedBy(a_bin)
    for act in (a_sel, a_bin, a_like):
        pdoc.wasAssociatedWith(act, alice, role="operator")
    pdoc.wasAttributedTo(model_out, alice, role="author")
    pdoc.wasAttributedTo(events, ctao, role="provider")
    cube.wasDerivedFrom(selected)
    pdoc.wasDerivedFrom(model_out, cube, activity=a_like)

    # -- configuration, one bundle per activity (as in voprov's tutorial and OPUS)
    params = {
        (a_sel, "ctselect", "4f1c2a"): [("emin", "0.1"), ("emax", "100.0"), ("rad", "3.0"), ("ra", "83.63"),
                                        ("dec", "22.01")],
        (a_bin, "ctbin", "7e9d03"): [("nxpix", "100"), ("nypix", "100"), ("binsz", "0.02"), ("coordsys", "CEL")],
        (a_like, "ctlike", "b51e77"): [("statistic", "DEFAULT")],
    }
    for (act, tool, short), plist in params.items():
        conf = pdoc.bundle(f"#configuration#{short}")
        for pname, value in plist:
            pd = f"ctools:{tool}#{pname}" if pname not in ("ra", "dec") else None
            p = conf.parameter(f"ana:{tool}_{short}/{pname}", pname, value, parameterDescription=pd)
            pdoc.wasConfiguredBy(act, p, "Parameter")
    pdoc.wasConfiguredBy(a_like, model_in, "ConfigFile")

    # -- description links
    pdoc.isDescribedBy(model_out, "ctools:ModelXML")
    pdoc.isRelatedTo("ctools:ModelXML", "ctools:ctlike#outmodel")
    pdoc.hadReference("ctools:ctlike", "ana:knoedlseder2016")
    pdoc.entity("ana:knoedlseder2016", name="Knoedlseder et al. 2016, A&A 593, A1",
                location="https://doi.org/10.1051/0004-6361/201628299")

    # -- a bundle of plain provenance records (the quick-look step, kept apart)
    ql = pdoc.bundle("ana:quicklook")
    ql_act = ql.activity("ana:ctskymap_0a11f0", name="ctskymap", startTime="2024-05-13T14:06:00",
                         endTime="2024-05-13T14:06:04")
    ql_img = ql.entity("ana:skymap.fits", name="skymap.fits", location="/work/crab/skymap.fits")
    ql.used(ql_act, "ana:selected_events.fits", role="inobs")
    ql.wasGeneratedBy(ql_img, ql_act, role="outmap")
    ql.wasAssociatedWith(ql_act, "staff:alice", role="operator")
    return pdoc


def inside():
    os.chdir(os.environ["VOPROV_WORK"])
    from voprov import serializers

    pdoc = build()
    pdoc.serialize(f"{NAME}.provn", format="provn")
    pdoc.serialize(f"{NAME}.json", format="json")
    pdoc.serialize(f"{NAME}.xml", format="xml")
    pdoc.serialize(f"{NAME}.yaml", format="yaml")
    w3c = pdoc.get_w3c()
    w3c.serialize(f"{NAME}_w3c.provn", format="provn")
    w3c.serialize(f"{NAME}_w3c.json", format="json")
    w3c.serialize(f"{NAME}_w3c.xml", format="xml")

    serializers.Registry.load_serializers()
    lines = ["# voprov 0.0.4 serializer registry (voprov.serializers.Registry.serializers):"]
    for fmt, cls in serializers.Registry.serializers.items():
        lines.append(f"{fmt}: {cls.__module__}.{cls.__name__}")
    lines.append("# written here: provn, json, xml, yaml (cta_analysis.*); get_w3c() as provn, json, xml")
    for fmt, kwargs in [("rdf", {"rdf_format": "turtle"})]:
        try:
            out = pdoc.serialize(format=fmt, **kwargs)
            lines.append(f"{fmt} on the VOProvDocument: wrote {len(out)} characters (not kept)")
        except Exception as ex:  # noqa: BLE001 - recording whatever voprov raises
            lines.append(f"{fmt} on the VOProvDocument: {type(ex).__name__}: {ex}")
    try:
        serializers.get("votable")
    except Exception as ex:  # noqa: BLE001 - recording whatever voprov raises
        lines.append(f"votable: {type(ex).__name__}: {ex}")
    Path("serializers.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    if "--inside" in sys.argv:
        inside()
    else:
        outside()

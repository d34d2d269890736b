"""One store, three tools: a ctapipe chain, a gammapy analysis of its DL2 output, an OPUS job on the gammapy result.

The lineage of the OPUS job's product goes back to the raw simulation file
of the ctapipe chain in one connected answer, although each tool names the
shared files its own way (a CTAO product id, an md5, an OPUS store id).
"""

from __future__ import annotations

from collections import defaultdict

from pyoxigraph import NamedNode

from provrdf.api import ingest, lineage, query

from helpers import DATA, DEMO

CROSS = DATA / "cross"
GAMMAPY_LOG = CROSS / "gammapy_dl2_analysis.log"
OPUS_JOB = CROSS / "opus_ctbin_job.json"
CUBE = "/data/opus/jobs/1a2b3c/results/cntcube.fits"
RAW = ("/fefs/aswg/data/mc/DL0/20250610/gamma-diffuse/sim_telarray/node_theta_20.0_az_0.0_/output/"
       "gamma_diffuse_run2017___cta-prod6-lapalma-2147m-LaPalma-dark_cone6.simtel.zst")


def _filled(store):
    report = ingest(store, [*sorted(DEMO.glob("*.provenance.log")), GAMMAPY_LOG, OPUS_JOB])
    assert report.ok, [str(r) for r in report.rejected]
    assert [reader for _, reader in report.sources] == ["ctapipe"] * 3 + ["gammapy", "provjson"]
    return store


def _labels(store, nodes: list[NamedNode]) -> dict[str, set[str]]:
    """Activity names (or labels) and entity locations among ``nodes``."""
    values = " ".join(map(str, nodes))
    found: dict[str, set[str]] = defaultdict(set)
    for row in query(store, f"""SELECT DISTINCT ?kind ?text WHERE {{
            VALUES ?n {{ {values} }}
            {{ ?n a prov:Activity ; voprov:name|rdfs:label ?text . BIND("activity" AS ?kind) }}
            UNION {{ ?n a prov:Entity ; prov:atLocation ?text . BIND("location" AS ?kind) }} }}"""):
        found[row["kind"].value].add(row["text"].value)
    return found


def _components(triples, nodes) -> int:
    """Connected components of the lineage graph, over the nodes the walk reached."""
    parent = {node.value: node.value for node in nodes}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for t in triples:
        s, o = t.subject.value, getattr(t.object, "value", None)
        if s in parent and o in parent:
            parent[root(s)] = root(o)
    return len({root(n) for n in parent})


def test_lineage_of_the_opus_product_reaches_the_raw_data_across_three_tools(memory_store):
    store = _filled(memory_store)
    result = lineage(store, CUBE)
    found = _labels(store, result.nodes)
    assert {"ctbin", "get_flux_points", "get_observations", "ctapipe-apply-models", "ctapipe-process"} <= found[
        "activity"]
    assert RAW in found["location"]
    assert "/data/gammapy/results/flux_points.fits" in found["location"]
    assert _components(result.triples, result.nodes) == 1


def test_the_shared_files_are_linked_where_the_tools_meet(memory_store):
    store = _filled(memory_store)
    rows = query(store, """SELECT DISTINCT ?location WHERE {
        ?a prov:alternateOf ?b . ?a prov:atLocation ?location . ?b prov:atLocation ?location }
        ORDER BY ?location""")
    assert [row["location"].value for row in rows] == [
        "/data/gammapy/results/flux_points.fits",
        "/fefs/aswg/data/mc/DL2/20250610/gamma-diffuse/"
        "gamma_diffuse_run2017___cta-prod6-lapalma-2147m-LaPalma-dark_cone6.dl2_reco.h5",
    ]


def test_forward_from_the_raw_file_reaches_the_opus_product(memory_store):
    store = _filled(memory_store)
    result = lineage(store, RAW, direction="forth")
    assert CUBE in _labels(store, result.nodes)["location"]


def test_ingest_order_does_not_matter(memory_store):
    """The OPUS job first, the ctapipe chain last: the links are made from the later records."""
    report = ingest(memory_store, [OPUS_JOB, GAMMAPY_LOG, *sorted(DEMO.glob("*.provenance.log"))])
    assert report.ok
    result = lineage(memory_store, CUBE)
    assert RAW in _labels(memory_store, result.nodes)["location"]
    assert _components(result.triples, result.nodes) == 1

"""The picture writer (DOT, SVG, PNG), checked by content: the DOT source parsed
into nodes and edges, the SVG parsed as XML, the PNG by its header."""

from __future__ import annotations

import re
import struct

import pytest
from helpers import CHAIN
from lxml import etree
from pyoxigraph import Literal, NamedNode, Quad

from provrdf import model as m
from provrdf.api import export, lineage
from provrdf.errors import Error, FormatError
from provrdf.serializers import serialize
from provrdf.rdf.encode import Encoder
from provrdf.rdf.namespaces import PROV, RDF, RDFS

FINAL = CHAIN[-1][3]
#: (shape, fillcolor, border colour) of each kind, as the PROV primer draws them
PROV_STYLE = {
    "entity": ("ellipse", "#FFFC87", "#808080"),
    "activity": ("box", "#9FB1FC", "#0000FF"),
    "agent": ("house", "#FED37F", "#000000"),
}
_STATEMENT = re.compile(r"^\t(\w+)(?: -> (\w+))? \[(.*)\]$", re.MULTILINE)
_ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"]+)')
SVG = "{http://www.w3.org/2000/svg}"


def parse_dot(source: str) -> tuple[dict[str, dict[str, str]], list[tuple[str, str, dict[str, str]]]]:
    """The nodes (id → attributes) and edges (tail, head, attributes) of DOT source written by graphviz."""
    nodes, edges = {}, []
    for name, head, text in _STATEMENT.findall(source):
        attributes = {key: value[1:-1].replace('\\"', '"') if value.startswith('"') else value
                      for key, value in _ATTRIBUTE.findall(text)}
        if head:
            edges.append((name, head, attributes))
        elif name not in ("graph", "node", "edge"):
            nodes[name] = attributes
    return nodes, edges


def kind(node_id: str) -> str:
    return node_id.rstrip("0123456789")


def chain_dot(store, **options) -> tuple[str, dict, list]:
    source = export(store, "dot", result=lineage(store, FINAL, agents=True), **options).decode()
    return (source, *parse_dot(source))


def quad(subject: str, predicate: str, obj: str | Literal) -> Quad:
    return Quad(NamedNode(subject), NamedNode(predicate), obj if isinstance(obj, Literal) else NamedNode(obj))


def test_chain_nodes_are_drawn_in_the_prov_style(chain_store):
    _, nodes, _ = chain_dot(chain_store)
    counts = {k: sum(1 for n in nodes if kind(n) == k) for k in ("entity", "activity", "agent", "configuration")}
    assert counts == {"entity": 4, "activity": 3, "agent": 1, "configuration": 3}
    assert len(nodes) == 11
    for node_id, attributes in nodes.items():
        if kind(node_id) in PROV_STYLE:
            shape, fill, border = PROV_STYLE[kind(node_id)]
            assert (attributes["shape"], attributes["fillcolor"], attributes["color"]) == (shape, fill, border)
            assert attributes["style"] == "filled"


def test_chain_node_labels_are_names(chain_store):
    _, nodes, _ = chain_dot(chain_store)
    labels = {kind(n): set() for n in nodes}
    for node_id, attributes in nodes.items():
        labels[kind(node_id)].add(attributes["label"])
    assert labels["entity"] == {"gamma_run1.simtel.zst", "gamma_run1.dl1.h5", "gamma_run1.dl2.h5",
                                "gamma_run1.final.dl2.h5"}
    assert labels["activity"] == {"ctapipe-process\\n2025-03-27 00:02:11", "ctapipe-process\\n2025-03-27 01:02:11",
                                  "ctapipe-apply-models\\n2025-03-27 02:02:11"}
    assert labels["agent"] == {"CTAO"}
    tooltips = {a["tooltip"] for n, a in nodes.items() if kind(n) == "entity"}
    assert f"{chain_store.base}entity/path:{FINAL}" in tooltips


def test_chain_edges_point_from_later_to_earlier_with_roles(chain_store):
    _, nodes, edges = chain_dot(chain_store)
    label = {n: a["label"] for n, a in nodes.items()}
    drawn = sorted((label[t], a["label"], label[h]) for t, h, a in edges if kind(h) != "configuration")
    assert drawn == sorted([
        ("ctapipe-process\\n2025-03-27 00:02:11", "used\\n(role: DL0/Event)", "gamma_run1.simtel.zst"),
        ("ctapipe-process\\n2025-03-27 01:02:11", "used\\n(role: DL1/Event)", "gamma_run1.dl1.h5"),
        ("ctapipe-apply-models\\n2025-03-27 02:02:11", "used\\n(role: DL1/Event)", "gamma_run1.dl2.h5"),
        ("gamma_run1.dl1.h5", "wasGeneratedBy\\n(role: DL1/Event)", "ctapipe-process\\n2025-03-27 00:02:11"),
        ("gamma_run1.dl2.h5", "wasGeneratedBy\\n(role: DL2/Event)", "ctapipe-process\\n2025-03-27 01:02:11"),
        ("gamma_run1.final.dl2.h5", "wasGeneratedBy\\n(role: DL2/Event)",
         "ctapipe-apply-models\\n2025-03-27 02:02:11"),
        *[(activity, "wasAssociatedWith\\n(role: Provider)", "CTAO") for activity in (
            "ctapipe-process\\n2025-03-27 00:02:11", "ctapipe-process\\n2025-03-27 01:02:11",
            "ctapipe-apply-models\\n2025-03-27 02:02:11")],
        *[(entity, "wasAttributedTo", "CTAO")
          for entity in ("gamma_run1.dl1.h5", "gamma_run1.dl2.h5", "gamma_run1.final.dl2.h5")],
    ])  # fmt: skip


def test_configuration_is_a_discreet_note(chain_store):
    _, nodes, edges = chain_dot(chain_store)
    notes = {n: a for n, a in nodes.items() if kind(n) == "configuration"}
    assert {a["label"] for a in notes.values()} == {
        f"configuration (1)\\lProcessorTool.EventSource.max_events = {100 * step}\\l" for step in (1, 2, 3)}
    assert all((a["shape"], a["fillcolor"]) == ("note", "#F2F2F2") for a in notes.values())
    ties = [(kind(t), a["label"], a["style"]) for t, h, a in edges if h in notes]
    assert ties == [("activity", "wasConfiguredBy", "dashed")] * 3


def test_plain_prov_lineage_draws_the_same_picture(chain_store):
    result = lineage(chain_store, FINAL, agents=True, model="w3c")
    nodes, edges = parse_dot(export(chain_store, "dot", result=result).decode())
    assert sorted(kind(n) for n in nodes) == sorted(["entity"] * 4 + ["activity"] * 3 + ["agent"]
                                                    + ["configuration"] * 3)
    assert sum(1 for _, _, a in edges if a["label"] == "wasInfluencedBy") == 3


def test_rankdir_defaults_to_bottom_to_top(chain_store):
    source, _, _ = chain_dot(chain_store)
    assert re.search(r"^\tgraph \[.*\brankdir=BT\b", source, re.MULTILINE)


@pytest.mark.parametrize(("given", "written"), [("LR", "LR"), ("TB", "TB"), ("RL", "RL"), ("lr", "LR")])
def test_rankdir_option(chain_store, given, written):
    source, _, _ = chain_dot(chain_store, rankdir=given)
    assert re.findall(r"\brankdir=(\w+)", source) == [written]


@pytest.mark.parametrize("rankdir", ["up", "", "BTT"])
def test_unknown_rankdir_is_a_format_error(chain_store, rankdir):
    with pytest.raises(FormatError, match="rankdir must be one of BT, TB, LR, RL"):
        export(chain_store, "dot", rankdir=rankdir)


def test_unknown_option_is_a_format_error(chain_store):
    with pytest.raises(FormatError, match="colour.*rankdir"):
        export(chain_store, "svg", colour="red")


def collection_store(store, size: int = 20):
    members = [m.Entity(id=f"m{i:02}", name=f"member {i:02}") for i in range(size)]
    record = m.Record(id="collection", entities=[m.Entity(id="set", kind="collection", name="run set"), *members],
                      memberships=[m.Membership("set", member.id) for member in members])
    store.replace(Encoder(store.base).encode(record).graphs)
    return store


@pytest.mark.parametrize(("limit", "shown"), [(5, 5), (None, 8), ("12", 12), (0, 0)])
def test_large_collection_shows_its_first_members_and_a_count(memory_store, limit, shown):
    options = {} if limit is None else {"member_limit": limit}
    nodes, edges = parse_dot(export(collection_store(memory_store), "dot", **options).decode())
    members = sorted(a["label"] for n, a in nodes.items() if kind(n) == "entity" and a["label"] != "run set")
    assert members == [f"member {i:02}" for i in range(shown)]
    more = [a for n, a in nodes.items() if kind(n) == "more"]
    assert [a["label"] for a in more] == [f"… {20 - shown} more members"]
    assert sum(1 for _, _, a in edges if a["label"] == "hadMember") == shown + 1
    assert [a["style"] for t, h, a in edges if kind(h) == "more"] == ["dashed"]


def test_small_collection_shows_every_member(memory_store):
    nodes, _ = parse_dot(export(collection_store(memory_store), "dot", member_limit=20).decode())
    assert sum(1 for n in nodes if kind(n) == "entity") == 21
    assert not [n for n in nodes if kind(n) == "more"]


@pytest.mark.parametrize("limit", [-1, "many", 2.5, True])
def test_bad_member_limit_is_a_format_error(memory_store, limit):
    with pytest.raises(FormatError, match="member_limit"):
        export(collection_store(memory_store), "dot", member_limit=limit)


BASE = "https://example.org/"


def test_qualified_shortcut_and_inverse_forms_make_one_edge_each():
    a, e1, e2, e3, u = (BASE + name for name in ("activity/a", "entity/e1", "entity/e2", "entity/e3", "usage/u"))
    quads = [
        quad(a, RDF + "type", PROV + "Activity"),
        quad(a, PROV + "qualifiedUsage", u),  # qualified only, no shortcut
        quad(u, RDF + "type", PROV + "Usage"), quad(u, PROV + "entity", e1), quad(u, PROV + "hadRole", Literal("in")),
        quad(a, PROV + "generated", e2),  # the inverse shortcut
        quad(e2, PROV + "wasGeneratedBy", a),
        quad(e3, PROV + "wasDerivedFrom", e2), quad(e3, PROV + "wasRevisionOf", e2),  # a revision: one edge
    ]  # fmt: skip
    nodes, edges = parse_dot(serialize(quads, "dot", base=BASE).decode())
    label = {n: a["label"] for n, a in nodes.items()}
    assert sorted((label[t], a["label"], label[h]) for t, h, a in edges) == [
        ("a", "used\\n(role: in)", "e1"), ("e2", "wasGeneratedBy", "a"), ("e3", "wasRevisionOf", "e2")]
    assert sorted(kind(n) for n in nodes) == ["activity", "entity", "entity", "entity"]


def test_labels_fall_back_to_a_short_iri_and_wrap():
    long_name = "gamma_diffuse_run2017___cta-prod6-lapalma-2147m-LaPalma-dark_cone6.dl2.h5"
    quads = [
        quad(BASE + "entity/path:/data/x%20y.h5", RDF + "type", PROV + "Entity"),
        quad("http://other.org/ns#thing", RDF + "type", PROV + "Agent"),
        quad(BASE + "entity/long", RDF + "type", PROV + "Entity"),
        quad(BASE + "entity/long", RDFS + "label", Literal(long_name)),
    ]
    nodes, _ = parse_dot(serialize(quads, "dot", base=BASE).decode())
    labels = {a["label"] for a in nodes.values()}
    wrapped = "gamma_diffuse_run2017___cta-\\nprod6-lapalma-2147m-LaPalma-\\ndark_cone6.dl2.h5"
    assert labels == {"path:/data/x y.h5", "thing", wrapped}


def test_svg_or_png_without_dot_is_a_clear_error(chain_store, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert export(chain_store, "dot").startswith(b"digraph")  # the source needs no Graphviz
    with pytest.raises(Error, match="apt-get install graphviz"):
        export(chain_store, "svg")


def svg_nodes(data: bytes) -> dict[str, etree._Element]:
    root = etree.fromstring(data)
    return {g.findtext(f"{SVG}title"): g for g in root.iter(f"{SVG}g") if g.get("class") == "node"}


def test_svg_of_the_chain(chain_store, graphviz_dot):
    data = export(chain_store, "svg", result=lineage(chain_store, FINAL, agents=True))
    nodes = svg_nodes(data)
    assert sorted(map(kind, nodes)) == sorted(["entity"] * 4 + ["activity"] * 3 + ["agent"] + ["configuration"] * 3)
    # (element, corners: a box has 4, a house 5; SVG repeats the first point to close a polygon)
    shapes = {"entity": ("ellipse", None), "activity": ("polygon", 5), "agent": ("polygon", 6)}
    for title, g in nodes.items():
        if kind(title) in shapes:
            element, points = shapes[kind(title)]
            _, fill, border = PROV_STYLE[kind(title)]
            outline = next(g.iter(f"{SVG}{element}"))  # inside the <a> that carries the IRI as tooltip
            assert (outline.get("fill").upper(), outline.get("stroke").upper()) == (fill, border)
            assert points is None or len(outline.get("points").split()) == points
    texts = {" ".join(t.text for t in g.iter(f"{SVG}text")) for title, g in nodes.items() if kind(title) == "entity"}
    assert "gamma_run1.final.dl2.h5" in texts
    edges = [g for g in etree.fromstring(data).iter(f"{SVG}g") if g.get("class") == "edge"]
    assert len(edges) == 15


def test_svg_keeps_odd_names_as_text(graphviz_dot):
    odd = 'a "quoted" <b>name</b> with a \\ backslash'
    quads = [quad(BASE + "entity/odd", RDF + "type", PROV + "Entity"),
             quad(BASE + "entity/odd", RDFS + "label", Literal(odd))]
    nodes = svg_nodes(serialize(quads, "svg", base=BASE))
    text = " ".join(t.text for t in nodes["entity1"].iter(f"{SVG}text"))
    assert text.replace(" ", "") == odd.replace(" ", "")


def test_png_of_the_chain(chain_store, graphviz_dot):
    data = export(chain_store, "png", result=lineage(chain_store, FINAL), rankdir="LR")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert 400 < width < 8000 and 50 < height < 4000
    assert width > height  # left to right: a wide picture

"""The provrdf command line, run in-process: output, files written, exit status."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import prov
import pytest
import rdflib
from click.testing import CliRunner

from provrdf.cli import main
from provrdf.formats import FORMATS
from helpers.readback import activities_in

from helpers import DATA, DEMO

README = Path(__file__).parent.parent / "README.md"
VOPROV = "http://www.ivoa.net/documents/ProvenanceDM/index.html#"
BAD_RECORD = DATA / "ctapipe" / "bad_record.provenance.log"


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.setenv("PROVRDF_STORE", str(tmp_path / "store"))

    def invoke(*args: str):
        return CliRunner().invoke(main, [str(a) for a in args])

    return invoke


@pytest.fixture
def filled(run):
    result = run("ingest", *sorted(DEMO.glob("*.provenance.log")))
    assert result.exit_code == 0, result.output
    return run


def test_ingest_summary_and_exit_zero(run):
    result = run("ingest", *sorted(DEMO.glob("*.provenance.log")))
    assert result.exit_code == 0
    assert "3 record(s) stored, 0 rejected" in result.output
    assert "as ctapipe" in result.output


def test_ingest_with_a_broken_record_exits_one_and_names_it(run):
    result = run("ingest", BAD_RECORD)
    assert result.exit_code == 1
    assert "2 record(s) stored, 2 rejected" in result.output
    assert f"rejected: {BAD_RECORD}, record 1:" in result.output


@pytest.mark.parametrize("args", [["ingest", "/no/such/file.log"], ["ingest", "--format", "nosuch", str(BAD_RECORD)],
                                  ["query", "--format", "xml", "ASK {}"], ["lineage", "--depth", "deep", "x"]])
def test_usage_errors_exit_two(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Error" in result.output


def test_validate_reports_and_stores_nothing(run, tmp_path):
    result = run("validate", DATA / "invalid" / "stop_before_start.provenance.log")
    assert result.exit_code == 1
    assert "2 record(s) valid, 1 rejected" in result.output
    assert "SHACL violation" in result.output
    assert not (tmp_path / "store").exists()


def test_query_json_is_sparql_results_json(filled):
    result = filled("query", "--format", "json", "SELECT DISTINCT ?a ?name WHERE { ?a a prov:Activity ; voprov:name ?name }")
    answer = json.loads(result.output)
    assert answer["head"]["vars"] == ["a", "name"]
    names = sorted(b["name"]["value"] for b in answer["results"]["bindings"])
    assert len(names) == 3 and "ctapipe-apply-models" in names


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_query_csv_and_tsv(filled, fmt, delimiter):
    result = filled("query", "--format", fmt, "SELECT DISTINCT ?a ?name WHERE { ?a a prov:Activity ; voprov:name ?name }")
    rows = list(csv.reader(io.StringIO(result.output), delimiter=delimiter))
    assert rows[0] == (["a", "name"] if fmt == "csv" else ["?a", "?name"])
    assert len(rows) == 4 and all(len(row) == 2 for row in rows)  # no empty last row


@pytest.mark.parametrize("fmt,lines,end", [("csv", 2, b"\r\n"), ("tsv", 2, b"\n"), ("json", 1, b"\n"), ("table", 3, b"\n")])
def test_query_output_ends_with_exactly_one_line_terminator(filled, fmt, lines, end):
    result = filled("query", "--format", fmt, "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a prov:Activity ; voprov:name ?x }")
    out = result.stdout_bytes
    assert out.endswith(end) and not out.endswith(end + end) and out.count(end) == lines
    assert b"3" in out.splitlines()[-1]


def test_query_table(filled):
    result = filled("query", "SELECT (COUNT(DISTINCT ?a) AS ?activities) WHERE { ?a a prov:Activity ; voprov:name ?n }")
    assert result.output.split() == ["activities", "----------", "3"]


def test_lineage_tree_and_prov_json_file(filled, tmp_path):
    final = filled("query", "--format", "tsv", "SELECT ?l WHERE { ?e prov:wasGeneratedBy ?a ; prov:atLocation ?l "
                   "FILTER NOT EXISTS { ?x prov:used ?e } }").output.splitlines()[1].strip('"')
    tree = filled("lineage", final)
    assert tree.exit_code == 0
    assert tree.output.count("activity ctapipe-") == 3
    out = tmp_path / "lineage.json"
    result = filled("lineage", "--depth", "1", "--format", "prov-json", "-o", out, final)
    assert result.exit_code == 0
    document = prov.read(str(out), format="json")
    records = list(document.get_records()) + [r for b in document.bundles for r in b.get_records()]
    assert len([r for r in records if r.get_type().localpart == "Activity"]) == 1


def _final_product(filled) -> str:
    return filled("query", "--format", "tsv", "SELECT ?l WHERE { ?e prov:wasGeneratedBy ?a ; prov:atLocation ?l "
                  "FILTER NOT EXISTS { ?x prov:used ?e } }").output.splitlines()[1].strip('"')


def _turtle(output: str) -> rdflib.Graph:
    return rdflib.Graph().parse(data=output, format="turtle")


def test_lineage_provsap_options_reach_the_api(filled):
    final = _final_product(filled)
    plain = _turtle(filled("lineage", "--format", "turtle", final).output)
    agents = _turtle(filled("lineage", "--agents", "--no-configuration", "--no-descriptions", "--model", "W3C",
                            "--format", "ttl", final).output)
    prov_ns = rdflib.Namespace("http://www.w3.org/ns/prov#")
    assert not set(plain.subjects(rdflib.RDF.type, prov_ns.Agent))
    assert len(set(agents.subjects(rdflib.RDF.type, prov_ns.Agent))) >= 1
    assert not set(agents.subjects(rdflib.RDF.type, rdflib.URIRef(VOPROV + "Parameter")))
    assert set(plain.subjects(rdflib.RDF.type, rdflib.URIRef(VOPROV + "Parameter")))
    assert not set(agents.predicates(None, None)) & {rdflib.URIRef(VOPROV + "wasConfiguredBy")}
    for node in set(agents.subjects(rdflib.RDF.type, None)):  # --model w3c: a PROV class for each
        assert any(str(t).startswith(str(prov_ns)) for t in agents.objects(node, rdflib.RDF.type)), node
    forward = filled("lineage", "--direction", "FORWARD", "--depth", "0", final)
    assert forward.exit_code == 0 and forward.output.count("\n") == 1


def test_lineage_tree_shows_agents_when_asked(filled):
    tree = filled("lineage", "--agents", _final_product(filled)).output
    assert "associated with" in tree and "agent " in tree


@pytest.mark.parametrize("args, message", [
    (["--format", "yaml"], "known: tree, turtle"),
    (["--format", "turtle", "--rankdir", "LR"], "format turtle takes no option rankdir"),
    (["--model", "provdm"], "Invalid value for '--model'"),
])
def test_lineage_bad_options_are_usage_errors(filled, args, message):
    result = filled("lineage", *args, _final_product(filled))
    assert result.exit_code == 2
    assert message in result.output


def test_lineage_of_an_unknown_id_exits_one(filled):
    result = filled("lineage", "/fefs/nowhere.h5")
    assert result.exit_code == 1
    assert "answers to '/fefs/nowhere.h5'" in result.output


def test_export_trig_to_file_is_one_document(filled, tmp_path):
    """The whole store is one flat document (the records' union in the default graph); --bundles one graph each."""
    flat, bundled = tmp_path / "store.trig", tmp_path / "bundles.trig"
    assert filled("export", "--format", "trig", "-o", flat).exit_code == 0
    assert filled("export", "--format", "trig", "--bundles", "-o", bundled).exit_code == 0
    one, each = rdflib.Dataset(), rdflib.Dataset()
    one.parse(flat, format="trig")
    each.parse(bundled, format="trig")
    assert not [g for g in one.graphs() if "/bundle/" in str(g.identifier)]
    bundles = [g for g in each.graphs() if "/bundle/" in str(g.identifier)]
    assert len(bundles) == 3
    named = [g for g in each.graphs() if g.identifier != rdflib.graph.DATASET_DEFAULT_GRAPH_ID]
    assert set(one.default_graph) == {t for g in named for t in g}  # records, descriptions, same-file links


def test_export_unknown_format_lists_known_ones(filled):
    result = filled("export", "--format", "yaml")
    assert result.exit_code == 2
    assert "known: turtle, trig, ntriples" in result.output


def test_demo_prints_the_lineage_of_the_final_product(run, tmp_path):
    result = run("demo")
    assert result.exit_code == 0, result.output
    assert "3 record(s) stored" in result.output
    assert "lineage of the final product" in result.output
    assert result.output.count("activity ctapipe-") >= 3
    assert (tmp_path / "store").is_dir()


def test_every_command_is_documented_in_the_readme():
    readme = README.read_text()
    for name, command in main.commands.items():
        assert f"provrdf {name}" in readme, name
        for option in command.params:
            for flag in option.opts:
                if flag.startswith("--") and flag != "--help":
                    assert flag in readme, f"{name} {flag}"


GAMMAPY_2019 = DATA / "gammapy" / "crab_analysis_2019.log"
DEFINITION_2019 = DATA / "definitions" / "gammapy_0.15_definition.yaml"


def test_describe_stores_the_descriptions_alone(run):
    result = run("describe", DEFINITION_2019)
    assert result.exit_code == 0, result.output
    assert "1 record(s) stored, 0 rejected" in result.output
    rows = run("query", "--format", "csv", """SELECT DISTINCT ?name WHERE {
        ?d a voprov:ActivityDescription ; voprov:name ?name } ORDER BY ?name""")
    names = [row["name"] for row in csv.DictReader(io.StringIO(rows.output))]
    assert names == ["get_datasets", "get_flux_points", "get_observations", "run_fit", "set_model"]
    activities = run("query", "--format", "csv", "SELECT (COUNT(?a) AS ?n) WHERE { ?a a voprov:Activity }")
    assert activities.output.split()[-1] == "0"


def test_ingest_with_a_definition_warns_of_an_unlisted_role_and_strict_rejects_it(run, tmp_path):
    """run_fit uses a "model" the 0.15 definition does not list: the description is incomplete about
    it, a warning (the record is stored); with --strict that record only is rejected."""
    plain = run("validate", GAMMAPY_2019)
    assert plain.exit_code == 0, plain.output
    result = run("ingest", "--definition", DEFINITION_2019, GAMMAPY_2019)
    assert result.exit_code == 0, result.output
    assert f"read {GAMMAPY_2019} as gammapy" in result.output
    assert "0 rejected" in result.output
    assert "warning: role listed by the activity's description, 1 time(s), e.g." in result.output
    assert 'The role "model" is not among the roles' in result.output
    assert '/description/activity/run_fit> of this activity lists ("datasets")' in result.output
    strict = run("ingest", "--store", tmp_path / "strict", "--strict", "--definition", DEFINITION_2019, GAMMAPY_2019)
    assert strict.exit_code == 1
    assert "1 rejected" in strict.output and "Violation:" in strict.output
    assert "RoleListedByDescriptionShape" not in strict.output  # the message, not the shape IRI, is shown
    linked = run("query", "--store", tmp_path / "strict", "--format", "csv", """SELECT DISTINCT ?name WHERE {
        ?a a prov:Activity ; voprov:name ?name ; voprov:isDescribedBy/a voprov:ActivityDescription } ORDER BY ?name""")
    names = [row["name"] for row in csv.DictReader(io.StringIO(linked.output))]
    assert names == ["get_datasets", "get_flux_points", "get_observations", "set_model"]


def test_warnings_are_summarised_by_kind_and_listed_with_show_warnings(run, tmp_path):
    log = tmp_path / "unnamed.provenance.json"
    agents = {f"ex:agent{i}": {"prov:type": {"$": "prov:Person", "type": "prov:QUALIFIED_NAME"}} for i in range(3)}
    log.write_text(json.dumps({
        "prefix": {"ex": "https://example.org/", "voprov": "http://www.ivoa.net/documents/ProvenanceDM/index.html#"},
        "activity": {"ex:calib": {"voprov:name": "calibrate"}},
        "agent": agents,
        "wasAssociatedWith": {f"_:w{i}": {"prov:activity": "ex:calib", "prov:agent": f"ex:agent{i}"} for i in range(3)},
    }))
    summary = run("validate", log)
    assert summary.exit_code == 0, summary.output
    assert "warning: agent name, 3 time(s) (--show-warnings lists all 3), e.g." in summary.output
    assert summary.output.count("This agent has no name") == 2
    assert "1 record(s) valid, 0 rejected, 3 warning(s)" in summary.output
    listed = run("validate", "--show-warnings", log)
    assert listed.output.count("This agent has no name") == 3
    strict = run("validate", "--strict", log)
    assert strict.exit_code == 1 and "0 record(s) valid, 1 rejected, 0 warning(s)" in strict.output


def test_a_format_that_finds_no_record_is_an_error(run, tmp_path):
    document = DATA / "w3c" / "plain.json"
    forced = run("ingest", "--format", "gammapy", document)
    assert forced.exit_code == 1
    assert f"no provenance records found in {document} as gammapy" in forced.output
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nWe used http://www.w3.org/ns/prov# terms.\n")
    guessed = run("ingest", notes)
    assert guessed.exit_code == 1
    assert "not a provenance format provrdf knows (tried: ctapipe, gammapy, provjson" in guessed.output
    assert "Bad syntax" not in guessed.output
    unmatched = tmp_path / "other.yaml"
    unmatched.write_text("activities:\n  run_something_else:\n    description: nothing in the log\n")
    nothing = run("ingest", "--definition", unmatched, GAMMAPY_2019)
    assert nothing.exit_code == 1
    assert f"{unmatched} matches no record" in nothing.output


def test_a_database_url_is_a_source(run, tmp_path):
    missing = run("ingest", f"sqlite:///{tmp_path / 'empty.sqlite'}")
    assert missing.exit_code == 1
    assert "ProvenanceDB" in missing.output or "table" in missing.output


# -- every format, from the chained fixtures of every capture source ---------------

CUBE = "/data/opus/jobs/1a2b3c/results/cntcube.fits"  # the OPUS product at the end of the cross-tool chain


@pytest.fixture(scope="module")
def capture_cli(tmp_path_factory):
    """The CLI on a store filled, through ``provrdf ingest``, with every capture source's fixtures."""
    from helpers import CAPTURE_SOURCES

    store = tmp_path_factory.mktemp("capture") / "store"

    def invoke(*args):
        return CliRunner().invoke(main, [args[0], "--store", str(store), *map(str, args[1:])])

    result = invoke("ingest", *CAPTURE_SOURCES)
    assert result.exit_code == 0, result.output
    return invoke


@pytest.fixture(scope="module")
def expected_activities(capture_cli):
    """The activities of the whole store and of the cube's lineage, as Turtle says."""
    whole = activities_in(capture_cli("export", "--format", "turtle").stdout_bytes, "turtle")
    lineage = activities_in(capture_cli("lineage", "--format", "turtle", CUBE).stdout_bytes, "turtle")
    return whole, lineage


@pytest.mark.parametrize("fmt", [f.name for f in FORMATS])
def test_every_format_from_the_capture_fixtures(capture_cli, expected_activities, fmt, tmp_path, graphviz_dot):
    whole, lineage = expected_activities
    assert len(lineage) >= 5 and len(whole) > len(lineage)
    for args, expected in ((["export"], whole), (["lineage", CUBE], lineage)):
        out = tmp_path / f"{args[0]}.{fmt}"
        result = capture_cli(args[0], "--format", fmt, "-o", out, *args[1:])
        assert result.exit_code == 0, result.output
        if fmt == "png":
            assert out.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        else:
            assert activities_in(out.read_bytes(), fmt) == expected, f"{args[0]} --format {fmt}"


def test_a_binary_picture_goes_to_stdout_unchanged(capture_cli, tmp_path, graphviz_dot):
    out = tmp_path / "lineage.png"
    assert capture_cli("lineage", "--format", "png", "-o", out, CUBE).exit_code == 0
    piped = capture_cli("lineage", "--format", "png", CUBE)
    assert piped.exit_code == 0 and piped.stdout_bytes == out.read_bytes()


def test_export_of_a_graph_that_is_no_iri_is_a_usage_error(capture_cli):
    result = capture_cli("export", "--graph", "not an iri", "--format", "turtle")
    assert result.exit_code == 2 and "'not an iri' is not an IRI" in result.output


def test_ingest_with_a_definition_names_what_the_definition_file_holds_unread(run, tmp_path):
    definition = tmp_path / "definition.yaml"
    definition.write_text(DEFINITION_2019.read_text() + "\nnamespaces:\n  ex: http://example.org/\n")
    result = run("ingest", "--definition", definition, GAMMAPY_2019)
    assert result.exit_code == 0, result.output
    assert "warning: definition key not read, 1 time(s), e.g." in result.output
    assert f"{definition}: the top-level key 'namespaces' is not read" in result.output

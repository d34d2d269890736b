"""The reader registry: every capture format is recognised from its content, whatever the file is called."""

from __future__ import annotations

import shutil

import pytest

from provrdf.capture import READERS, detect, get_reader, is_database_url
from provrdf.errors import FormatError

from helpers import DATA, fixtures

#: Each fixture folder's files and the reader that must pick them.
EXPECTED = {
    **{path: "ctapipe" for path in fixtures(DATA / "ctapipe")},
    **{path: "gammapy" for path in fixtures(DATA / "gammapy")},
    DATA / "cross" / "gammapy_dl2_analysis.log": "gammapy",
    DATA / "w3c" / "opus_job.json": "provjson",
    DATA / "w3c" / "plain.json": "provjson",
    DATA / "w3c" / "voprov_legacy.json": "provjson",
    DATA / "w3c" / "opus_job.xml": "provxml",
    DATA / "w3c" / "plain.xml": "provxml",
    DATA / "w3c" / "plain.provn": "provn",
    DATA / "w3c" / "opus_job.trig": "trig",
    DATA / "w3c" / "plain.ttl": "turtle",
    DATA / "w3c" / "handwritten.ttl": "turtle",
    DATA / "w3c" / "plain.jsonld": "jsonld",
    DATA / "w3c" / "plain.rdf": "rdfxml",
}


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_each_fixture_is_recognised_from_its_content(path, tmp_path):
    assert detect(path).name == EXPECTED[path]
    anonymous = tmp_path / "provenance.dat"  # the name says nothing
    shutil.copyfile(path, anonymous)
    assert detect(anonymous).name == EXPECTED[path]


def test_a_provenancedb_sqlite_file_is_recognised(tmp_path):
    from sqlalchemy import create_engine

    from helpers.provdb_schema import create_schema, fill_ctadirac

    engine = create_engine(f"sqlite:///{tmp_path / 'prov.db'}")
    create_schema(engine, "new")
    fill_ctadirac(engine, "new")
    engine.dispose()
    assert detect(tmp_path / "prov.db").name == "provdb"


def test_an_unknown_file_names_every_format_tried(tmp_path):
    table = tmp_path / "events.csv"
    table.write_text("obs_id,ra,dec\n23523,83.63,22.01\n")
    with pytest.raises(FormatError) as caught:
        detect(table)
    assert f"tried: {', '.join(READERS)}" in str(caught.value)


def test_a_json_file_that_is_not_provenance_is_refused(tmp_path):
    config = tmp_path / "config.json"
    config.write_text('{"ProcessorTool": {"progress_bar": true}, "activity": "none"}')
    with pytest.raises(FormatError):
        detect(config)


def test_unknown_format_name_lists_the_known_ones():
    with pytest.raises(FormatError) as caught:
        get_reader("fits")
    assert "known: ctapipe, gammapy, provjson" in str(caught.value)


@pytest.mark.parametrize(
    ("location", "expected"),
    [("postgresql://prov@db.cta.local/provenance", True), ("sqlite:////var/prov/provdb.sqlite", True),
     ("/data/run1.provenance.log", False), ("https://provenance.cta-observatory.org/sparql", False),
     ("run1.provenance.log", False)],
)
def test_database_urls_are_told_from_files(location, expected):
    assert is_database_url(location) is expected

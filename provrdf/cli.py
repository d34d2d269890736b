"""The ``provrdf`` command line: a thin face over :mod:`provrdf.api`.

Exit status: 0 when everything worked, 1 when a record was rejected or an
operation failed, 2 on a usage error (bad option, missing file, unknown format).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from provrdf.version import __version__
from provrdf.capture import READERS, is_database_url
from provrdf.errors import Error, FormatError, OptionError
from provrdf.formats import format_names, get_format
from provrdf.walk import DIRECTIONS, MODELS
from provrdf.rdf.namespaces import PREFIXES
from provrdf.results import RESULT_FORMATS
from provrdf.identifiers import DEFAULT_BASE

if TYPE_CHECKING:
    from provrdf.pipeline import IngestReport
    from provrdf.store.base import Store

# The command line imports the pipeline, the SHACL engine and the writers in the
# command that needs them, so that ``provrdf --help`` starts at once.

__all__ = ["main"]

_STORE = click.option(
    "--store", "location", default=None, metavar="LOC",
    help="Store location: a folder for the embedded store [default: $PROVRDF_STORE, else ./provstore].",
)
_SOURCES = click.argument("sources", nargs=-1, required=True, metavar="SOURCES...")
_INPUT_FORMAT = click.option(
    "--format", "input_format", default="auto", show_default=True,
    help=f"Input format: auto (detect from content) or one of {', '.join(READERS)}.",
)
_DEFINITION = click.option(
    "--definition", type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A gammapy/logprov definition.yaml: link each record to its descriptions before checking it.",
)
_STRICT = click.option(
    "--strict", is_flag=True,
    help="Reject a record that lacks what ProvDM asks for completeness (agent name, mandatory "
         "attributes, recommended vocabularies) instead of storing it with a warning.",
)
_SHOW_WARNINGS = click.option(
    "--show-warnings", is_flag=True, help="List every warning [default: a summary by kind, two examples each].",
)
#: Warnings shown per kind in the summary.
_EXAMPLES = 2


def _checked(sources: tuple[str, ...]) -> tuple[str, ...]:
    """The sources, each an existing file or a database URL (else a usage error)."""
    for source in sources:
        if not is_database_url(source) and not Path(source).is_file():
            raise click.BadParameter(f"{source!r} is neither a file nor a database URL", param_hint="SOURCES")
    return sources


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="provrdf")
def main() -> None:
    """provrdf: a provenance store for astronomy pipelines (PROV-O + IVOA ProvDM)."""


@contextmanager
def _failures(*more_formats: str) -> Iterator[None]:
    """Turn provrdf errors into a one-line message and the right exit status;
    an unknown format lists ``more_formats`` beside the export formats."""
    try:
        yield
    except FormatError as err:
        message = str(err).replace("known: ", f"known: {', '.join(more_formats)}, ") if more_formats else str(err)
        raise click.UsageError(message) from err
    except OptionError as err:
        raise click.UsageError(str(err)) from err
    except Error as err:
        raise click.ClickException(str(err)) from err


def _existing(location: str | None, *, write: bool = False) -> Store:
    """The store at ``location``, which must be there (never created): read-only beside any writer, unless ``write``."""
    from provrdf import api

    return api.open_store(location, create=False, read_only=not write)


@contextmanager
def _progress(label: str, files: tuple[str, ...]) -> Iterator[tuple[Iterable[str], Callable[[], None]]]:
    """Files to read, advancing a bar on stderr (only on a terminal), and a
    per-record tick that shows how many records were read so far."""
    if not sys.stderr.isatty():
        yield files, lambda: None
        return
    count = 0
    with click.progressbar(files, label=label, file=sys.stderr, show_pos=True,
                           item_show_func=lambda _: f"{count} records") as bar:
        def tick() -> None:
            nonlocal count
            count += 1
            if count % 64 == 0:
                bar.render_progress()

        yield bar, tick


def _summary(report: IngestReport, verb: str, show_warnings: bool = False) -> None:
    for source, reader in report.sources:
        click.echo(f"read {source} as {reader}")
    for rejection in report.rejected:
        click.echo(f"rejected: {rejection}", err=True)
    if show_warnings:
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    else:
        for kind, found in report.warnings_by_kind().items():
            more = f" (--show-warnings lists all {len(found)})" if len(found) > _EXAMPLES else ""
            click.echo(f"warning: {kind}, {len(found)} time(s){more}, e.g.", err=True)
            for warning in found[:_EXAMPLES]:
                click.echo(f"  {warning}", err=True)
    unchanged = f"{report.unchanged} unchanged, " if report.unchanged else ""
    line = f"{report.stored} record(s) {verb}, {unchanged}{len(report.rejected)} rejected, {len(report.warnings)} warning(s)"
    if verb == "stored":
        line += f", {report.quads} quads written"
    click.echo(line)


@main.command()
@_STORE
@_INPUT_FORMAT
@_DEFINITION
@click.option("--no-validate", is_flag=True, help="Store without running the SHACL shapes.")
@_STRICT
@_SHOW_WARNINGS
@_SOURCES
def ingest(location: str | None, input_format: str, definition: Path | None, no_validate: bool, strict: bool,
           show_warnings: bool, sources: tuple[str, ...]) -> None:
    """Read provenance SOURCES, check them and store every good record.

    A source is a file (a ctapipe or gammapy/logprov log, a W3C PROV
    document in any serialization, a PROV-VOTable, a ProvenanceDB SQLite
    file) or a ProvenanceDB URL (postgresql://…, sqlite:///…); its format is
    recognised from its content. A broken record is rejected alone; what
    ProvDM asks only for completeness is a warning (--strict: a rejection).
    Exit status 1 when a record or a source was rejected.
    """
    from provrdf import api

    sources = _checked(sources)
    with _failures(), api.open_store(location) as store, _progress("ingesting", sources) as (items, tick):
        report = api.ingest(store, items, format=input_format, validate=not no_validate, strict=strict,
                            definition=definition, on_record=tick)
    _summary(report, "stored", show_warnings)
    sys.exit(0 if report.ok else 1)


@main.command()
@_INPUT_FORMAT
@_DEFINITION
@_STRICT
@_SHOW_WARNINGS
@_SOURCES
def validate(input_format: str, definition: Path | None, strict: bool, show_warnings: bool,
             sources: tuple[str, ...]) -> None:
    """Check provenance SOURCES as ingest would, storing nothing (exit status 1 when one is rejected)."""
    from provrdf import api

    sources = _checked(sources)
    with _failures(), _progress("validating", sources) as (items, tick):
        report = api.validate(items, format=input_format, strict=strict, definition=definition, on_record=tick)
    _summary(report, "valid", show_warnings)
    sys.exit(0 if report.ok else 1)


@main.command()
@_STORE
@_STRICT
@_SHOW_WARNINGS
@click.argument("definition", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def describe(location: str | None, strict: bool, show_warnings: bool, definition: Path) -> None:
    """Store the descriptions of a gammapy/logprov definition.yaml alone (activities, parameters, usages, entities).

    Every generation of the file is read (activities/entities,
    activity_description/entity_description, activity_descriptions/entity_descriptions).
    """
    from provrdf import api

    with _failures(), api.open_store(location) as store:
        report = api.describe(store, definition, strict=strict)
    _summary(report, "stored", show_warnings)
    sys.exit(0 if report.ok else 1)


@main.command()
@_STORE
@click.option("--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True,
              help="json is the SPARQL 1.1 query results JSON format.")
@click.argument("sparql")
def query(location: str | None, fmt: str, sparql: str) -> None:
    """Run a SPARQL 1.1 query over the store.

    The prefixes PREFIXES are declared. The default graph is the knowledge
    graph: what every record, description and same-file link says, each
    fact once however many records state it. GRAPH ?g reaches one record's
    graph (and the ingest log).
    """
    from provrdf import api

    with _failures(), _existing(location) as store:
        click.echo(api.format_results(api.query(store, sparql), fmt), nl=False)


def _depth(value: str) -> int | None:
    if value.lower() == "all":
        return None
    if not value.isdigit():
        raise click.BadParameter(f"{value!r} is not a number of steps or 'all'")
    return int(value)


def _picture_options(function: Callable) -> Callable:
    """The options of the picture formats (dot, svg, png), passed on only when given."""
    function = click.option("--member-limit", type=click.IntRange(min=1), default=None,
                            help="Pictures: members shown per collection; the rest become one '… N more' node.")(function)
    return click.option("--rankdir", type=click.Choice(["BT", "TB", "LR", "RL"], case_sensitive=False),
                        default=None, help="Pictures: layout direction [default: BT, causes above effects].")(function)


def _given(**options: Any) -> dict[str, Any]:
    return {name: value for name, value in options.items() if value is not None}


@main.command()
@_STORE
@click.option("--direction", type=click.Choice(sorted(DIRECTIONS), case_sensitive=False), default="back",
              show_default=True, help="back: what IDS came from; forth (forward): what was made from them.")
@click.option("--depth", default="all", show_default=True, help="Number of relation steps, or 'all'.")
@click.option("--members/--no-members", default=False, show_default=True,
              help="Follow collection membership (ProvSAP MEMBERS).")
@click.option("--agents/--no-agents", default=False, show_default=True,
              help="Include the agents one step away (ProvSAP AGENT); the walk never goes on through them.")
@click.option("--descriptions/--no-descriptions", default=True, show_default=True,
              help="Include activity, usage, generation, entity and parameter descriptions.")
@click.option("--configuration/--no-configuration", default=True, show_default=True,
              help="Include the parameters and config files of the activities.")
@click.option("--model", type=click.Choice(MODELS, case_sensitive=False), default="ivoa", show_default=True,
              help="ivoa answers in voprov terms; w3c in plain PROV (voprov classes kept as types).")
@click.option("--format", "fmt", default="tree", show_default=True,
              help=f"tree, or an export format: {', '.join(format_names())}.")
@_picture_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@click.argument("ids", nargs=-1, required=True)
def lineage(location: str | None, direction: str, depth: str, members: bool, agents: bool, descriptions: bool,
            configuration: bool, model: str, fmt: str, rankdir: str | None, member_limit: int | None,
            output: Path | None, ids: tuple[str, ...]) -> None:
    """Show what IDS came from (back) or what was made from them (forth), as ProvSAP does.

    An ID is an IRI, a ctapipe activity uuid, a gammapy or logprov activity
    id, a CTAO product id or a file path exactly as recorded; several IDS
    give one answer.
    """
    from provrdf import api
    from provrdf.serializers.tree import render_tree

    steps = _depth(depth)
    if fmt != "tree":
        with _failures("tree"):
            get_format(fmt)
    with _failures(), _existing(location) as store:
        result = api.lineage(store, ids, direction=direction, depth=steps, members=members, agents=agents,
                             descriptions=descriptions, configuration=configuration, model=model)
        if fmt == "tree":
            _write(render_tree(result, DIRECTIONS[direction.lower()]).encode("utf-8") + b"\n", output)
        else:
            options = _given(rankdir=rankdir, member_limit=member_limit)
            _write(api.export(store, fmt, result=result, **options), output, get_format(fmt).binary)


@main.command()
@_STORE
@click.option("--graph", metavar="IRI", help="Export one named graph (a record's bundle, the ingest log) only.")
@click.option("--bundles", is_flag=True, help="One bundle (named graph) per record, as stored [default: one flat "
                                              "document, only the bundles a source declared kept as bundles].")
@click.option("--with-log", is_flag=True, help="Add the ingest log, as a bundle of its own.")
@click.option("--format", "fmt", required=True, help=f"One of: {', '.join(format_names())}.")
@_picture_options
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
def export(location: str | None, graph: str | None, bundles: bool, with_log: bool, fmt: str, rankdir: str | None,
           member_limit: int | None, output: Path | None) -> None:
    """Write the store's documents as one (the knowledge graph; a bundle a source declared stays a bundle; no
    ingest log), or one graph, in a W3C PROV, PROV-O, VO or picture format."""
    from provrdf import api

    with _failures(), _existing(location) as store:
        data = api.export(store, fmt, graph=graph, bundles=bundles, with_log=with_log,
                          **_given(rankdir=rankdir, member_limit=member_limit))
        _write(data, output, get_format(fmt).binary)


def _write(data: bytes, output: Path | None, binary: bool = False) -> None:
    """``data`` to ``output``, or to stdout (a text ending in a newline)."""
    if output is None:
        stdout = sys.stdout.buffer
        stdout.write(data if binary or data.endswith(b"\n") else data + b"\n")
        stdout.flush()
    else:
        output.write_bytes(data)
        click.echo(f"wrote {len(data)} bytes to {output}", err=True)


@main.command()
@_STORE
@click.option("--repair", is_flag=True, help="Rebuild what differs, in one transaction.")
def check(location: str | None, repair: bool) -> None:
    """Check that the knowledge graph (the default graph), the file index and the same-file links are what the
    record and description graphs imply; exit status 1 when they are not (--repair: rebuild them)."""
    from provrdf import check as store_check

    with _failures(), _existing(location, write=repair) as store:
        report = store_check.repair(store) if repair else store_check.verify(store)
    for finding in report.findings:
        click.echo(str(finding), err=True)
    state = "consistent" if report.ok else ("repaired" if repair else "NOT consistent")
    click.echo(f"{report.records} record and description graph(s), {report.knowledge} knowledge-graph triple(s), "
               f"{report.links} same-file link(s): {state}")
    sys.exit(0 if report.ok or repair else 1)


@main.command()
@_STORE
@click.option("--base", metavar="IRI", help=f"Base IRI of the nodes the store names [default: {DEFAULT_BASE}].")
def init(location: str | None, base: str | None) -> None:
    """Create an empty store and say where (ingest, describe and demo create one too; no other command does).

    A store that is already there is left as it is.
    """
    from provrdf import api
    from provrdf.store import holds_store

    with _failures():
        existed = holds_store(location)
        with api.open_store(location, base=base) as store:
            where = store.location if store.location == ":memory:" else str(Path(store.location).resolve())
    click.echo(f"a provrdf store is already at {where}" if existed else f"created an empty provrdf store at {where}")


@main.command()
@_STORE
def demo(location: str | None) -> None:
    """Ingest the bundled r0 → dl1 → dl2 ctapipe chain and show the lineage of its final product."""
    from provrdf import api
    from provrdf.serializers.tree import render_tree
    from provrdf.store.base import sparql_prefixes

    logs = sorted(Path(str(files("provrdf") / "data" / "demo")).glob("*.provenance.log"))
    with _failures(), api.open_store(location) as store:
        report = api.ingest(store, logs)
        _summary(report, "stored")
        final = store.select(sparql_prefixes() + _FINAL_PRODUCT)
        products = [row.text("e") for row in final]
        if not products:
            raise click.ClickException("the demo chain has no final product")
        click.echo(f"\nstore: {store.location}\nlineage of the final product {products[0]}:\n")
        click.echo(render_tree(api.lineage(store, products[0]), "back"))
    sys.exit(0 if report.ok else 1)


# The product generated by some activity and used by none.
_FINAL_PRODUCT = """
SELECT ?e WHERE {
  ?e a voprov:DatasetEntity ; prov:wasGeneratedBy ?a .
  FILTER NOT EXISTS { ?later prov:used ?e }
} ORDER BY ?e LIMIT 1
"""


query.help = (query.help or "").replace("PREFIXES", ", ".join(f"{name}:" for name in PREFIXES))

if __name__ == "__main__":  # pragma: no cover
    main()

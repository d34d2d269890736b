"""provrdf's own ingest log in a full-store export: its rows are left out, with one warning.

A full-store export carries provrdf's bookkeeping: its ``provrdf:IngestRun``
activities, ``provrdf:Source`` entities, the ``prov:Bundle`` entities they
generated, the provrdf software agent and the relations between them. A node
row is provrdf's own when it has a class or a property in the ``provrdf:``
namespace; a relation row is when it links such a node; a bundle entity that
says nothing else and is linked only from such rows is too.
"""

from __future__ import annotations

from collections import Counter

from provrdf import model as m
from provrdf.capture.votable.relations import RELATIONS
from provrdf.capture.votable.rows import Row, Warn
from provrdf.rdf.namespaces import PROV, PROVRDF, RDF

__all__ = ["drop_ingest_log"]

_NODE_TABLES = ("Activity", "Entity", "Agent")
_LINK_TABLES = (*RELATIONS, "WasConfiguredBy")
_TYPE = RDF + "type"
_BUNDLE = PROV + "Bundle"


def drop_ingest_log(groups: dict[str, list[Row]], warn: Warn) -> None:
    """Leave out of ``groups`` (rows by class) the rows of provrdf's ingest log, with one warning counting them."""
    own = {row.cells["id"] for name in _NODE_TABLES for row in groups.get(name, [])
           if "id" in row.cells and _is_provrdf(row)}  # fmt: skip
    if not own:
        return
    dropped: Counter[str] = Counter()
    named = _drop_links(groups, own, dropped)
    bundles = {row.cells["id"] for row in groups.get("Entity", []) if _is_bare_bundle(row)} & named
    for name in _NODE_TABLES:
        dropped.update(row.table for row in groups.get(name, []) if row.cells.get("id") in own | bundles)
        groups[name] = [row for row in groups.get(name, []) if row.cells.get("id") not in own | bundles]
    counts = ", ".join(f"{table} {count}" for table, count in dropped.items())
    warn("ingest log", f"skipped {sum(dropped.values())} rows of provrdf's ingest log ({counts}): its ingest runs, "
                       "sources, bundles, the provrdf agent and their relations are provenance of an earlier ingest, "
                       "not of the pipeline")  # fmt: skip


def _drop_links(groups: dict[str, list[Row]], own: set[str], dropped: Counter[str]) -> set[str]:
    """Leave out the relation rows that link one of ``own``; the ids those rows link."""
    named: set[str] = set()
    for name in _LINK_TABLES:
        kept = []
        for row in groups.get(name, []):
            ends = {value for key, value in row.cells.items() if key != "id"}
            if ends & own:
                named |= ends
                dropped[row.table] += 1
            else:
                kept.append(row)
        groups[name] = kept
    return named


def _is_provrdf(row: Row) -> bool:
    """Whether a node row is provrdf's own bookkeeping: a ``provrdf:`` class or property."""
    types = row.extra.get(_TYPE)
    values = types if isinstance(types, list) else [types]
    if any(isinstance(v, m.IRI) and v.value.startswith(PROVRDF) for v in values):
        return True
    return any(key.startswith(PROVRDF) for key in row.extra)


def _is_bare_bundle(row: Row) -> bool:
    """An entity row that says only that it is a ``prov:Bundle``."""
    if set(row.extra) != {_TYPE} or set(row.cells) - {"id", "classType"}:
        return False
    return row.extra[_TYPE] == m.IRI(_BUNDLE) and row.cells.get("classType", "Entity") == "Entity"

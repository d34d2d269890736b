"""IVOA PROV-VOTable → records: provrdf's own layout and the ProvDM drafts' prefixed form.

A VOTable document (parsed with :mod:`astropy.io.votable`) whose tables are
provenance is **one record**, ``votable/<first 16 hex digits of the sha256 of
the file>``, or ``votable/<ID>`` when the ``RESOURCE`` with
``utype="voprov:ProvenanceDocument"`` has an ``ID`` (a document that names
itself is one bundle: a new version of it replaces the old one).

**Which table is which class.** A ``TABLE`` is read as the ProvDM class named
by its ``utype`` (``voprov:Used``) or else its ``name``, compared without
case; older names are understood (``Usage``, ``Generation``,
``UsedDescription``, ``WasGeneratedByDescription``, ``Configfile``). A table
of no ProvDM class is skipped with a warning.

**Which column is which attribute.** A ``FIELD`` is placed by its utype
``voprov:<Class>.<attribute>`` (the class part is not checked: the drafts
misprint it, ``voprov:WasAssoatciatedWith.activity``), else by its name:
the drafts prefix each column with a short name of its table (``e``, ``ed``,
``a``, ``ad``, ``ag``, ``p``, ``pd``, ``u``, ``ud``, ``wgb``, ``wgbd``,
``waw``, ``wat``: ``e_name``, ``u_entity_id``), and a reference column ends
in ``_id``. Attribute names are compared without case and the drafts' names
are read as today's: ``annotation`` is ``comment`` (``description`` on a
description), ``stopTime`` is ``endTime``, ``agentRole`` is ``role``,
``doculink`` is ``docurl``, ``datatype`` is ``valueType``; an Activity's or
Entity's ``description`` is the reference to its description.

* provrdf's layout (:mod:`provrdf.export.votable`, see README "PROV-VOTable
  layout"): every table and column it writes, ``classType`` giving the entity
  kind (and the entity description kind), ``WasConfiguredBy`` giving each
  parameter and config file its activity, relation rows with an ``id`` kept
  under that id, rows without one (a PROV-O shortcut) read as the relation.
* the drafts (WD-ProvenanceDM-1.0-20170921 Appendix B as revised and as
  published, the PR-ProvenanceDM-1.0-20181015 examples): the 13 tables of
  Appendix B. Their reference columns become relations: ``e_usedEntity`` a
  derivation, ``e_hadMember`` a membership, ``a_informant`` a communication,
  ``a_hadStep`` the step's ``part_of``, ``a_parameter`` the activity a
  parameter configures, ``ad_param`` the activity description that owns a
  parameter description. A parameter is named by its description
  (``pd_name``), else by its id. ``UsedDescription`` and
  ``WasGeneratedByDescription`` rows have no id: they are
  ``<activity description>/usage/<role>`` (``/generation/``). ``ag_type``
  ``Individual`` is a Person. ``pd_options`` is split at commas, or at
  blanks when it has no comma (``true false``).

**Ids.** A value that is an absolute IRI names its node: it is kept as the
node's IRI (:func:`provrdf.identifiers.external`). In provrdf's layout (a
``RESOURCE`` with ``utype="voprov:ProvenanceDocument"``, whose ids are IRIs
by definition) that is any ``scheme:rest`` without blanks; elsewhere only a
``scheme://…`` IRI or one of the schemes ``urn``, ``tag``, ``mailto``,
``doi``, ``ark``, ``info``, so that the drafts' plain ids (``act1``, a uuid,
an LFN path, ``e9c2…:ApplyModels.n_jobs``) and qualified names whose prefix
the document cannot declare (``ex:act1``) are not taken for IRIs. Such a
value is a local id **under the record**: ``<record id>/<value>`` (the IRI
``{base}activity/votable/<digest>/act1``), deterministic, and never mixed
with the nodes of another document that happens to use the same short ids.

**Values.** Times are ISO 8601 and read as aware UTC datetimes (a zone-less
time is UTC). The ProvDM ``name`` is the model's ``name`` (``voprov:name``),
never a label. An empty cell is no value.

**Extension columns.** A column with no ``voprov:`` utype named by a prefixed
name or an IRI (``ctao:exitCode``) is a property outside ProvDM: its IRI is
the one in angle brackets in its ``DESCRIPTION`` (provrdf writes ``Not in
ProvDM: the values of <IRI>``), else its expanded name. Its values go to the
node's ``extra`` under that IRI: ``long``/``int``/``short`` as ``int``,
``double``/``float`` as ``float``, ``boolean`` as ``bool``, a
``timestamp`` as a datetime, a ``meta.id.cross`` column as IRIs (several in a
cell, comma-separated, are split before each ``scheme:``), text as ``str``.
On a derivation, ``rdf:type`` ``prov:Revision``, ``prov:Quotation`` or
``prov:PrimarySource`` is its ``type``; on an influence, the ``role`` column
is ``prov:hadRole``.

**Warnings** (:class:`~provrdf.errors.ReadWarning`, nothing dropped silently):
a column that is neither a known attribute nor an extension (the drafts'
``e_rights``, ``e_type``, ``a_votype``, ``ed_category``, ``ad_group``, or an
extension column of a description or configuration link, which the model
cannot hold), with the number of values not read; a table of no ProvDM
class; an agent type or entity class that is none of the model's; an
extension timestamp that is no time (kept as text); and **provrdf's ingest
log**: a full-store export carries provrdf's own bookkeeping (its
``provrdf:IngestRun`` activities, ``provrdf:Source`` entities, the
``prov:Bundle`` entities they generated, the provrdf software agent and the
relations between them). Those rows are provenance of an earlier ingest, not
of the pipeline: they are skipped, and one warning counts them per table.
A node row is provrdf's own when it has a class or a property in the
``provrdf:`` namespace; a bundle entity that says nothing else and is linked
only from such rows is too.

**Errors.** A row that cannot be read (no id where the model needs one, a
time that is no time, a parameter that configures no activity, a
description part that belongs to no activity description) is a
:class:`~provrdf.errors.ParseError` naming the table and row (1-based);
the other rows are read and the record is still given. A file astropy cannot
parse is one ParseError.

>>> sniff('<?xml version="1.0"?><VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3">'
...       '<RESOURCE utype="voprov:ProvenanceDocument">')
True
>>> sniff('<VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE name="stars">')
False
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from provrdf import model as m
from provrdf.errors import ParseError, ReadWarning
from provrdf.identifiers import external, is_external
from provrdf.rdf.namespaces import PROV, PROVRDF, RDF, expand
from provrdf.timeutil import parse_time

__all__ = ["CLASSES", "TableClass", "read", "sniff"]


# -- the classes a table can hold ---------------------------------------------------------------


@dataclass(frozen=True)
class TableClass:
    """A ProvDM class as a PROV-VOTable table: its draft column prefix and its attributes.

    Parameters
    ----------
    name
        The class name, as provrdf names its table (``"Used"``).
    prefix
        The drafts' column prefix (``"u"`` for ``u_role``), or None.
    attributes
        Lower-case attribute name or alias → the attribute it is (provrdf's column name).
    """

    name: str
    prefix: str | None
    attributes: dict[str, str]


def _class(name: str, prefix: str | None, names: str, **aliases: str) -> TableClass:
    canonical = names.split()
    attributes = {attr.lower(): attr for attr in canonical}
    attributes.update((alias.lower(), target) for alias, target in aliases.items())
    return TableClass(name, prefix, attributes)


_DESCRIBED = {"annotation": "description", "doculink": "docurl"}
_ROLE_TEMPLATE = "id activityDescription role description type multiplicity entityDescription"

#: Every class a table can hold, by provrdf's table name.
CLASSES: dict[str, TableClass] = {cls.name: cls for cls in (
    _class("Activity", "a", "id name startTime endTime comment activityDescription parameter informant hadStep",
           start="startTime", stopTime="endTime", stop="endTime", end="endTime", annotation="comment",
           description="activityDescription", desc_id="activityDescription",
           **{"wasInformedBy.informant": "informant"}),
    _class("Entity", "e", "id classType name location generatedAtTime invalidatedAtTime comment value "
           "entityDescription hadMember usedEntity", annotation="comment", description="entityDescription",
           **{"wasDerivedFrom.usedEntity": "usedEntity"}),
    _class("Agent", "ag", "id name type comment email affiliation phone address url", annotation="comment"),
    _class("Used", "u", "id activity entity role time usageDescription", usedDescription="usageDescription"),
    _class("WasGeneratedBy", "wgb", "id entity activity role time generationDescription",
           wasGeneratedByDescription="generationDescription"),
    _class("WasInvalidatedBy", None, "id entity activity role time"),
    _class("WasStartedBy", None, "id activity trigger starter role time"),
    _class("WasEndedBy", None, "id activity trigger ender role time"),
    _class("WasAssociatedWith", "waw", "id activity agent role plan", agentRole="role"),
    _class("WasAttributedTo", "wat", "id entity agent role", agentRole="role"),
    _class("ActedOnBehalfOf", None, "id delegate responsible activity role"),
    _class("WasDerivedFrom", None, "id generatedEntity usedEntity activity"),
    _class("WasInformedBy", None, "id informed informant"),
    _class("HadMember", None, "collection entity"),
    _class("WasConfiguredBy", None, "id activity artefact artefactType"),
    _class("WasInfluencedBy", None, "id influencee influencer role"),
    _class("Parameter", "p", "id name value parameterDescription valueEntity", description="parameterDescription"),
    _class("ConfigFile", None, "id name location comment configFileDescription", annotation="comment",
           description="configFileDescription"),
    _class("ActivityDescription", "ad", "id name version description docurl type subtype parameter",
           param="parameter", **_DESCRIBED),
    _class("UsageDescription", "ud", _ROLE_TEMPLATE, annotation="description"),
    _class("GenerationDescription", "wgbd", _ROLE_TEMPLATE, annotation="description"),
    _class("EntityDescription", "ed", "id classType name description docurl type contentType valueType unit ucd "
           "utype", **_DESCRIBED),
    _class("ParameterDescription", "pd", "id activityDescription name valueType description unit ucd utype min max "
           "options default", datatype="valueType", annotation="description"),
    _class("ConfigFileDescription", None, "id activityDescription name contentType description",
           annotation="description"),
)}  # fmt: skip
#: Older table names → the class they hold.
_TABLE_ALIASES = {"usage": "Used", "generation": "WasGeneratedBy", "useddescription": "UsageDescription",
                  "wasgeneratedbydescription": "GenerationDescription", "derivation": "WasDerivedFrom",
                  "communication": "WasInformedBy", "association": "WasAssociatedWith",
                  "attribution": "WasAttributedTo"}  # fmt: skip
_BY_LOWER = {name.lower(): name for name in CLASSES} | _TABLE_ALIASES

#: ``classType`` (lower case) → the model's kind, and the names said in a warning.
_ENTITY_KINDS = {"entity": "entity", "datasetentity": "dataset", "dataset": "dataset", "valueentity": "value",
                 "value": "value", "collection": "collection"}  # fmt: skip
_ENTITY_CLASSES = "Entity, DatasetEntity, ValueEntity, Collection"
_DESCRIPTION_KINDS = {"entitydescription": "entity", "datasetdescription": "dataset", "valuedescription": "value"}
_DESCRIPTION_CLASSES = "EntityDescription, DatasetDescription, ValueDescription"
_AGENT_TYPES = {"person": "Person", "individual": "Person", "organization": "Organization",
                "organisation": "Organization", "softwareagent": "SoftwareAgent", "software": "SoftwareAgent"}
_DERIVATION_TYPES = {PROV + name: name for name in m.DERIVATION_TYPES}
_Part = TypeVar("_Part", m.UsageDescription, m.GenerationDescription)
_TYPE = RDF + "type"
_BUNDLE = PROV + "Bundle"

# -- sniffing ---------------------------------------------------------------------------------

#: The root element, after an XML declaration, comments and a DOCTYPE; group 1 holds its attributes.
_ROOT = re.compile(r"\ufeff?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*)*<(?:[\w.-]+:)?VOTABLE\b([^>]*)>",
                   re.DOTALL)
_NAMESPACE = "ivoa.net/xml/VOTable"
_VOPROV_UTYPE = re.compile(r"""\butype\s*=\s*["']\s*voprov:""", re.IGNORECASE)
_CLASS_TABLE = re.compile(r"""<(?:[\w.-]+:)?TABLE\b[^>]*?\bname\s*=\s*["']\s*(\w+)\s*["']""")


def sniff(head: str) -> bool:
    """Whether ``head`` begins a VOTable document whose tables are provenance.

    The root element is ``VOTABLE`` in the VOTable namespace, and the
    document has a ``voprov:`` utype (a ``RESOURCE`` ``voprov:ProvenanceDocument``,
    a table, a field) or a table named by a ProvDM class.
    """
    root = _ROOT.match(head)
    if root is None or _NAMESPACE not in root.group(1):
        return False
    if _VOPROV_UTYPE.search(head):
        return True
    return any(name.lower() in _BY_LOWER for name in _CLASS_TABLE.findall(head))


# -- reading ----------------------------------------------------------------------------------


def read(path: Path) -> Iterator[m.Record | ParseError | ReadWarning]:
    """The one record of the PROV-VOTable at ``path``, after the warnings and errors about its rows.

    Yields
    ------
    ReadWarning
        For what is kept differently or not read (see the module text).
    ParseError
        For each row that cannot be read, or once when the file is no VOTable.
    Record
        The document's provenance (unless nothing could be read).
    """
    source = str(path)
    try:
        content = path.read_bytes()
        votable = _parse(content)
    except OSError as err:
        yield ParseError(source, f"cannot read the file: {err}")
        return
    except Exception as err:  # noqa: BLE001 - astropy reports a broken document with many exception types
        yield ParseError(source, f"not a VOTable astropy can read: {err}")
        return
    yield from _Document(source, content, votable).read()


def _parse(content: bytes) -> Any:
    """The astropy VOTable of ``content``; its VOTable-standard warnings (UCDs, versions) are not ours."""
    from astropy.io.votable import parse

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse(io.BytesIO(content), verify="ignore")


class _BadRow(Exception):
    """A row that cannot be read; the message says why."""


@dataclass(frozen=True)
class _Column:
    """A FIELD placed: its position, and the attribute it is or the property of an extension column."""

    index: int
    name: str
    attribute: str | None = None
    prop: str | None = None
    kind: str = "text"  #: of an extension column: "ref", "time", "int", "float", "bool" or "text"


@dataclass
class _Row:
    """One row: its cells by attribute (empty ones left out) and its extension values by property IRI."""

    table: str
    number: int
    cells: dict[str, Any]
    extra: m.Extra = field(default_factory=dict)

    @property
    def where(self) -> str:
        return f"table {self.table}, row {self.number}"


#: The relation tables read by :meth:`_Document.relation`: record list, model class and
#: (model field, attribute, how: a node kind to reference, "!" when required; "ref", "text", "time").
_RELATIONS: dict[str, tuple[str, type, tuple[tuple[str, str, str], ...]]] = {
    "Used": ("usages", m.Usage, (("activity", "activity", "activity!"), ("entity", "entity", "entity"),
             ("role", "role", "text"), ("time", "time", "time"), ("description", "usageDescription", "ref"))),
    "WasGeneratedBy": ("generations", m.Generation, (("entity", "entity", "entity!"),
                       ("activity", "activity", "activity"), ("role", "role", "text"), ("time", "time", "time"),
                       ("description", "generationDescription", "ref"))),
    "WasInvalidatedBy": ("invalidations", m.Invalidation, (("entity", "entity", "entity!"),
                         ("activity", "activity", "activity"), ("role", "role", "text"), ("time", "time", "time"))),
    "WasStartedBy": ("starts", m.Start, (("activity", "activity", "activity!"), ("trigger", "trigger", "entity"),
                     ("starter", "starter", "activity"), ("role", "role", "text"), ("time", "time", "time"))),
    "WasEndedBy": ("ends", m.End, (("activity", "activity", "activity!"), ("trigger", "trigger", "entity"),
                   ("ender", "ender", "activity"), ("role", "role", "text"), ("time", "time", "time"))),
    "WasAssociatedWith": ("associations", m.Association, (("activity", "activity", "activity!"),
                          ("agent", "agent", "agent"), ("role", "role", "text"), ("plan", "plan", "entity"))),
    "WasAttributedTo": ("attributions", m.Attribution, (("entity", "entity", "entity!"), ("agent", "agent", "agent!"),
                        ("role", "role", "text"))),
    "ActedOnBehalfOf": ("delegations", m.Delegation, (("delegate", "delegate", "agent!"),
                        ("responsible", "responsible", "agent!"), ("activity", "activity", "activity"),
                        ("role", "role", "text"))),
    "WasDerivedFrom": ("derivations", m.Derivation, (("generated", "generatedEntity", "entity!"),
                       ("used", "usedEntity", "entity!"), ("activity", "activity", "activity"))),
    "WasInformedBy": ("communications", m.Communication, (("informed", "informed", "activity!"),
                      ("informant", "informant", "activity!"))),
    "WasInfluencedBy": ("influences", m.Influence, (("influencee", "influencee", "ref!"),
                        ("influencer", "influencer", "ref!"))),
    "HadMember": ("memberships", m.Membership, (("collection", "collection", "entity!"),
                  ("member", "entity", "entity!"))),
}  # fmt: skip
_NODE_TABLES = ("Activity", "Entity", "Agent")
_DESCRIPTION_PARTS = ("UsageDescription", "GenerationDescription", "ParameterDescription", "ConfigFileDescription")
_NO_EXTRA = frozenset({"HadMember", "WasConfiguredBy", "ActivityDescription", "EntityDescription", *_DESCRIPTION_PARTS})


class _Document:
    """One VOTable document being turned into a record."""

    def __init__(self, source: str, content: bytes, votable: Any) -> None:
        self.source = source
        resources = list(_resources(votable.resources))
        own = [r for r in resources if (r.utype or "").strip().lower() == "voprov:provenancedocument"]
        #: provrdf's layout, whose ids are IRIs by definition
        self.lax = bool(own)
        own_id = next((r.ID for r in own if r.ID), None)
        record_id = f"votable/{own_id}" if own_id else "votable/" + hashlib.sha256(content).hexdigest()[:16]
        self.record = m.Record(id=record_id, source=source)
        self.votable = votable
        self.items: list[ParseError | ReadWarning] = []
        self.declared: set[str] = set()  #: local ids of the rows read, of every kind
        self.mentioned: dict[str, str] = {}  #: local id → node kind, of the nodes relations name
        self.configures: dict[str, list[str]] = {}  #: parameter or config file → its activities
        self.owners: dict[str, list[str]] = {}  #: parameter description → its activity descriptions
        self.descriptions: dict[str, m.ActivityDescription] = {}
        self.steps: list[tuple[str, str]] = []  #: (activity, its step), from the drafts' a_hadStep

    # -- the whole document ----------------------------------------------------------------

    def read(self) -> Iterator[m.Record | ParseError | ReadWarning]:
        groups = self.tables()
        self.drop_ingest_log(groups)
        for name in ("Activity", "Entity", "Agent", "ActivityDescription", "EntityDescription", *_DESCRIPTION_PARTS,
                     "WasConfiguredBy", "Parameter", "ConfigFile", *_RELATIONS):
            for row in groups.get(name, []):
                self.row(name, row)
        self.steps_and_stubs()
        yield from self.items
        if _empty(self.record):
            yield ParseError(self.source, "no provenance row could be read from this VOTable", record=0)
        else:
            yield self.record

    def tables(self) -> dict[str, list[_Row]]:
        """The rows of every provenance table, by class; a warning for each other table or unplaced column."""
        groups: dict[str, list[_Row]] = {}
        for table in self.votable.iter_tables():
            name = table.name or table.ID or "(unnamed)"
            cls = _table_class(table)
            if cls is None:
                self.warn("not provenance", f"table {name} is no ProvDM class: not read")
                continue
            groups.setdefault(cls.name, []).extend(self.rows(cls, table, name))
        return groups

    def rows(self, cls: TableClass, table: Any, name: str) -> list[_Row]:
        """The rows of one table; a warning for each column not read, with the number of values it held."""
        columns, unplaced = self.columns(cls, table)
        cells = _table_cells(table)
        rows = [self.one_row(name, number, columns, row) for number, row in enumerate(cells, start=1)]
        for index, reason in unplaced:
            count = sum(1 for row in cells if row[index] is not None)
            field_ = table.fields[index]
            utype = f" (utype {field_.utype})" if field_.utype else ""
            self.warn("unread column", f"table {name}: column {field_.name}{utype} {reason}: "
                                       f"its {count} value(s) are not read")  # fmt: skip
        return rows

    def columns(self, cls: TableClass, table: Any) -> tuple[list[_Column], list[tuple[int, str]]]:
        """The placed columns of ``table`` and the (position, reason) of the others."""
        placed: list[_Column] = []
        unplaced: list[tuple[int, str]] = []
        taken: set[str] = set()
        for index, field_ in enumerate(table.fields):
            attribute = _attribute(cls, field_)
            if attribute is not None and attribute not in taken:
                taken.add(attribute)
                placed.append(_Column(index, field_.name, attribute=attribute))
            elif attribute is not None:
                unplaced.append((index, f"repeats the attribute {attribute} of an earlier column"))
            elif (prop := _extension(field_)) is None:
                unplaced.append((index, f"is no attribute of {cls.name} and names no property"))
            elif cls.name in _NO_EXTRA:
                unplaced.append((index, f"is a property <{prop}> that a {cls.name} cannot hold in provrdf's model"))
            else:
                placed.append(_Column(index, field_.name, prop=prop, kind=_extension_kind(field_)))
        return placed, unplaced

    def one_row(self, table: str, number: int, columns: list[_Column], cells: list[Any]) -> _Row:
        row = _Row(table, number, {})
        for column in columns:
            value = cells[column.index]
            if value is None:
                continue
            if column.attribute is not None:
                row.cells[column.attribute] = _text(value)
                continue
            values = self.extension_values(row, column, value)
            prop = column.prop or ""
            if prop in row.extra:  # two columns of one property (a prefixed name and its IRI)
                earlier = row.extra[prop]
                values = [*(earlier if isinstance(earlier, list) else [earlier]), *values]
            if values:
                row.extra[prop] = values[0] if len(values) == 1 else values
        return row

    def extension_values(self, row: _Row, column: _Column, value: Any) -> list[Any]:
        """The values of one extension cell, typed by its column."""
        if column.kind == "ref":
            return [m.IRI(part) if _is_iri(part, lax=True) else part for part in _split_refs(_text(value))]
        if column.kind == "time":
            try:
                return [parse_time(_text(value))]
            except ValueError:
                self.warn("not a time", f"{row.where}: {column.name} is no ISO 8601 time: {value!r}; kept as text")
                return [_text(value)]
        converters: dict[str, type] = {"int": int, "float": float, "bool": bool}
        convert = converters.get(column.kind)
        if convert is not None and isinstance(value, (int, float, bool)):
            return [convert(value)]
        return [_text(value)]

    # -- provrdf's ingest log -----------------------------------------------------------------

    def drop_ingest_log(self, groups: dict[str, list[_Row]]) -> None:
        """Leave out the rows of provrdf's ingest log (see the module text), with one warning."""
        own = {row.cells["id"] for name in _NODE_TABLES for row in groups.get(name, [])
               if "id" in row.cells and _is_provrdf(row)}  # fmt: skip
        if not own:
            return
        dropped: Counter[str] = Counter()
        named: set[str] = set()
        for name in (*_RELATIONS, "WasConfiguredBy"):
            kept = []
            for row in groups.get(name, []):
                ends = {value for key, value in row.cells.items() if key != "id"}
                if ends & own:
                    named |= ends
                    dropped[row.table] += 1
                else:
                    kept.append(row)
            groups[name] = kept
        bundles = {row.cells["id"] for row in groups.get("Entity", []) if _is_bare_bundle(row)} & named
        for name in _NODE_TABLES:
            kept = [row for row in groups.get(name, []) if row.cells.get("id") not in own | bundles]
            dropped.update(row.table for row in groups.get(name, []) if row.cells.get("id") in own | bundles)
            groups[name] = kept
        counts = ", ".join(f"{table} {count}" for table, count in dropped.items())
        self.warn("ingest log", f"skipped {sum(dropped.values())} rows of provrdf's ingest log ({counts}): its "
                                "ingest runs, sources, bundles, the provrdf agent and their relations are "
                                "provenance of an earlier ingest, not of the pipeline")  # fmt: skip

    # -- one row ----------------------------------------------------------------------------

    def row(self, table: str, row: _Row) -> None:
        """Read one row into the record; a row that cannot be read is a ParseError."""
        try:
            if table in _RELATIONS:
                self.relation(table, row)
            else:
                getattr(self, "_" + _snake(table))(row)
        except _BadRow as err:
            self.items.append(ParseError(self.source, f"{row.where}: {err}", record=self.record.index))

    def _activity(self, row: _Row) -> None:
        local = self.need(row, "id")
        activity = m.Activity(id=local, name=self.text(row, "name"), start=self.time(row, "startTime"),
                              end=self.time(row, "endTime"), comment=self.text(row, "comment"),
                              description=self.ref(row, "activityDescription"), extra=row.extra)  # fmt: skip
        self.record.activities.append(activity)
        self.declared.add(local)
        if (parameter := self.ref(row, "parameter")) is not None:
            self.configures.setdefault(parameter, []).append(local)
        if (informant := self.node(row, "informant", "activity")) is not None:
            self.record.communications.append(m.Communication(local, informant))
        if (step := self.node(row, "hadStep", "activity")) is not None:
            self.steps.append((local, step))

    def _entity(self, row: _Row) -> None:
        local = self.need(row, "id")
        members = self.node(row, "hadMember", "entity")
        kind = self.kind(row, _ENTITY_KINDS, _ENTITY_CLASSES, "collection" if members else "entity")
        self.record.entities.append(m.Entity(
            id=local, kind=kind, name=self.text(row, "name"), location=self.text(row, "location"),
            generated_at=self.time(row, "generatedAtTime"), invalidated_at=self.time(row, "invalidatedAtTime"),
            comment=self.text(row, "comment"), value=self.text(row, "value"),
            description=self.ref(row, "entityDescription"), extra=row.extra))  # fmt: skip
        self.declared.add(local)
        if members is not None:
            self.record.memberships.append(m.Membership(local, members))
        if (used := self.node(row, "usedEntity", "entity")) is not None:
            self.record.derivations.append(m.Derivation(local, used))

    def _agent(self, row: _Row) -> None:
        local = self.need(row, "id")
        kind = self.text(row, "type")
        agent_type = _AGENT_TYPES.get(kind.strip().lower()) if kind else None
        if kind and agent_type is None:
            self.warn("agent type", f"{row.where}: agent type {kind!r} is none of {', '.join(m.AGENT_TYPES)} "
                                    "(Individual is a Person): not read")  # fmt: skip
        attributes = {name: self.text(row, name) for name in ("email", "affiliation", "phone", "address", "url")}
        self.record.agents.append(m.Agent(id=local, name=self.text(row, "name"), type=agent_type,
                                          comment=self.text(row, "comment"), extra=row.extra, **attributes))
        self.declared.add(local)

    def relation(self, table: str, row: _Row) -> None:
        """A row of a relation table (see :data:`_RELATIONS`)."""
        attribute, cls, fields = _RELATIONS[table]
        values: dict[str, Any] = {}
        for name, column, how in fields:
            if how == "text":
                values[name] = self.text(row, column)
            elif how == "time":
                values[name] = self.time(row, column)
            elif how.endswith("!"):
                values[name] = self.need(row, column, how[:-1])
            else:
                values[name] = self.node(row, column, how)
        if cls is not m.Membership:
            values["id"] = self.ref(row, "id")
            values["extra"] = dict(row.extra)
        if cls is m.Derivation:
            values["type"] = _derivation_type(values["extra"])
        if cls is m.Influence and (role := self.text(row, "role")) is not None:
            values["extra"][PROV + "hadRole"] = role
        getattr(self.record, attribute).append(cls(**values))

    # -- configuration ----------------------------------------------------------------------

    def _was_configured_by(self, row: _Row) -> None:
        activity, artefact = self.need(row, "activity", "activity"), self.need(row, "artefact")
        self.configures.setdefault(artefact, []).append(activity)

    def _parameter(self, row: _Row) -> None:
        local = self.need(row, "id")
        activities = self.activities_of(row, local)
        described = self.ref(row, "parameterDescription")
        name = self.text(row, "name") or self.description_name(described) or self.text(row, "id") or local
        value = self.text(row, "value")
        for activity in activities:
            self.record.parameters.append(m.Parameter(
                activity=activity, name=name, value=value if value is not None else "", description=described,
                reference=self.node(row, "valueEntity", "entity"), id=local, extra=dict(row.extra)))  # fmt: skip
        self.declared.add(local)

    def _config_file(self, row: _Row) -> None:
        local = self.need(row, "id")
        for activity in self.activities_of(row, local):
            self.record.config_files.append(m.ConfigFile(
                activity=activity, name=self.text(row, "name") or self.text(row, "id") or local,
                location=self.text(row, "location"), comment=self.text(row, "comment"),
                description=self.ref(row, "configFileDescription"), id=local, extra=dict(row.extra)))  # fmt: skip
        self.declared.add(local)

    def activities_of(self, row: _Row, local: str) -> list[str]:
        activities = list(dict.fromkeys(self.configures.get(local, [])))
        if not activities:
            raise _BadRow("it configures no activity (no WasConfiguredBy row, no Activity.parameter names it)")
        return activities

    def description_name(self, local: str | None) -> str | None:
        for description in self.descriptions.values():
            for part in description.parameters:
                if part.id == local:
                    return part.name
        return None

    # -- descriptions -----------------------------------------------------------------------

    def _activity_description(self, row: _Row) -> None:
        local = self.need(row, "id")
        description = m.ActivityDescription(
            id=local, name=self.text(row, "name") or "", version=self.text(row, "version"),
            description=self.text(row, "description"), docurl=self.text(row, "docurl"), type=self.text(row, "type"),
            subtype=self.text(row, "subtype"))  # fmt: skip
        self.descriptions.setdefault(local, description)
        self.record.activity_descriptions.append(description)
        self.declared.add(local)
        if (part := self.ref(row, "parameter")) is not None:
            self.owners.setdefault(part, []).append(local)

    def _entity_description(self, row: _Row) -> None:
        local = self.need(row, "id")
        kind = self.kind(row, _DESCRIPTION_KINDS, _DESCRIPTION_CLASSES, "entity")
        self.record.entity_descriptions.append(m.EntityDescription(
            id=local, name=self.text(row, "name") or "", kind=kind,
            description=self.text(row, "description"), docurl=self.text(row, "docurl"), type=self.text(row, "type"),
            content_type=self.text(row, "contentType"), value_type=self.text(row, "valueType"),
            unit=self.text(row, "unit"), ucd=self.text(row, "ucd"), utype=self.text(row, "utype")))  # fmt: skip
        self.declared.add(local)

    def _usage_description(self, row: _Row) -> None:
        owner = self.owner(row)
        owner.usages.append(self.role_description(row, m.UsageDescription, owner.id, "usage"))

    def _generation_description(self, row: _Row) -> None:
        owner = self.owner(row)
        owner.generations.append(self.role_description(row, m.GenerationDescription, owner.id, "generation"))

    def role_description(self, row: _Row, cls: type[_Part], owner: str, kind: str) -> _Part:
        """A usage or generation description; without an id of its own, ``<owner>/<kind>/<role>``."""
        role = self.text(row, "role") or ""
        local = self.ref(row, "id") or _child(owner, kind, role)
        self.declared.add(local)
        return cls(id=local, role=role, description=self.text(row, "description"), type=self.text(row, "type"),
                   multiplicity=self.text(row, "multiplicity"), entity_description=self.ref(row, "entityDescription"))

    def _parameter_description(self, row: _Row) -> None:
        local = self.need(row, "id")
        named = [self.owner(row).id] if "activityDescription" in row.cells else []
        owners = [self.descriptions[o] for o in dict.fromkeys(named + self.owners.get(local, []))
                  if o in self.descriptions]
        if not owners:
            raise _BadRow("it belongs to no ActivityDescription (no activityDescription, no ad_param names it)")
        part = m.ParameterDescription(
            id=local, name=self.text(row, "name") or "", value_type=self.text(row, "valueType") or "",
            description=self.text(row, "description"), unit=self.text(row, "unit"), ucd=self.text(row, "ucd"),
            utype=self.text(row, "utype"), min=self.text(row, "min"), max=self.text(row, "max"),
            options=self.options(row), default=self.text(row, "default"))  # fmt: skip
        for owner in owners:
            owner.parameters.append(part)
        self.declared.add(local)

    def _config_file_description(self, row: _Row) -> None:
        local = self.need(row, "id")
        self.owner(row).config_files.append(m.ConfigFileDescription(
            id=local, name=self.text(row, "name") or "", content_type=self.text(row, "contentType") or "",
            description=self.text(row, "description")))  # fmt: skip
        self.declared.add(local)

    def owner(self, row: _Row) -> m.ActivityDescription:
        """The activity description a description part belongs to."""
        local = self.ref(row, "activityDescription")
        if local is None:
            raise _BadRow("it names no activityDescription it belongs to")
        if local not in self.descriptions:
            raise _BadRow(f"its activityDescription {row.cells['activityDescription']!r} is no row of "
                          "ActivityDescription")  # fmt: skip
        return self.descriptions[local]

    def options(self, row: _Row) -> list[str]:
        text = self.text(row, "options")
        if not text:
            return []
        parts = text.split(",") if ("," in text or self.lax) else text.split()
        return [part.strip() for part in parts if part.strip()]

    # -- what the rows imply -----------------------------------------------------------------

    def steps_and_stubs(self) -> None:
        """The drafts' ``a_hadStep`` as ``part_of``; a bare node for each node a relation names but no row declares."""
        activities = {a.id: a for a in self.record.activities}
        for parent, step in self.steps:
            if step not in activities:
                activities[step] = m.Activity(id=step)
                self.record.activities.append(activities[step])
                self.declared.add(step)
            activities[step].part_of = activities[step].part_of or parent
        for local, kind in self.mentioned.items():
            if local in self.declared:
                continue
            if kind == "activity":
                self.record.activities.append(m.Activity(id=local))
            elif kind == "entity":
                self.record.entities.append(m.Entity(id=local))
            elif kind == "agent":
                self.record.agents.append(m.Agent(id=local))
            self.declared.add(local)

    # -- cells ------------------------------------------------------------------------------

    def text(self, row: _Row, attribute: str) -> str | None:
        value = row.cells.get(attribute)
        return None if value is None else str(value)

    def ref(self, row: _Row, attribute: str) -> str | None:
        """The local id a reference cell names (see the module text), or None."""
        value = self.text(row, attribute)
        return None if value is None else self.local(value)

    def node(self, row: _Row, attribute: str, kind: str) -> str | None:
        """Like :meth:`ref`, and remembered as a node of ``kind`` that the record must declare."""
        local = self.ref(row, attribute)
        if local is not None and kind != "ref":
            self.mentioned.setdefault(local, kind)
        return local

    def need(self, row: _Row, attribute: str, kind: str = "ref") -> str:
        local = self.node(row, attribute, kind)
        if local is None:
            raise _BadRow(f"it has no {attribute}")
        return local

    def time(self, row: _Row, attribute: str) -> datetime | None:
        value = self.text(row, attribute)
        if value is None:
            return None
        try:
            return parse_time(value)
        except ValueError:
            raise _BadRow(f"{attribute} is not an ISO 8601 time: {value!r}") from None

    def kind(self, row: _Row, kinds: dict[str, str], known: str, default: str) -> str:
        """The model's kind of an entity or entity description, from ``classType``."""
        value = self.text(row, "classType")
        if value is None:
            return default
        found = kinds.get(value.strip().lower())
        if found is None:
            self.warn("class type", f"{row.where}: classType {value!r} is none of {known}: read as {default}")
            return default
        return found

    def local(self, value: str) -> str:
        """The model's local id of a node named ``value``: its IRI kept, or an id under the record."""
        value = value.strip()
        return external(value) if _is_iri(value, lax=self.lax) else f"{self.record.id}/{value}"

    def warn(self, kind: str, message: str) -> None:
        self.items.append(ReadWarning(self.source, kind, message, record=self.record.index))


# -- helpers ----------------------------------------------------------------------------------


def _table_cells(table: Any) -> list[list[Any]]:
    """Every cell of an astropy table, row by row, as plain Python values (None when masked or empty)."""
    import numpy as np

    data, mask = table.array.data, np.ma.getmaskarray(table.array)
    width = len(table.fields)
    return [[None if mask[n][i] else _cell(data[n][i]) for i in range(width)] for n in range(len(data))]


def _resources(resources: Iterable[Any]) -> Iterator[Any]:
    for resource in resources:
        yield resource
        yield from _resources(resource.resources)


def _table_class(table: Any) -> TableClass | None:
    """The class a table holds: by its ``voprov:`` utype, else its name or ID."""
    utype = (table.utype or "").strip()
    names = [utype[len("voprov:"):]] if utype.lower().startswith("voprov:") else []
    for name in [*names, table.name or "", table.ID or ""]:
        found = _BY_LOWER.get(name.strip().lower())
        if found is not None:
            return CLASSES[found]
    return None


def _attribute(cls: TableClass, field_: Any) -> str | None:
    """The attribute a FIELD is: by its ``voprov:`` utype, else its (draft-prefixed) name."""
    utype = (field_.utype or "").strip()
    if utype.lower().startswith("voprov:"):
        _, _, path = utype[len("voprov:"):].partition(".")
        found = cls.attributes.get(path.lower())
        if found is not None:
            return found
    name = (field_.name or "").strip()
    if cls.prefix and name.lower().startswith(cls.prefix + "_"):
        name = name[len(cls.prefix) + 1:]
        if name.lower().endswith("_id") and name.lower() != "_id":
            name = name[:-3]
    return cls.attributes.get(name.lower())


_IN_ANGLES = re.compile(r"<([^<>]+)>")


def _extension(field_: Any) -> str | None:
    """The property IRI of an extension column (no ``voprov:`` utype), or None when it names none."""
    if (field_.utype or "").strip().lower().startswith("voprov:"):
        return None
    for match in _IN_ANGLES.finditer(field_.description or ""):
        iri = re.sub(r"\s+", "", match.group(1))  # astropy wraps long descriptions, at hyphens too
        if _is_iri(iri, lax=True):
            return iri
    try:
        iri = expand((field_.name or "").strip())
    except ValueError:
        return None
    return iri if _is_iri(iri, lax=True) else None


def _extension_kind(field_: Any) -> str:
    if (field_.xtype or "").lower() == "timestamp":
        return "time"
    if "meta.id.cross" in (field_.ucd or ""):
        return "ref"
    datatype = (field_.datatype or "").lower()
    if datatype in ("long", "int", "short", "unsignedbyte"):
        return "int"
    if datatype in ("double", "float"):
        return "float"
    return "bool" if datatype == "boolean" else "text"


_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+")
_HIERARCHICAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_OPAQUE_SCHEMES = frozenset({"urn", "tag", "mailto", "doi", "ark", "info"})


def _is_iri(value: str, *, lax: bool) -> bool:
    """Whether ``value`` is an absolute IRI; unless ``lax``, only ``scheme://…`` or a well-known opaque scheme.

    >>> _is_iri("https://example.org/a", lax=False), _is_iri("ex:act1", lax=False), _is_iri("ex:act1", lax=True)
    (True, False, True)
    """
    if not _IRI.fullmatch(value):
        return False
    return lax or bool(_HIERARCHICAL.match(value)) or value.partition(":")[0].lower() in _OPAQUE_SCHEMES


_REF_SEPARATOR = re.compile(r",(?=[A-Za-z][A-Za-z0-9+.-]*:)")


def _split_refs(text: str) -> list[str]:
    """The IRIs of a reference cell: provrdf joins several with commas, sorted.

    >>> _split_refs("https://a.org/x,y,https://b.org/z")
    ['https://a.org/x,y', 'https://b.org/z']
    """
    return [part for part in _REF_SEPARATOR.split(text) if part]


def _cell(value: Any) -> Any:
    """A cell as a plain Python value; None when it is empty."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if hasattr(value, "tolist") and not isinstance(value, str):
        value = value.tolist()  # numpy scalars and arrays
    if isinstance(value, list):
        value = " ".join(str(item) for item in value)
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str) and value == "":
        return None
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _child(owner: str, kind: str, key: str) -> str:
    """The local id of a description part that has no id of its own: ``<owner>/<kind>/<key>``."""
    if is_external(owner):
        return external(f"{owner[1:-1]}/{kind}/{quote(key, safe='/:@-._~')}")
    return f"{owner}/{kind}/{key}"


def _derivation_type(extra: m.Extra) -> str | None:
    """A derivation's PROV subtype, taken out of its ``rdf:type`` values."""
    types = extra.get(_TYPE)
    if types is None:
        return None
    values = types if isinstance(types, list) else [types]
    found = [v for v in values if isinstance(v, m.IRI) and v.value in _DERIVATION_TYPES]
    rest = [v for v in values if v not in found]
    if rest:
        extra[_TYPE] = rest[0] if len(rest) == 1 else rest
    else:
        del extra[_TYPE]
    return _DERIVATION_TYPES[found[0].value] if found else None


def _is_provrdf(row: _Row) -> bool:
    """Whether a node row is provrdf's own bookkeeping: a ``provrdf:`` class or property."""
    types = row.extra.get(_TYPE)
    values = types if isinstance(types, list) else [types]
    if any(isinstance(v, m.IRI) and v.value.startswith(PROVRDF) for v in values):
        return True
    return any(key.startswith(PROVRDF) for key in row.extra)


def _is_bare_bundle(row: _Row) -> bool:
    """An entity row that says only that it is a ``prov:Bundle``."""
    if set(row.extra) != {_TYPE} or set(row.cells) - {"id", "classType"}:
        return False
    return row.extra[_TYPE] == m.IRI(_BUNDLE) and row.cells.get("classType", "Entity") == "Entity"


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _empty(record: m.Record) -> bool:
    return not any(getattr(record, name) for name in (
        "activities", "entities", "agents", "usages", "generations", "associations", "attributions", "derivations",
        "communications", "memberships", "invalidations", "starts", "ends", "delegations", "influences",
        "parameters", "config_files", "activity_descriptions", "entity_descriptions"))  # fmt: skip

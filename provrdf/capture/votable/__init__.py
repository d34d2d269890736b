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

* provrdf's layout (:mod:`provrdf.serializers.votable`, see README "PROV-VOTable
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
``extra`` of the node, relation or description under that IRI: ``long``/``int``/``short`` as ``int``,
``double``/``float`` as ``float``, ``boolean`` as ``bool``, a
``timestamp`` as a datetime, a ``meta.id.cross`` column as IRIs (several in a
cell, comma-separated, are split before each ``scheme:``), text as ``str``.
On a derivation, ``rdf:type`` ``prov:Revision``, ``prov:Quotation`` or
``prov:PrimarySource`` is its ``type``; on an influence, the ``role`` column
is ``prov:hadRole``.

**Warnings** (:class:`~provrdf.errors.ReadWarning`, nothing dropped silently):
a column that is neither a known attribute nor an extension (the drafts'
``e_rights``, ``e_type``, ``a_votype``, ``ed_category``, ``ad_group``, or an
extension column of a membership or configuration link, which the model
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

**Modules.** :mod:`~provrdf.capture.votable.document` reads one document
into one record; :mod:`~provrdf.capture.votable.columns` says which table is
which class and which column which attribute,
:mod:`~provrdf.capture.votable.rows` and
:mod:`~provrdf.capture.votable.values` turn a table's cells into rows;
:mod:`~provrdf.capture.votable.nodes`,
:mod:`~provrdf.capture.votable.relations`,
:mod:`~provrdf.capture.votable.configuration` and
:mod:`~provrdf.capture.votable.descriptions` read the rows of their tables
into the record that :mod:`~provrdf.capture.votable.reading` holds;
:mod:`~provrdf.capture.votable.ingest_log` leaves provrdf's own bookkeeping out.

>>> sniff('<?xml version="1.0"?><VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3">'
...       '<RESOURCE utype="voprov:ProvenanceDocument">')
True
>>> sniff('<VOTABLE xmlns="http://www.ivoa.net/xml/VOTable/v1.3"><RESOURCE><TABLE name="stars">')
False
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from provrdf import model as m
from provrdf.capture.safe import Unsafe, guard_xml
from provrdf.capture.votable.columns import CLASSES, TableClass, class_named
from provrdf.capture.votable.document import read_document
from provrdf.errors import ParseError, ReadWarning

__all__ = ["CLASSES", "TableClass", "read", "sniff"]

#: The root element, after an XML declaration, comments and a DOCTYPE; group 1 holds its attributes.
_ROOT = re.compile(r"\ufeff?\s*(?:(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)\s*)*"
                   r"<(?:[\w.-]+:)?VOTABLE\b([^>]*)>", re.DOTALL)
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
    return any(class_named(name) is not None for name in _CLASS_TABLE.findall(head))


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
        content = path.read_bytes()  # the record's id is made from the file as it is
        guarded = guard_xml(content)
        votable = _parse(guarded.content)
    except OSError as err:
        yield ParseError(source, f"cannot read the file: {err}")
        return
    except Unsafe as err:
        yield ParseError(source, f"not a VOTable provrdf reads: {err}", line=err.line)
        return
    except Exception as err:  # noqa: BLE001 - astropy reports a broken document with many exception types
        yield ParseError(source, f"not a VOTable astropy can read: {err}")
        return
    for kind, note in guarded.notes:
        yield ReadWarning(source, kind, f"the document is {note}" if kind == "encoding" else note)
    yield from read_document(source, content, votable)


def _parse(content: bytes) -> Any:
    """The astropy VOTable of ``content``; its VOTable-standard warnings (UCDs, versions) are not ours."""
    from astropy.io.votable import parse

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return parse(io.BytesIO(content), verify="ignore")

"""Same-file links: two entity IRIs that name one file are ``prov:alternateOf`` each other.

Tools name a file differently (a CTAO product id, a content hash, an OPUS
store id) but record where it was. Two entities recorded at the same file
location are two views of one file; the link lets a lineage cross from one
tool's output to the next tool's input. Only locations that name a file
make links: an absolute path, a ``file://`` URL or a logical file name. A
Python variable name (logprov's ``'location': 'var1'``), a relative path
(relative to a working directory nobody recorded), or a URL of a service
(with a query) is no file location.

>>> is_file_location("/data/dl2/run1.h5"), is_file_location("file:///data/dl2/run1.h5")
(True, True)
>>> is_file_location("var1"), is_file_location("https://archive.example.org/get?id=12")
(False, False)
"""

from __future__ import annotations

import posixpath
import re

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from provrdf.capture.files import file_path
from provrdf.rdf.terms import TYPE, P, R, V
from provrdf.store.base import LOCATIONS_GRAPH, Store

__all__ = ["is_file_location", "location_variants", "same_file_links"]

#: A Windows drive path: ``C:\data\run1.fits`` or ``C:/data/run1.fits``.
_DRIVE = re.compile(r"[A-Za-z]:[\\/]")
#: Prefixes of logical file names (DIRAC, EOS, XRootD-style catalogues).
_LFN = ("lfn:", "LFN:")


def is_file_location(location: str) -> bool:
    """Whether a recorded location names a file: an absolute path, a ``file://`` URL or an LFN.

    >>> is_file_location("LFN:/vo.cta.in2p3.fr/MC/run1.simtel.zst"), is_file_location("C:\\\\data\\\\run1.fits")
    (True, True)
    >>> is_file_location("data/run1.fits"), is_file_location("file:///data/run1.fits?version=2")
    (False, False)
    """
    text = location.strip()
    if text.startswith("file://"):
        return "?" not in text and file_path(text).startswith("/")
    if text.startswith(_LFN):
        return text.split(":", 1)[1].startswith("/")
    return (text.startswith("/") and not text.startswith("//")) or bool(_DRIVE.match(text))


def location_variants(location: str) -> list[str]:
    """The spellings under which a tool may have recorded the same file; none for a location that is no file.

    >>> location_variants("file:///data/dl2/run1.h5")
    ['file:///data/dl2/run1.h5', '/data/dl2/run1.h5']
    >>> location_variants("/data/./dl2/run1.h5")
    ['/data/./dl2/run1.h5', '/data/dl2/run1.h5', 'file:///data/dl2/run1.h5']
    >>> location_variants("global_var")
    []
    """
    if not is_file_location(location):
        return []
    variants = [location]
    if location.startswith("file://"):
        variants.append(file_path(location))
    elif location.startswith(_LFN):
        variants.append(posixpath.normpath(location.split(":", 1)[1]))
    elif location.startswith("/"):
        path = posixpath.normpath(location)
        variants += [path, "file://" + path]
    return list(dict.fromkeys(variants))


def same_file_links(store: Store, quads: list[Quad]) -> tuple[list[Quad], list[Quad]]:
    """``prov:alternateOf`` links from the entities of ``quads`` to stored entities at the same file location.

    Parameters and configuration files are not linked, nor are locations
    that name no file (:func:`is_file_location`).

    Returns
    -------
    links, index
        The links, for the record's own graph, and the entries of
        :data:`~provrdf.store.base.LOCATIONS_GRAPH` that the record adds.
    """
    kinds: dict[NamedNode | BlankNode | Triple, set] = {}
    located: list[tuple[NamedNode | BlankNode | Triple, Literal]] = []
    for quad in quads:
        if quad.predicate == TYPE:
            kinds.setdefault(quad.subject, set()).add(quad.object)
        elif quad.predicate == P.atLocation and isinstance(quad.object, Literal):
            located.append((quad.subject, quad.object))
    files = [
        (node, location)
        for node, location in located
        if P.Entity in kinds.get(node, ()) and not kinds[node] & {V.Parameter, V.ConfigFile}
        and is_file_location(location.value)
    ]
    if not files:
        return [], []
    values = " ".join(
        f"({node} {Literal(variant)})" for node, location in files for variant in location_variants(location.value)
    )
    rows = store.select(
        f"""SELECT DISTINCT ?e ?other WHERE {{
          VALUES (?e ?location) {{ {values} }}
          GRAPH {LOCATIONS_GRAPH} {{ ?other {R.fileLocation} ?location }}
          FILTER(?other != ?e)
        }}"""
    )
    graph = quads[0].graph_name
    links = [Quad(row.node("e"), P.alternateOf, row.node("other"), graph) for row in rows]
    return links, [Quad(node, R.fileLocation, location, LOCATIONS_GRAPH) for node, location in files]

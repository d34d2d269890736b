"""Which file an entity is: the local ids of files known by path or by CTAO product id.

>>> file_entity_id("/data/mc/./DL1/../DL1/run1.h5")
'path:/data/mc/DL1/run1.h5'
>>> product_entity_id("5B0C9F4E-8E0B-4C43-9A61-2D1F6E0A7C55")
'5b0c9f4e-8e0b-4c43-9a61-2d1f6e0a7c55'
"""

from __future__ import annotations

import os
from urllib.parse import unquote, urlparse

__all__ = ["file_entity_id", "file_path", "product_entity_id"]


def file_entity_id(path: str) -> str:
    """The local id of a file entity known only by its recorded path.

    Two tools that record the same file (spelled with or without ``./``,
    ``..`` or doubled slashes) get the same id.

    Parameters
    ----------
    path
        The path as the tool recorded it.

    Returns
    -------
    str
        ``"path:"`` followed by the normalized path.
    """
    return "path:" + os.path.normpath(path)


def file_path(location: str) -> str:
    """The file path of a recorded location: a ``file://`` URL unwrapped, anything else as it is.

    >>> file_path("file:///data/dl1/run%201.h5"), file_path("/data/dl1/run1.h5")
    ('/data/dl1/run 1.h5', '/data/dl1/run1.h5')
    """
    return unquote(urlparse(location).path) if location.startswith("file://") else location


def product_entity_id(product_id: str) -> str:
    """The local id of a data product known by its CTAO product id (a uuid).

    Parameters
    ----------
    product_id
        The ``CTA PRODUCT ID`` as recorded.

    Returns
    -------
    str
        The uuid, stripped and lowercased.
    """
    return product_id.strip().lower()


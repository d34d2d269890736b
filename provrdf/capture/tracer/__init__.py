"""An in-process tracer: each call of a traced function is one provenance activity.

The tracer writes the events of the gammapy/logprov format (2020 form, see
:mod:`provrdf.capture.gammapy`): a session event once, then per call its
start, parameters, the entities it used and generated, derivations when an
entity changed between two uses, and its end. The events go either to a log
file, as ``INFO provLogger __PROV__<time>__PROV__<payload>`` lines that
``provrdf ingest`` reads, or straight into a store: they are then grouped
into records by the gammapy reader and ingested when the tracer is flushed.

What a call records, from its arguments (bound by name, defaults included):

* plain values (``str``, ``int``, ``float``, ``bool``, ``None``, small
  lists and dicts of them) are parameters;
* a path (``str`` or ``os.PathLike``) to an existing file is a used entity
  whose id is the sha256 of its content (``hash_type: 'sha256'``; the
  reader names it ``sha256:<hex>``); a folder given as a ``Path``, or a
  list of file paths, is a ``FileCollection``;
* any other object is a used ``PythonObject`` entity whose id is ``id(obj)``
  (the reader scopes it by the session);
* the return value is generated (role ``"result"``), and so is any used
  entity that the call changed (``self`` of a method that sets attributes, a
  file rewritten in place) and any path argument that exists only after the
  call (role: the argument name).

An entity that changed since it was last seen (another content at the same
file location, an object with another :func:`fingerprint`) gets a new id
and a derivation from its previous one. Files are identified by content:
two files with the same bytes are one entity.

>>> import tempfile, pathlib
>>> log = pathlib.Path(tempfile.mkdtemp()) / "prov.log"
>>> with Tracer(log, session_name="demo", agent="ana") as tracer:
...     @tracer.trace
...     def scale(values, factor=2.0):
...         return [v * factor for v in values]
...     _ = scale([1, 2])
>>> [line.split("__PROV__")[2].split("'")[1] for line in log.read_text().splitlines()]
['session_id', 'activity_id', 'activity_id', 'entity_id', 'activity_id', 'activity_id']
"""

from __future__ import annotations

from provrdf.capture.tracer.activity import TracedActivity
from provrdf.capture.tracer.core import READER as READER
from provrdf.capture.tracer.core import Tracer, format_line
from provrdf.capture.tracer.entities import ARRAY_BYTES as ARRAY_BYTES
from provrdf.capture.tracer.entities import FINGERPRINT_BUDGET as FINGERPRINT_BUDGET
from provrdf.capture.tracer.entities import RACY_NS as RACY_NS
from provrdf.capture.tracer.entities import STRONG_OBJECTS as STRONG_OBJECTS
from provrdf.capture.tracer.entities import fingerprint
from provrdf.capture.tracer.system import ENVIRONMENT as ENVIRONMENT
from provrdf.capture.tracer.system import PACKAGES, system_info
from provrdf.capture.tracer.values import LONG_TEXT as LONG_TEXT
from provrdf.capture.tracer.values import SMALL_LIST as SMALL_LIST

__all__ = ["PACKAGES", "TracedActivity", "Tracer", "fingerprint", "format_line", "system_info"]

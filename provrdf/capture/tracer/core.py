"""The tracer: its decorators, the activity context, and where its events go (a log file or a store)."""

from __future__ import annotations

import functools
import getpass
import inspect
import os
import sys
import threading
import types
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

from provrdf.capture.tracer.activity import TracedActivity, now
from provrdf.capture.tracer.calls import (
    Spec,
    definition_activities,
    entity_type,
    resolve,
)
from provrdf.capture.tracer.entities import Entities
from provrdf.capture.tracer.system import system_info
from provrdf.errors import ParseError, ReadWarning
from provrdf.model import Record

if TYPE_CHECKING:
    from typing_extensions import Self

    from provrdf.capture.gammapy.definition import Definitions

__all__ = ["READER", "RecordSink", "Tracer", "format_line"]

#: The reader name under which store-bound records are ingested.
READER = "tracer"

F = TypeVar("F", bound=Callable[..., Any])


class RecordSink(Protocol):
    """Where a tracer sends its records when it writes no log file: a store's ingest, a service upload…

    Called with the records (and a :class:`~provrdf.errors.ParseError` for
    each activity whose events contradict each other), the name of their
    source and of the reader that made them; what it returns is kept as the
    tracer's :attr:`Tracer.report`. :class:`provrdf.pipeline.StoreSink` is the
    sink that stores them.
    """

    def __call__(self, items: Iterable[Record | ParseError | ReadWarning], source: str, reader: str) -> Any:
        """Take one batch of records."""


def format_line(time_text: str, payload: dict, level: str = "INFO") -> str:
    """One log line of the gammapy/logprov format (2020 ``__PROV__`` markers), newline included.

    >>> format_line("2025-03-27T14:02:11+00:00", {"activity_id": "a1", "endTime": "x"})
    "INFO provLogger __PROV__2025-03-27T14:02:11+00:00__PROV__{'activity_id': 'a1', 'endTime': 'x'}\\n"
    """
    return f"{level} provLogger __PROV__{time_text}__PROV__{payload!r}\n"


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 -- no user name in this environment (OSError, KeyError, ImportError)
        return "unknown"


class Tracer:
    """Record each call of traced functions as a provenance activity.

    Parameters
    ----------
    sink
        A path: events are appended to this log file as gammapy/logprov lines
        (``provrdf ingest`` reads it). Or a :class:`RecordSink` (such as
        :class:`provrdf.pipeline.StoreSink`, which stores them): events are
        grouped into records by the gammapy reader and handed to it at
        :meth:`flush`, :meth:`close` and every ``flush_every`` activities.
    session_name
        Name of the session (this run of the program); default: the script name.
    agent
        Who runs it; default: the login name.
    definition
        A ``definition.yaml`` (gammapy/logprov): the methods of a traced
        class to record (its ``activities``, at the top or under a key named
        like the class) with their parameters, usages and generations.
    hash_files
        Identify files by the sha256 of their content; if false, by their path.
    flush_every
        With a record sink: hand the records over after this many activities.

    Examples
    --------
    >>> from provrdf.pipeline import StoreSink
    >>> from provrdf.store import open_store
    >>> store = open_store(":memory:")
    >>> with Tracer(StoreSink(store), session_name="demo") as tracer:
    ...     with tracer.activity("select", zenith_max=40.0) as step:
    ...         _ = step.used([1.0, 2.0], role="runs")
    >>> tracer.report.stored > 0, tracer.report.rejected
    (True, [])
    """

    def __init__(
        self,
        sink: str | os.PathLike[str] | RecordSink,
        *,
        session_name: str | None = None,
        agent: str | None = None,
        definition: str | os.PathLike[str] | None = None,
        hash_files: bool = True,
        flush_every: int = 1000,
    ) -> None:
        self.sink: RecordSink | None = None
        self.path: Path | None = None
        if isinstance(sink, (str, os.PathLike)):
            self.path = Path(sink)
        elif callable(sink):
            self.sink = sink
        else:
            raise TypeError(f"a tracer writes to a log file path or a record sink, not {type(sink).__name__}")
        self.session_id = str(uuid.uuid4())
        self.session_name = session_name or Path(sys.argv[0] or "python").stem or "python"
        self.agent = agent or _user()
        self.definition_path = Path(definition) if definition is not None else None
        self.definition = self._load_definition()
        self.flush_every = flush_every
        #: What the sink returned for the last batch (an ingest report for a store sink).
        self.report: Any = None
        self.registry = Entities(hash_files)
        self._lock = threading.Lock()
        self._ingest_lock = threading.Lock()
        self._session: dict | None = None
        self._written_session = False
        self._file: TextIO | None = None
        self._pending: list[dict] = []
        self._done = 0
        #: with a record sink: the definition's descriptions, linked to each record
        self._descriptions: Definitions | None = None
        if self.sink is not None and self.definition_path is not None:
            from provrdf.capture.gammapy import definition as descriptions

            self._descriptions = descriptions.load(self.definition_path)

    def __repr__(self) -> str:
        return f"<Tracer {self.session_name} {self.session_id} → {self.path or self.sink}>"

    @property
    def source(self) -> str:
        """How the ingest log names what this tracer stored."""
        return f"tracer:{self.session_name}/{self.session_id}"

    # -- tracing ------------------------------------------------------------------------

    def trace(self, target: Any = None, *, name: str | None = None, roles: dict[str, str] | None = None) -> Any:
        """Decorate a function or a class so that each call is recorded as an activity.

        Usable as ``@tracer.trace`` or ``@tracer.trace(name=..., roles=...)``.
        On a class, the methods listed by the definition's ``activities`` are
        traced, or every public method defined by the class when there is no
        definition.

        Parameters
        ----------
        target
            The function or class.
        name
            Activity name (functions only); default: the function's ``__name__``.
        roles
            Roles by argument name, and ``"result"`` for the return value
            (default roles: the argument name, ``"result"``).
        """
        if target is None:
            return lambda inner: self.trace(inner, name=name, roles=roles)
        if isinstance(target, type):
            return self._trace_class(target)
        entry = definition_activities(self.definition, None).get(name or target.__name__)
        return self._wrap(target, Spec(target, name, entry, roles))

    def activity(self, name: str, **parameters: Any) -> TracedActivity:
        """A block of code as one activity: ``with tracer.activity("fit", model="pl") as step:``.

        The yielded :class:`TracedActivity` records ``step.used(...)`` and
        ``step.generated(...)``; its events are written when the block ends.
        """
        return TracedActivity(self, name, parameters)

    def _trace_class(self, cls: type) -> type:
        described = definition_activities(self.definition, cls.__name__)
        names = [method for method in described if callable(getattr(cls, method, None))]
        if not names:  # no definition, or none for this class
            names = [key for key, value in vars(cls).items()
                     if not key.startswith("_") and isinstance(value, (types.FunctionType, staticmethod, classmethod))]
        for method in names:
            raw = inspect.getattr_static(cls, method)
            func = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
            if not callable(func):
                continue
            wrapped = self._wrap(func, Spec(func, method, described.get(method), None))
            setattr(cls, method, type(raw)(wrapped) if isinstance(raw, (staticmethod, classmethod)) else wrapped)
        return cls

    def _wrap(self, func: F, spec: Spec) -> F:
        if getattr(func, "__provrdf_tracer__", None) is self:
            return func

        @functools.wraps(func)
        def traced(*args: Any, **kwargs: Any) -> Any:
            return self._call(spec, func, args, kwargs)

        traced.__provrdf_tracer__ = self  # type: ignore[attr-defined]
        return traced  # type: ignore[return-value]

    def _call(self, spec: Spec, func: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> Any:
        step = TracedActivity(self, spec.name)
        bound = spec.binder.bind(args, kwargs)
        entry = spec.entry or {}
        if entry:
            self._declared_inputs(step, entry, bound)
        # what the definition lists replaces what the tracer would find by itself
        listed = {key: bool(entry.get(key)) for key in ("parameters", "usage", "generation")}
        for key, value in bound.items():
            step.argument(key, value, spec.roles.get(key), parameter=not listed["parameters"],
                          entity=not listed["usage"])
        try:
            result = func(*args, **kwargs)
        except BaseException:
            step.finish(automatic=not listed["generation"])
            raise
        if entry:
            self._declared_outputs(step, entry, {**bound, "result": result})
        step.finish(result, spec.roles.get("result", "result"), automatic=not listed["generation"])
        return result

    @staticmethod
    def _declared_inputs(step: TracedActivity, entry: dict, bound: dict[str, Any]) -> None:
        """The parameters and usages a definition lists, their values found among the call's arguments and self."""
        parameters = entry.get("parameters") or []
        for item in parameters:
            if isinstance(item, dict) and item.get("name"):
                value = resolve(item.get("value") or item["name"], bound)
                if value is not None:
                    step.parameter(item["name"], os.fspath(value) if isinstance(value, os.PathLike) else value)
        for item in entry.get("usage") or []:
            if isinstance(item, dict):
                target = resolve(item.get("location") or item.get("value") or item.get("role"), bound)
                step.used(target, item.get("role"), name=entity_type(item))

    @staticmethod
    def _declared_outputs(step: TracedActivity, entry: dict, namespace: dict[str, Any]) -> None:
        for item in entry.get("generation") or []:
            if not isinstance(item, dict):
                continue
            target = resolve(item.get("value") or item.get("location") or item.get("role"), namespace)
            name = entity_type(item)
            if step._relate("generated", target, item.get("role"), name, only_new=True) is None:
                continue
            members = item.get("has_members")
            if isinstance(members, dict):
                items = resolve(members.get("list"), namespace)
                if isinstance(items, Iterable) and not isinstance(items, (str, bytes, dict)):
                    step.members(target, items, id_attribute=members.get("id"),
                                 namespace=str(members.get("namespace") or ""),
                                 name=entity_type(members))

    # -- events -----------------------------------------------------------------------

    def _load_definition(self) -> dict | None:
        if self.definition_path is None:
            return None
        import yaml

        loaded = yaml.safe_load(self.definition_path.read_text(encoding="utf-8"))
        return loaded if isinstance(loaded, dict) else None

    def begin_session(self) -> None:
        """Make the session event, once, at the tracer's first activity."""
        if self._session is None:
            with self._lock:
                if self._session is None:
                    self._session = {"session_id": self.session_id, "name": self.session_name,
                                     "startTime": now(), "system": system_info()}

    def emit(self, events: list[tuple[str, dict]]) -> None:
        """Write the events of one finished activity, or buffer them for the sink."""
        self.begin_session()
        with self._lock:
            if self.sink is None:
                self._write(events)
                return
            self._pending.extend(payload for _, payload in events)
            self._done += 1
            due = self._done >= self.flush_every
        if due:
            self.flush()

    def _write(self, events: list[tuple[str, dict]]) -> None:
        assert self.path is not None and self._session is not None
        if self._file is None:
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 (open until close())
        if not self._written_session:
            self._file.write(format_line(self._session["startTime"], self._session))
            self._written_session = True
        self._file.write("".join(format_line(moment, payload) for moment, payload in events))
        self._file.flush()

    def flush(self) -> Any:
        """Write what is buffered: flush the log file, or hand the finished activities to the sink.

        Returns
        -------
        object
            With a record sink, what it returned (also :attr:`report`); else None.
        """
        if self.sink is None:
            with self._lock:
                if self._file is not None:
                    self._file.flush()
            return None
        with self._lock:
            pending, self._pending, self._done = self._pending, [], 0
        if pending:
            with self._ingest_lock:
                self._ingest(pending)
        return self.report

    def _ingest(self, pending: list[dict]) -> None:
        from provrdf.capture.gammapy.events import records

        assert self.sink is not None and self._session is not None
        items: Iterable[Record | ParseError | ReadWarning] = records(enumerate([self._session, *pending], start=1), self.source)
        if self._descriptions is not None:
            definitions = self._descriptions
            items = (definitions.apply(item) if isinstance(item, Record) else item for item in items)
        self.report = self.sink(items, self.source, READER)

    def close(self) -> None:
        """Flush, and close the log file (a later activity opens it again)."""
        self.flush()
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The errors provrdf raises (one base class, a few precise kinds), and the warnings readers give.

Every error says where it happened (file, record or line) so that a user
can find the bad input without a traceback. A :class:`ReadWarning` is not an
error: a reader met something it kept differently, or could not keep, and
says so without rejecting anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from provrdf.shacl import Issue

__all__ = ["Error", "ParseError", "FormatError", "OptionError", "ReadWarning", "ValidationError", "StoreError"]


class Error(Exception):
    """Base class of every provrdf error."""


class ParseError(Error):
    """Input that a reader cannot understand.

    Parameters
    ----------
    source
        The file (or other source) being read.
    message
        What is wrong.
    record
        Index of the record in the source, when known.
    line
        Line number in the source (1-based), when known.
    """

    def __init__(self, source: str, message: str, *, record: int | None = None, line: int | None = None):
        self.source, self.message, self.record, self.line = source, message, record, line
        where = source
        if record is not None:
            where += f", record {record}"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {message}")


class FormatError(Error):
    """No reader (or no writer) for the given input or format name."""


class ValidationError(Error):
    """A record that violates the SHACL shapes; ``issues`` holds the results."""

    def __init__(self, where: str, issues: list[Issue]):
        self.where, self.issues = where, issues
        lines = "\n".join(f"  {issue}" for issue in issues)
        super().__init__(f"{where}: {len(issues)} SHACL violation(s)\n{lines}")


class StoreError(Error):
    """The store cannot be opened, read or written."""


class OptionError(Error, ValueError):
    """An option value an operation cannot take (a direction, a depth, a model)."""


class ReadWarning:
    """What a reader says about its input without rejecting it: a line it skipped, a claim it doubts.

    Readers yield it beside their records; the ingest report lists it.

    Parameters
    ----------
    source
        The file (or other source) being read.
    kind
        A short name for the kind of warning, the same for all alike ("incomplete line").
    message
        What was met and what was done with it.
    record, line
        Where, when known.

    >>> str(ReadWarning("run.log", "incomplete line", "the line ends before its payload", line=4))
    'run.log, line 4: the line ends before its payload'
    """

    def __init__(self, source: str, kind: str, message: str, *, record: int | None = None,
                 line: int | None = None) -> None:
        self.source, self.kind, self.message, self.record, self.line = source, kind, message, record, line

    @property
    def where(self) -> str:
        """``"run.log, record 3, line 12"``, as far as known."""
        where = self.source
        if self.record is not None:
            where += f", record {self.record}"
        if self.line is not None:
            where += f", line {self.line}"
        return where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"

    def __repr__(self) -> str:
        return f"ReadWarning({self.where!r}, {self.kind!r}, {self.message!r})"

"""The errors provrdf raises: one base class, a few precise kinds.

Every error says where it happened (file, record or line) so that a user
can find the bad input without a traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from provrdf.validate import Issue

__all__ = ["Error", "ParseError", "FormatError", "OptionError", "ValidationError", "StoreError"]


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

"""Errors raised by dragoman.

The hierarchy::

    DragomanError                 base of everything the library raises on purpose
    ├── SettingsError             unknown setting, bad value, unreadable config file
    ├── ModelError                spaCy pipeline missing, or its files fail the hash check
    ├── KnowledgeError            a dictionary/data file is malformed (file and line given)
    ├── InputError                an input cannot be read at all (missing path, bad format name)
    │   └── RejectedInput         one article set aside; carries a `Reject` with the reason
    ├── StoreError                the database cannot be opened, migrated or written
    └── EvalError                 a gold file cannot be read, or the quality gate failed

The library raises; only the CLI turns these into messages and exit codes, and
only the HTTP layer turns them into its JSON error shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dragoman.models import Reject


class DragomanError(Exception):
    """Base class of dragoman's errors."""


class SettingsError(DragomanError):
    """A setting is unknown or has a value of the wrong type."""


class ModelError(DragomanError):
    """The spaCy pipeline cannot be loaded or fails its integrity check."""


class KnowledgeError(DragomanError):
    """A knowledge file is malformed."""

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line


class InputError(DragomanError):
    """An input path or format cannot be read at all."""


class RejectedInput(InputError):
    """One article was set aside; `reject` says why."""

    def __init__(self, reject: Reject) -> None:
        super().__init__(
            f"{reject.origin}: {reject.reason}" + (f" ({reject.detail})" if reject.detail else "")
        )
        self.reject = reject


class StoreError(DragomanError):
    """The database cannot be opened, migrated or written."""


class EvalError(DragomanError):
    """A gold file cannot be read, or a quality figure fell below its pin."""

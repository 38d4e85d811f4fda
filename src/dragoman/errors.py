"""Errors raised by dragoman.

The hierarchy::

    DragomanError                 base of everything the library raises on purpose
    ├── SettingsError             unknown setting, bad value, unreadable config file
    ├── ModelError                spaCy pipeline missing, or its files fail the hash check
    ├── KnowledgeError            a dictionary/data file is malformed (file and line given)
    ├── InputError                an input cannot be read at all (missing path, bad format name)
    │   ├── RejectedInput         one article set aside; carries a `Reject` with the reason
    │   └── UsageError            an input the user must change before it can be read (a CSV
    │                             header naming a column twice); the CLI exits 2 on it
    ├── StoreError                the database cannot be opened, migrated or written
    ├── EvalError                 a gold file cannot be read, or the quality gate failed
    └── Stopped                   an extraction given a `stop` check was stopped by it (its
                                  time budget ran out, its HTTP client went away)

The library raises; only the CLI turns these into messages and exit codes, and
only the HTTP layer turns them into its JSON error shape. In a batch, an exception
on one record never stops the run: `set_aside` turns it into that record's `Reject`
(its own reason for a `RejectedInput`, `internal` for anything else).
"""

from __future__ import annotations

import logging

from dragoman.models import Reject

_log = logging.getLogger(__name__)


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


class UsageError(InputError):
    """An input is ambiguous as given (a CSV header names a column twice): the user must
    change it; reading it any way would silently drop data."""


class StoreError(DragomanError):
    """The database cannot be opened, migrated or written."""


class EvalError(DragomanError):
    """A gold file cannot be read, or a quality figure fell below its pin."""


class Stopped(DragomanError):
    """An extraction was stopped by the caller's `stop` check between two steps: not a
    fault of the record, so never turned into its reject."""


def set_aside(origin: str, record_id: str | None, exc: Exception) -> Reject:
    """The reject of one record that raised `exc` on its way: the one function that
    turns an exception into a reject. `Pipeline.extract_many` (in this process and in
    every worker) calls it for each record that raises while it is cleaned, parsed or
    analysed; `ingest.read` for a reader that fails in the middle of a file.

    A `RejectedInput` is the reject it carries. Anything else is a fault of ours on
    this input: reason `internal`, the exception's type and message as the detail,
    one warning line, and the traceback logged at INFO (`dragoman -v` shows it). The
    run goes on with the next record.
    """
    if isinstance(exc, RejectedInput):
        return exc.reject
    detail = f"{type(exc).__name__}: {exc}"[:300]
    _log.warning("%s: set aside (internal error): %s", origin, detail)
    _log.info("traceback of the internal error on %s", origin, exc_info=exc)
    return Reject(origin=origin, reason="internal", detail=detail, record_id=record_id)

"""dragoman: source-attributed political event data from news.

Who did what to whom, when, where, and who says so::

    import dragoman
    result = dragoman.extract(text, published="2018-05-22")
    for event in result.events: ...
"""

import logging

from dragoman.api import extract, extract_many, extract_paths
from dragoman.errors import DragomanError, RejectedInput
from dragoman.models import (
    Actor,
    ActorRef,
    Article,
    Event,
    Extraction,
    Place,
    Quote,
    Record,
    Reject,
    Source,
    Span,
    Speaker,
)
from dragoman.settings import Settings

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "ActorRef",
    "Article",
    "DragomanError",
    "Event",
    "Extraction",
    "Place",
    "Quote",
    "Record",
    "Reject",
    "RejectedInput",
    "Settings",
    "Source",
    "Span",
    "Speaker",
    "__version__",
    "extract",
    "extract_many",
    "extract_paths",
    "open",
]


def open(url: str | None = None, read_only: bool = False, wait: float | None = None):
    """Open the event database (`Settings.db` when None): a DuckDB path or postgresql:// URL.

    Args:
        url: the database; a DuckDB file is created when missing unless `read_only`.
        read_only: DuckDB only: read without the write lock, beside other readers and
            beside a running `dragoman serve` (the file must exist).
        wait: seconds to wait for another process's write to finish (default: the
            `db_wait` setting's default).

    Raises:
        StoreError: the database cannot be opened (or, read-only, does not exist).
    """
    from dragoman.store import Store

    settings = Settings()
    return Store.open(
        url or settings.db,
        read_only=read_only,
        wait=settings.db_wait if wait is None else wait,
    )


logging.getLogger(__name__).addHandler(logging.NullHandler())

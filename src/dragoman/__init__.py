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


def open(url: str | None = None):
    """Open the event database (`Settings.db` when None): a DuckDB path or postgresql:// URL."""
    from dragoman.store import Store

    return Store.open(url or Settings().db)


logging.getLogger(__name__).addHandler(logging.NullHandler())

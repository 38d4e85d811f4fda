"""The Python API: what the CLI, the HTTP API, the dashboard and the Spark job call."""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import gc
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from dragoman.errors import InputError
from dragoman.models import Extraction, Record, Reject
from dragoman.settings import Settings

if TYPE_CHECKING:
    from dragoman.pipeline import Pipeline


def pipeline(settings: Settings | None = None) -> Pipeline:
    """The pipeline for `settings` (defaults when None), built once per process.

    Building it freezes the garbage collector's view of the process (`gc.freeze`):
    what exists then (the model, the knowledge, the modules: over a hundred thousand
    containers) is never walked by a collection again; what is made afterwards is
    collected as usual, and at exit everything is given back to the collector so the
    interpreter frees it (`_unfreeze_at_exit`). (An object alive then that later
    becomes part of an unreachable cycle is not freed before the exit.)
    """
    return _pipeline(settings or Settings())


@functools.lru_cache(maxsize=4)
def _pipeline(settings: Settings) -> Pipeline:
    # Collections during the build would walk every object loaded so far, over and
    # over, and find nothing to free (the build makes no cyclic garbage); paused.
    enabled = gc.isenabled()
    gc.disable()
    try:
        # Imported here: spaCy takes a second or two to import, and `import dragoman`
        # (the CLI's --help, the store, the web app's start) should not wait for it.
        from dragoman.pipeline import Pipeline

        built = Pipeline(settings)
    finally:
        if enabled:
            gc.enable()
    gc.freeze()
    _unfreeze_at_exit()
    return built


@functools.cache
def _unfreeze_at_exit() -> None:
    """Give the frozen objects back to the collector when the interpreter exits.

    The interpreter's last collection, after the modules are cleared, skips frozen
    objects: those in reference cycles (module dicts, DuckDB's nanobind type objects
    imported before the build) would then outlive their extension module, and
    nanobind reports each as "leaked" on stderr (48 lines after every `ingest`).
    Unfrozen, they are freed as in any process; the exit's collection then walks
    the model's objects too: about 0.2 s more at the end of a command that built the
    pipeline (measured here: 0.22-0.25 s against 0.03-0.05 s)."""
    atexit.register(gc.unfreeze)


def _date(value: dt.date | str | None) -> dt.date | None:
    """A date, or an ISO date (or date and time) string read strictly.

    Raises:
        InputError: anything else ("2018-01-01xyz" is not read as 2018-01-01).
    """
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError as exc:
        raise InputError(f"published: expected a date YYYY-MM-DD, got {value!r}") from exc


def to_record(item: str | Record | Mapping[str, Any], origin: str = "<api>") -> Record:
    """A `Record` from a string (text or HTML), a mapping of input fields, or a Record."""
    if isinstance(item, Record):
        return item
    if isinstance(item, str):
        is_html = item.lstrip().startswith("<")
        return Record(origin=origin, html=item if is_html else None, text=None if is_html else item)
    fields = {k: item.get(k) for k in ("text", "html", "url", "title", "outlet", "author")}
    record_id = item.get("id")
    return Record(
        origin=origin,
        id=str(record_id) if record_id is not None else None,
        published=_date(item.get("published")),
        **fields,
    )


def extract(
    text_or_html: str | Record | Mapping[str, Any],
    published: dt.date | str | None = None,
    settings: Settings | None = None,
    *,
    stop: Callable[[], bool] | None = None,
    **meta: Any,
) -> Extraction:
    """Extract actors, events and quotes from one article.

    Args:
        text_or_html: the article as plain text or HTML, or an input record.
        published: publication date, used to resolve "on Monday" (ISO string or date).
        settings: settings to use (defaults when None).
        stop: asked between the extraction's steps; True ends it with `Stopped` (a
            time budget, a client that went away).
        **meta: record fields: `url`, `title`, `outlet`, `id`, `author`.

    Returns:
        The `Extraction`.

    Raises:
        RejectedInput: the article was set aside (empty, not English, too large…).
        Stopped: `stop` answered True.
    """
    record = to_record(text_or_html)
    if meta:
        import dataclasses

        record = dataclasses.replace(record, **meta)
    return pipeline(settings).extract(record, _date(published), stop)


def extract_many(
    items: Iterable[str | Record | Mapping[str, Any] | Reject],
    published: dt.date | str | None = None,
    settings: Settings | None = None,
) -> Iterator[Extraction | Reject]:
    """Extract a stream of articles in batches; bad ones come out as `Reject`s, in order."""
    return pipeline(settings).extract_many(_records(items), _date(published))


def _records(
    items: Iterable[str | Record | Mapping[str, Any] | Reject],
) -> Iterator[Record | Reject]:
    """`items` as records; an item whose fields cannot be read is a `format` reject."""
    for i, item in enumerate(items):
        if isinstance(item, Reject):
            yield item
            continue
        try:
            yield to_record(item, f"<item {i}>")
        except InputError as exc:
            yield Reject(f"<item {i}>", "format", str(exc))


def extract_paths(
    paths: Iterable[str],
    published: dt.date | str | None = None,
    settings: Settings | None = None,
    workers: int | None = 1,
) -> Iterator[Extraction | Reject]:
    """Read files, directories, feeds, WARCs or `-` (stdin) and extract every article.

    Args:
        workers: worker processes (0: one per core; None: the `workers` setting; 1: this
            process only). Results come in input order whatever the number.
    """
    from dragoman import ingest
    from dragoman.parallel import extract_parallel

    settings = settings or Settings()
    return extract_parallel(ingest.read(paths, settings), settings, _date(published), workers)

"""Running the system under test over gold records, paired back by record id."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from dragoman.errors import EvalError
from dragoman.evaluate.report import Report, sha256_of
from dragoman.models import Extraction, Record, Reject
from dragoman.settings import Settings

log = logging.getLogger(__name__)


class Extractor(Protocol):
    """What the event and quote readers need of a pipeline: `Pipeline.extract_many`."""

    def extract_many(self, records: Iterable[Record]) -> Iterator[Extraction | Reject]: ...


def default_pipeline(settings: Settings) -> Extractor:
    """dragoman's own pipeline (imported late: it loads spaCy), without deduplication:
    gold sets repeat sentences on purpose (the same text coded two ways)."""
    import dataclasses

    from dragoman.pipeline import Pipeline

    return Pipeline(dataclasses.replace(settings, deduplicate=False))


def extract_all(records: Sequence[Record], pipeline: Extractor) -> dict[str, Extraction | Reject]:
    """Run `pipeline` over `records`; results keyed by record id.

    Every record gets an entry: one the pipeline returned nothing for is
    recorded as a `Reject` with reason `missing`, so counts always add up.
    """
    results: dict[str, Extraction | Reject] = {}
    for result in pipeline.extract_many(records):
        key = result.article.id if isinstance(result, Extraction) else result.record_id
        if key is None:
            log.warning("result without a record id from %s", getattr(result, "origin", "?"))
            continue
        results[key] = result
    for record in records:
        if record.id is not None and record.id not in results:
            results[record.id] = Reject(
                record.origin, "missing", "the pipeline returned nothing", record.id
            )
    return results


def unique_ids(ids: Iterable[str]) -> list[str]:
    """`ids` with repeats made unique by a `#2`, `#3`… suffix (results are keyed by id)."""
    seen: dict[str, int] = {}
    out = []
    for raw in ids:
        n = seen.get(raw, 0) + 1
        seen[raw] = n
        out.append(raw if n == 1 else f"{raw}#{n}")
    return out


def code_and_score(
    items: Sequence[Any],
    score: Callable[..., Report],
    gold: Path,
    settings: Settings,
    limit: int | None,
    system: Extractor | None,
    **extra: Any,
) -> Report:
    """The `run()` of a reader: code its gold items (each has `record(origin)`) with the
    system under test (dragoman's own pipeline by default), then `score` them."""
    pipeline = system if system is not None else default_pipeline(settings)
    results = extract_all([item.record(str(gold)) for item in items], pipeline)
    return score(items, results, gold=str(gold), gold_sha256=sha256_of(gold), limit=limit, **extra)


def json_lines(path: Path, what: str) -> Iterator[tuple[int, Any]]:
    """`(line number, value)` of each non-blank line of a JSON Lines gold file.

    Raises:
        EvalError: the file cannot be read (`what` names the gold set), or a line is
            not JSON (the message names the line).
    """
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalError(f"{path}: cannot read {what} gold: {exc}") from exc
    # Split on newlines only: str.splitlines() would also split at U+2028 and
    # friends, which JSON may carry unescaped inside a string.
    for n, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(f"{path}:{n}: not JSON: {exc}") from exc
        yield n, value

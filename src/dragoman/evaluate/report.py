"""What an evaluation run returns: figures, tables and the worst misses.

Kept apart from `evaluate/__init__.py` so the reader modules can build reports
without importing the package that imports them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Table:
    """A small table for a report: a per-category breakdown or a confusion table.

    Attributes:
        name: what the table shows ("per PLOVER type", "confusion: gold × top predicted").
        columns: column headers.
        rows: one tuple per row, as long as `columns`; cells are str, int or float.
    """

    name: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
        }

    def format_text(self) -> str:
        """The table as aligned plain text."""
        cells = [list(self.columns)] + [[_cell(c) for c in row] for row in self.rows]
        widths = [max(len(row[i]) for row in cells) for i in range(len(self.columns))]
        lines = [self.name]
        for n, row in enumerate(cells):
            padded = (
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
            lines.append(("  " + "  ".join(padded)).rstrip())
            if n == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


@dataclass(frozen=True, slots=True)
class Report:
    """The result of scoring dragoman on one gold set.

    Attributes:
        format: gold format name (`plover-gsr`, `petrarch-validation`, …).
        gold: the gold path as given.
        gold_sha256: hash of the gold file (or of the files of a gold directory).
        limit: how many gold items were used, or None for all.
        figures: headline scores, name → value in [0, 1], higher is better.
            These are what the quality gate pins; see `gate.py`.
        counts: sizes behind the figures (items, rejects, skipped gold…); not gated.
        breakdowns: per-category tables.
        confusion: gold label × predicted label counts, when the format has labels.
        misses: the worst misses, one dict each, for reading.
        notes: caveats about this run (gold quirks met, text realignment, …).
    """

    format: str
    gold: str
    gold_sha256: str
    limit: int | None
    figures: Mapping[str, float]
    counts: Mapping[str, int] = field(default_factory=dict)
    breakdowns: tuple[Table, ...] = ()
    confusion: Table | None = None
    misses: tuple[Mapping[str, Any], ...] = ()
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "format": self.format,
            "gold": self.gold,
            "gold_sha256": self.gold_sha256,
            "limit": self.limit,
            "figures": {k: round(v, 4) for k, v in self.figures.items()},
            "counts": dict(self.counts),
            "breakdowns": [t.to_dict() for t in self.breakdowns],
            "confusion": self.confusion.to_dict() if self.confusion else None,
            "misses": [dict(m) for m in self.misses],
            "notes": list(self.notes),
        }

    def format_text(self, misses: int = 10) -> str:
        """A readable report: figures, counts, tables, then up to `misses` worst misses."""
        lines = [
            f"{self.format}: {self.gold}"
            + (f" (first {self.limit})" if self.limit is not None else ""),
            f"gold sha256 {self.gold_sha256[:16]}…",
            "",
        ]
        width = max((len(k) for k in self.figures), default=0)
        lines += [f"  {k.ljust(width)}  {v:.3f}" for k, v in self.figures.items()]
        if self.counts:
            lines.append("")
            lines.append("  " + ", ".join(f"{k} {v}" for k, v in self.counts.items()))
        for table in (*self.breakdowns, *([self.confusion] if self.confusion else [])):
            lines += ["", table.format_text()]
        if self.notes:
            lines += ["", "notes:"] + [f"  - {n}" for n in self.notes]
        if self.misses and misses:
            lines += ["", f"worst misses ({min(misses, len(self.misses))} of {len(self.misses)}):"]
            for miss in self.misses[:misses]:
                lines.append("  - " + "; ".join(f"{k}: {_short(v)}" for k, v in miss.items()))
        return "\n".join(lines)


def _short(value: Any, limit: int = 160) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sha256_of(path: Path, files: Sequence[Path] | None = None) -> str:
    """SHA-256 of a gold file, or of a gold directory's files.

    For a directory the digest covers each file's relative path and content
    digest, in sorted order, so renaming or editing any file changes it.
    """
    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    digest = hashlib.sha256()
    if files is None:
        files = [p for p in path.rglob("*") if p.is_file()]
    members = sorted(files)
    for member in members:
        rel = member.relative_to(path).as_posix()
        digest.update(f"{rel}\0{hashlib.sha256(member.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()

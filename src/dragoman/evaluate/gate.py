"""The quality gate: pinned figures that a change may not lower.

The baseline file (`tests/eval_baseline.json` in the repository) maps a gold
set to the figures last accepted on it::

    {"plover-gsr:plover-gsr/PLOVER_GSR_CAMEO.json":
        {"sha256": "…", "limit": null, "figures": {"event_f1": 0.41, …}}}

The key is the format and the gold path relative to `shared/data`, or to the
repository for the gold sets it holds (`tests/gold/`), else the absolute path. `check()` lists every
figure that fell by more than the margin, and refuses a report made on a
different gold file or a different `limit`: those figures are not comparable.
Raising the pins is an explicit act: `update_baseline()`, behind the CLI's
`--update-baseline` flag.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from dragoman.errors import EvalError
from dragoman.evaluate.report import Report

# The repository's baseline; only meaningful in a source checkout.
REPOSITORY = Path(__file__).resolve().parents[3]
BASELINE = REPOSITORY / "tests" / "eval_baseline.json"
MARGIN = 0.01
_DIGITS = 4


def key(report: Report) -> str:
    """`<format>:<gold path under shared/data or in the repository>` (else absolute)."""
    path = Path(report.gold).resolve()
    parts = path.parts
    for i in range(len(parts) - 2, 0, -1):
        if parts[i - 1] == "shared" and parts[i] == "data":
            return f"{report.format}:{Path(*parts[i + 1 :]).as_posix()}"
    if path.is_relative_to(REPOSITORY):
        return f"{report.format}:{path.relative_to(REPOSITORY).as_posix()}"
    return f"{report.format}:{path.as_posix()}"


def load_baseline(path: Path = BASELINE) -> dict[str, Any]:
    """The pinned figures, or `{}` when the file does not exist yet.

    Raises:
        EvalError: the file exists but is not a baseline.
    """
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalError(f"{path}: cannot read the baseline: {exc}") from exc
    if not isinstance(data, dict) or not all(
        isinstance(v, dict) and isinstance(v.get("figures"), dict) for v in data.values()
    ):
        raise EvalError(f"{path}: not a baseline ({{key: {{sha256, limit, figures}}}})")
    return data


def check(report: Report, baseline: Mapping[str, Any] | Path, margin: float = MARGIN) -> list[str]:
    """Why `report` fails the gate; an empty list when it passes.

    Args:
        report: a fresh evaluation.
        baseline: the loaded baseline mapping, or the path of the baseline file.
        margin: how far a figure may fall below its pin before it fails.

    Returns:
        One message per failure: a figure that dropped by more than `margin`,
        a pinned figure the report lacks, a changed gold hash or limit, or no
        pin at all for this gold set.
    """
    pins = load_baseline(baseline) if isinstance(baseline, Path) else baseline
    name = key(report)
    pin = pins.get(name)
    if pin is None:
        return [f"{name}: no baseline pinned; run with --update-baseline to pin one"]
    failures = []
    if pin.get("sha256") != report.gold_sha256:
        failures.append(
            f"{name}: the gold set changed (sha256 {str(pin.get('sha256'))[:12]}… "
            f"pinned, {report.gold_sha256[:12]}… now); re-pin deliberately"
        )
    if pin.get("limit") != report.limit:
        failures.append(
            f"{name}: pinned with limit {pin.get('limit')}, run with "
            f"limit {report.limit}; figures are not comparable"
        )
    if failures:
        return failures
    for figure, pinned in sorted(pin["figures"].items()):
        now = report.figures.get(figure)
        if now is None:
            failures.append(f"{name}: figure {figure} is pinned but no longer reported")
        elif now < pinned - margin:
            failures.append(
                f"{name}: {figure} fell from {pinned:.4f} to {now:.4f} (margin {margin})"
            )
    return failures


def entry(report: Report) -> dict[str, Any]:
    """The baseline entry that pins `report`."""
    return {
        "sha256": report.gold_sha256,
        "limit": report.limit,
        "figures": {k: round(v, _DIGITS) for k, v in sorted(report.figures.items())},
    }


def update_baseline(reports: Iterable[Report], path: Path = BASELINE) -> dict[str, Any]:
    """Pin the figures of `reports` in the baseline file, keeping other gold sets' pins.

    Returns:
        The whole baseline as written.
    """
    pins = load_baseline(path)
    for report in reports:
        pins[key(report)] = entry(report)
    ordered = dict(sorted(pins.items()))
    path.write_text(json.dumps(ordered, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return ordered

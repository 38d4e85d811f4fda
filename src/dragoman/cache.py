"""A disk cache for what takes seconds to build and milliseconds to read back.

The knowledge files, the gazetteer index and the language identifier's model are
compiled once and kept as pickles in one folder: `$DRAGOMAN_CACHE_DIR` when set,
else `$XDG_CACHE_HOME/dragoman`, else `~/.cache/dragoman`. `DRAGOMAN_CACHE_DIR=off`
turns the cache off (everything is built in memory, as without a cache).

Each entry is named after what it holds and a key: a SHA-256 over everything the
value is built from (the source of the module that builds it, the data files, the
versions of the libraries that read them, dragoman's and Python's versions). A
changed input gives another name, so a stale entry is never read; an entry that
cannot be read back (truncated, corrupt, written by another Python) is ignored,
rebuilt and written again. Writes go to a temporary file renamed over the entry, so
a process never reads half of what another is writing. Deleting the folder, or any
file in it, is always safe.

Entries are pickles, which run code when read: the folder is created readable by
its owner only, and the cache trusts it as it trusts the user's own site-packages.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

ENV = "DRAGOMAN_CACHE_DIR"
# Bumped when the layout of an entry changes (it is part of every key).
FORMAT = 1
# Entries of one name kept after a write; older ones (other keys) are removed.
KEEP = 4
_MAGIC = b"dragoman-cache"


def directory() -> Path | None:
    """The cache folder (not created here), or None when the cache is off."""
    value = os.environ.get(ENV)
    if value is not None:
        value = value.strip()
        if value.lower() in {"off", "0", "false", "no", "none"}:
            return None
        if value:
            return Path(value).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base:
        return Path(base).expanduser() / "dragoman"
    try:
        return Path.home() / ".cache" / "dragoman"
    except RuntimeError:  # no home directory to be found: no cache
        return None


def digest(parts: Iterable[bytes | str]) -> str:
    """SHA-256 of `parts`, each one length-prefixed (so ("ab", "c") ≠ ("a", "bc"))."""
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "little"))
        sha.update(data)
    return sha.hexdigest()


def source(module_file: str | None) -> bytes:
    """The source of a module (its `__file__`): code changes make new keys even when
    the package version does not (editable installs)."""
    return Path(module_file).read_bytes() if module_file else b""


def cached(name: str, parts: Iterable[bytes | str], build: Callable[[], T]) -> T:
    """The value `build()` returns, read from the cache when an entry for `parts` exists.

    Args:
        name: what the entry holds (a file-name prefix: letters, digits, `-`).
        parts: everything the value depends on; any change makes another entry.
        build: builds the value when there is no usable entry; its exceptions propagate
            and nothing is written.
    """
    folder = directory()
    if folder is None:
        return build()
    from dragoman import __version__

    key = digest([str(FORMAT), __version__, sys.version, *parts])
    path = folder / f"{name}-{key[:32]}.pickle"
    found = _read(path, key)
    if found is not None:
        return found[0]  # type: ignore[return-value]  # what `build` returned for this key
    value = build()
    _write(path, key, value)
    return value


def _read(path: Path, key: str) -> tuple[object] | None:
    """(value,) from the entry at `path` when it holds `key`; None when absent or unusable."""
    try:
        with open(path, "rb") as entry:
            magic, stored, value = pickle.load(entry)
    except FileNotFoundError:
        return None
    except Exception as exc:  # any unreadable entry (truncated, corrupt, other Python)
        log.warning("ignoring unreadable cache entry %s (%s); rebuilding it", path, exc)
        return None
    if magic != _MAGIC or stored != key:
        log.warning("ignoring cache entry %s: it holds something else; rebuilding it", path)
        return None
    log.debug("read %s", path)
    return (value,)


def _write(path: Path, key: str, value: object) -> None:
    """Write the entry atomically; a cache that cannot be written is only logged."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump((_MAGIC, key, value), out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, pickle.PicklingError) as exc:
        log.warning("cannot write cache entry %s: %s", path, exc)
        return
    log.debug("wrote %s", path)
    _prune(path)


def _prune(path: Path) -> None:
    """Remove the oldest entries of the same name beyond `KEEP` (stale keys)."""
    prefix = path.name.rsplit("-", 1)[0] + "-"
    try:
        entries = [
            p
            for p in path.parent.iterdir()
            if p.name.startswith(prefix) and p.suffix == ".pickle" and p != path
        ]
        entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in entries[KEEP - 1 :]:
            stale.unlink(missing_ok=True)
    except OSError as exc:  # another process pruning at the same time
        log.debug("cache prune: %s", exc)

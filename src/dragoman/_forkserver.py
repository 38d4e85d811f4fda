"""Imported by the forkserver of `dragoman.parallel` when it starts: builds the pipeline.

The settings come as JSON in `dragoman.parallel.SETTINGS_ENV`, which is removed from
the server's environment at once (its workers and their children do not see it). The
pipeline is built and warmed up here, before any worker is forked, so every worker
starts with it in memory. Nothing here may raise: the forkserver would die with it.
A pipeline that cannot be built is logged and left to the workers, whose pool
initializer builds it again and reports the error as a worker error would.
"""

from __future__ import annotations

import gc
import json
import logging
import os

log = logging.getLogger(__name__)


def _preload() -> bool:
    """Build and warm up the pipeline named in the environment; True when it was built."""
    from dragoman.parallel import SETTINGS_ENV, warm
    from dragoman.settings import Settings

    value = os.environ.pop(SETTINGS_ENV, None)
    if not value:
        return False
    try:
        warm(Settings.from_mapping(json.loads(value)))
    except Exception:  # the workers build the pipeline themselves and raise there
        log.warning("forkserver: pipeline not preloaded", exc_info=True)
        return False
    return True


if _preload():
    # What the server holds now lives as long as the workers: out of the collector's
    # reach, its pages stay shared with them. A full collection in a worker would
    # otherwise write to every object's header, copying each page it touches, and
    # walk hundreds of thousands of objects that can never be garbage.
    gc.freeze()

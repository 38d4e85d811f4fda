"""Imported by the forkserver of `dragoman.parallel` when it starts: builds the pipeline.

The settings come as JSON in `dragoman.parallel.SETTINGS_ENV`, which is removed from
the server's environment at once (its workers and their children do not see it). The
pipeline is built and warmed up here, before any worker is forked, so every worker
starts with it in memory. Nothing here may raise: the forkserver would die with it.
A pipeline that cannot be built is logged and left to the workers, whose pool
initializer builds it again and reports the error as a worker error would.
"""

from __future__ import annotations

import json
import logging
import os

log = logging.getLogger(__name__)


def _preload() -> None:
    from dragoman.parallel import SETTINGS_ENV, warm
    from dragoman.settings import Settings

    value = os.environ.pop(SETTINGS_ENV, None)
    if not value:
        return
    try:
        warm(Settings.from_mapping(json.loads(value)))
    except Exception:  # the workers build the pipeline themselves and raise there
        log.warning("forkserver: pipeline not preloaded", exc_info=True)


_preload()

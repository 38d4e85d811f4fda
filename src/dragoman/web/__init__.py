"""The HTTP API and the web dashboard (`dragoman serve`; needs the `web` extra).

`create_app(settings, db_url, token=None)` builds the FastAPI application; see
`dragoman.web.app` for the error shape and the security measures. The import is
lazy so that `dragoman --help` works on a core install without FastAPI.
"""

from typing import Any

__all__ = ["MAX_BODY_BYTES", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dragoman.web import app

        return getattr(app, name)
    raise AttributeError(name)

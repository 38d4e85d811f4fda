"""The HTTP API and the web dashboard (`dragoman serve`; needs the `web` extra).

`create_app(settings, db_url, token=None)` builds the FastAPI application; see
`dragoman.web.app` for the error shape and the security measures.
"""

from dragoman.web.app import MAX_BODY_BYTES, create_app

__all__ = ["MAX_BODY_BYTES", "create_app"]

"""`dragoman serve`: the HTTP API and dashboard over one database, with uvicorn."""

from __future__ import annotations

import ipaddress
import logging

import click

from dragoman.settings import Settings

log = logging.getLogger(__name__)

TOKEN_ENV = "DRAGOMAN_SERVE_TOKEN"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=None,
    help="Database: a DuckDB file or a postgresql:// URL (default: the `db` setting).",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but loopback should have a --token.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on.",
)
@click.option(
    "--token",
    envvar=TOKEN_ENV,
    default=None,
    metavar="T",
    help=f"Require `Authorization: Bearer T` for every POST (or set ${TOKEN_ENV}, "
    "which keeps it out of the process list).",
)
@click.option(
    "--max-body",
    type=click.IntRange(1),
    default=None,
    metavar="BYTES",
    help="Largest request body accepted (default 2,000,000; larger gives 413).",
)
def serve(db: str | None, host: str, port: int, token: str | None, max_body: int | None) -> None:
    """Serve the HTTP API (/api, docs at /docs) and the dashboard over one database."""
    try:
        import uvicorn

        from dragoman.web.app import MAX_BODY_BYTES, create_app
    except ImportError as exc:
        raise click.ClickException(
            f"`dragoman serve` needs the web extra: pip install 'dragoman[web]' ({exc})"
        ) from exc
    ctx = click.get_current_context()
    settings = (ctx.obj or {}).get("settings") if ctx.obj else None
    settings = settings or Settings.load()
    url = db or settings.db
    if not token and not _loopback(host):
        click.echo(
            f"dragoman: warning: serving on {host} with no --token: anyone who can "
            "reach it can add articles",
            err=True,
        )
    # On loopback, answer only requests addressed to loopback (no DNS rebinding).
    hosts = LOOPBACK_NAMES if _loopback(host) else None
    app = create_app(
        settings, url, token=token, max_body=max_body or MAX_BODY_BYTES, allowed_hosts=hosts
    )
    click.echo(f"dragoman: serving {url} on http://{host}:{port} (docs at /docs)", err=True)
    uvicorn.run(
        app, host=host, port=port, log_level="info", proxy_headers=False, server_header=False
    )

"""Schema migrations: SQL files in `dragoman/data/migrations`, recorded in `schema_migrations`.

A migration is `NNNN_name.sql`; a file `NNNN_name.<dialect>.sql` (dialect
`duckdb` or `postgres`) replaces it on that backend, for the few statements the
two databases spell differently. Each migration runs in its own transaction
together with the row that records it, so a crash leaves it wholly applied or
not at all. On PostgreSQL an advisory lock keeps two processes from applying
the same migration.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from importlib import resources

from dragoman.errors import StoreError
from dragoman.store._backends import Backend

log = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{4}_[a-z0-9_]+?)(?:\.(duckdb|postgres))?\.sql$")
# Any fixed number: the key of the advisory lock taken while migrating.
_PG_LOCK = 0x647261676F6D616E  # "dragoman"


@dataclass(frozen=True, slots=True)
class Migration:
    """One migration as it applies to one dialect."""

    name: str
    sql: str


def migrations(dialect: str) -> list[Migration]:
    """The packaged migrations for `dialect`, in order."""
    folder = resources.files("dragoman").joinpath("data").joinpath("migrations")
    generic: dict[str, str] = {}
    specific: dict[str, str] = {}
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match is None:
            continue
        name, only = match.groups()
        if only is None:
            generic[name] = entry.read_text("utf-8")
        elif only == dialect:
            specific[name] = entry.read_text("utf-8")
    names = sorted(generic.keys() | specific.keys())
    return [Migration(n, specific.get(n, generic.get(n, ""))) for n in names]


def statements(sql: str) -> list[str]:
    """The statements of a migration file (`;` at a line end ends one; `--` comments dropped)."""
    out: list[str] = []
    current: list[str] = []
    for line in sql.splitlines():
        code = line.split("--", 1)[0].rstrip()
        if not code.strip():
            continue
        current.append(code)
        if code.endswith(";"):
            out.append("\n".join(current).rstrip(";"))
            current = []
    if current:
        out.append("\n".join(current))
    return out


_LEDGER = (
    "CREATE TABLE IF NOT EXISTS schema_migrations "
    "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
)


def applied(backend: Backend) -> list[str]:
    """Names of the migrations recorded in the database (empty for a new one)."""
    _, rows = backend.rows(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        + (" AND table_schema = current_schema()" if backend.dialect == "postgres" else "")
    )
    if not rows[0][0]:
        return []
    _, rows = backend.rows("SELECT name FROM schema_migrations ORDER BY name")
    return [r[0] for r in rows]


def migrate(backend: Backend) -> list[str]:
    """Apply the pending migrations; return their names.

    Raises:
        StoreError: a migration failed, the database is newer than this dragoman,
            or it needs migrating but was opened read-only.
    """
    known = migrations(backend.dialect)
    done = set(applied(backend))
    unknown = sorted(done - {m.name for m in known})
    if unknown:
        raise StoreError(
            f"{backend.url}: the database has migrations this dragoman does "
            f"not know ({', '.join(unknown)}); upgrade dragoman"
        )
    pending = [m for m in known if m.name not in done]
    if not pending:
        return []
    if backend.read_only:
        raise StoreError(
            f"{backend.url}: the schema needs migrating "
            f"({', '.join(m.name for m in pending)}); open it read-write once"
        )
    ran = []
    for migration in pending:
        try:
            with backend.transaction() as tx:
                tx.execute(_LEDGER)
                if backend.dialect == "postgres":
                    tx.execute("SELECT pg_advisory_xact_lock(?)", [_PG_LOCK])
                    if tx.execute(
                        "SELECT 1 FROM schema_migrations WHERE name = ?", [migration.name]
                    ):
                        continue  # another process applied it while we waited
                for statement in statements(migration.sql):
                    tx.execute(statement)
                tx.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
                    [migration.name, dt.datetime.now(dt.UTC).replace(tzinfo=None)],
                )
        except StoreError:
            raise
        except Exception as exc:
            raise StoreError(f"{backend.url}: migration {migration.name} failed: {exc}") from exc
        log.info("applied migration %s to %s", migration.name, backend.url)
        ran.append(migration.name)
    return ran

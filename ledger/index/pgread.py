"""Reading a PostgreSQL index through psycopg alone: one snapshot, nothing of SQLAlchemy imported.

Every read of a server index goes here: a reader (`--read-only`, `--ledger`)
reads the index as it stands; an indexer first checks, in the same snapshot,
that the index matches its files (`is_current`, the refresh's own test, as
ledger.index.warm does for SQLite) and refreshes only when it does not.

The snapshot is one REPEATABLE READ transaction: however many queries a command
runs, they see the index as one refresh left it, never half of the next one.
It is READ ONLY too, except when several ledgers are read together
(`combine`), which makes temporary views (discarded with the transaction).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from ..errors import LedgerError, UsageError
from .format import FORMAT_KEY, INDEX_FORMAT
from .target import Target
from .warm import DATABASE_URL_ENV

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


@functools.lru_cache(maxsize=512)
def pyformat(sql: str) -> str:
    """`:name` parameters (the SQL text's) as psycopg's `%(name)s`."""
    return _PARAM.sub(r"%(\1)s", sql.replace("%", "%%"))


class PgDb:
    """A psycopg connection in a snapshot (ledger.index.sql's Db)."""

    iso_dates = False

    def __init__(self, conn):
        self.conn = conn

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        with self.conn.cursor() as cursor:
            cursor.execute(pyformat(sql), params or {})
            return cursor.fetchall() if cursor.description is not None else []

    def stream(self, sql: str, params: dict[str, Any] | None = None):
        with self.conn.cursor() as cursor:
            cursor.execute(pyformat(sql), params or {})
            while batch := cursor.fetchmany(1000):
                yield from batch

    def run(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self.rows(sql, params)

    def many(self, sql: str, rows: list[tuple]) -> None:
        if rows:
            with self.conn.cursor() as cursor:
                cursor.executemany(sql.replace("%", "%%").replace("?", "%s"), rows)


def register_numeric(context) -> None:
    """numeric values (sum() of integers is one) as int or float, as SQLite gives them, not Decimal."""
    from psycopg.adapt import Loader

    class _Numeric(Loader):
        def load(self, data):
            text = bytes(data)
            try:
                return int(text)
            except ValueError:
                return float(text)

    context.adapters.register_loader("numeric", _Numeric)


def connect(target: Target):
    """A psycopg connection to the server (autocommit off). Errors name the URL without its password."""
    try:
        import psycopg
    except ImportError:
        raise UsageError(
            f"{target.source} needs the PostgreSQL driver psycopg, which is not installed: "
            'pip install "prediction-ledger[postgres]", or unset the variable to use the ledger\'s own SQLite index',
            DATABASE_URL_ENV,
        ) from None
    try:
        conn = psycopg.connect(target.libpq())
    except psycopg.Error as exc:
        from .target import shown

        raise LedgerError(f"cannot open {target.source}: {shown(_first_line(exc))}") from None
    register_numeric(conn)
    return conn


def _first_line(exc) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def begin_snapshot(conn, schema: str | None, *, read_only: bool = True) -> None:
    """Start the snapshot transaction, with unqualified names meaning `schema`."""
    from psycopg import IsolationLevel

    conn.isolation_level = IsolationLevel.REPEATABLE_READ
    conn.read_only = read_only
    if schema is not None:
        conn.execute("SELECT set_config('search_path', %s, true)", ('"' + schema.replace('"', '""') + '"',))


def read_meta(db: PgDb, schema: str) -> dict[str, str] | None:
    """The meta table of `schema` (None: no such schema or no index in it)."""
    found = db.rows("SELECT to_regclass(:t)", {"t": f'"{schema}".meta'})[0][0]
    if found is None:
        return None
    return dict(db.rows(f'SELECT "key", "value" FROM "{schema}".meta'))


def check_readable(db: PgDb, target: Target, schema: str, name: str) -> dict[str, str]:
    """The meta of ledger `name`'s index, which must be there and of this version's format."""
    meta = read_meta(db, schema)
    if meta is None:
        raise LedgerError(
            f"{target.source} has no index of ledger {name!r} (no schema {schema}): its indexer makes it "
            "(docs/team.md); `pledger --read-only status` lists the ledgers there"
        )
    if meta.get(FORMAT_KEY) != INDEX_FORMAT:
        raise LedgerError(
            f"the index of ledger {name!r} on {target.source} is in format {meta.get(FORMAT_KEY)!r}, and this pledger "
            f"reads {INDEX_FORMAT!r}: the indexer rebuilds it when it runs this version (or run the indexer's version)"
        )
    return meta


def is_current(db: PgDb, root: Path, identity_key: str | None) -> bool:
    """Whether the (snapshot's) index is the refresh's idea of up to date with the files under root:
    this version's format, this ledger's identity, and a files table listing exactly
    the files on disk with the same size and mtime_ns."""
    from ..store.discover import files_unchanged

    meta = dict(db.rows('SELECT "key", "value" FROM meta'))
    if meta.get(FORMAT_KEY) != INDEX_FORMAT or meta.get("ledger_key") != identity_key:
        return False
    return files_unchanged({path: (size, mtime_ns) for path, size, mtime_ns in db.rows("SELECT path, size, mtime_ns FROM files")}, root)


def ledgers_on(db: PgDb, prefix: str) -> list[dict[str, str]]:
    """Every ledger index under `prefix` on the server: its schema and meta, by name."""
    like = prefix.replace("_", r"\_") + r"\_%"
    out = []
    # Only schemas this role may read (a reader may be granted some ledgers only).
    for (schema,) in db.rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p "
                             "AND has_schema_privilege(nspname, 'USAGE') ORDER BY nspname", {"p": like}):
        if not db.rows("SELECT to_regclass(:t) IS NOT NULL AND has_table_privilege(to_regclass(:t), 'SELECT')",
                       {"t": f'"{schema}".meta'})[0][0]:
            continue
        meta = read_meta(db, schema)
        if meta and "ledger_name" in meta:
            out.append({"schema": schema, **meta})
    return sorted(out, key=lambda m: m["ledger_name"])


# -- several ledgers at once -------------------------------------------------------------

# The tables a combined read queries, and the columns whose values are ledger-local
# names: ids (and what refers to them), files, row numbers. Each is made unique by the
# ledger it comes from (`name:id`, `name/file`, a row number per ledger).
_IDS = {
    "predictions": ("id",),
    "forecasts": ("prediction_id",),
    "outcomes": ("prediction_id",),
    "tags": ("prediction_id",),
    "ambiguous_ids": ("id",),
    "sets": ("id",),
    "claims": ("id",),
    "assessments": ("claim_id",),
    "sources": ("id",),
}
_FILES = ("file",)
_ROWIDS = ("rowid", "outcome_entry")
COMBINED_TABLES = ("predictions", "forecasts", "outcomes", "tags", "ambiguous_ids", "sets", "ledger_problems",
                   "claims", "assessments", "sources")


def combine(db: PgDb, schemas: list[tuple[str, str]]) -> None:
    """Make the tables of several ledgers (name, schema) read as one index, for this transaction:
    a temporary view per table, the UNION ALL of every ledger's, with ids, file names and
    row numbers made unique by ledger (a prediction `x` of ledger `a` is `a:x`)."""
    n = len(schemas)
    for table in COMBINED_TABLES:
        columns = [c for (c,) in db.rows(
            "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = to_regclass(:t) AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY a.attnum", {"t": f'"{schemas[0][1]}".{table}'})]
        parts = []
        for i, (name, schema) in enumerate(schemas):
            cols = []
            for c in columns:
                q = f'"{c}"'
                if c in _IDS.get(table, ()):
                    cols.append(f"'{name}:' || {q} AS {q}")
                elif c in _FILES:
                    cols.append(f"'{name}/' || {q} AS {q}")
                elif c in _ROWIDS:
                    cols.append(f"{q} * {n} + {i} AS {q}")
                else:
                    cols.append(q)
            parts.append(f'SELECT {", ".join(cols)} FROM "{schema}".{table}')
        db.run(f"CREATE TEMPORARY VIEW {table} AS " + " UNION ALL ".join(parts))

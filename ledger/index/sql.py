"""SQL text run on either kind of index connection.

The read queries (ledger.services.select, ledger.services.scores) are written
once, as SQL text with `:name` parameters, and run on

  * a stdlib sqlite3 connection -- the warm read (ledger.index.warm), which
    never imports SQLAlchemy; or
  * a SQLAlchemy Connection -- after a refresh, on any database
    PLEDGER_DATABASE_URL names. The text is compiled for the connection's
    dialect (its parameter style), then run on the driver's cursor.

  * a psycopg connection (PgDb) -- a read of a PostgreSQL index, with
    nothing of SQLAlchemy imported (ledger.index.pgread).

So the SQL must be plain standard SQL: identifiers that are keywords ("on",
"by") in double quotes, dates bound with `date_param` (ISO text in SQLite, as
SQLAlchemy stores them there; dates on PostgreSQL). Rows come back as the
driver gives them: dates as ISO text in SQLite, booleans as 0/1 -- use
`as_date` and `bool()` when making records.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol


class Db(Protocol):
    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]: ...

    def stream(self, sql: str, params: dict[str, Any] | None = None) -> Iterator[tuple]: ...

    def run(self, sql: str, params: dict[str, Any] | None = None) -> None: ...

    def many(self, sql: str, rows: list[tuple]) -> None: ...

    @property
    def iso_dates(self) -> bool: ...


class SqliteDb:
    """A stdlib sqlite3 connection (the warm read)."""

    iso_dates = True  # dates are ISO text, as SQLAlchemy stores them in SQLite

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        return self.conn.execute(sql, params or {}).fetchall()

    def stream(self, sql: str, params: dict[str, Any] | None = None) -> Iterator[tuple]:
        """The rows one at a time, as SQLite steps through them (memory flat in their number)."""
        return iter(self.conn.execute(sql, params or {}))

    def run(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self.conn.execute(sql, params or {})

    def many(self, sql: str, rows: list[tuple]) -> None:
        """executemany with `?` placeholders."""
        self.conn.executemany(sql, rows)


class AlchemyDb:
    """A SQLAlchemy Connection. Rows come straight from the driver's cursor:
    SQLAlchemy's Row objects cost more than the query itself at 100,000 rows."""

    def __init__(self, conn):
        self.conn = conn

    def _execute(self, sql: str, params: dict[str, Any] | None):
        from sqlalchemy import text

        compiled = text(sql).bindparams(**(params or {})).compile(dialect=self.conn.dialect)
        values: Any = compiled.params
        if compiled.positiontup is not None:
            values = tuple(values[name] for name in compiled.positiontup)
        cursor = self.conn.connection.dbapi_connection.cursor()
        try:
            with self._driver_errors(sql):
                cursor.execute(str(compiled), values)
        except BaseException:
            cursor.close()
            raise
        return cursor

    @contextmanager
    def _driver_errors(self, sql: str) -> Iterator[None]:
        """The driver's own errors as SQLAlchemy's (what conn.execute would raise): the callers catch
        one kind, whichever way a statement went (a full disk, a role that may only read)."""
        dbapi = self.conn.dialect.loaded_dbapi
        try:
            yield
        except dbapi.Error as exc:
            from sqlalchemy.exc import DBAPIError

            raise DBAPIError.instance(sql, None, exc, dbapi.Error, hide_parameters=True,
                                      dialect=self.conn.dialect) from exc

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple]:
        cursor = self._execute(sql, params)
        try:
            with self._driver_errors(sql):
                return cursor.fetchall() if cursor.description is not None else []
        finally:
            cursor.close()

    def stream(self, sql: str, params: dict[str, Any] | None = None) -> Iterator[tuple]:
        """The rows a batch at a time from the driver's cursor."""
        cursor = self._execute(sql, params)
        try:
            while True:
                with self._driver_errors(sql):
                    batch = cursor.fetchmany(1000)
                if not batch:
                    break
                yield from batch
        finally:
            cursor.close()

    def run(self, sql: str, params: dict[str, Any] | None = None) -> None:
        self.rows(sql, params)

    @property
    def iso_dates(self) -> bool:
        return self.conn.dialect.name == "sqlite"

    def many(self, sql: str, rows: list[tuple]) -> None:
        """executemany through the driver, `?` placeholders turned into its own style
        (an INSERT on PostgreSQL is a COPY: bulk_load)."""
        if not rows:
            return
        with self._driver_errors(sql):
            self._many(sql, rows)

    def _many(self, sql: str, rows: list[tuple]) -> None:
        if self.conn.dialect.name == "postgresql" and (bulk_load(self.conn.connection.dbapi_connection, sql, rows)
                                                       or bulk_update(self.conn.connection.dbapi_connection, sql, rows)):
            return
        if self.conn.dialect.paramstyle in ("format", "pyformat"):
            sql = sql.replace("%", "%%").replace("?", "%s")
        elif self.conn.dialect.paramstyle not in ("qmark",):
            raise NotImplementedError(f"parameter style {self.conn.dialect.paramstyle!r}")
        cursor = self.conn.connection.dbapi_connection.cursor()
        try:
            cursor.executemany(sql, rows)
        finally:
            cursor.close()


_INSERT = re.compile(r'^INSERT INTO ("?[A-Za-z_][\w]*"?) \(([^()]*)\) VALUES \((\?(?:, \?)*)\)$')


def bulk_load(dbapi_connection, sql: str, rows: list[tuple]) -> bool:
    """Rows of a plain `INSERT INTO t (cols) VALUES (?, ...)` loaded with COPY through psycopg,
    many times faster than one INSERT per row; False (nothing done) for any other statement."""
    m = _INSERT.match(sql)
    if m is None or m[3].count("?") != m[2].count(",") + 1 or len(rows) < COPY_AT_LEAST:
        return False
    with dbapi_connection.cursor() as cursor:
        with cursor.copy(f"COPY {m[1]} ({m[2]}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
    return True


_UPDATE = re.compile(r'^UPDATE ("?[A-Za-z_]\w*"?) SET ((?:"?[A-Za-z_]\w*"? = \?, )*"?[A-Za-z_]\w*"? = \?) '
                     r'WHERE ("?[A-Za-z_]\w*"?) = \?$')


def bulk_update(dbapi_connection, sql: str, rows: list[tuple]) -> bool:
    """Rows of a plain `UPDATE t SET a = ?, b = ? WHERE k = ?` applied at once on PostgreSQL: COPY
    into a temporary table, then one UPDATE ... FROM it (an UPDATE per row is a round trip each).
    As with one UPDATE per row, the last row for a key wins. False (nothing done) for any other statement."""
    m = _UPDATE.match(sql)
    if m is None or len(rows) < COPY_AT_LEAST:
        return False
    table, key = m[1], m[3]
    columns = [part.split(" = ")[0] for part in m[2].split(", ")]
    if key in columns:
        return False
    rows = list({row[-1]: row for row in rows}.values())
    names = ", ".join((*columns, key))
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE pledger_bulk ON COMMIT DROP AS SELECT {names} FROM {table} LIMIT 0")
        with cursor.copy(f"COPY pledger_bulk ({names}) FROM STDIN") as copy:
            write = copy.write_row
            for row in rows:
                write(row)
        assignments = ", ".join(f"{c} = s.{c}" for c in columns)
        cursor.execute(f"UPDATE {table} SET {assignments} FROM pledger_bulk s WHERE {table}.{key} = s.{key}")
        cursor.execute("DROP TABLE pledger_bulk")
    return True


# Fewer rows than this go one statement each: a COPY costs a round trip of its own.
COPY_AT_LEAST = 50


def as_db(conn) -> Db:
    """A Db for a sqlite3 connection, a SQLAlchemy Connection, or a Db already."""
    if isinstance(conn, (SqliteDb, AlchemyDb)) or type(conn).__name__ == "PgDb":  # pgread.PgDb: psycopg, imported when used
        return conn
    if isinstance(conn, sqlite3.Connection):
        return SqliteDb(conn)
    return AlchemyDb(conn)


def date_param(value: dt.date, iso: bool):
    """A date to bind: ISO text where dates are stored as text (SQLite: Db.iso_dates), else the date itself
    (PostgreSQL compares a date column with a date, never with text)."""
    return value.isoformat() if iso else value


def as_date(value) -> dt.date | None:
    """A date column's value as a date (SQLite gives ISO text, other drivers dates)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


# Values in one IN list at most: SQLite caps a statement's parameters, and a short list is an indexed
# lookup where a long one can make the planner walk a whole table.
MAX_IN_LIST = 500


def in_batches(values: list) -> list[list]:
    """The values in runs of at most MAX_IN_LIST, an IN list (a statement) each."""
    return [values[start:start + MAX_IN_LIST] for start in range(0, len(values), MAX_IN_LIST)]


def in_list(name: str, values, params: dict[str, Any]) -> str:
    """`(:name0, :name1, ...)` for an IN test, adding the values to params."""
    keys = [f"{name}{i}" for i in range(len(values))]
    params.update(zip(keys, values))
    return "(" + ", ".join(f":{k}" for k in keys) + ")"

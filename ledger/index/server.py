"""The index's namespace and its write transactions: what keeps ledgers, indexers
and other applications apart on a shared database.

A **namespace** is where one ledger's index lives: a schema of its own on
PostgreSQL (`<prefix>_<ledger name>`, ledger.index.target), the whole database
file on SQLite. It is pledger's when it is empty or its `meta` table says so;
pledger creates, alters and drops nothing outside it, and nothing in it but its
own tables and views. Its meta table records the ledger's identity (name and
key, ledger.store.identity): an indexer of another ledger is refused, so two
ledgers never mix, whatever their files are called.

Every write to the index (a refresh, a command's own update) runs in one
transaction from `write_transaction`: on PostgreSQL it first takes a
transaction-level advisory lock keyed by the schema (`pg_advisory_xact_lock`),
so indexers of a ledger take turns on any number of machines (other ledgers'
indexers do not wait), then creates the schema, tables and views when missing
or of another format. On SQLite the transaction starts with BEGIN IMMEDIATE,
the database's own writer lock. Readers never wait for it: each reads one
snapshot, the old state or the new one.

After a refresh, `stamp` records what the index reflects: the ledger's git
commit (and whether the files differed from it) and when it last changed
(`pledger status`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LedgerError
from ..store.identity import IDENTITY_FILE, Identity
from .format import FORMAT_KEY, INDEX_FORMAT
from .target import Target
from .views import VIEWS, create_views

if TYPE_CHECKING:  # SQLAlchemy is imported by what writes: a read of a current index never needs it
    from sqlalchemy.engine import Connection, Engine

# meta keys beside FORMAT_KEY
NAME_KEY, KEY_KEY = "ledger_name", "ledger_key"
COMMIT_KEY, DIRTY_KEY, CHANGED_KEY = "commit", "dirty", "refreshed_at"


@dataclass(frozen=True, slots=True)
class Namespace:
    """One ledger's index on one database."""

    target: Target
    identity: Identity | None
    schema: str | None = None  # PostgreSQL only

    @property
    def where(self) -> str:
        """How a message names it."""
        return f"{self.target.source} (schema {self.schema})" if self.schema else self.target.source


_NAMESPACES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def bind(engine: Engine, namespace: Namespace) -> None:
    """Remember which namespace an engine writes to (Ledger.engine binds every engine it opens)."""
    _NAMESPACES[engine] = namespace
    if namespace.schema:
        from sqlalchemy import event

        schema = namespace.schema

        @event.listens_for(engine, "connect")
        def _search_path(dbapi_connection, _record) -> None:
            # Unqualified names (every query's) mean this ledger's schema, and only it.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT set_config('search_path', %s, false)", (quote(schema),))
            dbapi_connection.commit()


def namespace_of(engine: Engine) -> Namespace:
    found = _NAMESPACES.get(engine)
    if found is None:  # an engine opened outside Ledger (tests, notebooks): the whole database, no identity
        found = Namespace(Target(str(engine.url), engine.dialect.name, own=True, source=f"the index {engine.url!r}"), None)
    return found


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def lock_key(schema: str) -> int:
    """The advisory lock of a ledger's schema: a signed 64-bit number from its name."""
    return int.from_bytes(hashlib.blake2b(f"pledger:{schema}".encode(), digest_size=8).digest(), "big", signed=True)


@contextmanager
def write_transaction(engine: Engine, *, prepare: bool = True,
                      before: Callable[[Connection], None] | None = None) -> Iterator[Connection]:
    """One transaction that writes the index, holding the database's writer lock for the namespace.

    prepare -- make the namespace ready first: its schema, tables and views when
               missing or of another format, and the identity checked.
    before  -- run on the connection before the transaction's first statement (an SQLite
               journal mode can only change outside a transaction).
    """
    ns = namespace_of(engine)
    with engine.begin() as conn:
        if before is not None:
            before(conn)
        if ns.schema:
            # The index is derived data: a commit lost in a crash is rebuilt by the next refresh.
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(%s)", (lock_key(ns.schema),))
        elif conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        if prepare:
            _prepare(conn, ns)
        yield conn


def _prepare(conn: Connection, ns: Namespace) -> None:
    from sqlalchemy import text

    if ns.schema and not conn.execute(text("SELECT 1 FROM pg_namespace WHERE nspname = :s"), {"s": ns.schema}).first():
        conn.exec_driver_sql(f"CREATE SCHEMA {quote(ns.schema)}")
    names = _relations(conn, ns.schema)
    meta = _meta(conn) if "meta" in names else None
    if meta is None or FORMAT_KEY not in meta:
        if names and not ns.target.own:
            raise LedgerError(
                f"{ns.where} holds tables pledger did not make ({', '.join(sorted(names)[:5])}); pledger leaves "
                "them alone: point it at an empty database, or at a PostgreSQL server, where each ledger's index "
                "has a schema of its own (docs/team.md)"
            )
    else:
        _check_identity(conn, ns, meta)
        if meta[FORMAT_KEY] == INDEX_FORMAT:
            return
    _rebuild(conn, ns, names)


def _check_identity(conn: Connection, ns: Namespace, meta: dict[str, str]) -> None:
    held = Identity(meta[NAME_KEY], meta[KEY_KEY]) if NAME_KEY in meta and KEY_KEY in meta else None
    mine = ns.identity
    if held == mine:
        return
    if held is None:  # an index made before identities, or of a ledger that has one now: it takes this one
        _put_meta(conn, {NAME_KEY: mine.name, KEY_KEY: mine.key})
        return
    if ns.target.own:  # our own file, under our own root: it mirrors this ledger whatever it says
        if mine is None:
            _delete_meta(conn, (NAME_KEY, KEY_KEY))
        else:
            _put_meta(conn, {NAME_KEY: mine.name, KEY_KEY: mine.key})
        return
    this = (f"this ledger is {mine.name!r} (key {mine.key}, in {IDENTITY_FILE})" if mine is not None
            else f"this ledger has no identity ({IDENTITY_FILE}: run `pledger init` on it)")
    raise LedgerError(
        f"{ns.where} holds the index of another ledger, {held.name!r} (key {held.key}), and {this}: pledger "
        "never mixes two ledgers. A clone keeps its repository's .pledger-id; another ledger needs a name of "
        "its own (edit the `name:` line of its .pledger-id before it is first indexed) (docs/team.md)"
    )


def _rebuild(conn: Connection, ns: Namespace, names: set[str]) -> None:
    """Drop pledger's own tables and views in the namespace (nothing else) and make them afresh."""
    from sqlalchemy.exc import DBAPIError
    from sqlmodel import SQLModel

    from . import tables  # noqa: F401  (registers the tables on SQLModel.metadata)
    from .sql import AlchemyDb

    db = AlchemyDb(conn)
    prefix = f"{quote(ns.schema)}." if ns.schema else ""
    try:
        for view in reversed(list(VIEWS)):
            if view in names:
                db.run(f"DROP VIEW {prefix}{quote(view)}")
        for table in reversed(SQLModel.metadata.sorted_tables):
            if table.name in names:
                db.run(f"DROP TABLE {prefix}{quote(table.name)}")
    except DBAPIError as exc:
        raise LedgerError(
            f"the index in {ns.where} is of an older format and cannot be rebuilt: {_first_line(exc.orig)} "
            "(a view or other object of yours that uses pledger's tables: drop it, let pledger rebuild, make it again)"
        ) from None
    target = conn.execution_options(schema_translate_map={None: ns.schema}) if ns.schema else conn
    SQLModel.metadata.create_all(target, checkfirst=False)
    create_views(db, ns.schema)
    values = {FORMAT_KEY: INDEX_FORMAT}
    if ns.identity is not None:
        values.update({NAME_KEY: ns.identity.name, KEY_KEY: ns.identity.key})
    _put_meta(conn, values)


def _first_line(exc) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _relations(conn: Connection, schema: str | None) -> set[str]:
    """The tables and views in the namespace."""
    from sqlalchemy import text

    if schema:
        sql = ("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
               "WHERE n.nspname = :s AND c.relkind IN ('r', 'v', 'm', 'p', 'f')")
        return {r[0] for r in conn.execute(text(sql), {"s": schema})}
    if conn.dialect.name == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
        return {r[0] for r in conn.execute(text(sql))}
    from sqlalchemy import inspect

    inspector = inspect(conn)
    return set(inspector.get_table_names()) | set(inspector.get_view_names())


def _meta(conn: Connection) -> dict[str, str] | None:
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with conn.begin_nested():  # a failed statement must not end the transaction (PostgreSQL)
            return {k: v for k, v in conn.execute(text('SELECT "key", "value" FROM meta'))}
    except DBAPIError:  # a `meta` table of another shape: not ours
        return None


def _delete_meta(conn: Connection, keys) -> None:
    from .sql import AlchemyDb

    for key in keys:
        AlchemyDb(conn).run('DELETE FROM meta WHERE "key" = :k', {"k": key})


def _put_meta(conn: Connection, values: dict[str, str]) -> None:
    from .sql import AlchemyDb

    db = AlchemyDb(conn)
    for key, value in values.items():
        db.run('DELETE FROM meta WHERE "key" = :k', {"k": key})
        db.run('INSERT INTO meta ("key", "value") VALUES (:k, :v)', {"k": key, "v": value})


# -- what the index reflects -------------------------------------------------------------


def stamp(conn: Connection, root: Path, changed: bool) -> None:
    """Record the ledger's commit after a refresh, and the time when it changed anything.

    On the ledger's own index only a refresh that changed something asks git
    (reads must stay fast); on a shared index every refresh does, so the commit
    a server index reflects is always the indexer's latest.
    """
    ns = namespace_of(conn.engine)
    if not changed and ns.target.own:
        return
    meta = _meta(conn) or {}
    commit, dirty = head_commit(root)
    values = {COMMIT_KEY: commit or "", DIRTY_KEY: "1" if dirty else "0"}
    if changed or CHANGED_KEY not in meta:
        values[CHANGED_KEY] = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    if changed or any(meta.get(k) != v for k, v in values.items()):
        _put_meta(conn, values)


def head_commit(root: Path) -> tuple[str | None, bool]:
    """The commit HEAD names in the repository holding root, and whether the ledger's files differ
    from it; (None, False) outside a repository or without git."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    try:
        head = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=30)
        if head.returncode != 0:
            return None, False
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=normal", "--", "."], cwd=root,
                                env=env, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None, False
    dirty = any(line and not line[3:].startswith(".pledger/") for line in status.stdout.splitlines())
    return head.stdout.strip() or None, dirty


# -- starting afresh ------------------------------------------------------------------


def reset(engine: Engine) -> None:
    """Drop and make afresh pledger's tables in the namespace (an index that cannot be read).
    Only a namespace pledger made: anything else is left alone (LedgerError)."""
    ns = namespace_of(engine)
    with engine.begin() as conn:
        names = _relations(conn, ns.schema)
        meta = _meta(conn) if "meta" in names else None
        if names and (meta is None or FORMAT_KEY not in meta) and not ns.target.own:
            raise LedgerError(f"{ns.where} holds tables pledger did not make; pledger leaves them alone")
        _rebuild(conn, ns, names)

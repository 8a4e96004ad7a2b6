"""A ledger on disk: its root, its index, and the lock that keeps writers apart.

SQLAlchemy, PyYAML and, through the refresh, pydantic are imported only when
needed: `Ledger.reader()` reads a current SQLite index without them
(ledger.index.warm), and a PostgreSQL index through psycopg alone
(ledger.index.pgread).

A ledger opened **read-only** (`read_only=True`, $PLEDGER_READ_ONLY, or naming
`ledgers` to read) reads the index as it stands, with no checkout needed when
the ledgers are named: it never refreshes, and every write refuses
(`lock()`, which every write takes). Its reads share one snapshot until
`close()`. Several named ledgers on a server read as one (ids as `name:id`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LedgerError, Problem
from ..index.sql import AlchemyDb, Db, SqliteDb
from ..index.warm import DATABASE_URL_ENV, open_warm

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection, Engine

    from ..index.refresh import RefreshStats

ROOT_ENV = "PLEDGER_ROOT"
READ_ONLY_ENV = "PLEDGER_READ_ONLY"
READ_ONLY_REFUSAL = (
    "this command writes, and the index is open read-only (--read-only, $PLEDGER_READ_ONLY or --ledger): "
    "record it in your checkout without them; the ledger's indexer takes it to the shared index (docs/team.md)"
)


def read_only_env() -> bool:
    """$PLEDGER_READ_ONLY set to anything but empty, 0, false or no."""
    return os.environ.get(READ_ONLY_ENV, "").strip().lower() not in ("", "0", "false", "no")
DEFAULT_ROOT = "predictions"
# What `pledger init` writes in a ledger root. Its first comment line marks the folder
# as a ledger root (find_root): the file is committed with the ledger, so a fresh
# clone is recognised too, and nothing but init writes it.
ROOT_MARK = "# The index is derived from the YAML files; it is safe to delete."
GITIGNORE = (
    f"{ROOT_MARK}\n.pledger/\n"
    "# The lock where the folder itself cannot be locked, and what a write cut short leaves (docs/format.md).\n"
    ".pledger.lock\n.*.pledger-*.tmp\n"
)


def default_root() -> Path | None:
    """PLEDGER_ROOT, else ./predictions when it exists, else the ledger root this folder is in (find_root)."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env)
    if Path(DEFAULT_ROOT).is_dir():
        return Path(DEFAULT_ROOT)
    return find_root(Path.cwd())


MARK_READ_LIMIT = 64 * 1024  # a .gitignore is small; a device or a huge file is not read to its end


def is_ledger_root(folder: Path) -> bool:
    """Whether folder holds the .gitignore `pledger init` writes (a line of it is ROOT_MARK).

    Only a regular file is read (a FIFO named .gitignore would hang every command), and only its start."""
    import stat

    path = folder / ".gitignore"
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return False
        with open(path, "rb") as fh:
            head = fh.read(MARK_READ_LIMIT)
    except OSError:
        return False
    return ROOT_MARK in head.decode("utf-8", "replace").splitlines()


def find_root(start: Path) -> Path | None:
    """The nearest ledger root at or above start (as git finds .git), or None.

    Returned relative to start when it is start or above it: `..` rather than an
    absolute path, so problems are shown as paths to open from here."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if is_ledger_root(folder):
            return Path(os.path.relpath(folder, start))
    return None


class Ledger:
    """A ledger root with its index. Every read refreshes the index first."""

    def __init__(self, root: Path | None, database_url: str | None = None, *, read_only: bool = False,
                 ledgers: tuple[str, ...] = ()):
        self.root = Path(root) if root is not None else None  # None: reading named ledgers without a checkout
        self._database_url = database_url
        self.ledgers = tuple(dict.fromkeys(ledgers))  # ledgers to read by name (--ledger): read-only
        self.read_only = read_only or bool(self.ledgers)
        self._engine: Engine | None = None
        self._own_index: Path | None = None  # the SQLite file of our own index (index.database.own_index)
        self._identity: tuple | None = None  # (Identity | None,) once read
        self._snapshot = None  # (connection, Db): the snapshot reads share (a read-only ledger's, or one in progress)

    @classmethod
    def open(cls, root: str | os.PathLike | None = None, database_url: str | None = None, *,
             read_only: bool | None = None, ledgers: tuple[str, ...] = ()) -> Ledger:
        """Open an existing ledger. Raises LedgerError when the root is missing or not a directory.

        read_only -- read the index as it stands, never refresh or write (default: $PLEDGER_READ_ONLY)
        ledgers   -- names of ledgers to read from the index (read-only; no root needed)
        """
        read_only = read_only_env() if read_only is None else read_only
        if root is None:
            root = default_root()
            if root is None:
                if ledgers or read_only:  # reading a shared index needs no checkout: the ledger is named
                    return cls(None, database_url, read_only=True, ledgers=tuple(ledgers))
                raise LedgerError(
                    "no ledger here (no ./predictions, and no ledger root here or in a folder above): pass --root DIR, "
                    "set PLEDGER_ROOT, or run `pledger init` to make ./predictions"
                )
        if not os.fspath(root).strip():
            # Path("") is the current folder: never take it for a ledger by accident.
            raise LedgerError("the ledger root is empty: pass --root DIR (or set PLEDGER_ROOT) to the ledger's folder")
        path = Path(root)
        if not path.exists():
            raise LedgerError(f"ledger root {os.fspath(path)!r} does not exist; run `pledger init {os.fspath(path)}` to create it")
        if not path.is_dir():
            raise LedgerError(f"ledger root {os.fspath(path)!r} is not a directory; point --root at the ledger's folder")
        return cls(path, database_url, read_only=read_only, ledgers=tuple(ledgers))

    @classmethod
    def init(cls, root: str | os.PathLike, name: str | None = None) -> Ledger:
        """Create a ledger folder: its .gitignore keeps the index out of git and marks the root
        (is_ledger_root), and its identity (.pledger-id: `name`, default from the folder;
        ledger.store.identity) names it on a shared index. Fine on an existing folder: the lines
        of GITIGNORE its .gitignore lacks (all of them, or those an older init did not write)
        are appended, an identity is added when it has none; nothing else is touched."""
        from ..store.identity import check_name, ensure_identity
        from ..store.write import write_atomic

        if name is not None and check_name(name):
            from ..errors import UsageError

            raise UsageError(f"--name: {check_name(name)}", "--name")
        path = Path(root)
        if path.exists() and not path.is_dir():
            raise LedgerError(f"{os.fspath(path)!r} exists and is not a directory")
        path.mkdir(parents=True, exist_ok=True)
        gitignore = path / ".gitignore"
        if not os.path.lexists(gitignore):
            write_atomic(gitignore, GITIGNORE)
        elif gitignore.is_file() and not gitignore.is_symlink():
            old = gitignore.read_bytes()
            have = set(old.decode("utf-8", "replace").splitlines())
            missing = [line for line in GITIGNORE.splitlines() if line not in have]
            if missing:
                lines = "".join(f"{line}\n" for line in missing).encode()
                write_atomic(gitignore, old + (b"" if old.endswith(b"\n") or not old else b"\n") + lines)
        ledger = cls(path)  # the index folder is made by the first command that needs it
        ledger._identity = (ensure_identity(path, name)[0],)
        return ledger

    # -- identity and where the index is ---------------------------------------------
    @property
    def identity(self):
        """The ledger's identity (ledger.store.identity.Identity), None when it has none or no checkout."""
        if self._identity is None:
            from ..store.identity import read_identity

            self._identity = (read_identity(self.root) if self.root is not None else None,)
        return self._identity[0]

    def reads_own_file(self) -> bool:
        """Whether reads go to the SQLite index file under the ledger's root (no database URL, not read-only, no
        snapshot open): a file another process may open for itself (ledger.index.warm.open_warm)."""
        return self._snapshot is None and not self.read_only and self._url() is None and self.root is not None

    @contextmanager
    def own_file_reader(self) -> Iterator[Db]:
        """A read of the SQLite index file as it stands, when reads go to it (reads_own_file) and it is current.
        Never refreshes: what a forked child may open for itself. Raises RuntimeError otherwise, and the child's
        work is then done by the parent, which refreshes (ledger.beside)."""
        warm = open_warm(self.root) if self.reads_own_file() else None
        if warm is None:
            raise RuntimeError("no current index file to read")
        try:
            yield SqliteDb(warm)
        finally:
            warm.close()

    def _url(self) -> str | None:
        return self._database_url or os.environ.get(DATABASE_URL_ENV)

    def target(self):
        """Where the index is (ledger.index.target.Target): PLEDGER_DATABASE_URL's database, or the own index."""
        from ..index.target import target_for

        url = self._url()
        if url:
            return target_for(url, source=None if url == os.environ.get(DATABASE_URL_ENV) else f"the index {url!r}")
        from ..index import database
        from ..index.warm import index_path

        if self.root is None:
            own = None
        elif self.read_only:  # where it is, nothing made: a read-only ledger writes nothing
            own = index_path(self.root)
        else:
            own = database.own_index(self.root)
        return target_for(database.sqlite_url(own), own=True, source=f"the index {database.sqlite_url(own)!r}")

    def _namespace(self, target):
        """This ledger's namespace on target (index.server.Namespace); a server index needs an identity."""
        from ..index.server import Namespace

        identity = self.identity
        if not target.postgres:
            return Namespace(target, identity)
        if identity is None:
            raise LedgerError(
                f"{target.source} is a shared index, which keeps each ledger apart by its identity, and the ledger "
                f"at {os.fspath(self.root)!r} has none: run `pledger init {os.fspath(self.root)}` (it adds "
                ".pledger-id and changes nothing else) and commit the file (docs/team.md)"
            )
        return Namespace(target, identity, target.schema(identity.name))


    # -- the index -------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self.read_only:
            raise LedgerError(READ_ONLY_REFUSAL)
        if self._engine is None:
            from ..index import database

            url = self._url()
            if url:
                self._engine = database.open_engine(url, self._namespace(self.target()))
            else:
                self._own_index = database.own_index(self.root)
                self._engine = self._open_own_index()
        return self._engine

    def _own_namespace(self, path: Path | None):
        from ..index import database
        from ..index.server import Namespace
        from ..index.target import target_for

        url = database.sqlite_url(path)
        return Namespace(target_for(url, own=True, source=f"the index {url!r}"), self.identity)

    def _open_own_index(self) -> Engine:
        """The engine on our own index file. One that cannot be opened is removed and made
        afresh; where not even that works (a full disk), the index is kept in memory."""
        from ..index import database

        url = database.sqlite_url(self._own_index)
        try:
            return database.open_engine(url, self._own_namespace(self._own_index))
        except LedgerError:
            if self._own_index is None:
                raise
        database.remove_index(self._own_index)
        try:
            return database.open_engine(url, self._own_namespace(self._own_index))
        except LedgerError:
            self._own_index = None
            return database.open_engine(database.sqlite_url(None), self._own_namespace(None))

    def refresh(self) -> RefreshStats:
        """Bring the index up to date (only changed files are re-read), and remove the
        temporary files a write cut short left behind (store.write.remove_stale_temp_files)."""
        from sqlalchemy.exc import DatabaseError

        from ..index.refresh import refresh
        from ..store.write import remove_stale_temp_files
        from .checks import ledger_problems

        if self.read_only:
            raise LedgerError(READ_ONLY_REFUSAL)
        with self.lock():
            try:
                stats = refresh(self.engine, self.root, ledger_problems)
            except DatabaseError as exc:
                if self._url() and self.target().postgres:
                    # A shared index is never wiped for an error (a lost connection, a role that may not
                    # write): the error is reported, and the index stays as it is for everyone else.
                    raise server_error(self.target(), exc) from None
                # A damaged index is rebuilt from the YAML: it holds nothing else.
                self._reset_index()
                try:
                    stats = refresh(self.engine, self.root, ledger_problems)
                except DatabaseError:
                    if self._own_index is None:
                        raise
                    # Our own file cannot be written even afresh (a full disk): read into memory.
                    self._use_memory_index()
                    stats = refresh(self.engine, self.root, ledger_problems)
            remove_stale_temp_files(self.root, stats.temp_files)
            return stats

    def record_write(self, rel_path: str, stat: os.stat_result, new_text: str, old_text: str | None, *,
                     records=None, appended=None) -> None:
        """Update the index for a file just written from the records the write read (index.refresh.record_writes).

        Best effort: if the index cannot take it, the next refresh reads the file as usual.
        """
        self.record_writes([(rel_path, stat, new_text, old_text, records, appended)])

    def record_writes(self, writes) -> None:
        """record_write for several files at once: (rel_path, stat, new_text, old_text, records, appended) each."""
        from sqlalchemy.exc import DatabaseError

        from ..index.refresh import Write, WrittenFile, record_writes, sha256_of
        from .checks import ledger_problems

        batch = []
        for rel_path, stat, new_text, old_text, records, appended in writes:
            old_sha = sha256_of(old_text.encode("utf-8")) if old_text is not None else None
            written = WrittenFile(stat.st_size, stat.st_mtime_ns, sha256_of(new_text.encode("utf-8")), old_sha)
            batch.append(Write(rel_path, written, records, appended))
        with self.lock():
            try:
                record_writes(self.engine, batch, ledger_problems)
            except DatabaseError:
                pass

    def _reset_index(self) -> None:
        """Start the index afresh. Our own SQLite file may be garbage, so it is removed, not reopened."""
        from sqlalchemy.exc import DatabaseError

        from ..index import database

        own_file = self._own_index
        external = self._url()
        self.close()
        if own_file is not None:
            database.remove_index(own_file)
            return
        if not external:  # in memory: nothing on disk to remove
            return
        try:
            database.reset(self.engine)
        except DatabaseError as exc:
            self.close()
            raise LedgerError(
                f"the index database named by {DATABASE_URL_ENV} cannot be used ({exc.orig}); "
                "clear it or point the variable at another database"
            ) from None

    @contextmanager
    def connect(self) -> Iterator:
        """A read connection on a freshly refreshed index, in one snapshot: a SQLAlchemy
        Connection (for writers), or the read-only Db (ledger.index.sql) of a read-only ledger."""
        if self.read_only:
            with self.reader() as db:
                yield db
            return
        self.refresh()
        with self.engine.connect() as conn:
            _begin_snapshot(conn)
            yield conn

    @contextmanager
    def reader(self) -> Iterator[Db]:
        """A read-only view of an up-to-date index, for SQL text (ledger.index.sql).

        The SQLite index file directly when it is already current (no refresh,
        no lock, no SQLAlchemy: see ledger.index.warm), a PostgreSQL index through
        psycopg (ledger.index.pgread: refreshed first when it is not current),
        else a connection on a freshly refreshed index, as `connect()` gives.
        A read-only ledger reads the index as it stands.
        """
        if self._snapshot is None and self.read_only:
            self._snapshot = self._open_read_only()
        if self._snapshot is not None:  # reads inside reads, or a read-only ledger's later reads: one snapshot
            with self._server_errors():
                yield self._snapshot[1]
            return
        target = self.target() if self._url() else None
        if target is not None and target.postgres:
            with self._server_reader(target) as db, self._server_errors():
                yield db
            return
        warm = open_warm(self.root) if self._database_url is None else None
        if warm is None:
            with self.connect() as conn:
                yield AlchemyDb(conn)
            return
        try:
            yield SqliteDb(warm)
        finally:
            warm.close()

    @contextmanager
    def _server_errors(self) -> Iterator[None]:
        """A server's error in a read (a lost connection, a permission) as a LedgerError saying so."""
        try:
            yield
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                raise server_error(self.target(), exc) from None
            raise

    @contextmanager
    def _server_reader(self, target) -> Iterator[Db]:
        """An indexer's read of its server index: the snapshot as it is when it matches the files,
        else after a refresh. Reads nested in it share it."""
        from ..index import pgread

        namespace = self._namespace(target)
        conn = pgread.connect(target)
        try:
            pgread.begin_snapshot(conn, namespace.schema)
            db = pgread.PgDb(conn)
            if pgread.read_meta(db, namespace.schema) is None or not pgread.is_current(db, self.root, self.identity.key):
                conn.rollback()
                self.refresh()
                pgread.begin_snapshot(conn, namespace.schema)
            self._snapshot = (conn, db)
            try:
                yield db
            finally:
                self._snapshot = None
        finally:
            conn.close()

    def _open_read_only(self):
        """(connection, Db) on the index as it stands, for a read-only ledger."""
        target = self.target()
        if target.postgres:
            return self._open_server_snapshot(target)
        if self.root is None:
            raise LedgerError("no ledger here: pass --root DIR or set PLEDGER_ROOT (a shared PostgreSQL index is "
                              "read by name without one: PLEDGER_DATABASE_URL and --ledger NAME, docs/team.md)")
        if self.ledgers and (len(self.ledgers) > 1 or self.identity is None or self.ledgers[0] != self.identity.name):
            from ..errors import UsageError

            raise UsageError(
                f"--ledger reads ledgers on a shared PostgreSQL index, and {target.source} is not one: "
                "set PLEDGER_DATABASE_URL to the server's URL (docs/team.md)", "--ledger")
        return _open_sqlite_snapshot(target, self.identity)

    def _open_server_snapshot(self, target):
        from ..index import pgread

        names = self.ledgers or ((self.identity.name,) if self.identity is not None else ())
        if not names:
            from ..errors import UsageError

            where = f"the ledger at {os.fspath(self.root)!r} has no identity" if self.root is not None else "no ledger is named"
            raise UsageError(f"which ledger? {where}: name it with --ledger NAME "
                             "(`pledger --read-only status` lists the ledgers on the server)", "--ledger")
        conn = pgread.connect(target)
        try:
            pgread.begin_snapshot(conn, target.schema(names[0]), read_only=len(names) == 1)
            db = pgread.PgDb(conn)
            for name in names:
                meta = pgread.check_readable(db, target, target.schema(name), name)
                identity = self.identity
                if identity is not None and name == identity.name and meta.get("ledger_key") != identity.key:
                    raise LedgerError(
                        f"the index of ledger {name!r} on {target.source} has the key {meta.get('ledger_key')}, and "
                        f"this checkout's .pledger-id says {identity.key}: it is another ledger of the same name "
                        "(docs/team.md)")
            if len(names) > 1:
                pgread.combine(db, [(name, target.schema(name)) for name in names])
        except BaseException:
            conn.close()
            raise
        return conn, db

    @contextmanager
    def lock(self) -> Iterator[None]:
        """The ledger's lock, which every write takes: refused on a read-only ledger."""
        from ..store.write import ledger_lock  # with PyYAML: not needed by a warm read

        if self.read_only:
            raise LedgerError(READ_ONLY_REFUSAL)
        with ledger_lock(self.root):
            yield

    def problems(self) -> list[Problem]:
        """Every problem in the ledger, in `pledger check`'s order (services.select.stored_problems)."""
        from .select import stored_problems

        with self.connect() as conn:
            return stored_problems(conn)

    def _use_memory_index(self) -> None:
        from ..index import database

        self.close()
        self._own_index = None
        self._engine = database.open_engine(database.sqlite_url(None))

    def close(self) -> None:
        if self._snapshot is not None:
            conn, _ = self._snapshot
            self._snapshot = None
            conn.close()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def server_error(target, exc) -> LedgerError:
    """A PostgreSQL error as the one line a user needs: what the server said, never the URL's password."""
    from ..index.target import shown

    orig = getattr(exc, "orig", exc)
    said = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    hint = ""
    if type(orig).__name__ == "InsufficientPrivilege":
        hint = ("; this role may not write the index: a reader reads it as it stands with --read-only, "
                "and only the ledger's indexer refreshes it (docs/team.md)")
    return LedgerError(f"{target.source}: the server refused: {shown(said)}{hint}")


def _begin_snapshot(conn) -> None:
    """Make every read of a SQLAlchemy connection see one snapshot of the index."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    elif conn.dialect.name == "sqlite":
        dbapi = conn.connection.dbapi_connection
        if not dbapi.in_transaction:
            dbapi.execute("BEGIN")  # WAL: the snapshot starts at the first read and lasts until the connection's rollback


def _open_sqlite_snapshot(target, identity):
    """(connection, Db) on a SQLite index as it stands, read-only, in one snapshot."""
    import sqlite3

    from ..index.format import FORMAT_KEY, INDEX_FORMAT

    path = target.url.split("sqlite:///", 1)[1] if target.url.startswith("sqlite:///") else ""
    if not path or not Path(path).is_file():
        raise LedgerError(f"{target.source}: there is no index to read yet; a read-only ledger reads the index as "
                          "it stands (run a command without --read-only to build it)")
    try:
        conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.execute("BEGIN")
        meta = dict(conn.execute('SELECT "key", "value" FROM meta'))
    except sqlite3.Error as exc:
        raise LedgerError(f"cannot read {target.source}: {exc}") from None
    if meta.get(FORMAT_KEY) != INDEX_FORMAT:
        conn.close()
        raise LedgerError(f"{target.source} is in format {meta.get(FORMAT_KEY)!r}, and this pledger reads "
                          f"{INDEX_FORMAT!r}: run a command without --read-only to rebuild it")
    if identity is not None and meta.get("ledger_key") not in (None, identity.key):
        conn.close()
        raise LedgerError(f"{target.source} holds the index of another ledger ({meta.get('ledger_name')!r}), "
                          f"not this one ({identity.name!r}) (docs/team.md)")
    return conn, SqliteDb(conn)

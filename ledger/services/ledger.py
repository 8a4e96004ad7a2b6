"""A ledger on disk: its root, its index, and the lock that keeps writers apart.

SQLAlchemy, PyYAML and, through the refresh, pydantic are imported only when
needed: `Ledger.reader()` reads a current SQLite index without them
(ledger.index.warm).
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

    def __init__(self, root: Path, database_url: str | None = None):
        self.root = Path(root)
        self._database_url = database_url
        self._engine: Engine | None = None
        self._own_index: Path | None = None  # the SQLite file of our own index (index.database.own_index)

    @classmethod
    def open(cls, root: str | os.PathLike | None = None, database_url: str | None = None) -> Ledger:
        """Open an existing ledger. Raises LedgerError when the root is missing or not a directory."""
        if root is None:
            root = default_root()
            if root is None:
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
        return cls(path, database_url)

    @classmethod
    def init(cls, root: str | os.PathLike) -> Ledger:
        """Create a ledger folder: its .gitignore keeps the index out of git and marks the root
        (is_ledger_root). Fine on an existing folder: the lines of GITIGNORE its .gitignore lacks
        (all of them, or those an older init did not write) are appended; nothing else is touched."""
        from ..store.write import write_atomic

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
        return cls(path)  # the index folder is made by the first command that needs it

    # -- the index -------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from ..index import database

            url = self._database_url or os.environ.get(DATABASE_URL_ENV)
            if url:
                self._engine = database.open_engine(url)
            else:
                self._own_index = database.own_index(self.root)
                self._engine = self._open_own_index()
        return self._engine

    def _open_own_index(self) -> Engine:
        """The engine on our own index file. One that cannot be opened is removed and made
        afresh; where not even that works (a full disk), the index is kept in memory."""
        from ..index import database

        url = database.sqlite_url(self._own_index)
        try:
            return database.open_engine(url)
        except LedgerError:
            if self._own_index is None:
                raise
        database.remove_index(self._own_index)
        try:
            return database.open_engine(url)
        except LedgerError:
            self._own_index = None
            return database.open_engine(database.sqlite_url(None))

    def refresh(self) -> RefreshStats:
        """Bring the index up to date (only changed files are re-read), and remove the
        temporary files a write cut short left behind (store.write.remove_stale_temp_files)."""
        from sqlalchemy.exc import DatabaseError

        from ..index.refresh import refresh
        from ..store.write import remove_stale_temp_files
        from .checks import ledger_problems

        with self.lock():
            try:
                stats = refresh(self.engine, self.root, ledger_problems)
            except DatabaseError:
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
        external = self._database_url or os.environ.get(DATABASE_URL_ENV)
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
    def connect(self) -> Iterator[Connection]:
        """A read connection on a freshly refreshed index."""
        self.refresh()
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def reader(self) -> Iterator[Db]:
        """A read-only view of an up-to-date index, for SQL text (ledger.index.sql).

        The SQLite index file directly when it is already current (no refresh,
        no lock, no SQLAlchemy: see ledger.index.warm), else a connection on a
        freshly refreshed index, as `connect()` gives.
        """
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
    def lock(self) -> Iterator[None]:
        from ..store.write import ledger_lock  # with PyYAML: not needed by a warm read

        with ledger_lock(self.root):
            yield

    def problems(self) -> list[Problem]:
        """Every problem in the ledger, in file order (as `pledger check` reports them)."""
        from .select import stored_problems

        with self.connect() as conn:
            return stored_problems(conn)

    def _use_memory_index(self) -> None:
        from ..index import database

        self.close()
        self._own_index = None
        self._engine = database.open_engine(database.sqlite_url(None))

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

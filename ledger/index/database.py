"""Where the index lives and how to open it."""

from __future__ import annotations

import os
from pathlib import Path

from typing import TYPE_CHECKING

from ..store.discover import INDEX_DIR
from .warm import DATABASE_URL_ENV, INDEX_FILE  # noqa: F401  (defined where the light warm read needs them)

if TYPE_CHECKING:  # SQLAlchemy is imported when an engine is opened: where the index is needs none of it
    from sqlalchemy.engine import Engine


CACHE_ENV = "XDG_CACHE_HOME"
INDEX_SIDE_FILES = ("", "-wal", "-shm", "-journal")  # the index and SQLite's files beside it


def database_url(root: Path) -> str:
    """PLEDGER_DATABASE_URL when set (any SQLAlchemy URL), else the ledger's own index (own_index)."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    return sqlite_url(own_index(root))


def sqlite_url(path: Path | None) -> str:
    """The URL of an SQLite file; of an in-memory database for None."""
    return f"sqlite:///{path}" if path is not None else "sqlite://"


def own_index(root: Path) -> Path | None:
    """Where the ledger's own SQLite index is, made ready to open: <root>/.pledger/index.sqlite.

    The folder is made when missing; a file (or anything else) in its place is a
    LedgerError naming it. Anything in the index's place that is not a regular
    file (a folder, a FIFO, a symlink: to /dev/null, say) is removed: the folder
    holds derived data only, and SQLite would open, and write beside, the link's
    target. When the folder cannot be written (a read-only ledger), the index
    lives in the user's cache folder instead (cache_index_dir), and when that
    cannot be made either, in memory (None): every command then reads the files.
    """
    from ..errors import LedgerError

    folder = Path(root) / INDEX_DIR
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError:  # something that is not a folder (a dangling link counts)
        raise LedgerError(
            f"{os.fspath(folder)} is in the way of the index folder pledger keeps there: "
            "remove or rename it (the index is rebuilt from the YAML files)"
        ) from None
    except OSError:
        return cache_index(root)
    if not os.access(folder, os.W_OK | os.X_OK):
        return cache_index(root)
    path = folder / INDEX_FILE
    clear_non_files(path)
    return path


def cache_index(root: Path) -> Path | None:
    """The index of a read-only ledger in the user's cache folder, made ready to open; None if it cannot be."""
    folder = cache_index_dir(root)
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not os.access(folder, os.W_OK | os.X_OK):
            return None
        path = folder / INDEX_FILE
        clear_non_files(path)
    except OSError:
        return None
    return path


def cache_index_dir(root: Path) -> Path:
    """The index folder of a read-only ledger: $XDG_CACHE_HOME (else ~/.cache)/pledger/indexes/KEY,
    KEY a hash of the root's real path, so each ledger has its own."""
    import hashlib

    base = os.environ.get(CACHE_ENV) or os.path.join(os.path.expanduser("~"), ".cache")
    key = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:16]
    return Path(base) / "pledger" / "indexes" / key


def clear_non_files(index: Path) -> None:
    """Remove whatever stands in the place of the index or SQLite's files beside it and is not a regular file."""
    import shutil
    import stat

    for suffix in INDEX_SIDE_FILES:
        path = Path(f"{index}{suffix}")
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            continue
        if stat.S_ISDIR(mode):
            shutil.rmtree(path)
        elif not stat.S_ISREG(mode):
            os.unlink(path)


def remove_index(index: Path) -> None:
    """Delete an own index file (and SQLite's files beside it) so that it is made afresh."""
    import contextlib

    clear_non_files(index)
    for suffix in INDEX_SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{index}{suffix}")


def open_engine(url: str, namespace=None) -> Engine:
    """An engine on the index (its tables are made by the first write: index.server.write_transaction).

    namespace -- the index.server.Namespace it writes to (None: the whole database at url).
    A bad URL, a missing driver or a database that cannot be opened is reported as
    an error naming where the URL came from, never with its password.
    """
    from sqlalchemy import event
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
    from sqlmodel import create_engine

    from ..errors import LedgerError, UsageError
    from . import server
    from .target import target_for

    if namespace is None:
        own = os.environ.get(DATABASE_URL_ENV) != url
        target = target_for(url, own=own, source=None if not own else f"the index {url!r}")
        namespace = server.Namespace(target, None)
    target = namespace.target
    source = target.source
    try:
        engine = create_engine(target.url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise UsageError(f"{source} is not a usable SQLAlchemy URL ({_hide(exc, target)}); fix or unset it",
                         DATABASE_URL_ENV) from None
    except ImportError as exc:
        install = '"prediction-ledger[postgres]"' if target.postgres else "it"
        raise UsageError(
            f"{source} needs a database driver that is not installed ({exc.name or exc}); "
            f"pip install {install}, or unset the variable to use the ledger's own SQLite index",
            DATABASE_URL_ENV,
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas if target.own else _sqlite_pragmas_if_ours)
    server.bind(engine, namespace)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        raise LedgerError(f"cannot open {source}: {_hide(exc.orig, target)}") from None
    return engine


def _hide(exc, target) -> str:
    """An error's first line, without the URL's password should the driver repeat it."""
    from .target import shown

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return shown(text)


def _sqlite_pragmas_if_ours(dbapi_connection, record) -> None:
    """The pragmas, on another SQLite file only when it is empty or pledger's: its journal mode
    (WAL, which lets readers read while a refresh writes) is kept in the file."""
    from .format import FORMAT_KEY

    tables = {r[0] for r in dbapi_connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and not ("meta" in tables and dbapi_connection.execute(
            'SELECT 1 FROM meta WHERE "key" = ?', (FORMAT_KEY,)).fetchone()):
        return
    _sqlite_pragmas(dbapi_connection, record)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # The index is derived data: speed over durability; a lost index is rebuilt.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Up to 64 MiB of pages in memory (SQLite's default is 2 MiB): a cold build writes every page of the index.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.close()


def reset(engine: Engine) -> None:
    """Drop and recreate pledger's tables in the index's namespace (a damaged index): index.server.reset."""
    from .server import reset as reset_namespace

    reset_namespace(engine)

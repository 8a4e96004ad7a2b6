"""Where the index lives and how to open it."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel, create_engine

from ..store.discover import INDEX_DIR
from .warm import DATABASE_URL_ENV, INDEX_FILE  # noqa: F401  (defined where the light warm read needs them)


def database_url(root: Path) -> str:
    """PLEDGER_DATABASE_URL when set (any SQLAlchemy URL), else <root>/.pledger/index.sqlite."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    index_dir = root / INDEX_DIR
    index_dir.mkdir(exist_ok=True)
    return f"sqlite:///{index_dir / INDEX_FILE}"


def open_engine(url: str) -> Engine:
    """An engine on the index with its tables made. A bad URL, a missing driver or a
    database that cannot be opened is reported as an error naming where the URL came from."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

    from ..errors import LedgerError, UsageError

    source = f"{DATABASE_URL_ENV}={url!r}" if os.environ.get(DATABASE_URL_ENV) == url else f"the index {url!r}"
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise UsageError(f"{source} is not a usable SQLAlchemy URL ({exc}); fix or unset it", DATABASE_URL_ENV) from None
    except ImportError as exc:
        raise UsageError(
            f"{source} needs a database driver that is not installed ({exc.name or exc}); "
            "pip install it, or unset the variable to use the ledger's own SQLite index",
            DATABASE_URL_ENV,
        ) from None
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    from . import tables  # noqa: F401  (registers the tables on SQLModel.metadata)

    try:
        SQLModel.metadata.create_all(engine)
    except OperationalError as exc:
        engine.dispose()
        raise LedgerError(f"cannot open {source}: {exc.orig}") from None
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # The index is derived data: speed over durability; a lost index is rebuilt.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def reset(engine: Engine) -> None:
    """Drop and recreate every table (schema change or a damaged index)."""
    from . import tables  # noqa: F401

    SQLModel.metadata.drop_all(engine)
    SQLModel.metadata.create_all(engine)

"""The warm read: the SQLite index opened directly when it is already up to date.

Most reads find nothing to refresh. Checking that costs a stat per file, but the
normal path (ledger.services.ledger: Ledger.connect) first imports SQLAlchemy,
SQLModel and pydantic, which costs more than the whole query. So a read command
first tries `open_warm`, which uses the standard library only:

  * no PLEDGER_DATABASE_URL (another database is always read the normal way);
  * <root>/.pledger/index.sqlite exists, and its meta table holds this
    version's INDEX_FORMAT;
  * its `files` table lists exactly the files on disk (store.discover), each
    with the same size and mtime_ns -- the refresh's own test of "unchanged".

Then it returns a read-only connection inside one read transaction; otherwise
None, and the caller takes the normal path (refresh under the lock, then read).

Racing a writer: the check and every later query of the connection read one
SQLite snapshot (WAL readers never block writers nor see half a refresh). The
snapshot matched the files at the moment they were stat'ed, so a reader answers
as of that moment; a file written after it is picked up by the next command,
which finds the sizes or times changed and refreshes. A file changed but not yet
indexed fails the check, and the normal path waits for the writer's lock.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from ..store.discover import INDEX_DIR, files_unchanged
from .format import FORMAT_KEY, INDEX_FORMAT

# Where the index is, and the variable naming another database (ledger.index.database uses these).
DATABASE_URL_ENV = "PLEDGER_DATABASE_URL"
INDEX_FILE = "index.sqlite"


def index_path(root: Path) -> Path:
    return Path(root) / INDEX_DIR / INDEX_FILE


def open_warm(root: Path) -> sqlite3.Connection | None:
    """A read-only connection on root's index when it is current, else None. Never raises."""
    if os.environ.get(DATABASE_URL_ENV):
        return None
    path = index_path(root)
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):  # a symlink, a folder: the normal path replaces it
            return None
    except OSError:
        return None
    conn = None
    try:
        # Autocommit mode, so the explicit BEGIN below is the only transaction.
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        conn.execute("BEGIN")  # the snapshot starts at the first read and lasts until close
        if _is_current(conn, root):
            return conn
    except sqlite3.Error:  # damaged, locked, an older layout: the normal path deals with it
        pass
    if conn is not None:
        conn.close()
    return None


def _is_current(conn: sqlite3.Connection, root: Path) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (FORMAT_KEY,)).fetchone()
    if row is None or row[0] != INDEX_FORMAT:
        return False
    return files_unchanged({path: (size, mtime_ns) for path, size, mtime_ns in conn.execute("SELECT path, size, mtime_ns FROM files")}, root)

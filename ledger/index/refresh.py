"""Bring the index up to date with the YAML, re-reading only files whose content changed.

A file is re-read when its size or modification time differ from what the index
recorded and, then, its SHA-256 differs too (a touched but unchanged file costs
one hash, not a parse). Removed files drop their rows. All in one transaction.

What depends on several records -- the ambiguous (duplicate) prediction ids,
index.derive's columns, and every problem `pledger check` reports -- is then
recomputed for what the changed files touched (index.scope), so a refresh or a
write costs the files it reads, not the ledger.

A cold build (an empty index) loads the files in chunks of CHUNK_RECORDS records,
so memory stays bounded whatever the ledger's size, straight through the driver,
and creates the secondary indexes after the load (one sort each instead of an
update per row).
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection, Engine

from ..errors import Problem
from ..records import FileRecords
from ..store.discover import LedgerFile, scan
from .derive import derive
from .format import FORMAT_KEY, INDEX_FORMAT, SCHEMA_VERSION  # noqa: F401  (SCHEMA_VERSION re-exported)
from .rows import Batch, Entry, read_rows, sha256_of  # noqa: F401  (sha256_of: the writes' hash too)
from .scope import FILE, Scope
from .server import namespace_of, stamp, write_transaction
from .sql import AlchemyDb, Db, in_list
from .tables import PER_FILE_TABLES, DerivedProblemRow, LedgerProblemRow

if TYPE_CHECKING:
    from ..store.appended import Appended

# The ledger-wide checks (services.checks.ledger_problems, passed in so this layer
# does not import the one above it): the problems of the scope's ids, each with the
# (kind, id) it belongs to, which the refresh replaces when that id is touched again.
LedgerChecks = Callable[[Db, Scope], list[tuple[str, str, Problem]]]

# Records (predictions, forecasts, outcome entries, ...) read before they are written to the index.
CHUNK_RECORDS = 20_000
# A cold build of at least PARALLEL_FILES files reads them in up to MAX_WORKERS processes, CHUNK_BYTES a task.
PARALLEL_FILES = 32
MAX_WORKERS = 4
CHUNK_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class RefreshStats:
    files: int
    read: int
    removed: int
    temp_files: tuple[str, ...] = ()  # store.write's temporary files seen (Ledger.refresh cleans stale ones)


def refresh(engine: Engine, root: Path, ledger_checks: LedgerChecks) -> RefreshStats:
    """Make the index match the files under root. Returns how much work it did.

    ledger_checks finds the problems that span files; their results are stored,
    so `check` and the read commands' warnings count one list.
    """
    switched = False

    def cold_journal(conn: Connection) -> None:  # before the transaction's first statement
        nonlocal switched
        if not _holds_files(conn):
            switched = _journal(conn, "delete")

    try:
        # The writer lock, the namespace and its tables (index.server); a cold build is an index
        # whose files table is empty (made afresh for another format).
        with write_transaction(engine, before=cold_journal) as conn:
            db = AlchemyDb(conn)
            known = {path: (size, mtime_ns, sha) for path, size, mtime_ns, sha in
                     db.rows("SELECT path, size, mtime_ns, sha256 FROM files")}
            found = scan(root)
            if not known:
                _cold_build(conn, db, root, found.files)
                # Derived before the other indexes exist: the UPDATEs then touch the table alone.
                derive_ledger(db, Scope(everything=True), ledger_checks, fresh=True,
                              before_checks=lambda: _create_secondary_indexes(conn))
                stamp(conn, root, changed=True)
                return RefreshStats(files=len(found.files), read=len(found.files), removed=0,
                                    temp_files=tuple(found.temp_files))
            stats = _refresh_changed(db, root, found, known, ledger_checks)
            stamp(conn, root, changed=bool(stats.read or stats.removed))
            return stats
    finally:
        if switched:
            with engine.connect() as conn:
                _journal(conn, "wal")


def _holds_files(conn: Connection) -> bool:
    """Whether an SQLite index already holds this version's files (read before the write transaction:
    the journal mode can only change outside one)."""
    if conn.dialect.name != "sqlite":
        return True
    import sqlite3

    raw = conn.connection.dbapi_connection
    try:
        version = raw.execute("SELECT value FROM meta WHERE key = ?", (FORMAT_KEY,)).fetchall()
        return bool(version) and version[0][0] == INDEX_FORMAT and bool(raw.execute("SELECT 1 FROM files LIMIT 1").fetchall())
    except sqlite3.Error:  # no tables yet
        return False


def _journal(conn: Connection, mode: str) -> bool:
    """Set an SQLite index file's journal mode (outside a transaction); whether it changed.

    A cold build writes the whole index in one transaction: through the write-ahead
    log every page would be written twice (the log, then the file), so it runs with
    a rollback journal, which for a new index holds next to nothing. Readers then
    wait for it (or take the normal path); WAL comes back when it is done.
    """
    if conn.dialect.name != "sqlite" or conn.engine.url.database in (None, "", ":memory:"):
        return False
    if not namespace_of(conn.engine).target.own:  # a shared file: its writers and readers need WAL's concurrency
        return False
    import sqlite3

    raw = conn.connection.dbapi_connection
    try:
        if str(raw.execute("PRAGMA journal_mode").fetchone()[0]).lower() == mode:
            return False  # as it is (a database pledger did not make is left so)
        got = raw.execute(f"PRAGMA journal_mode={mode}").fetchone()
    except sqlite3.Error:  # a reader holds the file: stay as it is
        return False
    return bool(got) and str(got[0]).lower() == mode


def _refresh_changed(db: Db, root: Path, found, known: dict, ledger_checks: LedgerChecks) -> RefreshStats:
    """The refresh of an index that holds the ledger: re-read what changed, drop what was removed."""
    loader = _Loader(db, Scope())
    seen: set[str] = set()
    read = 0
    for f in found.files:
        seen.add(f.path)
        row = known.get(f.path)
        if row is not None and row[0] == f.size and row[1] == f.mtime_ns:
            continue
        entry = Entry(root, f)
        if row is not None and row[2] == entry.digest:  # touched, not changed: one hash, no parse
            db.run("UPDATE files SET size = :size, mtime_ns = :mtime WHERE path = :path",
                   {"size": f.size, "mtime": f.mtime_ns, "path": f.path})
            continue
        records = entry.records()
        loader.add(records, (f.path, f.size, f.mtime_ns, entry.digest, records.kind), replaces=row is not None)
        read += 1
    removed = [path for path in known if path not in seen]
    loader.remove(removed)
    loader.flush()
    if read or removed:
        derive_ledger(db, loader.scope, ledger_checks)
    return RefreshStats(files=len(found.files), read=read, removed=len(removed), temp_files=tuple(found.temp_files))


def _cold_build(conn: Connection, db: Db, root: Path, files: list[LedgerFile]) -> None:
    """Load every file into an empty index: secondary indexes dropped during the load, made after it;
    the files read in worker processes when there are several cores and enough files."""
    _drop_secondary_indexes(conn)
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if workers > 1 and len(files) >= PARALLEL_FILES and sys.platform.startswith("linux"):
        _read_in_workers(db, root, files, workers)
    else:
        loader = _Loader(db, Scope(everything=True))
        for f in files:
            entry = Entry(root, f)
            records = entry.records()
            loader.add(records, (f.path, f.size, f.mtime_ns, entry.digest, records.kind), replaces=False)
        loader.flush()
    _create_secondary_indexes(conn, DERIVE_INDEXES)


def _read_in_workers(db: Db, root: Path, files: list[LedgerFile], workers: int) -> None:
    """Files read by a pool of processes (forked: nothing to import again) a chunk at a time, and their
    rows written here in file order. At most two chunks per worker wait, so memory stays bounded."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor

    chunks, chunk, size = [], [], 0
    for f in files:
        chunk.append(f)
        size += f.size
        if size >= CHUNK_BYTES:
            chunks.append(chunk)
            chunk, size = [], 0
    if chunk:
        chunks.append(chunk)
    iso = db.iso_dates
    todo = iter(chunks)
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        waiting = deque(pool.submit(read_rows, root, c, iso) for c in itertools.islice(todo, 2 * workers))
        while waiting:
            _count, table_rows = waiting.popleft().result()
            following = next(todo, None)
            if following is not None:
                waiting.append(pool.submit(read_rows, root, following, iso))
            for sql, rows in table_rows:
                db.many(sql, rows)


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """What the index keeps of a file a command wrote: its size and time as written, its hash, and its old hash."""

    size: int
    mtime_ns: int
    sha256: str
    old_sha256: str | None


@dataclass(frozen=True, slots=True)
class Write:
    """One file a command wrote, and its records: the whole new file's (as read_file gives them),
    or `appended`, the records of items appended to a file whose old content the index holds."""

    rel_path: str
    written: WrittenFile
    records: FileRecords | None = None
    appended: Appended | None = None


def record_write(engine: Engine, rel_path: str, written: WrittenFile, ledger_checks: LedgerChecks, *,
                 records: FileRecords | None = None, appended: Appended | None = None) -> bool:
    """record_writes for one file."""
    return record_writes(engine, [Write(rel_path, written, records, appended)], ledger_checks)


def record_writes(engine: Engine, writes: list[Write], ledger_checks: LedgerChecks) -> bool:
    """Bring the index up to date with files a command just wrote, without reading them again.

    For an append, the file's rows are kept and those after the insertion move
    down. The index row of each file must hold its old_sha256 (None: no row, a
    new file), else nothing is done and the next refresh reads the files as
    usual. Returns whether the index was updated. Call it under the ledger lock.
    """
    with write_transaction(engine, prepare=False) as conn:
        db = AlchemyDb(conn)
        version = db.rows("SELECT value FROM meta WHERE key = :key", {"key": FORMAT_KEY})
        if not version or version[0][0] != INDEX_FORMAT:
            return False
        rows = {}
        for w in writes:
            row = db.rows("SELECT sha256, kind FROM files WHERE path = :path", {"path": w.rel_path})
            if (row[0][0] if row else None) != w.written.old_sha256:
                return False
            if w.appended is not None and (not row or w.appended.records.kind != row[0][1]):
                return False
            rows[w.rel_path] = row
        loader = _Loader(db, Scope())
        for w in writes:
            file_row = (w.rel_path, w.written.size, w.written.mtime_ns, w.written.sha256)
            if w.appended is None:
                loader.add(w.records, (*file_row, w.records.kind), replaces=bool(rows[w.rel_path]))
                continue
            # Every record of the file is touched: the lines of those after the insertion move.
            loader.scope.add_file_rows(db, [w.rel_path])
            if w.appended.shift:
                for t in (*PER_FILE_TABLES, DerivedProblemRow.__table__):
                    if "line" in t.c:
                        db.run(f"UPDATE {t.name} SET line = line + :shift WHERE file = :file AND line >= :tail",
                               {"shift": w.appended.shift, "file": w.rel_path, "tail": w.appended.tail_line})
            db.run("UPDATE files SET size = :size, mtime_ns = :mtime, sha256 = :sha WHERE path = :path",
                   {"size": w.written.size, "mtime": w.written.mtime_ns, "sha": w.written.sha256, "path": w.rel_path})
            loader.add(w.appended.records, None, replaces=False)
        loader.flush()
        derive_ledger(db, loader.scope, ledger_checks)
    return True


def _bulk_tables():
    """The tables a cold build fills, whose secondary indexes it creates after the load."""
    return (*PER_FILE_TABLES, DerivedProblemRow.__table__, LedgerProblemRow.__table__)


def _drop_secondary_indexes(conn: Connection) -> None:
    for table in _bulk_tables():
        for index in table.indexes:
            index.drop(conn, checkfirst=True)


# The indexes derive's queries need (the rest are made after it: see refresh).
DERIVE_INDEXES = ("ix_predictions_id", "ix_outcomes_prediction_result", "ix_forecasts_prediction_id")


def _create_secondary_indexes(conn: Connection, only: tuple[str, ...] | None = None) -> None:
    for table in _bulk_tables():
        for index in sorted(table.indexes, key=lambda i: i.name):
            if only is None or index.name in only:
                index.create(conn, checkfirst=True)


def derive_ledger(db: Db, scope: Scope, ledger_checks: LedgerChecks, *, fresh: bool = False,
                  before_checks: Callable[[], None] | None = None) -> None:
    """Recompute what depends on more than one file, for the scope's ids: the prediction ids
    defined more than once (reads leave them out), index.derive's columns, and the problems
    `check` reports, which the read commands count. fresh: the rows are as inserted (a cold build);
    before_checks runs after the derived columns are written."""
    scope.widen(db)
    scope.store(db)
    ambiguous = "" if scope.everything else " WHERE id IN (SELECT s.id FROM scope_ids s WHERE s.kind = 'prediction')"
    db.run(f"DELETE FROM ambiguous_ids{ambiguous}")
    db.run(f"INSERT INTO ambiguous_ids (id) SELECT id FROM predictions{ambiguous} GROUP BY id HAVING count(*) > 1")
    derive(db, scope, fresh=fresh)
    if before_checks is not None:
        before_checks()
    if scope.everything:
        db.run("DELETE FROM ledger_problems")
    else:
        for kind, ids in scope.ids.items():
            if ids:
                db.run("DELETE FROM ledger_problems WHERE key_kind = :kind AND key IN "
                       "(SELECT s.id FROM scope_ids s WHERE s.kind = :kind)", {"kind": kind})
    db.many(
        "INSERT INTO ledger_problems (key_kind, key, file, line, col, code, message, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(kind, key, p.location.path, p.location.line, p.location.column, p.code, p.message,
          json.dumps([list(ref) for ref in p.refs])) for kind, key, p in ledger_checks(db, scope)],
    )


def _delete_files(db: Db, paths: list[str]) -> None:
    for start in range(0, len(paths), 500):
        params: dict = {}
        files = in_list("f", paths[start:start + 500], params)
        for table in PER_FILE_TABLES:
            db.run(f"DELETE FROM {table.name} WHERE file IN {files}", params)
        db.run(f"DELETE FROM files WHERE path IN {files}", params)


class _Loader:
    """Writes files' records to the index a chunk at a time, noting what they touch in its scope."""

    def __init__(self, db: Db, scope: Scope):
        self.db = db
        self.scope = scope
        self.batch = Batch()
        self.stale: list[str] = []  # files whose old rows go before the batch is written

    def add(self, records: FileRecords, file_row: tuple | None, *, replaces: bool) -> None:
        """records of a file; file_row its files-table row (None: the row is kept); replaces: it has rows to delete."""
        if replaces:
            self.stale.append(records.path)
        self.batch.add(records)
        if file_row is not None:
            self.batch.files.append(file_row)
        if self.batch.size >= CHUNK_RECORDS:
            self.flush()

    def remove(self, paths: list[str]) -> None:
        self.stale += paths

    def flush(self) -> None:
        if self.stale:
            self.scope.add_file_rows(self.db, self.stale)  # what they defined, before their rows go
            _delete_files(self.db, self.stale)
            self.stale = []
        for rec in self.batch.records:
            self.scope.add_records(rec)
        if not self.scope.everything:
            self.scope.ids[FILE].update(row[0] for row in self.batch.files)
        self.batch.write(self.db)
        self.batch = Batch()

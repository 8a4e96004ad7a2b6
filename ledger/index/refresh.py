"""Bring the index up to date with the YAML, re-reading only files whose content changed.

A file is re-read when its size or modification time differ from what the index
recorded and, then, its SHA-256 differs too (a touched but unchanged file costs
one hash, not a parse). Removed files drop their rows. When any file was re-read
or removed, the ledger-wide tables are recomputed: the ambiguous (duplicate)
prediction ids, and every problem `pledger check` reports. All in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select
from sqlalchemy.engine import Connection, Engine
from ..errors import Problem
from ..records import FileRecords
from ..store.discover import entry_bytes, scan
from .derive import derive
from .format import FORMAT_KEY, INDEX_FORMAT, SCHEMA_VERSION  # noqa: F401  (SCHEMA_VERSION re-exported)
from .server import stamp, write_transaction
from .schema import ASSESSMENTS, CLAIMS, FORECASTS, OUTCOMES, PREDICTIONS, SETS, SOURCES
from .sql import AlchemyDb, in_list
from .tables import (
    PER_FILE_TABLES,
    PREDICTIONS_TABLE,
    AmbiguousIdRow,
    DerivedProblemRow,
    FileRow,
    LedgerProblemRow,
    MetaRow,
    ProblemRow,
    RejectedRow,
    TagRow,
)

if TYPE_CHECKING:
    from ..store.appended import Appended

# The ledger-wide checks: a connection on the refreshed index in, problems out.
LedgerChecks = Callable[[Connection], list[Problem]]


@dataclass(frozen=True, slots=True)
class RefreshStats:
    files: int
    read: int
    removed: int
    temp_files: tuple[str, ...] = ()  # store.write's temporary files seen (Ledger.refresh cleans stale ones)


def read_file(root: Path, rel_path: str, data: bytes | None = None) -> FileRecords:
    """store.read.read_file, imported when a file needs reading: its pydantic models
    and PyYAML cost more than a refresh that finds nothing changed."""
    from ..store.read import read_file as read

    return read(root, rel_path, data)


def _unread_file(rel_path: str, message: str, code: str) -> FileRecords:
    from ..store.read import unread_file

    return unread_file(rel_path, message, code)


def refresh(engine: Engine, root: Path, ledger_checks: LedgerChecks) -> RefreshStats:
    """Make the index match the files under root. Returns how much work it did.

    ledger_checks finds the problems that span files (services.checks.all_problems,
    passed in so this layer does not import the one above it); their results are
    stored, so `check` and the read commands' warnings count one list.
    """
    with write_transaction(engine) as conn:  # the writer lock, the namespace and its tables (index.server)
        known = {row.path: row for row in conn.execute(select(FileRow.__table__))}
        found = scan(root)
        on_disk = found.files
        seen: set[str] = set()
        to_read: list[tuple[str, bytes | None, tuple[str, str] | None, str, int, int]] = []
        for f in on_disk:
            seen.add(f.path)
            row = known.get(f.path)
            if row is not None and row.size == f.size and row.mtime_ns == f.mtime_ns:
                continue
            # An entry the rule skips, or that cannot be read, is indexed as its problem.
            data, unread = entry_bytes(root, f)
            digest = sha256_of(data if unread is None else unread[0].encode("utf-8"))
            if row is not None and row.sha256 == digest:
                conn.execute(
                    FileRow.__table__.update().where(FileRow.__table__.c.path == f.path).values(size=f.size, mtime_ns=f.mtime_ns)
                )
                continue
            to_read.append((f.path, data, unread, digest, f.size, f.mtime_ns))
        removed = [path for path in known if path not in seen]
        stale = removed + [item[0] for item in to_read if item[0] in known]
        db = AlchemyDb(conn)
        touched = _ids_in_files(db, stale, everything=not known)
        _delete_files(conn, stale)
        batch = _Batch()
        for path, data, unread, digest, size, mtime_ns in to_read:
            records = read_file(root, path, data) if unread is None else _unread_file(path, *unread)
            batch.add(records)
            batch.files.append({"path": path, "size": size, "mtime_ns": mtime_ns, "sha256": digest, "kind": records.kind})
        batch.write(conn)
        if to_read or removed:
            derive(db, None if touched is None else touched | batch.prediction_ids())
            _derive_ledger_tables(conn, ledger_checks)
        stamp(conn, root, changed=bool(to_read or removed))
    return RefreshStats(files=len(on_disk), read=len(to_read), removed=len(removed), temp_files=tuple(found.temp_files))


def record_write(
    engine: Engine,
    rel_path: str,
    written: WrittenFile,
    ledger_checks: LedgerChecks,
    *,
    records: FileRecords | None = None,
    appended: Appended | None = None,
) -> bool:
    """Bring the index up to date with a file a command just wrote, without reading it again.

    records are the whole new file's records (as read_file gives them); or
    appended, the records of items appended to a file whose old content the
    index holds (its rows are kept, their lines moved down past the insertion).
    The index row for the file must hold old_sha256 (None: no row, a new file),
    else nothing is done and the next refresh reads the file as usual. Returns
    whether the index was updated. Call it under the ledger lock.
    """
    F = FileRow.__table__
    with write_transaction(engine, prepare=False) as conn:
        version = conn.execute(select(MetaRow.__table__.c.value).where(MetaRow.__table__.c.key == FORMAT_KEY)).scalar()
        if version != INDEX_FORMAT:
            return False
        row = conn.execute(select(F.c.sha256).where(F.c.path == rel_path)).first()
        if (row[0] if row is not None else None) != written.old_sha256:
            return False
        batch = _Batch()
        db = AlchemyDb(conn)
        if appended is not None:
            if row is None or appended.records.kind != conn.execute(select(F.c.kind).where(F.c.path == rel_path)).scalar():
                return False
            touched: set[str] = set()
            if appended.shift:
                for t in (*PER_FILE_TABLES, DerivedProblemRow.__table__):
                    if "line" in t.c:
                        conn.execute(
                            t.update()
                            .where(t.c.file == rel_path, t.c.line >= appended.tail_line)
                            .values(line=t.c.line + appended.shift)
                        )
            batch.add(appended.records)
            conn.execute(F.update().where(F.c.path == rel_path).values(
                size=written.size, mtime_ns=written.mtime_ns, sha256=written.sha256))
        else:
            touched = _ids_in_files(db, [rel_path]) or set()
            _delete_files(conn, [rel_path])
            batch.add(records)
            batch.files.append({"path": rel_path, "size": written.size, "mtime_ns": written.mtime_ns,
                                "sha256": written.sha256, "kind": records.kind})
        batch.write(conn)
        derive(db, touched | batch.prediction_ids())
        _derive_ledger_tables(conn, ledger_checks)
    return True


@dataclass(frozen=True, slots=True)
class WrittenFile:
    """What the index keeps of a file a command wrote: its size and time as written, its hash, and its old hash."""

    size: int
    mtime_ns: int
    sha256: str
    old_sha256: str | None


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _derive_ledger_tables(conn: Connection, ledger_checks: LedgerChecks) -> None:
    """Recompute what depends on the whole ledger, not one file: the prediction ids
    defined more than once (reads leave them out), and the problems `check`
    reports (services.checks.all_problems), which the read commands count."""
    predictions = PREDICTIONS_TABLE
    ambiguous = AmbiguousIdRow.__table__
    conn.execute(delete(ambiguous))
    conn.execute(
        insert(ambiguous).from_select(
            ["id"], select(predictions.c.id).group_by(predictions.c.id).having(func.count() > 1)
        )
    )
    problems = LedgerProblemRow.__table__
    conn.execute(delete(problems))
    rows = [
        {"file": p.location.path, "line": p.location.line, "col": p.location.column, "code": p.code, "message": p.message,
         "refs": json.dumps([list(ref) for ref in p.refs])}
        for p in ledger_checks(conn)
    ]
    if rows:
        conn.execute(insert(problems), rows)


def _ids_in_files(db: AlchemyDb, paths: list[str], everything: bool = False) -> set[str] | None:
    """The prediction ids that rows of these files define or name (None: too many to list; derive all)."""
    if everything:
        return None
    ids: set[str] = set()
    for start in range(0, len(paths), 500):
        params: dict = {}
        files = in_list("f", paths[start:start + 500], params)
        for sql in (f"SELECT id FROM predictions WHERE file IN {files}",
                    f"SELECT prediction_id FROM forecasts WHERE file IN {files}",
                    f"SELECT prediction_id FROM outcomes WHERE file IN {files}"):
            ids.update(r[0] for r in db.rows(sql, params))
    return ids


def _delete_files(conn: Connection, paths: list[str]) -> None:
    for start in range(0, len(paths), 500):
        chunk = paths[start : start + 500]
        for table in PER_FILE_TABLES:
            conn.execute(delete(table).where(table.c.file.in_(chunk)))
        conn.execute(delete(FileRow.__table__).where(FileRow.__table__.c.path.in_(chunk)))


class _Batch:
    """Rows for many files: the record types' through the driver (index.schema), the rest with one executemany per table."""

    def __init__(self) -> None:
        self.files: list[dict] = []
        self.sets: list = []
        self.predictions: list = []
        self.tags: list[dict] = []
        self.forecasts: list = []
        self.outcomes: list = []
        self.problems: list[dict] = []
        self.rejected: list[dict] = []
        self.sources: list = []
        self.claims: list = []
        self.assessments: list = []

    def prediction_ids(self) -> set[str]:
        """The ids these records define or name: their derived state may have changed."""
        ids = {p.id for p in self.predictions}
        ids.update(f.prediction_id for f in self.forecasts)
        ids.update(o.prediction_id for o in self.outcomes)
        return ids

    def add(self, rec: FileRecords) -> None:
        path = rec.path
        self.sets += rec.sets
        self.predictions += rec.predictions
        for p in rec.predictions:
            for tag in p.tags:
                self.tags.append({"prediction_id": p.id, "tag": tag, "file": path})
        self.forecasts += rec.forecasts
        self.outcomes += rec.outcomes
        if rec.sources or rec.claims or rec.assessments:
            self._add_claims(rec)
        for pr in rec.problems:
            self.problems.append(
                {"file": path, "line": pr.location.line, "col": pr.location.column, "code": pr.code, "message": pr.message}
            )
        for kind, rid in rec.rejected:
            self.rejected.append({"kind": kind, "id": rid, "file": path})

    def _add_claims(self, rec: FileRecords) -> None:
        self.sources += rec.sources
        self.claims += rec.claims
        self.assessments += rec.assessments

    def write(self, conn: Connection) -> None:
        db = AlchemyDb(conn)
        for table, records in ((SETS, self.sets), (PREDICTIONS, self.predictions), (FORECASTS, self.forecasts),
                               (OUTCOMES, self.outcomes), (SOURCES, self.sources), (CLAIMS, self.claims),
                               (ASSESSMENTS, self.assessments)):
            if records:
                db.many(table.insert_sql(), table.rows(records, iso_dates=db.iso_dates))
        for model, rows in (
            (FileRow, self.files), (TagRow, self.tags), (ProblemRow, self.problems), (RejectedRow, self.rejected),
        ):
            if rows:
                conn.execute(insert(model.__table__), rows)

"""Index rows from records, and the reading of ledger files into rows (in worker processes on a cold build).

Light on purpose (no SQLAlchemy): a cold build reads files in worker processes
(read_rows), each of which imports this module, the reader and the record types
only. The refresh writes the rows in file order, whoever read them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..records import FileRecords
from ..store.discover import LedgerFile, entry_bytes
from .schema import ASSESSMENTS, CLAIMS, FORECASTS, OUTCOMES, PREDICTIONS, SETS, SOURCES
from .sql import Db


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_file(root: Path, rel_path: str, data: bytes | None = None) -> FileRecords:
    """store.read.read_file, imported when a file needs reading: its pydantic models
    and PyYAML cost more than a refresh that finds nothing changed."""
    from ..store.read import read_file as read

    return read(root, rel_path, data)


class Entry:
    """A ledger file's content as a refresh meets it: hashed first, read (parsed) only when asked."""

    __slots__ = ("root", "file", "data", "unread", "digest")

    def __init__(self, root: Path, f: LedgerFile):
        self.root, self.file = root, f
        # An entry the rule skips, or that cannot be read, is indexed as its problem.
        self.data, self.unread = entry_bytes(root, f)
        self.digest = sha256_of(self.data if self.unread is None else self.unread[0].encode("utf-8"))

    def records(self) -> FileRecords:
        if self.unread is not None:
            from ..store.read import unread_file

            return unread_file(self.file.path, *self.unread)
        data, self.data = self.data, None
        return read_file(self.root, self.file.path, data)


def read_rows(root: Path, entries: list[LedgerFile], iso: bool) -> tuple[int, list[tuple[str, list[tuple]]]]:
    """Read files into the rows a cold build inserts: (how many records, [(INSERT statement, rows)])."""
    batch = Batch()
    for f in entries:
        entry = Entry(root, f)
        records = entry.records()
        batch.add(records)
        batch.files.append((f.path, f.size, f.mtime_ns, entry.digest, records.kind))
    return batch.size, batch.table_rows(iso)


class Batch:
    """Rows for many files, each table's handed to the driver in one executemany."""

    def __init__(self) -> None:
        self.records: list[FileRecords] = []
        self.files: list[tuple] = []  # (path, size, mtime_ns, sha256, kind)
        self.size = 0

    def add(self, rec: FileRecords) -> None:
        self.records.append(rec)
        self.size += (len(rec.predictions) + len(rec.forecasts) + len(rec.outcomes) + len(rec.claims)
                      + len(rec.assessments) + len(rec.problems) + 1)

    def write(self, db: Db) -> None:
        for sql, rows in self.table_rows(db.iso_dates):
            db.many(sql, rows)

    def table_rows(self, iso: bool) -> list[tuple[str, list[tuple]]]:
        """(INSERT statement, its rows) for each table, in the order they are written; iso: dates as ISO text."""
        out = []
        recs = self.records
        for table, attr in ((SETS, "sets"), (PREDICTIONS, "predictions"), (FORECASTS, "forecasts"),
                            (OUTCOMES, "outcomes"), (SOURCES, "sources"), (CLAIMS, "claims"),
                            (ASSESSMENTS, "assessments")):
            records = [r for rec in recs for r in getattr(rec, attr)]
            if records:
                out.append((table.insert_sql(), table.rows(records, iso_dates=iso)))
        tags = [(p.id, tag, rec.path) for rec in recs for p in rec.predictions for tag in p.tags]
        problems = [(rec.path, pr.location.line, pr.location.column, pr.code, pr.message)
                    for rec in recs for pr in rec.problems]
        rejected = [(kind, rid, rec.path) for rec in recs for kind, rid in rec.rejected]
        for sql, rows in (
            ("INSERT INTO files (path, size, mtime_ns, sha256, kind) VALUES (?, ?, ?, ?, ?)", self.files),
            ("INSERT INTO tags (prediction_id, tag, file) VALUES (?, ?, ?)", tags),
            ("INSERT INTO problems (file, line, col, code, message) VALUES (?, ?, ?, ?, ?)", problems),
            ("INSERT INTO rejected (kind, id, file) VALUES (?, ?, ?)", rejected),
        ):
            if rows:
                out.append((sql, rows))
        return out

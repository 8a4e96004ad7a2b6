"""What a refresh or a write touched: the files, and the ids their records define or name.

Everything derived from several records (index.derive's columns, the ambiguous
ids, the ledger-wide problems of services.checks) is recomputed for the touched
ids only, so a write costs the file it writes, not the ledger. The ids are
collected before the old rows of a file go (what it defined) and from the new
records (what it defines now), by kind:

  prediction -- ids of predictions, and the ids forecasts and outcome entries name
  set, claim, source -- ids defined (claims also: the ids assessments name)
  rejected ids count as defined: a reference to one is not "unknown"

The ids are kept in a temporary table, scope_ids(kind, id), that SQL reads
(`in_scope`), so a check or derive restricted to a scope is one query whatever its
size. A scope of everything (a cold build, or more ids than MAX_IDS) leaves the
conditions out and recomputes every row instead.
"""

from __future__ import annotations

from typing import Any

from ..records import FileRecords
from .sql import Db, in_list

PREDICTION, SET, CLAIM, SOURCE, FILE = "prediction", "set", "claim", "source", "file"
KINDS = (PREDICTION, SET, CLAIM, SOURCE, FILE)
# More touched ids than this: recompute everything in one pass, rather than row by row.
MAX_IDS = 50_000
TABLE = "scope_ids"


class Scope:
    """The files and ids a refresh or a write touched (every kind at once when `everything`)."""

    def __init__(self, everything: bool = False):
        self.everything = everything
        self.ids: dict[str, set[str]] = {k: set() for k in KINDS}
        # Claims and sources defined (or rejected) in touched files: what refers to them elsewhere is touched too.
        self.defined_claims: set[str] = set()
        self.defined_sources: set[str] = set()

    def __bool__(self) -> bool:
        return self.everything or any(self.ids.values())

    def size(self) -> int:
        return sum(len(v) for v in self.ids.values())

    def _grown(self) -> None:
        if not self.everything and self.size() > MAX_IDS:
            self.everything = True
            self.ids = {k: set() for k in KINDS}

    def add_records(self, rec: FileRecords) -> None:
        """The ids a file's new records define or name."""
        if self.everything:
            return
        ids = self.ids
        ids[FILE].add(rec.path)
        predictions = ids[PREDICTION]
        predictions.update(p.id for p in rec.predictions)
        predictions.update(f.prediction_id for f in rec.forecasts)
        predictions.update(o.prediction_id for o in rec.outcomes)
        ids[SET].update(s.id for s in rec.sets)
        claims = [c.id for c in rec.claims]
        sources = [s.id for s in rec.sources]
        for kind, rid in rec.rejected:
            if kind == "prediction":
                predictions.add(rid)
            elif kind == "claim":
                claims.append(rid)
            elif kind == "source":
                sources.append(rid)
        ids[CLAIM].update(claims)
        ids[CLAIM].update(a.claim_id for a in rec.assessments)
        ids[SOURCE].update(sources)
        self.defined_claims.update(claims)
        self.defined_sources.update(sources)
        self._grown()

    def add_file_rows(self, db: Db, paths: list[str]) -> None:
        """The ids the index's rows of these files define or name (read before the rows are deleted)."""
        if self.everything:
            return
        ids = self.ids
        ids[FILE].update(paths)
        for start in range(0, len(paths), 500):
            params: dict[str, Any] = {}
            files = in_list("f", paths[start:start + 500], params)
            for kind, sql in (
                (PREDICTION, f"SELECT id FROM predictions WHERE file IN {files}"),
                (PREDICTION, f"SELECT prediction_id FROM forecasts WHERE file IN {files}"),
                (PREDICTION, f"SELECT prediction_id FROM outcomes WHERE file IN {files}"),
                (PREDICTION, f"SELECT id FROM rejected WHERE kind = 'prediction' AND file IN {files}"),
                (SET, f"SELECT id FROM sets WHERE file IN {files}"),
                (CLAIM, f"SELECT claim_id FROM assessments WHERE file IN {files}"),
            ):
                ids[kind].update(r[0] for r in db.rows(sql, params))
            for kind, defined, sql in (
                (CLAIM, self.defined_claims, f"SELECT id FROM claims WHERE file IN {files} "
                                             f"UNION SELECT id FROM rejected WHERE kind = 'claim' AND file IN {files}"),
                (SOURCE, self.defined_sources, f"SELECT id FROM sources WHERE file IN {files} "
                                               f"UNION SELECT id FROM rejected WHERE kind = 'source' AND file IN {files}"),
            ):
                found = {r[0] for r in db.rows(sql, params)}
                ids[kind].update(found)
                defined.update(found)
        self._grown()

    def widen(self, db: Db) -> None:
        """Add what refers to the claims and sources defined in touched files: the predictions
        that test those claims, the claims that cite those sources (their checks depend on them)."""
        if self.everything:
            return
        if self.defined_claims:
            import json

            for pid, tests in db.rows("SELECT p.id, p.tests FROM predictions p WHERE p.tests != '[]'"):
                if not self.defined_claims.isdisjoint(json.loads(tests)):
                    self.ids[PREDICTION].add(pid)
        sources = sorted(self.defined_sources)
        for start in range(0, len(sources), 500):
            params: dict[str, Any] = {}
            chunk = in_list("s", sources[start:start + 500], params)
            self.ids[CLAIM].update(r[0] for r in db.rows(f"SELECT id FROM claims WHERE source_ref IN {chunk}", params))
        self._grown()

    def store(self, db: Db) -> None:
        """Write the ids to the temporary table scope_ids, which in_scope reads."""
        db.run(f"CREATE TEMPORARY TABLE IF NOT EXISTS {TABLE} (kind VARCHAR(16) NOT NULL, id VARCHAR NOT NULL)")
        db.run(f"DELETE FROM {TABLE}")
        if not self.everything:
            db.many(f"INSERT INTO {TABLE} (kind, id) VALUES (?, ?)",
                    [(kind, i) for kind, ids in self.ids.items() for i in ids])


def in_scope(scope: Scope, kind: str, column: str) -> str:
    """`AND column IN (the scope's ids of kind)`, or nothing when the scope is everything."""
    if scope.everything:
        return ""
    return f" AND {column} IN (SELECT s.id FROM {TABLE} s WHERE s.kind = '{kind}')"

"""A re-import's shortcut: the ledger's predictions as one fingerprint each, read while the file is parsed.

A file exported from a ledger and imported again names predictions that are all
there already, with the same claims, forecasts and outcomes. The import's plan
(services.imports) would decide that row by row, after reading every table of
the index. Instead, a child forked before the parse (beside.Started) reads the
index and gives one fingerprint per prediction: the 64-bit hash() of its id,
its claim, the result of its last outcome entry and the set of its forecasts,
each as the plan finds it: by its ref when it has one, else a yes/no forecast by
the parts of the plan's own key (PLAIN_KEY_SQL: who, the day, p as typed). A
forked child hashes text with this process's seed.

An item of the file whose fingerprint, made the same way, is among them is
skipped as "already in the ledger": the words and the decision the plan gives
such an item (every forecast found by its ref or its key, the outcome the same
text, or none on either side). The item must be a yes/no question with forecasts as
probabilities, and its id must appear once in the file, so that no other row's
additions change what it is compared with. Every other item goes through the
plan, which then reads the index only for those items.

The fingerprints count only when the ledger's files are still those the child
read (the index's `files` table, path and content hash), checked under the
import's lock. They are wanted only when the file names much of the ledger (as
the plan's own choice between lookups and a scan); otherwise the child is ended.
On a server index, a read-only ledger, or wherever a child cannot be forked, the
plan does it all.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..importers.base import ImportedForecast, ImportedItem

# A yes/no forecast as one text: its prediction, who (as written, after its length: no two forecasts share a
# key), the day (ISO) and the probability as typed. The same on both sides (plain_key): a forecast the
# index holds so, without a ref, is the source's forecast under every rule of services.imports._KnownForecasts.
PLAIN_KEY_SQL = """prediction_id || '|' || length("by") || '|' || "by" || at || p_typed"""


def plain_where(forecasts: str = "") -> str:
    """The forecasts found by their plain key; `forecasts`: the forecasts table's alias in a join."""
    f = f"{forecasts}." if forecasts else ""
    return f"{f}ref IS NULL AND {f}p IS NOT NULL"


PLAIN_WHERE = plain_where()
# The order of a prediction's outcome entries, oldest first: the last one stands.
OUTCOME_ORDER_SQL = '"on", correction, file, line'
# Below this many bytes a file is planned row by row: no child is started for it.
MIN_BYTES = 1 << 18
ALREADY = "already in the ledger"

_ID = operator.attrgetter("id")


def plain_key(pid: str, f: ImportedForecast, days: dict[dt.date, str]) -> str:
    """PLAIN_KEY_SQL for an imported forecast. days: the ISO text of each day met so far (an import's
    rows share a few hundred days)."""
    day = days.get(f.at)
    if day is None:
        day = days[f.at] = f.at.isoformat()
    return f"{pid}|{len(f.by)}|{f.by}{day}{f.p_typed}"


def fingerprint(pid: str, claim: str, result: str | None, forecasts: frozenset[tuple]) -> int:
    """What an import compares of one prediction: its id, its claim, its standing result (None: no
    outcome) and its forecasts, each as (ref,) or as (who, ISO day, p as typed): plain_key's parts."""
    return hash((pid, claim, result, forecasts))


def _forecasts_of(forecasts: list[ImportedForecast], days: dict[dt.date, str]) -> frozenset | None:
    """An item's forecasts as fingerprint() takes them; None when one is not a probability (another kind's)."""
    out = []
    for f in forecasts:
        if f.fields:
            return None
        if f.ref:  # found by its ref, whatever else the source says of it
            out.append((f.ref,))
            continue
        day = days.get(f.at)
        if day is None:
            day = days[f.at] = f.at.isoformat()
        out.append((f.by, day, f.p_typed))
    return frozenset(out)


@dataclass(frozen=True)
class Fingerprints:
    files: list[tuple[str, str]]  # the index's files (path, sha256) when read: what the ledger was
    count: int  # predictions in the index
    known: frozenset[int]  # the fingerprint of each prediction whose id is defined once


def read_fingerprints(db) -> Fingerprints:
    """Every prediction's fingerprint (db: an index connection, services' Db): its outcomes read first,
    then its forecasts a prediction at a time (joined and grouped by id), so that no more than one
    prediction's forecasts are held at once."""
    from itertools import groupby

    iso = db.iso_dates  # SQLite gives dates as ISO text; a server, as dates
    same = {}.setdefault  # a result repeats: each kept once, not once a prediction
    # Most predictions have one outcome entry: read unordered, then in order those with several (the last stands).
    results: dict[str, str] = {pid: same(result, result) for pid, result in
                               db.stream("SELECT prediction_id, result FROM outcomes")}
    results.update(db.stream(
        "SELECT prediction_id, result FROM outcomes WHERE prediction_id IN (SELECT prediction_id FROM outcomes "
        f"GROUP BY prediction_id HAVING count(*) > 1) ORDER BY prediction_id, {OUTCOME_ORDER_SQL}"))
    # A forecast with a ref as (ref,); one without, a yes/no one, by its key's parts (the plan's PLAIN_WHERE);
    # a prediction without forecasts comes once, with NULLs (f.rowid IS NULL).
    rows = db.stream(
        'SELECT pr.id, pr.claim, f.rowid, f."by", f.at, f.p_typed, f.ref FROM predictions pr '
        f"LEFT OUTER JOIN forecasts f ON f.prediction_id = pr.id AND (f.ref IS NOT NULL OR ({plain_where('f')})) "
        "WHERE pr.id NOT IN (SELECT a.id FROM ambiguous_ids a) ORDER BY pr.id")
    known = set()
    for pid, group in groupby(rows, key=operator.itemgetter(0)):
        keys = []
        for _, claim, rowid, by, at, typed, ref in group:
            if rowid is None:
                continue
            if ref is None:
                keys.append((by, at if iso else at.isoformat(), typed))
            else:
                keys.append((ref,))
        known.add(fingerprint(pid, claim, results.get(pid), frozenset(keys)))
    (count,) = db.rows("SELECT count(*) FROM predictions")[0]
    return Fingerprints(_files(db), count, frozenset(known))


def _files(db) -> list[tuple[str, str]]:
    from .published import fingerprint_rows

    return fingerprint_rows(db)


def _child_fingerprints(ledger) -> Fingerprints:
    """read_fingerprints in a child, on its own read of the index file when it is current."""
    with ledger.own_file_reader() as db:
        return read_fingerprints(db)


class FingerprintChild:
    """The fingerprints, begun in a child before a file of `size` bytes is parsed (when worth it)."""

    def __init__(self, ledger, size: int):
        self._started = None
        if size >= MIN_BYTES and ledger.reads_own_file():
            from ..beside import Started

            self._started = Started(_child_fingerprints, ledger)

    def take(self) -> Fingerprints | None:
        """The child's fingerprints, or None when there is no child or it could not give them."""
        started, self._started = self._started, None
        return None if started is None else started.result(lambda: None)

    def close(self) -> None:
        if self._started is not None:
            self._started.close()
            self._started = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def split_known(db, items: list[ImportedItem],
                beside: FingerprintChild | None) -> tuple[list[ImportedItem], list[ImportedItem]]:
    """(the items already in the ledger, the rest), by their fingerprints; ([], items) when there are none,
    they are out of date, or the file names too little of the ledger for them to pay."""
    if beside is None:
        return [], items
    (count,) = db.rows("SELECT count(*) FROM predictions")[0]
    if len(items) * 4 <= count:  # the plan looks these up one by one: the fingerprints would cost more
        beside.close()
        return [], items
    found = beside.take()
    if found is None or found.count != count or found.files != _files(db):
        return [], items
    from .imports import UNSUPPORTED_KINDS

    known = found.known
    times = Counter(map(_ID, items))
    days: dict[dt.date, str] = {}
    there, rest = [], []
    for item in items:
        pid = item.id
        forecasts = None if item.kind in UNSUPPORTED_KINDS or times[pid] > 1 else _forecasts_of(item.forecasts, days)
        outcomes = item.outcomes
        if forecasts is not None and fingerprint(pid, item.claim, outcomes[-1].result if outcomes else None,
                                                 forecasts) in known:
            there.append(item)
        else:
            rest.append(item)
    return there, rest

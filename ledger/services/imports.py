"""Importing records from another tool: idempotent, batched, checked before any write.

Takes the neutral records an importer made (ledger.importers.base: items with
forecasts and outcomes) and writes them the way `add` and `resolve` do, but in
one write per file for the whole batch:

  new predictions      -> appended to their set's file (one per set), with the
                          later forecasts inline under each prediction
  new forecasts on predictions already in the ledger -> forecasts.yaml
  new outcome entries  -> a new file outcomes/<today>-import-<name>.yaml per
                          judge (each result carries its own `on:` date)

Identity is the source's: a prediction's id comes from the source's question id,
and a forecast carries the source's own id for it (`ref:`), so a second import of
the same file, under any --by, finds every prediction, forecast and outcome
already there and adds nothing (a large file's unchanged rows are found at once
by their fingerprints, read beside the parse: services.import_known). Forecasts without a ref (a spreadsheet's rows, or
imported before refs existed) are matched by prediction, day and probability, and
by person when the source names them. Multiple-choice and numeric questions are
written when the importer gives every forecast in the ledger's terms (options or
quantiles, ImportedForecast.fields); one it could not is skipped (UNSUPPORTED_KINDS),
since the ledger never holds half a forecast. A row whose records `check` would
flag is rejected alone, in check's words (services.import_checks; a record that
does not read back, store.read's rules, is found by reading each new prediction
alone and the rest planned again). Every new file text is read back and checked
before any file is written; a failure writes nothing. The files are then written together (services.writing.write_texts):
a failure before the renames (a full disk) writes none of them; a crash between two
renames leaves part of the import, which re-running the import completes.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import FileLocation, LedgerError, Problem, SourceLocation, literal, placed
from ..index.sql import as_date, in_batches, in_list
from ..kinds import CHOICE, NUMERIC, parse_result
from ..vocabulary import FORECASTS_KEY, PREDICTIONS_KEY
from ..names import name_key
from .defaults import today
from .import_checks import added_problem, new_prediction_problem
from .import_known import ALREADY, OUTCOME_ORDER_SQL, PLAIN_KEY_SQL, PLAIN_WHERE, plain_key, split_known
from .ledger import Ledger

if TYPE_CHECKING:  # the importers' records; importers sit above services and are not imported here
    from ..importers.base import ImportedForecast, ImportedItem, ImportedOutcome, Parsed
    from .import_known import FingerprintChild

# An item of another kind with a forecast the importer could not give in the ledger's terms
# (importers skip such forecasts themselves, saying why; this is the guard): kind -> why skipped.
UNSUPPORTED_KINDS = {
    CHOICE: "a multiple-choice question with a forecast that does not give every option's probability",
    NUMERIC: "a numeric question with a forecast that gives no quantiles",
}


@dataclass(slots=True)  # not frozen: a re-import makes one per row, and a frozen one costs twice as much to make
class Note:
    """A row that was skipped or rejected, and why. row is the file's line (CSV) or item number (JSON)."""

    row: int
    reason: str
    id: str | None = None
    refs: tuple = ()  # places in the ledger the reason names (errors.placed)

    def text(self, root=None) -> str:
        """The reason, with the places it names shown from `root` (ledger-relative without one)."""
        return placed(self.reason, self.refs, root)

    def to_dict(self, path: str) -> dict:
        return {"where": f"{path}:{self.row}", "row": self.row, "id": self.id, "reason": self.text()}


@dataclass(slots=True)
class ImportReport:
    format: str
    path: str  # the imported file, as given
    dry_run: bool
    rows: int = 0
    added: list[str] = field(default_factory=list)  # ids of new predictions
    forecasts_added: int = 0  # forecasts beyond each new prediction's own p, and on existing predictions
    outcomes_added: int = 0
    skipped: list[Note] = field(default_factory=list)
    rejected: list[Note] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # written (or, with dry_run, that would be)
    warnings: list[str] = field(default_factory=list)  # about the file as a whole

    def to_dict(self) -> dict:
        return {
            "format": self.format,
            "file": self.path,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "added": len(self.added),
            "forecasts_added": self.forecasts_added,
            "outcomes_added": self.outcomes_added,
            "skipped": [n.to_dict(self.path) for n in self.skipped],
            "rejected": [n.to_dict(self.path) for n in self.rejected],
            "files": self.files,
            "ids": self.added,
            "warnings": self.warnings,
        }


def apply_import(
    ledger: Ledger,
    parsed: Parsed,
    *,
    path: str,
    format_name: str,
    default_set: str,
    set_id: str | None = None,
    dry_run: bool = False,
    strict: bool = False,
    known: FingerprintChild | None = None,
) -> ImportReport:
    """Write what `parsed` holds that the ledger lacks. With strict, any rejected row stops everything.

    known -- the ledger's fingerprints being read beside the parse (import_known.FingerprintChild): the items they
             find unchanged are skipped without the plan
    """
    if strict and parsed.rejected:
        raise LedgerError(
            f"{len(parsed.rejected)} of {parsed.rows} records in {path} cannot be imported; nothing was written (--strict)",
            [Problem(FileLocation(path, r.row), r.reason, "import") for r in parsed.rejected],
        )
    unreadable: dict[int, Note] = {}  # id(item) -> why the record it would write does not read back
    there: set[int] | None = None  # id(item) of the items found unchanged by their fingerprints (split_known)
    with ledger.lock():
        while True:
            report = ImportReport(format_name, path, dry_run, parsed.rows)
            report.rejected = [Note(r.row, r.reason) for r in parsed.rejected] + list(unreadable.values())
            report.skipped = [Note(s.row, s.reason, s.id) for s in parsed.skipped]
            report.warnings = list(parsed.warnings)
            with ledger.reader() as db:  # the warm index when it is current: no refresh, no SQLAlchemy
                if there is None:
                    found, rest = split_known(db, parsed.items, known)
                    there = {id(item) for item in found}
                items = [i for i in rest if id(i) not in unreadable] if unreadable else rest
                state = _LedgerState(db, items)
                plan = _Plan(state, set_id, default_set, format_name)
                # In the file's order, found or planned: items may share a row (a group's questions), and
                # their notes are listed as the plan alone lists them.
                for item in parsed.items if there else items:
                    if id(item) in there:
                        report.skipped.append(Note(item.row, ALREADY, item.id))
                    elif id(item) not in unreadable:
                        plan.take(item, report)
                plan.name_places(db, report)
                missing = plan.unknown_claims(db)
            if missing:
                shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
                report.warnings.append(
                    f"the new predictions' `tests:` name {len(missing)} claim{'s' if len(missing) != 1 else ''} this "
                    f"ledger does not have ({shown}): the links are kept, and `pledger check` reports them until "
                    "the claims are added (`pledger claim add`) or the links removed")
            if strict and report.rejected:
                raise LedgerError(
                    f"{len(report.rejected)} {'record' if len(report.rejected) == 1 else 'records'} in {path} "
                    f"{'conflicts' if len(report.rejected) == 1 else 'conflict'} with the ledger; nothing was written (--strict)",
                    [Problem(FileLocation(path, n.row), n.reason, "import") for n in report.rejected],
                )
            texts = plan.texts(ledger)
            if not texts:  # nothing new: the writing side is not even imported
                report.rejected.sort(key=_ROW)
                report.skipped.sort(key=_ROW)
                return report
            from .writing import check_text, write_texts

            try:
                checked = {rel: check_text(ledger.root, rel, old, new) for rel, (old, new) in texts.items()}
                break
            except LedgerError:
                # A record that breaks a rule of store.read: the rows whose own record does not read back
                # are rejected with its words, and the rest planned again (the file would name a line of
                # a file never written).
                bad = plan.unreadable(ledger.root)
                if not bad:
                    raise
                unreadable.update((id(item), Note(item.row, why, item.id)) for item, why in bad)
        report.files = sorted(texts)
        if not dry_run:
            stats = write_texts(ledger.root, texts)  # every file or none
            # The index takes the records just read back: the next command reads none of these files again.
            ledger.record_writes([(rel, stats[rel], new, old, checked[rel], None) for rel, (old, new) in texts.items()])
    report.rejected.sort(key=_ROW)
    report.skipped.sort(key=_ROW)
    return report


_ROW, _ID, _FIRST = operator.attrgetter("row"), operator.attrgetter("id"), operator.itemgetter(0)


def _emit(data: dict) -> str:
    """A mapping as the ledger writes YAML (store.emit), imported when an import first has something to write."""
    from ..store.emit import mapping

    return mapping(data)


class _LedgerState:
    """What the ledger holds about the imported file's ids: their claims, forecasts and last outcome results.

    Read by indexed lookups, or one scan of each table when the file names much of the ledger, and
    only the columns an import compares: a re-import with nothing new reads each table once, into
    dicts built by the driver (a made date or a forecast's key is made only when asked for).
    """

    def __init__(self, db, items: list[ImportedItem]):
        self._db = db
        self._items = items
        self._ids: list[str] | None = None  # the file's ids (_file_ids)
        (self._count,) = db.rows("SELECT count(*) FROM predictions")[0]
        self.claims: dict[str, str] = dict(self._rows("SELECT id, claim FROM predictions", "id"))
        self._made: dict | None = None
        self.ambiguous: dict[str, list[SourceLocation]] = {}  # id defined more than once -> its places
        for pid, file, line in db.rows(
            "SELECT p.id, p.file, p.line FROM predictions p WHERE p.id IN (SELECT a.id FROM ambiguous_ids a) "
            "ORDER BY p.id, p.file, p.line"
        ):
            self.ambiguous.setdefault(pid, []).append(SourceLocation(file, line))
        self.set_files: dict[str, list[SourceLocation]] = {}  # set id -> where each file declaring it does
        for sid, file, line in db.rows("SELECT id, file, line FROM sets ORDER BY file, line"):
            self.set_files.setdefault(sid, []).append(SourceLocation(file, line))
        self.forecasts = _KnownForecasts(
            set(map(_FIRST, self._rows(f"SELECT {PLAIN_KEY_SQL} FROM forecasts", "prediction_id", also=PLAIN_WHERE))),
            lambda: list(self._rows('SELECT prediction_id, "by", at, p, ref, CASE WHEN p IS NULL THEN dist END '
                                    "FROM forecasts", "prediction_id")),
        )
        # id -> the result of its last outcome entry (all an import asks). Most predictions have one
        # entry: read unordered, then in order only those with several.
        self.outcomes: dict[str, str] = dict(self._rows("SELECT prediction_id, result FROM outcomes", "prediction_id"))
        several = [pid for (pid,) in self._rows(
            "SELECT prediction_id FROM outcomes", "prediction_id", " GROUP BY prediction_id HAVING count(*) > 1")]
        if several:
            self.outcomes.update(self._rows("SELECT prediction_id, result FROM outcomes", "prediction_id",
                                            f" ORDER BY prediction_id, {OUTCOME_ORDER_SQL}", among=several))

    def _rows(self, sql: str, column: str, tail: str = "", among: list[str] | None = None, also: str = ""):
        """The rows of sql (where `also` holds) for `among` (default: the file's ids) by their `column`,
        chunked, or every row when that is cheaper."""
        if among is None:
            among = self._file_ids()
        chunks = [""] if among is None or len(among) * 4 > self._count else in_batches(among)
        for chunk in chunks:  # "" : every row
            params: dict = {}
            conditions = [c for c in (also, chunk and f"{column} IN {in_list('id', chunk, params)}") if c]
            where = " WHERE " + " AND ".join(conditions) if conditions else ""
            yield from self._db.rows(sql + where + tail, params)

    def _file_ids(self) -> list[str] | None:
        """The file's ids, or None when they are enough of the ledger that one scan is cheaper: judged by
        the number of items (at least the number of ids), so that a re-import never makes the list."""
        if len(self._items) * 4 > self._count:
            return None
        if self._ids is None:
            self._ids = list(dict.fromkeys(map(_ID, self._items)))
        return self._ids

    def made(self, pid: str) -> dt.date | None:
        """The day a prediction in the ledger was made (read for every id at the first question)."""
        if self._made is None:
            self._made = dict(self._rows("SELECT id, made FROM predictions", "id"))
        return as_date(self._made.get(pid))


class _KnownForecasts:
    """The forecasts in the ledger, as an import asks about them: is this source forecast one of them?

    A forecast with a ref is the ledger forecast with that ref. One without (or whose ref the
    ledger lacks) is a ledger forecast without a ref on the same prediction, day and probability:
    by the same person (as names.name_key compares them) when the source names the person, by
    anyone when the name is only --by's, so that --by does not change what is already there.
    Most forecasts an import asks about are in the index exactly as the source gives them (a
    re-import): those are found in `plain`, one text each (import_known.PLAIN_KEY_SQL); the rules' lookups are
    built from all the index's rows only when one is not, each when first asked.
    """

    def __init__(self, plain: set[str], read_rows: Callable[[], list[tuple]]) -> None:
        self._plain = plain  # the plain_key of every yes/no forecast in the index without a ref
        self._read_rows = read_rows  # -> [(prediction_id, by, at, p, ref, dist where p is NULL)] from the index
        self._index_rows: list[tuple] | None = None
        self._added: list[tuple] = []  # (prediction, person key, day, value key, ref) added by this import
        self._names: dict[str, str] = {}  # name -> name_key(name): a few names, many times over
        self._days: dict[dt.date, str] = {}  # day -> its ISO text, for plain_key
        self._refs: set[tuple[str, str]] | None = None
        # (prediction, person, day, p) and (prediction, day, p) of every forecast -> whether one without a ref has it
        self._named: dict[tuple, bool] | None = None
        self._anyone: dict[tuple, bool] | None = None

    def _name(self, by: str) -> str:
        key = self._names.get(by)
        if key is None:
            key = self._names[by] = name_key(by)
        return key

    def _entries(self) -> Iterator[tuple]:
        """(prediction, person key, day, value key, ref) of every forecast; the few distinct days and values once each."""
        if self._index_rows is None:
            self._index_rows = self._read_rows()
        days: dict = {}
        values: dict = {}
        name = self._name
        for pid, by, at, p, ref, dist in self._index_rows:
            day = days.get(at)
            if day is None:
                day = days[at] = as_date(at)
            if p is None:
                value = _index_dist_key(dist)
            else:
                value = values.get(p)
                if value is None:
                    value = values[p] = _value_key(p)
            yield pid, name(by), day, value, ref
        yield from self._added

    @staticmethod
    def _note(known: dict, key: tuple, ref: str | None) -> None:
        if ref:
            known.setdefault(key, False)
        else:
            known[key] = True

    def _refs_set(self) -> set:
        if self._refs is None:
            self._refs = {(pid, ref) for pid, _, _, _, ref in self._entries() if ref}
        return self._refs

    def _named_dict(self) -> dict:
        if self._named is None:
            self._named, note = {}, self._note
            for pid, who, day, value, ref in self._entries():
                note(self._named, (pid, who, day, value), ref)
        return self._named

    def _anyone_dict(self) -> dict:
        if self._anyone is None:
            self._anyone, note = {}, self._note
            for pid, _, day, value, ref in self._entries():
                note(self._anyone, (pid, day, value), ref)
        return self._anyone

    def add(self, pid: str, f: ImportedForecast) -> None:
        """A forecast this import adds: later items ask about it as about the ledger's own."""
        ref = f.ref
        entry = (pid, self._name(f.by), f.at, _value_key(_dist_key(f.fields) if f.fields else f.p), ref)
        self._added.append(entry)
        if not ref and not f.fields:
            self._plain.add(plain_key(pid, f, self._days))
        if ref and self._refs is not None:
            self._refs.add((pid, ref))
        if self._named is not None:
            self._note(self._named, entry[:4], ref)
        if self._anyone is not None:
            self._note(self._anyone, (pid, f.at, entry[3]), ref)

    def unknown(self, pid: str, forecasts: list[ImportedForecast]) -> list[ImportedForecast]:
        """The forecasts of prediction `pid` that are not in the ledger (one call per item: a re-import asks for every one)."""
        out = []
        plain, days = self._plain, self._days
        for f in forecasts:
            if not f.fields and plain_key(pid, f, days) in plain:
                continue
            if f.ref and (pid, f.ref) in self._refs_set():
                continue
            p = _value_key(_dist_key(f.fields) if f.fields else f.p)
            if f.unnamed:
                known = self._anyone_dict().get((pid, f.at, p))
            else:
                known = self._named_dict().get((pid, self._name(f.by), f.at, p))
            # A source forecast with a ref the ledger lacks can only be one imported before refs existed.
            if known is None or not (known or not f.ref):
                out.append(f)
        return out


def _same_result(ours: object, theirs: str) -> bool:
    """Whether an import's result is the ledger's: yes/no/annulled, an option (any case), a value (as a number)."""
    if ours == theirs:  # the common case: the same text
        return True
    try:
        a, b = parse_result(ours), parse_result(theirs)
    except ValueError:
        return str(ours) == theirs
    if a.value is not None and b.value is not None:
        return a.value == b.value and a.is_date == b.is_date
    return a.result.casefold() == b.result.casefold()


def misfit(item: ImportedItem) -> str | None:
    """Why a multiple-choice or numeric item's later forecasts or outcomes do not fit its question
    (its first forecast), as the ledger would judge them; None when they fit (and for yes/no)."""
    if not item.forecasts or not item.forecasts[0].fields or item.kind not in (CHOICE, NUMERIC):
        return None
    from ..kinds import ANNULLED, match_option, parse_options, parse_quantiles, parse_quantity
    from ..store.read import options_mismatch

    if item.kind == CHOICE:
        options = tuple(o.label for o in parse_options(item.forecasts[0].fields["options"]))
        for f in item.forecasts[1:]:
            if not f.fields or "options" not in f.fields:
                return f"a forecast of {f.at} gives no options for this multiple-choice question"
            why = options_mismatch(options, tuple(o.label for o in parse_options(f.fields["options"])))
            if why:
                return f"the forecast of {f.at}: {why}"
        for o in item.outcomes:
            if o.result != ANNULLED and match_option(options, o.result) is None:
                return f"the outcome {o.result!r} is not one of the options ({', '.join(options)}) or annulled"
        return None
    dates = parse_quantiles(item.forecasts[0].fields["quantiles"]).dates
    for f in item.forecasts[1:]:
        if not f.fields or "quantiles" not in f.fields or parse_quantiles(f.fields["quantiles"]).dates != dates:
            return f"the forecast of {f.at} does not give quantiles of {'dates' if dates else 'numbers'}"
    for o in item.outcomes:
        if o.result == ANNULLED:
            continue
        try:
            parse_quantity(o.result, dates=dates)
        except ValueError as exc:
            return f"the outcome {o.result!r}: {exc}"
    return None


def _value_key(p: float | str | None):
    """A forecast's value as compared: p rounded, or another kind's options or quantiles (_dist_key)."""
    return _rounded(p) if isinstance(p, float) else p


@lru_cache(maxsize=1 << 14)
def _rounded(p: float) -> float:
    return round(p, 9)  # a few distinct values, many times over: round with digits is slow


def _dist_key(fields: dict | None) -> str | None:
    """An import's multiple-choice or numeric forecast as the index's dist compares (values, rounded)."""
    if not fields:
        return None
    from ..kinds import parse_options, parse_quantiles

    if "options" in fields:
        return repr(sorted((o.label.casefold(), round(o.p, 9)) for o in parse_options(fields["options"])))
    return repr([(round(q.level, 9), round(q.value, 9)) for q in parse_quantiles(fields["quantiles"]).quantiles])


def _index_dist_key(dist: str) -> str | None:
    import json

    items = json.loads(dist)
    if not items:
        return None
    if len(items[0]) == 3:
        return repr(sorted((label.casefold(), round(p, 9)) for label, p, _ in items))
    return repr([(round(level, 9), round(value, 9)) for level, value, *_ in items])


class _Plan:
    """The items to append, file by file."""

    def __init__(self, state: _LedgerState, set_id: str | None, default_set: str, format_name: str):
        self.state = state
        self.set_id = set_id
        self.default_set = default_set
        self.name = set_id or default_set or format_name  # names the outcome files
        self.predictions: dict[str, list[str]] = {}  # set id -> item YAML texts
        self.forecasts: list[str] = []
        self.outcomes: dict[tuple, list[tuple[str, ImportedOutcome]]] = {}  # (by, correction, n) -> entries
        self.taken: dict[str, tuple[str, dt.date]] = {}  # id -> (claim, made) of the predictions this import adds
        self.clashes: list[tuple[int, str, str]] = []  # (index in report.rejected, id, the ledger's claim)
        self.new: list[tuple[ImportedItem, str]] = []  # each new prediction's item and YAML text

    def unreadable(self, root) -> list[tuple[ImportedItem, str]]:
        """The new predictions whose own record, read alone as a file would be, has a problem: (item, its words)."""
        from ..store.read import read_file
        from ..store.write import append_items_to_list
        from .add import DEFAULT_FILE

        bad = []
        for item, text in self.new:
            records = read_file(root, DEFAULT_FILE, append_items_to_list("", PREDICTIONS_KEY, [text], DEFAULT_FILE).encode())
            if records.problems:
                bad.append((item, "; and ".join(p.message for p in records.problems)))
        return bad

    def take(self, item: ImportedItem, report: ImportReport) -> None:
        # Other kinds are written when the importer gives them in the ledger's terms (its own exports).
        if item.kind in UNSUPPORTED_KINDS and not (item.forecasts and all(f.fields for f in item.forecasts)):
            report.skipped.append(Note(item.row, UNSUPPORTED_KINDS[item.kind], item.id))
            return
        why = misfit(item) if item.kind in UNSUPPORTED_KINDS else None  # (misfit is None for yes/no)
        if why is not None:  # checked here, so a row that does not fit is rejected alone, not the whole import
            report.rejected.append(Note(item.row, why, item.id))
            return
        places = self.state.ambiguous.get(item.id)
        if places:  # which of the copies would its forecasts and outcomes be for?
            from .select import ambiguous_message

            report.rejected.append(Note(item.row, ambiguous_message(item.id, places), item.id, tuple(places)))
            return
        known = self.state.claims.get(item.id)
        in_ledger = known is not None
        if not in_ledger:
            known = self.taken.get(item.id)
        if known is None:
            why = new_prediction_problem(item)
            if why is not None:  # a rule `check` would flag once written: this row alone is rejected
                report.rejected.append(Note(item.row, why, item.id))
                return
            # item.set_id "" means the source says "no set": the prediction goes where `add` puts it.
            sid = self.set_id or (item.set_id if item.set_id is not None else self.default_set) or None
            text = _prediction_yaml(item)
            self.predictions.setdefault(sid, []).append(text)
            self.new.append((item, text))
            self.taken[item.id] = (item.claim, item.made)
            report.added.append(item.id)
            report.forecasts_added += len(item.forecasts) - 1
            self._outcomes(item, item.outcomes, report)
            return
        claim, made = known if not in_ledger else (known, None)
        if claim != item.claim:
            if in_ledger:  # its file and line are looked up afterwards, for all such rows at once (name_places)
                self.clashes.append((len(report.rejected), item.id, claim))
            report.rejected.append(Note(item.row, _clash_reason(item.id, claim, False), item.id))
            return
        new = self.state.forecasts.unknown(item.id, item.forecasts)
        theirs = self.state.outcomes.get(item.id)
        if in_ledger and (new or (theirs is None and item.outcomes)):
            made = self.state.made(item.id)
        if made is not None:  # what the row adds, against the prediction's made day: rejected whole, as a new one's
            why = added_problem(item.id, made, new, item.outcomes if theirs is None else [])
            if why is not None:
                report.rejected.append(Note(item.row, why, item.id))
                return
        for f in new:
            self.forecasts.append(_emit(_forecast_entry(item.id, f)))
            self.state.forecasts.add(item.id, f)
        report.forecasts_added += len(new)
        if theirs is not None:
            ours = item.outcomes[-1].result if item.outcomes else None
            if ours is not None and not _same_result(ours, theirs):
                # The row's resolution is what was skipped: its new forecasts (above) are added, and the note says so.
                added = f"; its {len(new)} new forecast{'s were' if len(new) != 1 else ' was'} added" if new else ""
                report.skipped.append(Note(item.row, f"the ledger has {item.id!r} resolved {theirs}; the source says {ours}"
                                           f"{added}. Record a correction with `pledger resolve --correct` if the source "
                                           "is right", item.id))
                return
            if not new:
                report.skipped.append(Note(item.row, ALREADY, item.id))
            return
        if item.outcomes:
            self._outcomes(item, item.outcomes, report)
        elif not new:
            report.skipped.append(Note(item.row, ALREADY, item.id))

    def unknown_claims(self, db) -> list[str]:
        """The claim ids the new predictions' `tests:` name that the ledger has no claim for, in order."""
        named = list(dict.fromkeys(c for item, _ in self.new for c in item.tests))
        known: set[str] = set()
        for ids in in_batches(named):
            params: dict = {}
            known.update(r[0] for r in db.rows(f"SELECT c.id FROM claims c WHERE c.id IN {in_list('c', ids, params)}",
                                               params))
        return [c for c in named if c not in known]

    def name_places(self, db, report: ImportReport) -> None:
        """Say where each clashing prediction is in the ledger (file:line), read for just those ids."""
        if not self.clashes:
            return
        ids = list(dict.fromkeys(pid for _, pid, _ in self.clashes))
        places: dict[str, SourceLocation] = {}
        for chunk in in_batches(ids):
            params: dict = {}
            for pid, file, line in db.rows(
                f"SELECT id, file, line FROM predictions WHERE id IN {in_list('id', chunk, params)} "
                "ORDER BY id, file, line", params,
            ):
                places.setdefault(pid, SourceLocation(file, line))
        for at, pid, claim in self.clashes:
            note = report.rejected[at]
            place = places.get(pid)
            report.rejected[at] = Note(note.row, _clash_reason(pid, claim, place is not None), pid,
                                       (place,) if place is not None else ())

    def _outcomes(self, item: ImportedItem, outcomes: list[ImportedOutcome], report: ImportReport) -> None:
        counts: dict[tuple, int] = {}
        for o in outcomes:
            key = (o.by, o.correction)
            n = counts.get(key, 0)  # one file holds one entry per prediction
            counts[key] = n + 1
            self.outcomes.setdefault((o.by, o.correction, n), []).append((item.id, o))
            self.state.outcomes[item.id] = o.result
        report.outcomes_added += len(outcomes)

    def texts(self, ledger: Ledger) -> dict[str, tuple[str | None, str]]:
        """{file: (old text or None, new text)} for every file the import changes."""
        if not (self.predictions or self.forecasts or self.outcomes):
            return {}
        from ..store.write import append_items_to_list
        from .add import DEFAULT_FILE, FORECASTS_FILE, set_declared_twice
        from .resolve import OUTCOMES_DIR
        from .writing import read_text

        out: dict[str, tuple[str | None, str]] = {}
        for sid in sorted(self.predictions, key=lambda s: s or ""):
            places = self.state.set_files.get(sid, [])
            if len(places) > 1:
                raise set_declared_twice(sid, places, f"the import's set {sid}",
                                         "import into another set with --set")
            rel = places[0].path if places else (f"{sid}.yaml" if sid else DEFAULT_FILE)
            old = read_text(ledger.root / rel)
            base = old if old is not None else (_emit({"set": sid}) if sid else "")
            out[rel] = (old, append_items_to_list(base, PREDICTIONS_KEY, self.predictions[sid], rel))
        if self.forecasts:
            old = read_text(ledger.root / FORECASTS_FILE)
            out[FORECASTS_FILE] = (old, append_items_to_list(old or "", FORECASTS_KEY, self.forecasts, FORECASTS_FILE))
        taken = set(out)
        for key in sorted(self.outcomes, key=lambda k: (k[1], k[2], k[0])):
            rel = _free_name(ledger, f"{OUTCOMES_DIR}/{today().isoformat()}-import-{self.name}", taken)
            taken.add(rel)
            out[rel] = (None, _outcome_text(key[0], key[1], self.outcomes[key]))
        return out


def _clash_reason(pid: str, claim: str, placed_at: bool) -> str:
    """placed_at: the reason names the prediction's place, as the note's one ref ({0}: errors.placed)."""
    if not placed_at:
        return f"id {pid!r} is already in the ledger for another claim: {claim[:60]!r}"
    return f"id {literal(repr(pid))} is already in the ledger ({{0}}) for another claim: {literal(repr(claim[:60]))}"


def _free_name(ledger: Ledger, base: str, taken: set[str]) -> str:
    candidate, n = f"{base}.yaml", 2
    while candidate in taken or (ledger.root / candidate).exists():
        candidate, n = f"{base}_{n:02d}.yaml", n + 1
    return candidate


def as_written(typed: str) -> float | int | str:
    """A probability as typed: a plain number stays a number when YAML gives the same text back, else quoted text."""
    try:
        number = float(typed)
    except ValueError:
        return typed
    if repr(number) == typed:
        return number
    if typed.isdigit():
        return int(typed)  # 0 and 1 as typed, not 0.0 and 1.0
    return typed


def _prediction_yaml(item: ImportedItem) -> str:
    # The prediction is its first forecast: that forecast's author, day, probability, note and ref.
    first = item.forecasts[0]
    data: dict = {"id": item.id, "claim": item.claim, **_forecast_value(first), "by": first.by, "made": first.at}
    data.update(item.extra)
    note = "\n\n".join(n for n in (item.note, first.note) if n) or None
    for key, value in (("due", item.due), ("about", item.about), ("criteria", item.criteria), ("source", item.source),
                       ("note", note)):
        if value is not None:
            data[key] = value
    if item.tags:
        data["tags"] = list(item.tags)
    if item.tests:
        data["tests"] = list(item.tests)
    if first.ref:
        data["ref"] = first.ref
    later = [_inline_forecast(f, first.by) for f in item.forecasts[1:]]
    if later:
        data["forecasts"] = later
    return _emit(data)


def _forecast_value(f: ImportedForecast) -> dict:
    """`p: ...` as typed, or another kind's `options:` / `quantiles:`."""
    return dict(f.fields) if f.fields else {"p": as_written(f.p_typed)}


def _inline_forecast(f: ImportedForecast, author: str) -> dict:
    entry: dict = _forecast_value(f)
    if f.by != author:
        entry["by"] = f.by
    entry["at"] = f.at
    if f.note:
        entry["note"] = f.note
    if f.ref:
        entry["ref"] = f.ref
    return entry


def _forecast_entry(pid: str, f: ImportedForecast) -> dict:
    entry = {"prediction": pid, **_forecast_value(f), "by": f.by, "at": f.at}
    if f.note:
        entry["note"] = f.note
    if f.ref:
        entry["ref"] = f.ref
    return entry


def _outcome_text(by: str, correction: bool, entries: list[tuple[str, ImportedOutcome]]) -> str:
    on = min(o.on for _, o in entries)
    header: dict = {"on": on, "by": by}
    if correction:
        header["correction"] = True
    results: dict = {}
    for pid, o in entries:
        detail: dict = {"result": o.result}
        if o.on != on:
            detail["on"] = o.on
        if o.note:
            detail["note"] = o.note
        if o.evidence:
            detail["evidence"] = [dict(e) for e in o.evidence]
        results[pid] = detail if len(detail) > 1 else o.result
    header["results"] = results
    return _emit(header)

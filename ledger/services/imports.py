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
already there and adds nothing. Forecasts without a ref (a spreadsheet's rows, or
imported before refs existed) are matched by prediction, day and probability, and
by person when the source names them. Multiple-choice and numeric questions are
written when the importer gives every forecast in the ledger's terms (options or
quantiles, ImportedForecast.fields); one it could not is skipped (UNSUPPORTED_KINDS),
since the ledger never holds half a forecast. Every
new file text is read back and checked before any file is written; a failure
writes nothing. The files are then written together (services.writing.write_texts):
a failure before the renames (a full disk) writes none of them; a crash between two
renames leaves part of the import, which re-running the import completes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..errors import FileLocation, LedgerError, Problem
from ..index.sql import as_date, in_list
from ..kinds import CHOICE, NUMERIC, parse_result
from ..models import FORECASTS_KEY, PREDICTIONS_KEY
from ..names import name_key
from ..store.emit import mapping as emit_mapping
from ..store.write import append_items_to_list
from .add import DEFAULT_FILE, FORECASTS_FILE
from .defaults import today
from .ledger import Ledger
from .resolve import OUTCOMES_DIR
from .select import MAX_IDS, ambiguous_message
from .writing import check_text, read_text, write_texts

if TYPE_CHECKING:  # the importers' records; importers sit above services and are not imported here
    from ..importers.base import ImportedForecast, ImportedItem, ImportedOutcome, Parsed

# An item of another kind with a forecast the importer could not give in the ledger's terms
# (importers skip such forecasts themselves, saying why; this is the guard): kind -> why skipped.
UNSUPPORTED_KINDS = {
    CHOICE: "a multiple-choice question with a forecast that does not give every option's probability",
    NUMERIC: "a numeric question with a forecast that gives no quantiles",
}


@dataclass(frozen=True, slots=True)
class Note:
    """A row that was skipped or rejected, and why. row is the file's line (CSV) or item number (JSON)."""

    row: int
    reason: str
    id: str | None = None

    def to_dict(self, path: str) -> dict:
        return {"where": f"{path}:{self.row}", "row": self.row, "id": self.id, "reason": self.reason}


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
) -> ImportReport:
    """Write what `parsed` holds that the ledger lacks. With strict, any rejected row stops everything."""
    report = ImportReport(format_name, path, dry_run, parsed.rows)
    report.rejected = [Note(r.row, r.reason) for r in parsed.rejected]
    report.skipped = [Note(s.row, s.reason, s.id) for s in parsed.skipped]
    report.warnings = list(parsed.warnings)
    if strict and report.rejected:
        raise LedgerError(
            f"{len(report.rejected)} of {parsed.rows} records in {path} cannot be imported; nothing was written (--strict)",
            [Problem(FileLocation(path, n.row), n.reason, "import") for n in report.rejected],
        )
    with ledger.lock():
        with ledger.reader() as db:  # the warm index when it is current: no refresh, no SQLAlchemy
            state = _LedgerState.read(db, list(dict.fromkeys(item.id for item in parsed.items)))
        plan = _Plan(state, set_id, default_set, format_name)
        for item in parsed.items:
            plan.take(item, report)
        if strict and report.rejected:
            raise LedgerError(
                f"{len(report.rejected)} {'record' if len(report.rejected) == 1 else 'records'} in {path} "
                f"{'conflicts' if len(report.rejected) == 1 else 'conflict'} with the ledger; nothing was written (--strict)",
                [Problem(FileLocation(path, n.row), n.reason, "import") for n in report.rejected],
            )
        texts = plan.texts(ledger)
        checked = {rel: check_text(ledger.root, rel, old, new) for rel, (old, new) in texts.items()}
        report.files = sorted(texts)
        if not dry_run and texts:
            stats = write_texts(ledger.root, texts)  # every file or none
            # The index takes the records just read back: the next command reads none of these files again.
            ledger.record_writes([(rel, stats[rel], new, old, checked[rel], None) for rel, (old, new) in texts.items()])
    report.rejected.sort(key=lambda n: n.row)
    report.skipped.sort(key=lambda n: n.row)
    return report


@dataclass(slots=True)
class _LedgerState:
    claims: dict[str, tuple[str, str, int, dt.date | None]]  # id -> (claim, file, line, made)
    set_files: dict[str, str]
    forecasts: _KnownForecasts
    outcomes: dict[str, list[tuple[str, dt.date, bool]]]  # id -> [(result, on, correction)] oldest first
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # id defined more than once -> its places

    @classmethod
    def read(cls, db, ids: list[str]) -> _LedgerState:
        """What the ledger holds about `ids` (the imported file's): their predictions, forecasts and outcome
        entries, by indexed lookups; when the file names much of the ledger, one scan of each table instead."""
        (count,) = db.rows("SELECT count(*) FROM predictions")[0]
        chunks = [""] if len(ids) * 4 > count else [ids[i:i + MAX_IDS] for i in range(0, len(ids), MAX_IDS)]

        def rows(sql: str, column: str, order: str = ""):
            for chunk in chunks:  # "" : every row
                params: dict = {}
                where = f" WHERE {column} IN {in_list('id', chunk, params)}" if chunk else ""
                yield from db.rows(sql + where + order, params)

        claims = {pid: (claim, file, line, as_date(made))
                  for pid, claim, file, line, made in rows("SELECT id, claim, file, line, made FROM predictions", "id")}
        ambiguous: dict[str, list[str]] = {}
        for pid, file, line in db.rows(
            "SELECT p.id, p.file, p.line FROM predictions p WHERE p.id IN (SELECT a.id FROM ambiguous_ids a) "
            "ORDER BY p.id, p.file, p.line"
        ):
            ambiguous.setdefault(pid, []).append(f"{file}:{line}")
        set_files: dict[str, str] = {}
        for sid, file in db.rows("SELECT id, file FROM sets ORDER BY file"):
            set_files.setdefault(sid, file)
        forecasts = _KnownForecasts()
        for pid, by, at, p, ref, dist in rows('SELECT prediction_id, "by", at, p, ref, dist FROM forecasts', "prediction_id"):
            forecasts.add(pid, by, as_date(at), p if p is not None else _index_dist_key(dist), ref)
        outcomes: dict[str, list] = {}
        for pid, result, on, correction in rows('SELECT prediction_id, result, "on", correction FROM outcomes',
                                                "prediction_id", ' ORDER BY prediction_id, "on", correction, file, line'):
            outcomes.setdefault(pid, []).append((result, as_date(on), bool(correction)))
        return cls(claims, set_files, forecasts, outcomes, ambiguous)


class _KnownForecasts:
    """The forecasts in the ledger, as an import asks about them: is this source forecast one of them?

    A forecast with a ref is the ledger forecast with that ref. One without (or whose ref the
    ledger lacks) is a ledger forecast without a ref on the same prediction, day and probability:
    by the same person (as names.name_key compares them) when the source names the person, by
    anyone when the name is only --by's, so that --by does not change what is already there.
    """

    def __init__(self) -> None:
        self.refs: set[tuple[str, str]] = set()
        # (prediction, person, day, p) and (prediction, day, p) of every forecast -> whether one without a ref has it
        self.named: dict[tuple, bool] = {}
        self.anyone: dict[tuple, bool] = {}

    def add(self, pid: str, by: str, at: dt.date, p: float | str | None, ref: str | None) -> None:
        p = _value_key(p)
        if ref:
            self.refs.add((pid, ref))
        named, anyone = (pid, name_key(by), at, p), (pid, at, p)
        self.named[named] = self.named.get(named, False) or not ref
        self.anyone[anyone] = self.anyone.get(anyone, False) or not ref

    def has(self, pid: str, f: ImportedForecast) -> bool:
        if f.ref and (pid, f.ref) in self.refs:
            return True
        p = _value_key(_dist_key(f.fields) if f.fields else f.p)
        known = self.anyone.get((pid, f.at, p)) if f.unnamed else self.named.get((pid, name_key(f.by), f.at, p))
        # A source forecast with a ref the ledger lacks can only be one imported before refs existed.
        return known is not None and (known or not f.ref)


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

    def take(self, item: ImportedItem, report: ImportReport) -> None:
        # Other kinds are written when the importer gives them in the ledger's terms (its own exports).
        if item.kind in UNSUPPORTED_KINDS and not (item.forecasts and all(f.fields for f in item.forecasts)):
            report.skipped.append(Note(item.row, UNSUPPORTED_KINDS[item.kind], item.id))
            return
        why = misfit(item)
        if why is not None:  # checked here, so a row that does not fit is rejected alone, not the whole import
            report.rejected.append(Note(item.row, why, item.id))
            return
        places = self.state.ambiguous.get(item.id)
        if places:  # which of the copies would its forecasts and outcomes be for?
            report.rejected.append(Note(item.row, ambiguous_message(item.id, places), item.id))
            return
        known = self.state.claims.get(item.id)
        if known is None:
            # item.set_id "" means the source says "no set": the prediction goes where `add` puts it.
            sid = self.set_id or (item.set_id if item.set_id is not None else self.default_set) or None
            self.predictions.setdefault(sid, []).append(_prediction_yaml(item))
            self.state.claims[item.id] = (item.claim, "", 0, item.made)
            report.added.append(item.id)
            report.forecasts_added += len(item.forecasts) - 1
            self._outcomes(item, item.outcomes, report)
            return
        claim, file, line, made = known
        if claim != item.claim:
            where = f" ({file}:{line})" if file else ""
            report.rejected.append(Note(item.row, f"id {item.id!r} is already in the ledger{where} for another claim: {claim[:60]!r}", item.id))
            return
        new = [f for f in item.forecasts if not self.state.forecasts.has(item.id, f)]
        early = [f for f in new if made is not None and f.at < made]
        if early:  # the ledger's prediction is its first forecast; one before it cannot be added after the fact
            new = [f for f in new if f not in early]
            report.skipped.append(Note(item.row, f"{len(early)} {'forecast' if len(early) == 1 else 'forecasts'} dated before "
                                       f"{item.id!r} was made in the ledger ({made}): not added", item.id))
        for f in new:
            self.forecasts.append(emit_mapping(_forecast_entry(item.id, f)))
            self.state.forecasts.add(item.id, f.by, f.at, _dist_key(f.fields) if f.fields else f.p, f.ref)
        report.forecasts_added += len(new)
        standing = self.state.outcomes.get(item.id)
        if standing:
            ours = item.outcomes[-1].result if item.outcomes else None
            theirs = standing[-1][0]
            if ours is not None and not _same_result(ours, theirs):
                report.skipped.append(Note(item.row, f"the ledger has {item.id!r} resolved {theirs}; the source says {ours}. "
                                           "Record a correction with `pledger resolve --correct` if the source is right", item.id))
                return
            if not new:
                report.skipped.append(Note(item.row, "already in the ledger", item.id))
            return
        if item.outcomes:
            self._outcomes(item, item.outcomes, report)
        elif not new:
            report.skipped.append(Note(item.row, "already in the ledger", item.id))

    def _outcomes(self, item: ImportedItem, outcomes: list[ImportedOutcome], report: ImportReport) -> None:
        counts: dict[tuple, int] = {}
        for o in outcomes:
            key = (o.by, o.correction)
            n = counts.get(key, 0)  # one file holds one entry per prediction
            counts[key] = n + 1
            self.outcomes.setdefault((o.by, o.correction, n), []).append((item.id, o))
            self.state.outcomes.setdefault(item.id, []).append((o.result, o.on, o.correction))
        report.outcomes_added += len(outcomes)

    def texts(self, ledger: Ledger) -> dict[str, tuple[str | None, str]]:
        """{file: (old text or None, new text)} for every file the import changes."""
        out: dict[str, tuple[str | None, str]] = {}
        for sid in sorted(self.predictions, key=lambda s: s or ""):
            rel = self.state.set_files.get(sid) or (f"{sid}.yaml" if sid else DEFAULT_FILE)
            old = read_text(ledger.root / rel)
            base = old if old is not None else (emit_mapping({"set": sid}) if sid else "")
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
    return emit_mapping(data)


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
    return emit_mapping(header)

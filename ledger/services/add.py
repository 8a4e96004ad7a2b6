"""Adding predictions and forecasts: text appended to a file, never a rewrite."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from .. import yamlio
from ..errors import LedgerError, SourceLocation, UsageError, literal
from ..index.sql import as_date, as_db
from ..kinds import CHOICE, NUMERIC, check_unit, dist_from_json
from ..models import check_slug, source_text
from ..vocabulary import FORECASTS_KEY, PREDICTIONS_KEY
from ..store.write import insert_items
from .defaults import default_by, today
from .forecast_input import check_kind, forecast_input
from .ledger import Ledger
from .writing import commit_text, read_text, refuse_ambiguous, slugify, unique_id

DEFAULT_FILE = "predictions.yaml"
FORECASTS_FILE = "forecasts.yaml"


@dataclass(frozen=True, slots=True)
class Added:
    id: str
    path: str  # the file it was written to, relative to the root


def add_prediction(
    ledger: Ledger,
    claim: str,
    p: str | float | None = None,
    *,
    options: list[str] | tuple[str, ...] = (),
    ordered: bool = False,
    quantiles: list[str] | tuple[str, ...] = (),
    intervals: list[str] | tuple[str, ...] = (),
    unit: str | None = None,
    closes: dt.date | None = None,
    id: str | None = None,
    set_id: str | None = None,
    by: str | None = None,
    made: dt.date | None = None,
    about: str | None = None,
    due: dt.date | None = None,
    tags: list[str] | tuple[str, ...] = (),
    source: str | None = None,
    criteria: str | None = None,
    tests: list[str] | tuple[str, ...] = (),
    title: str | None = None,
) -> Added:
    """Record a new prediction. Raises UsageError for a bad argument, LedgerError for bad data.

    Its forecast is one of: p (yes/no), options ("NAME=P" texts: multiple choice,
    `ordered` when they have an order) or quantiles/intervals ("LEVEL=VALUE",
    "90%=LOW..HIGH": numeric, with an optional unit); services.forecast_input.

    tests -- ids of claims on record that the prediction puts to a test (`tests:`)
    title -- the title of a new set (needs set_id); for a set that exists it must be its title
    """
    if not claim or not claim.strip():
        raise UsageError("the claim is empty; say what will happen, in quotes", "CLAIM")
    given = forecast_input(p, options, quantiles, intervals)
    if ordered and given.kind != CHOICE:
        raise UsageError("--ordered is for a multiple-choice question (one with --option)", "--ordered")
    if unit is not None and given.kind != NUMERIC:
        raise UsageError("--unit is for a numeric question (one with --quantile or --interval)", "--unit")
    if unit is not None:
        if given.dates:
            raise UsageError("--unit: a question about dates scores in days; leave --unit out", "--unit")
        try:
            unit = check_unit(unit)
        except ValueError as exc:
            raise UsageError(f"--unit: {exc}", "--unit") from None
    for value, arg in ((id, "--id"), (set_id, "--set")):
        if value is not None:
            _slug(value, arg)
    for tag in tags:
        _slug(tag, "--tag", "tag")
    for claim_id in tests:
        _slug(claim_id, "--tests")
    if title is not None and set_id is None:
        raise UsageError("--title is the title of a new set: give --set too", "--title")
    if source is not None:
        _checked(source_text, source, "--source")
    by = by or default_by()
    made = made or today()
    if due is not None and due < made:
        raise UsageError(f"--due {due} is before the prediction is made ({made})", "--due")
    if closes is not None and closes < made:
        raise UsageError(f"--closes {closes} is before the prediction is made ({made})", "--closes")
    with ledger.lock():
        with ledger.connect() as conn:
            db = as_db(conn)
            base = id or slugify(claim)
            # The ids a new one could clash with: this one, and its numbered variants (an indexed lookup).
            pattern = base.replace("/", "//").replace("%", "/%").replace("_", "/_") + "-%"
            taken = {r[0] for r in db.rows("SELECT id FROM predictions WHERE id = :id OR id LIKE :like ESCAPE '/'",
                                           {"id": base, "like": pattern})}
            set_file, set_title = _set_of(db, set_id) if set_id is not None else (None, None)
            if tests:
                _known_claims(db, tests)
        if title is not None and set_file is not None and title != set_title:
            has = f"the title {set_title!r}" if set_title else "no title"
            raise UsageError(f"--title: set {set_id!r} already exists with {has} ({set_file}); "
                             "leave --title out, or edit the file's `title:`", "--title")
        if id is not None and id in taken:
            raise UsageError(f"--id {id!r} is already used in the ledger; pick another id", "--id")
        new_id = id or unique_id(base, taken)
        rel = set_file or (f"{set_id}.yaml" if set_id else DEFAULT_FILE)
        path = ledger.root / rel
        old = read_text(path)
        doc = _parsed(old)  # parsed once: for the header, the insertion and the check
        header = {}
        if old is None and set_id is not None:
            header = {"set": set_id, **({"title": title} if title is not None else {}), "by": by, "made": made}
        elif doc is not None:
            header = _header_of(doc)
        item = {"id": new_id, "claim": claim.strip(), **given.fields}
        if ordered:
            item["ordered"] = True
        if unit is not None:
            item["unit"] = unit
        if header.get("by") != by:
            item["by"] = by
        if header.get("made") != made:
            item["made"] = made
        # Trailing blank lines in a text would be written as a keep-chomped block (`|+`)
        # that cannot sit inside a list item: they carry nothing, so they go.
        about, criteria = (t.rstrip("\n") if isinstance(t, str) else t for t in (about, criteria))
        for key, value in (("due", due), ("closes", closes), ("about", about), ("criteria", criteria), ("source", source)):
            if value is not None:
                item[key] = value
        if tags:
            item["tags"] = list(dict.fromkeys(tags))
        if tests:
            item["tests"] = list(dict.fromkeys(tests))
        base = old if old is not None else (yamlio.dump(header) if header else "")
        ins = insert_items(base, PREDICTIONS_KEY, [yamlio.dump(item)], rel, doc)
        commit_text(ledger, rel, old, ins.text, old_doc=doc, key=PREDICTIONS_KEY, insertion=ins)
    return Added(new_id, rel)


def add_forecast(
    ledger: Ledger,
    prediction_id: str,
    p: str | float | None = None,
    *,
    options: list[str] | tuple[str, ...] = (),
    quantiles: list[str] | tuple[str, ...] = (),
    intervals: list[str] | tuple[str, ...] = (),
    by: str | None = None,
    at: dt.date | None = None,
    note: str | None = None,
) -> Added:
    """Record an update, or another forecaster's forecast, on an existing prediction
    (p, options or quantiles/intervals, as the question's kind takes: add_prediction)."""
    given = forecast_input(p, options, quantiles, intervals)
    by = by or default_by()
    at = at or today()
    with ledger.lock():
        with ledger.connect() as conn:
            question = question_of(conn, prediction_id)
            refuse_ambiguous(conn, [prediction_id])
            if question is None:
                from .queries import unknown_id_error

                raise unknown_id_error(conn, "prediction", [prediction_id])
        if at < question.made:
            raise UsageError(f"--at {at} is before the prediction was made ({question.made})", "--at")
        check_kind(given, question.kind, prediction_id, question.options, question.dates)
        fields = given.fields
        if question.kind == CHOICE:  # each option as the question spells it, in its order
            typed = {o.label.casefold(): v for o, v in zip(given.options, given.fields["options"].values())}
            fields = {"options": {label: typed[label.casefold()] for label in question.options}}
        entry = {"prediction": prediction_id, **fields, "by": by, "at": at}
        if note and note.strip():
            entry["note"] = note.rstrip("\n")
        path = ledger.root / FORECASTS_FILE
        old = read_text(path)
        doc = _parsed(old)
        ins = insert_items(old or "", FORECASTS_KEY, [yamlio.dump(entry)], FORECASTS_FILE, doc)
        commit_text(ledger, FORECASTS_FILE, old, ins.text, old_doc=doc, key=FORECASTS_KEY, insertion=ins)
    return Added(prediction_id, FORECASTS_FILE)


@dataclass(frozen=True, slots=True)
class Question:
    """What a write needs to know of an existing prediction: its date and what kind of answer it takes."""

    id: str
    made: dt.date
    kind: str
    options: tuple[str, ...]
    dates: bool
    unit: str | None = None


def question_of(conn, prediction_id: str) -> Question | None:
    """The prediction with that id (the first copy of an ambiguous one), or None."""
    rows = as_db(conn).rows(
        "SELECT p.made, p.kind, p.dist, p.dates, p.unit FROM predictions p WHERE p.id = :id ORDER BY p.file, p.line LIMIT 1",
        {"id": prediction_id},
    )
    if not rows:
        return None
    made, kind, dist, dates, unit = rows[0]
    options = tuple(o.label for o in dist_from_json(kind, json.loads(dist))) if kind == CHOICE else ()
    return Question(prediction_id, as_date(made), kind, options, bool(dates), unit)


def _set_of(db, set_id: str) -> tuple[str | None, str | None]:
    """(file, title) of the set, (None, None) when it is new. LedgerError when several files declare it (a
    `duplicate-id` of `check`): which one a new prediction belongs in is the ledger's to say, not add's to guess."""
    found = db.rows("SELECT file, line, title FROM sets WHERE id = :id ORDER BY file, line", {"id": set_id})
    if len(found) > 1:
        raise set_declared_twice(set_id, [SourceLocation(file, line) for file, line, _ in found], f"--set {set_id}",
                                 "add the prediction by hand to the file you mean")
    return (found[0][0], found[0][2]) if found else (None, None)


def set_declared_twice(set_id: str, places: list, asked: str, or_else: str) -> LedgerError:
    """The error of a write that would add to a set several files declare (`check`'s duplicate-id): which
    file it belongs in is the ledger's to say. places: SourceLocations; asked: what named the set; or_else:
    the other way out."""
    from .select import listed_places

    return LedgerError(
        f"set id {literal(repr(set_id))} is declared {len(places)} times ({listed_places(len(places))}), so "
        f"{literal(asked)} does not say which file to add to; rename the set in all but one of those files so each "
        f"set id names one set, or {literal(or_else)}; nothing was written", refs=places)


def _known_claims(db, claim_ids) -> None:
    """UsageError naming --tests when a claim id is not on record (with the nearest id, when one is close)."""
    from ..suggest import did_you_mean

    known = {r[0] for r in db.rows("SELECT id FROM claims")}
    for claim_id in claim_ids:
        if claim_id not in known:
            raise UsageError(f"--tests: no claim with id {claim_id!r}{did_you_mean(claim_id, known)}; "
                             "`pledger claim list` shows the ids", "--tests")


def _checked(check, value: str, argument: str) -> None:
    try:
        check(value)
    except ValueError as exc:
        raise UsageError(f"{argument}: {exc}", argument) from None


def _slug(value: str, argument: str, what: str = "id") -> None:
    try:
        check_slug(value, what)
    except ValueError as exc:
        raise UsageError(f"{argument}: {exc}", argument) from None


def _parsed(text: str | None) -> yamlio.Document | None:
    """text parsed, or None when there is none or it does not parse (insert_items then says why)."""
    if text is None:
        return None
    try:
        return yamlio.parse(text)
    except yamlio.YamlProblemError:
        return None


def _header_of(doc: yamlio.Document) -> dict:
    data = doc.data
    return {k: v for k, v in data.items() if k != PREDICTIONS_KEY} if isinstance(data, dict) else {}



"""Scoring a ledger: pick the forecasts to score (the selection and a forecast
policy), then hand numpy arrays to the scoring engine. No printing.

    with ledger.connect() as conn:
        table = select_forecasts(conn, Selection(set_id="anthropic-sae-2024"), "first")
    run = score(ledger, Selection(set_id="anthropic-sae-2024"))
    run.report.gap.total  # -0.74

Who is scored
  authors     -- (the default) each prediction's author, on their own predictions
  forecaster  -- with Selection.by = NAME: NAME's forecasts on every selected
                 prediction, their own and other people's (names match ignoring case)
  everyone    -- every forecaster on the selected predictions (the leaderboard)

Forecaster names match ignoring case and surrounding whitespace
(ledger.names.name_key): "Ben", "ben" and "BEN" are one forecaster, shown with
the first spelling seen.

Forecast policy (always reported with the scores): services.policy.

Question kinds. A selection may mix yes/no, multiple-choice and numeric
questions: each kind is scored by the registry's rules for it
(ledger.scoring.registry), and the run says which rules were applied to what.
`report` is the yes/no report (as it always was); `reports` holds the other
kinds' and, under time-weighted, the yes/no questions' scores over time.

Only predictions whose standing outcome (ledger.index.derive: the first
outcome entry, or the last correction after it) can be scored count: yes or no,
an option, a value. Annulled ones are excluded and counted; unresolved ones are
counted as pending.

Order is deterministic: predictions in ledger order (made, file, position), and
within a prediction forecaster, then date. The bootstrap resamples in this order,
so the same ledger gives the same intervals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..index.derive import ANNULLED_CODE, NO, PENDING, YES
from ..index.sql import Db, as_db, in_list
from ..kinds import BINARY, KINDS
from ..kinds import LABELS as KIND_LABELS
from .ledger import Ledger
from .policy import POLICIES, POLICY_RULES, SCORED_RULES, check_policy, pick  # noqa: F401  (re-exported)
from .select import PREDICTION_ORDER_SQL, Selection, spellings, where_sql

#: With bootstrap="auto", intervals are computed with this many resamples when
#: there are at most BOOTSTRAP_AUTO_MAX forecasts (above that they cost more than
#: the rest of the scoring and are narrow anyway; ask for them with a number).
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_AUTO_MAX = 10_000

OUTCOME_RULE = ("the first outcome entry, or the last correction after it; "
                "annulled excluded and counted, unresolved counted as pending")


@dataclass(frozen=True, eq=False)  # holds arrays
class ForecastTable:
    """The yes/no forecasts to score, as parallel arrays (one row per forecast), and
    what was left out.

    prediction_id, forecaster -- object arrays of str
    p                          -- float64 probabilities
    outcome                    -- int8, 1 if it happened, 0 if not
    p_typed, at                -- object arrays: each forecast's probability as
                                  typed and its date (ISO text or a date), so a
                                  report can show the very forecasts scored; None
                                  for the authors under `first`, whose forecast
                                  is the published p (Prediction.p_typed, dated
                                  the day made: the shortcut reads no forecast rows)
    predictions -- predictions the selection matched
    resolved    -- of those, resolved yes or no
    annulled    -- resolved annulled: excluded, counted
    pending     -- not resolved yet: counted
    without_forecast -- resolved predictions on which nobody scored had a
                   forecast under the policy (e.g. when every forecast is dated
                   after the resolution)
    after_resolution -- forecasts left out because they are dated after the
                   resolution date: under `all` every such forecast; under
                   `first` and `last` each forecaster (per prediction) whose
                   every forecast on it came after
    """

    prediction_id: np.ndarray
    forecaster: np.ndarray
    p: np.ndarray
    outcome: np.ndarray
    policy: str
    scored: str  # authors | forecaster | everyone
    name: str | None
    predictions: int
    resolved: int
    annulled: int
    pending: int
    without_forecast: int
    after_resolution: int = 0
    p_typed: np.ndarray | None = None
    at: np.ndarray | None = None
    question: np.ndarray | None = None  # per forecast: its prediction's place in the selection (a question code)

    @property
    def n(self) -> int:
        return int(self.p.shape[0])

    def counts(self) -> dict[str, int]:
        return {
            "predictions": self.predictions,
            "resolved": self.resolved,
            "annulled": self.annulled,
            "pending": self.pending,
            "without_forecast": self.without_forecast,
            "after_resolution": self.after_resolution,
            "forecasts": self.n,
        }


@dataclass(frozen=True)
class ScoreRun:
    """Everything `pledger score` reports: the counts, the figures and the rules.

    report      -- the yes/no ScoreReport (None for a leaderboard, or under time-weighted)
    reports     -- {name: KindReport} for the other kinds in the selection
                   ("multiple-choice", "numeric") and, under time-weighted, the yes/no
                   questions' scores over time ("binary")
    kinds       -- per kind in the selection: its counts and the rules applied to it
    leaderboard -- ledger.scoring.Leaderboard when scoring every forecaster
    rules       -- policy, who was scored, Brier convention, eps and clipping,
                   bins and edge rule, bootstrap: print them with the figures
    """

    selection: str
    policy: str
    scored: str
    name: str | None
    counts: dict[str, int]
    rules: dict[str, Any]
    report: Any = None
    leaderboard: Any = None
    table: ForecastTable | None = field(default=None, repr=False, compare=False)
    reports: dict[str, Any] = field(default_factory=dict)
    kinds: dict[str, Any] = field(default_factory=dict)
    over_time: Any = None
    # Per other kind, the forecasts its report scored (services.score_kinds.KindForecast): a report's table shows them.
    kind_forecasts: dict[str, list] = field(default_factory=dict, repr=False, compare=False)

    @property
    def n(self) -> int:
        return self.counts["forecasts"]

    def to_dict(self) -> dict[str, Any]:
        out = {
            "selection": self.selection,
            "policy": self.policy,
            "scored": {"who": self.scored, "name": self.name},
            "counts": dict(self.counts),
            "rules": dict(self.rules),
            "report": None if self.report is None else self.report.to_dict(),
            "leaderboard": None if self.leaderboard is None else self.leaderboard.to_dict(),
        }
        # Present only when they apply: a yes/no selection prints what it always printed.
        if self.reports:
            out["reports"] = {name: r.to_dict() for name, r in self.reports.items()}
        if self.kinds:
            out["kinds"] = self.kinds
        if self.over_time is not None:
            out["over_time"] = self.over_time.to_dict()
        return out


FETCH_BATCH = 50_000


def _fetch(db: Db, sql: str, params: dict, dtype: list[tuple[str, str]]) -> np.ndarray:
    """Run a query and return its rows as a numpy structured array.

    Dates arrive as ISO text (SQLite) or date objects (other databases). Read a batch at a
    time, so the driver's row tuples never all exist at once, and each repeated text value
    (names, dates, probabilities as typed) kept once: a million forecasts hold a few names.
    """
    from itertools import islice

    texts = [name for name, kind in dtype if kind == "O"]
    same = {}.setdefault
    batches = []
    rows = db.stream(sql, params)
    while batch := list(islice(rows, FETCH_BATCH)):
        a = np.array(batch, dtype=dtype)
        for name in texts:
            values = a[name].tolist()
            a[name] = list(map(same, values, values))  # C-level: no Python step per value
        batches.append(a)
    if not batches:
        return np.empty(0, dtype=dtype)
    return batches[0] if len(batches) == 1 else np.concatenate(batches)


#: Per selected prediction, the columns the scores read (_predictions).
PREDICTION_DTYPE = [("id", "O"), ("by", "O"), ("p", "f8"), ("code", "i8"), ("row", "i8"), ("on", "O")]
#: Selected's columns: those, and the published p as typed and the day made (the author's first forecast).
SELECTED_DTYPE = [*PREDICTION_DTYPE, ("typed", "O"), ("made", "O")]


@dataclass(frozen=True, eq=False)  # holds arrays
class Selected:
    """The selection's predictions per kind, in ledger order, with the columns the scores read:
    id, author, published p (NaN for the other kinds), outcome code (index.derive's), row (the
    index's rowid, which its forecasts are matched by), the first resolution's date, and the published
    p as typed and the day made (a date), which are the author's first forecast. A report that lists the predictions reads them in its own query
    (services.published.shown_predictions) and hands them to score() through this: one query
    for the table and the scores. Build it with selected_from(), or read_selected() without such rows."""

    by_kind: dict[str, np.ndarray]

    def of(self, kind: str) -> np.ndarray:
        return self.by_kind.get(kind, np.empty(0, dtype=SELECTED_DTYPE))


def selected_from(rows) -> Selected:
    """Selected from prediction rows in ledger order (services.published.ShownRows, or Shown tuples: each
    with id, by, p, code, row, resolved_on, p_typed, made and kind), read with the selection the scores
    are given. Built a column at a time: a million rows are never looked at one by one."""
    from .published import ShownRows

    by_kind = {}
    for kind, group in ShownRows.of(rows).grouped("kind").items():
        a = np.zeros(len(group), dtype=SELECTED_DTYPE)  # zeros: np.empty fills object fields one by one, 10x slower
        for column, name in (("id", "id"), ("by", "by"), ("code", "code"), ("row", "row"), ("on", "resolved_on"),
                              ("typed", "p_typed"), ("made", "made")):
            a[column] = group.column(name)
        a["p"] = group.column("p") if kind == BINARY else np.nan  # p is NULL only for other kinds
        by_kind[kind] = a
    return Selected(by_kind)


def read_selected(conn, selection: Selection) -> Selected:
    """Selected read from the index in one query: what selected_from() gives from a report's rows, for
    a reader that has none of its own (the scorecard's leaderboard, computed beside the table's read)."""
    from ..index.sql import as_date

    db = as_db(conn)
    where, params = where_sql(selection, db)
    sql = (f'SELECT p.id, p."by", p.p, p.outcome, p.rowid, p.resolved_on, p.p_typed, p.made, p.kind '
           f"FROM predictions p WHERE {where} ORDER BY {PREDICTION_ORDER_SQL}")
    groups: dict[str, list] = {}
    same = {}.setdefault  # names, dates and p as typed repeat: one object each, as in a report's rows
    days: dict = {}
    nan = float("nan")
    for pid, by, p, code, row, on, typed, made, kind in db.stream(sql, params):
        day = days.get(made)
        if day is None:
            day = days[made] = as_date(made)
        groups.setdefault(kind, []).append((pid, same(by, by), p if kind == BINARY else nan, code, row,
                                            same(on, on), same(typed, typed), day))
    return Selected({kind: np.array(rows, dtype=SELECTED_DTYPE) for kind, rows in groups.items()})


def _predictions(db: Db, selection: Selection, want_dates: bool, kind: str = BINARY,
                 selected: Selected | None = None) -> np.ndarray:
    """Per selected prediction of `kind`, in ledger order: id, author, published p,
    outcome code (index.derive's) and, if wanted, the first resolution's date
    (all of them, read already, when `selected` is given)."""
    if selected is not None:
        return selected.of(kind)
    cols = 'p.id, p."by", p.p, p.outcome'
    dtype = PREDICTION_DTYPE[:4]
    if want_dates:  # forecast rows are read too: matched to these by rowid
        cols += ", p.rowid, p.resolved_on"
        dtype = PREDICTION_DTYPE
    where, params = where_sql(selection, db)
    params["kind"] = kind
    sql = f"SELECT {cols} FROM predictions p WHERE {where} AND p.kind = :kind ORDER BY {PREDICTION_ORDER_SQL}"
    rows = db.rows(sql, params)
    if kind == BINARY:  # p is NULL only for other kinds
        return np.array(rows, dtype=dtype) if rows else np.empty(0, dtype=dtype)
    return np.array([(r[0], r[1], np.nan, *r[3:]) for r in rows], dtype=dtype) if rows else np.empty(0, dtype=dtype)


def _row_index(predictions: np.ndarray, rowids: np.ndarray) -> np.ndarray:
    """Per index rowid (of a selected prediction), the position of its row in `predictions`."""
    order = np.argsort(predictions["row"], kind="stable")
    return order[np.searchsorted(predictions["row"][order], rowids)]


def kind_counts(db: Db, selection: Selection, selected: Selected | None = None) -> dict[str, dict[str, int]]:
    """Per kind the selection holds: predictions, resolved (scorable), annulled, pending."""
    out: dict[str, dict[str, int]] = {}
    if selected is not None:
        for kind, rows in selected.by_kind.items():
            code = rows["code"]
            out[kind] = {"predictions": int(code.shape[0]), "resolved": int(np.count_nonzero(code >= 0)),
                         "annulled": int(np.count_nonzero(code == ANNULLED_CODE)),
                         "pending": int(np.count_nonzero(code == PENDING))}
        return {k: out[k] for k in KINDS if k in out and out[k]["predictions"]}
    where, params = where_sql(selection, db)
    for kind, total, resolved, annulled, pending in db.rows(
        f"SELECT p.kind, count(*), sum(CASE WHEN p.outcome >= 0 THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN p.outcome = {ANNULLED_CODE} THEN 1 ELSE 0 END), "
        f"sum(CASE WHEN p.outcome = {PENDING} THEN 1 ELSE 0 END) FROM predictions p WHERE {where} GROUP BY p.kind",
        params,
    ):
        out[kind] = {"predictions": int(total), "resolved": int(resolved or 0), "annulled": int(annulled or 0),
                     "pending": int(pending or 0)}
    return {k: out[k] for k in KINDS if k in out}


def select_forecasts(conn_or_ledger, selection: Selection = Selection(), policy: str = "first", *,
                     everyone: bool = False, selected: Selected | None = None) -> ForecastTable:
    """The yes/no forecasts to score for `selection` under `policy`, as numpy arrays.

    conn_or_ledger -- a connection on the index (sqlite3 or SQLAlchemy), or a
                      Ledger (read warm when its index is current, else refreshed first)
    everyone       -- every forecaster's forecasts (for a leaderboard); otherwise
                      the authors', or Selection.by's when it is set
    selected       -- the selection's predictions, read already (Selected)
    Under time-weighted: every forecast that counts (scored by scoring.timeweighted).
    Raises ValueError for an unknown policy.
    """
    check_policy(policy)
    if isinstance(conn_or_ledger, Ledger):
        with conn_or_ledger.reader() as db:
            return select_forecasts(db, selection, policy, everyone=everyone, selected=selected)
    db = as_db(conn_or_ledger)
    name = None if everyone else selection.by
    scored = "everyone" if everyone else ("forecaster" if name else "authors")

    shortcut = scored == "authors" and policy == "first"
    rows = _predictions(db, selection, want_dates=not shortcut, selected=selected)
    code = rows["code"]
    resolved_mask = (code == YES) | (code == NO)
    counts = dict(
        predictions=int(rows.shape[0]),
        resolved=int(np.count_nonzero(resolved_mask)),
        annulled=int(np.count_nonzero(code == ANNULLED_CODE)),
        pending=int(np.count_nonzero(code == PENDING)),
    )

    if shortcut:
        # The published p is the author's first forecast: no forecast rows needed.
        # (It is dated the day the prediction was made, never after its
        # resolution: `pledger check` reports a prediction resolved before it was made.)
        chosen = rows[resolved_mask]
        return ForecastTable(
            question=np.flatnonzero(resolved_mask),
            prediction_id=chosen["id"],
            forecaster=chosen["by"],
            p=chosen["p"],
            outcome=chosen["code"].astype(np.int8),
            policy=policy, scored=scored, name=name, without_forecast=0, after_resolution=0, **counts,
        )
    # Every forecaster under `first`, with the predictions read already: the authors' first forecasts are
    # their published p (as in the shortcut above), so only the other forecasts are read.
    published_first = scored == "everyone" and policy == "first" and selected is not None
    if published_first and selection == Selection():
        f = _with_published(_other_forecasts(db, rows), rows, db.iso_dates)
    else:
        f = forecast_rows(db, selection, policy, scored, name, rows, BINARY, "f.p, f.p_typed",
                          [("p", "f8"), ("p_typed", "O")], initial=not published_first)
        if published_first:
            f = _with_published(f, rows, db.iso_dates)
    picked = pick(f.prediction, f.rows["by"].tolist(), f.rows["at"], rows["on"], resolved_mask, policy,
                  rows["by"].tolist() if scored == "authors" else None)
    chosen = {name: f.rows[name][picked.rows] for name in ("p", "p_typed", "at")}
    if scored == "forecaster" and len(picked.names):
        name = str(picked.names[0])  # the name as the ledger first spells it ("--by bob" scores "Bob")
    return ForecastTable(
        prediction_id=rows["id"][picked.prediction],
        forecaster=picked.names[picked.forecaster],
        p=chosen["p"],
        outcome=rows["code"][picked.prediction].astype(np.int8),
        policy=policy, scored=scored, name=name,
        without_forecast=int(np.count_nonzero(resolved_mask & ~picked.covered)),
        after_resolution=picked.after_resolution,
        **counts,
        p_typed=chosen["p_typed"], at=chosen["at"], question=picked.prediction,
    )


@dataclass(frozen=True, eq=False)
class ForecastRows:
    # row (the prediction's rowid), by, at, and the payload columns: a structured array, or (from
    # _with_published) a dict of column arrays; both are read by column name
    rows: np.ndarray | dict[str, np.ndarray]
    prediction: np.ndarray  # per row: index into the prediction rows


def forecast_rows(db: Db, selection: Selection, policy: str, scored: str, name: str | None, predictions: np.ndarray,
                  kind: str, payload_sql: str, payload_dtype: list[tuple[str, str]], initial: bool = True) -> ForecastRows:
    """The forecast rows of the selected predictions of `kind` (those that fit their
    question), in the order policy.pick needs, with the payload columns asked for;
    initial=False: without the predictions' own published p (see _with_published)."""
    where, params = where_sql(selection, db)
    if not initial:
        where += " AND NOT f.initial"
    if scored == "forecaster":
        names = spellings(db, name)
        where += f' AND f."by" IN {in_list("f_by", names, params)}' if names else " AND 1 = 0"
    params["kind"] = kind
    # Per prediction in date order (`first` puts the published p first whatever
    # its date; otherwise the published p first among forecasts of the same
    # day); grouped by forecaster in policy.pick, keeping this order within a group.
    within = "f.initial DESC, f.at" if policy == "first" else "f.at, f.initial DESC"
    sql = (
        f'SELECT p.rowid, f."by", f.at, {payload_sql} FROM forecasts f JOIN predictions p ON p.id = f.prediction_id '
        f"WHERE {where} AND p.kind = :kind AND f.fits ORDER BY {PREDICTION_ORDER_SQL}, {within}, f.\"by\", f.file, f.line"
    )
    f = _fetch(db, sql, params, [("row", "i8"), ("by", "O"), ("at", "O"), *payload_dtype])
    # Each forecast's prediction, as a row index into `predictions` (matched by rowid: no id strings).
    return ForecastRows(f, _row_index(predictions, f["row"]))


def _other_forecasts(db: Db, predictions: np.ndarray) -> ForecastRows:
    """The whole ledger's other forecasts (not the published p) on its yes/no `predictions` under
    `first`, for _with_published: every one read in one scan and matched to its prediction by id,
    rather than joined to the predictions and sorted by ledger order in SQL (four times slower at a
    million). Rows come as columns in the scan's order (date, name, file, line); _with_published's
    stable sort by prediction then gives forecast_rows' order."""
    from itertools import repeat
    from operator import itemgetter

    found = db.rows('SELECT f.prediction_id, f."by", f.at, f.p, f.p_typed FROM forecasts f '
                    'WHERE NOT f.initial AND f.fits ORDER BY f.at, f."by", f.file, f.line')
    position = dict(zip(predictions["id"].tolist(), range(predictions.shape[0])))
    # -1: a forecast on no prediction of the selection (another kind, an ambiguous or unknown id)
    index = np.fromiter(map(position.get, map(itemgetter(0), found), repeat(-1)), dtype=np.intp, count=len(found))
    del position
    keep = np.flatnonzero(index >= 0)
    columns = {"row": predictions["row"][index[keep]]}
    same = {}.setdefault  # a repeated name, date or p as typed kept once
    column = np.empty(len(found), dtype=object)
    for name, at in (("by", 1), ("at", 2), ("p_typed", 4)):  # a column at a time, each a C-level map
        values = list(map(itemgetter(at), found))
        column[:] = list(map(same, values, values))
        columns[name] = column[keep]
    columns["p"] = np.array(list(map(itemgetter(3), found)), dtype=float)[keep]
    return ForecastRows(columns, index[keep])


def _with_published(f: ForecastRows, predictions: np.ndarray, iso_dates: bool) -> ForecastRows:
    """The forecast rows with each prediction's published p (its author's forecast dated the day it was
    made, as the index stores it: store.read) put first among the prediction's rows, where
    forecast_rows' order under `first` (f.initial DESC) puts it; the rows as columns."""
    n = predictions.shape[0]
    made = predictions["made"]
    if iso_dates:  # as the index gives dates back (ledger.index.sql)
        days = made.tolist()
        text = {d: d.isoformat() for d in set(days)}
        made = np.empty(n, dtype=object)
        made[:] = list(map(text.__getitem__, days))
    published = {"row": predictions["row"], "by": predictions["by"], "at": made, "p": predictions["p"],
                 "p_typed": predictions["typed"]}
    prediction = np.concatenate([np.arange(n, dtype=np.intp), f.prediction])
    order = np.argsort(prediction, kind="stable")  # per prediction: the published p, then the rest in order
    columns = {name: np.concatenate([mine, f.rows[name]])[order] for name, mine in published.items()}
    return ForecastRows(columns, prediction[order])


def resolve_bootstrap(bootstrap: int | str | None, n: int) -> int | None:
    """Resamples to use: "auto" is BOOTSTRAP_RESAMPLES up to BOOTSTRAP_AUTO_MAX
    forecasts and none above; 0 or None is none."""
    if bootstrap == "auto":
        return BOOTSTRAP_RESAMPLES if 0 < n <= BOOTSTRAP_AUTO_MAX else None
    if bootstrap is None or int(bootstrap) == 0:
        return None
    if int(bootstrap) < 0:
        raise ValueError(f"bootstrap must be 'auto', 0 or a number of resamples, got {bootstrap}")
    return int(bootstrap) if n > 0 else None


def score(
    ledger,
    selection: Selection = Selection(),
    policy: str = "first",
    *,
    by_forecaster: bool = False,
    brier_scale: str = "0-1",
    eps: float | None = None,
    bins: Any = None,
    bootstrap: int | str | None = "auto",
    seed: int = 0,
    over_time: str | None = None,
    min_n: int | None = None,
    selected: Selected | None = None,
) -> ScoreRun:
    """Select the forecasts and score them.

    ledger        -- a Ledger (read warm when its index is current, else refreshed
                     first) or a connection on the index (sqlite3 or SQLAlchemy)
    by_forecaster -- a leaderboard of every forecaster (policy first, last or
                     time-weighted) instead of one report
    brier_scale   -- "0-1" or "0-2"; eps -- log-score clipping (default
                     ledger.scoring.DEFAULT_EPS); bins -- see ledger.scoring.calibration
    bootstrap     -- "auto" (see resolve_bootstrap), 0/None or a number of resamples
    over_time     -- "month", "quarter" or "year": the scores per period as well
                     (services.score_time.over_time)
    min_n         -- the leaderboard ranks only forecasters with at least this many
                     forecasts on shared questions (default scoring.relative.MIN_N)
    selected      -- the selection's predictions when the caller has read them (Selected)
    Raises ValueError for a bad policy, scale, eps, bins, bootstrap or period.
    """
    if isinstance(ledger, Ledger):
        with ledger.reader() as db:
            return score(db, selection, policy, by_forecaster=by_forecaster, brier_scale=brier_scale, eps=eps,
                         bins=bins, bootstrap=bootstrap, seed=seed, over_time=over_time, min_n=min_n,
                         selected=selected)
    from ..scoring import DEFAULT_EPS, leaderboard, score_forecasts
    from ..scoring.relative import MIN_N
    from ..scoring._common import check_eps
    from ..scoring.proper import LOG_CONVENTION, brier_label, check_scale
    from . import score_kinds, score_time

    db = as_db(ledger)
    check_policy(policy)
    check_scale(brier_scale)
    eps = check_eps(DEFAULT_EPS if eps is None else eps)
    if by_forecaster and policy == "all":
        raise ValueError("the leaderboard needs one forecast per forecaster per question: use policy first, last "
                         "or time-weighted")
    if over_time is not None:
        score_time.check_period(over_time)
        if by_forecaster:
            raise ValueError("the scores over time are one forecaster's (or the authors'): leave out by_forecaster")
    min_n = MIN_N if min_n is None else int(min_n)
    if min_n < 1:
        raise ValueError(f"min_n must be at least 1, got {min_n}")

    timed = policy == "time-weighted"
    table = select_forecasts(db, selection, policy, everyone=by_forecaster, selected=selected)
    scored_rule = SCORED_RULES[table.scored].format(name=table.name)
    rules: dict[str, Any] = {
        "policy": policy,
        "policy_rule": POLICY_RULES[policy],
        "scored": table.scored,
        "scored_rule": scored_rule,
        "outcome_rule": OUTCOME_RULE,
        "brier_scale": brier_scale,
        "brier": brier_label(brier_scale),
        "eps": eps,
    }
    settings = score_kinds.settings(brier_scale, eps, bins)
    counts = table.counts()
    by_kind = kind_counts(db, selection, selected)
    others = [k for k in by_kind if k != BINARY]
    reports: dict[str, Any] = {}
    if timed:
        reports[BINARY] = score_time.time_report(db, selection, table, settings)
    kind_forecasts: dict[str, list] = {}
    if not by_forecaster:
        for kind in others:
            reports[kind], kind_forecasts[kind] = score_kinds.kind_report(db, selection, policy, table.scored,
                                                                          table.name, kind, settings, selected)
    report = board = None
    if by_forecaster:
        board = None
        if table.n:
            if timed:
                board = score_time.time_leaderboard(db, selection, table, settings, min_n)
            else:
                # Questions by code (the same groups as their ids, without sorting a million strings);
                # names as they are (the few distinct objects a million forecasts share: no copies made).
                board = leaderboard(
                    table.question, table.forecaster, table.p, table.outcome,
                    brier_scale=brier_scale, eps=eps, min_n=min_n,
                )
        clipped = int(np.count_nonzero(np.minimum(table.p, 1.0 - table.p) < eps))
        # The same keys as a report's (docs/cli.md): null where they do not apply to a
        # leaderboard (no calibration table, no folding, no gap, no bootstrap).
        rules.update(clipped=clipped, bins=None, folded_bins=None, edge_rule=None, folded_edge_rule=None,
                     fold=None, wilson_level=None, log=LOG_CONVENTION, gap=None, bootstrap=None,
                     bootstrap_resamples=None, seed=None, leaderboard_sort=None if board is None else board.sort)
    else:
        resamples = resolve_bootstrap(bootstrap, table.n) if not timed else None
        if not timed:
            report = score_forecasts(
                table.p, table.outcome, brier_scale=brier_scale, eps=eps, bins=bins, bootstrap=resamples, seed=seed
            )
            r = report.rules
            rules.update(
                clipped=r["clipped"], bins=r["bins"], folded_bins=r["folded_bins"], edge_rule=r["edge_rule"],
                folded_edge_rule=r["folded_edge_rule"], fold=r["fold"], wilson_level=r["wilson_level"],
                log=r["log"], gap=r["gap"], bootstrap=r["bootstrap"], bootstrap_resamples=resamples,
                seed=seed if resamples else None, leaderboard_sort=None,
            )
            if resamples is None and bootstrap == "auto" and table.n > BOOTSTRAP_AUTO_MAX:
                rules["bootstrap"] = (
                    f"skipped: more than {BOOTSTRAP_AUTO_MAX:,} forecasts (ask for it with a number of resamples)"
                )
        else:
            rules.update(clipped=int(np.count_nonzero(np.minimum(table.p, 1.0 - table.p) < eps)), bins=None,
                         folded_bins=None, edge_rule=None, folded_edge_rule=None, fold=None, wilson_level=None,
                         log=LOG_CONVENTION, gap=None, bootstrap=None, bootstrap_resamples=None, seed=None,
                         leaderboard_sort=None, horizon=score_time.HORIZON_RULE)
    if others or timed:
        counts = _all_counts(counts, by_kind, reports, table)
        kinds = {}
        for kind, c in by_kind.items():
            shown = board if by_forecaster else (report if kind == BINARY and not timed else reports.get(kind))
            entry = {"label": KIND_LABELS[kind], **c, "scored_with": _applied(kind, policy, shown)}
            if by_forecaster and kind != BINARY:
                entry["note"] = "not on the leaderboard, which ranks forecasters on yes/no questions"
            kinds[kind] = entry
    else:
        kinds = {}
    periods = None
    if over_time is not None:
        periods = score_time.over_time(db, selection, policy, table, over_time, settings, by_forecaster)
    return ScoreRun(
        selection=selection.describe(),
        policy=policy,
        scored=table.scored,
        name=table.name,
        counts=counts,
        rules=rules,
        report=report,
        leaderboard=board,
        table=table,
        reports=reports,
        kinds=kinds,
        over_time=periods,
        kind_forecasts=kind_forecasts,
    )


def _applied(kind: str, policy: str, report) -> list[str]:
    """The registry rules that scored this kind (under the report's own policy: other kinds
    are scored under `last` when the run is time-weighted); ["leaderboard"] for a leaderboard."""
    from ..scoring.registry import rules_for

    if report is None:
        return []
    if not hasattr(report, "results"):  # a leaderboard: yes/no questions only
        return ["leaderboard"] if kind == BINARY else []
    return [r.name for r in rules_for(kind, getattr(report, "policy", policy)) if r.name in report.results]


def _all_counts(binary: dict[str, int], by_kind: dict[str, dict[str, int]], reports: dict[str, Any],
                table: ForecastTable) -> dict[str, int]:
    """The run's counts over every kind: the yes/no table's, plus the other kinds' predictions and forecasts."""
    out = dict(binary)
    for kind, c in by_kind.items():
        if kind == BINARY:
            continue
        out["predictions"] += c["predictions"]
        out["resolved"] += c["resolved"]
        out["annulled"] += c["annulled"]
        out["pending"] += c["pending"]
        report = reports.get(kind)
        if report is not None:
            out["forecasts"] += report.n
            out["without_forecast"] += report.rules.get("without_forecast", 0)
            out["after_resolution"] += report.rules.get("after_resolution", 0)
    return out

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

Forecast policy (always reported with the scores)
  first -- each forecaster's first forecast on a prediction; for the author that
           is the published p
  last  -- each forecaster's last forecast
  all   -- every forecast
Under every policy only forecasts dated on or before the resolution date (the
date of the prediction's first outcome entry, so a later correction lets nothing
in) count: one made later was made knowing the outcome. A forecaster with none
by then is not scored on that prediction; the forecasts left out are counted
(after_resolution).

Only predictions whose current outcome (services.select: the first outcome
entry, or the last correction after it) is yes or no are scored. Annulled ones
are excluded and counted; unresolved ones are counted as pending.

Order is deterministic: predictions in ledger order (made, file, position), and
within a prediction forecaster, then date. The bootstrap resamples in this order,
so the same ledger gives the same intervals.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..index.sql import Db, as_db, in_list
from ..names import name_key
from .ledger import Ledger
from .select import PREDICTION_ORDER_SQL, Selection, current_outcomes, spellings, where_sql

POLICIES = ("first", "last", "all")
POLICY_RULES = {
    "first": "each forecaster's first forecast on a prediction (for the author: the published p); "
    "forecasts dated after the resolution are left out",
    "last": "each forecaster's last forecast dated on or before the resolution date "
    "(the first outcome entry's date); later forecasts are ignored",
    "all": "every forecast dated on or before the resolution date (the first outcome entry's date)",
}
SCORED_RULES = {
    "authors": "each prediction's author, on their own predictions",
    "forecaster": "{name}'s forecasts on every selected prediction (theirs and other people's)",
    "everyone": "every forecaster on the selected predictions, one row each",
}

#: With bootstrap="auto", intervals are computed with this many resamples when
#: there are at most BOOTSTRAP_AUTO_MAX forecasts (above that they cost more than
#: the rest of the scoring and are narrow anyway; ask for them with a number).
BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_AUTO_MAX = 10_000

# Outcome codes computed in SQL.
YES, NO, ANNULLED, PENDING = 1, 0, 2, -1


@dataclass(frozen=True, eq=False)  # holds arrays
class ForecastTable:
    """The forecasts to score, as parallel arrays (one row per forecast), and
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

    report      -- the single-forecaster ScoreReport (None for a leaderboard)
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

    @property
    def n(self) -> int:
        return self.counts["forecasts"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "selection": self.selection,
            "policy": self.policy,
            "scored": {"who": self.scored, "name": self.name},
            "counts": dict(self.counts),
            "rules": dict(self.rules),
            "report": None if self.report is None else self.report.to_dict(),
            "leaderboard": None if self.leaderboard is None else self.leaderboard.to_dict(),
        }


def check_policy(policy: str) -> str:
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    return policy


# The outcome code of a prediction's outcome entry (PENDING: it has none).
RESULT_CODE_SQL = (
    f"CASE o.result WHEN 'yes' THEN {YES} WHEN 'no' THEN {NO} WHEN 'annulled' THEN {ANNULLED} ELSE {PENDING} END"
)


# An entry that can stand: a plain one, or a correction with a plain entry on or
# before its date (select.current_outcomes' rule; a lone correction corrects nothing).
STANDING_ENTRY_SQL = (
    "(NOT o.correction OR EXISTS (SELECT 1 FROM outcomes o2 WHERE o2.prediction_id = o.prediction_id "
    'AND NOT o2.correction AND o2."on" <= o."on"))'
)


def _fetch(db: Db, sql: str, params: dict, dtype: list[tuple[str, str]]) -> np.ndarray:
    """Run a query and return its rows as a numpy structured array.

    Dates arrive as ISO text (SQLite) or date objects (other databases).
    """
    rows = db.rows(sql, params)
    return np.array(rows, dtype=dtype) if rows else np.empty(0, dtype=dtype)


def _predictions(db: Db, selection: Selection, want_dates: bool) -> np.ndarray:
    """Per selected prediction, in ledger order: id, author, published p, outcome
    code and (if wanted) the resolution date. One query; the current-outcome rule
    of services.select applies to predictions with several outcome entries."""
    cols = f'p.id, p."by", p.p, {RESULT_CODE_SQL}'
    dtype = [("id", "O"), ("by", "O"), ("p", "f8"), ("code", "i1")]
    if want_dates:
        cols += ', o."on"'
        dtype.append(("on", "O"))
    where, params = where_sql(selection, db)
    sql = (
        f"SELECT {cols} FROM predictions p LEFT OUTER JOIN outcomes o ON o.prediction_id = p.id AND {STANDING_ENTRY_SQL} "
        f"WHERE {where} ORDER BY {PREDICTION_ORDER_SQL}"
    )
    rows = _fetch(db, sql, params, dtype)

    # A prediction with several outcome entries (corrections, or resolved twice)
    # has one row per entry, adjacent (rows are in prediction order). Keep one,
    # with the current outcome by select.current_outcomes' rule (the first entry
    # or the last correction after it) and the first entry's date. Usually none.
    ids = rows["id"]
    repeat = np.flatnonzero(ids[1:] == ids[:-1]) + 1 if ids.size > 1 else np.empty(0, dtype=np.intp)
    if repeat.size:
        multi = sorted(set(ids[repeat].tolist()))
        first_date: dict[str, str] = {}  # ISO text compares as dates do
        if want_dates:
            wanted = set(multi)
            for pid, on in zip(ids.tolist(), rows["on"].tolist()):
                if pid in wanted:
                    first_date[pid] = min(str(on), first_date.get(pid, str(on)))
        keep = np.ones(ids.size, dtype=bool)
        keep[repeat] = False
        rows = rows[keep]
        current = current_outcomes(db, multi)
        codes = {"yes": YES, "no": NO, "annulled": ANNULLED}
        for i in np.flatnonzero(np.isin(rows["id"], multi)):
            pid = rows["id"][i]
            rows["code"][i] = codes[current[pid].result]
            if want_dates:
                rows["on"][i] = first_date[pid]
    return rows


def select_forecasts(conn_or_ledger, selection: Selection = Selection(), policy: str = "first", *,
                     everyone: bool = False) -> ForecastTable:
    """The forecasts to score for `selection` under `policy`, as numpy arrays.

    conn_or_ledger -- a connection on the index (sqlite3 or SQLAlchemy), or a
                      Ledger (read warm when its index is current, else refreshed first)
    everyone       -- every forecaster's forecasts (for a leaderboard); otherwise
                      the authors', or Selection.by's when it is set
    Raises ValueError for an unknown policy.
    """
    check_policy(policy)
    if isinstance(conn_or_ledger, Ledger):
        with conn_or_ledger.reader() as db:
            return select_forecasts(db, selection, policy, everyone=everyone)
    db = as_db(conn_or_ledger)
    name = None if everyone else selection.by
    scored = "everyone" if everyone else ("forecaster" if name else "authors")

    shortcut = scored == "authors" and policy == "first"
    rows = _predictions(db, selection, want_dates=not shortcut)
    code = rows["code"]
    resolved_mask = (code == YES) | (code == NO)
    counts = dict(
        predictions=int(rows.shape[0]),
        resolved=int(np.count_nonzero(resolved_mask)),
        annulled=int(np.count_nonzero(code == ANNULLED)),
        pending=int(np.count_nonzero(code == PENDING)),
    )

    if shortcut:
        # The published p is the author's first forecast: no forecast rows needed.
        # (It is dated the day the prediction was made, never after its
        # resolution: `pledger check` reports a prediction resolved before it was made.)
        chosen = rows[resolved_mask]
        return ForecastTable(
            prediction_id=chosen["id"],
            forecaster=chosen["by"],
            p=chosen["p"],
            outcome=chosen["code"],
            policy=policy, scored=scored, name=name, without_forecast=0, after_resolution=0, **counts,
        )
    return _from_forecasts(db, selection, policy, scored, name, rows, resolved_mask, counts)


def _from_forecasts(db: Db, selection, policy, scored, name, rows, resolved_mask, counts) -> ForecastTable:
    """Forecast rows of the selected predictions, then the policy, vectorised.

    Forecasters are grouped by name_key (case and surrounding whitespace
    ignored) and shown with their first spelling; forecasts dated after the
    resolution date are left out under every policy and counted."""
    first = policy == "first"
    where, params = where_sql(selection, db)
    if scored == "forecaster":
        names = spellings(db, name)
        where += f' AND f."by" IN {in_list("f_by", names, params)}' if names else " AND 1 = 0"
    # Per prediction in date order (`first` puts the published p first whatever
    # its date; otherwise the published p first among forecasts of the same
    # day); grouped by forecaster below, keeping this order within a group.
    within = "f.initial DESC, f.at" if first else "f.at, f.initial DESC"
    sql = (
        'SELECT f.prediction_id, f."by", f.p, f.at, f.p_typed FROM forecasts f JOIN predictions p ON p.id = f.prediction_id '
        f'WHERE {where} ORDER BY {PREDICTION_ORDER_SQL}, {within}, f."by", f.file, f.line'
    )
    f = _fetch(db, sql, params, [("id", "O"), ("by", "O"), ("p", "f8"), ("at", "O"), ("p_typed", "O")])

    # Each forecast's prediction, as a row index into `rows` (both are in ledger order).
    position = {pid: i for i, pid in enumerate(rows["id"].tolist())}
    qi = np.fromiter((position[pid] for pid in f["id"].tolist()), dtype=np.intp, count=f.shape[0])
    names = f["by"].tolist()
    if scored == "authors":
        # The author's own forecasts, however the name is spelled on them.
        code, display, rank = _forecaster_codes(names + rows["by"][qi].tolist())
        code, author = code[: len(names)], code[len(names):]
        keep = resolved_mask[qi] & (code == author)
    else:
        code, display, rank = _forecaster_codes(names)
        keep = resolved_mask[qi]
    f, qi, code = f[keep], qi[keep], code[keep]

    # Forecasts dated after the resolution date (the first outcome entry's, so a
    # later correction lets nothing in) were made knowing the outcome: never scored.
    late = _days(f["at"]) > _days(rows["on"])[qi]
    group = qi * max(len(display), 1) + code
    if policy == "all":
        after_resolution = int(np.count_nonzero(late))
    else:  # forecasters whose every forecast on a prediction came after it
        after_resolution = int(np.setdiff1d(group[late], group[~late]).size)
    f, qi, code = f[~late], qi[~late], code[~late]

    if qi.size:
        # Group by (prediction, forecaster), keeping the date order within a
        # group (lexsort is stable); forecasters in name_key order.
        order = np.lexsort((rank[code], qi))
        f, qi, code = f[order], qi[order], code[order]
    if policy != "all" and qi.size:
        # Take each group's first row (`first`) or last row (`last`).
        same = (qi[1:] == qi[:-1]) & (code[1:] == code[:-1])
        pick = np.concatenate(([True], ~same)) if first else np.concatenate((~same, [True]))
        f, qi, code = f[pick], qi[pick], code[pick]

    covered = np.zeros(rows.shape[0], dtype=bool)
    covered[qi] = True
    spelling = np.empty(len(display), dtype=object)
    spelling[:] = display
    return ForecastTable(
        prediction_id=f["id"],
        forecaster=spelling[code],
        p=f["p"],
        outcome=rows["code"][qi],
        policy=policy, scored=scored, name=name,
        without_forecast=int(np.count_nonzero(resolved_mask & ~covered)),
        after_resolution=after_resolution,
        **counts,
        p_typed=f["p_typed"], at=f["at"],
    )


def _forecaster_codes(names: list[str]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Group names by name_key: per name its forecaster's code, per code the first
    spelling seen (trimmed), and per code its rank in name_key order."""
    by_name: dict[str, int] = {}
    by_key: dict[str, int] = {}
    display: list[str] = []
    keys: list[str] = []
    codes = np.empty(len(names), dtype=np.intp)
    for i, n in enumerate(names):
        c = by_name.get(n)
        if c is None:
            k = name_key(n)
            c = by_key.get(k)
            if c is None:
                c = by_key[k] = len(display)
                display.append(n.strip())
                keys.append(k)
            by_name[n] = c
        codes[i] = c
    rank = np.empty(len(keys), dtype=np.intp)
    rank[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return codes, display, rank


def _days(values: np.ndarray) -> np.ndarray:
    """Dates (ISO text or date objects; None for none) as datetime64[D]; None is the far future."""
    return np.array([dt.date.max if v is None else v for v in values.tolist()], dtype="datetime64[D]")


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
) -> ScoreRun:
    """Select the forecasts and score them.

    ledger        -- a Ledger (read warm when its index is current, else refreshed
                     first) or a connection on the index (sqlite3 or SQLAlchemy)
    by_forecaster -- a leaderboard of every forecaster (policy first or last)
                     instead of one report
    brier_scale   -- "0-1" or "0-2"; eps -- log-score clipping (default
                     ledger.scoring.DEFAULT_EPS); bins -- see ledger.scoring.calibration
    bootstrap     -- "auto" (see resolve_bootstrap), 0/None or a number of resamples
    Raises ValueError for a bad policy, scale, eps, bins or bootstrap.
    """
    from ..scoring import DEFAULT_EPS, leaderboard, score_forecasts
    from ..scoring._common import check_eps
    from ..scoring.proper import LOG_CONVENTION, brier_label, check_scale

    check_policy(policy)
    check_scale(brier_scale)
    eps = check_eps(DEFAULT_EPS if eps is None else eps)
    if by_forecaster and policy == "all":
        raise ValueError("the leaderboard needs one forecast per forecaster per question: use policy first or last")

    table = select_forecasts(ledger, selection, policy, everyone=by_forecaster)
    resamples = resolve_bootstrap(bootstrap, table.n)
    scored_rule = SCORED_RULES[table.scored].format(name=table.name)
    rules: dict[str, Any] = {
        "policy": policy,
        "policy_rule": POLICY_RULES[policy],
        "scored": table.scored,
        "scored_rule": scored_rule,
        "outcome_rule": "the first outcome entry, or the last correction after it; "
        "annulled excluded and counted, unresolved counted as pending",
        "brier_scale": brier_scale,
        "brier": brier_label(brier_scale),
        "eps": eps,
    }
    report = board = None
    if by_forecaster:
        board = None
        if table.n:
            # str arrays, not object arrays: the engine reports names with .item().
            board = leaderboard(
                table.prediction_id.astype(str), table.forecaster.astype(str), table.p, table.outcome,
                brier_scale=brier_scale, eps=eps,
            )
        clipped = int(np.count_nonzero(np.minimum(table.p, 1.0 - table.p) < eps))
        # The same keys as a report's (docs/cli.md): null where they do not apply to a
        # leaderboard (no calibration table, no folding, no gap, no bootstrap).
        rules.update(clipped=clipped, bins=None, folded_bins=None, edge_rule=None, folded_edge_rule=None,
                     fold=None, wilson_level=None, log=LOG_CONVENTION, gap=None, bootstrap=None,
                     bootstrap_resamples=None, seed=None, leaderboard_sort=None if board is None else board.sort)
    else:
        report = score_forecasts(
            table.p, table.outcome, brier_scale=brier_scale, eps=eps, bins=bins, bootstrap=resamples, seed=seed
        )
        r = report.rules
        rules.update(
            clipped=r["clipped"],
            bins=r["bins"],
            folded_bins=r["folded_bins"],
            edge_rule=r["edge_rule"],
            folded_edge_rule=r["folded_edge_rule"],
            fold=r["fold"],
            wilson_level=r["wilson_level"],
            log=r["log"],
            gap=r["gap"],
            bootstrap=r["bootstrap"],
            bootstrap_resamples=resamples,
            seed=seed if resamples else None,
            leaderboard_sort=None,
        )
        if resamples is None and bootstrap == "auto" and table.n > BOOTSTRAP_AUTO_MAX:
            rules["bootstrap"] = (
                f"skipped: more than {BOOTSTRAP_AUTO_MAX:,} forecasts (ask for it with a number of resamples)"
            )
    return ScoreRun(
        selection=selection.describe(),
        policy=policy,
        scored=table.scored,
        name=table.name,
        counts=table.counts(),
        rules=rules,
        report=report,
        leaderboard=board,
        table=table,
    )

"""Scores over time: yes/no forecasts weighted by the days they stood, and the scores per period.

time-weighted -- every forecaster's standing forecast, day by day, over each
                 question's horizon (scoring.timeweighted); the report keeps the
                 scored forecasters' (question, forecaster) pairs, but peer and
                 relative scores compare them with everyone who forecast
over_time     -- the same scores per month, quarter or year of the date the
                 predictions were made, each period with its own n
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ..index.sql import Db, as_date
from ..names import name_key
from ..scoring import KindReport, Result
from ..scoring._common import plain
from ..scoring.registry import Settings, run_rules
from ..scoring.timeweighted import HORIZON_RULE, time_weighted  # noqa: F401  (HORIZON_RULE re-exported)
from .select import PREDICTION_ORDER_SQL, Selection, where_sql

PERIODS = ("month", "quarter", "year")


def check_period(period: str) -> str:
    if period not in PERIODS:
        raise ValueError(f"the period must be one of {', '.join(PERIODS)}, got {period!r}")
    return period


@dataclass(frozen=True, eq=False)
class _Timed:
    tw: Any  # scoring.timeweighted.TimeWeighted
    pair_forecaster: list[str]  # per pair: the forecaster's spelling
    pair_author: list[str]  # per pair: the question's author
    after_close: int


def _time_weighted(db: Db, selection: Selection, settings: Settings) -> _Timed:
    """Every forecaster's time-weighted scores on the selected yes/no questions."""
    from .scores import select_forecasts

    everyone = select_forecasts(db, selection, "time-weighted", everyone=True)
    where, params = where_sql(selection, db)
    questions = {}
    for pid, by, made, due, closes, resolved_on, outcome in db.rows(
        f'SELECT p.id, p."by", p.made, p.due, p.closes, p.resolved_on, p.outcome FROM predictions p '
        f"WHERE {where} AND p.kind = 'binary' AND p.outcome >= 0 ORDER BY {PREDICTION_ORDER_SQL}", params,
    ):
        made, resolved = as_date(made), as_date(resolved_on)
        close = as_date(closes) or as_date(due) or resolved
        horizon = max((close - made).days + 1, 1)
        last = min(horizon - 1, max((resolved - made).days, 0))
        questions[pid] = (len(questions), made, horizon, last, int(outcome), by)
    ids = everyone.prediction_id.tolist()
    qcode = np.array([questions[i][0] for i in ids], dtype=np.intp)
    day = np.array([(as_date(at) - questions[i][1]).days for i, at in zip(ids, everyone.at.tolist())], dtype=np.int64)
    forecasters = everyone.forecaster.tolist()
    names = sorted(set(forecasters), key=name_key)
    code_of = {n: i for i, n in enumerate(names)}
    fcode = np.array([code_of[n] for n in forecasters], dtype=np.intp)
    ordered = sorted(questions.values())
    H = np.array([q[2] for q in ordered], dtype=np.int64)
    last = np.array([q[3] for q in ordered], dtype=np.int64)
    o = np.array([q[4] for q in ordered], dtype=np.float64)
    # A forecast after the horizon's last day (the question had closed) stood for no day: left out and counted.
    late = day > last[qcode] if qcode.size else np.zeros(0, dtype=bool)
    after_close = int(np.count_nonzero(late))
    keep = ~late
    tw = time_weighted(qcode[keep], fcode[keep], day[keep], everyone.p[keep], H, last, o, scale=settings.brier_scale,
                       eps=settings.eps)
    authors = [q[5] for q in ordered]
    return _Timed(tw, [names[c] for c in tw.pairs[:, 1].tolist()], [authors[c] for c in tw.pairs[:, 0].tolist()],
                  after_close)


def time_report(db: Db, selection: Selection, table, settings: Settings) -> KindReport:
    """The registry's time-weighted rules on the scored forecasters' questions."""
    from ..scoring.prepared import Time

    timed = _time_weighted(db, selection, settings)
    if table.scored == "forecaster":
        key = name_key(table.name)
        keep = np.array([name_key(f) == key for f in timed.pair_forecaster], dtype=bool)
    else:
        keep = np.array([name_key(f) == name_key(a) for f, a in zip(timed.pair_forecaster, timed.pair_author)],
                        dtype=bool)
    data = Time(timed.tw, keep, settings)
    results = run_rules(data, "time-weighted", settings)
    rules = {
        "horizon": HORIZON_RULE,
        "coverage": "covered days / horizon days; zero-credit time (no forecast yet, or after an early resolution) "
        "counts as 0 for the baseline and peer scores, and is left out of the Brier and log scores",
        "after_close": timed.after_close,
        "questions": int(np.count_nonzero(keep)),
    }
    return KindReport("binary", "time-weighted", data.n, rules, results)


@dataclass(frozen=True)
class TimeLeaderboardRow(Result):
    forecaster: str
    n: int  # questions
    coverage: float | None
    baseline: float | None
    peer: float | None
    n_with_peers: int
    brier: float | None
    log: float | None
    relative_brier_others: float | None
    relative_brier_all: float | None
    ranked: bool = True  # False: fewer than the board's min_n questions shared with others


@dataclass(frozen=True)
class TimeLeaderboard(Result):
    n: int  # (question, forecaster) pairs
    n_questions: int
    n_forecasters: int
    brier_scale: str
    sort: str
    relative_rules: dict[str, str]
    rows: tuple[TimeLeaderboardRow, ...]
    min_n: int = 1


RELATIVE_RULES = {
    "relative_brier_others": "own daily Brier minus the median daily Brier of the others standing that day",
    "relative_brier_all": "own daily Brier minus the median daily Brier of everyone standing that day, you "
    "included (the comparison GJ Open and Fatebook make, not their exact rules)",
}


def time_leaderboard(db: Db, selection: Selection, table, settings: Settings, min_n: int = 1) -> TimeLeaderboard:
    """Every forecaster's time-weighted scores, averaged over the questions they forecast."""
    timed = _time_weighted(db, selection, settings)
    tw = timed.tw
    rows = []
    for name in sorted(set(timed.pair_forecaster), key=name_key):
        mask = np.array([f == name for f in timed.pair_forecaster], dtype=bool)
        peers = mask & (tw.days_with_others > 0)

        def mean(values, m=mask):
            v = values[m]
            v = v[~np.isnan(v)]
            return float(v.mean()) if v.size else None

        rows.append(TimeLeaderboardRow(
            name, int(mask.sum()), mean(tw.coverage), mean(tw.baseline), mean(tw.peer, peers), int(peers.sum()),
            mean(tw.brier), mean(tw.log), mean(tw.relative_others, peers), mean(tw.relative_all, peers),
            int(peers.sum()) >= min_n,
        ))
    rows.sort(key=lambda r: (not r.ranked, -(r.peer if r.peer is not None else -np.inf), name_key(r.forecaster)))
    return TimeLeaderboard(int(tw.pairs.shape[0]), int(np.unique(tw.pairs[:, 0]).size), len(rows),
                           settings.brier_scale,
                           f"peer score descending among forecasters with at least {min_n} questions shared with "
                           "others; then the others, unranked; then forecaster",
                           RELATIVE_RULES, tuple(rows), min_n)


@dataclass(frozen=True)
class Period:
    label: str
    since: dt.date
    until: dt.date
    run: Any  # a ScoreRun over the predictions made in the period

    def to_dict(self) -> dict[str, Any]:
        data = self.run.to_dict()
        return {"period": self.label, "since": self.since.isoformat(), "until": self.until.isoformat(),
                "counts": data["counts"], "report": data["report"], "reports": data.get("reports", {})}


@dataclass(frozen=True)
class OverTime:
    period: str
    rule: str
    periods: tuple[Period, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "rule": self.rule, "periods": [plain(p.to_dict()) for p in self.periods]}


OVER_TIME_RULE = ("each period holds the predictions made in it (their `made` date), scored as the whole is, "
                  "with its own n; bootstrap off")


def over_time(db: Db, selection: Selection, policy: str, table, period: str, settings: Settings,
              by_forecaster: bool) -> OverTime:
    """The run's scores per period of the date the predictions were made."""
    from .scores import score

    where, params = where_sql(selection, db)
    made = sorted({as_date(m) for (m,) in db.rows(f"SELECT DISTINCT p.made FROM predictions p WHERE {where}", params)})
    seen: list[tuple[str, dt.date, dt.date]] = []
    for day in made:
        bounds = period_of(day, period)
        if not seen or seen[-1][0] != bounds[0]:
            seen.append(bounds)
    periods = []
    for label, since, until in seen:
        narrowed = replace(selection, since=max(since, selection.since) if selection.since else since,
                           until=min(until, selection.until) if selection.until else until)
        run = score(db, narrowed, policy, by_forecaster=False, brier_scale=settings.brier_scale, eps=settings.eps,
                    bins=settings.bins, bootstrap=0)
        periods.append(Period(label, since, until, run))
    return OverTime(period, OVER_TIME_RULE, tuple(periods))


def period_of(day: dt.date, period: str) -> tuple[str, dt.date, dt.date]:
    """(label, first day, last day) of the period holding day."""
    if period == "year":
        return str(day.year), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    if period == "quarter":
        q = (day.month - 1) // 3
        start = dt.date(day.year, 3 * q + 1, 1)
        return f"{day.year}-Q{q + 1}", start, _month_end(day.year, 3 * q + 3)
    return f"{day.year}-{day.month:02d}", dt.date(day.year, day.month, 1), _month_end(day.year, day.month)


def _month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)

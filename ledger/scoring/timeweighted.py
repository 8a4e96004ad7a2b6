"""Scores over time: each yes/no forecast counts for the days it stood.

A question's horizon runs from the day it was made to its scheduled close (its
`closes` date, else `due`, else the day it was resolved), both days included:
H days. A forecaster's standing forecast on a day is their latest one made on or
before it (carried forward); it stands until the horizon ends or, if the
question is resolved before then, until the resolution day. Days before the
forecaster's first forecast and after an early resolution are not covered.

Per question and forecaster:
  coverage      covered days / H
  baseline      (1/H) sum over covered days of 100 log2(p(outcome) / 0.5): zero for
                uncovered days, where zero means no credit (Metaculus' time-averaged
                baseline score)
  peer          (1/H) sum over covered days of 100 (ln p_i - mean of the others'
                ln p) among the forecasters standing that day; zero for uncovered
                days and days nobody else stood (Metaculus' peer score, by day)
  brier, log    averaged over the covered days only: zero is perfect for these,
                so uncovered time is never filled with zeros
  relative Brier (two comparisons, each over the covered days when someone else
                also stood): own daily Brier minus the median daily Brier of the
                others standing that day; or of all standing that day, you
                included (the comparison GJ Open's accuracy score and Fatebook's
                relative score make; neither site's exact rules, which count
                hours and treat the days before your first forecast their own way)

Days are whole days: the ledger dates forecasts, it does not time them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._common import DEFAULT_EPS, check_eps

HORIZON_RULE = ("from the day the question was made to its scheduled close (closes, else due, else the "
                "resolution day), both included; a forecast stands from its day until the next by the same "
                "forecaster, the end of the horizon or the resolution day")


@dataclass(frozen=True, eq=False)
class TimeWeighted:
    """Per (question, forecaster) pair, in order of `pairs`; NaN where a figure is undefined."""

    pairs: np.ndarray  # (m, 2): question code, forecaster code
    horizon: np.ndarray  # H of the pair's question
    covered: np.ndarray  # days covered
    coverage: np.ndarray
    baseline: np.ndarray
    peer: np.ndarray
    brier: np.ndarray  # on the scale asked for, over covered days
    log: np.ndarray  # nats, a loss, over covered days
    relative_others: np.ndarray
    relative_all: np.ndarray
    days_with_others: np.ndarray


def time_weighted(question, forecaster, day, p, horizon, last, outcome, *, scale: str = "0-1",
                  eps: float = DEFAULT_EPS) -> TimeWeighted:
    """Time-weighted scores (module docstring).

    question, forecaster -- int codes per forecast; day -- the forecast's day, counted
    from the question's first day (0); p -- its probability; in input order within a
    day (the last of a day stands). horizon, last, outcome -- per question code: H,
    the last day that counts (min(H - 1, resolution day)), and 1/0.
    """
    eps = check_eps(eps)
    q = np.asarray(question, dtype=np.intp)
    f = np.asarray(forecaster, dtype=np.intp)
    d = np.asarray(day, dtype=np.int64)
    p = np.asarray(p, dtype=np.float64)
    H = np.asarray(horizon, dtype=np.int64)
    last = np.asarray(last, dtype=np.int64)
    o = np.asarray(outcome, dtype=np.float64)
    if not (q.shape == f.shape == d.shape == p.shape):
        raise ValueError("question, forecaster, day and p need one value per forecast")
    if q.size and (q.min() < 0 or q.max() >= H.size or np.any(H < 1) or np.any(last >= H)):
        raise ValueError("every question code needs a horizon of at least one day and a last day inside it")
    factor = 2.0 if scale == "0-2" else 1.0

    order = np.lexsort((np.arange(q.size), d, f, q))
    q, f, d, p = q[order], f[order], d[order], p[order]
    same_pair = np.zeros(q.size, dtype=bool)
    if q.size > 1:
        same_pair[:-1] = (q[1:] == q[:-1]) & (f[1:] == f[:-1])
    end = np.where(same_pair, np.roll(d, -1), last[q] + 1) if q.size else d
    start = np.maximum(d, 0)
    length = np.clip(np.minimum(end, last[q] + 1) - start, 0, None)

    po = np.where(o[q] > 0, p, 1.0 - p)
    po_c = np.clip(po, eps, 1.0 - eps)
    score_base = 100.0 * np.log2(2.0 * po_c)
    brier = factor * (p - o[q]) ** 2
    log = -np.log(po_c)

    # Pairs: one row per (question, forecaster), in the sorted order.
    first_of_pair = np.ones(q.size, dtype=bool)
    if q.size > 1:
        first_of_pair[1:] = ~((q[1:] == q[:-1]) & (f[1:] == f[:-1]))
    pair_index = np.cumsum(first_of_pair) - 1
    m = int(first_of_pair.sum())
    pairs = np.stack([q[first_of_pair], f[first_of_pair]], axis=1) if m else np.empty((0, 2), dtype=np.intp)

    def total(values):
        return np.bincount(pair_index, weights=values * length, minlength=m)

    covered = np.bincount(pair_index, weights=length, minlength=m)
    h = H[pairs[:, 0]].astype(np.float64) if m else np.empty(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        brier_tw = np.where(covered > 0, total(brier) / covered, np.nan)
        log_tw = np.where(covered > 0, total(log) / covered, np.nan)
    baseline_tw = total(score_base) / h if m else np.empty(0)

    peer = np.zeros(m)
    rel_others = np.full(m, np.nan)
    rel_all = np.full(m, np.nan)
    days_with_others = np.zeros(m, dtype=np.int64)
    per_question = np.bincount(pairs[:, 0], minlength=H.size) if m else np.zeros(H.size, dtype=np.intp)
    for question_code in np.flatnonzero(per_question > 1):  # questions with several forecasters only
        rows = np.flatnonzero(q == question_code)
        _by_day(question_code, rows, pair_index, d, length, np.log(po_c), brier, last, H, peer, rel_others, rel_all,
                days_with_others)
    return TimeWeighted(pairs, H[pairs[:, 0]] if m else np.empty(0, np.int64), covered.astype(np.int64),
                        covered / h if m else np.empty(0), baseline_tw, peer, brier_tw, log_tw, rel_others, rel_all,
                        days_with_others)


def _by_day(question_code, rows, pair_index, d, length, ln_po, brier, last, H, peer, rel_others, rel_all,
            days_with_others) -> None:
    """The cross-forecaster figures of one question, day by day (a grid of its days x forecasters)."""
    n_days = int(last[question_code]) + 1
    pairs = np.unique(pair_index[rows])
    col = {int(pr): i for i, pr in enumerate(pairs)}
    standing_ln = np.full((n_days, pairs.size), np.nan)
    standing_b = np.full((n_days, pairs.size), np.nan)
    for r in rows:
        if length[r] <= 0:
            continue
        c = col[int(pair_index[r])]
        s = int(max(d[r], 0))
        standing_ln[s:s + int(length[r]), c] = ln_po[r]
        standing_b[s:s + int(length[r]), c] = brier[r]
    present = ~np.isnan(standing_ln)
    count = present.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        sum_ln = np.nansum(standing_ln, axis=1)
        others_mean = (sum_ln[:, None] - standing_ln) / (count[:, None] - 1)
        peer_daily = np.where(present & (count[:, None] > 1), 100.0 * (standing_ln - others_mean), 0.0)
    h = float(H[question_code])
    for pr, c in col.items():
        peer[pr] = peer_daily[:, c].sum() / h
        mine = present[:, c] & (count > 1)
        days = np.flatnonzero(mine)
        days_with_others[pr] = days.size
        if not days.size:
            continue
        diffs_others, diffs_all = [], []
        for t in days:  # days x forecasters of one question: small
            row = standing_b[t]
            others = np.delete(row, c)
            others = others[~np.isnan(others)]
            everyone = row[~np.isnan(row)]
            diffs_others.append(row[c] - np.median(others))
            diffs_all.append(row[c] - np.median(everyone))
        rel_others[pr] = float(np.mean(diffs_others))
        rel_all[pr] = float(np.mean(diffs_all))

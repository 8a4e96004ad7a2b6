"""Which forecasts count: the forecast policy, applied to forecast rows of any question kind.

Rows come in ledger order (services.select.PREDICTION_ORDER_SQL), and within a
prediction in date order. The policy picks, per (prediction, forecaster):

  first         -- the first forecast (for the author: the published one)
  last          -- the last forecast dated on or before the resolution date
  all           -- every forecast dated on or before the resolution date
  time-weighted -- every forecast dated on or before the resolution date; each
                   then counts for the days it stood (scoring.timeweighted)

Under every policy a forecast dated after the resolution date (the first
outcome entry's; a later correction lets nothing in) was made knowing the
outcome and is never scored; such forecasts are counted.

Forecasters are grouped by name_key (case and surrounding whitespace ignored)
and shown with their first spelling.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..names import name_key

POLICIES = ("first", "last", "all", "time-weighted")
POLICY_RULES = {
    "first": "each forecaster's first forecast on a prediction (for the author: the published p); "
    "forecasts dated after the resolution are left out",
    "last": "each forecaster's last forecast dated on or before the resolution date "
    "(the first outcome entry's date); later forecasts are ignored",
    "all": "every forecast dated on or before the resolution date (the first outcome entry's date)",
    "time-weighted": "every forecast dated on or before the resolution date, each counting for the days it stood "
    "(until the forecaster's next forecast, the question's scheduled close or its resolution)",
}
SCORED_RULES = {
    "authors": "each prediction's author, on their own predictions",
    "forecaster": "{name}'s forecasts on every selected prediction (theirs and other people's)",
    "everyone": "every forecaster on the selected predictions, one row each",
}


def check_policy(policy: str) -> str:
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {', '.join(POLICIES)}, got {policy!r}")
    return policy


@dataclass(frozen=True, eq=False)
class Picked:
    """The forecasts a policy keeps: indices into the forecast rows, each one's
    prediction (index into the prediction rows) and forecaster, and what was left out."""

    rows: np.ndarray  # indices into the forecast rows, grouped by prediction then forecaster, dates in order
    prediction: np.ndarray  # per kept row: index into the prediction rows
    forecaster: np.ndarray  # per kept row: forecaster code
    names: np.ndarray  # per forecaster code: its first spelling
    covered: np.ndarray  # per prediction row: has a kept forecast
    after_resolution: int


def pick(prediction_of: np.ndarray, by: list[str], at: np.ndarray, resolved_on: np.ndarray, scorable: np.ndarray,
         policy: str, authors: list[str] | None = None) -> Picked:
    """Apply `policy` to forecast rows.

    prediction_of -- per forecast row: index of its prediction row
    by, at        -- per forecast row: forecaster's name, date (ISO text or date)
    resolved_on   -- per prediction row: the first resolution's date (None: unresolved)
    scorable      -- per prediction row: resolved to something that can be scored
    authors       -- per prediction row: its author, to keep only the authors' own forecasts
    """
    first = policy == "first"
    names = list(by) + (list(authors) if authors is not None else [])
    code, display, rank = forecaster_codes(names)
    code, author = code[: len(by)], code[len(by):]
    keep = scorable[prediction_of]
    if authors is not None:
        keep &= code == author[prediction_of]
    idx = np.flatnonzero(keep)
    qi, fc = prediction_of[idx], code[idx]

    late = days(at[idx]) > days(resolved_on)[qi]
    group = qi * max(len(display), 1) + fc
    if policy in ("all", "time-weighted"):
        after_resolution = int(np.count_nonzero(late))
    else:  # forecasters whose every forecast on a prediction came after it
        after_resolution = _only_in(group[late], group[~late], scorable.shape[0] * max(len(display), 1))
    idx, qi, fc = idx[~late], qi[~late], fc[~late]

    if qi.size:
        # Group by (prediction, forecaster), keeping the date order within a
        # group (lexsort is stable); forecasters in name_key order.
        order = np.lexsort((rank[fc], qi))
        idx, qi, fc = idx[order], qi[order], fc[order]
    if policy in ("first", "last") and qi.size:
        same = (qi[1:] == qi[:-1]) & (fc[1:] == fc[:-1])
        keep_row = np.concatenate(([True], ~same)) if first else np.concatenate((~same, [True]))
        idx, qi, fc = idx[keep_row], qi[keep_row], fc[keep_row]
    covered = np.zeros(scorable.shape[0], dtype=bool)
    covered[qi] = True
    spelling = np.empty(len(display), dtype=object)
    spelling[:] = display
    return Picked(idx, qi, fc, spelling, covered, after_resolution)


def _only_in(a: np.ndarray, b: np.ndarray, size: int) -> int:
    """How many distinct values of `a` are not in `b` (both codes in [0, size))."""
    if not a.size:
        return 0
    if size <= 8 * (a.size + b.size) + 1024:  # flags cost less than hashing a million codes twice
        in_a = np.zeros(size, dtype=bool)
        in_a[a] = True
        in_a[b] = False
        return int(np.count_nonzero(in_a))
    return int(np.setdiff1d(a, b).size)


def forecaster_codes(names: list[str]) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Group names by name_key: per name its forecaster's code, per code the first
    spelling seen (trimmed), and per code its rank in name_key order."""
    names = names if isinstance(names, list) else list(names)
    # A million forecasts hold a few spellings: each keyed once (in first-seen order), then every
    # name looked up by C-level map rather than a Python loop per name.
    by_name: dict[str, int] = {}
    by_key: dict[str, int] = {}
    display: list[str] = []
    keys: list[str] = []
    for n in dict.fromkeys(names):
        k = name_key(n)
        c = by_key.get(k)
        if c is None:
            c = by_key[k] = len(display)
            display.append(n.strip())
            keys.append(k)
        by_name[n] = c
    codes = np.fromiter(map(by_name.__getitem__, names), dtype=np.intp, count=len(names))
    rank = np.empty(len(keys), dtype=np.intp)
    rank[sorted(range(len(keys)), key=keys.__getitem__)] = np.arange(len(keys))
    return codes, display, rank


def days(values) -> np.ndarray:
    """Dates (ISO text or date objects; None for none) as datetime64[D]; None is the far future."""
    values = values.tolist() if isinstance(values, np.ndarray) else list(values)
    # A ledger has few distinct dates: each converted once, then every value looked up by its
    # code (dict.fromkeys and map run in C: no Python step per value).
    code = {v: i for i, v in enumerate(dict.fromkeys(values))}
    codes = np.fromiter(map(code.__getitem__, values), dtype=np.intp, count=len(values))
    distinct = np.array([dt.date.max if v is None else v for v in code], dtype="datetime64[D]")
    return distinct[codes] if len(values) else distinct

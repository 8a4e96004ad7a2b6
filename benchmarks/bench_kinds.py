"""Benchmark: score 1,000,000 multiple-choice forecasts (4 options) and 1,000,000
numeric forecasts (5 quantiles) with ledger.scoring and, on the same arrays in
the same run, with scoringrules.

Run by hand: python benchmarks/bench_kinds.py [n]
Prints the best of several repeats for each side and the ratio ours/scoringrules
(target: at most 1.0x), for scoringrules' numpy backend and, when numba is
installed, its numba backend (compiled once before timing).

  multiple choice -- ours: every rule of the registry for the kind except the
                     calibration table (scoringrules has none): input checks and
                     normalisation, multi-class Brier, log, Metaculus baseline,
                     RPS (all options ordered). scoringrules: brier_score on the
                     one-hot outcomes summed over options, rps_score, log_score
                     on the probability of what happened (means of each).
  numeric         -- ours: every per-forecast score of the registry's numeric
                     rules (input checks, pinball over the levels, CRPS, both
                     central intervals' interval scores, WIS, PIT) and their
                     means. scoringrules: quantile_score per level, crps_quantile,
                     interval_score for 90% and 50%, weighted_interval_score.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _timing  # noqa: E402

import scoringrules as sr  # noqa: E402

from ledger.scoring.prepared import Choice, Numeric  # noqa: E402
from ledger.scoring.registry import Settings, run_rules  # noqa: E402

REPEATS = 9
LEVELS = np.array([0.05, 0.25, 0.5, 0.75, 0.95])


def best_of(fn, repeats: int = REPEATS) -> float:
    return _timing.best_of(fn, repeats, warm_up=True)  # numba compiles on the first call


def side_by_side(ours, theirs, repeats: int = REPEATS) -> tuple[float, float]:
    """Best times of two functions timed in turn (a shared machine's load hits both alike)."""
    ours(), theirs()  # warm up (and compile, for numba)
    a, b = [], []
    for _ in range(repeats):
        for fn, out in ((ours, a), (theirs, b)):
            start = time.perf_counter()
            fn()
            out.append(time.perf_counter() - start)
    return min(a), min(b)


def backends() -> list[str]:
    out = ["numpy"]
    try:
        import numba  # noqa: F401

        out.append("numba")
    except ImportError:
        pass
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(20240521)
    settings = Settings()

    P = rng.dirichlet(np.ones(4), size=n)
    o = rng.integers(0, 4, size=n)
    ordered = np.ones(n, dtype=bool)
    rows = np.arange(n)

    def ours_choice():
        results = run_rules(Choice(P, o, None, ordered, settings), "first", settings)
        return [r for name, r in results.items() if name != "choice_calibration"]

    # The calibration rule is left out of the timing (scoringrules has none): time the rest.
    from ledger.scoring.choice import as_choice_forecasts, baseline_result, brier_result, log_result, per_forecast, rps_result

    def ours_choice_scores():
        per = per_forecast(as_choice_forecasts(P, o, None, ordered), settings.eps)
        return brier_result(per), log_result(per, settings.eps), baseline_result(per), rps_result(per)

    def sr_choice(backend):
        def run():
            onehot = (np.arange(4)[None, :] == o[:, None]).astype(np.float64)
            sr.brier_score(onehot, P, backend=backend).sum(axis=1).mean()
            sr.rps_score(o + 1, P, backend=backend).mean()
            sr.log_score(np.ones(n), np.clip(P[rows, o], 1e-3, 1 - 1e-3), backend=backend).mean()
        return run

    base = np.sort(rng.normal(size=(n, LEVELS.size)), axis=1) + rng.normal(size=(n, 1))
    Q = base
    y = rng.normal(size=n)

    def ours_numeric():
        data = Numeric([(LEVELS, Q, y)], settings)
        return [rule(data.groups) for rule in (_q, _c, _w, _cov, _p)]

    from ledger.scoring.quantile import group_scores

    def ours_numeric_same():  # only what scoringrules computes too: no coverage, no PIT means
        g = group_scores(LEVELS, Q, y)
        return g.pinball.mean(), g.crps.mean(), g.wis.mean(), [i[1].mean() for i in g.intervals]

    from ledger.scoring.quantile import coverage_result as _cov
    from ledger.scoring.quantile import crps_result as _c
    from ledger.scoring.quantile import pit_result as _p
    from ledger.scoring.quantile import quantile_score_result as _q
    from ledger.scoring.quantile import wis_result as _w

    def sr_numeric(backend):
        def run():
            np.mean([sr.quantile_score(y, Q[:, j], LEVELS[j], backend=backend) for j in range(LEVELS.size)], axis=0).mean()
            sr.crps_quantile(y, Q, LEVELS, backend=backend).mean()
            sr.interval_score(y, Q[:, 0], Q[:, 4], 0.1, backend=backend).mean()
            sr.interval_score(y, Q[:, 1], Q[:, 3], 0.5, backend=backend).mean()
            sr.weighted_interval_score(y, Q[:, 2], Q[:, [0, 1]], Q[:, [4, 3]], np.array([0.1, 0.5]),
                                       backend=backend).mean()
        return run

    print(f"n = {n:,} forecasts per kind, best of {REPEATS}, each pair timed in turn")
    print(f"{'':44} {'ours':>9} {'theirs':>9} {'ratio':>7}")
    for backend in backends():
        for label, ours, theirs in (
            ("multiple choice (4 options)", ours_choice_scores, sr_choice(backend)),
            ("numeric (5 quantiles), every figure", ours_numeric, sr_numeric(backend)),
            ("numeric, the figures scoringrules has", ours_numeric_same, sr_numeric(backend)),
        ):
            a, b = side_by_side(ours, theirs)
            print(f"{label + ' vs ' + backend:44} {a * 1000:7.1f}ms {b * 1000:7.1f}ms {a / b:6.2f}x  (target <= 1.0x)")
    full = best_of(ours_choice, 2)
    print(f"(multiple choice with its calibration table too: {full * 1000:.1f} ms)")


if __name__ == "__main__":
    main()

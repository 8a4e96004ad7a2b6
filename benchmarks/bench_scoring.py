"""Benchmark: score 1,000,000 random forecasts with ledger.scoring and, in the
same run, with scikit-learn (brier_score_loss + log_loss + calibration_curve).

Run by hand: /work/venv/bin/python benchmarks/bench_scoring.py [n]
Prints the best of several repeats for each side and the ratio ours/sklearn
(target: at most 1.0x). Ours computes every figure of score_forecasts (gap,
Brier, log, spherical, calibration, folded calibration, decomposition) but
not the bootstrap.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _timing  # noqa: E402

from sklearn.calibration import calibration_curve  # noqa: E402
from sklearn.metrics import brier_score_loss, log_loss  # noqa: E402

from ledger.scoring import score_forecasts  # noqa: E402

REPEATS = 7


def best_of(fn, repeats: int = REPEATS) -> float:
    return _timing.best_of(fn, repeats)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    rng = np.random.default_rng(20240521)
    p = rng.random(n)
    o = (rng.random(n) < p).astype(np.int64)

    def ours():
        return score_forecasts(p, o)  # default: auto bins (uniform here)

    def sklearn():
        brier_score_loss(o, p)
        log_loss(o, p)
        calibration_curve(o, p, n_bins=10, strategy="uniform")

    ours()
    sklearn()  # warm both up
    t_ours = best_of(ours)
    t_sk = best_of(sklearn)
    report = ours()
    print(f"n = {n:,} forecasts, best of {REPEATS}")
    print(f"ledger.scoring.score_forecasts : {t_ours * 1000:8.1f} ms")
    print(f"scikit-learn brier+log+calib   : {t_sk * 1000:8.1f} ms")
    print(f"ratio ours/sklearn             : {t_ours / t_sk:8.2f}x  (target <= 1.0x)")
    print(f"check: Brier {report.brier.score:.6f} vs sklearn {brier_score_loss(o, p):.6f}")


if __name__ == "__main__":
    main()

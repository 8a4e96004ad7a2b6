"""Benchmark: `pledger score` on the 100,000-prediction ledger, index warm, against
a plain script timed in the same run.

Run by hand (not part of the test suite):

    python benchmarks/bench_score.py [--n 100000] [--repeats 7]

Both sides run as fresh subprocesses (start-up and imports count, as they do for a
user). The plain script imports numpy, reads p and the outcome with the standard
library's sqlite3 from <root>/.pledger/index.sqlite and computes the headline
figures: Brier, log score, gap total and z, calibration counts. `pledger score`
does all of that and the rest (folded gap, skill scores, spherical, calibration
table with Wilson intervals, folded table, decomposition), applies the outcome
rule (corrections) and the forecast policy, and renders the tables.
Before timing, the headline figures of both are checked to agree.

Target (issue 3): pledger score <= 2x the plain script (median wall times).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ledger_fixture import build_ledger  # noqa: E402

WORK = Path(__file__).resolve().parent / "_work"
TARGET = 2.0

PLAIN = r'''
import json, sqlite3, sys
import numpy as np

con = sqlite3.connect(sys.argv[1])
rows = con.execute(
    "SELECT p.p, o.result = 'yes' FROM predictions p JOIN outcomes o ON o.prediction_id = p.id "
    "WHERE o.result IN ('yes', 'no')"
).fetchall()
a = np.array(rows, dtype=np.float64).reshape(-1, 2)
p, o = a[:, 0], a[:, 1]
eps = 1e-3
r = o - p
brier = float(np.dot(r, r) / p.size)
po = np.clip(np.where(o == 1, p, 1 - p), eps, 1 - eps)
nats = float(-np.log(po).mean())
total = float(r.sum())
spread = float(np.sqrt((p * (1 - p)).sum()))
values, idx = np.unique(p, return_inverse=True)
n = np.bincount(idx, minlength=values.size)
hits = np.bincount(idx, weights=o, minlength=values.size)
figures = {"n": int(p.size), "brier": brier, "log_nats": nats, "gap_total": total, "gap_z": total / spread,
           "bins": [[float(v), int(k), int(h)] for v, k, h in zip(values, n, hits)]}
if len(sys.argv) > 2:
    print(json.dumps(figures))
else:
    print(f"n={p.size} brier={brier:.4f} log={nats:.4f} nats gap={total:+.2f} z={total / spread:+.2f}")
    for v, k, h in zip(values, n, hits):
        print(f"{v:.2f} {k} {h}")
'''


def wall(cmd: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def check_same_figures(python: str, plain: Path, index: Path, env: dict) -> dict:
    ours = json.loads(subprocess.run([python, "-m", "ledger", "score", "--json"], check=True, capture_output=True,
                                     text=True, env=env).stdout)
    theirs = json.loads(subprocess.run([python, str(plain), str(index), "--json"], check=True, capture_output=True,
                                       text=True).stdout)
    rep = ours["report"]
    mine = {
        "n": rep["n"], "brier": rep["brier"]["score"], "log_nats": rep["log"]["nats"],
        "gap_total": rep["gap"]["total"], "gap_z": rep["gap"]["z"],
        "bins": [[b["lo"], b["n"], b["hits"]] for b in rep["calibration"]["bins"]],
    }
    assert mine["n"] == theirs["n"] and mine["bins"] == theirs["bins"], (mine, theirs)
    for key in ("brier", "log_nats", "gap_total", "gap_z"):
        assert abs(mine[key] - theirs[key]) <= 1e-9 * max(1.0, abs(theirs[key])), (key, mine[key], theirs[key])
    return mine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="predictions in the generated ledger")
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    root = build_ledger(WORK / f"ledger-{args.n}", args.n)
    index = root / ".pledger" / "index.sqlite"
    python = sys.executable
    env = {**os.environ, "PLEDGER_ROOT": str(root), "COLUMNS": "120"}
    env.pop("PLEDGER_DATABASE_URL", None)

    with tempfile.TemporaryDirectory() as tmp:
        plain = Path(tmp) / "plain_score.py"
        plain.write_text(PLAIN, encoding="utf-8")
        wall([python, "-m", "ledger", "score"], env)  # warm the index (and the OS caches) once
        figures = check_same_figures(python, plain, index, env)
        print(f"ledger: {args.n:,} predictions; scored {figures['n']:,}; Brier {figures['brier']:.4f}, "
              f"gap {figures['gap_total']:+.2f} (same figures from both)")

        ours, theirs = [], []
        for _ in range(args.repeats):  # interleaved, so drift hits both sides alike
            theirs.append(wall([python, str(plain), str(index)]))
            ours.append(wall([python, "-m", "ledger", "score"], env))

    t_plain, t_ours = statistics.median(theirs), statistics.median(ours)
    ratio = t_ours / t_plain
    print(f"{'measure (median of ' + str(args.repeats) + ')':<44} {'seconds':>9} {'ratio':>8} {'target':>8}")
    print(f"{'plain script: numpy + sqlite3 (reference)':<44} {t_plain:>9.3f}")
    verdict = "ok" if ratio <= TARGET else "MISSED"
    print(f"{'python -m ledger score (vs plain)':<44} {t_ours:>9.3f} {ratio:>7.2f}x {'<=' + str(TARGET) + 'x':>8} {verdict}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())

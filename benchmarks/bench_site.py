"""Site benchmark: `pledger site` on a 100,000-prediction ledger (issue 14), and the scorecard
against `pledger score` of the same selection (issue 11's target).

Run by hand (not part of the test suite):

    python benchmarks/bench_site.py [--n 100000] [--repeats 3] [--scale]

--scale builds the site of the scale ledger (benchmarks/_ledger_fixture.build_scale_ledger: six
forecasters, one of them the author of every prediction, whose page lists all n) instead of the
one-author ledger.

Figures are medians of fresh processes, as ratios against a reference timed in the same
run (these machines are shared and noisy). Targets:
  no-op rebuild of the site   <= 5% of a cold build
  pledger scorecard           <= 3x pledger score --json (issue 11: at 1M)
The cold build is reported against `pledger scorecard` of the same selection (everything).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ledger_fixture import build_ledger, build_scale_ledger  # noqa: E402

WORK = Path(__file__).resolve().parent / "_work"


def run(args: list[str], root: Path, ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "ledger", "--root", str(root), *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, env=dict(os.environ, PLEDGER_TODAY="2026-11-23"))
    if done.returncode not in ok:
        raise SystemExit(f"pledger {' '.join(args)} exited {done.returncode}")
    return time.perf_counter() - start


def median(fn, repeats: int) -> float:
    return statistics.median(fn() for _ in range(repeats))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scale", action="store_true", help="the scale ledger: six forecasters, a page each")
    args = parser.parse_args()
    name = f"scale-{args.n}" if args.scale else f"{args.n}"
    if args.scale:
        root = WORK / f"ledger-{name}"
        build_scale_ledger(root, args.n)
    else:
        root = build_ledger(WORK / f"ledger-{name}", args.n)
    run(["check"], root, ok=(0, 1))  # the index built and current before anything is timed (problems: exit 1)
    out = WORK / f"site-{name}"
    card = WORK / f"card-{name}.md"

    def cold():
        shutil.rmtree(out, ignore_errors=True)
        return run(["site", "-o", str(out), "--with-problems"], root)  # the fixture has problems on purpose

    t_score = median(lambda: run(["score", "--json"], root), args.repeats)
    t_card = median(lambda: run(["scorecard", "-o", str(card)], root), args.repeats)
    t_cold = median(cold, args.repeats)
    t_noop = median(lambda: run(["site", "-o", str(out), "--with-problems"], root), args.repeats)
    pages = sum(1 for _ in out.rglob("*.html"))
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) / 1e6
    people = sum(1 for _ in out.glob("forecasters/*.html"))
    print(f"ledger: {args.n:,} predictions; site: {pages:,} pages ({people} forecasters'), {size:.0f} MB")
    print(f"{'command':<34} {'median s':>9} {'ratio':>8}  target")
    print(f"{'pledger score --json':<34} {t_score:9.2f} {1:8.2f}  reference")
    print(f"{'pledger scorecard -o':<34} {t_card:9.2f} {t_card / t_score:8.2f}x <= 3x score (at 1M)")
    print(f"{'pledger site -o (cold)':<34} {t_cold:9.2f} {t_cold / t_card:8.2f}x of the scorecard")
    print(f"{'pledger site -o (no-op rebuild)':<34} {t_noop:9.2f} {100 * t_noop / t_cold:7.1f}%  <= 5% of the cold build")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

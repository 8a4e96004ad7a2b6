"""Benchmark: the whole-ledger leaderboard as the scorecard computes it (report.scorecard._collect),
in-process, index warm, on the scale ledgers bench_scale.py builds.

Run by hand (not part of the test suite):

    python benchmarks/bench_leaderboard.py [--sizes 100000 1000000] [--repeats 3] [--profile]
                                           [--fingerprint FILE] [--compare FILE] [--scale DIR]

Times `score(db, Selection(), "first", by_forecaster=True, bootstrap=0, selected=...)`, best of
`--repeats`, with the selection read once beforehand (as the scorecard reads it for its table), and
prints its ratio to a reference timed in the same run: the plain sqlite3 read of the forecasts it
scans (services.scores._other_forecasts' query, fetched and nothing else). With --profile it prints
the functions that cost the most under cProfile. --fingerprint writes a
digest of the leaderboard and of the ForecastTable's arrays per size; --compare checks them against a
digest written before a change (the figures must stay bit-for-bit the same).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import best_of  # noqa: E402

SCALE = Path(__file__).resolve().parent / "_work" / "scale"


SCAN = ('SELECT f.prediction_id, f."by", f.at, f.p, f.p_typed FROM forecasts f '
        'WHERE NOT f.initial AND f.fits ORDER BY f.at, f."by", f.file, f.line')


def plain_scan(root: Path) -> int:
    """The reference: the forecasts the leaderboard reads, by the standard library's sqlite3."""
    import sqlite3

    with sqlite3.connect(f"file:{root / '.pledger' / 'index.sqlite'}?mode=ro", uri=True) as conn:
        return len(conn.execute(SCAN).fetchall())


def digest(run) -> dict[str, str]:
    """Per part of the run: a sha256 of its exact contents (numbers by their bytes)."""
    table = run.table
    out = {"leaderboard": json.dumps(run.leaderboard.to_dict(), sort_keys=True, default=str),
           "counts": json.dumps(run.counts, sort_keys=True), "rules": json.dumps(run.rules, sort_keys=True)}
    for name in ("prediction_id", "forecaster", "p", "outcome", "p_typed", "at", "question"):
        a = getattr(table, name)
        out[name] = a.tobytes().hex() if a.dtype.kind in "fiub" else repr([(type(v).__name__, v) for v in a.tolist()])
        out[name + ".dtype"] = str(a.dtype)
    return {k: hashlib.sha256(v.encode()).hexdigest() for k, v in out.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--fingerprint", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument("--scale", type=Path, default=SCALE, help="where bench_scale.py keeps its ledgers")
    args = parser.parse_args()

    from ledger.services.defaults import today
    from ledger.services.ledger import Ledger
    from ledger.services.published import shown_predictions
    from ledger.services.scores import score, selected_from
    from ledger.services.select import Selection

    prints = {}
    failed = False
    for n in args.sizes:
        root = args.scale / f"ledger-{n}"
        if not (root / ".pledger" / "index.sqlite").exists():
            print(f"{n}: no ledger at {root} (build it with benchmarks/bench_scale.py)")
            continue
        ledger = Ledger.open(root, read_only=True)
        with ledger.reader() as db:
            shown = tuple(shown_predictions(db, Selection(), today()))
            selected = selected_from(shown)

            def call():
                return score(db, Selection(), "first", by_forecaster=True, bootstrap=0, selected=selected)

            run = call()
            seconds = best_of(call, args.repeats)
            scan = best_of(lambda: plain_scan(root), args.repeats)
            print(f"{n:>9,} predictions: {run.n:,} forecasts scored, {run.leaderboard.n_forecasters} forecasters; "
                  f"leaderboard {seconds:.3f} s, plain scan {scan:.3f} s: {seconds / scan:.2f}x "
                  f"(best of {args.repeats})")
            prints[str(n)] = digest(run)
            if args.profile:
                import cProfile
                import pstats

                profile = cProfile.Profile()
                profile.runcall(call)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    if args.fingerprint:
        args.fingerprint.write_text(json.dumps(prints, indent=1))
    if args.compare:
        before = json.loads(args.compare.read_text())
        for n, parts in prints.items():
            if n not in before:
                continue
            differ = [k for k in parts if before[n].get(k) != parts[k]]
            print(f"{n}: {'identical' if not differ else 'DIFFERENT: ' + ', '.join(differ)}")
            failed |= bool(differ)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

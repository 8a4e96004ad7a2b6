"""Benchmark: the index on a PostgreSQL server against the ledger's own SQLite index, in one run.

Run by hand (not part of the test suite):

    python benchmarks/bench_team.py [--n 100000] [--repeats 5] [--url postgresql://...]

Without --url it starts a throwaway server of its own (.ci/postgres: initdb into a
temporary folder, a unix socket only, PostgreSQL's default settings) and stops it
at the end. Every measure is `python -m ledger ...` in a fresh subprocess (start-up
and imports count, as they do for a user), the two databases timed in turn:

  cold build       -- the first command on a ledger with no index (`pledger check`)
  no-op refresh    -- `pledger check` again: nothing changed, the refresh finds so
  score            -- `pledger score` (the indexer: its files checked against the index)
  list --limit 20  -- the first 20 in ledger order
  scorecard        -- the markdown scorecard of the whole ledger
  reader: ...      -- the same reads with --read-only (a team member without the files)

Targets (issue 16): cold build at most 1.5x SQLite's, the reads at most 2x.
Before timing, `score --json` and `list --json` are checked to print the same bytes on both.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ledger_fixture import build_ledger  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
WORK = Path(__file__).resolve().parent / "_work"
BUILD_TARGET, READ_TARGET = 1.5, 2.0
READS = (
    ("no-op refresh", ["check"], False),
    ("score", ["score"], False),
    ("list --limit 20", ["list", "--limit", "20"], False),
    ("scorecard", ["scorecard"], False),
    ("reader: score", ["score"], True),
    ("reader: list --limit 20", ["list", "--limit", "20"], True),
    ("reader: scorecard", ["scorecard"], True),
)


def run(args: list[str], env: dict, *, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ledger", *args], env=env, check=True, text=True,
                          stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wall(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    run(args, env)
    return time.perf_counter() - start


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    from ledger.index.target import target_for

    with psycopg.connect(target_for(url).libpq(), autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def server_version(url: str) -> str:
    import psycopg

    from ledger.index.target import target_for

    with psycopg.connect(target_for(url).libpq()) as conn:
        return conn.execute("SELECT version()").fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="predictions in the generated ledger")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--url", help="a PostgreSQL server to use (default: start one)")
    args = parser.parse_args()

    root = build_ledger(WORK / f"ledger-{args.n}", args.n)
    base = {**os.environ, "PLEDGER_ROOT": str(root), "COLUMNS": "120", "PLEDGER_TODAY": "2026-01-01"}
    for name in ("PLEDGER_DATABASE_URL", "PLEDGER_READ_ONLY"):
        base.pop(name, None)
    run(["init", str(root), "--name", "bench"], base)  # an identity: a server index needs one
    server = None
    url = args.url
    if url is None:
        server = tempfile.mkdtemp(prefix="pledger-bench-pg-")
        url = subprocess.run([str(REPO / ".ci" / "postgres"), "start", server], check=True, capture_output=True,
                             text=True).stdout.strip()
    try:
        sqlite_env = base
        pg_env = {**base, "PLEDGER_DATABASE_URL": url}
        version = server_version(url)
        schema = "pledger_bench"

        def cold(env: dict) -> float:
            if env is pg_env:
                drop_schema(url, schema)
            else:
                shutil.rmtree(root / ".pledger", ignore_errors=True)
            return wall(["check"], env)

        builds = {"sqlite": [], "postgresql": []}
        for _ in range(max(1, args.repeats // 2)):
            builds["sqlite"].append(cold(sqlite_env))
            builds["postgresql"].append(cold(pg_env))
        for what in (["score", "--json"], ["list", "--json"]):
            a, b = run(what, sqlite_env, capture=True).stdout, run(what, pg_env, capture=True).stdout
            assert a == b, f"`pledger {' '.join(what)}` differs between SQLite and PostgreSQL"
        times: dict[str, tuple[list[float], list[float]]] = {}
        for label, cmd, reader in READS:
            lite, pg = [], []
            pg_cmd = ["--read-only", *cmd] if reader else cmd
            for _ in range(args.repeats):  # in turn, so drift hits both alike
                lite.append(wall(cmd, sqlite_env))
                pg.append(wall(pg_cmd, pg_env))
            times[label] = (lite, pg)

        print(f"ledger: {args.n:,} predictions in {len(list(root.rglob('*.yaml'))):,} files; {version}")
        print(f"{'measure (median)':<26} {'SQLite s':>9} {'PostgreSQL s':>13} {'ratio':>7} {'target':>7}")
        ok = True

        def row(label: str, lite: list[float], pg: list[float], target: float) -> None:
            nonlocal ok
            a, b = statistics.median(lite), statistics.median(pg)
            verdict = "ok" if b / a <= target else "MISSED"
            ok &= verdict == "ok"
            print(f"{label:<26} {a:>9.3f} {b:>13.3f} {b / a:>6.2f}x {'<=' + str(target) + 'x':>7} {verdict}")

        row("cold build", builds["sqlite"], builds["postgresql"], BUILD_TARGET)
        for label, (lite, pg) in times.items():
            row(label, lite, pg, READ_TARGET)
        print("(reader: PostgreSQL with --read-only, against the same read on the ledger's own SQLite index)")
        return 0 if ok else 1
    finally:
        if server is not None:
            subprocess.run([str(REPO / ".ci" / "postgres"), "stop", server], check=False)
            shutil.rmtree(server, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

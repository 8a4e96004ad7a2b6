"""Foundation benchmark: loading, indexing and start-up on a 100,000-prediction ledger.

Run by hand (not part of the test suite):

    python benchmarks/bench_ledger.py [--n 100000]

Every figure is a ratio against a reference timed in the same run, because these
machines are noisy. Targets (issues 2 and 11):
  load + validate   <= 1.5x raw libyaml parse of the same files
  no-op refresh     <= 5% of a cold index build
  pledger --help    <= 1.3x `python -c "import typer"`
  pledger list      <= 2x `python -c "import typer"`, on the bundled example ledger
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

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ledger_fixture import build_ledger  # noqa: E402
from _timing import best_of  # noqa: E402

from ledger.services.ledger import Ledger  # noqa: E402
from ledger.store.discover import ledger_files  # noqa: E402
from ledger.store.read import read_file  # noqa: E402

WORK = Path(__file__).resolve().parent / "_work"


def wall(cmd: list[str], repeats: int, env: dict | None = None) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="predictions in the generated ledger")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    root = build_ledger(WORK / f"ledger-{args.n}", args.n)
    files = ledger_files(root)
    blobs = [(f.path, (root / f.path).read_bytes()) for f in files]
    print(f"ledger: {args.n:,} predictions in {len(files)} files ({sum(len(b) for _, b in blobs) / 1e6:.1f} MB)")

    loader = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader

    def raw_parse():
        for _, data in blobs:
            yaml.load(data.decode("utf-8"), Loader=loader)

    def load_and_validate():
        problems = 0
        for path, data in blobs:
            problems += len(read_file(root, path, data).problems)
        assert problems == 0, f"{problems} problems in the generated ledger"

    t_raw = best_of(raw_parse, args.repeats)
    t_load = best_of(load_and_validate, args.repeats)

    def cold_build():
        shutil.rmtree(root / ".pledger", ignore_errors=True)
        ledger = Ledger(root)
        ledger.refresh()
        ledger.close()

    t_cold = best_of(cold_build, max(1, args.repeats - 1))
    warm = Ledger(root)
    warm.refresh()
    t_noop = best_of(warm.refresh, args.repeats * 3)
    warm.close()

    python = sys.executable
    # Byte-compiled, as an install leaves it (with PYTHONDONTWRITEBYTECODE set, every run would compile the package).
    subprocess.run([python, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[1] / "ledger")], check=True)
    env = {**os.environ, "PLEDGER_ROOT": str(root), "COLUMNS": "120"}
    t_typer = wall([python, "-c", "import typer"], 7)
    t_help = wall([python, "-m", "ledger", "--help"], 7, env)
    example = {**env, "PLEDGER_ROOT": str(Path(__file__).resolve().parents[1] / "predictions")}
    wall([python, "-m", "ledger", "list"], 1, example)  # its index current
    t_example = wall([python, "-m", "ledger", "list"], 7, example)
    t_list = wall([python, "-m", "ledger", "list"], 3, env)
    t_list_limited = wall([python, "-m", "ledger", "list", "--limit", "20"], 3, env)

    rows = [
        ("raw libyaml parse (reference)", t_raw, None, None),
        ("load + validate", t_load, t_load / t_raw, 1.5),
        ("cold index build", t_cold, None, None),
        ("no-op refresh (vs cold build)", t_noop, t_noop / t_cold, 0.05),
        ("python -c 'import typer' (reference)", t_typer, None, None),
        ("pledger --help (vs import typer)", t_help, t_help / t_typer, 1.3),
        ("pledger list, bundled example (vs import typer)", t_example, t_example / t_typer, 2.0),
        ("pledger list, all rows (vs import typer)", t_list, t_list / t_typer, None),
        ("pledger list --limit 20 (vs import typer)", t_list_limited, t_list_limited / t_typer, None),
    ]
    print(f"{'measure':<44} {'seconds':>9} {'ratio':>8} {'target':>8}")
    failed = False
    for name, seconds, ratio, target in rows:
        ratio_text = "" if ratio is None else f"{ratio:.3f}x"
        target_text = "" if target is None else f"<={target}x"
        verdict = ""
        if ratio is not None and target is not None:
            ok = ratio <= target
            failed |= not ok
            verdict = " ok" if ok else " MISSED"
        print(f"{name:<44} {seconds:>9.3f} {ratio_text:>8} {target_text:>8}{verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

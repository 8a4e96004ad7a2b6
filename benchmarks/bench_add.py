"""Benchmark: `pledger add` to a set file of 20,000 predictions, against parsing that file once.

Run by hand (not part of the test suite):

    python benchmarks/bench_add.py [--n 20000] [--repeats 5]

Builds a ledger holding one set file (`big.yaml`, N predictions, ~2.2 MB at
20,000) and indexes it. Then, in the same run, as fresh subprocesses (start-up
and imports count, as they do for a user):

  * reference: `python -c "import yaml; yaml.load(open(f), Loader=yaml.CSafeLoader)"`
    on big.yaml -- one libyaml parse of the file, with PyYAML's own import;
  * add: `pledger --root M add CLAIM -p 0.4 --set big --made 2024-05-01`, each run
    appending one more prediction to big.yaml;
  * next: the command after an add (`pledger show ID`), which pays for whatever
    the add left stale in the index.

Prints the median wall times and the ratios add/reference and next/reference.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / "_work" / "add"
WORDS = (
    "model paper benchmark lab release feature circuit probe steering scaling dataset agent eval "
    "safety compute policy chip open weights robotics vision reasoning"
).split()


def build(root: Path, n: int, seed: int = 11) -> Path:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    rng = random.Random(seed)
    lines = ["# a big set, as a user review had it", "set: big", "title: A big set", "by: bench", "made: 2024-01-01",
             "predictions:"]
    for i in range(n):
        p = rng.choice(["0.1", "0.25", "40%", "0.5", "60%", "0.75", "3:1", "0.9", "95%"])
        claim = " ".join(rng.choice(WORDS) for _ in range(8))
        lines += [f"  - id: big-{i:05d}", f"    claim: {claim}", f"    p: {p}"]
        if i % 10 == 0:
            lines.append("    tags: [bench, sample]")
    path = root / "big.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    root = WORK / "ledger"
    big = build(root, args.n)
    env = dict(os.environ, PLEDGER_BY="bench")
    env.pop("PLEDGER_DATABASE_URL", None)
    pledger = [sys.executable, "-m", "ledger"]
    print(f"{big}: {args.n:,} predictions, {big.stat().st_size / 1e6:.1f} MB")
    first = timed([*pledger, "--root", str(root), "check"], env)  # builds the index (check exits 0: no problems)
    print(f"index built by `pledger check` in {first:.2f} s")

    reference = [sys.executable, "-c", "import sys, yaml; yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)", str(big)]
    ref_times, add_times, next_times = [], [], []
    for r in range(args.repeats):
        ref_times.append(timed(reference, env))
        pid = f"bench-added-{r}"
        add = [*pledger, "--root", str(root), "add", f"bench run {r}", "-p", "0.4", "--set", "big",
               "--made", "2024-05-01", "--id", pid]
        add_times.append(timed(add, env))
        next_times.append(timed([*pledger, "--root", str(root), "show", pid], env))

    ref, add_t, next_t = (statistics.median(t) for t in (ref_times, add_times, next_times))
    print(f"reference (one CSafeLoader load of big.yaml, subprocess): {ref:.2f} s")
    print(f"pledger add:                                           {add_t:.2f} s  ({add_t / ref:.1f}x the reference)")
    print(f"next command (pledger show):                           {next_t:.2f} s  ({next_t / ref:.1f}x the reference)")
    print("medians of", args.repeats, "runs; all runs (s):")
    for name, ts in (("reference", ref_times), ("add", add_times), ("next", next_times)):
        print(f"  {name:9s} " + " ".join(f"{t:.2f}" for t in ts))


if __name__ == "__main__":
    main()

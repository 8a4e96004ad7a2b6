"""Benchmark: `pledger verify` over a repository of 10,000 commits and 10,000 predictions,
against `git log --raw` over the same repository, in the same run.

Run by hand (not part of the test suite):

    python benchmarks/bench_verify.py [--commits 10000] [--repeats 3] [--one-file 2000]

Builds once (with `git fast-import`, cached under benchmarks/_work/verify/) a
repository whose ledger grew the way people grow one: every commit adds one
prediction to its set's file (sets of 50, each in its own file, as `pledger add
--set` writes them); every 50th commit also resolves the set before it in a new
outcome file; every 10th also appends a forecast to forecasts.yaml, one file
that grows for the whole history. Then, as fresh subprocesses:

  * reference: `git log --raw` over the whole history (git listing what each
    commit changed, without reading a file);
  * verify: `pledger --root R verify` (the index warmed first, so what is timed
    is reading the history, every version of every ledger file, and judging),
    and `pledger --root R verify --json` (a report of every prediction).

Prints the best wall times and the ratio verify/reference. With --one-file N it
also times a second repository where N commits append to one predictions.yaml
(the worst case: git hands over every version of a growing file), against both
`git log --raw` and `git log -p` (git's own diff of the same versions).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

WORK = Path(__file__).resolve().parent / "_work" / "verify"
WORDS = (
    "model paper benchmark lab release feature circuit probe steering scaling dataset agent eval "
    "safety compute policy chip open weights robotics vision reasoning"
).split()
START = 1_577_880_000  # 2020-01-01 12:00 UTC
HOUR = 3600
PER_SET = 50


def _env() -> dict:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, PLEDGER_TODAY="2026-01-01")
    env.pop("PLEDGER_ROOT", None)
    env.pop("PLEDGER_DATABASE_URL", None)
    return env


def _prediction(rng: random.Random, pid: str) -> bytes:
    p = rng.choice(["0.1", "0.25", "40%", "0.5", "60%", "0.75", "3:1", "0.9", "95%"])
    claim = " ".join(rng.choice(WORDS) for _ in range(8))
    return f"  - id: {pid}\n    claim: {claim}\n    p: {p}\n".encode()


class _Import:
    """A git fast-import stream: blobs inline, one commit after another on refs/heads/main."""

    def __init__(self):
        self.parts: list[bytes] = []
        self.mark = 0

    def commit(self, when: int, message: str, files: dict[str, bytes]) -> None:
        self.mark += 1
        msg = message.encode()
        head = (f"commit refs/heads/main\nmark :{self.mark}\n"
                f"author Bench <bench@example.org> {when} +0000\ncommitter Bench <bench@example.org> {when} +0000\n"
                f"data {len(msg)}\n").encode()
        self.parts += [head, msg, b"\n"]
        if self.mark > 1:
            self.parts.append(f"from :{self.mark - 1}\n".encode())
        for path, data in files.items():
            self.parts += [f"M 100644 inline {path}\ndata {len(data)}\n".encode(), data, b"\n"]
        self.parts.append(b"\n")

    def run(self, repo: Path) -> None:
        subprocess.run(["git", "init", "-q", str(repo)], check=True, env=_env())
        subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(self.parts), check=True, env=_env())
        subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True, env=_env())


def _marker(repo: Path, commits: int, seed: int) -> Path:
    """The file that says repo holds this build; a repository without it is removed, to be built afresh."""
    marker = repo / f".built-{commits}-{seed}"
    if not marker.exists() and repo.exists():
        shutil.rmtree(repo)
    return marker


def build_sets(repo: Path, commits: int, seed: int = 5) -> Path:
    """The main repository: sets of 50 in files of their own, outcomes, one growing forecasts file."""
    marker = _marker(repo, commits, seed)
    if marker.exists():
        return repo
    rng = random.Random(seed)
    stream = _Import()
    files: dict[str, bytes] = {}
    forecasts = b"forecasts:\n"
    for n in range(commits):
        when = START + n * HOUR
        set_no, i = divmod(n, PER_SET)
        set_id = f"set-{set_no:04d}"
        path = f"predictions/{set_id}.yaml"
        if i == 0:
            day = time.strftime("%Y-%m-%d", time.gmtime(when))
            files[path] = f"set: {set_id}\ntitle: Set {set_no}\nby: bench\nmade: {day}\npredictions:\n".encode()
        files[path] += _prediction(rng, f"{set_id}-{i:02d}")
        changed = {path: files[path]}
        if i == 0 and set_no:
            done = f"set-{set_no - 1:04d}"
            day = time.strftime("%Y-%m-%d", time.gmtime(when + 24 * HOUR))
            lines = [f"on: {day}", "by: bench", "results:"]
            lines += [f"  {done}-{k:02d}: {'yes' if rng.random() < 0.5 else 'no'}" for k in range(PER_SET)]
            changed[f"predictions/outcomes/{day}-{done}.yaml"] = ("\n".join(lines) + "\n").encode()
        if n % 10 == 5:
            day = time.strftime("%Y-%m-%d", time.gmtime(when))
            forecasts += (f"  - prediction: {set_id}-{i - 1:02d}\n    p: {rng.choice(['20%', '0.5', '80%'])}\n"
                          f"    by: ben\n    at: {day}\n").encode()
            changed["predictions/forecasts.yaml"] = forecasts
        stream.commit(when, f"add {set_id}-{i:02d}", changed)
    stream.run(repo)
    marker.write_text("built\n")
    return repo


def build_one_file(repo: Path, commits: int, seed: int = 6) -> Path:
    """The worst case: every commit appends one prediction to the same predictions.yaml."""
    marker = _marker(repo, commits, seed)
    if marker.exists():
        return repo
    rng = random.Random(seed)
    stream = _Import()
    text = b"by: bench\nmade: 2020-01-01\npredictions:\n"
    for n in range(commits):
        text += _prediction(rng, f"p{n:05d}")
        stream.commit(START + n * HOUR, f"add p{n}", {"predictions/predictions.yaml": text})
    stream.run(repo)
    marker.write_text("built\n")
    return repo


def best(cmd: list[str], cwd: Path, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):  # verify exits 1 when something fails: still a full run
            sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return min(times)


def measure(repo: Path, repeats: int, with_patch: bool = False) -> dict:
    ledger = repo / "predictions"
    pledger = [sys.executable, "-m", "ledger", "--root", str(ledger)]
    subprocess.run([*pledger, "list", "--limit", "1"], env=_env(), capture_output=True, check=True)  # warm the index
    out = subprocess.run([*pledger, "verify", "--json"], env=_env(), capture_output=True)
    report = json.loads(out.stdout)
    row = {
        "commits": report["repository"]["commits"], "predictions": report["counts"]["predictions"],
        "reads": report["repository"]["file_reads"],
        "git log --raw": best(["git", "log", "--raw", "--no-abbrev"], repo, repeats),
        "pledger verify": best([*pledger, "verify"], repo, repeats),
        "--json": best([*pledger, "verify", "--json"], repo, repeats),
    }
    if with_patch:
        row["git log -p"] = best(["git", "log", "-p"], repo, 1)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--commits", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--one-file", type=int, default=0, metavar="N",
                    help="also time N commits appending to one file (the worst case)")
    args = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    start = time.perf_counter()
    repo = build_sets(WORK / f"sets-{args.commits}", args.commits)
    print(f"built (or reused) {repo} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    rows.append(("sets of 50, one file each", measure(repo, args.repeats)))
    if args.one_file:
        repo = build_one_file(WORK / f"one-file-{args.one_file}", args.one_file)
        rows.append(("one growing file", measure(repo, args.repeats, with_patch=True)))
    print(f"{'layout':<26} {'commits':>8} {'predictions':>11} {'git log --raw':>14} {'verify':>9} {'ratio':>7} "
          f"{'--json':>9} {'ratio':>7}  file versions read whole / item by item")
    for name, r in rows:
        ratio, jratio = r["pledger verify"] / r["git log --raw"], r["--json"] / r["git log --raw"]
        print(f"{name:<26} {r['commits']:>8} {r['predictions']:>11} {r['git log --raw']:>13.3f}s "
              f"{r['pledger verify']:>8.3f}s {ratio:>6.1f}x {r['--json']:>8.3f}s {jratio:>6.1f}x  "
              f"{r['reads']['whole']} / {r['reads']['items']}")
        if "git log -p" in r:
            print(f"{'':<28} git log -p over the same history: {r['git log -p']:.3f}s "
                  f"(verify is {r['pledger verify'] / r['git log -p']:.2f}x that)")


if __name__ == "__main__":
    main()

"""Every command costs what it touches: each command on ledgers of 1k, 10k, 100k (and, with --full, 1M) predictions.

Run by hand (not part of the test suite):

    python benchmarks/bench_scale.py                 # 1k, 10k, 100k
    python benchmarks/bench_scale.py --full          # and 1M (about an hour)
    python benchmarks/bench_scale.py --sizes 1000,100000 --only "cold build,list --json"
    python benchmarks/bench_scale.py --only startup   # start-up alone: no ledger is built

The ledgers (benchmarks/_ledger_fixture.py: build_scale_ledger, with forecasts,
outcomes, corrections, claims and a few problems) are built once and cached by
size under benchmarks/_work/scale/, with their index and an export CSV. The
writes run on a copy, made afresh each run.

Every figure is the median wall time of fresh processes (start-up and imports
count, as they do for a user) and the peak RSS of the largest of them, beside
a reference timed in the same run on the same machine:

  cold index build   `pledger check` with no index    vs  yaml.load (CSafeLoader) of every file, one process
  check              `pledger check`, index current   vs  `pledger list --limit 1` (warm)
  list --json        the whole ledger                 vs  a plain script: sqlite3 + the C JSON encoder
  export json        the whole ledger                 vs  a plain script: sqlite3 + the C JSON encoder
  scorecard -o       the whole ledger                 vs  `pledger score` (same selection)
  scorecard's reads  a plain script reading what the scorecard must (its table's columns, the
                     leaderboard's forecasts) and importing matplotlib  vs  `pledger score`: no target,
                     the part of the scorecard's budget no implementation can avoid
  add, forecast, resolve, claim assess, import (1,000 new rows)   vs  the same write at the smallest size
  re-import          the export CSV, nothing new      vs  the importer's parse of that file, one process
  after import       `list --limit 1` after an import vs  `list --limit 1` with the index current

and, once per run, start-up (no ledger of the sizes; more repeats, as they are short):

  pledger --help                                      vs  python -c "import typer"
  pledger list       on the bundled example ledger    vs  python -c "import typer"

Targets (issue 11), checked at the largest size run; "growth" is the time at 1M
over the time at 100k (10x the predictions).
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
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _ledger_fixture import build_scale_ledger  # noqa: E402

WORK = Path(__file__).resolve().parent / "_work" / "scale"
PYTHON = sys.executable
PLEDGER = [PYTHON, "-m", "ledger"]

YAML_LOAD = r'''
import os, sys, yaml
root = sys.argv[1]
n = 0
for folder, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if not d.startswith(".")]
    for name in files:
        if name.endswith((".yaml", ".yml")) and not name.startswith("."):
            with open(os.path.join(folder, name), encoding="utf-8") as fh:
                yaml.load(fh.read(), Loader=yaml.CSafeLoader)
            n += 1
print(n)
'''

# The columns `list --json` prints, read with sqlite3 and written with the C encoder, a record at a time.
PLAIN_LIST = r'''
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
encode = json.JSONEncoder(ensure_ascii=False).encode
write = sys.stdout.write
write('{"predictions": [')
sep = "\n"
for (pid, claim, p, typed, by, made, due, set_id, about, criteria, tags, source, tests, note, file, line, count,
     result, on, oby, onote, correction, evidence, ofile, oline) in con.execute(
    'SELECT p.id, p.claim, p.p, p.p_typed, p."by", p.made, p.due, p.set_id, p.about, p.criteria, p.tags, p.source, '
    'p.tests, p.note, p.file, p.line, (SELECT count(*) FROM forecasts f WHERE f.prediction_id = p.id), '
    'p.result, o."on", o."by", o.note, o.correction, o.evidence, o.file, o.line '
    "FROM predictions p LEFT JOIN outcomes o ON o.rowid = p.outcome_entry ORDER BY p.made, p.file, p.position"):
    record = {"id": pid, "claim": claim, "p": p, "p_typed": typed, "forecasts": count, "by": by, "made": made,
              "due": due, "set": set_id, "about": about, "criteria": criteria, "tags": json.loads(tags),
              "source": source, "tests": json.loads(tests), "note": note, "file": file, "line": line,
              "outcome": None if on is None else {"result": result, "on": on, "by": oby, "note": onote,
                                                  "correction": bool(correction), "evidence": json.loads(evidence),
                                                  "file": ofile, "line": oline}}
    write(sep + encode(record))
    sep = ",\n"
write("\n]}\n")
'''

# The columns `export json` writes: each prediction with its later forecasts and its outcome entries.
PLAIN_EXPORT = r'''
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
encode = json.JSONEncoder(ensure_ascii=False).encode
forecasts, outcomes = {}, {}
for pid, p, typed, by, at, note in con.execute(
        'SELECT prediction_id, p, p_typed, "by", at, note FROM forecasts WHERE NOT initial ORDER BY prediction_id, at, file, line'):
    forecasts.setdefault(pid, []).append({"p": typed, "p_value": p, "by": by, "at": at, "note": note})
for pid, result, on, by, evidence, note, correction in con.execute(
        'SELECT prediction_id, result, "on", "by", evidence, note, correction FROM outcomes '
        'ORDER BY prediction_id, "on", correction, file, line'):
    outcomes.setdefault(pid, []).append({"result": result, "on": on, "by": by, "evidence": json.loads(evidence),
                                         "note": note, "correction": bool(correction)})
write = sys.stdout.write
write('{"predictions": [')
sep = "\n"
for pid, set_id, claim, p, typed, by, made, due, about, criteria, tags, source, tests, note in con.execute(
    'SELECT id, set_id, claim, p, p_typed, "by", made, due, about, criteria, tags, source, tests, note '
    "FROM predictions ORDER BY made, file, position"):
    record = {"id": pid, "set": set_id, "claim": claim, "p": typed, "p_value": p, "by": by, "made": made, "due": due,
              "about": about, "criteria": criteria, "tags": json.loads(tags), "source": source,
              "tests": json.loads(tests), "note": note, "forecasts": forecasts.get(pid, []),
              "outcomes": outcomes.get(pid, [])}
    write(sep + encode(record))
    sep = ",\n"
write("\n]}\n")
'''

# What any scorecard of the whole ledger must read, and nothing more: the columns its table shows for every
# prediction in ledger order, the forecasts its leaderboard scores, and matplotlib for its chart; rows counted,
# not kept. Beside `score` it tells how much of the scorecard's target is taken before any work is done.
SCORECARD_READS = r'''
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
n = 0
for row in con.execute(
    'SELECT p.id, p.claim, p.p, p.p_typed, p."by", p.made, p.position, p.set_id, p.tags, p.tests, p.kind, p.result, '
    "p.outcome, p.resolved_on, o.note, o.evidence FROM predictions p LEFT JOIN outcomes o ON o.rowid = p.outcome_entry "
    "ORDER BY p.made, p.file, p.position"):
    n += 1
for row in con.execute('SELECT f.prediction_id, f."by", f.at, f.p, f.p_typed FROM forecasts f WHERE NOT f.initial'):
    n += 1
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure
print(n)
'''

PARSE_CSV = r'''
import sys
from ledger.importers import FORMATS
from ledger.importers.base import Options
with open(sys.argv[1], "rb") as fh:
    data = fh.read()
parsed = FORMATS["csv"].parser()(data, sys.argv[1], Options(by="bench"), None)
print(len(parsed.items))
'''

# (name, reference label, target ratio or None, what the target is measured against)
TARGETS = {
    "cold build": 1.5, "check": 1.5, "list --json": 2.0, "export json": 2.0, "scorecard -o": 3.0,
    "add": 1.5, "forecast": 1.5, "resolve": 1.5, "claim assess": 1.5, "re-import": 1.0,
}
RSS_TARGETS_MB = {"cold build": 500}
USED: dict[str, int] = {}  # write runs made so far on the smallest ledger, per command


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    rss_mb: float = 0.0

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def run(cmd: list[str], env: dict, ok=(0, 1), stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stderr.decode(errors='replace')[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024


def measure(cmd_for, repeats: int, env: dict, setup=None, after=None, **kw) -> Measure:
    """cmd_for(i) for i in range(repeats), each a fresh process after setup(i)."""
    return paired(cmd_for, None, repeats, env, setup=setup, after=after, **kw)[0]


def paired(cmd_for, ref_for, repeats: int, env: dict, setup=None, after=None, ref_setup=None, ok=(0, 1)):
    """(Measure of cmd_for(i), Measure of ref_for(i)), the two run in turn, so that the machine's
    load drifts over both alike. setup(i) runs before each cmd, ref_setup(i) before each reference."""
    m, ref = Measure(), Measure()
    for i in range(repeats):
        if ref_for is not None:
            if ref_setup:
                ref_setup(i)
            seconds, rss = run(ref_for(i), env, ok=(0,))
            ref.seconds.append(seconds)
            ref.rss_mb = max(ref.rss_mb, rss)
        if setup:
            setup(i)
        seconds, rss = run(cmd_for(i), env, ok=ok)
        m.seconds.append(seconds)
        m.rss_mb = max(m.rss_mb, rss)
        if after:
            after(i)
    return m, (ref if ref_for is not None else None)


def pledger(root: Path, *args: str) -> list[str]:
    return [*PLEDGER, "--root", str(root), *args]


def prepare(n: int, env: dict) -> tuple[Path, dict, Path]:
    """The cached ledger of n predictions with its index built, its manifest, and its export CSV."""
    root = WORK / f"ledger-{n}"
    print(f"[{n:,}] ledger under {root} ...", flush=True)
    manifest = build_scale_ledger(root, n)
    if not (root / ".pledger" / "index.sqlite").exists():
        run(pledger(root, "check"), env)
    csv = WORK / f"export-{n}.csv"
    if not csv.exists():
        run(pledger(root, "export", "csv", "-o", str(csv)), env)
    return root, manifest, csv


def new_rows_csv(path: Path, tag: str, rows: int = 1000) -> Path:
    lines = ["id,claim,p,made,result,resolved_on"]
    for k in range(rows):
        result = ("yes", "no", "")[k % 3]
        lines.append(f"new-{tag}-{k:04d},New imported question {tag} number {k},0.{10 + k % 80},2025-03-01,"
                     f"{result},{'2025-04-01' if result else ''}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def bench_size(n: int, repeats: int, env: dict, scripts: dict[str, Path], only: set[str] | None,
               small: tuple[Path, dict] | None) -> dict[str, tuple]:
    """{command: (Measure, reference Measure or None)} at one size. small: the write copy of the smallest
    ledger and its manifest, whose writes are timed in turn with this size's as their reference."""
    root, manifest, csv = prepare(n, env)
    index = root / ".pledger" / "index.sqlite"
    out: dict[str, tuple] = {}
    if n >= 1_000_000:  # a 1M read takes minutes: at most three of each
        repeats = min(repeats, 3)

    def want(name: str) -> bool:
        return only is None or name in only

    def note(name: str) -> None:
        m, ref = out[name]
        extra = f" (reference {ref.median:.3f} s, {ref.rss_mb:.0f} MB)" if ref is not None else ""
        print(f"[{n:,}] {name}: {m.median:.3f} s, {m.rss_mb:.0f} MB{extra}", flush=True)

    cold_repeats = repeats
    if want("cold build"):
        out["cold build"] = paired(lambda i: pledger(root, "check"), lambda i: [PYTHON, str(scripts["yaml"]), str(root)],
                                   cold_repeats, env, setup=lambda i: shutil.rmtree(root / ".pledger", ignore_errors=True))
        note("cold build")
    run(pledger(root, "check"), env)  # the index is current from here on
    if want("check"):
        out["check"] = paired(lambda i: pledger(root, "check"), lambda i: pledger(root, "list", "--limit", "1"), repeats, env)
        note("check")
    if want("list --json"):
        out["list --json"] = paired(lambda i: pledger(root, "list", "--json"),
                                    lambda i: [PYTHON, str(scripts["list"]), str(index)], repeats, env)
        note("list --json")
    if want("export json"):
        out["export json"] = paired(lambda i: pledger(root, "export", "json"),
                                    lambda i: [PYTHON, str(scripts["export"]), str(index)], repeats, env)
        note("export json")
    if want("scorecard -o"):
        with tempfile.TemporaryDirectory() as tmp:
            m, ref = paired(lambda i: pledger(root, "scorecard", "-o", os.path.join(tmp, f"card-{i}.md")),
                            lambda i: pledger(root, "score"), repeats, env)
        out["scorecard -o"] = (m, ref)
        out["score"] = (ref, None)
        note("scorecard -o")
        out["scorecard's reads"] = paired(lambda i: [PYTHON, str(scripts["reads"]), str(index)],
                                          lambda i: pledger(root, "score"), repeats, env)
        note("scorecard's reads")

    writes = [w for w in ("add", "forecast", "resolve", "claim assess", "import 1,000 new", "after import",
                          "re-import") if want(w)]
    if not writes:
        return out
    copy = WORK / f"write-{n}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(root, copy)
    small_root, small_manifest = small if small is not None else (copy, manifest)
    tag = f"n{n}"
    try:
        run(pledger(copy, "check"), env)  # the copy's files have new times: one no-op refresh (hashes only)
        # Each write runs on this ledger and, in turn, on the smallest one (its reference); k: the runs
        # made so far, so that each resolve names a prediction still open in the smallest ledger.
        k = USED
        def slot(key, i, side):  # a distinct open prediction for each run on either ledger
            return 2 * (i + k.get(key, 0)) + side

        for name, args in (
            ("add", lambda key, m, i, side: ("add", f"Benchmark claim added in run {i} at {tag}", "-p", "0.4",
                                             "--set", m["set"], "--id", f"bench-added-{tag}-{i}-{side}")),
            ("forecast", lambda key, m, i, side: ("forecast", m["open"][slot(key, i, side) % len(m["open"])],
                                                  "-p", "0.3", "--by", "eve", "--at", "2025-06-01")),
            ("resolve", lambda key, m, i, side: ("resolve", m["open"][-1 - slot(key, i, side) % len(m["open"])],
                                                 "yes", "--on", "2025-06-02")),
            ("claim assess", lambda key, m, i, side: ("claim", "assess", m["claim"], "contested", "--on", "2025-06-03")),
        ):
            if want(name):
                out[name] = paired(lambda i: pledger(copy, *args(name, manifest, i, 0)),
                                   lambda i: pledger(small_root, *args(name, small_manifest, i, 1)), repeats, env, ok=(0,))
                k[name] = k.get(name, 0) + repeats
                note(name)
        if want("import 1,000 new") or want("after import"):
            with tempfile.TemporaryDirectory() as tmp:
                files = [new_rows_csv(Path(tmp) / f"new-{i}.csv", f"{tag}r{i}") for i in range(repeats)]
                smalls = [new_rows_csv(Path(tmp) / f"small-{i}.csv", f"{tag}s{i}") for i in range(repeats)]
                warm, after = Measure(), Measure()

                def next_command(i: int) -> None:
                    for m in (after, warm):  # the first list after the import, then one on a current index
                        seconds, rss = run(pledger(copy, "list", "--limit", "1"), env)
                        m.seconds.append(seconds)
                        m.rss_mb = max(m.rss_mb, rss)

                out["import 1,000 new"] = paired(
                    lambda i: pledger(copy, "import", "csv", str(files[i]), "--set", "imported", "--by", "bench"),
                    lambda i: pledger(small_root, "import", "csv", str(smalls[i]), "--set", "imported", "--by", "bench"),
                    repeats, env, ok=(0,), after=next_command)
            out["after import"] = (after, warm)
            note("import 1,000 new")
            note("after import")
        if want("re-import"):
            out["re-import"] = paired(lambda i: pledger(copy, "import", "csv", str(csv), "--by", "bench"),
                                      lambda i: [PYTHON, str(scripts["parse"]), str(csv)], repeats, env, ok=(0,))
            note("re-import")
    finally:
        if copy != small_root:
            shutil.rmtree(copy, ignore_errors=True)
    return out


STARTUP = {  # name: (the command's arguments, target ratio to `python -c "import typer"`)
    "pledger --help": (("--help",), 1.3),
    "pledger list, bundled example": (("--root", str(Path(__file__).resolve().parents[1] / "predictions"), "list"), 2.0),
}


def bench_startup(repeats: int, env: dict) -> dict[str, tuple]:
    """{name: (Measure, Measure of `python -c "import typer"`)}, each paired with its own reference runs."""
    out = {}
    for name, (args, _) in STARTUP.items():
        run([*PLEDGER, *args], env)  # the example's index current, the caches warm
        out[name] = paired(lambda i: [*PLEDGER, *args], lambda i: [PYTHON, "-c", "import typer"], repeats, env, ok=(0,))
        m, ref = out[name]
        print(f"[startup] {name}: {m.median:.3f} s (reference {ref.median:.3f} s)", flush=True)
    return out


def startup_table(results: dict[str, tuple]) -> tuple[str, bool]:
    lines = ["| start-up | reference | time | target | verdict |", "|---|---|---|---|---|"]
    ok_all = True
    for name, (m, ref) in results.items():
        r = m.median / ref.median
        good = r <= STARTUP[name][1]
        ok_all &= good
        lines.append(f"| `{name}` | import typer, {ref.median:.3f} s | {m.median:.3f} s, {m.rss_mb:.0f} MB, {r:.2f}x "
                     f"| ≤{STARTUP[name][1]}x | {'ok' if good else 'MISSED'} |")
    return "\n".join(lines), ok_all


REFERENCES = {
    "cold build": "yaml.load CSafeLoader", "check": "list --limit 1", "list --json": "plain sqlite3+json",
    "export json": "plain sqlite3+json", "scorecard -o": "score", "re-import": "parse of the CSV",
    "after import": "list --limit 1, current", "add": "same at smallest", "forecast": "same at smallest",
    "resolve": "same at smallest", "claim assess": "same at smallest", "import 1,000 new": "same at smallest",
    "score": "", "scorecard's reads": "score",
}
ORDER = ("cold build", "check", "list --json", "export json", "score", "scorecard -o", "scorecard's reads", "add", "forecast", "resolve",
         "claim assess", "import 1,000 new", "after import", "re-import")


def ratio(results: dict[int, dict], name: str, n: int) -> float | None:
    m, ref = results[n][name]
    return None if ref is None else m.median / ref.median


def table(results: dict[int, dict]) -> tuple[str, bool]:
    sizes = sorted(results)
    label = {1000: "1k", 10_000: "10k", 100_000: "100k", 1_000_000: "1M"}
    head = ["command", "reference"] + [label.get(n, f"{n:,}") for n in sizes] + ["growth 100k→1M", "target", "verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    ok_all = True
    largest = sizes[-1]
    for name in ORDER:
        if not any(name in results[n] for n in sizes):
            continue
        cells = [f"`{name}`", REFERENCES.get(name, "")]
        for n in sizes:
            if name not in results[n]:
                cells.append("")
                continue
            m, _ = results[n][name]
            r = ratio(results, name, n)
            cells.append(f"{m.median:.2f} s, {m.rss_mb:.0f} MB" + ("" if r is None else f", {r:.2f}x"))
        growth = ""
        if 100_000 in results and 1_000_000 in results and name in results[100_000] and name in results[1_000_000]:
            growth = f"{results[1_000_000][name][0].median / results[100_000][name][0].median:.1f}x"
        target = TARGETS.get(name)
        rss_target = RSS_TARGETS_MB.get(name)
        verdict = ""
        if target is not None and name in results[largest]:
            r = ratio(results, name, largest)
            good = r is not None and r <= target
            if rss_target is not None:
                good = good and results[largest][name][0].rss_mb <= rss_target
            verdict = "ok" if good else "MISSED"
            ok_all &= good
        target_text = "" if target is None else f"≤{target}x" + (f", ≤{rss_target} MB" if rss_target else "")
        lines.append("| " + " | ".join(cells + [growth, target_text, verdict]) + " |")
    return "\n".join(lines), ok_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also 1,000,000 predictions")
    parser.add_argument("--sizes", help="comma-separated sizes instead (e.g. 1000,100000)")
    parser.add_argument("--repeats", type=int, default=5, help="fresh processes per figure (at most 3 at 1M)")
    parser.add_argument("--only", help="comma-separated commands: " + ", ".join(ORDER) + ", startup")
    parser.add_argument("--startup-repeats", type=int, default=21, help="fresh processes per start-up figure")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [1000, 10_000, 100_000] + ([1_000_000] if args.full else [])
    only = {s.strip() for s in args.only.split(",")} if args.only else None
    if only and "scorecard -o" in only:
        only.add("score")
    WORK.mkdir(parents=True, exist_ok=True)
    # Byte-compiled, as an install leaves it (with PYTHONDONTWRITEBYTECODE set, every run would compile the package).
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(Path(__file__).resolve().parents[1] / "ledger")], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLEDGER_")}
    env.update(PLEDGER_BY="bench", PLEDGER_TODAY="2026-11-23", COLUMNS="120")
    results: dict[int, dict] = {}
    startup = bench_startup(args.startup_repeats, env) if only is None or "startup" in only else {}
    if only is not None and not only - {"startup"}:
        sizes = []  # start-up alone
    with tempfile.TemporaryDirectory() as tmp:
        scripts = {}
        for name, text in (("yaml", YAML_LOAD), ("list", PLAIN_LIST), ("export", PLAIN_EXPORT), ("parse", PARSE_CSV),
                           ("reads", SCORECARD_READS)):
            scripts[name] = Path(tmp) / f"reference_{name}.py"  # not yaml.py: it would import itself
            scripts[name].write_text(text, encoding="utf-8")
        small = None
        for n in sizes:
            results[n] = bench_size(n, args.repeats, env, scripts, only, small)
            if small is None:  # the smallest ledger's write copy stays: the reference of every later write
                small = (WORK / f"write-{n}", build_scale_ledger(WORK / f"ledger-{n}", n))
                shutil.rmtree(small[0], ignore_errors=True)
                shutil.copytree(WORK / f"ledger-{n}", small[0])
                run(pledger(small[0], "check"), env)
        if small is not None:
            shutil.rmtree(small[0], ignore_errors=True)
    text, ok = table(results) if results else ("", True)
    if results:
        print(f"\nmedian of {args.repeats} fresh processes ({min(args.repeats, 3)} at 1M); "
              "peak RSS of the largest; ratio to the reference\n")
        print(text)
    if startup:
        start_text, start_ok = startup_table(startup)
        print(f"\nmedian of {args.startup_repeats} fresh processes, each beside a run of its reference\n")
        print(start_text)
        text, ok = (text + "\n\n" if text else "") + start_text, ok and start_ok
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (WORK / f"results-{stamp}.md").write_text(text + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

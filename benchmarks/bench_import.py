"""Import benchmark: 100,000 rows of the generic CSV, against loading the same records from YAML.

Run by hand (not part of the test suite):

    python benchmarks/bench_import.py [--n 100000]

Both figures come from the same run on the same machine: the import (parse the
CSV, check against the ledger, build and read back every new file, write it
atomically) and, after it, the load-and-validate of the ledger files it wrote
(`ledger.store.read.read_file` over every file, as bench_ledger.py times it).
The ratio says what an import costs beyond reading the result.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from ledger.importers import run_import
from ledger.services.ledger import Ledger
from ledger.store.discover import ledger_files
from ledger.store.read import read_file

WORK = Path(__file__).resolve().parent / "_work" / "import"


def write_csv(path: Path, n: int) -> None:
    """n rows: 1 in 4 predictions gets a second forecast row; half are resolved; a few tags and notes."""
    lines = ["Ref,Question,Prob,Date,At,Outcome,Resolved,Labels\n"]
    i = row = 0
    while row < n:
        day = f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}"
        result = ("yes" if i % 3 else "no") if i % 2 else ""
        resolved = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}" if result else ""
        p = f"{1 + i % 98}%" if i % 5 else f"0.{10 + i % 80}"
        lines.append(f"q{i},\"Will question {i}, about topic {i % 97}, happen?\",{p},{day},{day},{result},{resolved},topic-{i % 13};bench\n")
        row += 1
        if i % 4 == 0 and row < n:
            lines.append(f"q{i},,{1 + (i * 7) % 98}%,{day},2024-12-31,{result},{resolved},\n")
            row += 1
        i += 1
    path.write_text("".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="CSV rows")
    parser.add_argument("--repeats", type=int, default=3, help="load-and-validate repeats (best of)")
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    csv_path = WORK / "rows.csv"
    write_csv(csv_path, args.n)
    root = WORK / "ledger"
    Ledger.init(root)
    os.environ.setdefault("PLEDGER_BY", "bench")
    mapping = "id=Ref,claim=Question,p=Prob,made=Date,at=At,result=Outcome,resolved_on=Resolved,tags=Labels"

    ledger = Ledger.open(root)
    start = time.perf_counter()
    report = run_import(ledger, "csv", csv_path, mapping=mapping, set_id="bench")
    import_s = time.perf_counter() - start
    assert not report.rejected, report.rejected[:3]

    files = [f.path for f in ledger_files(root)]
    best = float("inf")
    for _ in range(args.repeats):
        start = time.perf_counter()
        loaded = [read_file(root, path) for path in files]
        best = min(best, time.perf_counter() - start)
    predictions = sum(len(r.predictions) for r in loaded)
    assert predictions == len(report.added) and not any(r.problems for r in loaded)

    second = time.perf_counter()
    again = run_import(ledger, "csv", csv_path, mapping=mapping, set_id="bench")
    reimport_s = time.perf_counter() - second
    assert not again.added and not again.files

    figures = {
        "rows": report.rows,
        "predictions": len(report.added),
        "forecasts_added": report.forecasts_added,
        "outcomes_added": report.outcomes_added,
        "files": report.files,
        "import_s": round(import_s, 3),
        "load_and_validate_s": round(best, 3),
        "ratio_import_to_load": round(import_s / best, 2),
        "reimport_nothing_new_s": round(reimport_s, 3),
    }
    print(json.dumps(figures, indent=2))
    print(f"import of {report.rows:,} CSV rows: {import_s:.2f} s; load+validate of the same records from YAML: "
          f"{best:.2f} s; ratio {import_s / best:.2f}x (re-import, nothing new: {reimport_s:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

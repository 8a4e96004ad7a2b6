"""A large generated ledger for the benchmarks: N predictions in sets of 1,000, most resolved."""

from __future__ import annotations

import random
from pathlib import Path

PER_FILE = 1000
WORDS = (
    "model paper benchmark lab release feature circuit probe steering scaling dataset agent eval "
    "safety compute policy chip open weights robotics vision reasoning"
).split()


def build_ledger(root: Path, n: int = 100_000, seed: int = 7) -> Path:
    """Write the ledger once; reuse it when it is already there with the same size."""
    marker = root / f".built-{n}-{seed}"
    if marker.exists():
        return root
    rng = random.Random(seed)
    (root / "outcomes").mkdir(parents=True, exist_ok=True)
    for f in range(n // PER_FILE):
        set_id = f"bench-{f:04d}"
        lines = [
            f"set: {set_id}",
            f"title: Benchmark set {f}",
            "by: bench",
            f"made: 2024-{1 + f % 12:02d}-01",
            "predictions:",
        ]
        results = []
        for i in range(PER_FILE):
            pid = f"{set_id}-{i:04d}"
            lines += _prediction_lines(rng, pid, i)
            roll = rng.random()
            if roll < 0.9:
                results.append(f"  {pid}: {'yes' if rng.random() < 0.5 else 'no'}")
            elif roll < 0.92:
                results.append(f"  {pid}: annulled")
        (root / f"{set_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        outcome = ["on: 2025-01-15", "by: bench", "results:", *results]
        (root / "outcomes" / f"2025-01-15-{set_id}.yaml").write_text("\n".join(outcome) + "\n", encoding="utf-8")
    marker.write_text("built\n")
    return root


# -- the scale ledger (benchmarks/bench_scale.py) ------------------------------------------
FORECASTERS = ("ann", "bob", "cat", "dan")


def build_scale_ledger(root: Path, n: int, seed: int = 13) -> dict:
    """A ledger of n predictions as a year of use would leave it, written once and reused.

    Sets of 1,000 predictions (a header with `by:` and `made:`; tags on 1 in 10;
    an update by the author inline on 1 in 5; 1 in 100 testing a claim); one
    outcome file per set resolving 90% (2% annulled, a correction on 1 in 200);
    one forecasts file per set with other people's forecasts on 3 in 10; a root
    forecasts.yaml (where `pledger forecast` appends) of 1,000 forecasts; a claim per
    1,000 predictions in claims.yaml with two assessments each in assessments.yaml.
    Every tenth outcome file names an unknown prediction (a problem `check` reports).

    Returns the manifest (also written to root/manifest.json): ids the write
    benchmarks use (open predictions, a claim), and the counts.
    """
    import json

    marker = root / f".built-scale-{n}-{seed}"
    manifest_path = root / "manifest.json"
    if marker.exists():
        return json.loads(manifest_path.read_text())
    rng = random.Random(seed)
    for sub in ("outcomes", "forecasts"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    files = max(1, n // PER_FILE)
    open_ids: list[str] = []
    counts = {"predictions": 0, "forecasts": 0, "outcomes": 0, "claims": 0, "assessments": 0}
    shared: list[str] = []
    claims = ["claims:"]
    assessments = ["assessments:"]
    for f in range(files):
        set_id = f"bench-{f:04d}"
        month = 1 + f % 12
        claim_id = f"claim-{f:04d}"
        claims += [f"  - id: {claim_id}", f"    quote: Benchmark claim number {f} holds for every model",
                   f"    source: https://example.org/paper-{f}", "    claimant: Lab"]
        for k, verdict in enumerate(("open", "supported")):
            assessments += [f"  - claim: {claim_id}", f"    verdict: {verdict}", f"    on: 2024-{month:02d}-{10 + k}",
                            "    by: bench"]
        counts["claims"] += 1
        counts["assessments"] += 2
        lines = [f"set: {set_id}", f"title: Benchmark set {f}", "by: bench", f"made: 2024-{month:02d}-01", "predictions:"]
        results, corrections, others = [], [], []
        per = min(PER_FILE, n)
        for i in range(per):
            pid = f"{set_id}-{i:04d}"
            lines += _prediction_lines(rng, pid, i)
            if i % 100 == 7:
                lines.append(f"    tests: [{claim_id}]")
            if i % 5 == 3:
                lines += ["    forecasts:", f"      - p: {rng.choice(['0.2', '0.5', '0.8'])}", f"        at: 2024-{month:02d}-20"]
                counts["forecasts"] += 1
            counts["predictions"] += 1
            counts["forecasts"] += 1
            if rng.random() < 0.3:
                others += [f"  - prediction: {pid}", f"    p: {rng.choice(['0.15', '0.35', '0.65', '0.85'])}",
                           f"    by: {rng.choice(FORECASTERS)}", f"    at: 2024-{month:02d}-{rng.randint(2, 28):02d}"]
                counts["forecasts"] += 1
            roll = rng.random()
            if roll < 0.88:
                result = "yes" if rng.random() < 0.5 else "no"
                results.append(f"  {pid}: {result}")
                counts["outcomes"] += 1
                if i % 200 == 11:
                    corrections.append(f"  {pid}: {'no' if result == 'yes' else 'yes'}")
                    counts["outcomes"] += 1
            elif roll < 0.90:
                results.append(f"  {pid}: annulled")
                counts["outcomes"] += 1
            else:
                lines.append("    due: 2026-12-31")
                if len(open_ids) < 200:
                    open_ids.append(pid)
        if f % 10 == 0:
            results.append(f"  {set_id}-9999: yes")  # an unknown id: a problem check reports
            counts["outcomes"] += 1
        (root / f"{set_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        outcome = ["on: 2025-01-15", "by: bench", "results:", *results]
        (root / "outcomes" / f"2025-01-15-{set_id}.yaml").write_text("\n".join(outcome) + "\n", encoding="utf-8")
        if corrections:
            fix = ["on: 2025-02-01", "by: bench", "correction: true", "results:", *corrections]
            (root / "outcomes" / f"2025-02-01-{set_id}-fix.yaml").write_text("\n".join(fix) + "\n", encoding="utf-8")
        (root / "forecasts" / f"{set_id}.yaml").write_text("\n".join(["forecasts:", *others]) + "\n", encoding="utf-8")
        shared.append(set_id)
    root_forecasts = ["forecasts:"]
    for k in range(1000):
        f = rng.randrange(files)
        pid = f"bench-{f:04d}-{rng.randrange(min(PER_FILE, n)):04d}"
        root_forecasts += [f"  - prediction: {pid}", f"    p: {rng.choice(['0.3', '0.6'])}", "    by: eve",
                           f"    at: 2024-12-{1 + k % 28:02d}"]
        counts["forecasts"] += 1
    (root / "forecasts.yaml").write_text("\n".join(root_forecasts) + "\n", encoding="utf-8")
    (root / "claims.yaml").write_text("\n".join(claims) + "\n", encoding="utf-8")
    (root / "assessments.yaml").write_text("\n".join(assessments) + "\n", encoding="utf-8")
    manifest = {"n": counts["predictions"], "counts": counts, "open": open_ids, "claim": "claim-0000",
                "set": "bench-0000", "sets": files}
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
    marker.write_text("built\n")
    return manifest


def _prediction_lines(rng: random.Random, pid: str, i: int) -> list[str]:
    """One prediction of a benchmark set: a random p in the formats people write, a random claim,
    the tags `bench` and `sample` on every tenth."""
    p = rng.choice(["0.1", "0.25", "40%", "0.5", "60%", "0.75", "3:1", "0.9", "95%"])
    claim = " ".join(rng.choice(WORDS) for _ in range(8))
    lines = [f"  - id: {pid}", f"    claim: {claim}", f"    p: {p}"]
    if i % 10 == 0:
        lines.append("    tags: [bench, sample]")
    return lines

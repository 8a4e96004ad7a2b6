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
            p = rng.choice(["0.1", "0.25", "40%", "0.5", "60%", "0.75", "3:1", "0.9", "95%"])
            claim = " ".join(rng.choice(WORDS) for _ in range(8))
            lines += [f"  - id: {pid}", f"    claim: {claim}", f"    p: {p}"]
            if i % 10 == 0:
                lines.append("    tags: [bench, sample]")
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

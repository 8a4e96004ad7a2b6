"""A generated ledger of about 10,000 predictions holding every case the derived state and the checks handle.

Yes/no, multiple-choice and numeric questions; corrections, entries resolving a
prediction twice, a correction of nothing, results that fit no question, entries
dated before their prediction; forecasts
inline and in files, of the wrong kind, dated before the prediction, for unknown
ids; ids defined twice (ambiguous); a rejected prediction that a forecast names;
due before made; claims with shared and unknown sources, predictions testing known
and unknown claims, assessments of unknown claims. Deterministic (seeded).
"""

from __future__ import annotations

import random
from pathlib import Path

SETS = 20
PER_SET = 500
WORDS = "model paper lab release feature circuit probe steering scaling dataset agent eval chip vision".split()


def files(seed: int = 5, sets: int = SETS, per_set: int = PER_SET) -> dict[str, str]:
    """{relative path: text} of the ledger."""
    rng = random.Random(seed)
    out: dict[str, str] = {}
    claims_ids = [f"c-{k:02d}" for k in range(20)]
    for s in range(sets):
        sid = f"s-{s:02d}"
        lines = [f"set: {sid}", "by: Ann", f"made: 2024-{1 + s % 12:02d}-01"]
        if s % 4 == 0:
            lines.append("tags: [team]")
        lines.append("predictions:")
        results, fixes, twice, others, early = [], [], [], [], []
        for i in range(per_set):
            pid = f"{sid}-{i:03d}"
            claim = " ".join(rng.choice(WORDS) for _ in range(6))
            lines += [f"  - id: {pid}", f"    claim: {claim} {i}"]
            kind = "choice" if i % 50 == 7 else "numeric" if i % 70 == 9 else "binary"
            if kind == "choice":
                lines += ["    options: {red: 50%, green: 30%, blue: 20%}"]
                if i % 100 == 7:
                    lines.append("    ordered: true")
            elif kind == "numeric":
                lines += ["    quantiles: {10%: 1, 50%: 5, 90%: 9}", "    unit: kg"]
            else:
                lines.append(f"    p: {rng.choice(['0.1', '25%', '0.5', '3:1', '0.9', '1 in 20'])}")
            if i % 10 == 0:
                lines.append("    tags: [sample]")
            if i % 97 == 5:
                lines.append(f"    tests: [{rng.choice(claims_ids + ['c-missing'])}]")
            if i % 211 == 3:
                lines.append("    due: 2023-06-01")  # before it was made
            elif i % 13 == 0:
                lines.append("    due: 2025-02-01")
            if kind == "binary" and i % 6 == 1:
                lines += ["    forecasts:", f"      - {{p: {rng.choice(['0.2', '0.7'])}, at: 2024-12-{1 + i % 28:02d}}}"]
            if i % 5 == 2:
                p = {"binary": rng.choice(["0.3", "0.6"]), "choice": None, "numeric": None}[kind]
                if kind == "choice":
                    others.append(f"  - {{prediction: {pid}, options: {{red: 0.2, green: 0.2, blue: 0.6}}, by: Bob, at: 2024-12-15}}")
                elif kind == "numeric":
                    others.append(f"  - {{prediction: {pid}, quantiles: {{10%: 2, 90%: 8}}, by: Cat, at: 2024-12-15}}")
                else:
                    who = rng.choice(["Bob", "bob", " Cat", "Dan"])
                    others.append(f"  - {{prediction: {pid}, p: {p}, by: '{who}', at: 2024-12-{1 + i % 28:02d}}}")
            if i % 301 == 4:
                others.append(f"  - {{prediction: {pid}, p: 0.5, by: Bob, at: 2023-01-01}}")  # before made
            if i % 149 == 8 and kind == "binary":
                others.append(f"  - {{prediction: {pid}, options: {{a: 0.5, b: 0.5}}, by: Bob, at: 2024-12-20}}")  # wrong kind
            roll = rng.random()
            if roll < 0.8:
                if kind == "choice":
                    result = rng.choice(["red", "Green", "blue", "purple"])
                elif kind == "numeric":
                    result = rng.choice(["4", "7.5", "yes"])
                else:
                    result = rng.choice(["yes", "no", "yes", "no", "annulled", "maybe"]) if i % 40 == 3 else rng.choice(["yes", "no"])
                results.append(f"  {pid}: {result}")
                if i % 17 == 0:
                    fixes.append(f"  {pid}: {'annulled' if kind != 'binary' else rng.choice(['yes', 'no'])}")
                if i % 53 == 0:
                    twice.append(f"  {pid}: {'yes' if kind == 'binary' else 'annulled'}")
            elif roll < 0.82 and kind == "binary":
                fixes.append(f"  {pid}: no")  # a correction with nothing to correct
            elif i % 3 == 0:
                early.append(f"  {pid}: yes")  # its only entry, dated before the prediction: it never stands
        if s == 3:
            for i in range(5):  # ids defined in s-02 too: ambiguous
                lines += [f"  - id: s-02-{i:03d}", "    claim: defined twice", "    p: 0.5"]
            lines += ["  - id: broken-one", "    claim: its p does not parse", "    p: lots"]
            others.append("  - {prediction: broken-one, p: 0.4, by: Bob, at: 2024-12-02}")
        if s % 7 == 0:
            results.append(f"  {sid}-999: yes")  # unknown id
            others.append(f"  - {{prediction: {sid}-998, p: 0.4, by: Bob, at: 2024-12-02}}")
        out[f"sets/{sid}.yaml"] = "\n".join(lines) + "\n"
        out[f"outcomes/2025-01-15-{sid}.yaml"] = "\n".join(["on: 2025-01-15", "by: Ann", "results:", *results]) + "\n"
        if fixes:
            out[f"outcomes/2025-02-01-{sid}-fix.yaml"] = "\n".join(
                ["on: 2025-02-01", "by: Ann", "correction: true", "results:", *fixes]) + "\n"
        if twice:
            out[f"outcomes/2025-03-01-{sid}-again.yaml"] = "\n".join(["on: 2025-03-01", "by: Bob", "results:", *twice]) + "\n"
        if early:
            out[f"outcomes/2023-06-01-{sid}-early.yaml"] = "\n".join(["on: 2023-06-01", "by: Ann", "results:", *early]) + "\n"
        out[f"forecasts/f-{sid}.yaml"] = "\n".join(["forecasts:", *others]) + "\n"
    out["forecasts.yaml"] = "forecasts:\n  - {prediction: s-00-001, p: 0.4, by: Eve, at: 2024-12-30}\n"
    claims = ["claimant: Lab", "sources:", "  - id: shared-paper", "    title: A shared paper",
              "    url: https://example.org/shared", "claims:"]
    for k, cid in enumerate(claims_ids):
        source = "shared-paper" if k % 3 == 0 else "no-such-source" if k == 4 else f"https://example.org/c/{k}"
        claims += [f"  - id: {cid}", f"    quote: Claim number {k} holds", f"    source: {source}"]
        if k % 5 == 1:
            claims.append("    confidence: 70%")
    out["claims/lab.yaml"] = "\n".join(claims) + "\n"
    assessments = ["assessments:"]
    for k, cid in enumerate(claims_ids + ["c-unknown"]):
        assessments += [f"  - claim: {cid}", f"    verdict: {['supported', 'overstated', 'contested'][k % 3]}",
                        f"    on: 2025-0{1 + k % 9}-10", "    by: Ann"]
    out["assessments.yaml"] = "\n".join(assessments) + "\n"
    return out


def write(root: Path, texts: dict[str, str]) -> Path:
    for rel, text in texts.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root

"""The claims report: GitHub-flavoured markdown for a post.

A table of claims with their current verdict and evidence links, the history of
verdicts that changed, the predictions that test each claim with their points,
and each claimant's track record. Deterministic: the same claims give the same
bytes (no generation date, fixed orders, fixed number formats).

Every piece of user text goes through `escape.text(github=True)` and every link
through `escape.link()`, the rules the scorecard's github flavour uses (docs/scorecard.md, "Safety"): user
text can hold pipes, newlines, HTML, markdown syntax or `javascript:` links, and
none of it may break the table or inject markup into the post.
"""

from __future__ import annotations

from ..services.claims import POINTS_RULE, TEST_RULE, ClaimState, TrackRecord
from functools import partial

from . import escape
from .escape import host

# The report is GitHub-flavoured: user text also has GitHub's autolinks and @mentions broken (escape.ZWSP).
text = partial(escape.text, github=True)
link = partial(escape.link, github=True)

VERDICT_LABELS = {
    "supported": "supported", "partly-supported": "partly supported", "overstated": "overstated",
    "contested": "contested", "refuted": "refuted", "open": "open", "unassessed": "not assessed",
}
OUTCOME_LABELS = {
    "borne-out": "borne out", "not-borne-out": "not borne out", "pending": "pending", "void": "void (all annulled)",
    "untested": "untested",
}

# -- the report --------------------------------------------------------------


def render_claims_report(states: list[ClaimState], records: list[TrackRecord], selection: str) -> str:
    lines: list[str] = ["# Research claims", ""]
    sources = {(_source_key(s)) for s in states}
    lines.append(
        f"{len(states)} claim{'' if len(states) == 1 else 's'} from {len(sources)} source{'' if len(sources) == 1 else 's'} "
        f"(selection: {text(selection)}). A claim's verdict is its latest assessment."
    )
    lines.append("")
    if not states:
        lines.append("No claims match.")
        return "\n".join(lines) + "\n"
    lines += _claims_table(states)
    lines += _history(states)
    lines += _tests(states)
    lines += _track_records(records)
    return "\n".join(lines).rstrip("\n") + "\n"


def _claims_table(states: list[ClaimState]) -> list[str]:
    out = [
        "| claim | claimant | source | verdict | evidence | tested by predictions |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for s in states:
        c, src = s.claim, s.source
        claim_cell = f"**{text(c.id)}**: “{text(c.quote)}”"
        if c.confidence is not None:
            claim_cell += f" (stated confidence {c.confidence:.0%})"
        source_cell = link(src.title or src.url, src.url) if src else ""
        if src and src.date:
            source_cell += f", {src.date.isoformat()}"
        if c.locator:
            source_cell += f", {text(c.locator)}"
        verdict = VERDICT_LABELS[s.verdict]
        if s.current is not None:
            verdict += f" ({s.current.on.isoformat()}, {text(s.current.by)})"
        tested = OUTCOME_LABELS[s.test_outcome]
        if s.tests:
            tested += f": {len(s.tests)} prediction{'' if len(s.tests) == 1 else 's'}"
        out.append(
            f"| {claim_cell} | {text(c.claimant) or '—'} | {source_cell or '—'} | {verdict} | "
            f"{_evidence_cell(s) or '—'} | {tested} |"
        )
    out.append("")
    return out


def _evidence_cell(s: ClaimState) -> str:
    if s.current is None:
        return ""
    seen, parts = set(), []
    for e in s.current.evidence:
        key = (e.stance, e.url)
        if key in seen or not (e.url or e.quote):
            continue
        seen.add(key)
        label = e.title or host(e.url) or "evidence"
        parts.append(f"{e.stance + ': ' if e.stance else ''}{link(label, e.url) if e.url else text(e.quote)}")
    return "; ".join(parts)


def _history(states: list[ClaimState]) -> list[str]:
    changed = [s for s in states if s.verdict_changes]
    out = ["## How verdicts changed", ""]
    if not changed:
        return out + ["No verdict has changed since it was first recorded.", ""]
    for s in changed:
        out.append(f"**{text(s.claim.id)}**")
        out.append("")
        first = s.assessments[0]
        out.append(f"- {first.on.isoformat()}: {VERDICT_LABELS[first.verdict]} ({text(first.by)}){_note(first.note)}")
        for _before, after in s.verdict_changes:
            out.append(f"- {after.on.isoformat()}: now {VERDICT_LABELS[after.verdict]} ({text(after.by)}){_note(after.note)}")
        out.append("")
    return out


def _tests(states: list[ClaimState]) -> list[str]:
    out = ["## Predictions that test the claims", ""]
    tested = [s for s in states if s.tests]
    if not tested:
        return out + ["No prediction names these claims under `tests:` yet.", ""]
    out += [f"Points: the {POINTS_RULE}, on each prediction's published p. {TEST_RULE.capitalize()}.", ""]
    for s in tested:
        out.append(f"### {text(s.claim.id)}: {OUTCOME_LABELS[s.test_outcome]}")
        out.append("")
        out.append("| prediction | p | by | outcome | points |")
        out.append("| --- | ---: | --- | --- | ---: |")
        for t in s.tests:
            pr, o = t.state.prediction, t.state.outcome
            outcome = o.result if o else t.state.status
            pts = "" if t.points is None else f"{t.points:+.2f}"
            out.append(f"| **{text(pr.id)}**: {text(pr.claim)} | {text(pr.p_typed)} | {text(pr.by)} | {outcome} | {pts} |")
        pts = [t.points for t in s.tests if t.points is not None]
        out.append("")
        if pts:
            out.append(f"Total: {sum(pts):+.2f} points over n={len(pts)} resolved yes/no (of {len(s.tests)}).")
        else:
            out.append(f"Total: no points yet, n=0 resolved yes/no (of {len(s.tests)}).")
        out.append("")
    return out


def _track_records(records: list[TrackRecord]) -> list[str]:
    if not records:
        return []
    out = [
        "## Track records",
        "",
        "| claimant | claims | current verdicts | tested by predictions | stated confidence: n | Brier | points |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for r in records:
        verdicts = ", ".join(f"{VERDICT_LABELS[v]} {n}" for v, n in r.verdicts.items() if n) or "—"
        tested = ", ".join(f"{OUTCOME_LABELS[k]} {n}" for k, n in r.tested.items() if n) or "—"
        brier = "—" if r.brier is None else f"{r.brier:.3f}"
        pts = "—" if r.points is None else f"{r.points:+.2f}"
        out.append(f"| {text(r.claimant)} | {r.claims} | {verdicts} | {tested} | {r.n} | {brier} | {pts} |")
    out += [
        "",
        "Claims with a stated confidence are scored like forecasts once the predictions that test them resolve: "
        "the outcome is 1 if the claim is borne out, 0 if not; Brier is the mean of (confidence − outcome)², "
        "0-1 scale, lower is better; points are the sum of outcome − confidence (the post's rule, not a proper score). "
        "Other claims are counted by current verdict.",
        "",
    ]
    return out


def _note(note: str | None) -> str:
    return f": {text(note)}" if note else ""


def _source_key(s: ClaimState) -> tuple:
    src = s.source
    return (src.id, src.url, src.title) if src else (None, None, None)

"""Terminal rendering (rich) and JSON shapes for claims. No logic beyond presentation.

Ledger text goes through visible() / markup() (cli.visible); piped, tables are tab-separated (cli.form).
"""

from __future__ import annotations

import sys

from ..records import Assessment, Source
from ..services.claims import ClaimState, LinkedPrediction, TrackRecord
from .common import console
from .form import piped, write_table
from .render import mark, word
from .visible import markup as _escape
from .visible import visible

VERDICT_MARKS = {
    "supported": "✅ supported", "partly-supported": "◐ partly-supported", "overstated": "⚠️ overstated",
    "contested": "⚖️ contested", "refuted": "❌ refuted", "open": "⏳ open", "unassessed": "· unassessed",
}


def source_dict(source: Source | None) -> dict | None:
    if source is None:
        return None
    return {"id": source.id, "title": source.title, "url": source.url, "date": source.date, "authors": list(source.authors)}


def assessment_dict(a: Assessment) -> dict:
    return {"verdict": a.verdict, "on": a.on, "by": a.by, "note": a.note, "evidence": [e.to_dict() for e in a.evidence],
            "file": a.location.path, "line": a.location.line}


def linked_dict(t: LinkedPrediction) -> dict:
    pr, o = t.state.prediction, t.state.outcome
    return {"id": pr.id, "claim": pr.claim, "p": pr.p, "p_typed": pr.p_typed, "by": pr.by, "status": t.state.status,
            "result": o.result if o else None, "points": t.points}


def claim_dict(s: ClaimState, full: bool = False) -> dict:
    c = s.claim
    data = {
        "id": c.id, "quote": c.quote, "source": source_dict(s.source), "locator": c.locator, "claimant": c.claimant,
        "tags": list(c.tags), "confidence": c.confidence, "confidence_typed": c.confidence_typed, "note": c.note,
        "verdict": s.verdict, "assessed_on": s.current.on if s.current else None, "assessments_count": len(s.assessments),
        "test_outcome": s.test_outcome, "tested_by": [t.state.prediction.id for t in s.tests],
        "file": c.location.path, "line": c.location.line,
    }
    if full:
        data["assessments"] = [assessment_dict(a) for a in s.assessments]
        data["tests"] = [linked_dict(t) for t in s.tests]
    return data


CLAIM_PIPED_COLUMNS = ["id", "verdict", "since", "tested", "claimant", "source", "quote"]


def claims_table(states: list[ClaimState]) -> None:
    from .tables import Column, fit_table

    n = len(states)
    if piped():
        write_table(CLAIM_PIPED_COLUMNS, ([s.claim.id, s.verdict, s.current.on if s.current else "", s.test_outcome,
                                           s.claim.claimant or "", _source_text(s.source), s.claim.quote]
                                          for s in states))
        if states:
            sys.stderr.write(f"{n} claim{'' if n == 1 else 's'}\n")
        return
    out = console()
    if not states:
        out.print("No claims match.")
        return
    # Ids, verdicts, dates and test outcomes never wrap or get cut (an id is
    # copied into `pledger claim show`); the quote wraps. On a narrow terminal
    # the date and then the claimant give way to it; narrower still, each claim
    # is listed on a line with its quote below.
    columns = [
        Column("id"), Column("quote", text=True, min_width=20, comfortable=36),
        Column("claimant", text=True, min_width=8, max_width=16, optional=2), Column("verdict"),
        Column("since", optional=1), Column("tested"),
    ]
    rows = [
        [_escape(s.claim.id), _escape(_short(s.claim.quote, 120)), _escape(s.claim.claimant or ""), VERDICT_MARKS[s.verdict],
         str(s.current.on) if s.current else "", s.test_outcome]
        for s in states
    ]
    table = fit_table(out, columns, rows, expand=False)
    if table is not None:
        out.print(table)
    else:
        from rich.padding import Padding
        from rich.text import Text

        id_width = max(len(s.claim.id) for s in states)
        for s in states:
            out.print(Text(f"{visible(s.claim.id):<{id_width}}  {VERDICT_MARKS[s.verdict]}  {s.test_outcome}"))
            out.print(Padding(Text(visible(_short(s.claim.quote, 120))), (0, 0, 0, 4)))
    out.print(f"{len(states)} claim{'' if len(states) == 1 else 's'}")


def track_record(r: TrackRecord) -> None:
    out = console()
    out.print(f"[bold]Track record of {_escape(r.claimant)}[/]: {r.claims} claim{'' if r.claims == 1 else 's'}")
    verdicts = ", ".join(f"{v} {n}" for v, n in r.verdicts.items() if n)
    out.print(f"  current verdicts: {verdicts or 'none'}")
    tested = ", ".join(f"{k} {n}" for k, n in r.tested.items() if n)
    out.print(f"  tested by predictions: {tested or 'none'}")
    out.print(f"  [dim]rule: {r.rules['outcome']}[/]")
    if r.n:
        out.print(
            f"  stated confidence, scored: n={r.n}, Brier {r.brier:.3f} (0-1 scale, lower is better), "
            f"points {r.points:+.2f} (outcome - confidence, the post's rule)"
        )
    else:
        out.print("  stated confidence, scored: n=0 (no claim with a stated confidence has been tested)")
    if r.awaiting:
        out.print(f"  {r.awaiting} claim{'' if r.awaiting == 1 else 's'} with a stated confidence await their predictions")


def claim_detail(s: ClaimState) -> None:
    from rich.table import Table

    if piped():
        _piped_detail(s)
        return
    out = console()
    c = s.claim
    out.print(f"[bold]{_escape(c.id)}[/]: “{_escape(c.quote)}”")
    for key, value in _detail_rows(s):
        value = VERDICT_MARKS[value] if key == "verdict" else value
        out.print(f"  [dim]{key:>10}[/]  {_escape(value)}")
    if s.assessments:
        # A list, not a table: evidence quotes are long and read badly in narrow cells.
        out.print("[bold]Assessments[/], oldest first (the last one stands):")
        for a in s.assessments:
            out.print(f"  {a.on}  {VERDICT_MARKS[a.verdict]}  by {_escape(a.by)}  [dim]({_escape(a.location.path)}:{a.location.line})[/]")
            if a.note:
                out.print(f"      note: {_escape(a.note)}")
            for e in a.evidence:
                quote = f" “{_escape(e.quote)}”" if e.quote else ""
                out.print(f"      {e.stance or 'evidence'}: {_escape(e.url or '')}{quote}")
    else:
        out.print("No assessment yet: `pledger claim assess ID VERDICT` records one.")
    if s.tests:
        table = Table(title="Predictions that test it (points: 1-p if it happened, -p if not)", header_style="bold",
                      expand=True)
        for col in ("id", "prediction", "p", "by", "outcome", "points"):
            wide = col == "prediction"
            table.add_column(col, justify="right" if col in ("p", "points") else "left", no_wrap=not wide,
                             ratio=1 if wide else None, min_width=16 if wide else None)
        for t in s.tests:
            pr = t.state.prediction
            table.add_row(_escape(pr.id), _escape(pr.claim), _escape(pr.p_typed), _escape(pr.by), _escape(mark(t.state)),
                          "" if t.points is None else f"{t.points:+.2f}")
        out.print(table)
        pts = [t.points for t in s.tests if t.points is not None]
        out.print(f"{len(pts)} of {len(s.tests)} resolved yes/no, points {sum(pts):+.2f}; claim {s.test_outcome}")
    else:
        out.print("No prediction tests it yet: name it under a prediction's `tests:`.")


def _detail_rows(s: ClaimState) -> list[tuple[str, str]]:
    c, src = s.claim, s.source
    rows = [
        ("claimant", c.claimant or ""), ("source", _source_text(src)), ("url", (src.url if src else None) or ""),
        ("date", str(src.date) if src and src.date else ""), ("authors", ", ".join(src.authors) if src else ""),
        ("locator", c.locator or ""), ("tags", ", ".join(c.tags)),
        ("confidence", f"{c.confidence_typed} ({c.confidence:.4g})" if c.confidence is not None else ""),
        ("note", c.note or ""), ("verdict", s.verdict), ("tested", _tested(s)),
        ("file", f"{c.location.path}:{c.location.line}"),
    ]
    return [(key, value) for key, value in rows if value]


def _piped_detail(s: ClaimState) -> None:
    """claim show, piped: the fields as `key<TAB>value` lines, the assessments and the tests as titled tables."""
    c = s.claim
    write_table(["field", "value"], [("id", c.id), ("quote", c.quote), *_detail_rows(s)])
    sys.stdout.write("\n")
    write_table(["on", "verdict", "by", "stance", "evidence", "quote", "note", "where"], _assessment_rows(s),
                title="assessments (the last one stands)")
    sys.stdout.write("\n")
    write_table(["id", "p", "by", "outcome", "points", "prediction"],
                ([t.state.prediction.id, t.state.prediction.p_typed, t.state.prediction.by, word(t.state),
                  "" if t.points is None else f"{t.points:+.2f}", t.state.prediction.claim] for t in s.tests),
                title="predictions that test it")


def _assessment_rows(s: ClaimState):
    """A row per piece of evidence of each assessment (one for an assessment without any)."""
    for a in s.assessments:
        where = f"{a.location.path}:{a.location.line}"
        for e in a.evidence or [None]:
            evidence = ("", "", "") if e is None else (e.stance or "", e.url or "", e.quote or "")
            yield [a.on, a.verdict, a.by, *evidence, a.note or "", where]


def _tested(s: ClaimState) -> str:
    n = len(s.tests)
    return s.test_outcome if not n else f"{s.test_outcome} ({n} prediction{'' if n == 1 else 's'})"


def _source_text(src: Source | None) -> str:
    if src is None:
        return ""
    return src.title or src.url or ""


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"

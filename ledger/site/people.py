"""The forecasters' side of the site: the list of what one forecaster did, and links to their pages.

`predictions_section` is a forecaster page's list: every prediction they made or forecast, in
ledger order, each linking to its page, with their forecast, the outcome and the points the page's
scores gave it. It is built from what the site has read already (the forecaster's ScorecardData
from report.scorecard.collect, whose run scored their forecasts, and every forecast of the ledger
from services.published.every_forecast): no query per forecaster or per prediction.
`link_forecasters` turns a leaderboard's names into links to the forecasters' pages.
"""

from __future__ import annotations

from ..kinds import BINARY
from ..names import name_key
from ..report import card as cards
from ..report.card import DASH, POINTS_RULE, Mark, Para, Section, Styled, Table
from .html import Internal

LATE = Styled("(after the resolution: never scored)", "em")


def page_of(pages: dict[str, str], name: str, root: str) -> str | None:
    """The href of `name`'s page from a page `root` away from the site's top (None: they have none)."""
    page = pages.get(name_key(name))
    return None if page is None else f"{root}forecasters/{page}.html"


def link_forecasters(table: Table, pages: dict[str, str], root: str) -> Table:
    """A leaderboard (report.card_sections.forecasters_section: the name in column 1) with each name a link."""
    rows = []
    for row in table.rows:
        href = page_of(pages, str(row[1]), root)
        rows.append(row if href is None else (row[0], Internal(row[1], href), *row[2:]))
    return table._replace(rows=tuple(rows))


def predictions_section(data, forecasts: dict[str, list], root: str = "../") -> Section | None:
    """What the forecaster of `data` (a ScorecardData of Selection(by=NAME)) made or forecast, as a table
    whose claims link to the prediction pages; None when they have none."""
    if not data.shown:
        return None
    run = data.run
    name = data.selection.by  # as the site spells it everywhere (the run's name is the first spelling scored)
    key = name_key(data.selection.by)
    scored = cards.scored_forecasts(data)  # the yes/no forecasts the page's scores use, per prediction
    kind_scored = {f.prediction_id: f for fs in getattr(run, "kind_forecasts", {}).values() for f in fs}
    keys: dict[str, str] = {}  # a ledger has few spellings of names: each folded once

    def theirs(by: str) -> bool:
        k = keys.get(by)
        if k is None:
            k = keys[by] = name_key(by)
        return k == key

    # Cells that repeat from row to row (days, sets, marks, points), each made once: a forecaster may have
    # taken part in most of a large ledger.
    days: dict = {}
    in_sets: dict = {None: DASH}
    marks: dict = {}
    shown_points: dict = {DASH: Styled(DASH, "num")}
    rows, late_any = [], False
    for s in data.shown:
        p_cell, pts = DASH, DASH
        hit = scored.get(s.id)
        if hit:
            f = hit[0]  # one per prediction under `first`, the forecaster's names folded
            p_cell, pts = cards.shown_p(f.p, f.p_typed, "percent"), cards.points(f.points)
        elif s.kind != BINARY and s.id in kind_scored:
            p_cell = cards.forecast_line(s.kind, kind_scored[s.id].dist, s.unit, "percent")
        else:
            mine = [f for f in forecasts.get(s.id, ()) if f.kind == s.kind and theirs(f.by)]
            # Their first in every_forecast's order (by date, the published p first on its day): the one
            # `first` scores (a forecast dated before its prediction was made is a problem `check` reports).
            first = mine[0] if mine else None
            if first is not None:
                p_cell = (cards.shown_p(first.p, first.p_typed, "percent") if s.kind == BINARY
                          else cards.forecast_line(s.kind, first.dist, s.unit, "percent"))
                if s.status in ("yes", "no") and s.resolved_on is not None \
                        and first.at.isoformat() > str(s.resolved_on)[:10]:
                    p_cell, late_any = (p_cell, " ", LATE), True
        day = days.get(s.made)
        if day is None:
            day = days[s.made] = s.made.isoformat()
        in_set = in_sets.get(s.set_id)
        if in_set is None:
            in_set = in_sets[s.set_id] = Internal(data.sets.get(s.set_id) or s.set_id, f"{root}sets/{s.set_id}.html")
        outcome = marks.get((s.status, s.result))
        if outcome is None:
            outcome = marks[s.status, s.result] = Mark("value", s.result) if s.status == "resolved" else Mark(s.status)
        points = shown_points.get(pts)
        if points is None:
            points = shown_points[pts] = Styled(pts, "num")
        rows.append((day, s.claim, in_set, s.by, p_cell, outcome, points))
    made = sum(1 for s in data.shown if theirs(s.by))
    total = run.report.gap.total if run.report is not None and run.report.n else None
    words = [f"Every prediction {name} made or forecast, in ledger order: {made} of their own, "
             f"{len(rows) - made} by others. "
             "Their forecast: the probability they published on their own predictions, or their first forecast "
             "on another's (policy first, as every score on this page). "
             f"Points: the post's rule on that forecast, {POINTS_RULE}, where it was scored"
             + (f"; they add up to the gap total, {cards.points(total)}." if total is not None else ".")]
    if late_any:
        words.append(" A forecast dated after the resolution was made knowing the outcome: never scored.")
    return Section("predictions", "Predictions", [
        Table(("made", "prediction", "set", "author", "their forecast", "outcome", "points"),
              ("r", "l", "l", "l", "r", "c", "r"), tuple(rows), row_ids=tuple(s.id for s in data.shown)),  # a date: on one line
        "legend",
        Para(tuple(words)),
    ])

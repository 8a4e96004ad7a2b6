"""Every page and chart of the site, rendered in memory: {path relative to the site: text or bytes}.

Reads the ledger through the services and the report layer (report.scorecard.collect
for the home page, each set and each forecaster; services.select and
services.published for the prediction pages and the forecasters' lists (site.people);
services.claims for the claims), draws the charts with report.charts, and renders the
Jinja2 templates (site.html).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from ..kinds import BINARY, summary
from ..names import name_key
from ..report import card as cards
from ..report.card import DASH, Link, Mark, Table
from ..report.escape import host
from .html import Internal, render
from .people import link_forecasters, predictions_section

STATIC = ("style.css",)


class Charts:
    """Draws the site's charts, or reuses the files of the last build when what a chart shows is the same.

    A chart is keyed by what it is drawn from (the engine's result as JSON, its title) and
    the chart code; drawing one costs a third of a second, so a site of a hundred sets
    rebuilt after one changed draws one chart, not a hundred.
    """

    def __init__(self, out, previous: dict[str, str], files: dict | None = None):
        self.out, self.previous, self.files, self.keys = out, previous, files or {}, {}

    def draw(self, files: dict, stem: str, key_of, draw) -> None:
        import hashlib
        import json

        from ..report import charts

        key = hashlib.sha256(json.dumps([key_of, _chart_code(charts.__file__)], default=str,
                                        sort_keys=True).encode()).hexdigest()
        png, svg = f"{stem}.png", f"{stem}.svg"
        self.keys[png] = key
        if self.out is not None and self.previous.get(png) == key:
            try:
                old = {rel: (self.out / rel).read_bytes() for rel in (png, svg)}
            except OSError:
                old = None
            # Reused only as the last build wrote them (a file changed since is drawn again).
            if old and all(hashlib.sha256(data).hexdigest() == (self.files.get(rel) or [None])[0]
                           for rel, data in old.items()):
                files.update(old)
                return
        drawn = draw()
        files[png], files[svg] = drawn.png, drawn.svg


def _chart_code(path: str) -> str:
    import hashlib
    from pathlib import Path

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def render_site(ledger, today: dt.date, title: str | None, charts: Charts | None = None) -> dict[str, str | bytes]:
    from ..services.claims import ClaimFilter, claim_states
    from ..services.published import every_forecast, every_outcome
    from ..services.select import Selection, select_predictions
    from ..version import __version__
    from ..report.scorecard import Options, collect
    from .build import slug

    charts = charts or Charts(None, {})
    files: dict[str, str | bytes] = {}
    for name in STATIC:
        files[f"static/{name}"] = (_static(name))

    home = collect(ledger, Selection(), "first", today=today)
    verification = site_verification(ledger)
    with ledger.connect() as conn:
        states = select_predictions(conn, Selection(), today)
        forecasts = every_forecast(conn)
        outcomes = every_outcome(conn)
        claims = claim_states(conn, ClaimFilter())
    authors = list(dict.fromkeys(s.prediction.by for s in states))
    site_title = title or (f"{authors[0]}'s track record" if len(authors) == 1 else "Track record")
    has_claims = bool(claims)
    common = dict(version=__version__, site_title=site_title, has_claims=has_claims)

    # -- the home page ------------------------------------------------------------------------
    from ..report.charts import calibration_chart

    shown_charts = []
    if home.levels is not None:
        heading = f"Calibration: {site_title}"
        charts.draw(files, "charts/calibration", [home.levels.to_dict(), heading],
                    lambda: calibration_chart(home.levels, heading))
        shown_charts.append(dict(png="charts/calibration.png", svg="charts/calibration.svg", width=500, height=500,
                           alt=f"Calibration chart: how often the favoured side came true at each confidence level, "
                               f"with its 90% interval and n, n={home.levels.n}",
                           caption="How often the side favoured came true, by confidence level."))
    over_time = _over_time(ledger, files, charts, shown_charts, site_title)
    tag_tables = [(t.tag, t.levels) for t in home.tag_rows if t.levels is not None and t.n >= 10]
    if len(tag_tables) >= 2:
        from ..report.charts import small_multiples

        charts.draw(files, "charts/tags", [(t, c.to_dict()) for t, c in tag_tables[:9]],
                    lambda: small_multiples(tag_tables[:9], "Calibration by tag"))
        shown_charts.append(dict(png="charts/tags.png", svg="charts/tags.svg", width=960, height=1000,
                           alt="Calibration by tag: one small chart per tag with at least 10 scored predictions",
                           caption="Calibration per tag (tags with at least 10 scored predictions)."))
    from ..report.card_sections import forecasters_section, tags_section

    # Every forecaster (an author or anyone with a forecast) has a page: its name by the name folded.
    names: dict[str, str] = {}
    made: dict[str, int] = {}
    for s in states:
        names.setdefault(name_key(s.prediction.by), s.prediction.by)
        made[name_key(s.prediction.by)] = made.get(name_key(s.prediction.by), 0) + 1
    for rows in forecasts.values():
        for f in rows:
            names.setdefault(name_key(f.by), f.by)
    pages = {key: slug(name) for key, name in names.items()}

    tags = tags_section(home).blocks[0] if home.tag_rows else None
    board = link_forecasters(forecasters_section(home.board).blocks[0], pages, "") if home.board is not None else None

    set_rows = []
    set_ids = list(dict.fromkeys(s.prediction.set_id for s in states if s.prediction.set_id))
    for sid in set_ids:
        data = collect(ledger, Selection(set_id=sid), "first", today=today)
        png = svg = None
        if data.levels is not None:
            heading = cards.default_title(data).removeprefix("Scorecard: ")
            charts.draw(files, f"charts/set-{sid}", [data.levels.to_dict(), heading],
                        lambda d=data, h=heading: calibration_chart(d.levels, h))
            png, svg = f"../charts/set-{sid}.png", f"../charts/set-{sid}.svg"
        if verification is not None:  # the set's own verdict and late marks (report.on_record)
            data = replace(data, verification=_of_set(verification, sid))
        files[f"sets/{sid}.html"] = _card_page(data, "Set", common, png, svg, pages)
        r = data.run.report
        set_rows.append((Internal(data.sets.get(sid) or sid, f"sets/{sid}.html"), str(len(data.shown)),
                         f"{int(data.run.table.outcome.sum())} of {_yes_no(data.run)}" if _yes_no(data.run) else "0 of 0",
                         cards.points(r.gap.total) if r is not None and r.n else DASH,
                         cards.fig(r.brier.score, "brier", "score") if r is not None and r.n else DASH))
    loose = [s for s in states if not s.prediction.set_id]
    if loose:
        set_rows.append(("Predictions without a set", str(len(loose)), *_loose_figures(home.run, loose)))
    sets = Table(("set", "predictions", "happened", "gap", "Brier (0-1)"), ("l", "r", "r", "r", "r"), tuple(set_rows))

    people = []
    for key, name in sorted(names.items()):
        page = pages[key]
        data = collect(ledger, Selection(by=name), "first", today=today)
        png = svg = None
        if data.levels is not None:  # a scored yes/no forecast: their calibration, as the home page draws it
            heading = f"Calibration: {name}"
            charts.draw(files, f"charts/forecaster-{page}", [data.levels.to_dict(), heading],
                        lambda d=data, h=heading: calibration_chart(d.levels, h))
            png, svg = f"../charts/forecaster-{page}.png", f"../charts/forecaster-{page}.svg"
        # Not the card's prediction table (it shows only what was scored): their list, with every forecast.
        files[f"forecasters/{page}.html"] = _card_page(data, "Forecaster", common, png, svg, pages, table=False,
                                                       title=name,
                                                       lead=predictions_section(data, forecasts))
        people.append(dict(name=name, slug=page, n=made.get(key, 0)))

    headline = _headline(home)
    files["index.html"] = render(
        "home.html", root="", title=site_title, headline=headline, lede=cards.lede(home, Options())[1:-1],
        charts=shown_charts, over_time=over_time, tags=tags, board=board, forecasters=people, sets=sets,
        claims=[dict(id=c.claim.id, quote=c.claim.quote, claimant=c.claim.claimant or DASH,
                     verdict=_verdict(c)) for c in claims], **common)

    # -- a page per prediction, per claim -----------------------------------------------------------
    claim_by_id = {c.claim.id: c for c in claims}
    set_titles = dict(home.sets)
    for st in states:
        p = st.prediction
        files[f"predictions/{p.id}.html"] = _prediction_page(st, forecasts.get(p.id, []), outcomes.get(p.id, []),
                                                             claim_by_id, set_titles, common)
    for c in claims:
        files[f"claims/{c.claim.id}.html"] = _claim_page(c, common)
    return files


def _loose_figures(run, loose) -> tuple[str, str, str]:
    """The sets table's figures (happened, gap, Brier) for the predictions without a set: the home page's
    run (every author's published p, as each set's own row scores it) on those predictions' forecasts."""
    table = run.table
    if table is None or not table.n or run.report is None:
        return DASH, DASH, DASH
    import numpy as np

    from ..scoring import brier, gap

    ids = {s.prediction.id for s in loose}
    rows = np.fromiter((pid in ids for pid in table.prediction_id.tolist()), dtype=bool, count=table.n)
    if not rows.any():
        return "0 of 0", DASH, DASH
    p, o = table.p[rows], table.outcome[rows]
    return (f"{int(o.sum())} of {int(rows.sum())}", cards.points(gap(p, o).total),
            cards.fig(brier(p, o, scale="0-1").score, "brier", "score"))  # the table's column is 0-1


def _static(name: str) -> str:
    from .build import PACKAGE

    return (PACKAGE / "static" / name).read_text(encoding="utf-8")


def site_verification(ledger):
    """The verify report of the whole ledger when its files are committed to git (as the
    scorecard shows it by default), else None; a repository git cannot read gives None too."""
    from ..services.verify import committed_to_git, verify
    from ..store.history import GitError

    try:
        return verify(ledger) if committed_to_git(ledger) else None
    except GitError:
        return None


def verification_stamp(ledger) -> str | None:
    """What the site's verdicts rest on besides the files: the repository's HEAD (None outside git)."""
    from ..store.history import GitError, find_repository

    try:
        repo = find_repository(ledger.root)
    except GitError:
        return None
    return None if repo is None else repo.head


def _of_set(report, set_id: str):
    """The verify report narrowed to one set: its verdict and its predictions."""
    return replace(report, sets=tuple(s for s in report.sets if s.set_id == set_id),
                   predictions=tuple(p for p in report.predictions if p.set_id == set_id))


def _card_page(data, kind_label: str, common: dict, png, svg, pages: dict[str, str], table: bool = True,
               title: str | None = None, lead=None) -> str:
    """A scorecard as a page; `lead`: a section shown first instead of the card's table; the leaderboard's
    names link to the forecasters' `pages` (report.card_sections.forecasters_section)."""
    from ..report.scorecard import PARTS, Options

    parts = frozenset(PARTS) if table else frozenset(PARTS) - {"table"}
    the_card = cards.build(data, Options(title=title, chart_png=png, chart_svg=svg, parts=parts))
    for section in the_card.sections:
        if section.key == "forecasters":
            section.blocks[0] = link_forecasters(section.blocks[0], pages, "../")
    if lead is not None:
        the_card.sections.insert(0, lead)
    return render("card_page.html", root="../", title=the_card.title.removeprefix("Scorecard: "),
                  the_card=the_card, kind_label=kind_label, **common)


def _yes_no(run) -> int:
    """How many yes/no forecasts a run scored (its n counts every kind): the figures beside it are yes/no ones."""
    return run.report.n if run.report is not None else 0


def _headline(home):
    run, r = home.run, home.run.report
    if r is None or not r.n:  # no yes/no question scored
        return None
    boot = r.bootstrap
    interval = (lambda iv: f"{iv.lo:.4f}–{iv.hi:.4f}" if iv is not None and iv.lo is not None else None)
    c = run.counts
    return dict(
        n=r.n, predictions=c["predictions"], annulled=c["annulled"], pending=c["pending"],
        hits=int(run.table.outcome.sum()), scale=r.brier.scale, half=f"{cards.HALF_BRIER[r.brier.scale]:g}",
        brier=cards.fig(r.brier.score, "brier", "score"), log=cards.fig(r.log.nats, "log", "nats"),
        brier_interval=interval(boot and boot.brier), log_interval=interval(boot and boot.log_nats),
        level=f"{round(100 * boot.level)}%" if boot is not None else "",
        gap=cards.points(r.gap.total), z=cards.fig(r.gap.z, "gap", "z"),
        chance="no z (every probability 0 or 1)" if r.gap.z is None else cards._chance(r.gap.z),
    )


def _over_time(ledger, files, charts, shown_charts, site_title):
    """Scores per quarter (per month when the ledger spans under a year) when it spans two periods or more."""
    from ..services.scores import score
    from ..services.select import Selection

    run = score(ledger, Selection(), over_time="quarter", bootstrap=0)
    periods = [p for p in (run.over_time.periods if run.over_time else ()) if _yes_no(p.run)]
    if len(periods) < 2:
        return None
    from ..report.charts import over_time_chart

    points = [(p.label, p.run.report.brier.score, _yes_no(p.run)) for p in periods]
    label, heading = f"Brier score ({run.rules['brier_scale']}; lower is better)", f"Brier score by quarter made: {site_title}"
    charts.draw(files, "charts/over-time", [points, label, heading], lambda: over_time_chart(points, label, heading))
    shown_charts.append(dict(png="charts/over-time.png", svg="charts/over-time.svg", width=600, height=360,
                       alt="Brier score per quarter the predictions were made, each point with its n",
                       caption="Brier score per quarter the predictions were made (lower is better)."))
    return Table(("quarter made", "scored", "happened", "gap", "Brier"), ("l", "r", "r", "r", "r"), tuple(
        (p.label, str(_yes_no(p.run)), f"{int(p.run.table.outcome.sum())} of {_yes_no(p.run)}",
         cards.points(p.run.report.gap.total),
         cards.fig(p.run.report.brier.score, "brier", "score")) for p in periods))


def _verdict(c) -> str:
    from ..report.claims_report import VERDICT_LABELS

    return VERDICT_LABELS.get(c.verdict, c.verdict)


def _status(st):
    if st.outcome is None:
        return Mark("pending")
    if st.prediction.kind == BINARY or st.outcome.result == "annulled":
        return Mark(st.outcome.result)
    return Mark("value", st.outcome.result)


def _evidence(items) -> list[dict]:
    out = []
    for e in items:
        out.append(dict(link=Link(e.title or host(e.url) or e.url or "evidence", e.url) if e.url else (e.title or ""),
                        quote=e.quote, stance=e.stance,
                        archived=Link(host(e.archived) or "archived copy", e.archived) if e.archived else None))
    return out


def _prediction_page(st, forecasts, outcomes, claims, set_titles, common) -> str:
    p = st.prediction
    published = summary(p.kind, p.dist, p.unit) if p.kind != BINARY else (
        p.p_typed if p.p_typed.endswith("%") else f"{p.p_typed} ({cards.percent(p.p)})")
    shown = []
    for f in forecasts:
        value = f.p_typed if f.kind == BINARY else summary(f.kind, f.dist, p.unit)
        late = st.resolved_on is not None and f.at > st.resolved_on
        shown.append(dict(at=f.at.isoformat(), by=f.by, shown=value, note=f.note, late=late))
    standing = st.outcome.location if st.outcome is not None else None
    entries = [dict(result=o.result, on=o.on.isoformat(), by=o.by, correction=o.correction, note=o.note,
                    evidence=_evidence(o.evidence), standing=o.location == standing) for o in outcomes]
    tests = [dict(id=cid, known=cid in claims, quote=claims[cid].claim.quote if cid in claims else "")
             for cid in p.tests]
    source = Link(host(p.source) or p.source, p.source) if p.source else None
    return render("prediction.html", root="../", title=p.claim, p=p, status=_status(st), published=published,
                  forecasts=shown, outcomes=entries, tests=tests, source=source,
                  set_title=set_titles.get(p.set_id) or p.set_id or "", **common)


def _claim_page(c, common) -> str:
    from ..report.claims_report import OUTCOME_LABELS

    src = c.source
    source = (Link(src.title or host(src.url) or "source", src.url) if src.url else src.title) if src else None
    assessments = [dict(verdict=a.verdict, on=a.on.isoformat(), by=a.by, note=a.note, evidence=_evidence(a.evidence))
                   for a in c.assessments]
    tests = [dict(id=t.state.prediction.id, claim=t.state.prediction.claim, status=_status(t.state),
                  points=None if t.points is None else cards.points(t.points)) for t in c.tests]
    return render("claim.html", root="../", title=c.claim.quote, c=c, source=source, verdict=_verdict(c),
                  outcome=OUTCOME_LABELS.get(c.test_outcome, c.test_outcome), assessments=assessments, tests=tests,
                  **common)

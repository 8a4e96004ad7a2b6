"""The markdown scorecard: the post a forecaster publishes when predictions resolve.

`collect()` asks the services for everything a scorecard shows (the selected
predictions in published order, the ScoreRun of `pledger score`, per-tag runs,
the leaderboard, the linked research claims); `render()` turns that into
markdown. Neither computes a figure: every number comes from the scoring
engine's result objects or from the post's rule (services.claims.points).

Deterministic: the same ledger and options give the same bytes; nothing is
dated unless Options.date is set. Every piece of user text goes through
report.escape. Flavours (docs/scorecard.md):
  github    -- GFM pipe tables, emoji marks, the resolver's notes in the table
  lesswrong -- tables (LessWrong's markdown-it has them), the notes as footnotes
               (its column is narrow; footnotes show on hover); the chart's link
               should be an absolute URL (Options.image_base): a LessWrong post
               cannot read a file beside the markdown
  plain     -- CommonMark only (Substack, email, any renderer): no tables, no
               footnotes, words instead of emoji
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..services.select import PredictionState, Selection
from ..scoring.points import points
from .escape import code_span, host, link, relative_link, safe_url, text
from .on_record import late_mark

FLAVORS = ("github", "lesswrong", "plain")
PARTS = ("table", "scores", "calibration", "chart", "tags", "forecasters", "claims")
MARKS = {"yes": "✅", "no": "❌", "annulled": "➖", "pending": "⏳"}
WORDS = {"yes": "happened", "no": "did not happen", "annulled": "annulled", "pending": "pending"}
POINTS_RULE = "1 − p if it happened, −p if not"
DASH = "—"


@dataclass(frozen=True)
class Options:
    """How to render. chart_png/chart_svg: where the markdown links the chart
    files (relative paths beside the post, or URLs); None draws no chart section."""

    title: str | None = None
    flavor: str = "github"
    parts: frozenset[str] = frozenset(PARTS)
    chart_png: str | None = None
    chart_svg: str | None = None
    date: dt.date | None = None
    command: str | None = None
    repo_url: str | None = None  # the forge's repository page: the On record part links commits to it


@dataclass(frozen=True)
class ScorecardData:
    """What a scorecard shows, as the services return it."""

    selection: Selection
    policy: str
    states: tuple[PredictionState, ...]
    sets: dict[str, str | None]  # set id -> title, for the sets of the selected predictions
    run: object  # services.scores.ScoreRun (authors, or Selection.by's forecasts)
    tag_runs: tuple[tuple[str, object], ...] = ()
    board: object | None = None  # a ScoreRun with a leaderboard, when several forecasters
    claims: tuple = ()  # services.claims.ClaimState linked from the selected predictions
    version: str = ""
    verification: object | None = None  # services.verify.VerifyReport: the On record part, when asked for


# -- gathering ----------------------------------------------------------------


def collect(ledger, selection: Selection = Selection(), policy: str = "first", *, brier_scale: str = "0-1",
            eps: float | None = None, bins=None, bootstrap="auto", seed: int = 0,
            parts=PARTS, today: dt.date | None = None) -> ScorecardData:
    """Everything the scorecard shows for `selection` under `policy`.

    Raises ValueError for arguments the scoring engine refuses (as services.scores.score).
    """
    from ..index.sql import as_db
    from ..services.claims import ClaimFilter, claim_states
    from ..services.defaults import today as default_today
    from ..services.scores import score
    from ..services.select import select_predictions
    from ..version import __version__

    run = score(ledger, selection, policy, brier_scale=brier_scale, eps=eps, bins=bins, bootstrap=bootstrap,
                seed=seed)
    with ledger.connect() as conn:
        states = tuple(select_predictions(conn, selection, today or default_today()))
        set_ids = {s.prediction.set_id for s in states if s.prediction.set_id}
        titles: dict[str, str | None] = {}
        for sid, title in as_db(conn).rows("SELECT s.id, s.title FROM sets s ORDER BY s.file, s.line"):
            if sid in set_ids:
                titles.setdefault(sid, title)
        claim_ids = tuple(dict.fromkeys(c for s in states for c in s.prediction.tests))
        claims = tuple(claim_states(conn, ClaimFilter(), ids=claim_ids)) if claim_ids and "claims" in parts else ()

    quiet = dict(brier_scale=brier_scale, eps=eps, bins=bins, bootstrap=0, seed=seed)
    tag_runs = []
    if "tags" in parts and run.n:
        # A tag worth a row splits the selection: one on every selected prediction says nothing new.
        counts: dict[str, int] = {}
        for s in states:
            for tag in s.prediction.tags:
                counts[tag] = counts.get(tag, 0) + 1
        for tag in sorted(t for t, k in counts.items() if k < len(states) and t not in selection.tags):
            tag_runs.append((tag, score(ledger, replace(selection, tags=selection.tags + (tag,)), policy, **quiet)))
    board = None
    if "forecasters" in parts and policy in ("first", "last") and run.n:
        candidate = score(ledger, selection, policy, by_forecaster=True, **quiet)
        if candidate.leaderboard is not None and candidate.leaderboard.n_forecasters > 1:
            board = candidate
    return ScorecardData(selection, policy, states, titles, run, tuple(tag_runs), board, claims, __version__)


# -- rendering ----------------------------------------------------------------


def default_title(data: ScorecardData) -> str:
    """The set's title when the selection is one set; otherwise a title naming the selection."""
    sets = {s.prediction.set_id for s in data.states}
    if len(sets) == 1:
        (only,) = sets
        if only and data.sets.get(only):
            return f"Scorecard: {data.sets[only]}"
    described = data.selection.describe()
    return "Scorecard" if described == "everything" else f"Scorecard: {described}"


def render(data: ScorecardData, options: Options = Options()) -> str:
    """The scorecard as markdown (ends with one newline)."""
    if options.flavor not in FLAVORS:
        raise ValueError(f"flavor must be one of {', '.join(FLAVORS)}, got {options.flavor!r}")
    md = _Writer(options.flavor)
    parts = options.parts
    run = data.run
    md.line(f"# {text(options.title or default_title(data))}")
    md.blank()
    md.line(summary(data))
    md.blank()
    md.line(_selection_line(data, options))
    md.blank()
    if "table" in parts and data.states:
        _predictions(md, data)
    if data.verification is not None:
        from .on_record import section

        section(md, data, options.repo_url)
    if run.n and run.report is not None:
        if "scores" in parts:
            _scores(md, run)
        if "calibration" in parts:
            _calibration(md, run, options if "chart" in parts else replace(options, chart_png=None))
    if data.tag_runs and "tags" in parts:
        _tags(md, data)
    if data.board is not None and "forecasters" in parts:
        _forecasters(md, data.board)
    if data.claims and "claims" in parts:
        claims_section(md, data)
    _footer(md, data, options)
    return md.text()


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(data: ScorecardData) -> str:
    """The line a reader gets at once: how many happened, and the gap with its z in words."""
    run = data.run
    c = run.counts
    tail = _counted_out(c)
    if not run.n or run.report is None:
        if c["predictions"] == 1:
            return f"Nothing to score yet: the one selected prediction is not resolved yes or no{tail}."
        return f"Nothing to score yet: none of the {c['predictions']} selected predictions is resolved yes or no{tail}."
    g = run.report.gap
    hits = int(run.table.outcome.sum())  # the outcomes the engine scored: 1 if it happened
    whose = _whose(run)
    if g.z is None:
        chance = "no z: every probability was 0 or 1"
    else:
        chance = f"z = {g.z:.1f}: {_chance(g.z)}"
    return (
        f"{hits} of {run.n} happened{tail}. Against {whose} expectations the subject scored "
        f"{g.total:+.2f} ({chance})."
    )


def _chance(z: float) -> str:
    return "within what chance alone would give" if abs(z) < 2 else "more than chance alone would usually give"


def _whose(run) -> str:
    if run.scored == "forecaster":
        return f"{text(run.name)}'s"
    from ..names import name_key

    authors = {name_key(a) for a in run.table.forecaster.tolist()}
    return "the forecaster's" if len(authors) == 1 else "the forecasters'"


def _counted_out(c: dict) -> str:
    out = [f"{c['annulled']} annulled" if c["annulled"] else "", f"{c['pending']} pending" if c["pending"] else ""]
    out = [o for o in out if o]
    return f" ({' and '.join(out)}, not scored)" if out else ""


def _selection_line(data: ScorecardData, options: Options) -> str:
    run = data.run
    who = {"authors": "each prediction's author", "forecaster": text(run.name), "everyone": "every forecaster"}[run.scored]
    line = (
        f"*Selection: {text(data.selection.describe())}; {_plural(len(data.states), 'prediction')}; "
        f"scored: {who}, policy {run.policy}.*"
    )
    if options.date is not None:
        line += f" *Scored on {options.date.isoformat()}.*"
    return line


# -- the prediction table -----------------------------------------------------


@dataclass(frozen=True)
class ScoredForecast:
    """One forecast the run scored, as the prediction table shows it."""

    forecaster: str
    p: float
    p_typed: str
    at: str  # YYYY-MM-DD
    points: float  # the post's rule on this p: 1 - p if it happened, -p if not


def scored_forecasts(data: ScorecardData) -> dict[str, list[ScoredForecast]]:
    """The forecasts the run scored, per prediction id, in the run's order (forecaster, then date).

    They are exactly the engine's input (services.scores.ForecastTable), so their
    points add up to the gap total. For the authors under `first` the table reads
    no forecast rows: each is the prediction's published p, dated the day it was made.
    """
    table = data.run.table
    out: dict[str, list[ScoredForecast]] = {}
    if table is None or not table.n:
        return out
    published = {s.prediction.id: s.prediction for s in data.states}
    ids, names = table.prediction_id.tolist(), table.forecaster.tolist()
    ps, outcomes = table.p.tolist(), table.outcome.tolist()
    typed = table.p_typed.tolist() if table.p_typed is not None else [None] * len(ids)
    dates = table.at.tolist() if table.at is not None else [None] * len(ids)
    for pid, name, p, o, p_typed, at in zip(ids, names, ps, outcomes, typed, dates):
        pr = published.get(pid)
        if p_typed is None:  # the shortcut: the published p
            p_typed = pr.p_typed if pr is not None else format(p, "g")
            at = pr.made if pr is not None else None
        day = "" if at is None else (at.isoformat() if hasattr(at, "isoformat") else str(at)[:10])
        out.setdefault(pid, []).append(ScoredForecast(str(name), p, str(p_typed), day, points(p, float(o))))
    return out


def _predictions(md: _Writer, data: ScorecardData) -> None:
    run = data.run
    # The authors under `first` score the published p: one row per prediction, as the post had it.
    # Otherwise each row is a forecast the run scored (its forecaster, p as typed and date), so the
    # points column adds up to the gap total whatever the policy and --by.
    published_only = run.scored == "authors" and run.policy == "first"
    with_forecaster = run.scored != "authors"
    with_date = run.policy != "first"
    scored = scored_forecasts(data)

    md.line("## Predictions")
    md.blank()
    groups: dict[str | None, list[PredictionState]] = {}
    for s in data.states:
        groups.setdefault(s.prediction.set_id, []).append(s)
    several = len(groups) > 1
    footnotes: list[str] = []
    unforecast = 0
    for set_id, states in groups.items():
        if several:
            title = data.sets.get(set_id) if set_id else None
            md.line(f"### {text(title or set_id) if set_id else 'Predictions without a set'}")
            md.blank()
        # Evidence given once for a whole resolution (as in a post's "the paper did 1-3") is
        # listed once under the table rather than on every row.
        evidence = [_evidence(s) for s in states]
        shared = evidence[0] if len(set(evidence)) == 1 and evidence[0] and len(states) > 1 else None
        notes = [text(s.outcome.note) if s.outcome is not None else "" for s in states]
        # A column nobody filled in is left out, as is evidence every row shares (listed once below).
        with_evidence = not shared and any(evidence)
        with_notes = any(notes)
        rows = []
        for s, ev, note in zip(states, evidence, notes):
            pr = s.prediction
            key = "pending" if s.outcome is None else s.outcome.result
            if note and md.flavor == "lesswrong":
                if note not in footnotes:
                    footnotes.append(note)
                note = f"[^note-{footnotes.index(note) + 1}]"
            forecasts = scored.get(pr.id, [])
            if forecasts:
                cells = [(f.forecaster, f.p_typed, f.at, f"{f.points:+.2f}") for f in forecasts]
            elif key in ("yes", "no") and not published_only:
                # Resolved, but nobody scored had a forecast on or before the resolution.
                unforecast += 1
                cells = [(DASH, DASH, DASH, DASH)]
            elif with_forecaster:
                # Pending or annulled: not scored, and the published p is not this forecaster's.
                cells = [(DASH, DASH, DASH, DASH)]
            else:
                cells = [(text(pr.by), pr.p_typed, pr.made.isoformat(), DASH)]
            for i, (who, p_typed, day, pts) in enumerate(cells):
                first = i == 0
                row = [str(pr.position + 1), text(pr.claim) + late_mark(data.verification, pr.id) if first else ""]
                if with_forecaster:
                    row.append(text(who) if who != DASH else DASH)
                row.append(text(p_typed) if p_typed != DASH else DASH)
                if with_date:
                    row.append(day or DASH)
                row += [md.mark(key), pts]
                if with_evidence:
                    row.append((ev or DASH) if first else "")
                if with_notes:
                    row.append((note or DASH) if first else "")
                rows.append(row)
        headers, aligns = ["#", "prediction"], ["r", "l"]
        if with_forecaster:
            headers, aligns = headers + ["forecaster"], aligns + ["l"]
        headers, aligns = headers + ["p"], aligns + ["r"]
        if with_date:
            headers, aligns = headers + ["dated"], aligns + ["l"]
        headers, aligns = headers + ["outcome", "points"], aligns + ["c", "r"]
        if with_evidence:
            headers, aligns = headers + ["evidence"], aligns + ["l"]
        if with_notes:
            headers, aligns = headers + ["note"], aligns + ["l"]
        md.table(headers, aligns, rows)
        if shared:
            md.line(f"Evidence for every resolution above: {shared}.")
            md.blank()
    if md.flavor != "plain":
        md.line(" · ".join(f"{MARKS[k]} {WORDS[k]}" for k in MARKS) + ".")
        md.blank()
    if published_only:
        md.line(
            f"Numbers are positions in the published list. Points: the post's rule on the published p, "
            f"{POINTS_RULE}; annulled and pending predictions earn none."
        )
    else:
        md.line(_table_note(run, unforecast))
    md.blank()
    for i, note in enumerate(footnotes, 1):
        md.line(f"[^note-{i}]: {note}")
    if footnotes:
        md.blank()


def _table_note(run, unforecast: int) -> str:
    """What the table shows when it is not simply the published list."""
    whose = "each prediction's author" if run.scored == "authors" else text(run.name)
    which = {
        "first": f"the first forecast by {whose} on the prediction",
        "last": f"the last forecast by {whose} dated on or before the resolution date",
        "all": f"every forecast by {whose} dated on or before the resolution date, a row each",
    }[run.policy]
    parts = [
        "Numbers are positions in the published list.",
        f"Each scored row is a forecast the scores above use (policy {run.policy}: {which}), "
        "with its p as typed" + (" and its date" if run.policy != "first" else "") + ".",
        f"Points: the post's rule on that p, {POINTS_RULE}; they add up to the gap total"
        + (f", {run.report.gap.total:+.2f}." if run.n and run.report is not None else "."),
    ]
    late = run.counts.get("after_resolution", 0)
    if late:
        parts.append(
            f"Forecasts dated after the resolution were made knowing the outcome: never scored, not shown "
            f"({late} left out)."
        )
    if unforecast:
        parts.append(f"A resolved prediction with — in p had no forecast by {whose} on or before its resolution.")
    if run.scored == "authors":
        parts.append("Annulled and pending predictions show the published p and earn none.")
    else:
        parts.append("Annulled and pending predictions are not scored and earn none.")
    return " ".join(parts)


def _evidence(s: PredictionState) -> str:
    if s.outcome is None:
        return ""
    seen, out = set(), []
    for e in s.outcome.evidence:
        url = safe_url(e.url)
        if url and url not in seen:
            seen.add(url)
            out.append(link(host(e.url), e.url))
    return ", ".join(out)


# -- scores -------------------------------------------------------------------


def _scores(md: _Writer, run) -> None:
    r = run.report
    g, b, lg, sp, boot = r.gap, r.brier, r.log, r.spherical, r.bootstrap
    md.line("## Scores")
    md.blank()
    z = DASH if g.z is None else f"{g.z:.2f}"
    reading = "no z: the spread is 0 (every p is 0 or 1)" if g.z is None else _chance(g.z)
    md.line(
        f"**The post's rule (gap)**: each prediction earns {POINTS_RULE}. Total **{g.total:+.2f}** over n={g.n} "
        f"(mean {g.mean:+.3f}; spread under the forecasts' own probabilities {g.spread:.2f}; z = {z}): {reading}. "
        f"Confident side (folded): {_part(g.folded)}; above 50%: {_part(g.above)}; below 50%: {_part(g.below)}. "
        "The gap says how the subject did against the forecasts; it is not a proper score and never ranks forecasters."
    )
    md.blank()
    level = f"{round(100 * boot.level)}% interval" if boot is not None else "interval"
    rows = [
        [f"Brier ({text(b.scale)})", _f(b.score, ".4f"), str(b.n), _iv(boot and boot.brier), "lower"],
        ["Brier skill vs always 50%", _f(b.skill_vs_half, "+.3f"), str(b.n), DASH, "higher"],
        [f"Brier skill vs base rate ({_pct(b.base_rate)})", _f(b.skill_vs_base_rate, "+.3f"), str(b.n), DASH, "higher"],
        ["Log score (nats)", _f(lg.nats, ".4f"), str(lg.n), _iv(boot and boot.log_nats), "lower"],
        ["Log score (bits)", _f(lg.bits, ".4f"), str(lg.n), DASH, "lower"],
        ["Metaculus baseline score", _f(lg.metaculus_baseline, "+.1f"), str(lg.n), DASH, "higher (0 = always 50%)"],
        ["Spherical score", _f(sp.score, ".4f"), str(sp.n), DASH, "higher"],
    ]
    md.table(["score", "value", "n", level, "better"], ["l", "r", "r", "r", "l"], rows, always=("value",))
    note = (
        f"Intervals: {text(boot.method)}, {round(100 * boot.level)}%; the skill and baseline scores have none."
        if boot is not None else "No intervals: the bootstrap was off."
    )
    md.line(note)
    md.blank()


def _part(part) -> str:
    if not part.n:
        return f"{DASH} (n=0)"
    z = "" if part.z is None else f", z = {part.z:.2f}"
    return f"{part.total:+.2f} (n={part.n}{z})"


def _f(x, fmt: str) -> str:
    return DASH if x is None else format(x, fmt)


def _pct(x) -> str:
    return DASH if x is None else f"{100 * x:.0f}%"


def _iv(iv) -> str:
    if iv is None or iv.lo is None:
        return DASH
    return f"{iv.lo:.4f}–{iv.hi:.4f}"


# -- calibration --------------------------------------------------------------


def _calibration(md: _Writer, run, options: Options) -> None:
    cal = run.report.calibration
    md.line("## Calibration")
    md.blank()
    level = round(100 * cal.wilson_level)
    rows = []
    last = len(cal.bins) - 1
    for i, b in enumerate(cal.bins):
        if cal.strategy == "distinct":
            label = f"{b.lo:.4g}"
        else:
            close = "\\]" if i == last else ")"
            label = f"\\[{b.lo:.4g}, {b.hi:.4g}{close}"
        wilson = DASH if b.wilson_lo is None else f"{b.wilson_lo:.2f}–{b.wilson_hi:.2f}"
        rows.append([label, str(b.n), str(b.hits), _f(b.mean_p, ".3f"), _f(b.observed, ".3f"), wilson])
    md.table(["stated p" if cal.strategy == "distinct" else "bin", "n", "hits", "mean p", "observed",
              f"{level}% Wilson interval"], ["r", "r", "r", "r", "r", "r"], rows)
    d = cal.decomposition
    md.line(
        f"Expected calibration error {_f(cal.ece, '.4f')} (n={cal.n}); discrimination {_f(cal.discrimination, '+.3f')} "
        f"(mean p on what happened minus mean p on what did not). Brier = reliability {_f(d.reliability, '.4f')} − "
        f"resolution {_f(d.resolution, '.4f')} + uncertainty {_f(d.uncertainty, '.4f')} + within-bin "
        f"{_f(d.within_bin_variance, '.4f')} − {_f(d.within_bin_covariance, '.4f')} = {_f(d.brier, '.4f')} (0-1 scale)."
    )
    md.blank()
    if options.chart_png:
        alt = (
            f"Calibration chart: observed frequency against stated probability, one point per bin with its "
            f"{level}% Wilson interval and n, n={cal.n}"
        )
        md.line(f"![{alt}]({_target(options.chart_png)})")
        md.blank()
        if options.chart_svg:
            md.line(f"The chart as [SVG]({_target(options.chart_svg)}).")
            md.blank()


def _target(path: str) -> str:
    """A chart's link: an http(s) URL as it is, or a relative path, percent-encoded."""
    return safe_url(path) or relative_link(path)


# -- per tag, per forecaster ----------------------------------------------------


def _tags(md: _Writer, data: ScorecardData) -> None:
    md.line("## By tag")
    md.blank()
    rows = []
    for tag, run in data.tag_runs:
        c, r = run.counts, run.report
        if not run.n or r is None:
            rows.append([text(tag), str(c["predictions"]), f"0 of 0", DASH, DASH, DASH, "0"])
            continue
        g = r.gap
        rows.append([
            text(tag), str(c["predictions"]), f"{int(run.table.outcome.sum())} of {run.n}", f"{g.total:+.2f}",
            DASH if g.z is None else f"{g.z:.2f}", _f(r.brier.score, ".4f"), str(run.n),
        ])
    md.table(["tag", "predictions", "happened", "gap", "z", f"Brier ({text(data.run.rules['brier_scale'])})", "n"],
             ["l", "r", "r", "r", "r", "r", "r"], rows)
    md.line("Tags on every selected prediction are left out. Each row is scored like the whole, on its n.")
    md.blank()


def _forecasters(md: _Writer, board_run) -> None:
    board = board_run.leaderboard
    md.line("## Forecasters")
    md.blank()
    ranks = [sum(r.ranked for r in board.rows[:i + 1]) if row.ranked else None for i, row in enumerate(board.rows)]
    rows = [
        [DASH if rank is None else str(rank), text(str(row.forecaster)), str(row.n), str(row.n_with_peers),
         _f(row.peer_score, "+.1f"), DASH if row.peer_lo is None else f"{row.peer_lo:+.1f}–{row.peer_hi:+.1f}",
         _f(row.relative_brier, "+.4f"), _f(row.brier, ".4f"), _f(row.log_loss, ".4f")]
        for rank, row in zip(ranks, board.rows)
    ]
    md.table(["rank", "forecaster", "n", "n with peers", "peer score", "90% interval", "relative Brier",
              f"Brier ({text(board.brier_scale)})", "log (nats)"], ["r", "l", "r", "r", "r", "r", "r", "r", "r"], rows)
    md.line(
        f"Every forecaster on the selected predictions, policy {board_run.policy}: "
        f"{_plural(board.n_forecasters, 'forecaster')}, {_plural(board.n_questions, 'question')}, "
        f"{_plural(board.n, 'forecast')}. Brier and log: lower is better. Relative Brier: own "
        "Brier minus the median of the others on the same question (negative is better). Peer score: "
        "Metaculus-style, 100 × (ln p − mean of the others' ln p) (positive is better); both average over the n "
        f"with peers. Ranked by {text(board.sort)} (— : too few shared questions to rank)."
    )
    md.blank()


# -- research claims (issue 5's records) ------------------------------------------


def claims_section(md: _Writer, data: ScorecardData) -> None:
    """The research claims the selected predictions test, each with its latest assessment."""
    from .claims_report import OUTCOME_LABELS, VERDICT_LABELS

    numbers = {s.prediction.id: s.prediction.position + 1 for s in data.states}
    md.line("## Research claims these predictions test")
    md.blank()
    rows = []
    for st in data.claims:
        c = st.claim
        src = st.source
        source = link(src.title or host(src.url), src.url) if src and src.url else text(src.title) if src else ""
        verdict = VERDICT_LABELS.get(st.verdict, text(st.verdict))
        if st.current is not None:
            verdict += f" ({st.current.on.isoformat()}, {text(st.current.by)})"
        tested = ", ".join(f"\\#{numbers[t.state.prediction.id]}" for t in st.tests if t.state.prediction.id in numbers)
        rows.append([
            f"“{text(c.quote)}”", text(c.claimant) or DASH, source or DASH, verdict,
            f"{OUTCOME_LABELS.get(st.test_outcome, text(st.test_outcome))}" + (f" ({tested})" if tested else ""),
        ])
    md.table(["claim", "claimant", "source", "latest assessment", "tested by"], ["l", "l", "l", "l", "l"], rows)
    md.line("A claim is borne out when every prediction that tests it happened (annulled ones aside); "
            "its verdict is its latest assessment. `pledger claims-report` has the history.")
    md.blank()


# -- footer ---------------------------------------------------------------------


def _footer(md: _Writer, data: ScorecardData, options: Options) -> None:
    r = data.run.rules
    md.line("## How this was scored")
    md.blank()
    items = [
        f"Forecast policy: {text(r['policy'])}, {text(r['policy_rule'])}.",
        f"Scored: {text(r['scored_rule'])}.",
        f"Outcomes: {text(r['outcome_rule'])}.",
        f"Points and gap: the post's rule, {POINTS_RULE}; the gap is their sum. Not a proper score.",
        f"Brier: {text(r['brier'])}.",
        f"Log score: {text(r.get('log') or 'mean of -ln p(outcome)')}; eps = {r['eps']:g}, {r['clipped']} clipped.",
    ]
    if r.get("bins"):
        items.append(
            f"Calibration bins: {text(r['bins'])}, {text(r['edge_rule'])}; intervals: "
            f"{round(100 * r['wilson_level'])}% Wilson score intervals."
        )
    items.append(f"Score intervals: {text(r['bootstrap'])}." if r.get("bootstrap") else "Score intervals: none (bootstrap off).")
    if options.command:
        items.append(f"Made with pledger {text(data.version)}; reproduce this file with {code_span(options.command)}.")
    for item in items:
        md.line(f"- {item}")


class _Writer:
    """Lines of markdown, with tables drawn the flavour's way."""

    def __init__(self, flavor: str):
        self.flavor = flavor
        self.lines: list[str] = []

    def line(self, value: str) -> None:
        self.lines.append(value)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def mark(self, key: str) -> str:
        return WORDS[key] if self.flavor == "plain" else MARKS[key]

    def table(self, headers: list[str], aligns: list[str], rows: list[list[str]], always: tuple[str, ...] = ()) -> None:
        """A GFM pipe table; in the plain flavour a list, one item per row (CommonMark has no tables)."""
        if self.flavor == "plain":
            for row in rows:
                # Cells that do not apply ("—") are left out, but an undefined
                # figure (a column in `always`) shows as "—", as in the other flavours.
                rest = "; ".join(f"{h}: {v}" for h, v in zip(headers[1:], row[1:]) if v and (v != DASH or h in always))
                first = f"#{row[0]}" if headers[0] == "#" else row[0]
                self.line(f"- **{first}**: {rest}")
            self.blank()
            return
        rule = {"l": "---", "r": "---:", "c": ":---:"}
        self.line("| " + " | ".join(headers) + " |")
        self.line("| " + " | ".join(rule[a] for a in aligns) + " |")
        for row in rows:
            self.line("| " + " | ".join(cell or " " for cell in row) + " |")
        self.blank()

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"

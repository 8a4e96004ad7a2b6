"""The scorecard as a document: what it says, in what order, before any markup.

`build(data, options)` turns ScorecardData (report.scorecard.collect) into a Card:
a title, a lede in words, sections of paragraphs, tables, lists and images, an
appendix and a footer. The markdown scorecard (report.scorecard) and the site's
set pages (ledger.site) render the same Card, so they say the same things in the
same words with the same figures. Nothing here is escaped: strings are plain text
that each renderer makes safe its own way; links, emphasis, marks and notes are
typed pieces (Link, Styled, Mark, Note) so no renderer has to guess.

Every number comes from the scoring engine's results or the post's rule; it is
formatted once, with the registry's format for its figure (one rounding everywhere).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from collections.abc import Sequence
from typing import Any, NamedTuple

from functools import lru_cache

from ..kinds import BINARY, CHOICE, NUMERIC
from ..kinds import LABELS as KIND_LABELS
from ..scoring.points import points as post_rule
from ..services.published import ShownRows, shown_column
from .escape import host, safe_url

POINTS_RULE = "1 − p if it happened, −p if not"
DASH = "—"
STYLES = ("table", "acx")
PROBABILITIES = ("percent", "as-typed")
# Folded confidence levels, as the yearly prediction posts bloggers copy group them: the
# engine's bin edges (they start at 0; the folded view starts them at 50%).
LEVELS = (0.0, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0)
HALF_BRIER = {"0-1": 0.25, "0-2": 0.5}  # always saying 50%, on each convention (scoring.proper)


# -- the pieces ------------------------------------------------------------------


class Link(NamedTuple):
    label: str
    url: str


class Styled(NamedTuple):
    """Text with a style: strong, em, strike (a miss), code, num (a figure: no escaping needed), or
    emoji (a mark beside words that say the same; left out where marks are words)."""

    text: Any  # str or a tuple of pieces
    style: str


class Mark(NamedTuple):
    """An outcome mark: yes, no, annulled, pending; or `value` (the option or value that resolved it)."""

    key: str
    value: str | None = None


class Note(NamedTuple):
    """A resolver's note (LessWrong: a footnote)."""

    text: str


class Para(NamedTuple):
    parts: tuple


class Table(NamedTuple):
    headers: tuple[str, ...]
    aligns: tuple[str, ...]  # l | r | c
    rows: tuple[tuple, ...]  # each cell: a piece or a tuple of pieces
    always: tuple[str, ...] = ()  # columns whose "—" is a figure (shown by list renderers)
    numbered: bool = False  # the first column is the published position
    lead: bool = False  # the first column is a figure, not a name: list renderers say its header before it
    row_ids: tuple = ()  # per row, the prediction it shows (None on a continuation row): pages link them


class Items(NamedTuple):
    """A list; each item a tuple of pieces."""

    items: tuple[tuple, ...]


class Image(NamedTuple):
    alt: str
    src: str
    svg: str | None = None


@dataclass
class Section:
    key: str  # a stable id (html anchors, tests)
    title: str
    blocks: list = field(default_factory=list)
    level: int = 2


@dataclass
class Card:
    title: str
    lede: list[Para]
    sections: list[Section]
    appendix: list[Section]
    footer: Para | None
    appendix_title: str = "Technical appendix: every score, the calibration tables and the rules"


# -- formatting, once ------------------------------------------------------------------


@lru_cache(maxsize=None)
def figure_format(rule: str, path: str) -> str:
    from ..scoring.registry import BY_NAME

    for f in BY_NAME[rule].figures:
        if f.path == path:
            return f.fmt
    raise KeyError(f"{rule}.{path}")


def fig(value, rule: str, path: str) -> str:
    """A figure in its registry format; — when undefined."""
    return DASH if value is None else format(value, figure_format(rule, path))


def points(value: float | None) -> str:
    if value is None:  # no yes/no forecast scored (a selection of other kinds only)
        return DASH
    out = format(value, figure_format("gap", "total"))
    return format(0.0, figure_format("gap", "total")) if float(out) == 0 else out  # never "-0.00"


@lru_cache(maxsize=4096)  # a ledger uses few distinct probabilities
def percent(p: float) -> str:
    """A probability as a percentage: at most two decimals, trailing zeros dropped, never rounded to 0% or 100%."""
    shown = f"{100 * p:.2f}".rstrip("0").rstrip(".")
    if shown == "100" and p < 1:
        shown = "99.99"
    if shown == "0" and p > 0:
        shown = "0.01"
    return f"{shown}%"


def share(x: float) -> str:
    """An observed share or an interval's end, as a whole percentage."""
    return f"{100 * x:.0f}%"


def level_label(lo: float, hi: float) -> str:
    return f"{percent(lo)[:-1]}–{percent(hi)}"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _date_span(days: list[dt.date]) -> str:
    if not days:
        return ""
    lo, hi = min(days), max(days)
    return f"on {lo.isoformat()}" if lo == hi else f"between {lo.isoformat()} and {hi.isoformat()}"


# -- probabilities as shown -----------------------------------------------------------


def shown_p(p: float | None, typed: str, how: str):
    """As typed (user text), or as a percentage (a figure the card formatted)."""
    if how == "as-typed" or p is None:
        return typed
    return _percent_piece(p)


@lru_cache(maxsize=4096)
def _percent_piece(p: float) -> Styled:
    return Styled(percent(p), "num")


def _points_piece(value: float) -> Styled:
    return Styled(points(value), "num")  # not cached: -0.0 and 0.0 are one key, and print differently


def forecast_line(kind: str, dist: tuple, unit: str | None, how: str) -> str:
    """A multiple-choice or numeric forecast in one line (ledger.kinds.summary), probabilities as asked."""
    from ..kinds import OptionP, Quantile, summary

    if how == "percent":
        if kind == CHOICE:
            dist = tuple(OptionP(o.label, o.p, percent(o.p)) for o in dist)
        elif kind == NUMERIC:
            dist = tuple(Quantile(q.level, q.value, percent(q.level), q.value_typed) for q in dist)
    return summary(kind, dist, unit)


# -- building the card ------------------------------------------------------------------


def build(data, options) -> Card:
    """The Card for `data` (report.scorecard.ScorecardData) under `options` (report.scorecard.Options)."""
    from .card_sections import (calibration_section, claims_section, forecasters_section, kind_section, rules_section,
                                tags_section, technical_section)

    parts = options.parts
    run = data.run
    sections: list[Section] = []
    appendix: list[Section] = []
    if "table" in parts and data.shown:
        sections.append(acx_section(data, options) if options.style == "acx" else table_section(data, options))
    if getattr(data, "verification", None) is not None:
        from .on_record import card_section

        sections.append(card_section(data, options.repo_url))
    binary = binary_report(run)
    if "calibration" in parts and data.levels is not None:
        sections.append(calibration_section(data, options))
    if "scores" in parts:
        for kind in (CHOICE, NUMERIC):
            report = run.reports.get(kind)
            if report is not None and report.n:
                sections.append(kind_section(kind, report, data.policy))
    if data.tag_rows and "tags" in parts:
        sections.append(tags_section(data))
    if data.board is not None and "forecasters" in parts:
        sections.append(forecasters_section(data.board))
    if data.claims and "claims" in parts:
        sections.append(claims_section(data))
    technical = binary is not None and binary.n and ("scores" in parts or "calibration" in parts)
    if technical:
        appendix.append(technical_section(data, binary, parts))
    appendix.append(rules_section(data, levels_above="calibration" in parts or options.style == "acx"))
    footer = None
    if options.command:
        footer = Para((f"Made with pledger {data.version}; reproduce this file with ", Styled(options.command, "code"),
                       "."))
    return Card(options.title or default_title(data), lede(data, options), sections, appendix, footer,
                appendix_title(parts, bool(technical)))


def appendix_title(parts, technical: bool) -> str:
    """The appendix's title, naming what it holds (the parts left out are not in it)."""
    held = [what for part, what in (("scores", "every score"), ("calibration", "the calibration tables"))
            if technical and part in parts] + ["the rules"]
    return "Technical appendix: " + (f"{', '.join(held[:-1])} and {held[-1]}" if len(held) > 1 else held[0])


def binary_report(run):
    """The yes/no report the card's words use: one-shot policies' ScoreReport, or time-weighted's KindReport."""
    if run.report is not None:
        return run.report
    return run.reports.get(BINARY)


def default_title(data) -> str:
    """The set's title (its id when it has none) for one set; otherwise the selection in words."""
    sets = set(shown_column(data.shown, "set_id"))
    if len(sets) == 1:
        (only,) = sets
        if only:
            return f"Scorecard: {data.sets.get(only) or only}"
    name = data.run.name if getattr(data.run, "scored", None) == "forecaster" else None
    words = selection_words(data.selection, name)
    return f"Scorecard: {words}" if words else "Scorecard"


def selection_words(s, name: str | None = None) -> str:
    """The selection in words; name: --by's forecaster as the ledger spells it (--by matches ignoring case)."""
    bits = []
    if s.set_id:
        bits.append(f"the {s.set_id} set")
    if s.tags:
        bits.append("tagged " + " and ".join(s.tags))
    if s.by:
        bits.append(f"with {name or s.by}")
    if s.about:
        bits.append(f"about {s.about}")
    if s.since:
        bits.append(f"made since {s.since.isoformat()}")
    if s.until:
        bits.append(f"made until {s.until.isoformat()}")
    return ("predictions " + ", ".join(bits)) if bits else ""


def whose(run) -> str:
    """Whose probabilities the figures judge: a name, or the author(s)."""
    if run.scored == "forecaster":
        return f"{run.name}'s"
    if run.table is not None and run.table.n:
        from ..names import name_key

        names = list(dict.fromkeys(str(a) for a in run.table.forecaster.tolist()))
        if len({name_key(a) for a in names}) == 1:
            return f"{names[0]}'s"
    return "the forecasters'"


def _who_made(shown, by: str | None) -> str:
    """The lede's first sentence: who made the predictions, and when. With --by, the forecaster's own and
    those of others they forecast on (a card of one forecaster holds both)."""
    span = _date_span(shown_column(shown, "made"))
    made_by = Counter(shown_column(shown, "by"))  # per author, in order of first appearance (a row per prediction)
    authors = list(made_by)
    if by is not None:
        from ..names import name_key

        key = name_key(by)
        own = sum(n for a, n in made_by.items() if name_key(a) == key)
        spelled: dict[str, str] = {}  # each other forecaster once, as first spelled
        for a in authors:
            spelled.setdefault(name_key(a), a)
        spelled.pop(key, None)
        others = list(spelled.values())
        if others:
            by_whom = others[0] if len(others) == 1 else f"{len(others)} other forecasters"
            done = [f"made {plural(own, 'prediction')}"] if own else []
            done.append(f"forecast on {plural(len(shown) - own, 'prediction')} by {by_whom}")
            return f"{by} {' and '.join(done)}" + (f", made {span}" if span else "") + "."
    who = authors[0] if len(authors) == 1 else f"{len(authors)} forecasters"
    return f"{who} made {plural(len(shown), 'prediction')} {span}".rstrip() + "."


def lede(data, options) -> list[Para]:
    """The top of the card: in words, how it went, with the few numbers a reader needs."""
    run = data.run
    shown = data.shown
    by = data.selection.by
    if by is not None and run.scored == "forecaster" and run.name:
        by = run.name  # as the ledger first spells it (`--by ben` scores "Ben")
    first = [_who_made(shown, by)]
    per_kind = ShownRows.of(shown).grouped("kind")
    yes_no = Counter(per_kind[BINARY].column("status")) if BINARY in per_kind else Counter()  # how they stand
    binary = yes_no.total()  # the yes/no questions
    happened, resolved = yes_no["yes"], yes_no["yes"] + yes_no["no"]
    if binary:
        if not resolved:
            annulled = yes_no["annulled"]
            first.append(" It is not resolved yet." if binary == 1 else " None is resolved yes or no yet"
                         + (f" ({annulled} annulled)." if annulled else "."))
        elif binary < len(shown):
            first.append(f" Of its {plural(binary, 'yes/no question')}, {happened} of the {resolved} "
                         "resolved happened")
        elif resolved == binary:
            first.append(f" {happened} of the {resolved} happened")
        else:
            first.append(f" Of the {resolved} resolved yes or no, {happened} happened")
        if resolved:  # the yes/no questions' own counts: the run's count every kind
            first.append(_counted_out({status: yes_no[status] for status in ("annulled", "pending")}) + ".")
    others = [(k, len(per_kind.get(k, ()))) for k in (CHOICE, NUMERIC)]
    others = [(k, n) for k, n in others if n]
    if others:
        count = sum(n for _, n in others)
        held = " and ".join(plural(n, f"{KIND_LABELS[k]} question") for k, n in others)
        where = "its own section" if count == 1 else ("their own section" if len(others) == 1 else "their own sections")
        if binary:
            first.append(f" It also holds {held}, scored in {where}.")
        elif count == 1:
            first.append(f" It is a {KIND_LABELS[others[0][0]]} question, scored in {where}.")
        elif len(others) == 1:
            first.append(f" All are {KIND_LABELS[others[0][0]]} questions, scored in {where}.")
        else:
            first.append(f" They are {held}, scored in {where}.")
    paras = [Para(tuple(first))]
    report = run.report
    if not run.n or (report is None and BINARY not in run.reports):
        paras.append(Para(("Nothing to score yet: no resolved question has a forecast to score.",)))
    elif report is not None and not report.gap.n:
        pass  # no yes/no question scored: the other kinds' sections give their scores
    elif report is not None:
        g, b = report.gap, report.brier
        about = _about(data)
        reading = ("the z-score is undefined, as every probability was 0 or 1" if g.z is None
                   else f"{_chance(g.z)} (z = {fig(g.z, 'gap', 'z')})")
        text = [
            f"Against {whose(run)} probabilities, {about} scored ", Styled(points(g.total), "strong"),
            f" by the post's rule ({POINTS_RULE}): {reading}. ",
            "The Brier score is ", Styled(fig(b.score, "brier", "score"), "strong"),
            f" on the {b.scale} scale, where always saying 50% scores {HALF_BRIER[b.scale]:g} (lower is better).",
        ]
        paras.append(Para(tuple(text)))
        sentence = calibration_sentence(data)
        if sentence:
            paras.append(Para((sentence,)))
    else:
        paras.append(Para(("Scored over time (policy time-weighted): each forecast counts for the days it stood; "
                           "the figures are in the appendix.",)))
    paras.append(Para((Styled(scored_line(data, options), "em"),)))
    return paras


def _about(data) -> str:
    abouts = set(shown_column(data.shown, "about")) - {None, ""}
    return next(iter(abouts)) if len(abouts) == 1 else "the outcomes"


def _chance(z: float) -> str:
    return "within what chance alone would give" if abs(z) < 2 else "more than chance alone would usually give"


def _counted_out(c: dict) -> str:
    out = [f"{c['annulled']} annulled" if c["annulled"] else "", f"{c['pending']} not resolved yet" if c["pending"] else ""]
    out = [o for o in out if o]
    return f" ({' and '.join(out)})" if out else ""


def calibration_sentence(data) -> str | None:
    """Calibration in one sentence: how often the favoured side came true, and at the busiest level.
    A forecast of exactly 50% favours neither side: it is left out of the sentence (the tables keep it, in
    their lowest level, as PredictionBook and Scott Alexander show it), and the sentence says how many."""
    levels = data.levels
    if levels is None or not levels.n:
        return None
    table = data.run.table
    half = table.p == 0.5
    at_half, happened_at_half = int(half.sum()), int(table.outcome[half].sum())
    # Each level as (n, lo, hi, hits), the forecasts of 50% taken out of the lowest (it starts at 50%).
    levels_decided = [(b.n - at_half, b.lo, b.hi, b.hits - happened_at_half) if b.lo == 0.5 else (b.n, b.lo, b.hi, b.hits)
                      for b in levels.bins]
    n = sum(k for k, _, _, _ in levels_decided)
    right = sum(hits for _, _, _, hits in levels_decided)
    name = whose(data.run).removesuffix("'s").removesuffix("'")
    if not n:
        return ("The one forecast was 50%, so it favoured neither side." if at_half == 1 else
                f"All {at_half} forecasts were 50%, so none favoured a side.")
    busiest, lo, hi, hits = max(level for level in levels_decided if level[0])  # the most forecasts, then the higher
    aside = f" ({plural(at_half, 'forecast')} at 50% favoured neither side)" if at_half else ""
    return (f"The side {name} thought more likely came true {right} of {plural(n, 'time')}{aside}; "
            f"at {level_label(lo, hi)} it did {hits} of {plural(busiest, 'time')}.")


def scored_line(data, options) -> str:
    run = data.run
    who = {"authors": "each prediction's author", "forecaster": run.name, "everyone": "every forecaster"}[run.scored]
    first = "the probability published first" if run.scored == "authors" else (
        "their first forecast (on their own predictions, the probability they published)")
    which = {"first": first, "last": "the last forecast before each resolution",
             "all": "every forecast before each resolution",
             "time-weighted": "every forecast, weighted by the days it stood"}[run.policy]
    line = f"Scored: {who}, on {which}."
    if options.date is not None:
        line += f" Scored on {options.date.isoformat()}."
    return line


# -- the predictions --------------------------------------------------------------------


class ScoredForecast(NamedTuple):
    """One forecast the run scored, as the prediction table shows it."""

    forecaster: str
    p: float
    p_typed: str
    at: str  # YYYY-MM-DD
    points: float  # the post's rule on this p: 1 - p if it happened, -p if not


def scored_forecasts(data) -> dict[str, list[ScoredForecast]]:
    """The yes/no forecasts the run scored, per prediction id, in the run's order.

    They are exactly the engine's input (services.scores.ForecastTable), so their
    points add up to the gap total. For the authors under `first` the table reads
    no forecast rows: each is the prediction's published p, dated the day it was made.
    """
    table = data.run.table
    out: dict[str, list[ScoredForecast]] = {}
    if table is None or not table.n or data.run.report is None:
        return out
    ids, names = table.prediction_id.tolist(), table.forecaster.tolist()
    ps, outcomes = table.p.tolist(), table.outcome.tolist()
    typed = table.p_typed.tolist() if table.p_typed is not None else None
    dates = table.at.tolist() if table.at is not None else None
    published = {} if typed is not None else dict(zip(  # per prediction id: its p as typed and its day
        shown_column(data.shown, "id"), zip(shown_column(data.shown, "p_typed"), shown_column(data.shown, "made"))))
    for i, (pid, name, p, o) in enumerate(zip(ids, names, ps, outcomes)):
        if typed is None:  # the shortcut: the published p
            pr = published.get(pid)
            p_typed, day = (pr[0], pr[1].isoformat()) if pr is not None else (format(p, "g"), "")
        else:
            p_typed, at = typed[i], dates[i]
            day = "" if at is None else (at.isoformat() if hasattr(at, "isoformat") else str(at)[:10])
        # tuple.__new__: the NamedTuple's fields without its slower constructor (100,000s of rows)
        out.setdefault(pid, []).append(tuple.__new__(ScoredForecast, (name, p, p_typed, day, post_rule(p, o))))
    return out


@lru_cache(maxsize=4096)  # a ledger has few distinct (p, outcome) pairs
def published_points(p: float | None, status: str) -> str:
    """A published list's points: the post's rule on the published p where the prediction resolved yes or
    no (what the authors' run under `first` scores: services.scores' shortcut), else —."""
    if status not in ("yes", "no") or p is None:
        return DASH
    return points(post_rule(p, 1.0 if status == "yes" else 0.0))


def _evidence(evidence: tuple) -> tuple:
    """A resolution's evidence as links (each URL once); () without any a post can link to."""
    if not evidence:
        return ()
    seen, out = set(), []
    for e in evidence:
        url = safe_url(e.url)
        if url and url not in seen:
            seen.add(url)
            out.append(Link(host(e.url) or "link", e.url))
    return tuple(out)


def _joined(links: tuple) -> tuple:
    out: list = []
    for i, piece in enumerate(links):
        if i:
            out.append(", ")
        out.append(piece)
    return tuple(out)


_MARKS = {key: Mark(key) for key in ("yes", "no", "annulled", "pending")}


@lru_cache(maxsize=4096)  # positions repeat from set to set
def _number_piece(position: int) -> Styled:
    """A row's number: its position in the published list."""
    return Styled(str(position + 1), "num")


def _outcome(s) -> Mark:
    status = s.status
    if status in _MARKS:
        return _MARKS[status]
    return Mark("value", s.result)


def _late(verification, prediction_id: str) -> str:
    """The On record part's " †" after a prediction added or edited late (report.on_record); "" without it."""
    if verification is None:
        return ""
    from .on_record import late_mark

    return late_mark(verification, prediction_id)


def _claim_cell(s, verification):
    """A prediction's claim as a table shows it: with the On record part's mark when there is a report."""
    return s.claim if verification is None else (s.claim, _late(verification, s.id))


class PublishedRows(Sequence):
    """The published list's rows (#, prediction, p, outcome, points), one per yes/no prediction of a set:
    a sequence of row tuples like any Table's, which also gives its cells a column at a time as keys
    (`keyed_columns`), so a renderer formats each distinct number, p, mark and points once and a
    million rows never exist as pieces."""

    def __init__(self, states, how: str, verification=None, text: tuple[str, str] | None = None):
        self.states, self.how, self.verification = ShownRows.of(states), how, verification
        self.text = text  # (flavour, the rows as that flavour's markdown), when rendered already

    def __len__(self) -> int:
        return len(self.states)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        s = self.states[i]
        return (_number_piece(s.position), _claim_cell(s, self.verification), shown_p(s.p, s.p_typed, self.how),
                _outcome(s), _points_of((s.p, s.status)))

    def keyed_columns(self) -> list[tuple[list, Any]]:
        """Per column: each row's key and the piece of a key (row i's cell is piece(keys[i])); piece None:
        the keys are the pieces, nearly all distinct (the claims)."""
        states = self.states
        column = states.column
        claims = (column("claim") if self.verification is None  # a million rows: as they are
                  else [_claim_cell(s, self.verification) for s in states])
        ps = column("p")
        statuses = column("status")
        shown = (column("p_typed"), _same) if self.how == "as-typed" else (ps, _percent_piece)
        return [
            (column("position"), _number_piece),
            (claims, None),
            shown,
            (statuses, _MARKS.__getitem__),
            (list(zip(ps, statuses)), _points_of),
        ]


def _same(piece):
    return piece


def _points_of(p_and_status: tuple) -> Styled:
    return tuple.__new__(Styled, (published_points(*p_and_status), "num"))  # without the NamedTuple's constructor


def table_section(data, options) -> Section:
    run = data.run
    how = options.probabilities
    # The authors under `first` score the published p: one row per prediction, as the post had it.
    # Otherwise each row is a forecast the run scored (its forecaster, p and date), so the
    # points column adds up to the gap total whatever the policy and --by.
    published_only = run.scored == "authors" and run.policy == "first"
    with_forecaster = run.scored != "authors"
    with_date = run.policy not in ("first",)
    scored = {} if published_only else scored_forecasts(data)
    kind_scored: dict[str, list] = {}  # the other kinds' scored forecasts, per prediction
    for forecasts in getattr(run, "kind_forecasts", {}).values():
        for f in forecasts:
            kind_scored.setdefault(f.prediction_id, []).append(f)
    section = Section("predictions", "Predictions")
    verification = getattr(data, "verification", None)
    # The published lists' rows as markdown already, when they were rendered beside the scores
    # (report.scorecard.published_texts): their cells carry no On record mark.
    texts = getattr(data, "table_texts", None) if verification is None else None
    groups = table_groups(data.shown)
    several = len(groups) > 1
    unforecast = 0
    for set_id, states in groups.items():
        if several:
            title = data.sets.get(set_id) if set_id else None
            section.blocks.append(Section(f"set-{set_id or ''}", (title or set_id) if set_id else
                                          "Predictions without a set", level=3))
        source = getattr(data, "sources", {}).get(set_id) if set_id else None
        if source:  # where the predictions were first published: a reader checks the list against it
            section.blocks.append(first_published(source))
        evidence, shared, with_evidence, with_notes = evidence_and_notes(states)
        rows, row_ids = [], []
        if published_only and is_published_list(states, with_evidence, with_notes):
            # The common case, and the one a large ledger takes: the published list, a row per
            # prediction, its cells made when a renderer asks for them (the same cells as below).
            rows = PublishedRows(states, how, verification, texts.get(set_id) if texts else None)
            row_ids = states.column("id")
        for s, ev in () if rows else zip(states, evidence):
            mark = _outcome(s)
            if s.kind != BINARY and not published_only and kind_scored.get(s.id):
                cells = [(f.forecaster, forecast_line(s.kind, f.dist, s.unit, how), f.at, DASH)
                         for f in kind_scored[s.id]]
            elif s.kind != BINARY and with_forecaster:
                cells = [(DASH, DASH, DASH, DASH)]  # not scored, and the published forecast is not this forecaster's
            elif s.kind != BINARY:
                cells = [(None, forecast_line(s.kind, s.dist, s.unit, how), s.made.isoformat(), DASH)]
            elif published_only and s.status in ("yes", "no"):
                cells = [(s.by, shown_p(s.p, s.p_typed, how), s.made.isoformat(),
                          Styled(published_points(s.p, s.status), "num"))]
            elif scored.get(s.id):
                cells = [(f.forecaster, shown_p(f.p, f.p_typed, how), f.at, _points_piece(f.points))
                         for f in scored[s.id]]
            elif s.status in ("yes", "no") and not published_only:
                unforecast += 1  # resolved, but nobody scored had a forecast on or before the resolution
                cells = [(DASH, DASH, DASH, DASH)]
            elif with_forecaster:
                cells = [(DASH, DASH, DASH, DASH)]  # not scored, and the published p is not this forecaster's
            else:
                cells = [(s.by, shown_p(s.p, s.p_typed, how), s.made.isoformat(), DASH)]
            number = Styled(str(s.position + 1), "num")
            for i, (who, p, day, pts) in enumerate(cells):
                first = i == 0
                claim = _claim_cell(s, verification)
                row: list = [number, claim if first else ""]
                if with_forecaster:
                    row.append(who or DASH)
                row.append(p)
                if with_date:
                    row.append(day or DASH)
                row += [mark, pts if type(pts) is Styled else Styled(pts, "num")]
                if with_evidence:
                    row.append((_joined(ev) or DASH) if first else "")
                if with_notes:
                    row.append((Note(s.note) if s.note else DASH) if first else "")
                rows.append(tuple(row))
                row_ids.append(s.id if first else None)
        section.blocks.append(predictions_table(
            rows if type(rows) is PublishedRows else tuple(rows), tuple(row_ids), with_forecaster=with_forecaster,
            with_date=with_date, with_evidence=with_evidence, with_notes=with_notes))
        if shared:
            section.blocks.append(Para(("Evidence for every resolution above: ", *_joined(shared), ".")))
    section.blocks.append("legend")
    if published_only:
        section.blocks.append(Para((
            f"Numbers are positions in the published list. Points: the post's rule on the published p, {POINTS_RULE}; "
            "annulled and pending predictions earn none.",)))
    else:
        section.blocks.append(Para((table_note(run, unforecast),)))
    return section


def table_groups(shown) -> dict:
    """The prediction table's sets (set id -> its rows, ShownRows), in order of first appearance; each
    set's rows in ledger order."""
    return ShownRows.of(shown).grouped("set_id")


def evidence_and_notes(states) -> tuple:
    """A set's evidence as links per row; the evidence every row shares, or None (evidence given once for
    a whole resolution, as in a post's "the paper did 1-3", is listed once under the table rather than
    on every row); and whether its table has an evidence column, and a notes column."""
    evidence = states.column("evidence")
    if evidence.count(()) != len(evidence):  # a resolution gives evidence: as links
        evidence = list(map(_evidence, evidence))
    shared = evidence[0] if len(set(evidence)) == 1 and evidence[0] and len(states) > 1 else None
    with_evidence = not shared and any(evidence)
    notes = states.column("note")
    with_notes = notes.count(None) != len(notes) and any(notes)
    return evidence, shared, with_evidence, with_notes


def is_published_list(states, with_evidence: bool, with_notes: bool) -> bool:
    """Whether a set's table, for the authors under `first`, is the published list (PublishedRows):
    yes/no questions only, with no evidence or notes column."""
    kinds = states.column("kind")
    return not with_evidence and not with_notes and kinds.count(BINARY) == len(kinds)


def predictions_table(rows, row_ids: tuple = (), *, with_forecaster: bool = False, with_date: bool = False,
                      with_evidence: bool = False, with_notes: bool = False) -> Table:
    """A set's prediction table: its columns, and the rows."""
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
    return Table(tuple(headers), tuple(aligns), rows, numbered=True, row_ids=row_ids)


def first_published(source: str, set_id: str | None = None) -> Para:
    """Where a set's predictions were first published (its `source:`): a link by its host, or the text."""
    which = f" ({set_id})" if set_id else ""
    if safe_url(source):
        return Para(("First published at ", Link(host(source) or "link", source), f"{which}.",))
    return Para(("First published: ", source, f"{which}.",))


def table_note(run, unforecast: int) -> str:
    """What the table shows when it is not simply the published list."""
    whose_ = "each prediction's author" if run.scored == "authors" else run.name
    which = {
        "first": f"the first forecast by {whose_} on the prediction",
        "last": f"the last forecast by {whose_} dated on or before the resolution date",
        "all": f"every forecast by {whose_} dated on or before the resolution date, a row each",
        "time-weighted": f"every forecast by {whose_}, weighted by the days it stood",
    }[run.policy]
    total = run.report.gap.total if run.n and run.report is not None else None
    parts = [
        "Numbers are positions in the published list.",
        f"Each scored row is a forecast the scores above use (policy {run.policy}: {which}), "
        "with its p" + (" and its date" if run.policy != "first" else "") + ".",
        f"Points: the post's rule on that p, {POINTS_RULE}; they add up to the gap total"
        + (f", {points(total)}." if total is not None else "."),
    ]
    late = run.counts.get("after_resolution", 0)
    if late:
        parts.append(f"Forecasts dated after the resolution were made knowing the outcome: never scored, not shown "
                     f"({late} left out).")
    if unforecast:
        parts.append(f"A resolved prediction with — in p had no forecast by {whose_} on or before its resolution.")
    if run.scored == "authors":
        parts.append("Annulled and pending predictions show the published p and earn none.")
    else:
        parts.append("Annulled and pending predictions are not scored and earn none.")
    return " ".join(parts)


def acx_section(data, options) -> Section:
    """The predictions grouped by folded confidence level, "x of y right" per level, misses struck
    through, annulled ones in italics: the layout of the yearly prediction posts bloggers copy."""
    from ..scoring.calibration import assign_bins, fold

    import numpy as np

    how = options.probabilities
    section = Section("predictions", "Predictions")
    # Numbers are positions in each set's published list: with several sets, each says its set (by id: a
    # title on every line would be longer than the claims).
    several = len({s.set_id for s in data.shown}) > 1

    def number(s) -> str:
        return f"#{s.position + 1} ({s.set_id or 'no set'}) " if several else f"#{s.position + 1} "

    sources = getattr(data, "sources", {})
    for set_id in dict.fromkeys(s.set_id for s in data.shown if s.set_id in sources):
        section.blocks.append(first_published(sources[set_id], set_id if several else None))
    scored = scored_forecasts(data)
    verification = getattr(data, "verification", None)

    def claimed(s) -> str:
        return s.claim + _late(verification, s.id)

    items: list[tuple] = []  # (folded p, claim line, right?, state)
    for s in data.shown:
        if s.kind != BINARY:
            continue
        forecasts = scored.get(s.id) or ([] if s.status in ("yes", "no") or data.run.scored != "authors"
                                         else [ScoredForecast(s.by, s.p, s.p_typed, "", 0.0)])
        for f in forecasts:
            items.append((f, s))
    if items:
        p = np.array([f.p for f, _ in items], dtype=float)
        o = np.array([1 if s.status == "yes" else 0 for _, s in items], dtype=np.int8)
        pf, right = fold(p, o)
        _, _, lo, hi, idx = assign_bins(pf, list(LEVELS), lo=0.5)
        for b in range(len(lo)):
            members = [i for i in np.flatnonzero(idx == b).tolist()]
            if not members:
                continue
            counted = [i for i in members if items[i][1].status in ("yes", "no")]
            hits = sum(int(right[i]) for i in counted)
            heading = f"{level_label(lo[b], hi[b])}: {hits} of {len(counted)} right" if counted else \
                level_label(lo[b], hi[b])
            lines = []
            for i in members:
                f, s = items[i]
                said = f.p_typed if how == "as-typed" else percent(f.p)
                tail = f" — {said}" if f.p >= 0.5 else f" — {said}, so {percent(1 - f.p)} it would not"
                if data.run.scored != "authors":
                    tail += f" ({f.forecaster})"
                claim: Any = claimed(s)
                if s.status == "annulled":
                    lines.append((Styled(f"{number(s)}{claim}{tail} (annulled)", "em"),))
                    continue
                if s.status == "pending":
                    lines.append((number(s), claim, tail, " (not resolved yet)"))
                    continue
                if not int(right[i]):
                    claim = Styled(claim, "strike")
                lines.append((number(s), claim, tail))
            section.blocks.append(Para((Styled(heading, "strong"),)))
            section.blocks.append(Items(tuple(lines)))
    others = [s for s in data.shown if s.kind != BINARY]
    if others:
        section.blocks.append(Para((Styled("Other questions", "strong"),)))
        section.blocks.append(Items(tuple(
            (number(s), claimed(s), " — ", forecast_line(s.kind, s.dist, s.unit, how), ": ", _outcome(s))
            for s in others)))
    section.blocks.append(Para((
        "Each prediction is listed at its confidence level: one below 50% at 100% minus it (a 20% that it happens "
        "is an 80% that it does not). Shown ", Styled("like this", "strike"),
        ": the favoured side did not come true. In italics: annulled, not counted.",)))
    return section

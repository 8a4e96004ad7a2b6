"""The markdown scorecard: the post a forecaster publishes when predictions resolve.

`collect()` asks the services for everything a scorecard shows (the selected
predictions in published order, the ScoreRun of `pledger score`, the per-tag
figures, the leaderboard, the linked research claims); report.card builds the
document (words first, then the predictions, calibration, the other sections and
a technical appendix); `render()` writes it as markdown. No figure is computed
here: every number comes from the scoring engine's result objects or from the
post's rule.

Deterministic: the same ledger and options give the same bytes; nothing is
dated unless Options.date is set. Every piece of user text goes through
report.escape. Flavours (docs/scorecard.md):
  github    -- GFM pipe tables, emoji marks, the resolver's notes in the table,
               the appendix folded in <details>; GitHub's autolinks and @mentions
               in user text broken
  lesswrong -- tables (LessWrong's markdown-it has them), the notes as footnotes
               (its column is narrow; footnotes show on hover); the chart's link
               should be an absolute URL (Options.image_base): a LessWrong post
               cannot read a file beside the markdown
  plain     -- CommonMark only (Substack, email, any renderer): no tables, no
               footnotes, words instead of emoji
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import Any, NamedTuple

from ..gcpause import gc_paused
from . import card as cards
from ..kinds import BINARY
from .card import DASH, PROBABILITIES, STYLES, Image, Items, Link, Mark, Note, Para, Section, Styled, Table
from .escape import all_inert, code_span, inert, relative_link, safe_url, text

FLAVORS = ("github", "lesswrong", "plain")
PARTS = ("table", "scores", "calibration", "chart", "tags", "forecasters", "claims")
MARKS = {"yes": "✅", "no": "❌", "annulled": "➖", "pending": "⏳"}
WORDS = {"yes": "happened", "no": "did not happen", "annulled": "annulled", "pending": "pending"}


@dataclass(frozen=True)
class Options:
    """How to render. chart_png/chart_svg: where the markdown links the chart
    files (relative paths beside the post, or URLs); None draws no chart."""

    title: str | None = None
    flavor: str = "github"
    parts: frozenset[str] = frozenset(PARTS)
    chart_png: str | None = None
    chart_svg: str | None = None
    date: dt.date | None = None
    command: str | None = None
    style: str = "table"  # table | acx
    probabilities: str = "percent"  # percent | as-typed
    repo_url: str | None = None  # the forge's repository page: the On record part links commits to it


class TagRow(NamedTuple):
    """One tag's figures, on the run's own forecasts of the predictions that carry it."""

    tag: str
    predictions: int
    hits: int
    n: int
    gap: Any  # scoring.GapResult
    brier: Any  # scoring.BrierResult
    levels: Any = None  # scoring.CalibrationTable: the folded calibration at the confidence levels


@dataclass(frozen=True)
class ScorecardData:
    """What a scorecard shows, as the services return it."""

    selection: Any  # services.select.Selection
    policy: str
    shown: Any  # services.published.ShownRows (or a tuple of its Shown rows), in ledger order
    sets: dict[str, str | None]  # set id -> title
    run: Any  # services.scores.ScoreRun (authors, or Selection.by's forecasts)
    levels: Any = None  # the folded calibration at the confidence levels (scoring.CalibrationTable)
    tag_rows: tuple[TagRow, ...] = ()
    board: Any = None  # a ScoreRun with a leaderboard, when several forecasters
    claims: tuple = ()  # services.claims.ClaimState linked from the selected predictions
    version: str = ""
    verification: Any = None  # services.verify.VerifyReport: the On record part, when asked for
    sources: dict[str, str] = field(default_factory=dict)  # set id -> its source (where first published)
    # set id -> (flavour, its published list's rows as markdown), rendered beside the scores (published_texts)
    table_texts: dict | None = None


# -- gathering ----------------------------------------------------------------


def collect(ledger, selection=None, policy: str = "first", *, brier_scale: str = "0-1",
            eps: float | None = None, bins=None, bootstrap="auto", seed: int = 0,
            parts=PARTS, today: dt.date | None = None, run=None, render_as: tuple[str, str] | None = None) -> ScorecardData:
    """Everything the scorecard shows for `selection` under `policy`.

    run       -- the ScoreRun of this selection and these options when the caller has it already.
    render_as -- (flavour, probabilities) of the table style the card will be rendered in: a large
                 published list's rows are then rendered in a child while this process scores.
    Raises ValueError for arguments the scoring engine refuses (as services.scores.score).
    """
    from ..services.select import Selection

    with gc_paused():  # a row per prediction, no cycles (ledger.gcpause)
        return _collect(ledger, selection or Selection(), policy, brier_scale, eps, bins, bootstrap, seed, parts,
                        today, run, render_as)


#: From this many selected predictions on, render_as renders the published list beside the scores: below
#: it the rows cost less than a child.
BESIDE_ROWS = 50_000


def _collect(ledger, selection, policy, brier_scale, eps, bins, bootstrap, seed, parts, today, run,
             render_as=None) -> ScorecardData:
    from ..services.defaults import today as default_today
    from ..services.published import set_sources, set_titles, several_forecasters, shown_predictions
    from ..services.scores import score, selected_from
    from ..version import __version__

    claims = ()
    board_options = (selection, policy, brier_scale, eps, bins, seed)
    board_asked = "forecasters" in parts and policy in ("first", "last")
    beside = texts = None
    if board_asked and ledger.reads_own_file():
        # The leaderboard, computed in a child while this process reads the table. Forked before this
        # process opens the index: SQLite's connections, and its locks, cannot cross a fork.
        from ..beside import Started

        beside = Started(_board_beside, ledger, *board_options)
    with ledger.reader() as db:
        board_wanted = board_asked and several_forecasters(db)
        try:
            shown = shown_predictions(db, selection, today or default_today())
            if (render_as is not None and "table" in parts and policy == "first" and not selection.by
                    and len(shown) >= BESIDE_ROWS):
                # The authors under `first`: the table is the published list, whatever the scores. Its rows are
                # rendered by a child, on the rows read (it touches no database), while this process scores.
                from ..beside import Started

                texts = Started(published_texts, shown, *render_as)
            # The table's query gives the scores their predictions too (a status filter reads its own).
            selected = selected_from(shown) if not selection.status else None
            if run is None:
                run = score(db, selection, policy, brier_scale=brier_scale, eps=eps, bins=bins, bootstrap=bootstrap,
                            seed=seed, selected=selected)
            set_ids = set(shown.column("set_id")) - {None, ""}
            titles = {k: v for k, v in set_titles(db).items() if k in set_ids}
            sources = {k: v for k, v in set_sources(db).items() if k in set_ids}
            # in order of first appearance: each distinct list of claims (few) looked at once
            claim_ids = tuple(dict.fromkeys(c for tests in dict.fromkeys(shown.column("tests")) for c in tests))
            if claim_ids and "claims" in parts:
                from ..services.claims import ClaimFilter, claim_states

                claims = tuple(claim_states(db, ClaimFilter(), ids=claim_ids))
            tag_rows = tag_figures(run, shown, selection, brier_scale) if "tags" in parts else ()
            board = None
            if board_wanted and run.n:
                def here():
                    return leaderboard(db, *board_options, selected)

                board = beside.result(here) if beside is not None else here()
            table_texts = texts.result(lambda: None) if texts is not None else None  # None: rendered as usual
        finally:
            for child in (beside, texts):
                if child is not None:
                    child.close()
    return ScorecardData(selection, policy, shown, titles, run, confidence_levels(run), tag_rows, board, claims,
                         __version__, sources=sources, table_texts=table_texts)


def published_texts(shown, flavor: str, probabilities: str) -> dict:
    """Per set whose table is the published list (card.PublishedRows), its rows as the markdown of
    `flavor` (Markdown.rows): what render() writes for them, made ahead (a child's work: see _collect)."""
    markdown = Markdown(flavor)
    out = {}
    for set_id, states in cards.table_groups(shown).items():
        _, _, with_evidence, with_notes = cards.evidence_and_notes(states)
        if cards.is_published_list(states, with_evidence, with_notes):
            table = cards.predictions_table(cards.PublishedRows(states, probabilities))  # its columns: no others
            out[set_id] = (flavor, markdown.rows(table))
    return out


def leaderboard(db, selection, policy: str, brier_scale: str, eps, bins, seed: int, selected=None):
    """The forecasters section's ScoreRun (its leaderboard, without its forecasts), or None when fewer than
    two forecasters have scored forecasts."""
    from ..services.scores import score

    candidate = score(db, selection, policy, by_forecaster=True, brier_scale=brier_scale, eps=eps, bins=bins,
                      bootstrap=0, seed=seed, selected=selected)
    if candidate.leaderboard is None or candidate.leaderboard.n_forecasters <= 1:
        return None
    return replace(candidate, table=None)  # the section shows the leaderboard, not its forecasts


def _board_beside(ledger, selection, policy: str, brier_scale: str, eps, bins, seed: int):
    """leaderboard() in a child process, on its own read of the index file when it is current (its files
    unchanged: the ledger the parent reads). Raises where it cannot (the index is not current: the parent
    refreshes it), and the parent then computes the leaderboard itself."""
    from ..services.published import several_forecasters
    from ..services.scores import read_selected

    with ledger.own_file_reader() as db:
        if not several_forecasters(db):
            return None
        return leaderboard(db, selection, policy, brier_scale, eps, bins, seed,
                           read_selected(db, selection) if not selection.status else None)


def confidence_levels(run):
    """The engine's folded calibration of the scored forecasts at the confidence levels (card.LEVELS)."""
    if run.report is None or run.table is None or not run.table.n:  # no yes/no forecast scored: no levels
        return None
    from ..scoring import folded_calibration

    return folded_calibration(run.table.p, run.table.outcome, bins=list(cards.LEVELS))


def tag_figures(run, shown, selection, brier_scale: str) -> tuple[TagRow, ...]:
    """Per tag that splits the selection, the gap and Brier of the run's forecasts on its predictions:
    one pass over the scored forecasts, grouped by tag (the engine scores each group). The predictions'
    tag lists are few distinct ones: each is looked at once, and a scored forecast is found by its list."""
    if not run.n or run.report is None:
        return ()
    from collections import Counter

    import numpy as np

    from ..scoring import brier, folded_calibration, gap
    from ..services.published import shown_column

    tag_lists = shown_column(shown, "tags")
    per_list = Counter(tag_lists)  # each distinct list of tags, in order of first appearance, and its rows
    counts: dict[str, int] = {}
    for tags_, k in per_list.items():
        for tag in dict.fromkeys(tags_):  # a tag written twice on a prediction is on it once
            counts[tag] = counts.get(tag, 0) + k
    # A tag worth a row splits the selection: one on every selected prediction says nothing new.
    tags = sorted(t for t, k in counts.items() if k < len(shown) and t not in selection.tags)
    if not tags:
        return ()
    numbered = {tags_: i for i, tags_ in enumerate(per_list)}
    which = _tag_list_of_forecasts(run.table, shown, [numbered[t] for t in tag_lists], by_place=not selection.status)
    p, o = run.table.p, run.table.outcome
    out = []
    for tag in tags:
        lists = [numbered[tags_] for tags_ in per_list if tag in tags_]
        idx = np.flatnonzero(np.isin(which, lists))
        out.append(TagRow(tag, counts[tag], int(o[idx].sum()), int(idx.size), gap(p[idx], o[idx]),
                          brier(p[idx], o[idx], scale=brier_scale),
                          folded_calibration(p[idx], o[idx], bins=list(cards.LEVELS)) if idx.size else None))
    return tuple(out)


def _tag_list_of_forecasts(table, shown, list_of_row: list[int], by_place: bool):
    """Per scored forecast, the number of its prediction's tag list (list_of_row: per shown row); -1 for a
    prediction not shown. by_place: a forecast's question is its prediction's place among the selection's
    yes/no predictions, which are the shown rows of that kind in the same order (no id looked up); not so
    under a status filter, which reads by the day (services.select): then by id."""
    import numpy as np

    from ..services.published import shown_column

    kinds = shown_column(shown, "kind")
    binary = [i for i, kind in enumerate(kinds) if kind == BINARY] if kinds.count(BINARY) != len(kinds) else None
    per_row = np.asarray(list_of_row, dtype=np.intp)
    if by_place and table.question is not None and table.predictions == (len(kinds) if binary is None else len(binary)):
        return per_row[table.question] if binary is None else per_row[np.asarray(binary, dtype=np.intp)][table.question]
    of_id = dict(zip(shown_column(shown, "id"), list_of_row))  # a run read with a selection of its own: by id
    return np.fromiter(map(of_id.get, table.prediction_id.tolist(), repeat(-1)), dtype=np.intp, count=table.n)


# -- rendering ----------------------------------------------------------------


def render(data: ScorecardData, options: Options = Options()) -> str:
    """The scorecard as markdown (ends with one newline)."""
    if options.flavor not in FLAVORS:
        raise ValueError(f"flavor must be one of {', '.join(FLAVORS)}, got {options.flavor!r}")
    if options.style not in STYLES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, got {options.style!r}")
    if options.probabilities not in PROBABILITIES:
        raise ValueError(f"probabilities must be one of {', '.join(PROBABILITIES)}, got {options.probabilities!r}")
    if "chart" not in options.parts:
        options = replace(options, chart_png=None, chart_svg=None)
    with gc_paused():
        return Markdown(options.flavor).card(cards.build(data, options))


class Markdown:
    """A Card as markdown in one flavour."""

    def __init__(self, flavor: str):
        self.flavor = flavor
        self.github = flavor == "github"
        self.lines: list[str] = []
        self.footnotes: list[str] = []
        self.rendered: dict = {}  # keyed table cells as rendered (columns)

    # -- inline ---------------------------------------------------------------

    def inline(self, piece) -> str:
        if type(piece) is Styled and piece.style == "num" and type(piece.text) is str:
            return piece.text  # a figure the card formatted: digits, signs, %, dashes
        if type(piece) is Mark and piece.key != "value":
            return WORDS[piece.key] if self.flavor == "plain" else MARKS[piece.key]
        if isinstance(piece, str):
            # text() trims; the spaces between the pieces of a sentence are kept.
            lead = " " if piece[:1].isspace() else ""
            tail = " " if piece[-1:].isspace() and piece.strip() else ""
            return lead + text(piece, github=self.github) + tail
        if isinstance(piece, tuple) and not isinstance(piece, (Link, Styled, Mark, Note)):
            return "".join(self.inline(p) for p in piece)
        if isinstance(piece, Link):
            target = safe_url(piece.url)
            label = text(piece.label, github=self.github)
            return f"[{label or 'link'}]({target})" if target else label
        if isinstance(piece, Mark):
            if piece.key == "value":
                return text(piece.value, github=self.github)
            return WORDS[piece.key] if self.flavor == "plain" else MARKS[piece.key]
        if isinstance(piece, Note):
            note = text(piece.text, github=self.github)
            if self.flavor != "lesswrong":
                return note
            if note not in self.footnotes:
                self.footnotes.append(note)
            return f"[^note-{self.footnotes.index(note) + 1}]"
        inner = self.inline(piece.text) if piece.style not in ("code", "emoji") else None
        if piece.style == "strong":
            return f"**{inner}**"
        if piece.style == "em":
            return f"*{inner}*"
        if piece.style == "strike":
            return f"{inner} (missed)" if self.flavor == "plain" else f"~~{inner}~~"
        if piece.style == "code":
            return code_span(piece.text)
        if piece.style == "emoji":  # a mark beside words that say the same: words only in plain
            return "" if self.flavor == "plain" else f"{piece.text} "
        return inner  # num: a figure

    def cell(self, piece) -> str:
        """inline() for a table cell, with the common cells first (a row per prediction)."""
        kind = type(piece)
        if kind is str and inert(piece):
            return piece
        if kind is Styled and piece.style == "num" and type(piece.text) is str:
            return piece.text
        if kind is Mark and piece.key != "value":
            return WORDS[piece.key] if self.flavor == "plain" else MARKS[piece.key]
        return self.inline(piece)

    # -- blocks ---------------------------------------------------------------

    def line(self, value: str) -> None:
        self.lines.append(value)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def block(self, b) -> None:
        if b == "legend":
            if self.flavor != "plain":
                self.line(" · ".join(f"{MARKS[k]} {WORDS[k]}" for k in MARKS) + ".")
                self.blank()
            return
        if isinstance(b, Section):
            self.section(b)
        elif isinstance(b, Para):
            self.line(self.inline(b.parts))
            self.blank()
        elif isinstance(b, Table):
            self.table(b)
        elif isinstance(b, Items):
            for item in b.items:
                self.line(f"- {self.inline(item)}")
            self.blank()
        elif isinstance(b, Image):
            self.line(f"![{text(b.alt)}]({_target(b.src)})")
            self.blank()
            if b.svg:
                self.line(f"The chart as [SVG]({_target(b.svg)}).")
                self.blank()

    def section(self, s: Section) -> None:
        self.line(f"{'#' * s.level} {text(s.title, github=self.github)}")
        self.blank()
        for b in s.blocks:
            self.block(b)
        self.flush_footnotes()

    def flush_footnotes(self) -> None:
        for i, note in enumerate(self.footnotes, 1):
            self.line(f"[^note-{i}]: {note}")
        if self.footnotes:
            self.blank()
        self.footnotes = []

    def table(self, t: Table) -> None:
        """A GFM pipe table; in the plain flavour a list, one item per row (CommonMark has no tables)."""
        if self.flavor != "plain":
            rule = {"l": "---", "r": "---:", "c": ":---:"}
            self.line("| " + " | ".join(t.headers) + " |")
            self.line("| " + " | ".join(rule[a] for a in t.aligns) + " |")
        if t.rows:  # the rows as one piece: a table's lines are not held one by one until the end
            text = getattr(t.rows, "text", None)  # card.PublishedRows rendered already (published_texts)
            self.lines.append(text[1] if text is not None and text[0] == self.flavor else self.rows(t))
        self.blank()

    def rows(self, t: Table) -> str:
        """A table's rows as markdown lines, joined: pipe-table rows, or in the plain flavour list items."""
        if self.flavor == "plain":
            lines = []
            for row in zip(*self.columns(t.rows)):
                # Cells that do not apply ("—") are left out, but an undefined
                # figure (a column in `always`) shows as "—", as in the other flavours.
                rest = "; ".join(f"{h}: {v}" for h, v in zip(t.headers[1:], row[1:]) if v and (v != DASH or h in t.always))
                first = f"#{row[0]}" if t.numbered else (f"{t.headers[0]} {row[0]}" if t.lead else row[0])
                lines.append(f"- **{first}**: {rest}")
            return "\n".join(lines)
        # Every cell is text: the rows joined with the pipes between them, a row's cells by one join each.
        return "| " + " |\n| ".join(map(" | ".join, zip(*self.columns(t.rows, empty=" ")))) + " |"

    def distinct(self, pieces: list, empty: str) -> list[str]:
        """A column of pieces nearly all distinct (the claims) as markdown: inert text as it is, tested a
        thousand at a time (escape.all_inert), the rest rendered each."""
        cell = self.cell
        out: list[str] = []
        for start in range(0, len(pieces), 1000):
            chunk = pieces[start:start + 1000]
            out.extend(chunk if all_inert(chunk) else
                       [key if type(key) is str and inert(key) else (cell(key) or empty) for key in chunk])
        return out

    def columns(self, rows, empty: str = "") -> list[list[str]]:
        """The table's cells as markdown, a column at a time. A column repeats a few values (marks,
        figures, names): each distinct piece is rendered once, in order of first appearance (the
        lesswrong notes are numbered so); an empty cell is `empty`."""
        keyed = getattr(rows, "keyed_columns", None)
        if keyed is not None:  # cells given as keys (card.PublishedRows): each distinct key rendered once
            out = []
            cell = self.cell
            for keys, piece in keyed():
                if piece is None:  # distinct pieces (the claims): most are inert text, given back as they are
                    out.append(self.distinct(keys, empty))
                else:  # each distinct key rendered once for the whole card (a ledger's sets share positions)
                    shown = self.rendered.setdefault((piece, empty), {})
                    for key in dict.fromkeys(keys).keys() - shown.keys():
                        shown[key] = cell(piece(key)) or empty
                    out.append(list(map(shown.__getitem__, keys)))
            return out
        out = []
        for column in zip(*rows):
            # Pieces are NamedTuples, which equal plain tuples of the same values: with more than one
            # type in a column, a piece is known by its type too.
            if len(set(map(type, column))) > 1:
                column = [(type(piece), piece) for piece in column]
                cell = lambda key: self.cell(key[1])  # noqa: E731
            else:
                cell = self.cell
            try:
                shown = {piece: cell(piece) or empty for piece in dict.fromkeys(column)}
            except TypeError:  # a piece that cannot be a key: each rendered where it is
                out.append([cell(piece) or empty for piece in column])
                continue
            out.append(list(map(shown.__getitem__, column)))
        return out

    def card(self, c) -> str:
        self.line(f"# {text(c.title, github=self.github)}")
        self.blank()
        for p in c.lede:
            self.block(p)
        for s in c.sections:
            self.section(s)
        if self.github:
            # GitHub folds the appendix away; the blank lines let markdown render inside <details>.
            self.line(f"<details><summary>{c.appendix_title}</summary>")
            self.blank()
            for s in c.appendix:
                self.section(s)
            self.line("</details>")
            self.blank()
        else:
            self.line(f"## {c.appendix_title}")
            self.blank()
            for s in c.appendix:
                self.section(s)
        if c.footer is not None:
            self.block(c.footer)
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        self.lines.append("")  # the final newline, without copying the whole text once more
        return "\n".join(self.lines)


def _target(path: str) -> str:
    """A chart's link: an http(s) URL as it is, or a relative path, percent-encoded."""
    return safe_url(path) or relative_link(path)

"""The scorecard's "On record" part: each set's verify verdict and the evidence it rests on.

It renders a services.verify.VerifyReport (the same one `pledger verify` prints),
so a post and the terminal never disagree, as a section of the scorecard's card
(report.card), which the markdown and the site render. Nothing here reads git. A
prediction added or edited late gets a mark in the prediction table
(`late_mark`), explained here. Commits link to the forge with `repo_url`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..services.verify_report import LATE_CODES
from .escape import safe_url

MARK = "†"
LABELS = {"ok": "On record", "info": "On record", "warn": "On record, with notes", "unknown": "Cannot tell",
          "fail": "Not on record in time"}
EMOJI = {"ok": "✅", "info": "✅", "warn": "⚠️", "unknown": "❔", "fail": "❌"}


def commit_url(repo_url: str, sha: str) -> str | None:
    """The forge's page of a commit: `{commit}` in repo_url is replaced; else GitLab's pattern
    (`/-/commit/SHA`, config/routes/project.rb's `scope '-'` around the repository routes) on
    gitlab.com and hosts named gitlab.*, and `/commit/SHA` elsewhere (GitHub; Gitea, Forgejo and
    Codeberg: routers/web/web.go's `/{username}/{reponame}` group)."""
    if "{commit}" in repo_url:
        return safe_url(repo_url.replace("{commit}", sha))
    base = repo_url.strip().rstrip("/").removesuffix(".git")
    host = (urlsplit(base).hostname or "").lower()
    path = "/-/commit/" if host == "gitlab.com" or host.startswith("gitlab.") else "/commit/"
    return safe_url(base + path + sha)


def late_mark(verification, prediction_id: str) -> str:
    """" †" after a prediction the report finds added or edited late; "" otherwise (and without a report)."""
    if verification is None or not getattr(verification, "available", False):
        return ""
    check = verification.prediction(prediction_id)
    return f" {MARK}" if check is not None and check.late else ""


def card_section(data, repo_url: str | None = None):
    """The part itself, as a section of the scorecard's card (report.card): the markdown and the
    site render it."""
    from .card import Link, Para, Section, Styled

    report = data.verification
    section = Section("on-record", "On record")
    if not report.available:
        section.blocks.append(Para((f"Not checked: {report.reason}.",)))
        return section

    def commit(ref) -> tuple:
        url = commit_url(repo_url, ref.sha) if repo_url else None
        return (Link(ref.short, url) if url else Styled(ref.short, "code"), f", {ref.committed_on.isoformat()}")

    several = len(report.sets) > 1
    late: dict = {}
    for c in report.predictions:
        if c.late:
            late.setdefault(c.set_id, []).append(c)
    from ..services.published import shown_column

    numbers = dict(zip(shown_column(data.shown, "id"), (p + 1 for p in shown_column(data.shown, "position"))))
    for s in report.sets:
        name = data.sets.get(s.set_id) or s.set_id if s.set_id else "Predictions without a set"
        line: list = [Styled(EMOJI[s.verdict], "emoji"), Styled(LABELS[s.verdict], "strong")]
        if several or s.set_id:
            line.append(f" ({name})")
        line += [": ", s.headline]
        if s.since:
            first, last = s.since[0], s.since[-1]
            if first.sha == last.sha:
                line += [": commit ", *commit(first)]
            else:
                line += [": commits ", *commit(first), " to ", *commit(last)]
        section.blocks.append(Para((*line, ".")))
        evidence: list = []
        for e in s.evidence:  # a seal's or a signed commit's commit is linked, as the verdict's are
            text = _with_commit_link(e.text, e.commit, repo_url)
            evidence.append((*text, ", ", Link("published", e.url)) if e.url else text)
        evidence += [_with_commit_link(f.message, f.commit, repo_url, f.also) for f in s.findings]
        if evidence:
            joined: list = ["Evidence: "]
            for i, piece in enumerate(evidence):
                joined += (["; "] if i else []) + [piece]
            section.blocks.append(Para((*joined, ".")))
        # One line per reason: ten predictions committed after the event in one commit share it.
        reasons: dict[tuple, list[str]] = {}
        for c in late.get(s.set_id, ()):
            why = next(f for f in c.findings if f.code in LATE_CODES)
            reasons.setdefault((why.message, why.commit, why.also), []).append(f"#{numbers[c.id]}" if c.id in numbers
                                                                               else c.id)
        for (message, ref, also), where in reasons.items():
            section.blocks.append(Para((Styled(f"{MARK} {', '.join(where)}", "num"), ": ",
                                        *_with_commit_link(message, ref, repo_url, also), ".")))
    section.blocks.append(Para((Styled(("Checked with ", Styled("pledger verify", "code"),
                                        " against the ledger's git history: commit dates are claims whoever "
                                        "commits makes; signatures and a seal published elsewhere are stronger "
                                        "evidence."), "em"),)))
    return section


def _with_commit_link(message: str, ref, repo_url: str | None, also: tuple = ()) -> tuple:
    """A finding's message with its commits' short hashes linked to the forge (`ref`'s at the last place it is
    named, and each of `also`, the other commits it names), as the verdict line links its commits; the message
    as it is without a repo_url or a commit."""
    from .card import Link

    pieces: tuple = (message,)
    for commit in (ref, *also):
        url = commit_url(repo_url, commit.sha) if repo_url and commit is not None else None
        if url is None:
            continue
        for i in range(len(pieces) - 1, -1, -1):  # the last mention, in the text not linked yet
            piece = pieces[i]
            if type(piece) is str and commit.short in piece:
                before, short, after = piece.rpartition(commit.short)
                pieces = pieces[:i] + tuple(p for p in (before, Link(short, url), after) if p) + pieces[i + 1:]
                break
    return pieces

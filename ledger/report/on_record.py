"""The scorecard's "On record" part: each set's verify verdict and the evidence it rests on.

It renders a services.verify.VerifyReport (the same one `pledger verify` prints),
so a post and the terminal never disagree. Nothing here reads git. A
prediction added or edited late gets a mark in the prediction table
(`late_mark`), explained here. Commits link to the forge with `repo_url`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ..services.verify_report import LATE_CODES
from .escape import code_span, link, safe_url, text

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


def section(md, data, repo_url: str | None = None) -> None:
    """The part itself (md: the scorecard's writer)."""
    report = data.verification
    md.line("## On record")
    md.blank()
    if not report.available:
        md.line(f"Not checked: {text(report.reason)}.")
        md.blank()
        return

    def commit(ref) -> str:
        url = commit_url(repo_url, ref.sha) if repo_url else None
        shown = link(ref.short, url) if url else code_span(ref.short)
        return f"{shown}, {ref.committed_on.isoformat()}"

    several = len(report.sets) > 1
    late: dict = {}
    for c in report.predictions:
        if c.late:
            late.setdefault(c.set_id, []).append(c)
    numbers = {s.prediction.id: s.prediction.position + 1 for s in data.states}
    for s in report.sets:
        name = data.sets.get(s.set_id) or s.set_id if s.set_id else "Predictions without a set"
        label = LABELS[s.verdict]
        mark = "" if md.flavor == "plain" else f"{EMOJI[s.verdict]} "
        sentence = text(s.headline)
        if s.since:
            first, last = s.since[0], s.since[-1]
            sentence += (f": commit {commit(first)}" if first.sha == last.sha
                         else f": commits {commit(first)} to {commit(last)}")
        md.line(f"{mark}**{label}**" + (f" ({text(name)})" if several or s.set_id else "") + f": {sentence}.")
        md.blank()
        evidence = [_evidence(e) for e in s.evidence]
        for f in s.findings:
            evidence.append(text(f.message))
        if evidence:
            md.line("Evidence: " + "; ".join(evidence) + ".")
            md.blank()
        # One line per reason: ten predictions committed after the event in one commit share it.
        reasons: dict[str, list[str]] = {}
        for c in late.get(s.set_id, ()):
            why = next(f for f in c.findings if f.code in LATE_CODES)
            reasons.setdefault(why.message, []).append(f"#{numbers[c.id]}" if c.id in numbers else text(c.id))
        for message, where in reasons.items():
            md.line(f"{MARK} {', '.join(where)}: {text(message)}.")
            md.blank()
    md.line("*Checked with `pledger verify` against the ledger's git history: commit dates are claims "
            "whoever commits makes; signatures and a seal published elsewhere are stronger evidence.*")
    md.blank()


def _evidence(e) -> str:
    if e.url:
        return text(e.text) + f", {link('published', e.url)}"
    return text(e.text)

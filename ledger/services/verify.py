"""Proof on record: since when each prediction is in the ledger's git history, and whether it changed.

`verify(ledger, selection)` reads the history once (services.record_history:
for each record version, the first commit holding it; records are known by their
canonical form, so moving or reformatting one is no change, editing what it says
is) and judges each selected prediction (the report's types:
services.verify_report). For each it finds

* the first commit that holds it at all, and the first that holds what it
  claims now (claim, criteria, p, dates, author; annotations such as tags and
  notes aside): the verdict's date, "on record since";
* whether that is before its resolution (the earliest `on` of its outcome
  entries) and its due date, by the commit's dates in the committer's own time
  zone; a commit dated on the resolution day cannot show which came first;
* edits since the first commit, forecasts and outcome entries rewritten rather
  than appended, predictions committed after (or with) their outcome, records
  not committed yet, predictions removed from the ledger;
* the evidence the verdict rests on: committer dates (claims whoever commits
  makes: GIT_COMMITTER_DATE sets any date, a rebase sets new ones), signatures
  on those commits and on tags that contain them, and seals kept in the ledger.

Committer dates are taken at their latest: a commit cannot be made before its
parent, so one dated earlier than a parent counts from its parent's date. When
the author and committer dates put a commit on different sides of the
resolution (a rewritten commit), the verdict is "cannot tell", not a guess.

docs/verify.md says what each verdict rests on and which findings fail.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ..gcpause import gc_paused
from ..seal import parse_digest
from .record_history import History, Now, ledger_file_bytes, read_history, read_now
from .sealing import changed_fields, check_seal, load_seal_file
from .select import Selection
from .verify_report import (
    REWRITE_SLACK,
    SEVERITY,
    CommitRef,
    Edit,
    Evidence,
    Finding,
    PredictionCheck,
    RecordCheck,
    SealCheck,
    SetVerdict,
    VerifyReport,
    side_of,
)

MAX_TAGS = 20  # signed tags checked (the newest); each is one `git verify-tag`


# -- the verdicts -------------------------------------------------------------------------------------


class _Refs:
    """CommitRefs for commit indexes, with their signatures once known."""

    def __init__(self, repo, h: History):
        self.repo, self.h = repo, h
        self.signatures: dict[str, tuple[str, str, str]] = {}
        self._cache: dict[int, CommitRef] = {}

    def __call__(self, i: int | None) -> CommitRef | None:
        if i is None:
            return None
        ref = self._cache.get(i)
        if ref is None:
            c = self.h.commits[i]
            status, signer, key = self.signatures.get(c.sha, ("none", "", ""))
            shallow = bool(self.repo.shallow) and (c.sha in self.repo.shallow or "?" in self.repo.shallow and not c.parents)
            ref = CommitRef(c.sha, c.author_time, c.author_tz, c.committer_time, c.committer_tz,
                            self.h.effective[i], status, signer, key, shallow)
            self._cache[i] = ref
        return ref

    def load_signatures(self, indexes) -> None:
        from ..store.history import commit_signatures, signed_objects

        shas = sorted({self.h.commits[i].sha for i in indexes if i is not None})
        if not shas:
            return
        signed = signed_objects(self.repo, shas)
        checked = commit_signatures(self.repo, sorted(signed))
        for sha in signed:
            sig = checked.get(sha)
            self.signatures[sha] = (_signature_word(sig.status if sig else "E"), sig.signer if sig else "",
                                    sig.key if sig else "")
        self._cache.clear()


def _signature_word(letter: str) -> str:
    # git's %G?: G good, U valid but by a key not trusted here (for SSH: not in the allowed signers),
    # X good but expired, Y good by an expired key, R good by a revoked key, B bad, E cannot be
    # checked, N none (or none git could check: a signature is present, the signed_objects scan says).
    return {"G": "good", "U": "unknown-key", "X": "expired", "Y": "expired", "R": "revoked",
            "B": "bad"}.get(letter, "unchecked")


def _is_ancestor(h: History, older: int, newer: int) -> bool:
    """Commit `older` is `newer` or one of its ancestors."""
    if older == newer:
        return True
    if older > newer:
        return False
    stack, seen = [newer], {newer}
    while stack:
        i = stack.pop()
        for p in h.commits[i].parents:
            j = h.index.get(p)
            if j is None or j in seen or j < older:
                continue
            if j == older:
                return True
            seen.add(j)
            stack.append(j)
    return False


def _judge(pid: str, state, now: Now, h: History, ref: _Refs) -> PredictionCheck:
    cur = now.predictions[pid]
    record = now.records[pid]  # set, due, made
    days = now.outcome_days.get(pid, [])
    resolved = min(days) if days else None
    findings: list[Finding] = []

    versions = h.versions.get(pid, [])
    first = ref(h.first_seen[versions[0]]) if versions else None
    exact_i = h.present_since.get(cur.hash) if cur.hash in h.head else None
    since_i = h.substance.get(cur.substance) if cur.substance in h.head_substance else None
    exact, since = ref(exact_i), ref(since_i)

    # Its versions, oldest first (the current one last, if it is not committed).
    # Each version dated by the commit it first appeared in; the current one by when it (last)
    # came to stand, so an edit that was undone shows as two edits.
    chain = [(h.leaf[v], h.first_seen[v]) for v in versions]
    if cur.hash not in h.first_seen or exact_i is None:
        chain.append((cur, None))  # as it is now, not committed
    elif exact_i != h.first_seen[cur.hash]:
        chain.append((cur, exact_i))  # back to an earlier text: the change back is an edit too
    chain.sort(key=lambda item: (item[1] is None, item[1] if item[1] is not None else 0))
    edits = []
    for (a, _), (b, at_i) in zip(chain, chain[1:]):
        before, after = a.fields(), b.fields()
        edits.append(Edit(ref(at_i), changed_fields(before, after), before, after, a.substance != b.substance))

    if since is None:
        earlier = [e for e in edits if e.substantive and e.commit is None]
        if resolved is not None:
            what = (f"its {_fields_text(earlier[-1].fields)} changed since its last commit and the change is not committed"
                    if earlier and first else "no commit holds it")
            findings.append(Finding("not-on-record", "fail",
                                    f"resolved on {resolved}, but {what}: nothing shows it was written before its resolution"))
        else:
            what = "its latest edit is" if first else "it is"
            findings.append(Finding("uncommitted", "warn", f"not on record yet: {what} not committed"))
    else:
        if exact is None:
            findings.append(Finding("uncommitted", "warn", "an edit of its notes or tags is not committed yet"))
        if resolved is not None:
            side = side_of(since, resolved)
            if since.shallow and side != "before":
                findings.append(Finding("shallow", "unknown",
                                        f"the clone's history starts at {since.short} ({since.committed_on}), after its "
                                        f"resolution ({resolved}): the commit that first held it is not in this clone", since))
            elif side == "after":
                late_edits = [e for e in edits if e.substantive and e.commit is not None
                              and e.commit.sha == since.sha]
                if first is not None and first.sha != since.sha and late_edits:
                    findings.append(Finding("edited-late", "fail",
                                            f"its {_fields_text(late_edits[-1].fields)} changed on {since.committed_on} "
                                            f"({since.short}), after its resolution ({resolved})", since))
                else:
                    findings.append(Finding("added-late", "fail",
                                            f"first committed on {since.committed_on} ({since.short}), after its "
                                            f"resolution ({resolved})", since))
            elif side == "disagree":
                findings.append(Finding("dates-disagree", "unknown",
                                        f"commit {since.short} was authored on {since.authored_on}, before its resolution "
                                        f"({resolved}), but committed on {since.committed_on}, after it (a rebase, amend or "
                                        "cherry-pick rewrites a commit's date; so can anyone): this history cannot show "
                                        "which is true", since))
            elif side == "same-day":
                findings.append(Finding("same-day", "warn",
                                        f"first committed on its resolution day ({resolved}, {since.short}): a date "
                                        "cannot show which came first", since))
            elif not since.shallow:  # at a shallow clone's edge everything is "added" at once
                first_outcome = min((h.first_seen[x] for x in h.by_pid.get(("outcome", pid), ())), default=None)
                if first_outcome is not None and since_i is not None and _is_ancestor(h, first_outcome, since_i):
                    same = first_outcome == since_i
                    findings.append(Finding("added-with-outcome", "fail",
                                            ("committed in the same commit as its outcome entry" if same else
                                             f"committed after the commit that recorded its outcome "
                                             f"({ref(first_outcome).short})") + f" ({since.short})", since,
                                            () if same else (ref(first_outcome),)))
        if (record.due is not None and since.committed_on > record.due and not since.shallow
                and not any(f.severity == "fail" for f in findings)):
            findings.append(Finding("after-due", "warn",
                                    f"first committed on {since.committed_on}, after it was due ({record.due})", since))
        if since.shallow and not any(f.code == "shallow" for f in findings):
            findings.append(Finding("shallow-edge", "info",
                                    f"on record since at least {since.committed_on} ({since.short}): the clone's "
                                    "history starts there, so earlier versions cannot be seen", since))
        if since.rewritten and not any(f.code == "dates-disagree" for f in findings):
            findings.append(Finding("rewritten-commit", "info",
                                    f"commit {since.short} was committed on {since.committed_on}, more than a day after "
                                    f"it was authored ({since.authored_on}): it was rebased, amended or cherry-picked",
                                    since))
        if since.effective_time - since.committer_time > REWRITE_SLACK:
            findings.append(Finding("dated-before-parent", "info",
                                    f"commit {since.short} is dated before its parent; the parent's later date is used",
                                    since))
        if since.signature == "bad":
            findings.append(Finding("bad-signature", "fail",
                                    f"commit {since.short} carries a signature that does not verify", since))

    substantive = [e for e in edits if e.substantive]
    if substantive and not any(f.code in ("edited-late", "not-on-record") for f in findings):
        last = substantive[-1]
        when = f"on {last.commit.committed_on} ({last.commit.short})" if last.commit else "in the working tree"
        findings.append(Finding("edited", "warn",
                                f"its {_fields_text(_all_fields(substantive))} changed since its first commit "
                                f"({len(substantive)} edit{'s' if len(substantive) > 1 else ''}, the last {when})",
                                last.commit))
    annotations = [e for e in edits if not e.substantive]
    if annotations:
        findings.append(Finding("annotated", "info",
                                f"its {_fields_text(_all_fields(annotations))} changed since its first commit "
                                "(what it claims did not)", annotations[-1].commit))
    forecasts = tuple(_record_checks("forecast", pid, now, h, ref, resolved))
    outcomes = tuple(_record_checks("outcome", pid, now, h, ref, resolved))
    rewritten = _rewritten(pid, now, h, ref, resolved)
    findings += rewritten
    worst = [f.severity for f in findings] + [f.severity for r in forecasts + outcomes for f in r.findings]
    verdict = max(worst, key=SEVERITY.__getitem__, default="ok")
    return PredictionCheck(pid, record.set_id, state.status if state is not None else "open", resolved, record.due,
                           record.made, verdict, first, since, exact, tuple(findings), tuple(edits), forecasts, outcomes)


def _all_fields(edits) -> tuple[str, ...]:
    return tuple(sorted({f for e in edits for f in e.fields}))


def _fields_text(fields) -> str:
    fields = list(fields)
    if len(fields) == 1:
        return fields[0]
    return ", ".join(fields[:-1]) + " and " + fields[-1]


def _record_checks(kind: str, pid: str, now: Now, h: History, ref: _Refs, resolved):
    for leaf in now.leaves.get(pid, {}).get(kind, []):
        fields = leaf.fields()
        since = ref(h.first_seen.get(leaf.hash)) if leaf.hash in h.head else None
        found = []
        what = f"{kind} by {fields.get('by')} dated {fields.get('at') or fields.get('on')}"
        if since is None:
            found.append(Finding("uncommitted", "warn", f"the {what} is not committed yet"))
        elif kind == "forecast" and resolved is not None:
            at = dt.date.fromisoformat(fields["at"])
            if at <= resolved and side_of(since, resolved) in ("after", "disagree"):
                found.append(Finding("forecast-late", "warn",
                                     f"the {what} was first committed on {since.committed_on}, after the resolution "
                                     f"({resolved}): policies last and all score it as made before", since))
        yield RecordCheck(kind, fields, since, tuple(found))


def _rewritten(pid: str, now: Now, h: History, ref: _Refs, resolved) -> list[Finding]:
    """Forecasts and outcome entries that were on record and are no longer: rewritten, not appended."""
    out = []
    for kind in ("forecast", "outcome"):
        current = now.leaves.get(pid, {}).get(kind, [])
        present = {leaf.hash for leaf in current}
        for old_hash in h.by_pid.get((kind, pid), ()):
            if old_hash in present:
                continue
            old = h.leaf[old_hash].fields()
            when = h.removed_at.get(old_hash)
            at = ref(when)
            where = f" in {at.short} ({at.committed_on})" if at else ""
            if kind == "forecast":
                pair = next((c.fields() for c in current if c.fields().get("by") == old.get("by")
                             and c.fields().get("at") == old.get("at")), None)
                what = f"forecast by {old.get('by')} dated {old.get('at')}"
                change = (f"rewritten{where}: {_fields_text(changed_fields(old, pair))} changed"
                          + (f" (p {old.get('p')} → {pair.get('p')})" if old.get("p") != pair.get("p") else "")
                          if pair else f"removed{where}")
                out.append(Finding("forecast-rewritten", "warn", f"its {what} was {change}; updates are appended "
                                                                   "as new forecasts", at))
            else:
                pair = next((c.fields() for c in current if c.fields().get("on") == old.get("on")
                             and c.fields().get("by") == old.get("by")
                             and c.fields().get("correction") == old.get("correction")), None)
                what = f"outcome entry of {old.get('on')} ({old.get('result')})"
                if pair is not None and pair.get("result") == old.get("result"):
                    out.append(Finding("outcome-edited", "warn",
                                       f"its {what} was edited{where}: {_fields_text(changed_fields(old, pair))} "
                                       "changed; corrections are appended as new entries", at))
                elif pair is not None:
                    out.append(Finding("outcome-rewritten", "fail",
                                       f"its {what} was rewritten{where} to {pair.get('result')} instead of being "
                                       "corrected by a new entry", at))
                else:
                    out.append(Finding("outcome-rewritten", "fail", f"its {what} was removed{where}", at))
    return out


# -- per set ----------------------------------------------------------------------------------------


# Warnings a set's headline names (others, such as an edit before the resolution, leave it whole).
_NAMED_WARNINGS = frozenset({"same-day", "uncommitted", "after-due"})


def _set_verdict(set_id, title, checks: list[PredictionCheck], ref: _Refs, tag_evidence, seals) -> SetVerdict:
    n = len(checks)
    by = {k: [c for c in checks if c.verdict == k] for k in SEVERITY}
    resolved = [c for c in checks if c.resolved_on is not None]
    committed = [c for c in checks if c.since is not None]
    troubled = [c for c in checks if any(f.severity in ("fail", "unknown") or f.code in _NAMED_WARNINGS
                                         for f in c.findings)]
    edited = [c for c in checks if any(f.code in ("edited", "annotated", "edited-late") for f in c.findings)]
    many = "" if n == 1 else "s"
    if not troubled:
        if n == 1:
            base = ("the prediction is on record before its resolution" if resolved
                    else "the prediction is on record (not resolved yet)")
        elif len(resolved) == n:
            base = f"all {n} predictions on record before their resolution"
        elif not resolved:
            base = f"all {n} predictions on record (none resolved yet)"
        else:
            base = (f"all {n} predictions on record ({len(resolved)} resolved, each before its resolution; "
                    f"{n - len(resolved)} pending)")
        if edited:
            base += f"; {len(edited)} edited since {'its' if len(edited) == 1 else 'their'} first commit, unchanged since"
        else:
            base += ", unchanged since"
        since = sorted({c.unchanged_since for c in checks if c.unchanged_since},
                       key=lambda r: (r.effective_time, r.sha))
        since_refs = (since[0], since[-1]) if len(since) > 1 else tuple(since)
    else:
        fine = [c for c in checks if c not in troubled]
        parts = []
        done = sum(1 for c in fine if c.resolved_on is not None)
        if done:
            parts.append(f"{done} of {n} on record before {'its' if done == 1 else 'their'} resolution")
        if len(fine) - done:
            parts.append(f"{len(fine) - done} of {n} on record, not resolved yet")
        for code, words in (("added-late", "added after {its} resolution"),
                            ("edited-late", "edited after {its} resolution"),
                            ("added-with-outcome", "committed with or after {its} outcome"),
                            ("not-on-record", "resolved but never committed"),
                            ("outcome-rewritten", "with an outcome entry rewritten"),
                            ("same-day", "first committed on {its} resolution day"),
                            ("dates-disagree", "with dates that disagree (a rewritten commit)"),
                            ("shallow", "not checkable in this shallow clone"),
                            ("uncommitted", "not committed yet"),
                            ("after-due", "first committed after {its} due date"),
                            ("bad-signature", "with a bad signature")):
            k = len({c.id for c in troubled for f in c.findings if f.code == code})
            if k:
                parts.append(f"{k} {words.format(its='its' if k == 1 else 'their')}")
        base = f"{n} prediction{many}: " + "; ".join(parts)
        since_refs = ()
    findings = []
    for s in seals:
        if not s.holds:
            findings.append(Finding("seal-broken", "warn",
                                    f"seal {s.digest[:12]}… ({s.path or s.found}) no longer holds: "
                                    f"{len(s.changed)} of its {s.sealed} records changed or are gone", s.committed))
    verdict = max([c.verdict for c in checks] + [f.severity for f in findings], key=SEVERITY.__getitem__, default="ok")
    evidence, rests_on = _evidence(checks, ref, tag_evidence, seals)
    counts = {k: len(v) for k, v in by.items()} | {"predictions": n, "resolved": len(resolved),
                                                     "committed": len(committed)}
    return SetVerdict(set_id, title, verdict, base, n, since_refs, tuple(evidence), rests_on, counts,
                      tuple(findings), tuple(seals))


def _evidence(checks, ref: _Refs, tag_evidence, seals) -> tuple[list[Evidence], tuple[str, ...]]:
    firsts = {c.since.sha: c.since for c in checks if c.since is not None}
    out, rests = [], []
    if firsts:
        rests.append("committer-dates")
        out.append(Evidence("dates", "claim",
                            "git commit dates: claims whoever commits makes (any date can be set, and a rebase or "
                            "amend sets new ones)"))
        good = [r for r in firsts.values() if r.signature == "good"]
        other = [r for r in firsts.values() if r.signature not in ("none", "good")]
        signers = sorted({r.signer for r in good if r.signer})
        who = f" by {', '.join(signers)}" if signers else ""
        if good and len(good) == len(firsts):
            rests.append("signatures")
            text = (f"the commit is signed: good signature{who}" if len(firsts) == 1 else
                    f"all {len(firsts)} first commits are signed: good signatures{who}")
            out.append(Evidence("signature", "signature", text, good[0] if len(good) == 1 else None))
        elif good:
            out.append(Evidence("signature", "signature",
                                f"{len(good)} of {len(firsts)} first commits have good signatures{who}"))
        for r in other:
            out.append(Evidence("signature", "signature", f"commit {r.short} is signed, but " + _SIGNATURE_WORDS.get(
                r.signature, f"the signature is {r.signature}"), r))
        for name, sig, contains in tag_evidence:
            if all(contains(sha) for sha in firsts):
                who = f" by {sig.signer}" if sig.signer else ""
                word = _signature_word(sig.status)
                out.append(Evidence("tag", "signature", f"signed tag {name} contains every first commit ({word} "
                                                        f"signature{who})"))
                if word == "good" and "signatures" not in rests:
                    rests.append("signed-tag")
                break
    for s in seals:
        where = s.path or s.found
        when = f", committed {s.committed.committed_on} ({s.committed.short})" if s.committed else ""
        day, made = _seal_day(s)
        made = "" if s.made is None else f", made {s.made}" if made is not None else f", made {s.made!r} (not a date)"
        state = "holds" if s.holds else f"broken: {len(s.changed)} records changed"
        late, covered = _resolved_by_seal(day, s, checks)
        # It shows they have not changed since, not that they were written before their events.
        if late and day is None:
            state += (f"; it gives no day (no `made` date, not committed), so for the {late} resolved of the "
                      f"{covered} predictions it covers here it shows only that they have not changed since")
        elif late:
            dated = "first committed" if s.committed is not None else "made"  # the day _seal_day goes by
            state += (f"; {dated} on or after the resolution of {late} of the {covered} predictions it covers here: "
                      "for those it shows only that they have not changed since")
        out.append(Evidence("seal", "seal", f"seal {s.digest} ({where}, {s.sealed} records{made}{when}): {state}",
                            s.committed, s.published[0] if s.published else None))
        if s.holds and not late and "seal" not in rests:
            rests.append("seal")
    return out, tuple(rests)


def _seal_day(s) -> tuple[dt.date | None, dt.date | None]:
    """The seal's day, or None when it gives none; and its `made` as a date (None when it has none, or one
    that is no date). The day is its first commit's when the seal file is committed: `made` is not in the
    digest, so a later edit of it would move a late seal before the resolutions; else its `made`."""
    try:
        made = dt.date.fromisoformat(s.made[:10]) if s.made else None
    except ValueError:
        made = None  # a made date that is no date
    return (s.committed.committed_on if s.committed is not None else made), made


def _resolved_by_seal(day: dt.date | None, s, checks) -> tuple[int, int]:
    """How many of the set's predictions the seal covers were resolved on or before its day (all those
    resolved, when it gives no day: nothing says it came first), and how many it covers."""
    sealed = set(s.predictions)
    covered = [c for c in checks if c.id in sealed]
    resolved = [c for c in covered if c.resolved_on is not None]
    return sum(1 for c in resolved if day is None or c.resolved_on <= day), len(covered)


_SIGNATURE_WORDS = {
    "unchecked": "git cannot check the signature here (no public key, or no gpg.ssh.allowedSignersFile)",
    "unknown-key": "by a key this machine does not vouch for (compare it with the forecaster's published key)",
    "bad": "the signature does not verify: the commit was changed after it was signed",
}



# -- the whole ----------------------------------------------------------------------------------------


def verify(ledger, selection: Selection = Selection(), *, seal: str | None = None,
           today: dt.date | None = None) -> VerifyReport:
    """Check the selected predictions against the git history of the repository holding the ledger.

    `seal`: a seal digest (hex) or the path of a seal file to check the ledger against.
    Never raises because the ledger is not in git: the report says so (available=False).
    Raises LedgerError when git is missing or cannot read the repository.
    """
    from ..store.history import find_repository
    from .defaults import today as default_today
    from .select import problem_count, select_predictions

    with ledger.reader() as db:
        states = select_predictions(db, selection, today or default_today())
        problems = problem_count(db)
        titles = {}
        for sid, title in db.rows("SELECT s.id, s.title FROM sets s ORDER BY s.file, s.line"):
            titles.setdefault(sid, title)
    if ledger.root is None:  # a shared index read by name (--ledger): its history is in the indexer's checkout
        return VerifyReport(False, "no checkout of the ledger's files here, so no git history to read: run verify "
                                   "in a clone of the ledger's repository", selection=selection.describe(),
                            problems=problems)
    repo = find_repository(ledger.root)
    if repo is None:
        return VerifyReport(False, "the ledger is not in a git repository, so nothing shows when its records were "
                                   "written: commit it to a git repository (`git init`, `git add`, `git commit`)",
                            selection=selection.describe(), problems=problems)
    root = Path(ledger.root)
    with gc_paused():
        return _verify(ledger, selection, seal, repo, root, states, problems, titles)


def committed_to_git(ledger) -> bool:
    """Whether HEAD of the repository around the ledger holds any of its files: two small git
    queries, for callers that show a verdict only then (the scorecard). Raises GitError as verify does."""
    from ..store.history import find_repository, tree_blobs
    from .record_history import is_ledger_path

    if ledger.root is None:
        return False
    repo = find_repository(ledger.root)
    if repo is None or repo.head is None:
        return False
    return any(is_ledger_path(path[len(repo.prefix):]) for path in tree_blobs(repo, repo.prefix))


def _verify(ledger, selection, seal, repo, root: Path, states, problems, titles) -> VerifyReport:
    files = ledger_file_bytes(root, repo.object_format)
    h = read_history(repo, files)
    now = read_now(root, repo.object_format, files, h.known)
    ref = _Refs(repo, h)
    ids = [s.prediction.id for s in states if s.prediction.id in now.predictions]
    state_of = {s.prediction.id: s for s in states}

    # Signatures of the commits verdicts rest on (a second, small git process; none when unsigned).
    firsts = set()
    for pid in ids:
        leaf = now.predictions[pid]
        if leaf.substance in h.head_substance:
            firsts.add(h.substance.get(leaf.substance))
    ref.load_signatures(firsts)
    checks = [_judge(pid, state_of.get(pid), now, h, ref) for pid in ids]
    tag_evidence = _tag_evidence(repo, h)

    seal_checks = _ledger_seals(now, h, ref)
    sets = []
    groups: dict[str | None, list[PredictionCheck]] = {}
    for c in checks:
        groups.setdefault(c.set_id, []).append(c)
    for set_id, members in groups.items():
        member_ids = {c.id for c in members}
        covering = [s for s in seal_checks if member_ids & set(s.predictions)]
        sets.append(_set_verdict(set_id, titles.get(set_id), members, ref, tag_evidence, covering))

    explicit = _explicit_seal(seal, now, h, ref, ids) if seal is not None else None
    removed = _removed(selection, now, h, ref)
    for r in removed:  # said where the set's verdict is read, too
        for i, sv in enumerate(sets):
            if sv.set_id == r["set"]:
                gone = f" in {r['removed_in'].short}" if r["removed_in"] else ""
                found = Finding("removed", "warn", f"prediction {r['id']} was on record and was removed{gone}: "
                                                   "a prediction that did not happen is annulled or resolved no, "
                                                   "never deleted")
                sets[i] = SetVerdict(**{**sv.__dict__, "findings": sv.findings + (found,),
                                        "verdict": max(sv.verdict, "warn", key=SEVERITY.__getitem__)})
    notes = _notes(repo, h, ref, checks)
    info = {"top": os.fspath(repo.top), "prefix": repo.prefix, "head": repo.head, "branch": repo.branch,
            "shallow": bool(repo.shallow), "object_format": repo.object_format, "commits": len(h.commits),
            "ledger_files_in_head": h.ledger_files_in_head, "file_reads": {"whole": h.reads[0], "items": h.reads[1]}}
    return VerifyReport(True, "", info, selection.describe(), tuple(sets), tuple(checks), tuple(removed), tuple(notes),
                        explicit, problems)


def _tag_evidence(repo, h: History):
    """(name, Signature, contains(sha)) for the newest signed tags on HEAD's history."""
    from ..store.history import signed_objects, tags, verify_tag

    on_history = [t for t in tags(repo) if t.target in h.index and t.annotated]
    if not on_history:
        return []
    on_history.sort(key=lambda t: -h.index[t.target])
    signed = signed_objects(repo, [t.object for t in on_history])
    out = []
    for t in [t for t in on_history if t.object in signed][:MAX_TAGS]:
        sig = verify_tag(repo, t.name)
        reach = _ancestors(h, h.index[t.target])
        out.append((t.name, sig, lambda sha, reach=reach: h.index.get(sha, -1) in reach))
    return out


def _ancestors(h: History, i: int) -> set[int]:
    seen, stack = {i}, [i]
    while stack:
        for p in h.commits[stack.pop()].parents:
            j = h.index.get(p)
            if j is not None and j not in seen:
                seen.add(j)
                stack.append(j)
    return seen


def _ledger_seals(now: Now, h: History, ref: _Refs) -> list[SealCheck]:
    out = []
    for path, seal, problem in now.seals:
        if seal is None:
            continue
        first = h.seals.get(seal.digest)
        out.append(check_seal(seal, seal.digest, now, [], found=f"ledger {path}", path=path,
                              committed=ref(first[0]) if first else None))
    return out


def _explicit_seal(given: str, now: Now, h: History, ref: _Refs, ids) -> SealCheck:
    digest = parse_digest(given)
    if digest is None:
        path = Path(given)
        if not path.is_file():
            from ..errors import UsageError

            raise UsageError(f"--seal: {given!r} is neither a seal digest (64 hex digits) nor a seal file", "--seal")
        seal = load_seal_file(path)
        first = h.seals.get(seal.digest)
        return check_seal(seal, seal.digest, now, ids, found=f"file {os.fspath(path)}", path=os.fspath(path),
                          committed=ref(first[0]) if first else None)
    for path, seal, _ in now.seals:
        if seal is not None and seal.digest == digest:
            first = h.seals.get(digest)
            return check_seal(seal, digest, now, ids, found=f"ledger {path}", path=path,
                              committed=ref(first[0]) if first else None)
    if digest in h.seals:
        i, path, seal = h.seals[digest]
        c = ref(i)
        return check_seal(seal, digest, now, ids, found=f"history {c.short} {path}", path=path, committed=c)
    return check_seal(None, digest, now, ids)


def _removed(selection: Selection, now: Now, h: History, ref: _Refs) -> list[dict]:
    """Predictions that were on record and are gone from the ledger (for a selection by set or of everything)."""
    s = selection
    if s.by or s.tags or s.about or s.since or s.until or s.ids:
        return []
    out = []
    current = set(now.records) | set(now.leaves)
    for pid, versions in h.versions.items():
        if pid in current:
            continue
        last = h.leaf[versions[-1]]
        fields = last.fields()
        if s.set_id and fields.get("set") != s.set_id:
            continue
        gone = ref(h.removed_at.get(last.hash))
        out.append({"id": pid, "set": fields.get("set"), "claim": fields.get("claim"),
                    "first_commit": ref(h.first_seen[versions[0]]), "removed_in": gone})
    return out


def _notes(repo, h: History, ref: _Refs, checks) -> list[Finding]:
    from ..store.history import rewrites_in_reflog, upstream_state

    notes = []
    if repo.head is None:
        notes.append(Finding("no-commits", "info", "the repository has no commits yet"))
    elif not h.ledger_files_in_head:
        notes.append(Finding("not-committed", "info",
                             f"none of the ledger's files is committed in this repository (at {repo.prefix or './'})"))
    if repo.shallow:
        notes.append(Finding("shallow-clone", "info",
                             "this clone is shallow: its history stops at "
                             f"{len(repo.shallow)} commit{'s' if len(repo.shallow) != 1 else ''}; what was committed "
                             "before is not here (`git fetch --unshallow` gets it)"))
    early = [i for i, c in enumerate(h.commits) if h.effective[i] - c.committer_time > REWRITE_SLACK]
    if early:
        notes.append(Finding("dated-before-parent", "info",
                             f"{len(early)} commit{'s are' if len(early) > 1 else ' is'} dated more than a day before "
                             "a parent: dates were set by hand or by a wrong clock; verify counts such a commit from "
                             "its parent's date", ref(early[0])))
    rewritten = {c.since.sha for c in checks if c.since is not None and c.since.rewritten}
    if rewritten:
        notes.append(Finding("rewritten-commits", "info",
                             f"{len(rewritten)} of the commits verdicts rest on were committed more than a day after "
                             "they were authored (rebased, amended or cherry-picked): their committer dates are the "
                             "rewrite's"))
    for old, (new, i) in sorted(h.moved_from.items()):
        c = ref(i)
        notes.append(Finding("moved-in", "info",
                             f"{new} was moved into the ledger from {old} in {c.short} "
                             f"({c.committed_on}); its history there is read too", c))
    for stamp, what in rewrites_in_reflog(repo)[:1]:
        day = dt.datetime.fromtimestamp(stamp, dt.timezone.utc).date()
        notes.append(Finding("reflog-rewrite", "info",
                             f"this clone's reflog records a {what} on {day}: commits made before it may have "
                             "been rewritten with new committer dates (a reflog is local to a clone and expires)"))
    upstream = upstream_state(repo)
    if upstream is not None and upstream[1] == "diverged":
        notes.append(Finding("diverged", "info",
                             f"HEAD has diverged from {upstream[0]}: its history was rewritten here or there "
                             "(a rebase or force-push); verify reads this clone's history"))
    return notes




"""Proof on record: `pledger verify` (the git history as evidence) and `pledger seal` (a digest to publish).

No git, hashing or YAML work at module level: `pledger --help` stays fast.
"""


from typing import Annotated, Optional

import typer

from .common import open_ledger, plural, print_json, refuse_folder
from .reading import AboutOpt, ByOpt, SetOpt, SinceOpt, StatusOpt, TagOpt, UntilOpt, build_selection

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (keys documented in docs/verify.md) instead of text.")]
MARK = {"ok": "ok", "info": "note", "warn": "WARN", "unknown": "CANNOT TELL", "fail": "FAIL"}


def register(app: typer.Typer) -> None:
    app.command("verify")(verify)
    app.command("seal")(seal)


def verify(
    ctx: typer.Context,
    set_id: SetOpt = None,
    by: ByOpt = None,
    tag: TagOpt = None,
    about: AboutOpt = None,
    status: StatusOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 1) on warnings too: uncommitted records, edits, same-day commits, rewritten forecasts (for CI).")] = False,
    seal_arg: Annotated[Optional[str], typer.Option("--seal", help="Also check a seal: its digest (found among the ledger's seal files or its history) or a seal file.", metavar="DIGEST|FILE")] = None,
    show_all: Annotated[bool, typer.Option("--all", help="List every prediction with the commit it is on record since, not only those with findings.")] = False,
    json_out: JsonOpt = False,
) -> None:
    """Check the git history: since when each prediction is on record, whether that is before its resolution, and what changed.

    Exits 1 when a finding fails or a verdict cannot be told (docs/verify.md lists
    which); with --strict on warnings too. A ledger outside git is an error (exit 1).

    \b
    Example:
      pledger verify --set anthropic-sae-2024
    """
    from ..errors import LedgerError
    from ..services.verify import verify as run

    selection = build_selection(set_id, by, tag, about, since, until, status)
    ledger = open_ledger(ctx)
    report = run(ledger, selection, seal=seal_arg)
    if not report.available:
        raise LedgerError(report.reason)
    if json_out:
        print_json(report.to_dict(strict))
    else:
        _render(report, strict, show_all)
    if not report.predictions and report.seal is None:
        from .reading import note_nothing_matched

        note_nothing_matched(selection)
    from .common import warn_problems

    warn_problems(report.problems)
    code = report.exit_code(strict)
    if code:
        raise typer.Exit(code)


def _render(report, strict: bool, show_all: bool) -> None:
    from ..report.escape import one_line

    echo = typer.echo
    repo = report.repository
    head = (repo.get("head") or "")[:7] or "no commits"
    where = f"{one_line(repo['top'])}" + (f" (ledger in {one_line(repo['prefix'])})" if repo.get("prefix") else "")
    echo(f"Repository {where}: HEAD {head}, {repo['commits']} commit{'s' if repo['commits'] != 1 else ''}"
         + (", shallow clone" if repo.get("shallow") else ""))
    by_set: dict = {}
    for c in report.predictions:
        by_set.setdefault(c.set_id, []).append(c)
    for s in report.sets:
        echo("")
        name = s.set_id or "predictions without a set"
        title = f" — {one_line(s.title)}" if s.title else ""
        echo(f"{name}{title}")
        echo(f"  {MARK[s.verdict]}: {s.sentence()}")
        if s.evidence:
            echo(f"  evidence (rests on {', '.join(s.rests_on) or 'nothing'}):")
            for e in s.evidence:
                echo(f"    - {one_line(e.text)}" + (f"; published at {one_line(e.url)}" if e.url else ""))
        for f in s.findings:
            echo(f"  {MARK[f.severity]} {f.code}: {one_line(f.message)}")
        for c in by_set.get(s.set_id, ()):
            lines = [(f.severity, f.code, f.message) for f in c.findings if show_all or f.severity != "info"]
            for r in c.forecasts + c.outcomes:
                lines += [(f.severity, f.code, f.message) for f in r.findings if show_all or f.severity != "info"]
            if not lines and not show_all:
                continue
            since = f"on record since {c.since.short} ({c.since.committed_on})" if c.since else "not on record"
            echo(f"  {c.id}: {MARK[c.verdict]}, {since}")
            for severity, code, message in lines:
                echo(f"    {MARK[severity]} {code}: {one_line(message)}")
            for e in c.edits:
                if not e.substantive and not show_all:
                    continue
                where = f"{e.commit.short} ({e.commit.committed_on})" if e.commit else "not committed"
                for name in e.fields:
                    echo(f"      {where}: {name}: {_shown(e.before.get(name))} → {_shown(e.after.get(name))}")
    if report.removed:
        echo("")
        echo(f"Removed from the ledger ({len(report.removed)}), on record before and gone now:")
        for r in report.removed:
            gone = f", removed in {r['removed_in'].short}" if r.get("removed_in") else ""
            echo(f"  {r['id']} (set {r['set'] or '—'}){gone}")
    if report.seal is not None:
        _render_seal(report.seal)
    if report.notes:
        echo("")
        for n in report.notes:
            echo(f"note: {one_line(n.message)}")
    verdict = report.verdict()
    code = report.exit_code(strict)
    mode = "strict: warnings fail too" if strict else "warnings pass; --strict fails on them"
    echo("")
    echo(f"Verdict: {MARK[verdict] if verdict != 'info' else 'ok'} (exit {code}; {mode}). "
         "What each verdict rests on: docs/verify.md.")


def _shown(value, width: int = 70) -> str:
    """A field's value on one line, cut to `width` characters (the --json output has it whole)."""
    import json

    from ..report.escape import one_line

    text = one_line(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return repr(text if len(text) <= width else text[: width - 1] + "…") if value is not None else "(none)"


def _render_seal(s) -> None:
    from ..report.escape import one_line

    echo = typer.echo
    echo("")
    if not s.found:
        echo(f"Seal {s.digest}: NOT FOUND. No seal file with this digest is in the ledger or its history, and the "
             "selected records give another digest; pass the seal file (--seal FILE) to see which records changed.")
        return
    state = "holds" if s.holds else "BROKEN"
    echo(f"Seal {s.digest} ({one_line(s.found)}): {state}: {s.held} of {s.sealed} sealed records unchanged"
         + (f", made {s.made}" if s.made else "")
         + (f", committed {s.committed.committed_on} ({s.committed.short})" if s.committed else ""))
    for c in s.changed:
        fields = f" ({', '.join(c['fields'])})" if c["fields"] else ""
        echo(f"  {c['what']}: {c['type']} {c['prediction']}{fields}")
    if s.added:
        echo(f"  added since: {len(s.added)} record{'s' if len(s.added) != 1 else ''} (forecasts and outcome entries "
             "appended after the seal; the seal says nothing of them)")
    if s.unsealed:
        echo(f"  not covered by the seal: {', '.join(s.unsealed)}")
    for url in s.published:
        echo(f"  published at {one_line(url)}")


def seal(
    ctx: typer.Context,
    set_id: SetOpt = None,
    by: ByOpt = None,
    tag: TagOpt = None,
    about: AboutOpt = None,
    status: StatusOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    save: Annotated[bool, typer.Option("--save", help="Keep the seal file in the ledger: <root>/seals/DATE-DIGEST.json (commit it).")] = False,
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Write the seal file here instead.", metavar="FILE")] = None,
    published: Annotated[Optional[str], typer.Option("--published", help="Where you published the digest (an http(s) URL), recorded in the seal file.", metavar="URL")] = None,
    proof_id: Annotated[Optional[str], typer.Option("--proof", help="Print the Merkle path proving that this prediction is in the seal.", metavar="ID")] = None,
    from_seal: Annotated[Optional[str], typer.Option("--from", help="With --proof: prove against this seal (a digest among the ledger's seal files, or a seal file) instead of the selection as it is now.", metavar="DIGEST|FILE")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Seal the selected records: a SHA-256 Merkle root to publish before the event, recomputable from docs/verify.md.

    Covers the selected predictions, their forecasts and their outcome entries.
    `pledger verify --seal DIGEST` later shows whether the ledger still holds them.

    \b
    Example:
      pledger seal --set anthropic-sae-2024 --save
    """
    from ..errors import UsageError
    from ..report.escape import safe_url

    if published is not None and safe_url(published) is None:
        raise UsageError(f"--published must be an http(s) URL, not {published!r}", "--published")
    if from_seal is not None and proof_id is None:
        raise UsageError("--from goes with --proof ID (which seal to prove a record against)", "--from")
    if proof_id is not None and (save or output or published):
        raise UsageError("--proof prints a proof; it writes no seal file (drop --save, -o and --published)", "--proof")
    if published is not None and not (save or output):
        raise UsageError("--published is recorded in the seal file: add --save or -o FILE", "--published")
    if output is not None:
        refuse_folder(output, "-o", "name the seal file to write")
    selection = build_selection(set_id, by, tag, about, since, until, status)
    ledger = open_ledger(ctx)
    from ..services import sealing

    if proof_id is not None:
        the_seal = sealing.find_seal(ledger, from_seal) if from_seal else sealing.make_seal(ledger, selection)
        found = sealing.prove(the_seal, proof_id)
        if json_out:
            print_json(found.to_dict())
        else:
            typer.echo(f"seal    {found.digest.hex()}")
            typer.echo(f"record  {found.leaf.canonical}")
            typer.echo(f"leaf    {found.leaf.hash.hex()}  (SHA-256 of 0x00 and the record's UTF-8 bytes)")
            for step in found.path:
                typer.echo(f"{step.side:<7} {step.hash.hex()}")
            typer.echo(f"{'holds' if found.holds() else 'DOES NOT HOLD'}: hashing the leaf up the path gives the seal "
                       "(docs/verify.md#checking-a-proof)")
        return
    the_seal = sealing.make_seal(ledger, selection, published=(published,) if published else ())
    path = None
    if output is not None or save:
        from pathlib import Path

        if output is not None:  # a file of the user's, outside the ledger
            path = sealing.save_seal(the_seal, Path(output))
        else:
            with ledger.lock():  # a write into the ledger, as every other (refused on a read-only ledger)
                path = sealing.save_seal(the_seal, sealing.seal_path(ledger, the_seal))
    counts = the_seal.counts()
    if json_out:
        data = the_seal.to_file()
        data["file"] = str(path) if path is not None else None
        data["counts"] = counts
        print_json(data)
        return
    typer.echo(the_seal.hex)
    typer.echo(f"{plural(len(the_seal.leaves), 'record')}: {plural(counts['prediction'], 'prediction')}, "
               f"{plural(counts['forecast'], 'forecast')}, {plural(counts['outcome'], 'outcome entry', 'outcome entries')} "
               f"(selection: {the_seal.described})", err=True)
    if path is not None:
        typer.echo(f"Wrote {path}: commit it, and publish the digest where others date it (a post, a tweet).", err=True)
    else:
        typer.echo("Nothing written: --save keeps the seal file in the ledger, so that `pledger verify --seal` can "
                   "say which records changed.", err=True)

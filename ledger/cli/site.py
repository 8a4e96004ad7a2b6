"""`pledger site`: write the ledger as a static track-record site (ledger.site.build).

No Jinja2, numpy, sqlmodel or matplotlib at module level: `pledger --help` stays fast.
"""

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import open_ledger, plural


def register(app: typer.Typer) -> None:
    app.command("site")(site)


def site(
    ctx: typer.Context,
    output: Annotated[str, typer.Option("-o", "--output", help="The folder to write the site into (created if needed).", metavar="DIR")] = "public",
    title: Annotated[Optional[str], typer.Option("--title", help="The site's title (default: NAME's track record, or Track record).")] = None,
    with_problems: Annotated[bool, typer.Option("--with-problems", help="Publish even when the ledger has problems: the records with problems are left out of the site (and their pages removed).")] = False,
) -> None:
    """Write a static HTML track-record site: a home page, a page per set, prediction, claim and forecaster.

    Relative links only (it works from file:// and any static host), no JavaScript, no
    fetches. Re-running on an unchanged ledger rewrites nothing; after a change only the
    pages whose bytes changed are written.

    \b
    Examples:
      pledger site -o public/
      pledger site -o public/ --title "Casper's track record"
    """
    from ..errors import UsageError

    out = Path(output)
    if not output.strip() or (out.exists() and not out.is_dir()):
        raise UsageError(f"-o: {output!r} is not a folder; name the folder to write the site into", "-o")
    if title is not None:
        if not title.strip() or "\n" in title or "\r" in title or any(ord(c) < 32 or 127 <= ord(c) < 160 for c in title):
            raise UsageError("--title must be one non-empty line of text", "--title")
    ledger = open_ledger(ctx)
    from ..services.queries import count_problems

    problems = count_problems(ledger)
    if problems and not with_problems:
        # A site is a publication: records left out unnoticed (a YAML typo drops a whole file) would unpublish
        # their pages. A data problem, reported before anything is written.
        from ..errors import LedgerError

        raise LedgerError(f"the ledger has {plural(problems, 'problem')}, and the records with them would be left out of the site "
                          "(their pages removed); nothing was written. Run `pledger check` to see them and fix them, "
                          "or pass --with-problems to publish without those records")
    from ..site.build import build_site

    result = build_site(ledger, out, title=title)
    where = os.fspath(out)
    if result.skipped:
        typer.echo(f"Site in {where} is up to date ({result.unchanged} files, nothing written)", err=True)
    else:
        typer.echo(f"Wrote {len(result.written)} of {result.pages} files to {where} "
                   f"({result.unchanged} unchanged, {len(result.removed)} removed)", err=True)
    from .common import warn_problems

    warn_problems(problems)

"""`pledger scorecard`: a blog-ready markdown scorecard of the selected predictions.

Everything is rendered in memory first; only then are the markdown and the chart
files written, together (store.write.write_files_atomically), so a failed command
writes none of them.
No numpy, sqlmodel or matplotlib at module level: `pledger --help` stays fast.
"""


import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from .common import open_ledger, parse_date, plural, refuse_folder
from .reading import AboutOpt, SetOpt, SinceOpt, TagOpt, UntilOpt, build_selection
from .score_options import (BinsOpt, BootstrapOpt, BrierOpt, EpsOpt, OneShotPolicyOpt, ScoreByOpt, SeedOpt, check_options,
                            parse_bins)

FLAVOR_HELP = (
    "github (GFM tables, emoji marks, notes in the table), lesswrong (notes as footnotes; give the chart a URL "
    "with --image-base), plain (CommonMark only: lists instead of tables, words instead of emoji)."
)
STYLE_HELP = (
    "table (one row per prediction, in published order) or acx (grouped by confidence level, 'x of y right' per "
    "level, misses struck through, as the yearly prediction posts)."
)
PROBABILITIES_HELP = "percent (every probability as a percentage) or as-typed (as each was written: 0.8, 70%, 3:1)."
CHART_SUFFIX = "-calibration"
STDOUT_STEM = "scorecard"


def register(app: typer.Typer) -> None:
    app.command("scorecard")(scorecard)


def _no(name: str, what: str):
    return Annotated[bool, typer.Option(f"--no-{name}", help=f"Leave out {what}.")]


def scorecard(
    ctx: typer.Context,
    set_id: SetOpt = None,
    by: ScoreByOpt = None,
    tag: TagOpt = None,
    about: AboutOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    policy: OneShotPolicyOpt = "first",
    brier: BrierOpt = "0-1",
    eps: EpsOpt = None,
    bins: BinsOpt = None,
    bootstrap: BootstrapOpt = None,
    seed: SeedOpt = 0,
    title: Annotated[Optional[str], typer.Option("--title", help="The post's title (default: the set's title, or the selection).")] = None,
    flavor: Annotated[str, typer.Option("--flavor", help=FLAVOR_HELP, metavar="github|lesswrong|plain")] = "github",
    style: Annotated[str, typer.Option("--style", help=STYLE_HELP, metavar="table|acx")] = "table",
    probabilities: Annotated[str, typer.Option("--probabilities", help=PROBABILITIES_HELP, metavar="percent|as-typed")] = "percent",
    output: Annotated[Optional[str], typer.Option("-o", "--output", help="Write the markdown to FILE and the chart beside it (FILE-calibration.png and .svg); '-': stdout, no chart.", metavar="FILE")] = None,
    chart_dir: Annotated[Optional[str], typer.Option("--chart-dir", help="Write the chart files here (without -o: the only way to get a chart).", metavar="DIR")] = None,
    image_base: Annotated[Optional[str], typer.Option("--image-base", help="Link the chart as URL/FILE-calibration.png (where you upload it) instead of by relative path.", metavar="URL")] = None,
    date: Annotated[Optional[str], typer.Option("--date", help="Print 'Scored on DATE' (YYYY-MM-DD or today); without it the file has no date.")] = None,
    no_table: _no("table", "the prediction table") = False,
    no_scores: _no("scores", "the scores (gap, Brier, log)") = False,
    no_calibration: _no("calibration", "the calibration table and chart") = False,
    no_chart: _no("chart", "the chart (no chart files are written)") = False,
    no_tags: _no("tags", "the per-tag section") = False,
    no_forecasters: _no("forecasters", "the per-forecaster section (leaderboard)") = False,
    no_claims: _no("claims", "the research claims the predictions test") = False,
    verify: Annotated[Optional[bool], typer.Option("--verify/--no-verify", help="The On record part: each set's `pledger verify` verdict and its evidence. Default: shown when the ledger's files are committed to git; --verify says so in one line when they are not.")] = None,
    repo_url: Annotated[Optional[str], typer.Option("--repo-url", help="Link commits to the forge: the repository's page (GitHub, GitLab, Codeberg/Gitea/Forgejo), or a URL with {commit}.", metavar="URL")] = None,
) -> None:
    """Write a markdown scorecard for a post: the predictions with marks and points, the scores, calibration and a chart.

    Takes the filters and scoring options of `pledger score`. Without -o the markdown
    goes to standard output and no chart is drawn unless --chart-dir is given.
    The same ledger and options give byte-identical files.

    \b
    Examples:
      pledger scorecard --set anthropic-sae-2024 -o sae-scorecard.md
      pledger scorecard --set reading-group-2025 --flavor lesswrong -o -
    """
    from ..errors import UsageError
    from ..report.escape import safe_url
    from ..report.scorecard import FLAVORS, PARTS, PROBABILITIES, STYLES, Options

    check_options(policy, brier, eps, bootstrap, seed=seed)
    bin_spec = parse_bins(bins)
    if flavor not in FLAVORS:
        raise UsageError(f"--flavor must be one of {', '.join(FLAVORS)}, not {flavor!r}", "--flavor")
    if style not in STYLES:
        raise UsageError(f"--style must be one of {', '.join(STYLES)}, not {style!r}", "--style")
    if probabilities not in PROBABILITIES:
        raise UsageError(f"--probabilities must be one of {', '.join(PROBABILITIES)}, not {probabilities!r}",
                         "--probabilities")
    if title is not None and (not title.strip() or "\n" in title or "\r" in title):
        raise UsageError("--title must be one non-empty line", "--title")
    if title is not None:
        from ..controls import checked_text

        checked_text(title, "--title", lines=False)
    if image_base is not None and safe_url(image_base) is None:
        raise UsageError(f"--image-base must be an http(s) URL, not {image_base!r}", "--image-base")
    if image_base is not None and ("?" in image_base or "#" in image_base):
        raise UsageError(f"--image-base: {image_base!r} has a query or a fragment, which would come before the "
                         "chart's file name; give the folder's URL the file is uploaded to", "--image-base")
    if repo_url is not None and safe_url(repo_url.replace("{commit}", "0")) is None:
        raise UsageError(f"--repo-url must be an http(s) URL, not {repo_url!r}", "--repo-url")
    if repo_url is not None and "{commit}" not in repo_url and ("?" in repo_url or "#" in repo_url):
        raise UsageError(f"--repo-url: {repo_url!r} has a query or a fragment, which would come before the commit's "
                         "path; give the repository's page, or a URL with {commit} where the commit goes", "--repo-url")
    from .common import is_stdio, write_stdout

    to_stdout = output is None or is_stdio(output)
    out_path = None if to_stdout else Path(output)
    if out_path is not None:
        refuse_folder(output, "-o", "name the markdown file to write")
    if chart_dir is not None and Path(chart_dir).exists() and not Path(chart_dir).is_dir():
        raise UsageError(f"--chart-dir: {chart_dir!r} exists and is not a folder", "--chart-dir")
    scored_on = parse_date(date, "--date")
    selection = build_selection(set_id, by, tag, about, since, until)
    dropped = {"table": no_table, "scores": no_scores, "calibration": no_calibration, "chart": no_chart,
               "tags": no_tags, "forecasters": no_forecasters, "claims": no_claims}
    parts = frozenset(p for p in PARTS if not dropped[p])
    chart_wanted = "chart" in parts and "calibration" in parts and (out_path is not None or chart_dir is not None)

    from ..report.scorecard import collect, render

    ledger = open_ledger(ctx)
    drawer = None
    if chart_wanted:  # matplotlib imported in a child process while the ledger is read (ledger.beside)
        from ..beside import Beside
        from ..report.charts import prepare

        drawer = Beside(prepare)
        ctx.call_on_close(drawer.close)
    try:
        data = collect(ledger, selection, policy, brier_scale=brier, eps=eps, bins=bin_spec,
                       bootstrap="auto" if bootstrap is None else bootstrap, seed=seed, parts=parts,
                       render_as=(flavor, probabilities) if style == "table" else None)
    except ValueError as exc:  # an argument the engine refused (the checks above come first: a safety net)
        raise UsageError(str(exc)) from None
    if not data.run.counts["predictions"]:
        # A scorecard of nothing is a mistyped filter, not a post: write nothing.
        from .reading import filter_flags, nothing_hint

        flags = filter_flags(selection)
        if flags:
            raise UsageError(f"{' '.join(flags)}: no predictions match{nothing_hint(selection, ledger)}; "
                             "no scorecard written", flags[0].split()[0])
        from ..services.queries import count_problems

        problems = count_problems(ledger)
        if problems:  # every record left out for its problem (a YAML typo can drop a whole file): a data problem
            from ..errors import LedgerError

            raise LedgerError(f"no predictions to publish: the ledger has {plural(problems, 'problem')}, and the "
                              "records with them are left out; no scorecard written. Run `pledger check` to see them")
        raise UsageError("the ledger has no predictions yet; no scorecard written")
    verification = _verification(ledger, selection, verify)
    if verification is not None:
        from dataclasses import replace

        data = replace(data, verification=verification)

    charts = None
    files: dict[Path, bytes] = {}
    png_link = svg_link = None
    if chart_wanted and data.levels is not None:
        from ..report.card import default_title
        from ..report.charts import calibration_chart

        stem = (out_path.stem if out_path is not None else STDOUT_STEM) + CHART_SUFFIX
        folder = Path(chart_dir) if chart_dir is not None else out_path.parent
        heading = (title or default_title(data)).removeprefix("Scorecard: ")
        charts = drawer.run(calibration_chart, data.levels, heading)
        files[folder / f"{stem}.png"] = charts.png
        files[folder / f"{stem}.svg"] = charts.svg
        png_link, svg_link = (_link(folder / f"{stem}{ext}", out_path, image_base) for ext in (".png", ".svg"))

    command = _command(ctx, selection, policy, brier, eps, bins, bootstrap, seed, title, flavor, style, probabilities,
                       output, chart_dir, image_base, scored_on, dropped, verify, repo_url)
    options = Options(title=title, flavor=flavor, parts=parts, chart_png=png_link, chart_svg=svg_link,
                      date=scored_on, command=command, style=style, probabilities=probabilities, repo_url=repo_url)
    markdown = render(data, options)

    from ..store.write import write_files_atomically

    if out_path is None:
        write_files_atomically(files)
        write_stdout(markdown)
        drawable = data.levels is not None and "chart" in parts and "calibration" in parts
        if is_stdio(output) and chart_dir is None and drawable:
            typer.echo("note: -o -: the markdown went to standard output and no chart was drawn; "
                       "pass --chart-dir DIR to write one (linked from the markdown)", err=True)
    else:
        write_files_atomically({out_path: markdown, **files})  # all three or none
        written = ", ".join(os.fspath(p) for p in [out_path, *files])
        typer.echo(f"Wrote {written}", err=True)
    from .common import warn_ledger_problems

    warn_ledger_problems(ledger)
    if charts is not None and flavor == "lesswrong" and image_base is None:
        typer.echo(
            "note: a LessWrong post cannot read the chart from a file beside it: upload the PNG and pass "
            "--image-base URL (or replace its link after pasting).",
            err=True,
        )


def _verification(ledger, selection, wanted: bool | None):
    """The verify report for the On record part, or None to leave the part out.

    By default (wanted None) the part appears when the ledger's files are committed to a git
    repository and says nothing otherwise, so a ledger kept outside git gets the scorecard it
    always had. --verify shows the part whatever: one line saying why nothing can be checked.
    """
    if wanted is False:
        return None
    from ..services.verify import committed_to_git, verify
    from ..services.verify_report import VerifyReport
    from ..store.history import GitError

    try:
        if wanted is None and not committed_to_git(ledger):
            return None  # checked before reading anything: a ledger outside git costs two git calls
        return verify(ledger, selection)
    except GitError as exc:
        return VerifyReport(False, exc.message) if wanted else None


def _link(path: Path, markdown: Path | None, image_base: str | None) -> str:
    """How the markdown refers to a chart file: URL/name, or its path relative to the markdown's folder."""
    if image_base is not None:
        return image_base.rstrip("/") + "/" + path.name
    start = markdown.parent if markdown is not None else Path(".")
    return Path(os.path.relpath(path, start)).as_posix()


def shown_path(path: str) -> str:
    """A path for a printed command: as given when relative, else relative to the current folder
    (a post never carries the writer's absolute paths)."""
    if not os.path.isabs(path):
        return path
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows): the name alone
        return os.path.basename(path) or path


def _command(ctx, selection, policy, brier, eps, bins, bootstrap, seed, title, flavor, style, probabilities, output,
             chart_dir, image_base, scored_on, dropped, verify=None, repo_url=None) -> str:
    """The command that reproduces this file: the options as they took effect (dates resolved),
    paths as given or relative to the current folder."""
    args = ["pledger"]
    root = getattr(ctx.obj, "root", None)
    if root:
        args += ["--root", shown_path(root)]
    for name in getattr(ctx.obj, "ledgers", ()):
        args += ["--ledger", name]
    if getattr(ctx.obj, "read_only", False):
        args.append("--read-only")
    args.append("scorecard")
    s = selection
    for flag, value in (("--set", s.set_id), ("--by", s.by), ("--about", s.about),
                        ("--since", s.since and s.since.isoformat()), ("--until", s.until and s.until.isoformat())):
        if value:
            args += [flag, value]
    for t in s.tags:
        args += ["--tag", t]
    for flag, value, default in (("--policy", policy, "first"), ("--brier", brier, "0-1"), ("--eps", eps, None),
                                 ("--bins", bins, None), ("--bootstrap", bootstrap, None), ("--seed", seed, 0),
                                 ("--title", title, None), ("--flavor", flavor, "github"), ("--style", style, "table"),
                                 ("--probabilities", probabilities, "percent"),
                                 ("-o", output and shown_path(output), None),
                                 ("--chart-dir", chart_dir and shown_path(chart_dir), None),
                                 ("--image-base", image_base, None),
                                 ("--date", scored_on and scored_on.isoformat(), None)):
        if value is not None and value != default:
            args += [flag, str(value)]
    args += [f"--no-{name}" for name, off in dropped.items() if off]
    if verify is not None:
        args.append("--verify" if verify else "--no-verify")
    if repo_url is not None:
        args += ["--repo-url", repo_url]
    import shlex

    return shlex.join(args)

"""`pledger score`: the post's rule, proper scores and calibration of the selected forecasts.

No numpy, sqlmodel or scoring engine at module level: `pledger --help` must stay fast.
"""


from typing import Annotated, Optional

import typer

from .common import open_ledger, print_json
from .reading import AboutOpt, JsonOpt, SetOpt, SinceOpt, TagOpt, UntilOpt, build_selection
from .score_options import BinsOpt, BootstrapOpt, BrierOpt, EpsOpt, PolicyOpt, ScoreByOpt, SeedOpt, check_options
from .score_options import parse_bins  # noqa: F401  (moved to score_options; still importable from here)


def register(app: typer.Typer) -> None:
    app.command("score")(score)


def score(
    ctx: typer.Context,
    set_id: SetOpt = None,
    by: ScoreByOpt = None,
    tag: TagOpt = None,
    about: AboutOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    policy: PolicyOpt = "first",
    brier: BrierOpt = "0-1",
    eps: EpsOpt = None,
    bins: BinsOpt = None,
    bootstrap: BootstrapOpt = None,
    seed: SeedOpt = 0,
    chart: Annotated[bool, typer.Option("--chart", help="Draw the calibration chart in the terminal (observed frequency per bin, with its interval, against the diagonal).")] = False,
    by_forecaster: Annotated[bool, typer.Option("--by-forecaster", help="A leaderboard of every forecaster on the selected predictions (policy first, last or time-weighted).")] = False,
    min_n: Annotated[Optional[int], typer.Option("--min-n", min=1, help="With --by-forecaster: rank only forecasters with at least this many forecasts on questions someone else forecast too (default 5); the others are listed unranked.")] = None,
    over_time: Annotated[Optional[str], typer.Option("--over-time", help="The scores per month, quarter or year of the date the predictions were made, each with its n.", metavar="month|quarter|year")] = None,
    json_out: JsonOpt = False,
) -> None:
    """Score the selected predictions: the post's rule (gap), Brier, log and spherical scores, calibration.

    Resolved predictions are scored, each kind of question by the rules for it
    (multiple choice: multi-class Brier, log, baseline, RPS; numeric: quantile
    score, CRPS, WIS, interval coverage); annulled ones are excluded and counted,
    unresolved ones are counted as pending. The forecast policy, who was scored,
    the Brier convention, clipping and bins are printed with every result.

    \b
    Examples:
      pledger score --set anthropic-sae-2024
      pledger score --set reading-group-2025 --by-forecaster
    """
    from ..errors import UsageError
    from .score_options import POLICIES

    check_options(policy, brier, eps, bootstrap, by_forecaster, seed=seed, policies=POLICIES)
    if over_time is not None and over_time not in ("month", "quarter", "year"):
        raise UsageError(f"--over-time must be month, quarter or year, not {over_time!r}", "--over-time")
    if over_time is not None and by_forecaster:
        raise UsageError("--over-time scores one forecaster (or each prediction's author) per period; "
                         "it does not combine with --by-forecaster", "--over-time")
    bin_spec = parse_bins(bins)
    selection = build_selection(set_id, by, tag, about, since, until)

    from ..services.scores import score as score_ledger

    ledger = open_ledger(ctx, several=True)
    try:
        run = score_ledger(
            ledger, selection, policy, by_forecaster=by_forecaster, brier_scale=brier, eps=eps,
            bins=bin_spec, bootstrap="auto" if bootstrap is None else bootstrap, seed=seed, over_time=over_time, min_n=min_n,
        )
    except ValueError as exc:  # an argument the engine refused (all are checked above: a safety net)
        raise UsageError(str(exc)) from None
    if not run.counts["predictions"]:
        from .reading import note_nothing_matched

        note_nothing_matched(selection, ledger=ledger)
    from .common import warn_ledger_problems

    if json_out:
        print_json(run.to_dict())
    else:
        from . import score_render

        score_render.render(run, chart=chart)
    warn_ledger_problems(ledger)

"""The scoring options `score` and `scorecard` share: their help, types and checks.

Each check raises UsageError naming the argument, before any ledger is read.
"""


import math
from typing import Annotated, Optional

import typer

# Limits that keep a mistyped number from exhausting memory or time (a billion bins,
# a hundred billion resamples), far above any useful value.
MAX_BINS = 1000  # equal-width bins, or bins between edges: 0.001 wide at the most
MAX_BOOTSTRAP = 100_000  # resamples: 1000 already gives stable 90% intervals

_ONE_SHOT_WORDS = ("Which forecast counts: first (the published p; each forecaster's first forecast), "
                   "last (the last one dated on or before the resolution), all (every forecast)")
POLICY_HELP = _ONE_SHOT_WORDS + ", time-weighted (each forecast for the days it stood; yes/no questions)."
ONE_SHOT = ("first", "last", "all")
POLICIES = ONE_SHOT + ("time-weighted",)
BINS_HELP = (
    "Calibration bins: auto (one per distinct p when there are at most 12, else ten equal-width), "
    "distinct, uniform, a number of equal-width bins (at most 1000), or edges like 0,0.2,0.5,1."
)

PolicyOpt = Annotated[str, typer.Option("--policy", help=POLICY_HELP, metavar="first|last|all|time-weighted")]
# A scorecard's table shows one forecast per row: the one-shot policies (scores over time are `score`'s).
OneShotPolicyOpt = Annotated[str, typer.Option("--policy", help=_ONE_SHOT_WORDS + ".", metavar="first|last|all")]
BrierOpt = Annotated[str, typer.Option("--brier", help="Brier convention: 0-1 (always 50% = 0.25) or 0-2 (Fatebook, GJ Open).", metavar="0-1|0-2")]
EpsOpt = Annotated[Optional[float], typer.Option("--eps", help="Clip p(outcome) to [eps, 1-eps] for log scores (default 0.001).")]
BinsOpt = Annotated[Optional[str], typer.Option("--bins", help=BINS_HELP, metavar="auto|distinct|uniform|N|EDGES")]
BootstrapOpt = Annotated[Optional[int], typer.Option("--bootstrap", help="Bootstrap resamples for the Brier and log intervals, at most 100000; 0 turns them off (default: 1000 up to 10,000 forecasts, none above).", metavar="N")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")]
ScoreByOpt = Annotated[Optional[str], typer.Option("--by", help="Score this forecaster's forecasts, on any selected prediction (default: each prediction's author).")]


def check_options(policy: str, brier: str, eps: float | None, bootstrap: int | None, by_forecaster: bool = False,
                  seed: int = 0, policies: tuple[str, ...] = ONE_SHOT) -> None:
    """The checks on --policy (one of `policies`), --brier, --eps, --bootstrap and --seed
    (and --by-forecaster's policy)."""
    from ..errors import UsageError

    if policy not in policies:
        names = ", ".join(policies[:-1]) + " or " + policies[-1]
        hint = "; scores over time are `pledger score --policy time-weighted`" if policy == "time-weighted" else ""
        raise UsageError(f"--policy must be {names}, not {policy!r}{hint}", "--policy")
    if by_forecaster and policy == "all":
        raise UsageError(
            "--by-forecaster needs one forecast per forecaster per question: use --policy first, last or "
            "time-weighted, not all",
            "--policy",
        )
    if brier not in ("0-1", "0-2"):
        raise UsageError(f"--brier must be 0-1 or 0-2, not {brier!r}", "--brier")
    if eps is not None and not 0.0 < eps < 0.5:
        raise UsageError(f"--eps must be between 0 and 0.5 (exclusive), not {eps}", "--eps")
    if bootstrap is not None and bootstrap < 0:
        raise UsageError(f"--bootstrap must be 0 (off) or a number of resamples, not {bootstrap}", "--bootstrap")
    if bootstrap is not None and bootstrap > MAX_BOOTSTRAP:
        raise UsageError(f"--bootstrap: at most {MAX_BOOTSTRAP:,} resamples, not {bootstrap:,}", "--bootstrap")
    if seed < 0:
        raise UsageError(f"--seed must be a whole number 0 or above, not {seed}", "--seed")


def parse_bins(text: str | None):
    """--bins as the engine takes it: None (auto), a strategy name, an int, or a list of edges."""
    from ..errors import UsageError

    if text is None:
        return None
    value = text.strip().lower()
    if value in ("auto", "distinct", "uniform"):
        return None if value == "auto" else value
    if "," not in value:
        try:
            k = int(value)
        except ValueError:
            raise UsageError(
                f"--bins: {text!r} is not auto, distinct, uniform, a number of bins or edges like 0,0.2,0.5,1", "--bins"
            ) from None
        if k < 1:
            raise UsageError(f"--bins: the number of bins must be at least 1, not {k}", "--bins")
        if k > MAX_BINS:
            raise UsageError(f"--bins: at most {MAX_BINS:,} bins, not {k:,}", "--bins")
        return k
    try:
        edges = [float(part) for part in value.split(",")]
    except ValueError:
        raise UsageError(f"--bins: {text!r} has a part that is not a number; write edges like 0,0.2,0.5,1", "--bins") from None
    if not all(math.isfinite(e) for e in edges):
        raise UsageError(f"--bins: edges must be finite numbers, got {text!r} (try 0,0.2,0.5,1)", "--bins")
    if any(b <= a for a, b in zip(edges, edges[1:])):
        raise UsageError(f"--bins: edges must be strictly increasing, got {text!r} (try 0,0.2,0.5,1)", "--bins")
    if len(edges) - 1 > MAX_BINS:
        raise UsageError(f"--bins: at most {MAX_BINS:,} bins, not {len(edges) - 1:,} (edges give one fewer bin)", "--bins")
    if edges[0] > 0.0 or edges[-1] < 1.0:
        raise UsageError(f"--bins: edges must start at or below 0 and end at or above 1, got {text!r}", "--bins")
    return edges

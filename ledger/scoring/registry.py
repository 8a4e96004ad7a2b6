"""The scoring rules, in one registry: what each scores, how to read it, where it is documented.

Every rule declares its name (its key in a report and in `--json`), the question
kinds it applies to, the forecast policies it applies under, what it needs, its
direction, whether it is proper, its figures (the numbers a report prints, with
their labels and formats) and its entry in docs/scoring.md. `pledger score`,
`--json`, the scorecard and docs/scoring.md loop over RULES; a report holds one
result per rule that applied. Adding a rule is one function and one entry.

Tables (calibration, interval coverage, the PIT histogram) are rules too; their
`table` names how a report draws them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..kinds import BINARY, CHOICE, NUMERIC

ONE_SHOT = ("first", "last", "all")  # policies that score forecasts, not time
TIME = ("time-weighted",)


@dataclass(frozen=True)
class Settings:
    """The conventions a run uses (printed with its figures)."""

    brier_scale: str = "0-1"
    eps: float = 1e-3
    bins: Any = None


@dataclass(frozen=True)
class Figure:
    """One number a rule's result holds, as reports print it.

    path   -- attribute path in the rule's result ("score", "skill_vs_half")
    label  -- what a reader sees; {scale} is the Brier convention
    n      -- attribute path of the figure's own n, when it is not the report's
    interval -- the bootstrap interval's key (BootstrapResult field), if any
    """

    path: str
    label: str
    fmt: str
    better: str | None = None  # "lower" | "higher" | None (not a score)
    note: str | None = None
    n: str | None = None
    interval: str | None = None
    flag: tuple[str, str] | None = None  # (path of a count, its words): said beside the figure when not 0


@dataclass(frozen=True)
class Rule:
    name: str
    title: str
    kinds: tuple[str, ...]
    policies: tuple[str, ...]
    needs: tuple[str, ...]
    better: str  # lower | higher | "" (a description, not a score)
    proper: bool
    doc: str  # the heading's anchor in docs/scoring.md
    summary: str  # one line: what it says
    compute: Callable[[Any, Settings], Any] = None  # (the kind's prepared inputs, settings) -> a result
    figures: tuple[Figure, ...] = ()
    table: str | None = None  # calibration | coverage | pit: how a report draws it
    applies: Callable[[Any], bool] | None = None  # to a kind's inputs (e.g. RPS: ordered options only)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "kinds": list(self.kinds), "policies": list(self.policies),
                "needs": list(self.needs), "better": self.better or None, "proper": self.proper,
                "doc": f"docs/scoring.md#{self.doc}"}


PROBS = ("probabilities", "outcomes")
DATED = PROBS + ("forecast dates", "horizon")
QUANTS = ("quantiles", "values")


def _rule(name, title, kinds, policies, needs, better, proper, doc, summary, compute, *figures, **extra) -> Rule:
    return Rule(name, title, kinds, policies, needs, better, proper, doc, summary, compute, tuple(figures), **extra)


RULES: tuple[Rule, ...] = (
    # -- yes/no questions, one forecast each ---------------------------------------------------
    _rule("gap", "The post's rule (gap)", (BINARY,), ONE_SHOT, PROBS, "", False, "1-the-gap-the-posts-rule",
          "each prediction earns 1 - p if it happened, -p if not; the sum says how the subject did against "
          "expectations; not a proper score", lambda d, s: d.gap(),
          Figure("total", "Gap (sum of o - p)", "+.2f"), Figure("z", "z (total / spread)", "+.2f")),
    _rule("brier", "Brier score", (BINARY,), ONE_SHOT, PROBS, "lower", True, "brier-score-lower-is-better",
          "mean squared difference between p and what happened", lambda d, s: d.proper.brier,
          Figure("score", "Brier ({scale})", ".4f", "lower", interval="brier"),
          Figure("skill_vs_half", "Brier skill vs always 50%", "+.3f", "higher"),
          Figure("skill_vs_base_rate", "Brier skill vs base rate ({base_rate})", "+.3f", "higher")),
    _rule("log", "Log score", (BINARY,), ONE_SHOT, PROBS, "lower", True, "log-score-lower-is-better",
          "mean -ln of the probability given to what happened", lambda d, s: d.proper.log,
          Figure("nats", "Log score (nats)", ".4f", "lower", interval="log_nats",
                 flag=("clipped", "{} clipped to [eps, 1 - eps]")),
          Figure("bits", "Log score (bits)", ".4f", "lower"),
          Figure("metaculus_baseline", "Metaculus baseline score", "+.1f", "higher", "0 = always 50%")),
    _rule("spherical", "Spherical score", (BINARY,), ONE_SHOT, PROBS, "higher", True, "spherical-score-higher-is-better",
          "p(outcome) / sqrt(p^2 + (1 - p)^2)", lambda d, s: d.proper.spherical,
          Figure("score", "Spherical score", ".4f", "higher")),
    _rule("calibration", "Calibration", (BINARY,), ONE_SHOT, PROBS, "", False, "3-calibration",
          "how often things happened at each stated probability, with Wilson intervals", lambda d, s: d.calibration(),
          Figure("ece", "Expected calibration error", ".4f", "lower"), table="calibration"),
    _rule("folded_calibration", "Folded calibration", (BINARY,), ONE_SHOT, PROBS, "", False, "3-calibration",
          "calibration with p < 50% flipped to 1 - p", lambda d, s: d.folded_calibration(), table="calibration"),
    # -- multiple choice -------------------------------------------------------------------------
    _rule("choice_brier", "Multi-class Brier score", (CHOICE,), ONE_SHOT, PROBS, "lower", True,
          "multi-class-brier-score", "sum over the options of (p - o)^2, 0 to 2", lambda d, s: d.brier(),
          Figure("brier", "Brier (0-2, summed over the options)", ".4f", "lower")),
    _rule("choice_log", "Log score", (CHOICE,), ONE_SHOT, PROBS, "lower", True, "multiple-choice-log-score",
          "-ln of the probability given to the option that happened", lambda d, s: d.log(),
          Figure("log_nats", "Log score (nats)", ".4f", "lower", flag=("clipped", "{} clipped to [eps, 1 - eps]")),
          Figure("log_bits", "Log score (bits)", ".4f", "lower")),
    _rule("choice_baseline", "Metaculus multiple-choice baseline", (CHOICE,), ONE_SHOT, PROBS, "higher", True,
          "metaculus-multiple-choice-baseline", "100 ln(K p) / ln K: 0 for the uniform forecast", lambda d, s: d.baseline(),
          Figure("metaculus_baseline", "Metaculus baseline score", "+.1f", "higher", "0 = the uniform forecast")),
    _rule("rps", "Ranked probability score", (CHOICE,), ONE_SHOT, PROBS + ("ordered options",), "lower", True,
          "ranked-probability-score", "ordered options: squared differences of the cumulative forecast",
          lambda d, s: d.rps(), Figure("rps", "Ranked probability score", ".4f", "lower", n="n_ordered"),
          applies=lambda d: bool(d.ordered.any())),
    _rule("choice_calibration", "Calibration (each option as a yes/no forecast)", (CHOICE,), ONE_SHOT, PROBS, "", False,
          "multiple-choice-calibration", "every option's probability counted as a yes/no forecast of that option",
          lambda d, s: d.calibration(), table="calibration"),
    # -- numeric -------------------------------------------------------------------------------
    _rule("quantile_score", "Quantile score", (NUMERIC,), ONE_SHOT, QUANTS, "lower", True, "quantile-pinball-score",
          "the pinball loss averaged over the forecast's levels", lambda d, s: d.quantile_score(),
          Figure("quantile_score", "Quantile score (mean pinball loss)", ".4g", "lower")),
    _rule("crps", "CRPS (estimated from the quantiles)", (NUMERIC,), ONE_SHOT, QUANTS, "lower", True,
          "crps-from-quantiles", "2 x the mean pinball loss: the continuous ranked probability score, estimated",
          lambda d, s: d.crps(), Figure("crps", "CRPS (from the quantiles)", ".4g", "lower")),
    _rule("wis", "Weighted interval score", (NUMERIC,), ONE_SHOT, ("quantiles with a median", "values"), "lower", True,
          "weighted-interval-score", "the central intervals' interval scores and the median's error, weighted",
          lambda d, s: d.wis(), Figure("wis", "Weighted interval score", ".4g", "lower", n="n_wis")),
    _rule("coverage", "Interval coverage", (NUMERIC,), ONE_SHOT, QUANTS, "", False, "interval-coverage",
          "how often the value fell inside each central interval, against its nominal level",
          lambda d, s: d.coverage(), table="coverage"),
    _rule("pit", "PIT histogram", (NUMERIC,), ONE_SHOT, QUANTS, "", False, "pit-histogram",
          "where the values fell in the forecasts' distributions: flat when calibrated", lambda d, s: d.pit(),
          table="pit"),
    # -- over time (yes/no) --------------------------------------------------------------------
    _rule("coverage_time", "Coverage", (BINARY,), TIME, DATED, "", False, "coverage",
          "the fraction of each question's horizon with a standing forecast", lambda d, s: d.coverage(),
          Figure("value", "Coverage (of the horizon)", ".3f")),
    _rule("baseline_time", "Time-averaged Metaculus baseline", (BINARY,), TIME, DATED, "higher", True,
          "time-averaged-baseline-score", "100 log2(p(outcome) / 0.5) averaged over the horizon, zero where no forecast stood",
          lambda d, s: d.baseline(), Figure("value", "Metaculus baseline, time-averaged", "+.1f", "higher",
                                            "0 where no forecast stood")),
    _rule("peer_time", "Time-averaged peer score", (BINARY,), TIME, DATED + ("other forecasters",), "higher", True,
          "time-averaged-peer-score", "100 (ln p - mean of the others' ln p), day by day, averaged over the horizon",
          lambda d, s: d.peer(), Figure("value", "Peer score, time-averaged", "+.1f", "higher",
                                        "questions someone else forecast")),
    _rule("brier_time", "Brier score over covered time", (BINARY,), TIME, DATED, "lower", True,
          "brier-and-log-over-covered-time", "the daily Brier score, averaged over the covered days only",
          lambda d, s: d.brier(), Figure("value", "Brier ({scale}), over covered days", ".4f", "lower")),
    _rule("log_time", "Log score over covered time", (BINARY,), TIME, DATED, "lower", True,
          "brier-and-log-over-covered-time", "the daily log score (nats), averaged over the covered days only",
          lambda d, s: d.log(), Figure("value", "Log score (nats), over covered days", ".4f", "lower")),
)

BY_NAME = {rule.name: rule for rule in RULES}
TABLES = ("calibration", "coverage", "pit")


def rules_for(kind: str, policy: str) -> tuple[Rule, ...]:
    """The rules that score questions of `kind` under `policy`, in registry order."""
    return tuple(r for r in RULES if kind in r.kinds and policy in r.policies)


def run_rules(data: Any, policy: str, settings: Settings) -> dict[str, Any]:
    """{rule name: result} for every rule that scores data's kind under policy (and applies to it)."""
    return {r.name: r.compute(data, settings) for r in rules_for(data.kind, policy)
            if r.applies is None or r.applies(data)}


def figure_value(result: Any, path: str) -> Any:
    """The value at `path` ("a.b") in a rule's result; None when any step is missing."""
    value = result
    for step in path.split("."):
        value = getattr(value, step, None) if not isinstance(value, dict) else value.get(step)
        if value is None:
            return None
    return value


def rules_table() -> str:
    """The registry as the markdown table docs/scoring.md holds (a test keeps them the same)."""
    from ..kinds import LABELS

    lines = ["| rule | kinds | policies | needs | better | proper | what it says |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in RULES:
        kinds = ", ".join(LABELS[k] for k in r.kinds)
        lines.append(f"| [{r.title}](#{r.doc}) (`{r.name}`) | {kinds} | {', '.join(r.policies)} | {', '.join(r.needs)} "
                     f"| {r.better or '—'} | {'yes' if r.proper else 'no'} | {r.summary} |")
    return "\n".join(lines) + "\n"

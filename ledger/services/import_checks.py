"""The ledger's rules on one imported row, before it is planned: a row that would break one is rejected alone.

`pledger check` finds these in the index (services.checks.dates_in_order, the outcome rule
index.derive.standing_entry); an import applies the same rules, in the same words, to the records
it would write, so that nothing it writes is then flagged: a new prediction's, and the forecasts and
outcome entries a row adds to a prediction already in the ledger. The other per-record rules of
store.read are the read-back check's (services.imports).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..index.derive import correction_message, resolved_twice_message, standing_entry
from .checks import due_before_made, forecast_before_made, resolved_before_made
from .defaults import after_today, today

if TYPE_CHECKING:
    from ..importers.base import ImportedForecast, ImportedItem, ImportedOutcome


def new_prediction_problem(item: ImportedItem) -> str | None:
    """Why the prediction `item` would become breaks a rule (made after today, due before made, its later
    forecasts and outcome entries: added_problem), every reason in one text; None when it breaks none."""
    reasons = []
    if item.made > today():
        reasons.append(f"made {after_today(item.made)}: a prediction is recorded on or after the day it is made; "
                       "check the date")
    if item.due is not None and item.due < item.made:
        reasons.append(due_before_made(item.id, item.due, item.made))
    added = added_problem(item.id, item.made, item.forecasts[1:], item.outcomes)
    if added is not None:
        reasons.append(added)
    return "; and ".join(reasons) or None


def added_problem(pid: str, made: dt.date, forecasts: list[ImportedForecast],
                  outcomes: list[ImportedOutcome]) -> str | None:
    """Why forecasts and outcome entries written for `pid` (made on `made`; outcomes: only when it has no entry
    yet) would break a rule, every reason in one text, or None."""
    reasons = []
    early = [f for f in forecasts if f.at < made]
    if early:  # the prediction is its first forecast: none of its later ones comes before it
        reasons.append(forecast_before_made(pid, min(f.at for f in early), made, len(early)))
    if outcomes:
        why = outcome_problem(pid, made, outcomes)
        if why is not None:
            reasons.append(why)
    return "; and ".join(reasons) or None


def outcome_problem(pid: str, made: dt.date, outcomes: list[ImportedOutcome]) -> str | None:
    """Why outcome entries written for `pid` (made on `made`, with no entry yet) would break a rule, or None."""
    early = [o for o in outcomes if o.on < made]
    if early:  # the index leaves such an entry out, as if not written: the rule below reads the rest
        return resolved_before_made(pid, early[0].on, made, in_ledger=False)
    # In the order the outcome rule reads them: by date, a resolution before its corrections on the same day.
    ordered = sorted(outcomes, key=lambda o: (o.on, o.correction))
    _, errors = standing_entry([(o.correction,) for o in ordered])
    if not errors:
        return None
    i, what, first = errors[0]
    if what == "correction":
        return correction_message(pid, ordered[i].on)
    return f"the outcome of {ordered[i].on}: " + resolved_twice_message(pid, f"the outcome of {ordered[first].on}")

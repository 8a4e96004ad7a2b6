"""The ledger's rules on one imported row, before it is planned: a row that would break one is rejected alone.

`pledger check` finds these in the index (services.checks.dates_in_order, the outcome rule
index.derive.standing_entry); an import applies the same rules, in the same words, to the records
it would write, so that nothing it writes is then flagged. The per-record rules of store.read
(a later forecast dated before the prediction) are the read-back check's (services.imports).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from ..index.derive import correction_message, resolved_twice_message, standing_entry
from .checks import due_before_made, resolved_before_made
from .defaults import after_today, today

if TYPE_CHECKING:
    from ..importers.base import ImportedItem, ImportedOutcome


def new_prediction_problem(item: ImportedItem) -> str | None:
    """Why the prediction `item` would become breaks a rule (made after today, due before made, its outcome
    entries: outcome_problem), every reason in one text; None when it breaks none."""
    reasons = []
    if item.made > today():
        reasons.append(f"made {after_today(item.made)}: a prediction is recorded on or after the day it is made; "
                       "check the date")
    if item.due is not None and item.due < item.made:
        reasons.append(due_before_made(item.id, item.due, item.made))
    outcomes = outcome_problem(item.id, item.made, item.outcomes)
    if outcomes is not None:
        reasons.append(outcomes)
    return "; and ".join(reasons) or None


def outcome_problem(pid: str, made: dt.date, outcomes: list[ImportedOutcome]) -> str | None:
    """Why outcome entries written for `pid` (made on `made`, with no entry yet) would break a rule, or None."""
    early = [o for o in outcomes if o.on < made]
    if early:  # the index leaves such an entry out, as if not written: the rule below reads the rest
        return resolved_before_made(pid, early[0].on, made)
    # In the order the outcome rule reads them: by date, a resolution before its corrections on the same day.
    ordered = sorted(outcomes, key=lambda o: (o.on, o.correction))
    _, errors = standing_entry([(o.correction,) for o in ordered])
    if not errors:
        return None
    i, what, first = errors[0]
    if what == "correction":
        return correction_message(pid, ordered[i].on)
    return f"the outcome of {ordered[i].on}: " + resolved_twice_message(pid, f"the outcome of {ordered[first].on}")

"""The library from a notebook: open a ledger, select, score, get a DataFrame.

    import ledger
    book = ledger.open("predictions")
    book.predictions(set="anthropic-sae-2024", status="resolved")   # PredictionState records
    book.score(set="anthropic-sae-2024").report.gap.total             # -0.74
    book.forecasts_frame()                                            # pandas, if installed

Filters (every method takes them): set, by, tag (one or a list), about, status,
since, until (dates or YYYY-MM-DD), ids. docs/api.md has the whole tour.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from .errors import UsageError
from .services.ledger import Ledger
from .services.select import STATUSES, Selection

PANDAS_HINT = "pandas is not installed; install the extra: pip install 'prediction-ledger[pandas]'"


def open_ledger(root: str | os.PathLike | None = None, database_url: str | None = None) -> LedgerBook:
    """Open the ledger at root (default: $PLEDGER_ROOT, else ./predictions). Raises LedgerError if it is missing."""
    return LedgerBook(Ledger.open(root, database_url))


class LedgerBook:
    """A ledger for reading: every call reads the current files (the index refreshes itself)."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger

    @property
    def root(self):
        return self.ledger.root

    def __repr__(self) -> str:
        return f"<ledger at {os.fspath(self.root)!r}>"

    def selection(self, **filters: Any) -> Selection:
        """A Selection from keyword filters; a TypeError or ValueError names a bad one."""
        return make_selection(**filters)

    def predictions(self, **filters: Any) -> list:
        """The selected predictions in ledger order, each with its status and current outcome (PredictionState)."""
        from .services.queries import list_states

        states, _, _ = list_states(self.ledger, make_selection(**filters))
        return states

    def score(self, policy: str = "first", *, by_forecaster: bool = False, brier_scale: str = "0-1",
              bootstrap: int | str | None = "auto", eps: float | None = None, bins: Any = None, seed: int = 0,
              over_time: str | None = None, min_n: int | None = None, **filters: Any):
        """Score the selection (services.scores.score): a ScoreRun with report (yes/no), reports
        (the other kinds; yes/no over time under policy "time-weighted"), counts and rules.

        over_time -- "month", "quarter" or "year": run.over_time.periods, each with its own run
        """
        from .services.scores import score

        return score(self.ledger, make_selection(**filters), policy, by_forecaster=by_forecaster,
                     brier_scale=brier_scale, bootstrap=bootstrap, eps=eps, bins=bins, seed=seed,
                     over_time=over_time, min_n=min_n)

    def forecast_rows(self, **filters: Any) -> list[dict]:
        """Every forecast of the selection with its prediction's outcome, as dicts (no pandas needed)."""
        from .services.export import forecast_rows

        return forecast_rows(self.ledger, make_selection(**filters))

    def forecasts_frame(self, **filters: Any):
        """forecast_rows as a pandas DataFrame (one row per forecast; columns in docs/api.md)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError(PANDAS_HINT) from None
        from .services.export import FORECAST_ROW_KEYS

        frame = pd.DataFrame(self.forecast_rows(**filters), columns=list(FORECAST_ROW_KEYS))
        for column in ("at", "made", "due", "resolved_on"):
            frame[column] = pd.to_datetime(frame[column])
        frame["outcome"] = frame["outcome"].astype("Int8")
        for column in ("initial", "after_resolution"):  # bool even with no rows, so ~frame[column] works
            frame[column] = frame[column].astype(bool)
        return frame

    to_pandas = forecasts_frame

    def export(self, fmt: str = "json", **filters: Any) -> str:
        """The selection as `pledger export FORMAT` writes it (csv, json or yaml)."""
        from .services.export import FORMATS, export_predictions, render

        if fmt not in FORMATS:
            raise ValueError(f"fmt must be one of {', '.join(FORMATS)}, not {fmt!r}")
        selection = make_selection(**filters)
        return render(fmt, export_predictions(self.ledger, selection), selection)

    def verify(self, seal: str | None = None, **filters: Any):
        """`pledger verify`: a VerifyReport (ledger.services.verify) of the selection against the git
        history; `.available` is False when the ledger is not in a git repository."""
        from .services.verify import verify

        return verify(self.ledger, make_selection(**filters), seal=seal)

    def seal(self, **filters: Any):
        """`pledger seal`: the Seal (ledger.seal) of the selection as it is now; `.hex` is the digest."""
        from .services.sealing import make_seal

        return make_seal(self.ledger, make_selection(**filters))

    def import_file(self, fmt: str, path: str | os.PathLike, **options: Any):
        """`pledger import FORMAT FILE` (options: set_id, by, dry_run, strict, mapping, encoding): an ImportReport."""
        from .importers import run_import

        return run_import(self.ledger, fmt, path, **options)

    def close(self) -> None:
        self.ledger.close()


_FILTERS = ("set", "set_id", "by", "tag", "tags", "about", "status", "since", "until", "ids")


def make_selection(**filters: Any) -> Selection:
    unknown = [k for k in filters if k not in _FILTERS]
    if unknown:
        raise TypeError(f"unknown filter {unknown[0]!r}; the filters are {', '.join(_FILTERS)}")
    tags = filters.get("tags", filters.get("tag")) or ()
    if isinstance(tags, str):
        tags = (tags,)
    ids = filters.get("ids") or ()
    if isinstance(ids, str):
        ids = (ids,)
    status = filters.get("status")
    if status is not None and status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    return Selection(
        set_id=filters.get("set", filters.get("set_id")), by=filters.get("by"), tags=tuple(tags),
        about=filters.get("about"), status=status, since=_day(filters.get("since"), "since"),
        until=_day(filters.get("until"), "until"), ids=tuple(ids),
    )


def _day(value: Any, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a date; use YYYY-MM-DD or a datetime.date") from None


__all__ = ["open_ledger", "LedgerBook", "make_selection", "UsageError"]

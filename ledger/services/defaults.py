"""Defaults a command falls back on: today's date and who is speaking."""

from __future__ import annotations

import datetime as dt
import getpass
import os

TODAY_ENV = "PLEDGER_TODAY"  # fixes "today" for reproducible runs (tests, docs)
BY_ENV = "PLEDGER_BY"


def today() -> dt.date:
    fixed = os.environ.get(TODAY_ENV)
    if fixed:
        try:
            return dt.date.fromisoformat(fixed.strip())
        except ValueError:
            from ..errors import UsageError

            raise UsageError(f"{TODAY_ENV}={fixed!r} is not a date; write YYYY-MM-DD or unset it", TODAY_ENV) from None
    return dt.date.today()


def after_today(day: dt.date) -> str:
    """The words for a day after today, which nothing is recorded on (add's --made, an import's row)."""
    return f"{day} is after today ({today()})"


def default_by() -> str:
    """$PLEDGER_BY (trimmed; a usage error naming it when blank or on two lines), else the user name."""
    name = os.environ.get(BY_ENV)
    if name:
        from ..names import checked_name

        return checked_name(name, BY_ENV)
    try:
        return getpass.getuser()
    except Exception:  # no user database (some containers)
        return "me"

"""Due dates as an iCalendar file (RFC 5545), for `pledger due --ics`.

One all-day event per prediction on its due date. What the RFC asks, and
calendar programs check:
- lines end in CRLF and are folded at 75 octets (a continuation line starts with
  one space), never inside a UTF-8 character (3.1);
- TEXT values escape backslash, `;`, `,` and line breaks (3.3.11); control
  characters, which TEXT may not hold, are written as visible escapes (`\\x1b`);
- every event has a UID that stays the same from one export to the next (here:
  the prediction's id and a digest of its author and date made), a DTSTAMP, and a
  DTSTART;VALUE=DATE with the exclusive DTEND of an all-day event (3.6.1).
The same ledger and day give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from ..controls import CONTROL, escaped
from ..names import name_key

FOLD_AT = 75  # octets per line, the line break not counted (RFC 5545 3.1)


def text_value(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): line breaks as \\n, backslash, ';' and ',' escaped, controls shown."""
    value = value.replace("\r\n", "\n")
    value = CONTROL.sub(lambda m: "\n" if m.group() == "\n" else escaped(m.group()), value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold(line: str) -> bytes:
    """One content line as UTF-8, folded into lines of at most 75 octets, each ending in CRLF."""
    data = line.encode("utf-8")
    out, limit = [], FOLD_AT
    while len(data) > limit:
        cut = limit
        while cut > 0 and (data[cut] & 0xC0) == 0x80:  # not inside a multi-byte character
            cut -= 1
        out.append(data[:cut])
        data = data[cut:]
        limit = FOLD_AT - 1  # the leading space of a continuation counts
    out.append(data)
    return b"\r\n ".join(out) + b"\r\n"


def uid(prediction) -> str:
    """Stable across exports and machines: the id, and a digest of who made it when (ids are unique in a ledger)."""
    digest = hashlib.sha256(f"{name_key(prediction.by)}|{prediction.made}|{prediction.id}".encode()).hexdigest()[:12]
    return f"{prediction.id}-{digest}@prediction-ledger"


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def render_ics(states, stamp: dt.date, version: str) -> bytes:
    """The calendar: one VEVENT per prediction state (each with a due date), in the order given.

    stamp -- the day the file is made (DTSTAMP, at 00:00 UTC, so the output is reproducible)
    """
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:-//prediction-ledger//pledger {version}//EN",
             "CALSCALE:GREGORIAN", "X-WR-CALNAME:pledger: predictions due"]
    for s in states:
        pr = s.prediction
        description = [pr.claim, f"p {pr.p_typed}, by {pr.by}, made {pr.made}"]
        if pr.set_id:
            description.append(f"set {pr.set_id}")
        if pr.criteria:
            description.append(f"criteria: {pr.criteria}")
        description += [f"{pr.location.path}:{pr.location.line}", f"pledger resolve {pr.id} yes|no|annulled"]
        lines += [
            "BEGIN:VEVENT",
            f"UID:{uid(pr)}",
            f"DTSTAMP:{_date(stamp)}T000000Z",
            f"DTSTART;VALUE=DATE:{_date(pr.due)}",
            *([f"DTEND;VALUE=DATE:{_date(pr.due + dt.timedelta(days=1))}"] if pr.due < dt.date.max else []),
            f"SUMMARY:{text_value(f'Resolve {pr.id}: {pr.claim}')}",
            f"DESCRIPTION:{text_value(chr(10).join(description))}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)

"""What text a record may hold so that every index stores it as written.

A NUL character (written `"\\0"` or `"\\x00"` in a double-quoted YAML string)
cannot be stored in PostgreSQL's text, and half of a UTF-16 surrogate pair
(`"\\ud800"`) is no character at all: no UTF-8 encodes it, so no database
stores it. Both are refused where the record is read, as problems at their
file:line (`pledger check`), the same on every database.
"""

from __future__ import annotations


def unstorable(value: str) -> str | None:
    """Why `value` cannot be stored (the end of a sentence starting with the value's name), or None."""
    if "\x00" in value:
        return "holds a NUL character (\\x00), which no index can store (PostgreSQL's text cannot hold it); remove it"
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return (f"holds {value[exc.start]!r}, half of a UTF-16 surrogate pair and no character; "
                    "write the character itself")
    return None

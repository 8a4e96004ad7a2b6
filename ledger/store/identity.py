"""A ledger's identity: its name and key, kept in `<root>/.pledger-id` and committed with it.

A shared index (a PostgreSQL server, docs/team.md) holds several ledgers side by
side; the identity is what keeps them apart. The **name** is what people type
(`pledger --ledger NAME score`) and names the ledger's schema on the server; the
**key** is random, so two ledgers that happen to take the same name are still
told apart: an index made by one refuses the other.

    # comments
    name: sae-forecasts
    key: 9f3c2a71d0b84e56

`pledger init` writes it, on a new ledger or on one made before identities
existed. Clones of a repository share it (they are the same ledger); a copy of
the file in another ledger would make the two one ledger to the index.

Light on purpose (no YAML, no SQLAlchemy): the read commands look it up.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..errors import LedgerError, Problem, SourceLocation

IDENTITY_FILE = ".pledger-id"
MAX_NAME_LENGTH = 40  # a schema name is at most 63 bytes: the prefix, "_" and this
NAME_PATTERN = r"[a-z0-9][a-z0-9_-]*"
_NAME = re.compile(rf"^{NAME_PATTERN}$")
_KEY = re.compile(r"^[0-9a-f]{16,64}$")
HEADER = (
    "# This ledger's identity. A shared index keeps each ledger apart by it (docs/team.md):\n"
    "# commit this file; a new ledger gets its own from `pledger init`, never a copy of this one.\n"
)


@dataclass(frozen=True, slots=True)
class Identity:
    name: str
    key: str

    def to_dict(self) -> dict:
        return {"name": self.name, "key": self.key}


def check_name(name: str) -> str | None:
    """Why `name` cannot name a ledger (None: it can)."""
    if not _NAME.match(name):
        return (f"{name!r} is not a ledger name: start with a lowercase letter or digit, "
                "then use a-z 0-9 _ -")
    if len(name) > MAX_NAME_LENGTH:
        return f"{name!r} is {len(name)} characters long; a ledger name has at most {MAX_NAME_LENGTH}"
    return None


def default_name(root: Path) -> str:
    """A name from the ledger's folder (its parent's, when it is the default `predictions`)."""
    folder = Path(os.path.abspath(root))
    base = folder.parent.name if folder.name == "predictions" and folder.parent.name else folder.name
    slug = re.sub(r"[^a-z0-9_-]+", "-", base.lower()).strip("-_")[:MAX_NAME_LENGTH].strip("-_")
    return slug or "ledger"


def identity_path(root: Path) -> Path:
    return Path(root) / IDENTITY_FILE


def read_identity(root: Path) -> Identity | None:
    """The ledger's identity; None when it has none (made before identities, or never `init`ed).

    A file that is there but unreadable or malformed is a LedgerError naming its line.
    """
    path = identity_path(root)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise LedgerError(f"cannot read the ledger's identity {os.fspath(path)}: {getattr(exc, 'strerror', None) or exc}") from None
    values: dict[str, tuple[str, int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition(":")
        key, value = key.strip(), value.strip()
        if not sep or key not in ("name", "key"):
            _bad(path, number, f"{stripped!r} is not `name: NAME` or `key: KEY`")
        if key in values:
            _bad(path, number, f"`{key}:` is given twice")
        values[key] = (value, number)
    for key in ("name", "key"):
        if key not in values:
            _bad(path, 1, f"no `{key}:` line; run `pledger init` on a ledger without {IDENTITY_FILE} to make one")
    name, line = values["name"]
    why = check_name(name)
    if why:
        _bad(path, line, why)
    key, line = values["key"]
    if not _KEY.match(key):
        _bad(path, line, f"{key!r} is not a key (16 to 64 lowercase hexadecimal digits)")
    return Identity(name, key)


def _bad(path: Path, line: int, message: str):
    raise LedgerError(
        f"the ledger's identity file {os.fspath(path)} is malformed; fix it (docs/team.md)",
        [Problem(SourceLocation(IDENTITY_FILE, line, 1), message, "identity")],
    )


def ensure_identity(root: Path, name: str | None = None) -> tuple[Identity, bool]:
    """The ledger's identity, made (and written) when it has none: (identity, whether it was made now).

    `name` is the name for a new identity; asking for another name than the
    ledger already has is a LedgerError (an identity is never changed by a command:
    the server's index of the ledger is named by it).
    """
    from ..errors import UsageError
    from .write import create_exclusive

    if name is not None:
        why = check_name(name)
        if why:
            raise UsageError(f"--name: {why}", "--name")
    existing = read_identity(root)
    if existing is not None:
        if name is not None and name != existing.name:
            raise LedgerError(
                f"this ledger is already named {existing.name!r} (in {os.fspath(identity_path(root))}); "
                "a command never renames a ledger: edit the file's `name:` line to rename it (docs/team.md)"
            )
        return existing, False
    identity = Identity(name or default_name(root), secrets.token_hex(8))
    create_exclusive(identity_path(root), f"{HEADER}name: {identity.name}\nkey: {identity.key}\n")
    return identity, True

"""Where the index is: the ledger's own SQLite file, or a database PLEDGER_DATABASE_URL names.

Light on purpose (the standard library only): a read command works out where to
read before it decides whether it needs SQLAlchemy at all.

PostgreSQL URLs (`postgresql://`, `postgres://`) mean the psycopg 3 driver,
whatever SQLAlchemy's own default for them is (`pip install
"prediction-ledger[postgres]"`). On PostgreSQL every ledger's index lives in its
own schema, `<prefix>_<name>` (ledger.store.identity: the name with `-` as `_`):
nothing outside it is ever created, altered or dropped. The prefix is `pledger`
unless the URL's `pledger_prefix` parameter names another (a test run, a
staging copy beside production); pledger takes that parameter out before the
URL reaches the driver.

A URL is never shown with its password (`shown`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_PREFIX = "pledger"
PREFIX_PARAM = "pledger_prefix"
POSTGRES_SCHEMES = ("postgresql", "postgres")
PSYCOPG = "postgresql+psycopg"
MAX_PREFIX_LENGTH = 20
_PREFIX = re.compile(r"^[a-z][a-z0-9_]*$")
_PASSWORD = re.compile(r"(://[^/?#@:]*:)[^/?#@]*@")


def shown(url: str) -> str:
    """The URL with any password replaced by ***."""
    return _PASSWORD.sub(r"\1***@", url)


@dataclass(frozen=True, slots=True)
class Target:
    """A database for the index, from a URL (PLEDGER_DATABASE_URL, or the own index's sqlite URL)."""

    url: str  # the URL for SQLAlchemy: the driver named, pledger's own parameters taken out
    dialect: str  # "sqlite", "postgresql", or another SQLAlchemy dialect's name
    prefix: str = DEFAULT_PREFIX  # schema names on PostgreSQL: <prefix>_<ledger name>
    own: bool = False  # the ledger's own index file (<root>/.pledger/index.sqlite, the cache, or memory)
    source: str = ""  # how to name it in a message: `PLEDGER_DATABASE_URL='...'` or `the index '...'`
    given: str = ""  # the URL as given

    @property
    def postgres(self) -> bool:
        return self.dialect == "postgresql"

    @property
    def shown(self) -> str:
        """The URL as given, without its password."""
        return shown(self.given or self.url)

    def schema(self, name: str) -> str:
        """The schema holding ledger `name`'s index (PostgreSQL)."""
        return f"{self.prefix}_{name.replace('-', '_')}"

    def libpq(self) -> str:
        """The URL as psycopg (libpq) takes it: no SQLAlchemy driver name."""
        parts = urlsplit(self.url)
        return urlunsplit(("postgresql", *parts[1:]))


def target_for(url: str, *, own: bool = False, source: str | None = None) -> Target:
    """The Target of a URL. Raises UsageError for a PostgreSQL URL that names another driver
    or a bad prefix (an unparseable URL is left to SQLAlchemy, which says what is wrong)."""
    from ..errors import UsageError
    from .warm import DATABASE_URL_ENV

    source = source or f"{DATABASE_URL_ENV}={shown(url)!r}"
    scheme, sep, _rest = url.partition("://")
    if not sep:
        return Target(url, "", own=own, source=source, given=url)
    dialect, _, driver = scheme.lower().partition("+")
    if dialect not in POSTGRES_SCHEMES:
        return Target(url, dialect, own=own, source=source, given=url)
    if driver and driver != "psycopg":
        raise UsageError(
            f"{source} names the driver {driver!r}; pledger reaches PostgreSQL through psycopg 3: "
            "write postgresql://... (pip install \"prediction-ledger[postgres]\")",
            DATABASE_URL_ENV,
        )
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefixes = [value for key, value in query if key == PREFIX_PARAM]
    prefix = prefixes[-1] if prefixes else DEFAULT_PREFIX
    if not _PREFIX.match(prefix) or len(prefix) > MAX_PREFIX_LENGTH:
        raise UsageError(
            f"{source}: {PREFIX_PARAM}={prefix!r} is not a schema prefix: a lowercase letter, then a-z 0-9 _, "
            f"at most {MAX_PREFIX_LENGTH} characters",
            DATABASE_URL_ENV,
        )
    rest = urlencode([(k, v) for k, v in query if k != PREFIX_PARAM])
    clean = urlunsplit((PSYCOPG, parts.netloc, parts.path, rest, parts.fragment))
    return Target(clean, "postgresql", prefix, own=own, source=source, given=url)

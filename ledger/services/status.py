"""What the index is and what it reflects: `pledger status`.

The ledger's identity, where its index lives (the URL never with its password),
the commit of the ledger it reflects and when it last changed (index.server.stamp),
how many records it holds; on a PostgreSQL server, every ledger kept there.
An indexer's status refreshes first, so it shows the index as of this moment;
a read-only one shows the index as it stands.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..index.format import FORMAT_KEY
from ..index.sql import as_db
from .ledger import Ledger

COUNTED = ("files", "predictions", "forecasts", "outcomes", "claims", "assessments", "ledger_problems")


@dataclass(frozen=True)
class LedgerOnServer:
    name: str
    key: str
    schema: str
    format: str | None
    commit: str | None
    dirty: bool
    refreshed_at: str | None

    def to_dict(self) -> dict:
        return {"name": self.name, "key": self.key, "schema": self.schema, "format": self.format,
                "commit": self.commit, "dirty": self.dirty, "refreshed_at": self.refreshed_at}


@dataclass(frozen=True)
class IndexStatus:
    ledger: dict | None  # {"name", "key"} of the ledger read; None when none (or several) is
    root: str | None
    kind: str  # sqlite | postgresql | another SQLAlchemy dialect
    where: str  # the index file, or the URL without its password
    schema: str | None
    read_only: bool
    format: str | None = None
    commit: str | None = None
    dirty: bool = False
    refreshed_at: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    ledgers: tuple[LedgerOnServer, ...] = ()  # on a server: every ledger this role can read (or the ones named)

    def to_dict(self) -> dict:
        return {
            "ledger": self.ledger, "root": self.root,
            "index": {"kind": self.kind, "where": self.where, "schema": self.schema, "read_only": self.read_only,
                      "format": self.format},
            "reflects": {"commit": self.commit, "dirty": self.dirty, "refreshed_at": self.refreshed_at},
            "counts": self.counts,
            "ledgers": [entry.to_dict() for entry in self.ledgers],
        }


def _on_server(meta: dict[str, str]) -> LedgerOnServer:
    return LedgerOnServer(meta["ledger_name"], meta.get("ledger_key", ""), meta["schema"], meta.get(FORMAT_KEY),
                          meta.get("commit") or None, meta.get("dirty") == "1", meta.get("refreshed_at"))


def index_status(ledger: Ledger) -> IndexStatus:
    target = ledger.target()
    names = ledger.ledgers or ((ledger.identity.name,) if ledger.identity is not None else ())
    where = target.shown if not target.own else _own_file(target.url)
    base = dict(root=os.fspath(ledger.root) if ledger.root is not None else None, kind=target.dialect or "?",
                where=where, read_only=ledger.read_only)
    if target.postgres and ledger.read_only and not names:
        from ..index import pgread

        conn = pgread.connect(target)
        try:
            pgread.begin_snapshot(conn, None)
            found = pgread.ledgers_on(pgread.PgDb(conn), target.prefix)
        finally:
            conn.close()
        return IndexStatus(None, schema=None, ledgers=tuple(_on_server(m) for m in found), **base)
    several = len(names) > 1
    reader = ledger.reader() if ledger.read_only else ledger.connect()
    with reader as conn:
        db = as_db(conn)
        counts = {table: int(db.rows(f"SELECT count(*) FROM {table}")[0][0]) for table in COUNTED
                  if not several or table != "files"}
        counts["problems"] = counts.pop("ledger_problems")
        ledgers: tuple[LedgerOnServer, ...] = ()
        meta: dict[str, str] = {}
        if target.postgres:
            from ..index import pgread

            found = [m for m in pgread.ledgers_on(db, target.prefix) if m["ledger_name"] in names]
            ledgers = tuple(_on_server(m) for m in found)
            meta = next((m for m in found if not several and m["ledger_name"] == names[0]), {})
        else:
            meta = dict(db.rows('SELECT "key", "value" FROM meta'))
    identity = None
    if not several and meta.get("ledger_name"):
        identity = {"name": meta["ledger_name"], "key": meta.get("ledger_key")}
    return IndexStatus(
        identity, schema=target.schema(names[0]) if target.postgres and not several else None,
        format=meta.get(FORMAT_KEY), commit=meta.get("commit") or None, dirty=meta.get("dirty") == "1",
        refreshed_at=meta.get("refreshed_at"), counts=counts, ledgers=ledgers, **base,
    )


def _own_file(url: str) -> str:
    return url.split("sqlite:///", 1)[1] if url.startswith("sqlite:///") else "memory (the index could not be kept on disk)"

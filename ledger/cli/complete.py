"""Shell completion of ids, sets, tags and formats (`pledger --install-completion`).

Ids, sets and tags come straight from the SQLite index file, opened read-only
and never refreshed: a completion must answer at once, and a list as of the last
command is good enough. With PLEDGER_DATABASE_URL, or before any command has
built the index, ids are not completed. The options name their
completion with common.completer("ids"), a closure that imports this module only
when the shell asks, so `pledger --help` never loads it.
"""


def _short(text: str, width: int = 60) -> str:
    from .visible import visible

    flat = " ".join(visible(text or "", line_breaks=False).split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _rows(ctx, sql: str) -> list[tuple]:
    """Rows of sql on the ledger's index as it is; [] when there is no index to read."""
    import os
    import sqlite3
    from pathlib import Path

    from ..index.warm import DATABASE_URL_ENV, index_path
    from ..services.ledger import default_root

    if os.environ.get(DATABASE_URL_ENV):
        return []
    root = ctx.find_root().params.get("root") or default_root()
    path = index_path(Path(root)) if root else None
    if path is None or not path.is_file():
        return []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return []


def _matching(rows, incomplete: str) -> list[tuple[str, str]]:
    return [(value, _short(about)) for value, about in rows if value.startswith(incomplete)]


def prediction_ids(ctx, incomplete: str) -> list[tuple[str, str]]:
    return _matching(_rows(ctx, "SELECT id, claim FROM predictions ORDER BY id"), incomplete)


def claim_ids(ctx, incomplete: str) -> list[tuple[str, str]]:
    return _matching(_rows(ctx, "SELECT id, quote FROM claims ORDER BY id"), incomplete)


def set_ids(ctx, incomplete: str) -> list[tuple[str, str]]:
    return _matching(_rows(ctx, "SELECT id, coalesce(title, '') FROM sets GROUP BY id ORDER BY id"), incomplete)


def tags(ctx, incomplete: str) -> list[str]:
    return [t for (t,) in _rows(ctx, "SELECT DISTINCT tag FROM tags ORDER BY tag") if t.startswith(incomplete.lower())]


def claim_tags(ctx, incomplete: str) -> list[str]:
    rows = _rows(ctx, "SELECT tags FROM claims")
    import json

    found = sorted({t for (text,) in rows for t in json.loads(text or "[]")})
    return [t for t in found if t.startswith(incomplete.lower())]


def import_formats(ctx, incomplete: str) -> list[tuple[str, str]]:
    from ..importers import FORMATS

    return [(name, f.description) for name, f in FORMATS.items() if name.startswith(incomplete)]


def export_formats(ctx, incomplete: str) -> list[str]:
    from ..services.export import FORMATS

    return [name for name in FORMATS if name.startswith(incomplete)]


KINDS = {"ids": prediction_ids, "claims": claim_ids, "sets": set_ids, "tags": tags, "claim-tags": claim_tags,
         "import-formats": import_formats, "export-formats": export_formats}


def candidates(kind: str, ctx, incomplete: str):
    """What the shell may complete `incomplete` to, for an argument of this kind (KINDS)."""
    return KINDS[kind](ctx, incomplete or "")

"""Helpers the ledger tests import by name (fixtures live in conftest.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_LEDGER = REPO / "predictions"
TODAY = "2026-11-23"
BY = "tester"


def write_files(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text} under root; text is dedented and loses one leading newline."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content).lstrip("\n"), encoding="utf-8", newline="")
    return root


def identify(root: Path, name: str | None = None, key: str | None = None) -> Path:
    """Give a ledger an identity, as `pledger init` does (ledger.store.identity); returns root.
    With a key, that one: a ledger made afresh again and again (hypothesis) is still the same ledger."""
    from ledger.store.identity import ensure_identity, identity_path

    if key is not None:
        identity_path(root).write_text(f"name: {name or 'ledger'}\nkey: {key}\n", encoding="utf-8")
    else:
        ensure_identity(root, name)
    return root


def server_url(server: str, prefix: str) -> str:
    """The server's URL with a schema prefix of its own (ledger.index.target's `pledger_prefix`)."""
    return f"{server}{'&' if '?' in server else '?'}pledger_prefix={prefix}"


def on_server() -> bool:
    """Whether this test's index is on a PostgreSQL server (conftest: PLEDGER_TEST_POSTGRES)."""
    return os.environ.get("PLEDGER_DATABASE_URL", "").startswith(("postgresql", "postgres:"))


def forget_index(root: Path) -> None:
    """Delete a ledger's index wherever this test keeps it (its own SQLite file, or its schema on the
    server), so the next command builds it afresh."""
    from ledger.services.ledger import Ledger

    target = Ledger(root).target()
    if target.postgres:
        import psycopg

        with psycopg.connect(target.libpq(), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{target.schema(Ledger(root).identity.name)}" CASCADE')
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{root}/.pledger/index.sqlite{suffix}").unlink(missing_ok=True)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under root except the index folder, as bytes: to prove a command wrote nothing."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(".pledger/"):
            out[rel] = path.read_bytes()
    return out


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_pledger(*args: str, cwd: Path | None = None, timeout: float = 60) -> CliResult:
    """`python -m ledger ARGS` in a real subprocess, with this test's environment."""
    env = dict(os.environ, COLUMNS="200", PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "ledger", *map(str, args)],
        cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def assert_clean_error(result: CliResult, code: int, *fragments: str) -> None:
    """A failed command: the exit code, a `pledger: error:` message holding fragments, no traceback."""
    assert result.code == code, (result.code, result.out, result.err)
    assert "Traceback" not in result.err and "Traceback" not in result.out
    assert result.err.startswith("pledger: error: "), result.err
    for fragment in fragments:
        assert fragment in result.err, (fragment, result.err)


# -- parsed markdown (markdown-it-py): what a renderer makes of a report -------------
#
# "js-default" is markdown-it's default preset (tables, no raw HTML: what LessWrong
# runs); "commonmark" lets raw HTML through as html tokens, so a test can see that
# none reached the page.


def tables(markdown: str) -> list[list[list[str]]]:
    """Every table in the markdown as rows of cells' rendered inline text (header row first)."""
    tokens = MarkdownIt("js-default").parse(markdown)
    out, rows, row, in_table = [], [], None, False
    for tok in tokens:
        if tok.type == "table_open":
            rows, in_table = [], True
        elif tok.type == "table_close":
            out.append(rows)
            in_table = False
        elif in_table and tok.type == "tr_open":
            row = []
        elif in_table and tok.type == "tr_close":
            rows.append(row)
        elif in_table and tok.type == "inline":
            row.append(inline_text(tok))
    return out


def inline_text(tok) -> str:
    """An inline token's rendered text: text and code spans, a soft break as a space."""
    parts = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
    return "".join(parts)


def raw_html_tokens(markdown: str) -> list[str]:
    """Raw HTML a CommonMark renderer would pass through (block or inline)."""
    found = []
    for tok in MarkdownIt("commonmark").parse(markdown):
        if tok.type == "html_block":
            found.append(tok.content)
        for child in tok.children or []:
            if child.type == "html_inline":
                found.append(child.content)
    return found


def scorecard_html(markdown: str) -> list[str]:
    """Raw HTML in a scorecard that the scorecard did not write itself: all but the github appendix's
    fold (<details> with its title, whichever parts it holds), which holds no user text."""
    from itertools import product

    from ledger.report.card import appendix_title

    ours = {"</details>\n"} | {f"<details><summary>{appendix_title(parts, technical)}</summary>\n"
                               for parts, technical in product(({"scores", "calibration"}, {"scores"}, {"calibration"},
                                                                set()), (True, False))}
    return [h for h in raw_html_tokens(markdown) if h not in ours]


def hrefs(markdown: str) -> list[str]:
    """Every link's and image's destination, in order."""
    out = []
    for tok in MarkdownIt("js-default").parse(markdown):
        for child in tok.children or []:
            if child.type == "link_open":
                out.append(child.attrs["href"])
            if child.type == "image":
                out.append(child.attrs["src"])
    return out


# A predictions file as people edit it by hand: what every write must keep byte for byte.
HAND_EDITED = """\
# Ada's predictions, edited by hand: comments, odd quoting, blank lines.
set: mine
by: ada
made: 2025-01-06   # the day of the meeting

predictions:
  # The first one was argued about.
  - id: 'first'
    claim: "Quoted, with: a colon"   # trailing comment
    p: 70%

  - {id: second, claim: A flow-style item, p: 1 in 4}
  - id: third
    claim: >-
      Folded
      over two lines
    p: 3:1    # odds
    tags: [a,   b]
# a comment after the list

title: A title written after the list
"""

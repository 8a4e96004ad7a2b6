"""Terminal injection (issue 13): no text from the ledger reaches a terminal as control codes.

Escape sequences in claims, notes, titles, evidence, names and file names set
the window title (OSC 0), wrote the clipboard (OSC 52) and cleared the screen
when `list` or `show` printed them. Every renderer now shows them escaped, in
the terminal form and the piped one; text typed for a record refuses them.
"""

from __future__ import annotations

import json
import re

import pytest

from ledger.controls import CONTROLS
from support import assert_clean_error, snapshot

# OSC 52 (clipboard), OSC 0 (title), CSI 2J (clear), an 8-bit CSI, NEL (U+0085), an RLO and an LRI.
RAW = "\x1b]52;c;aGk=\x07\x1b]0;pwned\x07\x1b[2J\x9b31m\x85\u202eevil\u2066"
YAML = '"\\e]52;c;aGk=\\a\\e]0;pwned\\a\\e[2J\\x9b31m\\N\\u202eevil\\u2066"'
SHOWN = "\\x1b]52;c;aGk=\\x07\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\x85\\u202eevil\\u2066"
BAD = re.compile(f"[{CONTROLS}]")
FILE = "outcomes/\x1b]0;title\x07.yaml"  # a file name is text from the ledger too

FILES = {
    "sae.yaml": f"""set: s
title: {YAML}
by: {YAML}
made: 2025-01-01
about: {YAML}
predictions:
  - id: hostile
    claim: {YAML}
    p: 0.3
    due: 2025-06-01
    criteria: {YAML}
    source: {YAML}
    note: {YAML}
    tests: [c1]
  - id: plain
    claim: An ordinary claim
    p: 70%
    by: ben
    forecasts:
      - {{by: {YAML}, p: 0.4, at: 2025-02-01, note: {YAML}}}
  - id: bad
    claim: x
    p: {YAML}
  - id: choice
    claim: Which one?
    options: {{{YAML}: 60%, plain: 40%}}
""",
    FILE: f"""on: 2025-03-01
by: {YAML}
note: {YAML}
evidence:
  - url: {YAML.replace('"', '"https://example.org/', 1)}
    quote: {YAML}
    title: {YAML}
results:
  plain: yes
  nobody: no
  choice: {YAML}
""",
    "claims.yaml": f"""claims:
  - id: c1
    quote: {YAML}
    claimant: {YAML}
    locator: {YAML}
    source: {{title: {YAML}, url: 'https://example.org/a', authors: [{YAML}]}}
  - id: c2
    quote: q
    {YAML}: x
""",
    "assessments.yaml": f"""assessments:
  - claim: c1
    verdict: contested
    on: 2025-03-02
    by: {YAML}
    note: {YAML}
    evidence:
      - {{url: 'https://example.org/b', quote: {YAML}, stance: against}}
""",
}

COMMANDS = [
    ["list"], ["show", "choice"], ["list", "--about", RAW], ["list", "--set", RAW], ["list", "--tag", RAW], ["show", "hostile"],
    ["show", "plain"], ["due"], ["due", "--within", "1000w"], ["check"], ["claim", "list"],
    ["claim", "list", "--claimant", RAW], ["claim", "show", "c1"], ["score"], ["score", "--by-forecaster"],
    ["score", "--chart"], ["score", "--by", RAW], ["scorecard"], ["claims-report"], ["list", "--limit", RAW],
    ["show", RAW], ["edit", RAW],
]


@pytest.fixture
def hostile(make_ledger):
    return make_ledger(FILES)


@pytest.mark.parametrize("form", ["terminal", "piped"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c).replace(RAW, "RAW"))
def test_no_control_character_reaches_the_terminal(cli, hostile, monkeypatch, form, command):
    if form == "piped":
        monkeypatch.delenv("PLEDGER_FORCE_TTY")
    monkeypatch.setenv("EDITOR", "true")
    result = cli("--root", hostile, *command)
    assert result.code in (0, 1, 2), result
    assert "Traceback" not in result.err
    allowed = "\n\t" if form == "piped" else "\n"
    for stream in (result.out, result.err):
        assert [ch for ch in BAD.findall(stream) if ch not in allowed] == [], (command, stream)


def test_controls_are_shown_as_escapes_where_the_text_was(cli, hostile):
    out = cli("--root", hostile, "show", "hostile").out
    assert SHOWN in out  # the claim, visibly
    listed = cli("--root", hostile, "list").out
    assert "\\x1b]52;c;aGk=" in listed
    problems = cli("--root", hostile, "check").out
    assert "outcomes/\\x1b]0;title\\x07.yaml:" in problems  # the file name, in the problem's path


def test_json_output_keeps_the_text_exactly_and_escaped(cli, hostile):
    result = cli("--root", hostile, "list", "--json")
    assert BAD.search(result.out.replace("\n", "")) is None  # C1 and bidi as \\u escapes too, not only C0
    claims = {p["id"]: p["claim"] for p in json.loads(result.out)["predictions"]}
    assert claims["hostile"] == RAW


@pytest.mark.parametrize("text", ["only ascii, then DEL \x7f", "caf\u00e9 \x85 \u202e", "no control at all", "caf\u00e9"])
def test_json_visible_escapes_what_json_dumps_leaves_raw_and_keeps_the_value(text):
    from ledger.cli.visible import json_visible

    raw = json.dumps({"claim": text}, ensure_ascii=False)
    shown = json_visible(raw)
    assert BAD.search(shown) is None
    assert json.loads(shown) == {"claim": text}
    assert (shown == raw) == (BAD.search(text) is None)  # text without controls is left exactly as it was


def test_an_import_report_shows_a_strangers_text_escaped(cli, make_ledger, tmp_path):
    root = make_ledger({})
    sheet = tmp_path / "x.csv"
    sheet.write_text(f"claim,p,made\n{RAW.replace(',', ' ')},{RAW.replace(',', ' ')},2025-01-01\n", encoding="utf-8")
    result = cli("--root", root, "import", "csv", sheet)
    assert result.code == 0 and "rejected" in result.err
    assert BAD.search(result.out.replace("\n", "")) is None and BAD.search(result.err.replace("\n", "")) is None


# -- text typed for a record refuses control characters --------------------------------------

TYPED = [
    (["add", RAW, "-p", "0.5"], "CLAIM"),
    (["add", "x", "-p", "0.5", "--about", RAW], "--about"),
    (["add", "x", "-p", "0.5", "--criteria", RAW], "--criteria"),
    (["add", "x", "-p", "0.5", "--source", "https://example.org/" + RAW], "--source"),
    (["add", "x", "-p", "0.5", "--set", "new", "--title", RAW], "--title"),
    (["add", "x", "-p", "0.5", "--by", RAW], "--by"),
    (["forecast", "plain", "-p", "0.5", "--note", RAW], "--note"),
    (["resolve", "hostile", "yes", "--note", RAW], "--note"),
    (["resolve", "hostile", "yes", "--evidence", "https://example.org/" + RAW], "--evidence"),
    (["resolve", "hostile", "yes", "--evidence", "https://example.org/", "--quote", RAW], "--quote"),
    (["claim", "add", RAW, "--source", "https://example.org/q"], "QUOTE"),
    (["claim", "add", "q", "--source", "https://example.org/q", "--title", RAW], "--title"),
    (["claim", "add", "q", "--source", "https://example.org/q", "--claimant", RAW], "--claimant"),
    (["claim", "add", "q", "--source", "https://example.org/q", "--locator", RAW], "--locator"),
    (["claim", "assess", "c1", "open", "--note", RAW], "--note"),
    (["claim", "assess", "c1", "open", "--evidence", "https://example.org/" + RAW], "--evidence"),
    (["claim", "assess", "c1", "open", "--evidence", "https://example.org/", "--quote", RAW], "--quote"),
    (["scorecard", "--title", RAW], "--title"),
]


@pytest.mark.parametrize("command, argument", TYPED, ids=lambda v: " ".join(v).replace(RAW, "RAW") if isinstance(v, list) else v)
def test_text_typed_for_a_record_refuses_control_characters(cli, hostile, command, argument):
    before = snapshot(hostile)
    result = cli("--root", hostile, *command)
    assert_clean_error(result, 2, argument, "control character")
    assert len(result.err.splitlines()) == 1 and BAD.search(result.err.rstrip("\n")) is None
    assert snapshot(hostile) == before


@pytest.mark.parametrize("text", ["two\nlines", "a\ttab", "café ✓ 日本語", "windows\r\nline end"])
def test_line_breaks_tabs_and_unicode_are_fine_in_a_note(cli, hostile, text):
    assert cli("--root", hostile, "forecast", "plain", "-p", "0.5", "--note", text).code == 0
    notes = [f["note"] for f in json.loads(cli("--root", hostile, "show", "plain", "--json").out)["forecast_history"]]
    assert text.replace("\r\n", "\n") in notes


def test_a_one_line_argument_refuses_a_line_break(cli, hostile):
    before = snapshot(hostile)
    assert_clean_error(cli("--root", hostile, "claim", "add", "q", "--source", "https://example.org/q",
                           "--locator", "p. 3\nsection 2"), 2, "--locator holds a line break; it is one line of text")
    assert snapshot(hostile) == before

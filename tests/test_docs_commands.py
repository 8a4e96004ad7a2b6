"""Every `pledger ...` command line in README.md and docs/*.md names a command that
exists and only options it takes (in code blocks and in inline code spans,
synopses like `[--flavor github|lesswrong]` included)."""

from __future__ import annotations

import re
import shlex

import pytest
import typer

from support import REPO

DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def _invocations(text: str) -> list[tuple[int, str]]:
    """(line, command line) for each `pledger ...`: code-block lines (backslash
    continuations joined, shell comments, `&&` chains and pipes split off) and code spans."""
    found, lines, in_block, i = [], text.splitlines(), False, 0
    while i < len(lines):
        line, start = lines[i], i + 1
        if line.startswith("```"):
            in_block = not in_block
        elif in_block:
            while line.rstrip().endswith("\\") and i + 1 < len(lines):
                i += 1
                line = line.rstrip()[:-1] + " " + lines[i].strip()
            found += [(start, m[1]) for m in re.finditer(r"(?:^|\$ |&& |\| )\s*(pledger\s.*?)(?=\s+#|\s+&&|\s+\|\s|$)", line)]
        else:
            # A shell pipe (` | `, spaces around it; `a|b` in a synopsis is a choice) ends the command.
            found += [(start, m[1].split(" | ")[0]) for m in re.finditer(r"`(pledger\s[^`]*)`", line)]
        i += 1
    return found


def _options(command) -> set[str]:
    return {o for p in command.params for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}


def _is_flag(command, option: str) -> bool:
    return any(option in p.opts and getattr(p, "is_flag", False) for p in command.params)


def _problems(command_line: str, root) -> list[str]:
    words = shlex.split(command_line.replace("\\|", "|"))[1:]
    command, path = root, ["pledger"]
    while words:
        if words[0] in _options(root) and command is root:  # --root DIR, --read-only before the command
            words = words[1:] if _is_flag(root, words[0]) else words[2:]
        elif hasattr(command, "commands") and words[0] in command.commands:
            command = command.commands[words.pop(0)]
            path.append(command.name)
        else:
            break
    name = " ".join(path)
    if hasattr(command, "commands") and words and not words[0].startswith("-"):
        return [f"{name} has no command {words[0]!r}"]
    out = []
    for word in words:
        # Options, and options inside a synopsis: `[--policy first|last|all]`, `--no-PART`.
        for part in re.split(r"[\[\]|]", word):
            part = part.split("=")[0].rstrip(".,)")
            known = _options(command) | _options(root)  # global options may follow the command too
            if re.match(r"--?[a-zA-Z]", part) and part not in known and "PART" not in part:
                out.append(f"{name}: no option {part}")
    return out


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_commands_and_options_in_the_docs_exist(doc):
    from ledger.cli import app

    root = typer.main.get_command(app)
    found = _invocations(doc.read_text(encoding="utf-8"))
    problems = [f"{doc.name}:{line}: {line_text}: {p}" for line, line_text in found
                if "COMMAND" not in line_text for p in _problems(line_text, root)]
    assert problems == []


def test_the_checker_finds_misspellings():
    from ledger.cli import app

    root = typer.main.get_command(app)
    text = "```\npledger scorecard --sett x --no-tables\npledger claim asses x\n```\nand `pledger claims-report --claimnt X`\n"
    found = [p for _, line in _invocations(text) for p in _problems(line, root)]
    assert found == ["pledger scorecard: no option --sett", "pledger scorecard: no option --no-tables",
                     "pledger claim has no command 'asses'", "pledger claims-report: no option --claimnt"]
    assert len(_invocations((REPO / "README.md").read_text(encoding="utf-8"))) >= 20
    piped = "```\npledger list | grep -i x\npledger export json | pledger imprt json -\n```\nand `pledger list | cut -f1`\n"
    assert [p for _, line in _invocations(piped) for p in _problems(line, root)] == ["pledger has no command 'imprt'"]

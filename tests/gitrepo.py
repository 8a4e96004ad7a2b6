"""Real git repositories for the verify and seal tests, whatever the developer's own git config says.

`isolated_git(monkeypatch, tmp_path)` points git at a config of its own (no system
config, a global one in tmp_path with a name, an email, signing off, branch
`main`), for the test's git commands and for pledger's alike. `GitRepo` writes
files and commits them with fixed author and committer dates, so commit ids are
the same on every run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

GIT_CONFIG = """\
[user]
    name = Test Forecaster
    email = forecaster@example.org
[commit]
    gpgsign = false
[tag]
    gpgsign = false
[init]
    defaultBranch = main
[advice]
    detachedHead = false
[core]
    autocrlf = false
"""


def isolated_git(monkeypatch, tmp_path: Path) -> None:
    config = tmp_path / "gitconfig"
    config.write_text(GIT_CONFIG, encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_AUTHOR_DATE", "GIT_COMMITTER_DATE", "GIT_AUTHOR_NAME",
                 "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)


def day(value: str) -> str:
    """'2024-05-01' or '2024-05-01T09:30' as a git date at that time (noon by default), UTC."""
    return f"{value}T12:00:00+00:00" if "T" not in value else f"{value}:00+00:00"


class GitRepo:
    def __init__(self, top: Path, ledger: str = "predictions"):
        self.top = Path(top)
        self.top.mkdir(parents=True, exist_ok=True)
        self.ledger = self.top / ledger if ledger else self.top
        if not (self.top / ".git").exists():
            self.git("init", "-q")
            # As `pledger init` writes it: the index is derived, never committed.
            (self.top / ".gitignore").write_text(".pledger/\n.pledger.lock\n", encoding="utf-8")
            # The ledger's identity (a shared index needs one) is kept out of the commits, so that
            # their ids stay the same whatever it is: verify reads the records only.
            with open(self.top / ".git" / "info" / "exclude", "a", encoding="utf-8") as exclude:
                exclude.write(f"/{self.ledger.relative_to(self.top).as_posix() + '/' if ledger else ''}.pledger-id\n")
        self.identify()

    def identify(self) -> None:
        """Give the ledger folder, once it is there, its identity (a copied ledger brings its own)."""
        if self.ledger.is_dir() and not (self.ledger / ".pledger-id").exists():
            (self.ledger / ".pledger-id").write_text("name: repo\nkey: 0123456789abcdef\n", encoding="utf-8")

    def git(self, *args: str, date: str | None = None, author_date: str | None = None, check: bool = True) -> str:
        env = dict(os.environ)
        if date is not None:
            env["GIT_COMMITTER_DATE"] = day(date)
            env["GIT_AUTHOR_DATE"] = day(author_date or date)
        proc = subprocess.run(["git", *args], cwd=self.top, env=env, capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout.strip()

    def write(self, rel: str, text: str) -> Path:
        """Write a file under the ledger folder (dedented, leading newline dropped)."""
        path = self.ledger / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8", newline="")
        self.identify()
        return path

    def remove(self, rel: str) -> None:
        (self.ledger / rel).unlink()

    def commit(self, message: str, date: str, author_date: str | None = None, sign: bool = False) -> str:
        """Commit everything in the work tree at `date` (YYYY-MM-DD, noon UTC); its id."""
        self.identify()
        self.git("add", "-A")
        args = ["commit", "-q", "--allow-empty", "-m", message] + (["-S"] if sign else ["--no-gpg-sign"])
        self.git(*args, date=date, author_date=author_date)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def signing_key(self, tmp: Path) -> Path:
        """An SSH key made for this test, set as the repository's signing key and allowed signer."""
        key = tmp / "signing-key"
        if not key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "forecaster@example.org",
                            "-f", str(key)], check=True, capture_output=True)
        allowed = tmp / "allowed_signers"
        allowed.write_text(f'forecaster@example.org namespaces="git" {(tmp / "signing-key.pub").read_text()}',
                           encoding="utf-8")
        self.git("config", "gpg.format", "ssh")
        self.git("config", "user.signingkey", str(key) + ".pub")
        self.git("config", "gpg.ssh.allowedSignersFile", str(allowed))
        return key


def have_ssh_keygen() -> bool:
    return shutil.which("ssh-keygen") is not None


SET_FILE = """
set: s1
title: Ten things the paper will do
by: ada
made: 2024-05-01
predictions:
  - id: a
    claim: It uses eye-test experiments
    p: 90%
  - id: b
    claim: It beats LoRA
    p: 0.2
    criteria: Beats it on every benchmark in the paper
  - id: c
    claim: It finds a novel bug
    p: 1 in 20
"""

OUTCOME_FILE = """
on: 2024-05-21
by: ada
evidence:
  - url: https://example.org/paper
results:
  a: yes
  b: no
  c: no
"""

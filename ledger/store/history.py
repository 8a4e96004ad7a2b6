"""A ledger's git history, read with the `git` command: one `git log` for every commit and the
files each changed, one `git cat-file --batch` for the file versions, a few small queries besides.

Nothing here runs a git command per record or per commit. The output formats
are pinned (`-z`, `--no-abbrev`, `--no-renames`, explicit `--format`, raw dates)
and the user's configuration cannot change them: `log.showSignature`, colours
and replace refs are switched off on the command line (`--no-replace-objects`,
so `git replace` cannot show a history other than the one the objects hold).

The reading of these formats follows git's documentation of `git log --raw -z`
(diff-format.txt: ":<mode> <mode> <sha> <sha> <status>\\0<path>\\0", and
"::"-prefixed lines with one mode and sha per parent for the combined format
of merges, `-c`) and of `git cat-file --batch` ("<oid> <type> <size>\\n<content>\\n",
"<oid> missing\\n").
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from ..errors import LedgerError

GIT = "git"
# Every call: no replace refs, no pager, no prompt for credentials, no optional locks taken.
_BASE = [GIT, "--no-replace-objects", "--no-pager", "-c", "core.quotePath=false", "-c", "log.showSignature=false",
         "-c", "color.ui=never"]
_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
_FIELDS = 6  # sha, parents, author date, committer date, author name, committer name


class GitError(LedgerError):
    """git could not be run, or refused: the message says which command and what git said."""


class Change(NamedTuple):
    """One file a commit changed (against its first parent): repository-relative path and blob ids."""

    path: str
    old: str | None  # the first parent's blob (None: added)
    new: str | None  # this commit's blob (None: deleted)
    mode: str  # this commit's mode ("100644"; "120000" a symlink, "160000" a submodule)


@dataclass(slots=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    author_time: int
    author_tz: str  # "+0200"
    committer_time: int
    committer_tz: str
    author: str
    committer: str
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Repository:
    """Where a ledger sits in a git repository."""

    top: Path  # the work tree's top folder
    prefix: str  # the ledger root relative to top, "/"-terminated ("" when it is the top)
    head: str | None  # HEAD's commit, None before the first commit
    branch: str | None  # the branch HEAD is on (None when detached)
    shallow: frozenset[str]  # the commits a shallow clone's history is cut at (empty when complete)
    object_format: str  # sha1 | sha256

    def git(self, *args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
        return run_git(self.top, *args, input=input, check=check)


def run_git(cwd: Path, *args: str, input: bytes | None = None, check: bool = True) -> subprocess.CompletedProcess:
    try:
        proc = subprocess.run([*_BASE, *args], cwd=cwd, input=input, capture_output=True, env=_env())
    except FileNotFoundError:
        raise GitError(
            "the `git` command is not installed (or not on PATH); verify reads the ledger's git history with it"
        ) from None
    if check and proc.returncode != 0:
        raise GitError(f"`git {' '.join(args[:2])}` failed: {_said(proc.stderr)}")
    return proc


def _env() -> dict[str, str]:
    env = dict(os.environ, **_ENV)
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE"):
        env.pop(name, None)  # the ledger's own repository, wherever the caller's environment points
    return env


def _said(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return lines[0] if lines else "no message"


def git_available() -> bool:
    return shutil.which(GIT) is not None


def find_repository(root: Path) -> Repository | None:
    """The repository whose work tree holds `root`, or None when root is in none.

    Raises GitError when git is missing or the repository cannot be read (git's own message).
    """
    if not git_available():
        raise GitError("the `git` command is not installed (or not on PATH); verify reads the ledger's git history with it")
    root = Path(root).resolve()
    proc = run_git(root, "rev-parse", "--is-inside-work-tree", "--show-toplevel", "--show-prefix",
                   "--is-shallow-repository", "--git-path", "shallow", "--show-object-format", check=False)
    if proc.returncode != 0:
        said = _said(proc.stderr)
        if "not a git repository" in said:
            return None
        raise GitError(f"git cannot read the repository holding {os.fspath(root)!r}: {said}")
    lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
    if len(lines) < 6 or lines[0] != "true":
        return None  # inside a .git folder, or a bare repository: no work tree holds the ledger
    top, prefix, shallow_flag, shallow_path, object_format = Path(lines[1]), lines[2], lines[3], lines[4], lines[5]
    shallow: frozenset[str] = frozenset()
    if shallow_flag == "true":
        path = Path(shallow_path) if os.path.isabs(shallow_path) else root / shallow_path
        try:
            shallow = frozenset(path.read_text(encoding="ascii").split())
        except OSError:
            shallow = frozenset({"?"})  # shallow, boundary unknown: every first commit is then unsure
    head = run_git(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False)
    branch = run_git(top, "symbolic-ref", "--quiet", "--short", "HEAD", check=False)
    return Repository(
        top=top,
        prefix=prefix if not prefix or prefix.endswith("/") else prefix + "/",
        head=head.stdout.decode().strip() or None if head.returncode == 0 else None,
        branch=branch.stdout.decode("utf-8", "replace").strip() or None if branch.returncode == 0 else None,
        shallow=shallow,
        object_format=object_format.strip() or "sha1",
    )


# -- the log --------------------------------------------------------------------------------


def read_log(repo: Repository, wanted=None) -> list[Commit]:
    """Every commit in HEAD's history, oldest first (topological order: parents before children),
    with the files each changed against its first parent. `wanted(path)` filters which changes are
    kept (all when None). A merge lists only the files it made differ from every parent (`-c`):
    what it took unchanged from a parent was recorded by that parent's own history."""
    if repo.head is None:
        return []
    fmt = "%x01%H%x00%P%x00%ad%x00%cd%x00%an%x00%cn"
    proc = subprocess.Popen(
        [*_BASE, "log", "-z", "--raw", "-c", "--no-renames", "--no-abbrev", "--topo-order", "--reverse",
         "--no-color", "--no-show-signature", "--no-textconv", "--no-ext-diff", "--encoding=UTF-8",
         "--date=raw", f"--format={fmt}", repo.head, "--"],
        cwd=repo.top, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
    )
    out, err = proc.communicate()
    if proc.returncode != 0:
        raise GitError(f"`git log` failed: {_said(err)}")
    return parse_log(out, wanted)


def parse_log(out: bytes, wanted=None) -> list[Commit]:
    """`git log -z --raw -c --format=<read_log's format>` output as commits."""
    tokens = out.split(b"\0")
    commits: list[Commit] = []
    i, n = 0, len(tokens)
    while i < n:
        token = tokens[i]
        if not token:
            i += 1
            continue
        if not token.startswith(b"\x01"):
            raise GitError("`git log` printed something verify cannot read; please report it")
        if i + _FIELDS > n:
            break
        sha = token[1:].decode("ascii")
        parents = tuple(tokens[i + 1].decode("ascii").split())
        at, atz = _date(tokens[i + 2])
        ct, ctz = _date(tokens[i + 3])
        commit = Commit(sha, parents, at, atz, ct, ctz, _name(tokens[i + 4]), _name(tokens[i + 5]))
        i += _FIELDS
        while i < n:
            meta = tokens[i]
            if not meta and i + 1 < n and tokens[i + 1].startswith(b":"):
                i += 1  # a merge's combined entries follow an empty field, not a line break
                continue
            if meta.startswith(b"\n"):
                meta = meta[1:]
            if not meta.startswith(b":"):
                break
            if i + 1 >= n:
                break
            path = os.fsdecode(tokens[i + 1])
            i += 2
            if wanted is not None and not wanted(path):
                continue
            commit.changes.append(_change(meta, path))
        commits.append(commit)
    return commits


def _date(raw: bytes) -> tuple[int, str]:
    stamp, _, tz = raw.decode("ascii").strip().partition(" ")
    return int(stamp), tz or "+0000"


def _name(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


_ZERO = frozenset("0")


def _change(meta: bytes, path: str) -> Change:
    """A raw diff line: ":m1 m2 sha1 sha2 S" or, for a merge, "::m1 m2 m3 sha1 sha2 sha3 SS"."""
    colons = len(meta) - len(meta.lstrip(b":"))
    fields = meta[colons:].decode("ascii").split()
    parents = colons  # one mode and sha per parent, then the result's
    modes, shas = fields[: parents + 1], fields[parents + 1 : 2 * parents + 2]
    old, new = shas[0], shas[-1]
    return Change(path, None if set(old) <= _ZERO else old, None if set(new) <= _ZERO else new, modes[-1])


# -- file versions ------------------------------------------------------------------------------


def cat_blobs(repo: Repository, ids: Iterable[str]) -> Iterator[tuple[str, bytes | None]]:
    """(id, content) for each object id, in order, from one `git cat-file --batch`; None when missing."""
    # --buffer: git writes its output in blocks rather than flushing after every object.
    proc = subprocess.Popen([*_BASE, "cat-file", "--batch", "--buffer"], cwd=repo.top, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(), bufsize=1 << 16)
    ids = list(ids)

    def feed() -> None:
        try:
            for start in range(0, len(ids), 512):
                proc.stdin.write("".join(f"{oid}\n" for oid in ids[start : start + 512]).encode("ascii"))
            proc.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = proc.stdout
    try:
        for oid in ids:
            header = out.readline()
            if not header:
                raise GitError(f"`git cat-file` stopped early: {_said(proc.stderr.read())}")
            parts = header.split()
            if len(parts) < 3 or parts[1] == b"missing":
                yield oid, None
                continue
            size = int(parts[2])
            data = out.read(size)
            out.read(1)  # the newline after the content
            yield oid, data
    finally:
        writer.join(timeout=5)
        out.close()
        proc.stderr.close()
        proc.wait()


def tree_blobs(repo: Repository, paths_under: str) -> dict[str, str]:
    """{path: blob id} of the files under `paths_under` (a folder, "/"-terminated, or "") in HEAD."""
    if repo.head is None:
        return {}
    args = ["ls-tree", "-r", "-z", "--full-tree", repo.head]
    if paths_under:
        args += ["--", paths_under]
    out = repo.git(*args).stdout
    found = {}
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, path = entry.partition(b"\t")
        mode, kind, oid = meta.decode("ascii").split()
        if kind == "blob":
            found[os.fsdecode(path)] = oid
    return found


def blob_id(data: bytes, object_format: str = "sha1") -> str:
    """The id git gives a file with these bytes (`git hash-object`), without running git."""
    digest = hashlib.sha256() if object_format == "sha256" else hashlib.sha1()
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


# -- signatures, tags, the clone's own records ------------------------------------------------------


class Signature(NamedTuple):
    """What git says of an object's signature. status: git's %G? letter (N: none, or none git could
    check), plus "unchecked" when a signature is present but git could not check it."""

    status: str
    signer: str = ""
    key: str = ""
    trust: str = ""


def signed_objects(repo: Repository, shas: Iterable[str]) -> set[str]:
    """Which of these commits or tags carry a signature (a `gpgsig` header or a signature block),
    read from the objects themselves, whatever git's signing configuration can check."""
    shas = list(shas)
    signed = set()
    for oid, data in cat_blobs(repo, shas):
        if data is None:
            continue
        head, _, body = data.partition(b"\n\n")
        if b"\ngpgsig " in b"\n" + head or b"\ngpgsig-sha256 " in b"\n" + head:
            signed.add(oid)
        elif b"-----BEGIN " in body and b" SIGNATURE-----" in body:
            signed.add(oid)  # an annotated tag's signature follows its message
    return signed


def commit_signatures(repo: Repository, shas: Iterable[str]) -> dict[str, Signature]:
    """git's verdict on each commit's signature (one `git log --no-walk --stdin`). Checking runs
    gpg or ssh-keygen once per signed commit, so callers pass only commits that carry one."""
    shas = list(shas)
    if not shas:
        return {}
    fmt = "%H%x00%G?%x00%GS%x00%GK%x00%GT%x01"
    proc = repo.git("log", "--no-walk=unsorted", "--stdin", f"--format={fmt}", "--",
                    input="".join(f"{s}\n" for s in shas).encode("ascii"), check=False)
    out: dict[str, Signature] = {}
    for record in proc.stdout.split(b"\x01"):
        parts = record.strip(b"\n").split(b"\0")
        if len(parts) < 5:
            continue
        sha, status, signer, key, trust = (p.decode("utf-8", "replace").strip() for p in parts[:5])
        out[sha] = Signature(status or "N", signer, key, trust)
    return out


class Tag(NamedTuple):
    name: str
    target: str  # the commit it names
    object: str  # the tag object (annotated) or the commit (lightweight)
    annotated: bool


def tags(repo: Repository) -> list[Tag]:
    """Every tag naming a commit."""
    fmt = "%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objectname)%00%(*objecttype)"
    proc = repo.git("for-each-ref", f"--format={fmt}", "refs/tags", check=False)
    found = []
    for line in proc.stdout.decode("utf-8", "surrogateescape").splitlines():
        name, kind, obj, peeled, peeled_kind = (line.split("\0") + [""] * 5)[:5]
        if kind == "tag" and peeled_kind == "commit":
            found.append(Tag(name, peeled, obj, True))
        elif kind == "commit":
            found.append(Tag(name, obj, obj, False))
    return found


def verify_tag(repo: Repository, name: str) -> Signature:
    """git's verdict on a signed tag (`git verify-tag --raw`), as a %G? letter: G good, U a valid
    signature by a key not trusted or allowed here, B one that does not verify, E not checkable."""
    proc = repo.git("verify-tag", "--raw", f"refs/tags/{name}", check=False)
    said = proc.stderr.decode("utf-8", "replace")
    signer = ""
    for line in said.splitlines():
        if line.startswith("[GNUPG:] GOODSIG "):  # gpg: "[GNUPG:] GOODSIG <key id> <user id>"
            signer = line.split(" ", 3)[3] if line.count(" ") >= 3 else ""
        elif line.startswith('Good "git" signature for '):  # ssh-keygen -Y verify
            signer = line[len('Good "git" signature for '):].split(" with ", 1)[0]
    if proc.returncode == 0:
        return Signature("G", signer)
    if "BADSIG" in said or "incorrect signature" in said:
        return Signature("B")
    if "GOODSIG" in said or 'Good "git" signature' in said:
        return Signature("U", signer)
    return Signature("E")


def rewrites_in_reflog(repo: Repository) -> list[tuple[int, str]]:
    """(time, what) of the rebases, amends and cherry-picks this clone's HEAD reflog records, newest
    first. Resets are left out: `git worktree add` and `checkout -B` record one without rewriting
    anything. A reflog is local to a clone and expires; it proves nothing about other clones."""
    proc = repo.git("reflog", "show", "--format=%ct%x00%gs", "-n", "2000", "HEAD", "--", check=False)
    found = []
    for line in proc.stdout.decode("utf-8", "replace").splitlines():
        stamp, _, subject = line.partition("\0")
        what = subject.split(":", 1)[0].strip()
        if what.startswith(("rebase", "commit (amend)", "cherry-pick", "filter-branch", "pull --rebase")):
            try:
                found.append((int(stamp), what))
            except ValueError:
                continue
    return found


def upstream_state(repo: Repository) -> tuple[str, str] | None:
    """(upstream name, "ahead" | "behind" | "same" | "diverged") for HEAD's branch, None without one."""
    if repo.head is None or repo.branch is None:
        return None
    proc = repo.git("rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False)
    if proc.returncode != 0:
        return None
    name = proc.stdout.decode("utf-8", "replace").strip()
    proc = repo.git("rev-list", "--left-right", "--count", f"{repo.head}...@{{upstream}}", check=False)
    if proc.returncode != 0:
        return None
    ahead, behind = (int(x) for x in proc.stdout.split())
    state = "same" if not ahead and not behind else "ahead" if not behind else "behind" if not ahead else "diverged"
    return name, state

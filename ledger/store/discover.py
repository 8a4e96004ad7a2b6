"""Which files make up a ledger, in a deterministic order, and how one is opened.

The rule (docs/format.md, "Files and kinds"):

  * a ledger file is a regular file named *.yaml or *.yml under the root, in any
    folder but a hidden one (a name starting with `.`);
  * nothing below the root is read or written through a symlink, wherever it
    points: a symlinked file or folder is skipped and reported (the root itself
    may be a symlink). A link out of the root would be read here and written
    there; a link inside it would read the same file under two names, each of
    its ids a duplicate. Neither is worth the surprise;
  * a FIFO, socket or device named *.yaml is skipped and reported, and so is a
    folder that cannot be listed;
  * a file is opened without following a link and without blocking, checked to
    be a regular file, and read no further than the size limit (read_limited).

Skipped entries are listed with the files, with the reason, so the index keeps
them as problems (`check` shows them, the read commands count them) and notices
when they change. Writes keep the rule through writable_path.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from ..errors import LedgerError, display_path

INDEX_DIR = ".pledger"
SUFFIXES = (".yaml", ".yml")
# store.write's temporary files: `.NAME.pledger-PID-RANDOM.tmp` beside the file they replace.
TEMP_PATTERN = re.compile(r"\..+\.pledger-(\d+)-[a-z0-9_]+\.tmp")

SYMLINK = (
    "a symlink{target}; pledger reads no file or folder through a symlink, so it was skipped: "
    "put the file or folder itself here, or remove the link"
)
SYMLINK_WRITE = (
    "a symlink{target}; pledger writes nothing through a symlink (it would not read it back): "
    "put the folder or file itself there, or remove the link"
)
NOT_REGULAR = "not a regular file (a FIFO, socket or device), so it was skipped: remove or rename it"
NOT_UTF8 = ("a name that is not UTF-8 (shown with its bytes escaped), so it was skipped: no index can store the "
            "name, and no other machine would show it the same: rename it")
SKIPPED = "skipped"  # the problem code of an entry the rule does not read
UNLISTABLE = "a folder that cannot be listed ({reason}), so its files were skipped: check its permissions"


@dataclass(frozen=True, slots=True)
class LedgerFile:
    path: str  # relative to the root, '/'-separated: stable across machines
    size: int
    mtime_ns: int
    skipped: str | None = None  # why this entry is not read (SYMLINK, NOT_REGULAR, ...); None for a ledger file


@dataclass(frozen=True, slots=True)
class Scan:
    files: list[LedgerFile]  # ledger files and skipped entries, sorted by path
    temp_files: list[str]  # store.write's temporary files found on the way (a writer under the lock cleans them)


class NotALedgerFile(OSError):
    """Opening found something the rule does not read: its strerror says what and what to do."""


def ledger_files(root: Path) -> list[LedgerFile]:
    """Every ledger file under root, and every entry skipped by the rule above, sorted by path.

    Order never depends on the file system: the sort key is the relative path.
    """
    return scan(root).files


def files_unchanged(indexed: dict[str, tuple[int, int]], root: Path) -> bool:
    """Whether an index's files table ({path: (size, mtime_ns)}) lists exactly the ledger files
    under root, each with the same size and modification time: the warm reads' test of a current index."""
    on_disk = ledger_files(Path(root))
    if len(on_disk) != len(indexed):
        return False
    return all(indexed.get(f.path) == (f.size, f.mtime_ns) for f in on_disk)


def scan(root: Path) -> Scan:
    """ledger_files, and the temporary files of store.write seen on the way."""
    found: list[LedgerFile] = []
    temps: list[str] = []
    folders = [("", os.fspath(root))]
    while folders:
        rel_dir, full_dir = folders.pop()
        try:
            entries = list(os.scandir(full_dir))
        except FileNotFoundError:  # removed while we walked
            continue
        except OSError as exc:
            if not rel_dir:
                raise  # the root itself: Ledger.open checked it, so this is worth hearing about
            found.append(_skipped(full_dir, rel_dir, UNLISTABLE.format(reason=exc.strerror)))
            continue
        for entry in entries:
            name = entry.name
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if name.startswith("."):
                if TEMP_PATTERN.fullmatch(name):
                    temps.append(rel)
                continue
            if not name.isascii() and _not_utf8(name):
                try:
                    if entry.is_dir(follow_symlinks=False) or name.endswith(SUFFIXES):
                        shown = os.fsencode(rel).decode("utf-8", "backslashreplace")
                        found.append(_skipped(entry.path, shown, NOT_UTF8))
                except FileNotFoundError:
                    pass
                continue
            try:
                if entry.is_symlink():
                    if name.endswith(SUFFIXES) or os.path.isdir(entry.path):
                        found.append(_skipped(entry.path, rel, symlink_reason(entry.path)))
                    continue
                if entry.is_dir(follow_symlinks=False):
                    folders.append((rel, entry.path))
                    continue
                if not name.endswith(SUFFIXES):
                    continue
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:  # removed while we walked
                continue
            if stat.S_ISREG(st.st_mode):
                found.append(LedgerFile(rel, st.st_size, st.st_mtime_ns))
            else:
                found.append(LedgerFile(rel, st.st_size, st.st_mtime_ns, NOT_REGULAR))
    found.sort(key=lambda f: f.path)
    return Scan(found, sorted(temps))


def _not_utf8(name: str) -> bool:
    """A name os.fsdecode made from bytes that are not UTF-8 (they come back as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _skipped(full: str, rel: str, reason: str) -> LedgerFile:
    try:
        st = os.lstat(full)
    except OSError:
        return LedgerFile(rel, 0, 0, reason)
    return LedgerFile(rel, st.st_size, st.st_mtime_ns, reason)


def symlink_reason(path: str | os.PathLike, template: str = SYMLINK) -> str:
    """SYMLINK (or template) naming where the link points."""
    try:
        target = f" (to {os.readlink(path)!r})"
    except OSError:
        target = ""
    return template.format(target=target)


def read_limited(path: str | os.PathLike, limit: int) -> bytes:
    """A ledger file's bytes, at most limit + 1 of them (so a caller can tell the file is over the limit).

    Opened without following a symlink and without blocking (a FIFO would wait
    for a writer forever), then checked to be a regular file: NotALedgerFile
    otherwise. Other OSErrors (not found, permission denied) pass through.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP and os.path.islink(path):
            raise NotALedgerFile(errno.ELOOP, symlink_reason(path), os.fspath(path)) from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "a folder, not a file", os.fspath(path))
        if not stat.S_ISREG(mode):
            raise NotALedgerFile(errno.EINVAL, NOT_REGULAR, os.fspath(path))
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def writable_path(root: Path, rel_path: str) -> Path:
    """root / rel_path, for a write that keeps the rule above: LedgerError if any part of it
    below the root is a symlink, or is in the way (a file where a folder must be, a folder or a
    FIFO where the file is). The parts that do not exist yet are left for the writer to make."""
    path = Path(root)
    parts = rel_path.split("/")
    for i, part in enumerate(parts):
        path = path / part
        last = i == len(parts) - 1
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            break
        shown = display_path("/".join(parts[: i + 1]), root)
        if stat.S_ISLNK(mode):
            raise LedgerError(
                f"cannot write {display_path(rel_path, root)}: {shown} is {symlink_reason(path, SYMLINK_WRITE)}; nothing was written"
            )
        if not last and not stat.S_ISDIR(mode):
            raise LedgerError(
                f"cannot write {display_path(rel_path, root)}: {shown} is not a folder; move it out of the way; nothing was written"
            )
        if last and not stat.S_ISREG(mode):
            what = "a folder" if stat.S_ISDIR(mode) else "not a regular file (a FIFO, socket or device)"
            raise LedgerError(f"cannot write {shown}: it is {what}; rename it; nothing was written")
    return Path(root) / rel_path


def entry_bytes(root: Path, entry: LedgerFile) -> tuple[bytes | None, tuple[str, str] | None]:
    """(its bytes, None) for a ledger file, read within the size limit; (None, (message, code))
    for a skipped entry or a file that cannot be read: the problem to report in its place."""
    from ..yamlio import MAX_FILE_BYTES  # PyYAML: only when a file changed, as the read that follows needs it

    if entry.skipped is not None:
        return None, (entry.skipped, SKIPPED)
    try:
        return read_limited(Path(root) / entry.path, MAX_FILE_BYTES), None
    except NotALedgerFile as exc:
        return None, (exc.strerror, SKIPPED)
    except OSError as exc:
        return None, (f"cannot read the file: {exc.strerror}", "io")

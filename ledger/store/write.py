"""Writes that lose nothing: text appended in place, atomic replace, one writer at a time.

Nothing a person wrote is re-serialised. Adding a record inserts its YAML text
after the last item of a list, so comments, order and formatting elsewhere stay
byte for byte. Every write goes to a temporary file in the same directory, is
fsynced, then renamed over the original: a crash leaves the old file or the new
one, never half of either. A write of several files writes every temporary file
before the first rename, so a failure (a full disk, a read-only folder) leaves
none of them. A lock on the ledger's root folder serialises writers across processes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import yamlio
from ..errors import LedgerError, Problem, SourceLocation
from .discover import TEMP_PATTERN

# Where a folder cannot be locked (Windows; network file systems that emulate flock
# with POSIX locks, which need a file open for writing), this file in the root is.
LOCK_FILE = ".pledger.lock"
# Test hook: "STAGE:DIR" makes a writer stop at STAGE ("locked", or "rename-N" before
# its N-th rename), create DIR/STAGE.ready and wait until DIR/go exists, so a test can
# kill it inside the locked section (tests/test_files_and_faults.py).
PAUSE_ENV = "PLEDGER_TEST_PAUSE"
_local = threading.local()


@contextlib.contextmanager
def ledger_lock(root: Path) -> Iterator[None]:
    """Hold the ledger's lock (re-entrant within a thread).

    The lock is flock(2) on the root folder itself: nothing to create, nothing
    that deleting `.pledger/` (or anything else) can remove while it is held, and
    it works on a read-only ledger. The kernel drops it when the holder dies.
    """
    depth = getattr(_local, "depth", 0)
    if depth:
        _local.depth = depth + 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    fd = _locked_fd(Path(root))
    try:
        _local.depth = 1
        _local.locked_at = time.time()
        try:
            _test_pause("locked")
            yield
        finally:
            _local.depth = 0
            _local.locked_at = None
            _unlock_fd(fd)
    finally:
        os.close(fd)


def _locked_fd(root: Path) -> int:
    """An fd holding the lock: the root folder's, else (where a folder cannot be locked) LOCK_FILE's."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None
    if fcntl is not None:
        try:
            fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError as exc:
            raise LedgerError(f"cannot lock the ledger: cannot open the folder {root} ({exc.strerror}); check its permissions") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            return fd
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EBADF, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOLCK, errno.EISDIR):
                raise
    path = root / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as exc:
        raise LedgerError(f"cannot lock the ledger: cannot open {path} ({exc.strerror}); {_what_to_do(exc)}") from None
    try:
        _lock_fd(fd)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _lock_fd(fd: int) -> None:
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_LOCK, 1)


def _unlock_fd(fd: int) -> None:
    try:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _test_pause(stage: str) -> None:
    spec = os.environ.get(PAUSE_ENV)
    if not spec or spec.partition(":")[0] != stage:
        return
    folder = Path(spec.partition(":")[2])
    (folder / f"{stage}.ready").touch()
    while not (folder / "go").exists():
        time.sleep(0.01)


def remove_stale_temp_files(root: Path, rel_paths: Collection[str]) -> list[str]:
    """Remove the temporary files (discover.TEMP_PATTERN) that a writer killed mid-write left.

    Only under the lock: a temp file is stale when it is older than this
    process's hold of the lock and the process named in it is gone (a writer
    that finished renamed its temp files away; a live one holds the lock, or
    writes an output file outside it). Returns the paths removed.
    """
    locked_at = getattr(_local, "locked_at", None)
    if locked_at is None or os.name == "nt":  # os.kill(pid, 0) would end the process on Windows
        return []
    removed = []
    for rel in rel_paths:
        match = TEMP_PATTERN.fullmatch(rel.rpartition("/")[2])
        if match is None or int(match.group(1)) == os.getpid() or _alive(int(match.group(1))):
            continue
        path = Path(root) / rel
        with contextlib.suppress(OSError):
            if os.lstat(path).st_mtime < locked_at:
                os.unlink(path)
                removed.append(rel)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    return True


def write_atomic(path: Path, text: str | bytes | Iterable[str]) -> os.stat_result:
    """Replace path's content with text (UTF-8; or text in pieces) or bytes: temp file, fsync, rename, fsync the directory.

    Returns the written file's stat, taken before the rename: the size and
    modification time of what this call wrote, whatever happens to path later.
    A failure is a LedgerError naming the path (write_files_atomically).
    """
    return write_files_atomically({Path(path): text})[Path(path)]


def create_exclusive(path: Path, text: str) -> os.stat_result:
    """Write a new file atomically; refuse if it already exists. Returns its stat (see write_atomic)."""
    return write_files_atomically({Path(path): text}, new=[Path(path)])[Path(path)]


def write_files_atomically(
    files: Mapping[Path, str | bytes], *, new: Collection[Path] = ()
) -> dict[Path, os.stat_result]:
    """Write every file (text as UTF-8, or bytes): all of them, or none (see below for a crash between renames).

    Every file's content goes to a temporary file beside it and is fsynced
    first; only then are they renamed over their targets, in order, and their
    folders fsynced. A failure before the renames (a full disk, a read-only or
    unwritable folder, a folder where a file is to go) removes the temporary files
    and any folder made for them, and is a LedgerError naming the path, saying
    nothing was written. Of several files, a rename that fails all the same (the
    target changed meanwhile) undoes the renames before it: a file that was new is
    removed, one that existed gets its old content back (a hard link kept until
    the last rename; without one, the message names what stays written). A path in
    `new` must not exist: Appeared (a FileExistsError) if one did meanwhile; nothing is written.
    A symlink at a path is followed: its target is replaced (for outputs such as
    `-o post.md`; ledger writes refuse links first, store.discover.writable_path).
    Returns each file's stat as written (see write_atomic).
    """
    targets = {Path(path): content for path, content in files.items()}
    temps: list[tuple[str, Path]] = []
    made: list[Path] = []
    stats: dict[Path, os.stat_result] = {}
    current = None
    try:
        for path, content in targets.items():
            current = path
            real = Path(os.path.realpath(path))
            if os.path.isdir(real):  # os.replace would fail only after the files before it were renamed
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), os.fspath(path))
            made += _make_folders(real.parent)
            temp, stats[path] = _write_temp(real, content)
            temps.append((temp, real))
        for path in new:
            if os.path.lexists(path):
                raise Appeared(errno.EEXIST, "appeared while writing", os.fspath(path))
    except BaseException as exc:
        for temp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        if isinstance(exc, OSError) and not isinstance(exc, Appeared):
            raise write_error(current, exc) from None
        raise
    old = _keep_old(temps) if len(temps) > 1 else {}  # one rename is all or nothing by itself
    done = 0
    try:
        for i, (temp, real) in enumerate(temps):
            _test_pause(f"rename-{i}")
            os.replace(temp, real)
            done += 1
    except OSError as exc:
        for temp, _ in temps[done:]:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        kept = _undo(temps[:done], old)
        for folder in reversed(made):  # rmdir: only the folders left empty
            with contextlib.suppress(OSError):
                os.rmdir(folder)
        written = ", ".join(os.fspath(real) for real in kept)
        raise LedgerError(
            f"cannot write {os.fspath(temps[done][1])}: {exc.strerror or exc}; "
            + (f"written before it: {written}" if written else f"nothing was written ({_what_to_do(exc)})")
        ) from None
    finally:
        for link in old.values():
            if isinstance(link, str):
                with contextlib.suppress(OSError):
                    os.unlink(link)
    for folder in dict.fromkeys(real.parent for _, real in temps):
        _fsync_dir(folder)
    return stats


_NEW = None  # _keep_old's value for a target that did not exist


def _keep_old(temps: list[tuple[str, Path]]) -> dict[Path, str | None | bool]:
    """For each target, a hard link to its old content (a temp name the stale-file sweep knows),
    _NEW when there is none yet, or False when it exists and cannot be linked (no undo for it)."""
    old: dict[Path, str | None | bool] = {}
    for _temp, real in temps:
        if not os.path.lexists(real):
            old[real] = _NEW
            continue
        link = os.path.join(real.parent, f".{real.name}.pledger-{os.getpid()}-old{secrets.token_hex(4)}.tmp")
        try:
            os.link(real, link)
            old[real] = link
        except OSError:  # a file system without hard links
            old[real] = False
    return old


def _undo(renamed: list[tuple[str, Path]], old: Mapping[Path, str | None | bool]) -> list[Path]:
    """Put back what the renames replaced; returns the targets left with new content."""
    kept = []
    for _temp, real in reversed(renamed):
        before = old.get(real, False)
        try:
            if before is _NEW:
                os.unlink(real)
            elif before:
                os.replace(before, real)
            else:
                kept.append(real)
        except OSError:
            kept.append(real)
    return list(reversed(kept))


class Appeared(FileExistsError):
    """A file write_files_atomically was to create exists already (another program made it meanwhile)."""


def write_error(path: Path | None, exc: OSError) -> LedgerError:
    """The one-line error for a write that failed with exc: the path, what happened, what to do."""
    shown = os.fspath(exc.filename) if path is None and exc.filename else os.fspath(path)
    return LedgerError(f"cannot write {shown}: {exc.strerror or exc}; nothing was written ({_what_to_do(exc)})")


def _what_to_do(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "free some space and run the command again"
    if exc.errno == errno.EROFS:
        return "the file system is read-only: write to a copy elsewhere, or remount it read-write"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "check the folder's permissions"
    if exc.errno in (errno.ENOTDIR, errno.EEXIST, errno.EISDIR):
        return "a file or folder is in the way: move it"
    return "check the folder and run the command again"


def _make_folders(folder: Path) -> list[Path]:
    """mkdir -p folder; returns the folders it made, outermost first (to remove them if the write fails)."""
    missing = []
    while not os.path.isdir(folder):
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for each in reversed(missing):
        os.mkdir(each)
    return list(reversed(missing))


def _write_temp(path: Path, content: str | bytes | Iterable[str]) -> tuple[str, os.stat_result]:
    mode = _new_file_mode()  # mkstemp makes 0600 files; a new file gets what an editor would give it
    with contextlib.suppress(FileNotFoundError):
        mode = os.stat(path).st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.pledger-{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(content, (str, bytes)):
                fh.write(content.encode("utf-8") if isinstance(content, str) else content)
            else:  # text in pieces (an export streamed from the index)
                for piece in content:
                    fh.write(piece.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
            written = os.fstat(fh.fileno())
        os.chmod(tmp, mode)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp, written


def _new_file_mode() -> int:
    umask = os.umask(0o022)  # the only way to read the umask is to set it
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def append_to_list(text: str, key: str, item_yaml: str, rel_path: str, doc: yamlio.Document | None = None) -> str:
    """Return text with item_yaml appended as the last item of the top-level list `key`.

    Everything else in the text is kept byte for byte. Creates the key at the
    end of the file when it is missing or empty. doc, when given, is text
    already parsed (yamlio.parse(text)): it is not parsed again.
    """
    return insert_items(text, key, [item_yaml], rel_path, doc).text


def append_items_to_list(text: str, key: str, items_yaml: list[str], rel_path: str) -> str:
    """append_to_list for many items at once: one parse and one insertion, so a batch is linear."""
    return insert_items(text, key, items_yaml, rel_path).text


@dataclass(frozen=True, slots=True)
class Insertion:
    """Where append_to_list put the new items: text == old[:at] + piece + old[at:].

    seq is the list's node in the old document when the items went after its
    last item (the common case); None when the list was created or was `[]`.
    """

    text: str
    at: int
    piece: str
    seq: SequenceNode | None = None


def insert_items(
    text: str, key: str, items_yaml: list[str], rel_path: str, doc: yamlio.Document | None = None
) -> Insertion:
    """append_items_to_list, saying where the text went (see Insertion)."""
    if not items_yaml:
        return Insertion(text, len(text), "")
    if doc is None:
        try:
            doc = yamlio.parse(text)
        except yamlio.YamlProblemError as exc:
            p = exc.problem
            raise LedgerError(
                f"cannot add to {rel_path}: it has a problem to fix first",
                [Problem(SourceLocation(rel_path, p.line, p.column), p.message, p.code)],
            ) from None
    root = doc.node
    if root is not None and not isinstance(root, MappingNode):
        raise LedgerError(
            f"cannot add to {rel_path}",
            [Problem(SourceLocation(rel_path, 1, 1), "the file is not a mapping; fix it or pick another file", "kind")],
        )
    seq = yamlio.child(root, key)
    if seq is None or (isinstance(seq, ScalarNode) and seq.value == ""):
        return _add_key_at_end(text, root, seq, key, items_yaml, _newline(text))
    if not isinstance(seq, SequenceNode):
        raise LedgerError(
            f"cannot add to {rel_path}",
            [Problem(SourceLocation(rel_path, seq.start_mark.line + 1, seq.start_mark.column + 1),
                     f"`{key}:` is not a list", "invalid")],
        )
    if seq.flow_style:
        if seq.value:
            raise LedgerError(
                f"cannot add to {rel_path}",
                [Problem(SourceLocation(rel_path, seq.start_mark.line + 1, seq.start_mark.column + 1),
                         f"`{key}:` is written in flow style [...]; rewrite it as a block list (one `- ` item a line) so records can be appended", "flow-style")],
            )
        # `key: []`: replace the empty brackets by a block list.
        start, end = seq.start_mark.index, seq.end_mark.index
        indent = _line_indent(text, start) + 2
        block = "\n" + "".join(_indent_item(item, indent) for item in items_yaml)
        head = text[:start].rstrip(" ")
        piece = _lines(block.rstrip("\n"), _newline(text))
        return Insertion(head + piece + text[end:], len(head), piece)
    first = seq.value[0]
    dash_col = _dash_column(text, first)
    content_offset = first.start_mark.column - dash_col
    insert_at = _end_of_line(text, _list_end_index(text, seq))
    item = "".join(_indent_item(i, dash_col, content_offset) for i in items_yaml)
    prefix = "" if insert_at == 0 or text[insert_at - 1] == "\n" else "\n"
    piece = _lines(prefix + item, _newline(text))
    return Insertion(text[:insert_at] + piece + text[insert_at:], insert_at, piece, seq)


def _newline(text: str) -> str:
    """The file's line ending, judged by its first line: appended lines match it."""
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _lines(piece: str, newline: str) -> str:
    return piece if newline == "\n" else piece.replace("\n", newline)


def _add_key_at_end(
    text: str, root: Node | None, existing: Node | None, key: str, items_yaml: list[str], newline: str = "\n"
) -> Insertion:
    item = "".join(_indent_item(i, 2) for i in items_yaml)
    if existing is not None:
        # `key:` present with no value: put the list right after it.
        key_node = yamlio.key_node(root, key)
        at = _end_of_line(text, key_node.end_mark.index)
        piece = _lines(("" if text[at - 1 : at] == "\n" else "\n") + item, newline)
        return Insertion(text[:at] + piece + text[at:], at, piece)
    body = text if not text or text.endswith("\n") else text + newline
    piece = body[len(text):] + _lines(f"{key}:\n{item}", newline)
    return Insertion(text + piece, len(text), piece)


def _indent_item(item_yaml: str, dash_col: int, content_offset: int = 2) -> str:
    lines = item_yaml.rstrip("\n").split("\n")
    pad = " " * dash_col
    first = f"{pad}-{' ' * (content_offset - 1)}{lines[0]}"
    rest = [f"{pad}{' ' * content_offset}{line}" if line else "" for line in lines[1:]]
    return "\n".join([first, *rest]) + "\n"


def _dash_column(text: str, item: Node) -> int:
    idx = item.start_mark.index - 1
    while idx >= 0 and text[idx] != "-":
        if text[idx] == "\n":
            break
        idx -= 1
    line_start = text.rfind("\n", 0, max(idx, 0)) + 1
    if idx < 0 or text[idx] != "-":
        return max(item.start_mark.column - 2, 0)
    return idx - line_start


def _list_end_index(text: str, seq: SequenceNode) -> int:
    """The text index just past the last character of the block list's last item."""
    if "&" in text and "*" in text:
        # An alias is the anchored node itself in the node tree, with the anchor's
        # marks: following it would put the end where the anchor is. Events keep
        # each alias's own place.
        end = _list_end_by_events(text, seq.start_mark.index)
        if end >= 0:
            return end
    return _last_mark_index(seq.value[-1])


def _list_end_by_events(text: str, seq_start: int) -> int:
    import yaml

    end, depth, flow = -1, 0, []
    for event in yaml.parse(text, Loader=yamlio.EventLoader):
        if depth == 0:
            if isinstance(event, yaml.SequenceStartEvent) and event.start_mark.index == seq_start:
                depth = 1
            continue
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            flow.append(bool(event.flow_style))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
            if depth == 0:
                break
            if flow.pop():  # a flow collection ends at its bracket; a block one at the next token
                end = max(end, event.end_mark.index)
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            end = max(end, event.end_mark.index)
    return end


def _last_mark_index(node: Node) -> int:
    """The text index just past the last character of node's own content."""
    while isinstance(node, (MappingNode, SequenceNode)) and node.value and not node.flow_style:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    end = node.end_mark.index
    return end


def _end_of_line(text: str, index: int) -> int:
    nl = text.find("\n", max(index - 1, 0))
    if index > 0 and text[index - 1] == "\n":
        return index
    return len(text) if nl < 0 else nl + 1


def _line_indent(text: str, index: int) -> int:
    start = text.rfind("\n", 0, index) + 1
    line = text[start:index]
    return len(line) - len(line.lstrip(" "))

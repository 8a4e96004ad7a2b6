"""Writes that lose nothing: text appended in place, atomic replace, one writer at a time.

Nothing a person wrote is re-serialised. Adding a record inserts its YAML text
after the last item of a list, so comments, order and formatting elsewhere stay
byte for byte. Every write goes to a temporary file in the same directory, is
fsynced, then renamed over the original: a crash leaves the old file or the new
one, never half of either. A lock file serialises writers across processes.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .. import yamlio
from ..errors import LedgerError, Problem, SourceLocation
from .discover import INDEX_DIR

LOCK_NAME = "lock"
_local = threading.local()


@contextlib.contextmanager
def ledger_lock(root: Path) -> Iterator[None]:
    """Hold the ledger's lock (re-entrant within a process)."""
    depth = getattr(_local, "depth", 0)
    if depth:
        _local.depth = depth + 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    lock_dir = root / INDEX_DIR
    lock_dir.mkdir(exist_ok=True)
    fd = os.open(lock_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock_fd(fd)
        _local.depth = 1
        try:
            yield
        finally:
            _local.depth = 0
            _unlock_fd(fd)
    finally:
        os.close(fd)


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


def write_atomic(path: Path, text: str | bytes) -> os.stat_result:
    """Replace path's content with text (UTF-8) or bytes: temp file, fsync, rename, fsync the directory.

    Returns the written file's stat, taken before the rename: the size and
    modification time of what this call wrote, whatever happens to path later.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _new_file_mode()  # mkstemp makes 0600 files; a new file gets what an editor would give it
    with contextlib.suppress(FileNotFoundError):
        mode = os.stat(path).st_mode & 0o777
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
            written = os.fstat(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)
    return written


def _new_file_mode() -> int:
    umask = os.umask(0o022)  # the only way to read the umask is to set it
    os.umask(umask)
    return 0o666 & ~umask


def create_exclusive(path: Path, text: str) -> os.stat_result:
    """Write a new file atomically; refuse if it already exists. Returns its stat (see write_atomic)."""
    if path.exists():
        raise FileExistsError(path)
    return write_atomic(path, text)


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

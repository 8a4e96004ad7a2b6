"""Reading successive versions of ledger files, re-reading only the items that changed.

`pledger verify` reads every version of every ledger file in a repository's
history. A file that grows by one prediction a commit would be parsed whole at
every commit, so the cost of a history would grow with the square of its
length. Instead, a version is compared with the one before it (its parent's
blob at the same path) and only the list items around the changed text are
parsed again, as a small document of their own.

Why such a small document reads as the items do in the whole file (the same
argument as store.appended's):

* The file is a block mapping at column 0 whose list (`predictions:` or
  `forecasts:`) is a block sequence, every item starting on its own line with
  `- ` at the same indentation (the file's *shape*, checked on a full parse).
* Everything before the first re-read item is byte-identical to the old
  version, where an item started at that offset: the YAML scanner is in the
  same state in both (in the sequence, expecting the next item).
* The re-read text is then parsed under the same list key, and it must give
  exactly one item per `- ` line at the list's indentation, each starting
  there. So no item of it spilled into the next (a quoted text running over
  an item line would break that count) and the sequence is left in the same
  state as before. The rest of the file is byte-identical to the old version
  from an item start (or from the list's end) on, so it reads as before.
* A change outside the list (the header a predictions file gives every item,
  a key after the list) rereads the whole file, as does anything unusual: a
  line break other than \\n and \\r\\n, an alias to an anchor outside
  the re-read items (the small document fails), an `&` in the old or new
  items (an anchor is the whole file's business: a duplicate one is an error,
  and aliases elsewhere may name it), a file that does not parse.

Each record read becomes a seal.Leaf, so what a caller compares across
versions is the canonical form of each record, never its text.
"""

from __future__ import annotations

import bisect
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .. import yamlio
from ..vocabulary import FILE_KINDS, FORECASTS_KEY, PREDICTIONS_KEY
from ..records import FileRecords
from ..seal import Leaf, leaves_of
from .read import read_document, read_forecast, read_header, read_prediction

_ITEM_START = re.compile(r" *- +")
# Line breaks other than \n and \r\n: YAML counts them as lines; the item scan here does not.
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_CHUNK = 1 << 16


@dataclass(slots=True)
class _Shape:
    """Where a file's list items are (see the module docstring), for re-reading a few of them."""

    key: str
    header: object | None  # the validated header of a predictions file (models.SetHeaderIn)
    indent: int
    starts: list[int]  # each item's line start (character offset)
    end: int  # where the list's text ends: the next root key's line, or the end of the file


@dataclass(slots=True)
class _Version:
    blob: str
    text: str | None  # kept only while a shape allows re-reading items of it
    items: list[tuple[Leaf, ...]]  # the leaves of each list item (one entry for a file without a shape)
    shape: _Shape | None = None

    def leaves(self) -> list[Leaf]:
        return [leaf for item in self.items for leaf in item]


class Change(NamedTuple):
    """What a new version of a file holds that may be new, and what it no longer holds.

    `added` can repeat leaves the old version had (the items around a change are
    re-read whole); `removed` is None when the old version was not at hand.
    """

    added: list[Leaf]
    removed: list[Leaf] | None


@dataclass
class VersionReader:
    """Reads versions of ledger files one after another (oldest first), keeping the latest of each path.

    `keep` more recent versions are kept by blob id besides, for histories that
    branch (a version's parent may be another path's or branch's latest).
    """

    keep: int = 16
    full_reads: int = 0
    item_reads: int = 0
    _paths: dict[str, _Version] = field(default_factory=dict)
    _blobs: OrderedDict = field(default_factory=OrderedDict)

    def read(self, path: str, old_blob: str | None, blob: str, data: bytes) -> Change:
        """Read version `blob` of `path` (its bytes `data`), whose parent version was `old_blob`."""
        old = self._version(path, old_blob)
        new = None
        if old is not None and old.shape is not None:
            new = self._reread(old, blob, data)
        if new is None:
            version = self._full(path, blob, data)
            removed = None
            if old is not None:
                now = {leaf.hash for leaf in version.leaves()}
                removed = [leaf for leaf in old.leaves() if leaf.hash not in now]
            self._remember(path, version)
            return Change(version.leaves(), removed)
        version, added, removed = new
        self._remember(path, version)
        return Change(added, removed)

    def same(self, path: str, blob: str) -> None:
        """`path` now holds `blob`, a version already read (a file copied, moved or reverted)."""
        version = self._blobs.get(blob)
        if version is not None:
            self._paths[path] = version
        else:
            self._paths.pop(path, None)

    def drop(self, path: str, old_blob: str | None) -> list[Leaf] | None:
        """`path` was deleted; the leaves its last version held (None when not at hand)."""
        old = self._version(path, old_blob)
        self._paths.pop(path, None)
        return old.leaves() if old is not None else None

    def leaves_of(self, blob: str) -> list[Leaf] | None:
        version = self._blobs.get(blob)
        return version.leaves() if version is not None else None

    def _version(self, path: str, blob: str | None) -> _Version | None:
        if blob is None:
            return None
        version = self._paths.get(path)
        if version is not None and version.blob == blob:
            return version
        return self._blobs.get(blob)

    def _remember(self, path: str, version: _Version) -> None:
        self._paths[path] = version
        self._blobs[version.blob] = version
        self._blobs.move_to_end(version.blob)
        while len(self._blobs) > self.keep:
            self._blobs.popitem(last=False)

    # -- a whole version ------------------------------------------------------------

    def _full(self, path: str, blob: str, data: bytes) -> _Version:
        self.full_reads += 1
        text = _text(data)
        doc = None
        if text is not None:
            try:
                doc = yamlio.parse(text)
            except yamlio.YamlProblemError:
                doc = None
        if doc is None:  # not UTF-8, too large or not YAML: read_file reports it and reads no record
            return _Version(blob, None, [()])
        shape = _shape(text, doc)
        if shape is None:
            return _Version(blob, None, [tuple(leaves_of(read_document(path, doc)))])
        seq = yamlio.child(doc.node, shape.key)
        items = [_item_leaves(path, doc, shape, seq, i, raw) for i, raw in enumerate(doc.data[shape.key])]
        return _Version(blob, text, items, shape)

    # -- only the items that changed ------------------------------------------------------

    def _reread(self, old: _Version, blob: str, data: bytes):
        text = _text(data)
        if text is None or old.text is None:
            return None
        old_text, sh = old.text, old.shape
        p = _common_prefix(old_text, text)
        s = _common_suffix(old_text, text, min(len(old_text), len(text)) - p)
        old_end = len(old_text) - s
        delta = len(text) - len(old_text)
        if p < sh.starts[0] or old_end > sh.end:
            return None  # the header, or a key after the list, changed: every item may read differently
        k0 = bisect.bisect_right(sh.starts, p) - 1
        start = sh.starts[k0]
        if p == sh.end and (p == 0 or text[p - 1] == "\n") and _marker(text, p, sh.indent):
            k0, start = len(sh.starts), p  # items appended after the last one: re-read only them
        k1 = max(k0, bisect.bisect_left(sh.starts, old_end))
        old_stop = sh.starts[k1] if k1 < len(sh.starts) else sh.end
        stop = old_stop + delta
        if stop < len(text) and text[stop - 1] != "\n":
            return None
        region = text[start:stop]
        if region and not _marker(region, 0, sh.indent):
            return None
        if _ODD_BREAK.search(region) or "&" in region or "&" in old_text[start:old_stop]:
            return None  # an anchor: a duplicate, or an alias elsewhere to it, is the whole file's business
        new_items, new_starts = [], []
        if region:
            read = self._read_items(old_text, sh, region, start)
            if read is None:
                return None
            new_items, new_starts = read
        starts = sh.starts[:k0] + new_starts + [x + delta for x in sh.starts[k1:]]
        if not starts:
            return None  # the list is empty now: `predictions:` alone reads differently
        items = old.items[:k0] + new_items + old.items[k1:]
        shape = _Shape(sh.key, sh.header, sh.indent, starts, sh.end + delta)
        added = [leaf for item in new_items for leaf in item]
        kept = {leaf.hash for leaf in added}
        removed = [leaf for item in old.items[k0:k1] for leaf in item if leaf.hash not in kept]
        return _Version(blob, text, items, shape), added, removed

    def _read_items(self, old_text: str, sh: _Shape, region: str, start: int):
        """The leaves and line starts (in the file) of the items in `region`, or None when it is not
        exactly whole items of the list (see the module docstring)."""
        self.item_reads += 1
        head = f"{sh.key}:\n"
        try:
            doc = yamlio.parse(head + region)
        except yamlio.YamlProblemError:
            return None
        seq = yamlio.child(doc.node, sh.key)
        if not isinstance(doc.data, dict) or list(doc.data) != [sh.key] or not isinstance(seq, SequenceNode):
            return None
        if seq.flow_style:
            return None
        mini = head + region
        markers = [m.start() for m in _marker_lines(sh.indent).finditer(mini, len(head))]
        if len(markers) != len(seq.value):
            return None
        for item, line_start in zip(seq.value, markers):
            at = item.start_mark.index
            if mini.rfind("\n", 0, at) + 1 != line_start or not _ITEM_START.fullmatch(mini, line_start, at):
                return None
        items = [_item_leaves("", doc, sh, seq, i, raw) for i, raw in enumerate(doc.data[sh.key])]
        return items, [start + m - len(head) for m in markers]


def _item_leaves(path: str, doc, shape: _Shape, seq, i: int, raw) -> tuple[Leaf, ...]:
    out = FileRecords(path, kind=shape.key)
    if shape.key == PREDICTIONS_KEY:
        read_prediction(doc, shape.header, seq, i, i, raw, out)
    else:
        read_forecast(doc, i, raw, out)
    return tuple(leaves_of(out))


def _text(data: bytes) -> str | None:
    """The file's text as read_file reads it, or None when read_file would only report a problem."""
    try:
        yamlio.check_size(len(data))
        text = data.decode("utf-8")
    except (yamlio.YamlProblemError, UnicodeDecodeError):
        return None
    return text[1:] if text.startswith("\ufeff") else text


def _shape(text: str, doc) -> _Shape | None:
    """The file's list items, when the file has the shape whose items can be re-read alone."""
    root, data = doc.node, doc.data
    if not isinstance(root, MappingNode) or root.flow_style or root.start_mark.column != 0:
        return None
    if not isinstance(data, dict) or _ODD_BREAK.search(text):
        return None
    kinds = [k for k in FILE_KINDS if k in data]
    if len(kinds) != 1 or kinds[0] not in (PREDICTIONS_KEY, FORECASTS_KEY):
        return None
    key = kinds[0]
    keys = [k for k, _ in root.value]
    if not all(isinstance(k, ScalarNode) for k in keys):
        return None
    at = next(n for n, k in enumerate(keys) if k.value == key)
    key_node, seq = root.value[at]
    if key_node.style not in (None, "") or key_node.start_mark.column != 0:
        return None
    if not isinstance(seq, SequenceNode) or seq.flow_style or not seq.value:
        return None
    header = None
    if key == PREDICTIONS_KEY:
        header = read_header(doc, FileRecords(""))
        if header is None:
            return None  # no item loads; read_file says why
    indent, starts = None, []
    for item in seq.value:
        idx = item.start_mark.index
        line_start = text.rfind("\n", 0, idx) + 1
        if not _ITEM_START.fullmatch(text, line_start, idx):
            return None
        spaces = _spaces(text, line_start)
        if indent is None:
            indent = spaces
        elif spaces != indent:
            return None
        starts.append(line_start)
    if at + 1 < len(keys):
        nxt = keys[at + 1].start_mark.index
        end = text.rfind("\n", 0, nxt) + 1
        if end != nxt:
            return None  # the next key is not at the start of its line
    else:
        end = len(text)
    if starts[0] <= key_node.start_mark.index or end < starts[-1]:
        return None
    return _Shape(key, header, indent, starts, end)


def _spaces(text: str, at: int) -> int:
    n = at
    while n < len(text) and text[n] == " ":
        n += 1
    return n - at


def _marker(text: str, at: int, indent: int) -> bool:
    """An item line of the list starts at `at`: `indent` spaces, then `- `."""
    end = at + indent
    return text.startswith(" " * indent, at) and text.startswith("- ", end)


_MARKER_LINES: dict[int, re.Pattern] = {}


def _marker_lines(indent: int) -> re.Pattern:
    pattern = _MARKER_LINES.get(indent)
    if pattern is None:
        pattern = _MARKER_LINES[indent] = re.compile(rf"^ {{{indent}}}- ", re.M)
    return pattern


def _common_prefix(a: str, b: str) -> int:
    """How many leading characters a and b share (chunked compares: C speed on long texts)."""
    if b.startswith(a):
        return len(a)
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i : i + _CHUNK] == b[i : i + _CHUNK]:
        i += _CHUNK
    lo, hi = i, min(i + _CHUNK, n)
    while lo < hi:  # the first difference lies in [lo, hi)
        mid = (lo + hi) // 2
        if a[lo : mid + 1] == b[lo : mid + 1]:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """How many trailing characters a and b share, at most `limit`."""
    if limit <= 0:
        return 0
    n = 0
    la, lb = len(a), len(b)
    while n < limit:
        step = min(_CHUNK, limit - n)
        if a[la - n - step : la - n] == b[lb - n - step : lb - n]:
            n += step
            continue
        lo, hi = 0, step  # how many more of this chunk's trailing characters agree
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if a[la - n - mid : la - n] == b[lb - n - mid : lb - n]:
                lo = mid
            else:
                hi = mid - 1
        return n + lo
    return n

"""Reading back an append without reading the whole file again.

`pledger add` and `pledger forecast` insert an item's text after the last item
of a file's list (store.write.insert_items): new = old[:at] + piece + old[at:].
Reading all of `new` again to prove the write adds no problem costs a full parse
and validation of the file, which dominates on a file of thousands of records.

Instead, `read_appended` parses a small *skeleton*: the list's key line, the old
last item, the new text and everything after it (the old tail), with blank
lines in place of everything else so that lines and columns are those of the
new file. Why the skeleton reads as the new file does:

* The new file is byte-identical to the old one up to the start of the old
  last item's line, and that line starts with the same `- ` at the same column
  in both, so the YAML tokens up to there are the same in both; the scanner is
  then in block context (no open flow collection, no pending key) with the
  root mapping at column 0 and the list under its key -- exactly the state the
  skeleton's key line puts it in.
* From there the two texts are the same bytes (blank lines aside, which block
  context ignores), so they give the same nodes.

The skeleton's data is then checked against the old document anyway: the old
last item and every key after the list must read exactly as before, and the
list must hold the old last item and the new ones only. Anything unusual (no
root block mapping at column 0, an item not starting `- ` on its own line, an
alias to an anchor outside the skeleton, a BOM, a header that does not
validate, an old last item or new item with any problem at all) makes it return None, and the
caller reads the whole new text as before.

What it returns is the records of the new items and how the old records' lines
move: records at or after `tail_line` (1-based, old numbering) are `shift` lines
further down. Every other record of the file is unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .. import yamlio
from ..vocabulary import FILE_KINDS, FORECASTS_KEY, PREDICTIONS_KEY
from ..records import FileRecords
from .read import read_forecast, read_header, read_prediction
from .write import Insertion

_ITEM_START = re.compile(r" *- +")
# Line breaks other than \n and \r\n: YAML counts them as lines, str.count("\n") does not.
_ODD_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


@dataclass(frozen=True, slots=True)
class Appended:
    records: FileRecords  # the new items' records, located in the new text
    tail_line: int  # the first line (1-based, old numbering) after the insertion point
    shift: int  # how many lines were inserted


def read_appended(rel_path: str, old_text: str, old_doc: yamlio.Document, key: str, ins: Insertion) -> Appended | None:
    """The new items' records when the rest of the file provably reads as before, else None."""
    if key not in (PREDICTIONS_KEY, FORECASTS_KEY) or old_text.startswith("\ufeff"):
        return None
    if _ODD_BREAK.search(old_text) or _ODD_BREAK.search(ins.piece):
        return None
    seq = ins.seq
    if seq is None or seq.flow_style or not seq.value or not ins.piece:
        return None
    root, data = old_doc.node, old_doc.data
    if not isinstance(root, MappingNode) or root.flow_style or root.start_mark.column != 0 or not isinstance(data, dict):
        return None
    if [k for k in FILE_KINDS if k in data] != [key] or not isinstance(data.get(key), list):
        return None
    try:
        yamlio.check_size(len(ins.text.encode("utf-8")))
    except yamlio.YamlProblemError:
        return None
    keys = [k for k, _ in root.value]
    at_key = next((n for n, k in enumerate(keys) if isinstance(k, ScalarNode) and k.value == key), None)
    if at_key is None or root.value[at_key][1] is not seq:
        return None
    key_node = keys[at_key]
    if key_node.style not in (None, "") or key_node.start_mark.column != 0:  # plain, at the margin
        return None
    tail_keys = keys[at_key + 1 :]
    if not all(isinstance(k, ScalarNode) for k in tail_keys):
        return None

    last = seq.value[-1]
    last_line_start = old_text.rfind("\n", 0, last.start_mark.index) + 1
    if not _ITEM_START.fullmatch(old_text, last_line_start, last.start_mark.index):
        return None
    key_line = key_node.start_mark.line
    key_start = key_node.start_mark.index
    key_end = old_text.find("\n", key_start) + 1
    last_line = last.start_mark.line
    if key_end <= 0 or key_start != old_text.rfind("\n", 0, key_start) + 1 or last_line <= key_line:
        return None
    if old_text.count("\n", key_start, key_end) != 1 or old_text.count("\n", key_end, last_line_start) != last_line - key_line - 1:
        return None  # a lone \r line break, say: lines would not match

    skeleton = (
        "\n" * key_line
        + old_text[key_start:key_end]
        + "\n" * (last_line - key_line - 1)
        + old_text[last_line_start : ins.at]
        + ins.piece
        + old_text[ins.at :]
    )
    try:
        sk = yamlio.parse(skeleton)
    except yamlio.YamlProblemError:
        return None
    sk_data, sk_seq = sk.data, yamlio.child(sk.node, key)
    if not isinstance(sk_data, dict) or not isinstance(sk_seq, SequenceNode):
        return None
    if list(sk_data) != [key, *(k.value for k in tail_keys)]:
        return None
    items = sk_data[key]
    if len(items) < 2 or not _same(items[0], data[key][-1]):
        return None
    if any(not _same(sk_data[k.value], data[k.value]) for k in tail_keys):
        return None

    out = FileRecords(rel_path, kind=key)
    # The old last item is read too: if it has a problem, the problem's position
    # may lie past the insertion point (`? key` gives a null placed at the next
    # token), so shifting the old row would misplace it: read the whole file.
    old_last = FileRecords(rel_path, kind=key)
    n_old = len(data[key])
    if key == PREDICTIONS_KEY:
        header = read_header(old_doc, FileRecords(rel_path))
        if header is None:
            return None
        read_prediction(sk, header, sk_seq, 0, n_old - 1, items[0], old_last)
        for i in range(1, len(items)):
            read_prediction(sk, header, sk_seq, i, n_old + i - 1, items[i], out)
    else:
        read_forecast(sk, 0, items[0], old_last)
        for i in range(1, len(items)):
            read_forecast(sk, i, items[i], out)
    if out.problems or out.rejected or old_last.problems or old_last.rejected:
        return None
    if ins.at == len(old_text):
        return Appended(out, old_text.count("\n") + 2, 0)  # nothing after the new text: nothing moves
    return Appended(out, old_text.count("\n", 0, ins.at) + 1, ins.piece.count("\n"))


def _same(a, b) -> bool:
    """Equal data, types included (1 == 1.0 == True in Python; not here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b

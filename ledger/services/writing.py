"""The shared steps of every command that records something.

Under the ledger lock: refresh the index, work out the new file text, check that
the new text reads back with no new problem, then write it atomically. If any
step fails nothing is written.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from .. import yamlio
from ..errors import LedgerError, Problem
from ..vocabulary import MAX_ID_LENGTH
from ..records import FileRecords
from ..store.read import read_document, read_file
from ..store.discover import SYMLINK_WRITE, NotALedgerFile, read_limited, symlink_reason, writable_path
from ..store.write import Appeared, Insertion, write_files_atomically

if TYPE_CHECKING:
    from .ledger import Ledger


def refuse_ambiguous(conn, prediction_ids) -> None:
    """LedgerError when one of prediction_ids is defined more than once: a write would not say which it means."""
    from .select import ambiguous_message, ambiguous_places

    places = ambiguous_places(conn, prediction_ids)
    if places:
        pid = next(iter(places))
        raise LedgerError(f"{ambiguous_message(pid, places[pid])}; nothing was written", refs=places[pid])


def commit_text(
    ledger: Ledger,
    rel_path: str,
    old_text: str | None,
    new_text: str,
    *,
    old_doc: yamlio.Document | None = None,
    key: str | None = None,
    insertion: Insertion | None = None,
) -> None:
    """Write new_text to rel_path if it reads back with no more problems than before, then index it.

    old_doc is old_text parsed, when the caller has it. With it, key and the
    insertion that made new_text from old_text (store.write.insert_items), an
    append is checked by reading the new items alone when the rest of the file
    provably reads as before (store.appended); else the whole new text is read
    back. Either way the index is then updated from the records just read, so
    the next command need not read the file again.
    """
    appended = None
    if old_text is not None and old_doc is not None and key is not None and insertion is not None:
        from ..store.appended import read_appended

        appended = read_appended(rel_path, old_text, old_doc, key, insertion)
    after = None if appended is not None else check_text(ledger.root, rel_path, old_text, new_text, old_doc)
    stat = write_text(ledger.root, rel_path, old_text, new_text)
    ledger.record_write(rel_path, stat, new_text, old_text, records=after, appended=appended)


def check_text(
    root: Path, rel_path: str, old_text: str | None, new_text: str, old_doc: yamlio.Document | None = None
) -> FileRecords:
    """new_text read back; LedgerError if it has a problem old_text did not have. Writes nothing.

    old_doc, when given, is old_text parsed: it is not parsed again.
    """
    if old_text is None:
        before = None
    elif old_doc is not None and not old_text.startswith("\ufeff"):
        before = read_document(rel_path, old_doc)
    else:
        before = read_file(root, rel_path, old_text.encode("utf-8"))
    after = read_file(root, rel_path, new_text.encode("utf-8"))
    old_problems = set(_keyless(before.problems)) if before else set()
    new_problems = [p for p in after.problems if _keyless([p])[0] not in old_problems]
    if new_problems:
        raise LedgerError(f"the new record would make {rel_path} invalid; nothing was written", new_problems)
    return after


def write_text(root: Path, rel_path: str, old_text: str | None, new_text: str) -> os.stat_result:
    """The atomic write of commit_text, for callers that checked the file first (check_text).

    Returns the written file's stat (store.write.write_atomic)."""
    return write_texts(root, {rel_path: (old_text, new_text)})[rel_path]


def write_texts(root: Path, texts: Mapping[str, tuple[str | None, str]]) -> dict[str, os.stat_result]:
    """Write {rel_path: (old text or None, new text)} all at once, or nothing (store.write.write_files_atomically).

    Every path must keep the ledger's rule for files (store.discover.writable_path:
    no symlink, nothing in the way), and a file whose old text is None must not
    exist yet. Returns each file's stat as written; LedgerError, naming the file, if any fails.
    """
    paths = {rel: writable_path(root, rel) for rel in texts}
    try:
        stats = write_files_atomically(
            {paths[rel]: new for rel, (_old, new) in texts.items()},
            new=[paths[rel] for rel, (old, _new) in texts.items() if old is None],
        )
    except Appeared as exc:
        rel = next((r for r, p in paths.items() if os.fspath(p) == exc.filename), exc.filename)
        raise LedgerError(f"{rel} appeared while writing; run the command again") from None
    return {rel: stats[paths[rel]] for rel in texts}


def _keyless(problems: list[Problem]) -> list[tuple[str, str]]:
    # Lines shift when text is inserted, so compare problems by message only.
    return [(p.code, p.message) for p in problems]


def read_text(path: Path) -> str | None:
    """A ledger file's text before a write adds to it; None when there is no such file.

    Read as store.discover reads ledger files (no symlink, a regular file, within
    the size limit); anything else is a LedgerError naming the file.
    """
    try:
        data = read_limited(path, yamlio.MAX_FILE_BYTES)
    except FileNotFoundError:
        return None
    except NotALedgerFile:
        what = symlink_reason(path, SYMLINK_WRITE) if os.path.islink(path) else "not a regular file (a FIFO, socket or device): rename it"
        raise LedgerError(f"cannot add to {path}: it is {what}; nothing was written") from None
    except IsADirectoryError:
        raise LedgerError(f"cannot add to {path}: it is a folder; rename it; nothing was written") from None
    except OSError as exc:
        raise LedgerError(f"cannot read {path}: {exc.strerror}; check its permissions; nothing was written") from None
    if len(data) > yamlio.MAX_FILE_BYTES:
        raise LedgerError(f"cannot add to {path}: it is larger than {yamlio.MAX_FILE_BYTES // (1024 * 1024)} MiB; split it")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise LedgerError(f"{path} is not UTF-8 text; fix it before adding to it") from None


def slugify(text: str, max_length: int = 48) -> str:
    """An id from free text: ascii, lowercase, whole words joined by '-', at most max_length long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length:
            break
        slug = candidate
    return slug or (words[0][:max_length] if words else "prediction")


def unique_id(base: str, taken: set[str]) -> str:
    base = base[: MAX_ID_LENGTH - 6]
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"

"""Which files make up a ledger, in a deterministic order."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

INDEX_DIR = ".pledger"
SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class LedgerFile:
    path: str  # relative to the root, '/'-separated: stable across machines
    size: int
    mtime_ns: int


def ledger_files(root: Path) -> list[LedgerFile]:
    """Every .yaml/.yml file under root, skipping hidden directories, sorted by path.

    Order never depends on the file system: the sort key is the relative path.
    """
    found: list[LedgerFile] = []
    root_str = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(root_str):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel_dir = os.path.relpath(dirpath, root_str)
        for name in filenames:
            if name.startswith(".") or not name.endswith(SUFFIXES):
                continue
            full = os.path.join(dirpath, name)
            try:
                st = os.stat(full)
            except FileNotFoundError:  # removed while we walked
                continue
            rel = name if rel_dir == "." else f"{rel_dir}/{name}".replace(os.sep, "/")
            found.append(LedgerFile(rel, st.st_size, st.st_mtime_ns))
    found.sort(key=lambda f: f.path)
    return found

"""Pausing Python's cyclic garbage collector while a command builds many small objects.

A report on a large ledger makes millions of tuples (rows, cells, lines) that hold no
reference cycles. Each batch of allocations triggers a collection, and the oldest
generation's collections rescan every object still alive, so the collector's work grows
with the square of the ledger's size (half the scorecard's time at 100,000 predictions).
Nothing these commands build needs the collector: reference counting frees it all.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused(*, promote: bool = False) -> Iterator[None]:
    """The cyclic collector off inside the block (as it was, after it); nested blocks are fine.

    promote -- what the block made, and still lives, goes straight to the oldest generation
               (gc.freeze, then unfreeze), so the next allocation does not walk it all (an import:
               a whole file's records, kept for the writes that follow).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if promote:
                gc.freeze()
                gc.unfreeze()
            gc.enable()

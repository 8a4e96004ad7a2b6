"""Timing helpers shared by the benchmark scripts (run by hand, never by the test suite)."""

from __future__ import annotations

import time


def best_of(fn, repeats: int, *, warm_up: bool = False) -> float:
    """The fastest of `repeats` calls of fn, in seconds; warm_up: one untimed call first
    (imports, caches, numba's compilation)."""
    if warm_up:
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)

"""A large file's rows read on every core: this process and forked children take chunks as each is free.

An import of a big CSV is mostly per-row work (dates, probabilities, slugs) on rows that do not
depend on each other once they are grouped by prediction. The chunks are made by the importer
(importers.generic groups rows by id, so each chunk is complete for its ids); here they are only
run. A child starts by fork, so it reads the rows without their being copied to it, and sends
back what it made, pickled. Where fork is not how this platform starts processes (Windows,
macOS), or the file is small, or the other cores are busy, or $PLEDGER_JOBS=1, everything runs in
this process.

Whatever goes wrong in a child (an error, a crash, a file that does not load) makes its chunks
run again here, so the result and its errors are the ones a sequential read gives.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

from ..beside import JOBS_VARIABLE as JOBS_ENV  # one variable for every child process a command may start
from ..errors import UsageError

MIN_ROWS_PER_JOB = 20_000  # below this a fork and the pickling back cost more than they save

P = TypeVar("P")
R = TypeVar("R")


def can_fork() -> bool:
    """Whether children start by fork here (as multiprocessing's default: Linux and the BSDs) and no
    other thread runs (one holding a lock at the fork would leave a child waiting on it forever)."""
    import threading

    return (hasattr(os, "fork") and sys.platform != "darwin" and not sys.platform.startswith(("win", "cygwin"))
            and threading.active_count() == 1)


def asked_jobs() -> int | None:
    """$PLEDGER_JOBS: how many processes an import reads a file with (1: this one alone); None when unset."""
    fixed = os.environ.get(JOBS_ENV, "").strip()
    if not fixed:
        return None
    try:
        jobs = int(fixed)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise UsageError(f"{JOBS_ENV}={fixed!r} is not a number of processes; write 1 or more, or unset it", JOBS_ENV)
    return jobs


def jobs_for(rows: int, asked: int | None) -> int:
    """How many processes read `rows` rows: `asked` when given, else the cores this process may use, at
    most one per MIN_ROWS_PER_JOB rows; always 1 where children do not start by fork."""
    if not can_fork():
        return 1
    if asked is not None:
        return asked
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores - _busy_cores(), rows // MIN_ROWS_PER_JOB))


def _busy_cores(samples: int = 5) -> int:
    """Other tasks running right now (Linux's count of runnable tasks, less this one; the least of a
    few samples a millisecond apart, as a task may run for an instant): a child on a core another
    program keeps busy only takes time from this process, and the pickling back is lost."""
    import time

    running = []
    try:
        for _ in range(samples):
            with open("/proc/loadavg", encoding="ascii") as fh:
                running.append(int(fh.read().split()[3].split("/")[0]))
            time.sleep(0.001)
    except (OSError, ValueError, IndexError):
        return 0
    return max(0, min(running) - 1)


MAX_CHUNKS = 255  # a chunk's number is one byte on the queue


class ChildFailed(Exception):
    """A child did not finish: the chunks it took are run here."""


def run_chunks(chunks: Sequence[P], work: Callable[[P], R], jobs: int, pack: Callable[[R], object] = lambda r: r,
               unpack: Callable[[object], R] = lambda r: r) -> list[R]:
    """[work(chunk) for chunk in chunks], shared by this process and jobs - 1 forked children as each is free.

    The chunks' numbers wait on a pipe, one byte each; whoever is free reads the next, so a child on
    a busy core takes fewer and none waits long for another (the pipe hands each byte to one reader).
    A child writes pack(result) of each chunk it did to a file of its own as it goes (a pipe would
    stall it until this process reads) and this process unpacks them when its own share is done.
    A chunk whose child failed in any way is run here instead.
    """
    if len(chunks) > MAX_CHUNKS:
        raise ValueError(f"at most {MAX_CHUNKS} chunks")
    queue, feed = os.pipe()
    os.write(feed, bytes(range(len(chunks))))  # a few hundred bytes: less than any pipe holds
    os.close(feed)  # the queue ends (reads return b"") once every number is taken
    children: list[tuple[int, object]] = []  # (pid, the file it writes) of the children not yet heard from
    results: dict[int, R] = {}
    try:
        for _ in range(jobs - 1):
            children.append(_start(queue, chunks, work, pack))
        for index in _taken(queue):
            results[index] = work(chunks[index])
        os.close(queue)
        queue = None
        while children:
            pid, file = children.pop(0)
            try:
                results.update((index, unpack(packed)) for index, packed in _receive(pid, file))
            except ChildFailed:
                pass
            finally:
                file.close()
        for index, chunk in enumerate(chunks):  # what a failed child had taken
            if index not in results:
                results[index] = work(chunk)
        return [results[index] for index in range(len(chunks))]
    finally:
        if queue is not None:
            os.close(queue)
        for pid, file in children:  # this process failed first: the children's work is not wanted
            _abandon(pid, file)


def _taken(queue: int):
    while True:
        byte = os.read(queue, 1)
        if not byte:
            return
        yield byte[0]


def _start(queue: int, chunks, work, pack) -> tuple[int, object]:
    import tempfile

    file = tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:  # the child: work, write, and leave without running the parent's exit handlers
        status = 1
        try:
            dump = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL).dump
            for index in _taken(queue):
                dump((index, pack(work(chunks[index]))))
            file.flush()
            status = 0
        except BaseException:  # noqa: BLE001 - this process's chunks are run again by the parent
            pass
        finally:
            os._exit(status)
    return pid, file


def _receive(pid: int, file) -> list[tuple[int, object]]:
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise ChildFailed(pid)
    file.seek(0)
    unpickler = pickle.Unpickler(file)
    out = []
    try:
        while True:
            try:
                out.append(unpickler.load())
            except EOFError:
                return out
    except Exception as exc:  # noqa: BLE001 - a file that does not load: its chunks are run here
        raise ChildFailed(pid) from exc


def _abandon(pid: int, file) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    file.close()
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass

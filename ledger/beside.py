"""Work done beside this process, in a forked child, while this one goes on.

A scorecard's chart costs matplotlib's import and two renderings (PNG and SVG): more
than the rest of a small scorecard, and independent of it. `Beside(prepare)` forks
a child at once, which runs `prepare` (the imports) while this process reads the
ledger; `run(fn, *args)` then hands the child the work and takes its result.
`Started(fn, *args)` forks a child that does fn(*args) at once, on what this process
holds at the fork (nothing is pickled on the way in); `result()` takes its value. A
scorecard's leaderboard is computed so while this process reads the table, and an
import's fingerprints of the ledger while this process parses the file.

The child prints nothing and writes no file: its output goes to /dev/null and its
result comes back pickled through a pipe. Wherever the child cannot help (no fork on
this platform, other threads running, PLEDGER_JOBS=1, a crash, a result that cannot
be pickled, no answer within TIMEOUT seconds), `run` does the work here instead, so
the result, and any error the work raises, are the ones this process would give.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
from collections.abc import Callable
from typing import Any

TIMEOUT = 60.0  # seconds: far above a chart's drawing, even on a loaded machine
JOBS_VARIABLE = "PLEDGER_JOBS"  # "1": no child process, everything in this one


def can_fork() -> bool:
    """Whether a child may be forked here: fork exists, it is not turned off, and no other thread
    runs (a thread holding a lock at the fork would leave the child waiting on it forever)."""
    import threading

    return hasattr(os, "fork") and os.environ.get(JOBS_VARIABLE, "").strip() != "1" and threading.active_count() == 1


class _Child:
    """A forked child doing `work` (handed the read end of a request pipe when `asks`), and its answer:
    the one mechanism of Beside and Started."""

    def __init__(self, work: Callable[[int], Any], asks: bool):
        self._pid: int | None = None
        self._to_child = self._from_child = -1
        if not can_fork():
            return
        result_r, result_w = os.pipe()
        request_r, request_w = os.pipe() if asks else (-1, -1)
        try:
            pid = os.fork()
        except OSError:  # no memory or process slots for a child: the work is done here
            for fd in (request_r, request_w, result_r, result_w):
                if fd >= 0:
                    os.close(fd)
            return
        if pid == 0:  # the child: never returns
            for fd in (request_w, result_r):
                if fd >= 0:
                    os.close(fd)
            _child(lambda: work(request_r), result_w)
        for fd in (request_r, result_w):
            if fd >= 0:
                os.close(fd)
        self._pid, self._to_child, self._from_child = pid, request_w, result_r

    def _take(self, here: Callable[[], Any], request: Callable[[], bytes] | None = None) -> Any:
        """The child's value (after sending it request() when given), else here() computed in this
        process, raising what it raises. The child is ended and reaped either way."""
        if self._pid is not None:
            try:
                if request is not None:
                    _write_all(self._to_child, request())
                    os.close(self._to_child)
                    self._to_child = -1
                done, value = _answer(self._from_child)
            except (OSError, pickle.PickleError, TypeError, AttributeError, EOFError):
                done, value = False, None
            finally:
                self.close()
            if done:
                return value
        return here()

    def close(self) -> None:
        """End the child (if it is still there) and reap it; the work then runs here if asked for."""
        for fd in (self._to_child, self._from_child):
            if fd >= 0:
                os.close(fd)
        self._to_child = self._from_child = -1
        if self._pid is not None:
            pid, self._pid = self._pid, None
            _end(pid)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Beside(_Child):
    """A forked child that prepares now and does one piece of work later (see the module's words)."""

    def __init__(self, prepare: Callable[[], Any] | None = None):
        super().__init__(lambda request_fd: _asked(prepare, request_fd), asks=True)

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """fn(*args), computed by the child when it can, else here."""
        return self._take(lambda: fn(*args), lambda: pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL))


class Started(_Child):
    """fn(*args) begun at once in a forked child (see the module's words). The child sees this
    process's memory as it was at the fork and may not use what cannot cross a fork (an open database
    connection: it opens its own)."""

    def __init__(self, fn: Callable[..., Any], *args: Any):
        self._fn, self._args = fn, args
        super().__init__(lambda _: fn(*args), asks=False)

    def result(self, here: Callable[[], Any] | None = None) -> Any:
        """fn(*args): the child's value when it gave one, else here() (by default fn(*args)) computed in
        this process, raising what it raises."""
        return self._take(here if here is not None else lambda: self._fn(*self._args))


def _asked(prepare, request_fd: int) -> Any:
    """A Beside child's work: prepare, then wait for the work and do it."""
    if prepare is not None:
        prepare()
    with os.fdopen(request_fd, "rb") as fh:
        fn, args = pickle.loads(fh.read())
    return fn(*args)


def _answer(fd: int) -> tuple[bool, Any]:
    """The child's (done, value), read to its end; (False, None) when it sent nothing in TIMEOUT."""
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], TIMEOUT)
        if not ready:
            return False, None  # the child is stuck: close() ends it
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    if not chunks:
        return False, None
    return pickle.loads(b"".join(chunks))


def _end(pid: int) -> None:
    """Reap the child, ending it first if it still runs."""
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:  # reaped already (a caller's SIGCHLD handler)
        pass


def _child(work: Callable[[], Any], result_fd: int) -> None:
    """The child's whole life: do the work, send back (done, value), exit without running this
    process's exit handlers or flushing its buffers (they are the parent's)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the child too, quietly
        try:
            payload = pickle.dumps((True, work()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # the parent does the work itself and raises the error there
            payload = pickle.dumps((False, None))
        _write_all(result_fd, payload)
    except BaseException:
        pass
    finally:
        os._exit(0)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]

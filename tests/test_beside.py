"""ledger.beside: work done in a forked child gives what it would give here, and a child that cannot
help (turned off, crashed, stuck, an answer that cannot travel) leaves the work to this process."""

from __future__ import annotations

import os
import threading

import pytest

from ledger import beside
from ledger.beside import Beside

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


def _pid_and(x):
    return os.getpid(), x * 2


def _fails(x):
    raise ValueError(f"bad {x}")


def _unpicklable(_):
    return (i for i in range(3))  # a generator: pickle refuses it, so the child cannot send it


def _crash():
    os._exit(3)


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_child_does_the_work_and_is_reaped():
    worker = Beside()
    child = worker._pid
    assert child is not None
    pid, value = worker.run(_pid_and, 21)
    assert value == 42
    assert pid == child != os.getpid()
    assert _reaped(child)


def test_turned_off_the_work_is_done_here(monkeypatch):
    monkeypatch.setenv(beside.JOBS_VARIABLE, "1")
    worker = Beside()
    assert worker._pid is None
    assert worker.run(_pid_and, 2) == (os.getpid(), 4)


def test_other_threads_running_no_child():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not beside.can_fork()
        assert Beside()._pid is None
    finally:
        stop.set()
        t.join()


def test_an_error_in_the_work_is_raised_here_as_the_work_raises_it():
    worker = Beside()
    child = worker._pid
    with pytest.raises(ValueError, match="bad 7"):
        worker.run(_fails, 7)
    assert _reaped(child)


def test_a_crashed_child_leaves_the_work_to_this_process():
    worker = Beside(_crash)
    child = worker._pid
    assert worker.run(_pid_and, 5) == (os.getpid(), 10)
    assert _reaped(child)


def test_an_answer_that_cannot_be_pickled_is_computed_here():
    worker = Beside()
    result = worker.run(_unpicklable, None)
    assert list(result) == [0, 1, 2]


def test_a_stuck_child_is_ended_and_the_work_done_here(monkeypatch):
    monkeypatch.setattr(beside, "TIMEOUT", 0.2)
    worker = Beside(lambda: threading.Event().wait(30))  # never ready within the timeout
    child = worker._pid
    assert worker.run(_pid_and, 1) == (os.getpid(), 2)
    assert _reaped(child)


def test_closed_without_work_the_child_is_reaped():
    worker = Beside()
    child = worker._pid
    worker.close()
    assert _reaped(child)
    assert worker.run(_pid_and, 3) == (os.getpid(), 6)  # after close: here


def test_scorecard_files_are_the_same_with_and_without_the_child(cli, bundled, tmp_path, monkeypatch):
    forked = []
    run = Beside.run
    monkeypatch.setattr(Beside, "run", lambda self, *a: forked.append(self._pid is not None) or run(self, *a))
    for folder, jobs in (("a", ""), ("b", "1")):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)  # the same command in both (the footer repeats it)
        monkeypatch.setenv(beside.JOBS_VARIABLE, jobs)
        r = cli("--root", bundled, "scorecard", "-o", "card.md")
        assert r.code == 0, r.err
    for name in ("card.md", "card-calibration.png", "card-calibration.svg"):
        a, b = (tmp_path / d / name for d in ("a", "b"))
        assert a.read_bytes() == b.read_bytes(), name
    assert forked == [True, False]  # drawn by a child, then here
    assert (tmp_path / "a" / "card-calibration.png").stat().st_size > 1000


# -- Started: work begun at once in a child, on what this process holds at the fork ------------------


def test_started_work_sees_this_process_memory_and_gives_its_value():
    held = {"rows": list(range(1000))}  # not pickled on the way in: the child sees it through the fork
    job = beside.Started(lambda: (os.getpid(), sum(held["rows"])))
    child = job._pid
    assert child is not None
    pid, total = job.result()
    assert total == 499500 and pid == child != os.getpid()
    assert _reaped(child)


def test_started_work_that_fails_in_the_child_is_done_here_by_the_fallback():
    job = beside.Started(_fails, 4)
    child = job._pid
    assert job.result(lambda: "here") == "here"
    assert _reaped(child)
    with pytest.raises(ValueError, match="bad 5"):  # no fallback: the work itself, raising here
        beside.Started(_fails, 5).result()


def test_started_turned_off_or_crashed_the_work_is_done_here(monkeypatch):
    assert beside.Started(lambda: os._exit(3)).result(lambda: os.getpid()) == os.getpid()
    monkeypatch.setenv(beside.JOBS_VARIABLE, "1")
    job = beside.Started(_pid_and, 8)
    assert job._pid is None
    assert job.result() == (os.getpid(), 16)


def test_started_work_not_asked_for_is_ended_and_reaped():
    job = beside.Started(lambda: threading.Event().wait(30))
    child = job._pid
    job.close()
    assert _reaped(child)


@pytest.mark.own_index  # the child opens the ledger's own SQLite index file; on a server the parent computes it
@pytest.mark.parametrize("policy", ["first", "last"])
def test_scorecards_leaderboard_from_the_child_is_the_one_computed_here(bundled, monkeypatch, policy):
    # report.scorecard computes the leaderboard in a child (beside.Started) while it reads the table;
    # with the child turned off it is computed here. The section's data are the same either way.
    from ledger.report.scorecard import collect
    from ledger.services.ledger import Ledger

    used, here_too = [], []
    result = beside.Started.result
    monkeypatch.setattr(beside.Started, "result", lambda self, here=None: used.append(self._pid is not None)
                        or result(self, lambda: here_too.append(True) or here()))
    boards = []
    for jobs in ("", "1"):
        monkeypatch.setenv(beside.JOBS_VARIABLE, jobs)
        ledger = Ledger.open(bundled)
        with ledger.reader() as db:  # the index made current, for the child to read
            db.rows("SELECT 1")
        data = collect(ledger, policy=policy, bootstrap=0)
        assert data.board is not None and data.board.leaderboard.n_forecasters > 1
        boards.append(data.board)
    assert used == [True, False] and here_too == [True]  # from the child (its value), then here
    a, b = boards
    assert a.to_dict() == b.to_dict()
    assert [r.forecaster for r in a.leaderboard.rows] == [r.forecaster for r in b.leaderboard.rows]

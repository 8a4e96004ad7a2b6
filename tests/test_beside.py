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


# The published lists' rows rendered by a child while the parent scores (report.scorecard.published_texts,
# from BESIDE_ROWS predictions on): the scorecard's bytes are the ones the parent renders alone.
SETS = {
    "a.yaml": """\
set: one
title: First set
by: Ann
made: 2025-01-01
predictions:
  - {id: a1, claim: "Pipes | and *stars*", p: 0.7}
  - {id: a2, claim: "1. starts like a list", p: "3:1"}
  - {id: a3, claim: www.example.com autolinks @someone, p: 70%}
""",
    "b.yaml": """\
set: two
by: Bo
made: 2025-01-02
predictions:
  - {id: b1, claim: A plain claim, p: 0.2}
  - {id: b2, claim: A noted claim, p: 0.9}
  - {id: b3, claim: Still open, p: 0.4}
""",
    "c.yaml": """\
set: one
by: Ann
made: 2025-01-03
predictions:
  - {id: c1, claim: Later in the first set, p: 0.6}
""",
    "o.yaml": "on: 2025-06-01\nby: Ann\nresults:\n  a1: yes\n  a2: no\n  a3: annulled\n  b1: yes\n  c1: no\n"
              "  b2: {result: no, note: a note makes this set's table another one}\n",
}


@pytest.mark.parametrize("flavor", ["github", "lesswrong", "plain"])
@pytest.mark.parametrize("how", ["percent", "as-typed"])
def test_published_lists_rendered_by_a_child_are_the_ones_rendered_here(cli, tmp_path, monkeypatch, flavor, how):
    from ledger.report import scorecard as sc

    from support import identify, write_files

    root = identify(write_files(tmp_path / "ledger", SETS))
    monkeypatch.setattr(sc, "BESIDE_ROWS", 0)
    cards = []
    for folder, jobs in (("a", ""), ("b", "1")):
        (tmp_path / folder).mkdir()
        monkeypatch.chdir(tmp_path / folder)  # the same command in both (the footer repeats it)
        monkeypatch.setenv(beside.JOBS_VARIABLE, jobs)
        r = cli("--root", root, "scorecard", "--flavor", flavor, "--probabilities", how, "-o", "card.md")
        assert r.code == 0, r.err
        cards.append((tmp_path / folder / "card.md").read_text(encoding="utf-8"))
    assert cards[0] == cards[1]
    from ledger.services.ledger import Ledger

    monkeypatch.setenv(beside.JOBS_VARIABLE, "1")  # no child: nothing rendered ahead
    assert sc.collect(Ledger.open(root), render_as=(flavor, how)).table_texts is None
    monkeypatch.setenv(beside.JOBS_VARIABLE, "")
    data = sc.collect(Ledger.open(root), render_as=(flavor, how))
    assert set(data.table_texts) == {"one"}  # set two has a note: its table has a notes column, not the list
    (made_for, rows), = data.table_texts.values()
    assert made_for == flavor and rows in cards[0] and rows.count("\n") == 3  # a1, a2, a3, c1
    assert "Later in the first set" in rows and "A plain claim" not in rows


def test_the_rows_rendered_beside_are_not_used_with_the_on_record_marks(tmp_path, monkeypatch):
    # The On record part marks late predictions in the claim cell: the child's rows have no marks.
    from dataclasses import replace

    from ledger.report import card as cards
    from ledger.report import scorecard as sc
    from ledger.services.ledger import Ledger

    from support import identify, write_files

    monkeypatch.setattr(sc, "BESIDE_ROWS", 0)
    data = sc.collect(Ledger.open(identify(write_files(tmp_path / "ledger", SETS))), render_as=("github", "percent"))
    assert data.table_texts
    tables = [b for b in cards.table_section(data, sc.Options()).blocks if isinstance(b, cards.Table)]
    assert any(getattr(t.rows, "text", None) for t in tables)
    marked = replace(data, verification=object())  # any report: the rows are made here
    monkeypatch.setattr(cards, "_late", lambda verification, pid: "")
    tables = [b for b in cards.table_section(marked, sc.Options()).blocks if isinstance(b, cards.Table)]
    assert not any(getattr(t.rows, "text", None) for t in tables)

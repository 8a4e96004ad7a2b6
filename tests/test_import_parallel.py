"""A large CSV read by several processes (importers.parallel) gives what one process gives, byte for byte.

The parallel path is forced here on small files (jobs=2 or 3, $PLEDGER_JOBS): the result, its
rejected rows and their order, and the ledger an import writes are compared with a sequential read.
"""

from __future__ import annotations

import os
import shutil
import time

import pytest

from ledger.importers import generic, parallel
from ledger.importers.base import Options, short_hash

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="children start by fork only on Linux and the BSDs")

HEADER = "id,claim,by,made,p,forecast_by,at,result,resolved_on,tags,evidence"


def awkward_csv(rows: int = 400) -> bytes:
    """Rows of every kind the parse treats apart: one id's rows far apart, id-less rows (a few lookalikes),
    rows rejected for each reason, a short row, a blank row, bytes that are not UTF-8."""
    lines = [HEADER]
    for k in range(rows):
        pid = f"q-{k % 150:03d}"  # each id's rows are spread over the whole file
        result = ("yes", "no", "", "")[k % 4]
        day = f"2024-{1 + k % 12:02d}-{1 + k % 28:02d}"
        lines.append(f"{pid},Question {k % 150},ann,2024-01-01,0.{10 + k % 80},bob,{day},{result},"
                     f"{'2025-02-01' if result and k % 7 else ''},t{k % 3};x,{'https://e.org/' + str(k) if k % 11 == 0 else ''}")
        if k % 13 == 0:
            lines.append(f",Id-less claim {k},,2024-02-0{1 + k % 9},30%,,,,,,")
        if k % 65 == 0 and k:  # a lookalike of an id-less row far above
            lines.append(f",Id-less claim {k - 65},,2024-02-0{1 + (k - 65) % 9},35%,,,,,,")
        if k % 17 == 0:
            lines.append(f"q-{k % 150:03d},Another claim for this id,ann,2024-01-01,0.5,,,,,,")
        if k % 19 == 0:
            lines.append(f"bad id {k},Claim,ann,2024-01-01,0.5,,,,,,")
        if k % 23 == 0:
            lines.append(f"q-{k % 150:03d},,ann,2024-01-01,,,2024-03-03,maybe,,,")  # no p, a bad result
        if k % 29 == 0:
            lines.append(f"q-{k % 150:03d},Question {k % 150},ann,2024-01-01,0.4,,2024-05-05,yes,not a day,,")
        if k % 31 == 0:
            lines.append(f"new-{k},Fresh,ann,someday,0.4,,,,,,")
        if k % 37 == 0:
            lines.append(f"short-{k},Short row,ann,2024-01-01,0.6")
        if k % 41 == 0:
            lines.append(",,,,,,,,,,")
    text = "\n".join(lines) + "\n"
    return text.encode("utf-8") + b"latin,Caf\xe9 ouvert,ann,2024-01-01,0.5,,,,,,\n"


def parse(data: bytes, jobs: int | None, path: str = "file.csv"):
    return generic.parse(data, path, Options(by="me"), None, jobs=jobs)


@pytest.mark.parametrize("jobs", [2, 3])
def test_rows_read_in_several_processes_give_the_sequential_result(jobs):
    data = awkward_csv()
    one = parse(data, 1)
    assert one.rejected and len({r.row for r in one.rejected}) == len(one.rejected) > 20  # the file exercises them
    assert any("same claim and made date" in r.reason for r in one.rejected)
    text = data.decode("utf-8", errors="surrogateescape")
    columns = generic.resolve_columns(generic.csv_header(text), {}, "file.csv")
    split = generic._parse_in_parts(text, "file.csv", Options(by="me"), columns, jobs, None)
    assert split is not None  # the rows really were read in parts
    assert (split.items, split.rejected, split.rows) == (one.items, one.rejected, one.rows)
    assert parse(data, jobs) == one


def test_an_id_less_rows_hash_used_as_another_rows_id_is_read_in_one_process():
    # `csv-<hash>` of an id-less row is also written as the id of a row elsewhere: the two are one
    # prediction read in file order, which only one process can do; the parts are not used.
    hashed = "csv-" + short_hash("Same question", "2024-01-01")
    lines = [HEADER] + [f"q-{k},Claim {k},ann,2024-01-01,0.5,,,,,," for k in range(200)]
    lines[50] = ",Same question,ann,2024-01-01,0.6,,,,,,"
    lines[150] = f"{hashed},Same question,ann,2024-01-01,0.7,,2024-02-01,,,,"
    data = ("\n".join(lines) + "\n").encode()
    text = data.decode()
    columns = generic.resolve_columns(generic.csv_header(text), {}, "f")
    found = [generic._parse_in_parts(text, "f", Options(by="me"), columns, 2, None) for _ in range(8)]
    one = parse(data, 1)
    (item,) = [i for i in one.items if i.id == hashed]
    assert [f.p_typed for f in item.forecasts] == ["0.6", "0.7"]
    # In one chunk by chance (the hash picks), the parts give the right answer; in two, they are refused.
    assert all(f is None or f == one for f in found)
    assert parse(data, 2) == one


def test_a_child_that_fails_has_its_chunks_run_here():
    parent = os.getpid()

    def work(chunk):
        time.sleep(0.005)
        if os.getpid() != parent:
            raise RuntimeError("a child's fault")
        return sum(chunk)

    chunks = [list(range(k, k + 5)) for k in range(30)]
    assert parallel.run_chunks(chunks, work, 3) == [sum(c) for c in chunks]


def test_children_take_chunks_and_the_results_come_back_in_order():
    def work(chunk):
        time.sleep(0.01)  # long enough that the children are free to take some
        return os.getpid(), [x * x for x in chunk]

    chunks = [list(range(k, k + 3)) for k in range(24)]
    results = parallel.run_chunks(chunks, work, 2, pack=lambda r: (r[0], tuple(r[1])), unpack=lambda p: (p[0], list(p[1])))
    assert [r[1] for r in results] == [[x * x for x in c] for c in chunks]
    assert len({pid for pid, _ in results}) == 2  # this process and a child
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every child was waited for


def test_a_fault_here_stops_the_children_and_is_raised():
    def work(chunk):
        if chunk == 0:
            raise KeyError("here")
        time.sleep(0.05)
        return chunk

    with pytest.raises(KeyError):
        parallel.run_chunks(list(range(10)), work, 2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_a_small_file_is_read_here_unless_jobs_are_asked_for():
    assert parallel.jobs_for(parallel.MIN_ROWS_PER_JOB - 1, None) == 1
    assert parallel.jobs_for(10, 3) == 3


def test_an_import_with_jobs_writes_the_same_ledger_and_says_the_same(cli, make_ledger, tmp_path, monkeypatch):
    data = awkward_csv()
    source = tmp_path / "rows.csv"
    source.write_bytes(data)
    first = make_ledger({"a.yaml": "set: a\npredictions:\n  - id: q-001\n    claim: Question 1\n    p: 0.2\n"
                                   "    by: ann\n    made: 2024-01-01\n"}, name="one")
    second = tmp_path / "two"
    shutil.copytree(first, second)
    outputs = []
    for root, jobs in ((first, "1"), (second, "2")):
        monkeypatch.setenv("PLEDGER_JOBS", jobs)
        outputs.append([cli("--root", root, "import", "csv", source, "--set", "rows") for _ in range(2)])
    (once_a, again_a), (once_b, again_b) = outputs
    assert once_a.code == 0 and "rejected" in once_a.err and "added" in once_a.out
    assert (once_a.code, once_a.out, once_a.err) == (once_b.code, once_b.out, once_b.err)
    assert (again_a.out, again_a.err) == (again_b.out, again_b.err)  # the re-import: nothing new, the same notes
    files = lambda root: {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.yaml")
                          if ".pledger" not in p.parts}
    assert files(first) == files(second) and len(files(first)) >= 3


def test_pledger_jobs_must_be_a_number_of_processes(cli, make_ledger, tmp_path, monkeypatch):
    source = tmp_path / "rows.csv"
    source.write_text(HEADER + "\nq-1,Claim,ann,2024-01-01,0.5,,,,,,\n")
    monkeypatch.setenv("PLEDGER_JOBS", "0")
    result = cli("--root", make_ledger(), "import", "csv", source)
    assert result.code == 2 and "PLEDGER_JOBS" in result.err

"""Issue 13, "The files and the root" and "Disk full and partial failure": each hostile case
refused with a one-line message naming the path, the tree unchanged byte for byte; and
writers killed with SIGKILL inside the locked section leave a tree the next command uses.

Tests are named after the issue's cases. Where a case needs the real thing (a full disk,
a read-only file system), a test mounts a small tmpfs when it runs as root and skips with
the reason otherwise; a twin test injects the same errno in process, so it runs everywhere.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ledger.store import write as store_write
from ledger.store.discover import TEMP_PATTERN
from support import BY, TODAY, assert_clean_error, run_pledger, snapshot

OPEN_ID = "rg25-textbook"  # the bundled ledger's one unresolved prediction
CLAIM_ID = "one-layer-monosemantic"
POSIX = pytest.mark.skipif(os.name != "posix", reason="FIFOs, symlinks and flock are POSIX")


@pytest.fixture(autouse=True)
def _own_cache(tmp_path, monkeypatch):
    # A read-only ledger's index goes to the user's cache folder: keep it in the test's folder.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def one_line_error(result, code: int, *fragments: str) -> None:
    """assert_clean_error, and the message is one line."""
    assert_clean_error(result, code, *fragments)
    assert result.err.count("\n") == 1, result.err


def tree(path: Path) -> dict[str, bytes | str]:
    """Every entry under path (the index folder too, unlike support.snapshot), symlinks as their targets."""
    out: dict[str, bytes | str] = {}
    for dirpath, dirnames, filenames in os.walk(path):
        for name in dirnames + filenames:
            full = Path(dirpath, name)
            rel = full.relative_to(path).as_posix()
            if rel.startswith(".pledger/") or rel == ".pledger":
                continue
            if full.is_symlink():
                out[rel] = "-> " + os.readlink(full)
            elif full.is_file():
                out[rel] = full.read_bytes()
            elif full.is_dir():
                out[rel] = "dir"
            else:
                out[rel] = "special"
    return out


def every_write(root: Path, tmp_path: Path, csv: Path) -> dict[str, list[str]]:
    """One command of each kind that writes, on the bundled ledger at root."""
    out = tmp_path / "out"
    return {
        "add": ["--root", root, "add", "A new claim", "-p", "60%"],
        "add --set": ["--root", root, "add", "A new claim", "-p", "60%", "--set", "anthropic-sae-2024"],
        "forecast": ["--root", root, "forecast", OPEN_ID, "-p", "30%"],
        "resolve": ["--root", root, "resolve", OPEN_ID, "yes"],
        "claim add": ["--root", root, "claim", "add", "A quoted claim", "--source", "https://example.org/paper"],
        "claim assess": ["--root", root, "claim", "assess", CLAIM_ID, "contested"],
        "import": ["--root", root, "import", "csv", csv],
        "scorecard -o": ["--root", root, "scorecard", "-o", out / "post.md"],
        "export -o": ["--root", root, "export", "csv", "-o", out / "all.csv"],
        "claims-report -o": ["--root", root, "claims-report", "-o", out / "claims.md"],
    }


def import_csv(tmp_path: Path, n: int = 50) -> Path:
    """A generic CSV with n resolved predictions: an import writes a predictions file and an outcomes file."""
    path = tmp_path / "import.csv"
    rows = "".join(f"q{i},Question {i},{i % 99 + 1}%,2025-01-01,{'yes' if i % 2 else 'no'},2025-06-01\n" for i in range(n))
    path.write_text("id,claim,p,made,result,resolved_on\n" + rows, encoding="utf-8")
    return path


# -- The files and the root: symlinks -------------------------------------------


@POSIX
def test_outcomes_symlinked_out_of_the_root_is_reported_and_resolve_writes_nothing_there(cli, bundled, tmp_path):
    outside = tmp_path / "outside"
    (bundled / "outcomes").rename(outside)
    (bundled / "outcomes").symlink_to(outside, target_is_directory=True)
    before, outside_before = tree(bundled), tree(outside)

    checked = cli("--root", bundled, "check")
    assert checked.code == 1
    lines = checked.out.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{bundled}/outcomes: a symlink (to {str(outside)!r})"), lines
    assert "so it was skipped" in lines[0]
    listed = cli("--root", bundled, "list")
    assert listed.code == 0 and "the ledger has 1 problem" in listed.err  # the reads' warning counts it

    one_line_error(cli("--root", bundled, "resolve", OPEN_ID, "yes"), 1, "outcomes is a symlink", "nothing was written")
    assert tree(bundled) == before and tree(outside) == outside_before


@POSIX
def test_a_symlinked_file_inside_the_root_is_skipped_too(cli, bundled):
    # One rule wherever the link points: inside the root it would read every id twice.
    (bundled / "alias.yaml").symlink_to("anthropic-sae-2024.yaml")
    before = tree(bundled)
    checked = cli("--root", bundled, "check", "--json")
    assert checked.code == 1
    problems = json.loads(checked.out)["problems"]
    assert [(p["path"], p["code"]) for p in problems] == [("alias.yaml", "skipped")]
    assert "a symlink (to 'anthropic-sae-2024.yaml')" in problems[0]["message"]
    assert "duplicate" not in checked.out
    assert tree(bundled) == before


@POSIX
def test_a_symlink_to_dev_zero_named_yaml_is_skipped_not_read(bundled):
    (bundled / "zero.yaml").symlink_to("/dev/zero")
    before = tree(bundled)
    listed = run_pledger("--root", bundled, "list", "--json", timeout=30)
    assert listed.code == 0 and json.loads(listed.out)["count"] == 17
    checked = run_pledger("--root", bundled, "check", timeout=30)
    assert checked.code == 1 and checked.out.startswith(f"{bundled}/zero.yaml: a symlink (to '/dev/zero')")
    one_line_error(run_pledger("--root", bundled, "add", "x", "-p", "50%", "--set", "zero", timeout=30), 1,
                   "zero.yaml: it is a symlink")
    assert tree(bundled) == before


@POSIX
def test_a_symlink_loop_named_yaml_is_skipped(cli, bundled):
    (bundled / "loop.yaml").symlink_to("loop.yaml")
    before = tree(bundled)
    assert cli("--root", bundled, "list").code == 0
    checked = cli("--root", bundled, "check")
    assert checked.code == 1 and checked.out.startswith(f"{bundled}/loop.yaml: a symlink (to 'loop.yaml')")
    one_line_error(cli("--root", bundled, "add", "x", "-p", "50%", "--set", "loop"), 1, "loop.yaml: it is a symlink")
    assert tree(bundled) == before


# -- The files and the root: what is not a regular file ------------------------------


@POSIX
def test_a_fifo_named_yaml_hangs_no_command(bundled):
    os.mkfifo(bundled / "fifo.yaml")
    before = tree(bundled)
    listed = run_pledger("--root", bundled, "list", "--json", timeout=30)  # a hang fails the test, not the suite
    assert listed.code == 0 and json.loads(listed.out)["count"] == 17
    assert "the ledger has 1 problem" in listed.err
    checked = run_pledger("--root", bundled, "check", timeout=30)
    assert checked.code == 1 and checked.out == f"{bundled}/fifo.yaml: not a regular file (a FIFO, socket or device), so it was skipped: remove or rename it\n"
    one_line_error(run_pledger("--root", bundled, "add", "x", "-p", "50%", "--set", "fifo", timeout=30), 1,
                   "fifo.yaml: it is not a regular file")
    assert tree(bundled) == before


def test_a_file_over_the_size_limit_is_read_no_further_than_the_limit(make_ledger, monkeypatch):
    from ledger.store import discover

    root = make_ledger({"big.yaml": b"x" * 5000})
    reads = []
    real = os.read
    monkeypatch.setattr(discover.os, "read", lambda fd, n: (reads.append(n), real(fd, n))[1])
    assert discover.read_limited(root / "big.yaml", 1000) == b"x" * 1001  # limit + 1: enough to say "too large"
    assert sum(reads) <= 1001


def test_a_folder_named_like_a_yaml_file_is_a_folder_and_no_set_file(cli, bundled):
    (bundled / "x.yaml").mkdir()
    (bundled / "predictions.yaml").mkdir()
    before = tree(bundled)
    assert cli("--root", bundled, "check").code == 0
    one_line_error(cli("--root", bundled, "add", "x", "-p", "50%", "--set", "x"), 1, "x.yaml: it is a folder")
    one_line_error(cli("--root", bundled, "add", "x", "-p", "50%"), 1, "predictions.yaml: it is a folder")
    assert tree(bundled) == before


@pytest.mark.own_index  # the index folder and file under the root
def test_a_pledger_that_is_a_file_is_named_with_what_to_do(cli, bundled):
    (bundled / ".pledger").write_text("not a folder\n")
    before = snapshot(bundled)
    for args in (["list"], ["check"], ["add", "x", "-p", "50%"]):
        one_line_error(cli("--root", bundled, *args), 1, f"{bundled}/.pledger is in the way of the index folder",
                       "remove or rename it")
    assert snapshot(bundled) == before and (bundled / ".pledger").read_text() == "not a folder\n"


def test_a_pledger_lock_that_is_a_folder_is_in_nobodys_way(cli, bundled):
    (bundled / ".pledger" / "lock").mkdir(parents=True)
    assert cli("--root", bundled, "list").code == 0
    assert cli("--root", bundled, "add", "A claim", "-p", "50%").code == 0
    assert "a-claim" in cli("--root", bundled, "list").out


def test_a_folder_that_cannot_be_listed_is_reported_not_silently_dropped(cli, bundled, monkeypatch):
    # As root, permissions do not stop a listing: the refusal is injected where the walk lists.
    from ledger.store import discover

    (bundled / "private").mkdir()
    (bundled / "private" / "hidden-away.yaml").write_text("predictions: []\n")
    real = os.scandir
    monkeypatch.setattr(discover.os, "scandir", lambda path: (_ for _ in ()).throw(
        PermissionError(errno.EACCES, "Permission denied", path)) if Path(path).name == "private" else real(path))
    checked = cli("--root", bundled, "check")
    assert checked.code == 1
    assert checked.out == f"{bundled}/private: a folder that cannot be listed (Permission denied), so its files were skipped: check its permissions\n"


# -- The files and the root: read-only ledgers ------------------------------------------


@contextlib.contextmanager
def mounted(target: Path, *options: str):
    """`mount` a tmpfs (options such as size=...) or a read-only bind of target; skip when that cannot be done."""
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a file system needs root (CI runs as root)")
    proc = subprocess.run(["mount", *options, str(target)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot mount here ({proc.stderr.strip() or proc.returncode}): no CAP_SYS_ADMIN in this container?")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=True)


@contextlib.contextmanager
def read_only(folder: Path):
    """folder, bind-mounted read-only onto itself: EROFS for every write, even as root."""
    with mounted(folder, "--bind", str(folder)):
        proc = subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot remount read-only here ({proc.stderr.strip()})")
        yield folder


@pytest.mark.own_index  # the index folder and file under the root
def test_a_read_only_root_reads_and_says_why_it_cannot_write(cli, bundled, tmp_path):
    expected = {args: cli("--root", bundled, *args.split()).out for args in ("list --json", "score --json", "check")}
    import shutil

    shutil.rmtree(bundled / ".pledger")  # no index yet: it has to go elsewhere
    before = tree(bundled)
    with read_only(bundled):
        for args, out in expected.items():
            result = run_pledger("--root", bundled, *args.split())
            assert (result.code, result.out) == (0, out), result.err
        assert list((tmp_path / "cache" / "pledger" / "indexes").glob("*/index.sqlite"))  # the index went to the cache
        for name, args in every_write(bundled, tmp_path, import_csv(tmp_path)).items():
            if name.endswith("-o"):
                continue  # outputs go outside the ledger, and are written
            one_line_error(run_pledger(*args), 1, "cannot write", f"{bundled}/", "Read-only file system",
                           "nothing was written")
    assert tree(bundled) == before


def test_a_read_only_index_folder_still_reads_and_writes_the_yaml(cli, bundled, tmp_path):
    assert cli("--root", bundled, "list").code == 0
    with read_only(bundled / ".pledger"):
        assert run_pledger("--root", bundled, "add", "Written beside a read-only index", "-p", "50%").code == 0
        listed = run_pledger("--root", bundled, "list", "--json")
        assert listed.code == 0 and "written-beside-a-read-only-index" in listed.out


@pytest.mark.own_index  # the index folder and file under the root
def test_a_read_only_index_folder_injected_puts_the_index_in_the_cache(cli, bundled, tmp_path, monkeypatch):
    from ledger.index import database

    real = os.access
    monkeypatch.setattr(database.os, "access", lambda p, mode: False if Path(p).name == ".pledger" else real(p, mode))
    assert cli("--root", bundled, "list", "--json").code == 0
    assert list((tmp_path / "cache" / "pledger" / "indexes").glob("*/index.sqlite"))
    assert not (bundled / ".pledger" / "index.sqlite").exists()


# -- The files and the root: the index --------------------------------------------------


@pytest.mark.own_index  # the index folder and file under the root
def test_an_index_that_is_a_folder_is_rebuilt(cli, bundled):
    expected = cli("--root", bundled, "list", "--json").out
    import shutil

    shutil.rmtree(bundled / ".pledger")
    (bundled / ".pledger" / "index.sqlite").mkdir(parents=True)
    result = cli("--root", bundled, "list", "--json")
    assert (result.code, result.out, result.err) == (0, expected, "")
    assert (bundled / ".pledger" / "index.sqlite").is_file()


@POSIX
@pytest.mark.own_index  # the index folder and file under the root
def test_an_index_symlinked_to_dev_null_is_rebuilt_and_dev_null_left_alone(cli, bundled):
    expected = cli("--root", bundled, "list", "--json").out
    import shutil

    shutil.rmtree(bundled / ".pledger")
    (bundled / ".pledger").mkdir()
    (bundled / ".pledger" / "index.sqlite").symlink_to("/dev/null")
    made_beside = [p for p in ("/dev/null-journal", "/dev/null-wal", "/dev/null-shm") if not os.path.lexists(p)]
    result = cli("--root", bundled, "list", "--json")
    assert (result.code, result.out, result.err) == (0, expected, "")
    index = bundled / ".pledger" / "index.sqlite"
    assert index.is_file() and not index.is_symlink()
    assert [p for p in made_beside if os.path.lexists(p)] == []  # SQLite wrote nothing beside the link's target


# -- The files and the root: the lock -------------------------------------------------


def paused(args: list, stage: str, hook: Path) -> subprocess.Popen:
    """`pledger ARGS` in a subprocess, stopped at stage (store.write's test hook) once it reports it is there."""
    hook.mkdir(exist_ok=True)
    env = dict(os.environ, PLEDGER_TEST_PAUSE=f"{stage}:{hook}", PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "ledger", *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (hook / f"{stage}.ready").exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the writer never reached " + stage
        time.sleep(0.02)
    return proc


@POSIX
def test_deleting_the_index_folder_while_a_writer_holds_the_lock_lets_no_second_writer_in(cli, bundled, tmp_path):
    import shutil

    assert cli("--root", bundled, "list").code == 0
    first = paused(["--root", bundled, "add", "The first writer", "-p", "40%"], "locked", tmp_path / "hook")
    shutil.rmtree(bundled / ".pledger", ignore_errors=True)  # "delete the index at any time" (none here on a server)
    second = subprocess.Popen([sys.executable, "-m", "ledger", "--root", str(bundled), "add", "The second writer",
                               "-p", "60%"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    assert second.poll() is None, "a second writer ran while the first held the lock"
    (tmp_path / "hook" / "go").touch()
    for proc in (first, second):
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    ids = [p["id"] for p in json.loads(cli("--root", bundled, "list", "--json").out)["predictions"]]
    assert {"the-first-writer", "the-second-writer"} <= set(ids)
    assert cli("--root", bundled, "check").code == 0


# -- The files and the root: temp files ---------------------------------------------------


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@POSIX
def test_temp_files_a_kill_left_are_cleaned_by_the_next_writer_and_never_read(cli, bundled):
    assert cli("--root", bundled, "list").code == 0  # the index is current
    stale = bundled / f".anthropic-sae-2024.yaml.pledger-{dead_pid()}-abcd1234.tmp"
    live = bundled / f".anthropic-sae-2024.yaml.pledger-{os.getppid()}-abcd1234.tmp"  # a live process's: kept
    for path in (stale, live):
        path.write_bytes((bundled / "anthropic-sae-2024.yaml").read_bytes())  # a full copy, as a kill leaves it
        assert TEMP_PATTERN.fullmatch(path.name)
    listed = cli("--root", bundled, "list", "--json")  # a warm read: no lock, so it removes nothing
    assert listed.code == 0 and json.loads(listed.out)["count"] == 17 and stale.exists()
    assert cli("--root", bundled, "check").code == 0 and stale.exists()  # a warm read too (the index is current)
    added = cli("--root", bundled, "add", "A writer's claim", "-p", "0.5", "--id", "written")  # refreshes, under the lock
    assert added.code == 0, added
    assert not stale.exists() and live.exists()
    checked = cli("--root", bundled, "check", "--json")
    assert checked.code == 0 and json.loads(checked.out)["predictions"] == 18  # never read: no duplicate ids


def test_temp_files_are_git_ignored_by_the_gitignore_init_writes(cli, tmp_path):
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "ledger"
    assert cli("init", root).code == 0
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    names = [".a.yaml.pledger-123-abcd1234.tmp", "outcomes/.x.yaml.pledger-9-zz_9zz99.tmp", ".pledger.lock", ".pledger/index.sqlite"]
    ignored = subprocess.run(["git", "-C", str(root), "check-ignore", "--no-index", *names], capture_output=True, text=True)
    assert ignored.stdout.split() == names
    kept = subprocess.run(["git", "-C", str(root), "check-ignore", "--no-index", "a.yaml", "outcomes/x.yaml"],
                          capture_output=True, text=True)
    assert kept.stdout == ""


# -- Disk full and partial failure ----------------------------------------------------------


def fill(folder: Path) -> None:
    """Write zeros into folder until its file system has no room left."""
    fd = os.open(folder / "fill", os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 4096, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)


def test_a_full_disk_fails_every_write_with_exit_1_and_writes_nothing(cli, tmp_path, monkeypatch):
    from support import EXAMPLE_LEDGER

    disk = tmp_path / "disk"
    disk.mkdir()
    with mounted(disk, "-t", "tmpfs", "-o", "size=1m", "tmpfs"):
        import shutil

        root = disk / "predictions"
        shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
        monkeypatch.setenv("PLEDGER_DATABASE_URL", f"sqlite:///{tmp_path / 'index.sqlite'}")  # the index elsewhere
        assert run_pledger("--root", root, "list").code == 0
        csv = import_csv(tmp_path)
        writes = every_write(root, disk, csv)
        fill(disk)
        before = tree(disk)
        for name, args in writes.items():
            result = run_pledger(*args)
            one_line_error(result, 1, "cannot write", f"{disk}/", "No space left on device", "nothing was written",
                           "free some space")
            assert tree(disk) == before, name
        assert run_pledger("--root", root, "check").code == 0  # and the ledger reads as before


def test_a_full_disk_under_the_index_still_reads(cli, tmp_path):
    from support import EXAMPLE_LEDGER

    disk = tmp_path / "disk"
    disk.mkdir()
    expected = cli("--root", EXAMPLE_LEDGER, "list", "--json").out
    with mounted(disk, "-t", "tmpfs", "-o", "size=1m", "tmpfs"):
        import shutil

        root = disk / "predictions"
        shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
        fill(disk)
        result = run_pledger("--root", root, "list", "--json")  # no room for the index: it is kept in memory
        assert (result.code, result.out) == (0, expected), result.err


def fail_fsync_after(monkeypatch, n: int, code: int = errno.ENOSPC) -> None:
    """The (n+1)-th fsync of a temp file fails with code: n files fit on the disk, the next does not."""
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) > n:
            raise OSError(code, os.strerror(code))
        real(fd)

    monkeypatch.setattr(store_write.os, "fsync", fsync)


@pytest.mark.parametrize("code, words", [
    (errno.ENOSPC, "free some space"),
    (errno.EDQUOT, "free some space"),
    (errno.EROFS, "the file system is read-only"),
    (errno.EACCES, "check the folder's permissions"),
])
def test_a_failed_write_is_one_line_naming_the_file_and_exit_1(cli, bundled, tmp_path, monkeypatch, code, words):
    before = tree(bundled)
    outputs = tmp_path / "out"
    outputs.mkdir()
    fail_fsync_after(monkeypatch, 0, code)
    for name, args in every_write(bundled, tmp_path, import_csv(tmp_path)).items():
        result = cli(*args)
        one_line_error(result, 1, "cannot write", os.strerror(code), "nothing was written", words)
        assert tree(bundled) == before, name
    assert list(outputs.iterdir()) == []
    assert [p for p in bundled.rglob("*.tmp")] == []


def test_an_import_that_fails_on_its_outcomes_file_writes_neither_file(cli, bundled, tmp_path, monkeypatch):
    before = tree(bundled)
    fail_fsync_after(monkeypatch, 1)  # the predictions file fits, the outcomes file does not
    result = cli("--root", bundled, "import", "csv", import_csv(tmp_path, 2000))
    one_line_error(result, 1, "cannot write", "outcomes/2026-11-23-import-imported.yaml", "nothing was written")
    assert tree(bundled) == before  # no predictions without their outcomes, no temp file, no new folder
    monkeypatch.undo()
    again = cli("--root", bundled, "import", "csv", import_csv(tmp_path, 2000), "--json")
    assert json.loads(again.out)["added"] == 2000 and json.loads(again.out)["outcomes_added"] == 2000


def test_a_scorecard_that_fails_on_its_chart_leaves_no_stray_file(cli, bundled, tmp_path, monkeypatch):
    out = tmp_path / "post"
    for fits in (0, 1, 2):  # the markdown, the PNG or the SVG fails
        fail_fsync_after(monkeypatch, fits)
        result = cli("--root", bundled, "scorecard", "-o", out / "sae.md")
        one_line_error(result, 1, "cannot write", "No space left on device")
        assert not out.exists()  # not even the folder made for it
        monkeypatch.undo()
    assert cli("--root", bundled, "scorecard", "-o", out / "sae.md").code == 0
    assert sorted(p.name for p in out.iterdir()) == ["sae-calibration.png", "sae-calibration.svg", "sae.md"]


@pytest.mark.parametrize("in_the_way", ["sae-calibration.png", "sae-calibration.svg"])
def test_a_folder_where_a_scorecard_chart_goes_writes_nothing_and_keeps_the_old_markdown(cli, bundled, tmp_path, in_the_way):
    out = tmp_path / "post"
    (out / in_the_way).mkdir(parents=True)
    (out / "sae.md").write_text("old post\n")
    before = tree(out)
    result = cli("--root", bundled, "scorecard", "-o", out / "sae.md")
    one_line_error(result, 1, "cannot write", os.fspath(out / in_the_way), "Is a directory", "nothing was written",
                   "a file or folder is in the way: move it")
    assert "written before it" not in result.err
    assert tree(out) == before  # the old markdown's bytes, no new PNG or SVG, no temp file


def test_a_rename_that_fails_midway_puts_back_the_files_renamed_before_it(tmp_path, monkeypatch):
    old, new, third = tmp_path / "old.md", tmp_path / "sub" / "new.png", tmp_path / "third.svg"
    old.write_text("old text\n")
    third.write_text("third's old text\n")
    real_replace, calls = os.replace, []

    def replace(src, dst):  # the third rename fails, as when its target changed after the checks
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY), os.fspath(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(store_write.os, "replace", replace)
    with pytest.raises(store_write.LedgerError) as caught:
        store_write.write_files_atomically({old: "new text\n", new: b"png", third: "new svg\n"})
    monkeypatch.undo()
    assert "cannot write " + os.fspath(third) in caught.value.message and "nothing was written" in caught.value.message
    assert old.read_text() == "old text\n" and third.read_text() == "third's old text\n" and not new.exists()
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["old.md", "third.svg"]  # no link, no temp, no folder


def test_a_rename_that_cannot_be_undone_names_what_stays_written(tmp_path, monkeypatch):
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    first.write_text("a\n")
    second.write_text("b\n")
    monkeypatch.setattr(store_write.os, "link", lambda *a: (_ for _ in ()).throw(OSError(errno.EPERM, "no links")))
    real_replace = os.replace
    monkeypatch.setattr(store_write.os, "replace",
                        lambda s, d: (_ for _ in ()).throw(OSError(errno.EBUSY, "busy")) if Path(d) == second
                        else real_replace(s, d))
    with pytest.raises(store_write.LedgerError) as caught:
        store_write.write_files_atomically({first: "new a\n", second: "new b\n"})
    monkeypatch.undo()
    assert caught.value.message.endswith("written before it: " + os.fspath(first))
    assert first.read_text() == "new a\n" and second.read_text() == "b\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_export_to_a_path_that_cannot_be_written_is_exit_1_not_2(cli, bundled, tmp_path):
    (tmp_path / "a-file").write_text("x")
    result = cli("--root", bundled, "export", "csv", "-o", tmp_path / "a-file" / "out.csv")
    one_line_error(result, 1, "cannot write", "a-file/out.csv", "nothing was written")
    assert (tmp_path / "a-file").read_text() == "x"


@POSIX
def test_an_output_path_that_is_a_symlink_is_followed_like_the_shells_redirect(cli, bundled, tmp_path):
    (tmp_path / "real.csv").write_text("old\n")
    (tmp_path / "link.csv").symlink_to("real.csv")
    assert cli("--root", bundled, "export", "csv", "-o", tmp_path / "link.csv").code == 0
    assert os.readlink(tmp_path / "link.csv") == "real.csv"
    assert (tmp_path / "real.csv").read_text().startswith("id,set,claim")


# -- Tests: kill -9 inside the locked section -------------------------------------------


def kill_at(args: list, stage: str, hook: Path) -> None:
    proc = paused(args, stage, hook)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def temps(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.tmp"))


@POSIX
def test_kill_9_inside_the_lock_before_the_rename_leaves_the_old_file_and_a_temp_the_next_writer_removes(cli, bundled, tmp_path):
    before = tree(bundled)
    kill_at(["--root", bundled, "add", "Killed before its rename", "-p", "40%", "--set", "anthropic-sae-2024"],
            "rename-0", tmp_path / "hook")
    assert tree(bundled) == {**before, **{t: tree(bundled)[t] for t in temps(bundled)}}  # old bytes, plus a temp
    assert len(temps(bundled)) == 1 and TEMP_PATTERN.fullmatch(Path(temps(bundled)[0]).name)
    assert b"killed-before-its-rename" in (bundled / temps(bundled)[0]).read_bytes()
    assert cli("--root", bundled, "check").code == 0  # the temp is never read

    assert cli("--root", bundled, "add", "Written after the kill", "-p", "40%", "--set", "anthropic-sae-2024").code == 0
    assert temps(bundled) == []
    ids = [p["id"] for p in json.loads(cli("--root", bundled, "list", "--json").out)["predictions"]]
    assert "written-after-the-kill" in ids and "killed-before-its-rename" not in ids and len(ids) == 18
    new = (bundled / "anthropic-sae-2024.yaml").read_bytes()
    assert new.startswith(before["anthropic-sae-2024.yaml"])  # an append: the old bytes kept


@POSIX
def test_kill_9_between_the_renames_of_an_import_leaves_each_file_old_or_new_and_a_rerun_completes(cli, bundled, tmp_path):
    import shutil

    csv = import_csv(tmp_path)
    reference = tmp_path / "reference"
    shutil.copytree(bundled, reference)
    assert cli("--root", reference, "import", "csv", csv).code == 0
    finished = tree(reference)
    before = tree(bundled)

    kill_at(["--root", bundled, "import", "csv", csv], "rename-1", tmp_path / "hook")
    now = tree(bundled)
    for rel in set(before) | set(finished):
        if not rel.endswith(".tmp"):
            assert now.get(rel) in (before.get(rel), finished.get(rel)), rel  # old or new, byte for byte
    assert now["imported.yaml"] == finished["imported.yaml"]  # the first rename happened
    assert "outcomes/2026-11-23-import-imported.yaml" not in now and len(temps(bundled)) == 1

    again = cli("--root", bundled, "import", "csv", csv, "--json")
    report = json.loads(again.out)
    assert again.code == 0 and report["added"] == 0 and report["outcomes_added"] == 50
    assert temps(bundled) == [] and tree(bundled) == finished
    assert cli("--root", bundled, "check").code == 0


@POSIX
def test_kill_9_while_holding_the_lock_blocks_no_later_command(cli, bundled, tmp_path):
    before = tree(bundled)
    kill_at(["--root", bundled, "resolve", OPEN_ID, "yes"], "locked", tmp_path / "hook")
    assert tree(bundled) == before
    started = time.monotonic()
    result = run_pledger("--root", bundled, "resolve", OPEN_ID, "yes", timeout=60)
    assert result.code == 0 and time.monotonic() - started < 30
    assert json.loads(cli("--root", bundled, "show", OPEN_ID, "--json").out)["outcome"]["result"] == "yes"

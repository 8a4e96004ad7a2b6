"""The warm read (ledger.index.warm): a current SQLite index is read with sqlite3
alone, and only when it is current.

"Taken" is observed two ways: open_warm's answer, and, for whole commands,
Ledger.connect (the refreshing path) made to fail while a warm command runs.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from ledger.index import database, warm
from ledger.index.format import FORMAT_KEY, INDEX_FORMAT
from ledger.index.warm import index_path, open_warm
from ledger.services import ledger as ledger_module
from ledger.services.ledger import Ledger
from support import EXAMPLE_LEDGER, REPO

SET = """\
set: s
by: Ann
made: 2025-01-01
predictions:
  - {id: a, claim: A happens, p: 0.6}
  - {id: b, claim: B happens, p: 0.2, forecasts: [{by: Bob, p: 0.5, at: 2025-01-02}]}
  - {id: c, claim: C happens, p: 0.7}
  - {id: d, claim: D happens, p: 0.9}
"""
RESOLVED = """\
on: 2025-03-01
by: Ann
results:
  a: yes
  b: no
  c: annulled
"""
# b's "no" corrected to "yes": the correction stands.
CORRECTION = """\
on: 2025-05-01
by: Ann
correction: true
results:
  b: yes
"""

# The warm read is of the ledger's own SQLite index (a PostgreSQL one: tests/test_team.py).
pytestmark = pytest.mark.own_index


@pytest.fixture
def small(make_ledger):
    root = make_ledger({"s.yaml": SET, "outcomes/1.yaml": RESOLVED})
    Ledger.open(root).refresh()
    return root


def is_warm(root) -> bool:
    conn = open_warm(root)
    if conn is None:
        return False
    conn.close()
    return True


def bump_mtime(path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


# -- when the warm path is taken ------------------------------------------------

def test_a_current_index_is_read_warm(small):
    conn = open_warm(small)
    assert conn is not None
    try:
        assert conn.execute("SELECT count(*) FROM predictions").fetchone() == (4,)
        with pytest.raises(sqlite3.OperationalError):  # read-only
            conn.execute("DELETE FROM predictions")
    finally:
        conn.close()


def test_not_warm_without_an_index(make_ledger):
    root = make_ledger({"s.yaml": SET})
    assert not is_warm(root)
    assert not index_path(root).exists()  # and the check made none


def test_not_warm_when_a_file_changed(small):
    path = small / "s.yaml"
    path.write_text(path.read_text() + "  - {id: e, claim: E happens, p: 0.5}\n")
    assert not is_warm(small)


def test_not_warm_when_only_the_mtime_changed(small):
    bump_mtime(small / "s.yaml")
    assert not is_warm(small)
    Ledger.open(small).refresh()  # records the new mtime (same content: no re-read)
    assert is_warm(small)


def test_not_warm_when_a_file_was_added(small):
    (small / "outcomes" / "2.yaml").write_text(CORRECTION)
    assert not is_warm(small)


def test_not_warm_when_a_file_was_removed(small):
    (small / "outcomes" / "1.yaml").unlink()
    assert not is_warm(small)


def test_not_warm_when_the_index_format_differs(small):
    conn = sqlite3.connect(index_path(small))
    conn.execute("UPDATE meta SET value = ? WHERE key = ?", (INDEX_FORMAT + "-older", FORMAT_KEY))
    conn.commit()
    conn.close()
    assert not is_warm(small)
    Ledger.open(small).refresh()  # rebuilt in this version's format
    assert is_warm(small)


def test_not_warm_when_the_index_is_damaged(small):
    for suffix in ("-wal", "-shm"):
        (small / ".pledger" / f"index.sqlite{suffix}").unlink(missing_ok=True)
    index_path(small).write_bytes(b"not a database\n" * 100)
    assert not is_warm(small)


def test_not_warm_with_another_database(small, monkeypatch):
    monkeypatch.setenv("PLEDGER_DATABASE_URL", f"sqlite:///{index_path(small)}")
    assert not is_warm(small)


def test_a_ledger_given_a_database_url_is_never_read_warm(small, monkeypatch):
    monkeypatch.setattr(ledger_module, "open_warm", lambda root: pytest.fail("open_warm called"))
    ledger = Ledger(small, database_url=f"sqlite:///{index_path(small)}")
    with ledger.reader() as db:
        assert type(db).__name__ == "AlchemyDb"
    ledger.close()


def test_the_index_location_is_defined_once():
    assert database.DATABASE_URL_ENV is warm.DATABASE_URL_ENV and database.INDEX_FILE is warm.INDEX_FILE


# -- whole commands: warm when current, refreshed when not ------------------------

def refresh_forbidden(monkeypatch):
    def connect(self):
        raise AssertionError("the warm path was not taken")

    monkeypatch.setattr(Ledger, "connect", connect)


def test_score_and_list_read_warm_and_agree_with_the_refreshing_path(small, cli, monkeypatch):
    normal = {cmd: cli("--root", small, *cmd) for cmd in (("score", "--json"), ("list", "--json"), ("show", "b", "--json"))}
    with monkeypatch.context() as m:
        refresh_forbidden(m)
        for cmd, expected in normal.items():
            got = cli("--root", small, *cmd)
            assert (got.code, got.out, got.err) == (expected.code, expected.out, expected.err), cmd


def test_a_changed_file_is_picked_up_by_the_next_command(small, cli):
    first = json.loads(cli("--root", small, "score", "--json").out)
    assert first["counts"]["resolved"] == 2
    (small / "outcomes" / "2.yaml").write_text(CORRECTION)
    assert not is_warm(small)
    after = json.loads(cli("--root", small, "score", "--json").out)
    assert after["counts"]["resolved"] == 2 and after["report"]["gap"]["total"] != first["report"]["gap"]["total"]
    assert is_warm(small)  # that command refreshed the index


def force_normal(monkeypatch):
    monkeypatch.setattr(ledger_module, "open_warm", lambda root: None)


@pytest.mark.parametrize("args", [
    ("score", "--json"),
    ("score", "--json", "--policy", "last"),
    ("score", "--json", "--policy", "all"),
    ("score", "--json", "--by-forecaster"),
    ("score", "--json", "--by", "bob", "--policy", "last"),
    ("score", "--json", "--tag", "interpretability"),
    ("score", "--json", "--about", "SAE", "--since", "2024-01-01", "--until", "2025-12-31"),
    ("list", "--json"),
    ("list", "--json", "--status", "resolved", "--limit", "3"),
])
def test_warm_and_normal_paths_give_the_same_bytes_on_the_bundled_ledger(tmp_path, cli, monkeypatch, args):
    root = tmp_path / "predictions"
    shutil.copytree(EXAMPLE_LEDGER, root, ignore=shutil.ignore_patterns(".pledger"))
    with monkeypatch.context() as m:
        force_normal(m)
        normal = cli("--root", root, *args)
    assert normal.code == 0, normal.err
    assert is_warm(root)
    with monkeypatch.context() as m:
        refresh_forbidden(m)
        warm_run = cli("--root", root, *args)
    assert (warm_run.code, warm_run.out, warm_run.err) == (normal.code, normal.out, normal.err)


@pytest.mark.parametrize("policy", ["first", "last", "all"])
def test_warm_and_normal_paths_agree_on_a_correction(make_ledger, cli, monkeypatch, policy):
    root = make_ledger({"s.yaml": SET, "outcomes/1.yaml": RESOLVED, "outcomes/2.yaml": CORRECTION})
    with monkeypatch.context() as m:
        force_normal(m)
        normal = cli("--root", root, "score", "--json", "--policy", policy)
    with monkeypatch.context() as m:
        refresh_forbidden(m)
        warm_run = cli("--root", root, "score", "--json", "--policy", policy)
    assert warm_run.out == normal.out
    report = json.loads(warm_run.out)
    # a yes, b corrected to yes (the correction stands), c annulled, d pending.
    assert report["counts"]["resolved"] == 2 and report["counts"]["annulled"] == 1 and report["counts"]["pending"] == 1
    if policy == "first":
        assert report["report"]["gap"]["total"] == pytest.approx((1 - 0.6) + (1 - 0.2))


# -- what a warm read imports ---------------------------------------------------

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "yaml")


def _modules_after(code: str, root) -> set[str]:
    env = dict(os.environ, PLEDGER_ROOT=str(root), COLUMNS="120")
    env.pop("PLEDGER_DATABASE_URL", None)
    script = textwrap.dedent(code) + "\nimport sys\nprint(' '.join(sorted(sys.modules)))\n"
    proc = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return set(proc.stdout.split("\n")[-2].split())


def _top(modules: set[str]) -> set[str]:
    return {m.split(".")[0] for m in modules}


def test_the_warm_score_path_imports_no_sqlalchemy_sqlmodel_pydantic_or_yaml(small):
    modules = _modules_after(
        """
        import contextlib, io
        import ledger.cli
        from ledger.cli import score_render
        from ledger.services.ledger import Ledger
        from ledger.services.queries import list_states
        from ledger.services.scores import score
        from ledger.services.select import Selection
        ledger = Ledger.open(None)
        with contextlib.redirect_stdout(io.StringIO()):
            score_render.render(score(ledger, Selection()))
        list_states(ledger, Selection())
        """,
        small,
    )
    assert not _top(modules) & set(HEAVY)


def test_the_warm_score_command_loads_no_sqlalchemy_pydantic_or_yaml(small):
    # typer 0.29 parses options with pydantic (typer._adapters), which is why
    # pyproject caps typer below it: a warm score needs none of these.
    modules = _modules_after(
        """
        import contextlib, io
        from ledger.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["score"]) == 0
        """,
        small,
    )
    assert not _top(modules) & set(HEAVY)
    assert not modules & {"ledger.models", "ledger.store.read", "ledger.index.tables", "ledger.index.refresh"}


def test_a_stale_index_is_refreshed_the_normal_way(small):
    (small / "outcomes" / "2.yaml").write_text(CORRECTION)
    modules = _modules_after(
        """
        from ledger.services.ledger import Ledger
        from ledger.services.scores import score
        assert score(Ledger.open(None)).counts["resolved"] == 2
        """,
        small,
    )
    assert {"sqlalchemy", "ledger.index.refresh"} <= modules


def test_the_scorecard_with_its_claims_section_loads_no_validation_models(bundled, tmp_path):
    # The example ledger's predictions test research claims: the scorecard lists them, which reads
    # claims (services.claims) without loading the models that validate writes (pydantic).
    Ledger.open(bundled).refresh()
    out = tmp_path / "card.md"
    modules = _modules_after(
        f"""
        import contextlib, io
        from ledger.cli import main
        with contextlib.redirect_stdout(io.StringIO()):
            assert main(["scorecard", "--no-chart", "-o", {str(out)!r}]) == 0
        """,
        bundled,
    )
    assert "## Research claims these predictions test" in out.read_text()
    assert "ledger.services.claims" in modules
    assert not modules & {"pydantic", "ledger.models", "ledger.services.claim_writes"}

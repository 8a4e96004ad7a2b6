"""A team on one database (docs/team.md): ledgers kept apart, indexers serialised, readers on one snapshot.

Each scenario runs on the test's index: a PostgreSQL server in the suite's
server pass (PLEDGER_TEST_POSTGRES), a SQLite file shared by the ledgers in
the SQLite pass; what only a server does (schemas side by side, roles, several
ledgers read together) is marked `postgres`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ledger.services.ledger import READ_ONLY_REFUSAL, Ledger
from ledger.services.queries import list_states
from ledger.services.select import Selection
from support import REPO, identify, on_server, run_pledger, snapshot, write_files

TODAY = "2026-11-23"


def ledger_text(mark: str, ids: list[str], p: str = "30%", made: str = "2025-01-01") -> str:
    items = "".join(f"  - id: {i}\n    claim: {mark} {i}\n    p: {p}\n" for i in ids)
    return f"by: ada\nmade: {made}\npredictions:\n{items}"


def outcome_text(results: dict[str, str], on: str = "2025-06-01") -> str:
    lines = "".join(f"  {k}: {v}\n" for k, v in results.items())
    return f"on: {on}\nby: ada\nresults:\n{lines}"


def two_ledgers(tmp_path: Path, ids=("a", "b", "c")) -> tuple[Path, Path]:
    """Ledgers A and B with the same file names and the same ids: A's all happened, B's all did not."""
    a = identify(write_files(tmp_path / "team-a", {"set.yaml": ledger_text("A", list(ids)),
                                                   "outcomes/o.yaml": outcome_text({i: "yes" for i in ids})}), "team-a")
    b = identify(write_files(tmp_path / "team-b", {"set.yaml": ledger_text("B", list(ids)),
                                                   "outcomes/o.yaml": outcome_text({i: "no" for i in ids})}), "team-b")
    return a, b


@pytest.fixture
def shared(tmp_path, monkeypatch):
    """PLEDGER_DATABASE_URL naming one database for every ledger of the test: the server (its schema
    prefix is the test's own) or, in the SQLite pass, a file."""
    url = os.environ.get("PLEDGER_DATABASE_URL") or f"sqlite:///{tmp_path / 'shared.sqlite'}"
    monkeypatch.setenv("PLEDGER_DATABASE_URL", url)
    return url


def admin():
    """A psycopg connection (autocommit) as the server's superuser."""
    import psycopg

    from ledger.index.target import target_for

    return psycopg.connect(target_for(os.environ["PLEDGER_TEST_POSTGRES"]).libpq(), autocommit=True)


def schema_of(root: Path) -> str:
    ledger = Ledger(root)
    return ledger.target().schema(ledger.identity.name)


def marks(root: Path, **kw) -> list[tuple[str, str, str | None]]:
    states, _, _ = list_states(Ledger.open(root, **kw), Selection())
    return [(s.prediction.id, s.prediction.claim.split()[0], s.outcome.result if s.outcome else None) for s in states]


# -- ledgers kept apart ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_two_ledgers_on_one_server_never_mix_in_1000_interleaved_reads(tmp_path, shared):
    a, b = two_ledgers(tmp_path)
    expected = {a: ("A", "yes"), b: ("B", "no")}
    errors: list[str] = []
    reads = {a: 0, b: 0}

    def reader(root: Path) -> None:
        mark, result = expected[root]
        for i in range(500):
            if i % 50 == 25:  # an edit now and then: the next read refreshes that ledger's index
                with open(root / "set.yaml", "a", encoding="utf-8") as f:
                    f.write(f"  - id: extra-{i}\n    claim: {mark} extra {i}\n    p: 50%\n")
            got = marks(root)
            reads[root] += 1
            bad = [g for g in got if g[1] != mark or (g[0] in ("a", "b", "c") and g[2] != result)]
            if bad or len(got) != 3 + (i + 25) // 50:
                errors.append(f"{root.name} read {i}: {bad or len(got)}")

    threads = [threading.Thread(target=reader, args=(root,)) for root in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and reads == {a: 500, b: 500}
    with admin() as conn:  # each in a schema of its own
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace WHERE nspname IN (%s, %s)",
                                              (schema_of(a), schema_of(b)))}
    assert schemas == {schema_of(a), schema_of(b)}


def test_a_second_ledger_on_a_shared_sqlite_file_is_refused(tmp_path, shared):
    if on_server():
        pytest.skip("on a server each ledger has a schema of its own (the test above)")
    a, b = two_ledgers(tmp_path)
    assert marks(a) == [("a", "A", "yes"), ("b", "A", "yes"), ("c", "A", "yes")]
    result = run_pledger("--root", b, "list")
    assert result.code == 1 and "holds the index of another ledger, 'team-a'" in result.err
    assert "Traceback" not in result.err
    assert marks(a) == [("a", "A", "yes"), ("b", "A", "yes"), ("c", "A", "yes")]  # untouched


def test_a_clone_with_another_identity_is_refused_and_changes_nothing(tmp_path, shared):
    a, _ = two_ledgers(tmp_path)
    assert run_pledger("--root", a, "check").code == 0
    clone = tmp_path / "clone"
    shutil.copytree(a, clone, ignore=shutil.ignore_patterns(".pledger"))
    (clone / ".pledger-id").unlink()
    assert run_pledger("init", clone, "--name", "team-a").code == 0  # the same name, a key of its own
    (clone / "set.yaml").write_text(ledger_text("X", ["x"]), encoding="utf-8")
    for args in (["check"], ["list"], ["add", "Another", "-p", "10%"], ["--read-only", "list"]):
        result = run_pledger("--root", clone, *args)
        assert result.code == 1, (args, result.out, result.err)
        assert "another ledger" in result.err and "Traceback" not in result.err, result.err
    assert marks(a) == [("a", "A", "yes"), ("b", "A", "yes"), ("c", "A", "yes")]
    assert (clone / "set.yaml").read_text(encoding="utf-8") == ledger_text("X", ["x"])  # the add wrote nothing


def test_a_clone_with_the_same_identity_is_the_same_ledger(tmp_path, shared):
    a, _ = two_ledgers(tmp_path)
    assert run_pledger("--root", a, "check").code == 0
    clone = shutil.copytree(a, tmp_path / "clone", ignore=shutil.ignore_patterns(".pledger"))
    assert marks(clone) == marks(a)


def test_a_ledger_without_an_identity_works_alone_and_is_told_how_to_get_one_for_a_server(tmp_path, monkeypatch):
    from ledger.services.ledger import GITIGNORE

    # Made by `pledger init` before identities: its .gitignore, no .pledger-id.
    old = write_files(tmp_path / "old", {"set.yaml": ledger_text("O", ["o"]), ".gitignore": GITIGNORE})
    monkeypatch.delenv("PLEDGER_DATABASE_URL", raising=False)
    assert run_pledger("--root", old, "list", "--json").code == 0
    before = snapshot(old)
    monkeypatch.setenv("PLEDGER_DATABASE_URL", "postgresql://nobody@/db?host=/nonexistent")
    result = run_pledger("--root", old, "list")
    assert result.code == 1 and f"run `pledger init {old}`" in result.err and "Traceback" not in result.err
    assert snapshot(old) == before
    monkeypatch.delenv("PLEDGER_DATABASE_URL")
    made = run_pledger("init", old)
    assert made.code == 0
    assert snapshot(old) == {**before, ".pledger-id": (old / ".pledger-id").read_bytes()}  # that file, nothing else
    assert "name: old\n" in (old / ".pledger-id").read_text(encoding="utf-8")


# -- other applications' tables ----------------------------------------------------------------------


def test_another_applications_tags_and_files_tables_are_left_untouched(tmp_path, shared, monkeypatch):
    a, _ = two_ledgers(tmp_path)
    app_sql = ["CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT)",
               "CREATE TABLE files (path TEXT PRIMARY KEY, owner TEXT)",
               "INSERT INTO tags VALUES (1, 'customer'), (2, 'vip')",
               "INSERT INTO files VALUES ('/srv/report.pdf', 'alice')"]
    if on_server():
        with admin() as conn:
            conn.execute(f'CREATE SCHEMA "{schema_of(a).replace("team_a", "app")}"')
            app = f'"{schema_of(a).replace("team_a", "app")}"'
            for sql in app_sql:
                conn.execute(sql.replace("TABLE ", f"TABLE {app}.").replace("INTO ", f"INTO {app}."))

        def app_state():
            with admin() as conn:
                return (conn.execute(f"SELECT * FROM {app}.tags ORDER BY id").fetchall(),
                        conn.execute(f"SELECT * FROM {app}.files").fetchall(),
                        conn.execute("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                     "WHERE n.nspname = %s ORDER BY relname", (app.strip('"'),)).fetchall())
        before = app_state()
        assert run_pledger("--root", a, "check").code == 0
        from ledger.index import server

        monkeypatch.setattr(server, "INDEX_FORMAT", "older")  # a rebuild drops and makes tables: only pledger's
        assert Ledger.open(a).refresh().read == 2
        assert app_state() == before
    else:
        db = Path(shared.split("sqlite:///", 1)[1])
        conn = sqlite3.connect(db)
        for sql in app_sql:
            conn.execute(sql)
        conn.commit()
        conn.close()
        before = db.read_bytes()
        result = run_pledger("--root", a, "list")
        assert result.code == 1 and "holds tables pledger did not make (files, tags)" in result.err
        assert db.read_bytes() == before


# -- indexers at once ----------------------------------------------------------------------------------


def test_eight_indexers_starting_at_once_on_a_fresh_database_all_succeed(tmp_path, shared):
    a, _ = two_ledgers(tmp_path)
    clones = [shutil.copytree(a, tmp_path / f"clone-{i}") for i in range(4)]
    others = [identify(write_files(tmp_path / f"other-{i}", {"s.yaml": ledger_text(f"O{i}", ["x", "y"])}), f"other-{i}")
              for i in range(4)]
    if not on_server():
        others = [shutil.copytree(a, tmp_path / f"clone-{i}") for i in range(4, 8)]  # one ledger per SQLite file
    env = dict(os.environ, COLUMNS="200")
    procs = [subprocess.Popen([sys.executable, "-m", "ledger", "--root", str(root), "list", "--json"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for root in clones + others]
    results = [(p.communicate(timeout=120), p.returncode) for p in procs]
    assert [code for _, code in results] == [0] * 8, [err for (_, err), _ in results]
    for (out, _), root in zip((r[0] for r in results), clones + others):
        assert json.loads(out)["count"] == (3 if root in clones or not on_server() else 2)
    assert marks(a) == [("a", "A", "yes"), ("b", "A", "yes"), ("c", "A", "yes")]


# -- one snapshot per read -----------------------------------------------------------------------------


def test_a_read_sees_the_index_before_or_after_a_refresh_never_a_mix(tmp_path, shared):
    a, _ = two_ledgers(tmp_path, ids=[f"p{i:03d}" for i in range(60)])
    assert run_pledger("--root", a, "check").code == 0
    reader = Ledger.open(a, read_only=True)
    first = marks_of(reader)
    assert {m for _, m, _ in first} == {"A"} and {r for _, _, r in first} == {"yes"}
    # Another process changes every prediction and outcome, in one refresh.
    (a / "set.yaml").write_text(ledger_text("N", [f"p{i:03d}" for i in range(60)]), encoding="utf-8")
    (a / "outcomes" / "o.yaml").write_text(outcome_text({f"p{i:03d}": "no" for i in range(60)}), encoding="utf-8")
    assert run_pledger("--root", a, "check").code == 0
    assert marks_of(reader) == first  # the same snapshot: the old state, every table of it
    reader.close()
    after = marks(a, read_only=True)
    assert {m for _, m, _ in after} == {"N"} and {r for _, _, r in after} == {"no"}


def marks_of(ledger: Ledger) -> list[tuple[str, str, str | None]]:
    states, _, _ = list_states(ledger, Selection())
    return [(s.prediction.id, s.prediction.claim.split()[0], s.outcome.result if s.outcome else None) for s in states]


def test_reads_during_refreshes_are_each_all_old_or_all_new(tmp_path, shared):
    ids = [f"p{i:03d}" for i in range(40)]
    a, _ = two_ledgers(tmp_path, ids=ids)
    assert run_pledger("--root", a, "check").code == 0
    states = {("A", "yes"), ("N", "no")}
    stop = time.monotonic() + 20
    seen, errors = set(), []

    def read_loop() -> None:
        while time.monotonic() < stop and len(seen) < 2:
            got = {(m, r) for _, m, r in marks(a, read_only=True)}
            if len(got) != 1 or not got <= states:
                errors.append(got)
            seen.update(got)

    thread = threading.Thread(target=read_loop)
    thread.start()
    for flip in range(6):
        mark, result = [("N", "no"), ("A", "yes")][flip % 2]
        (a / "set.yaml").write_text(ledger_text(mark, ids), encoding="utf-8")
        (a / "outcomes" / "o.yaml").write_text(outcome_text({i: result for i in ids}), encoding="utf-8")
        assert run_pledger("--root", a, "check").code == 0
    thread.join()
    assert errors == [] and seen == states


# -- read-only ---------------------------------------------------------------------------------------

def same_reads(got, expected, context) -> None:
    """The same exit code and output; a scorecard's last line names the command that made it."""
    def body(out: str) -> str:
        return out.split("reproduce this file with `")[0]

    assert (got.code, body(got.out)) == (expected.code, body(expected.out)), (context, got.err)


READS = [["list", "--json"], ["show", "a", "--json"], ["due"], ["check", "--json"], ["score", "--json"],
         ["score", "--by-forecaster"], ["scorecard"], ["claim", "list", "--json"], ["claims-report"],
         ["export", "json"], ["list", "--about", "émile"]]


def writes(root: Path, tmp_path: Path) -> list[list[str]]:
    csv = tmp_path / "in.csv"
    csv.write_text("claim,p,made,by\nImported,0.3,2025-01-01,ada\n", encoding="utf-8")
    return [["add", "New", "-p", "40%"], ["forecast", "a", "-p", "10%"], ["resolve", "c", "yes"],
            ["claim", "add", "A claim", "--source", "https://example.org"], ["import", "csv", str(csv)],
            ["seal", "--save"]]


def test_read_only_reads_what_the_indexer_reads_and_every_write_refuses(tmp_path, shared, monkeypatch):
    a, _ = two_ledgers(tmp_path)
    (a / "extra.yaml").write_text("by: Émile\nmade: 2025-02-01\nabout: Émile Zola\npredictions:\n"
                                  "  - id: e\n    claim: A novel\n    p: 60%\n", encoding="utf-8")
    expected = {tuple(args): run_pledger("--root", a, *args) for args in READS}
    before = snapshot(a)
    for args in READS:
        for how in (["--read-only"], ["--ledger", "team-a"]):
            same_reads(run_pledger("--root", a, *how, *args), expected[tuple(args)], (how, args))
    monkeypatch.setenv("PLEDGER_READ_ONLY", "1")
    for args in writes(a, tmp_path):
        result = run_pledger("--root", a, *args)
        assert result.code == 1 and result.err == f"pledger: error: {READ_ONLY_REFUSAL}\n", (args, result.err)
    assert run_pledger("init", tmp_path / "new").code == 1 and not (tmp_path / "new").exists()
    assert snapshot(a) == before


@pytest.mark.postgres
def test_a_read_only_role_reads_everything_and_writes_nothing(tmp_path, shared, monkeypatch):
    a, _ = two_ledgers(tmp_path)
    expected = {tuple(args): run_pledger("--root", a, *args) for args in READS}  # as the suite's superuser
    from ledger.index.target import target_for

    prefix = target_for(shared).prefix
    indexer, reader = f"{prefix}_indexer", f"{prefix}_reader"
    setup = [  # docs/team.md's setup, word for word but the names
        f"CREATE ROLE {indexer} LOGIN", f"CREATE ROLE {reader} LOGIN",
        f"GRANT CREATE ON DATABASE postgres TO {indexer}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {indexer} GRANT USAGE ON SCHEMAS TO {reader}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {indexer} GRANT SELECT ON TABLES TO {reader}",
    ]
    with admin() as conn:
        conn.execute(f'DROP SCHEMA "{schema_of(a)}" CASCADE')  # the indexer makes it afresh, as its own
        for sql in setup:
            conn.execute(sql)
    try:
        as_indexer, as_reader = (shared.replace("postgresql://pledger@", f"postgresql://{role}@")
                                 for role in (indexer, reader))
        monkeypatch.setenv("PLEDGER_DATABASE_URL", as_indexer)
        assert run_pledger("--root", a, "status").code == 0  # the CI job: refresh, and say what it reflects
        monkeypatch.setenv("PLEDGER_DATABASE_URL", as_reader)
        elsewhere = tmp_path / "no-checkout"
        elsewhere.mkdir()
        for args in READS:  # without the files: by name
            same_reads(run_pledger("--ledger", "team-a", *args, cwd=elsewhere), expected[tuple(args)], args)
        listed = run_pledger("--read-only", "status", "--json", cwd=elsewhere)
        assert [entry["name"] for entry in json.loads(listed.out)["ledgers"]] == ["team-a"]
        # Not read-only: the role cannot write the index, and says so; the index is left as it was.
        (a / "set.yaml").write_text(ledger_text("Z", ["z"]), encoding="utf-8")
        forced = run_pledger("--root", a, "list")
        assert forced.code == 1 and "permission denied" in forced.err and "--read-only" in forced.err, forced.err
        assert "Traceback" not in forced.err
        import psycopg

        with psycopg.connect(target_for(as_reader).libpq()) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(f'DELETE FROM "{schema_of(a)}".predictions')
        monkeypatch.setenv("PLEDGER_DATABASE_URL", as_indexer)
        assert [m for _, m, _ in marks(a, read_only=True)] == ["A", "A", "A"]  # what the indexer last wrote
    finally:
        with admin() as conn:
            for role in (indexer, reader):
                conn.execute(f"DROP OWNED BY {role} CASCADE")
                conn.execute(f"DROP ROLE {role}")


def test_read_only_without_an_index_says_so(tmp_path, shared):
    a, _ = two_ledgers(tmp_path)
    result = run_pledger("--root", a, "--read-only", "list")
    assert result.code == 1 and "Traceback" not in result.err
    assert ("no index of ledger 'team-a'" if on_server() else "there is no index to read yet") in result.err


# -- several ledgers together ----------------------------------------------------------------------------


@pytest.mark.postgres
def test_score_across_ledgers_is_the_score_of_their_union(tmp_path, shared, monkeypatch):
    a, b = two_ledgers(tmp_path)
    (b / "more.yaml").write_text("by: ben\nmade: 2025-02-01\npredictions:\n  - id: d\n    claim: B d\n    p: 80%\n"
                                 "    forecasts:\n      - {by: ada, p: 40%, at: 2025-03-01}\n", encoding="utf-8")
    (b / "outcomes" / "d.yaml").write_text(outcome_text({"d": "yes"}, on="2025-06-02"), encoding="utf-8")
    for root in (a, b):
        assert run_pledger("--root", root, "check").code == 0
    # The union as one ledger of its own, each ledger's ids made distinct.
    union = identify(tmp_path / "union")
    for root, tag in ((a, "a"), (b, "b")):
        for path in root.rglob("*.yaml"):
            text = path.read_text(encoding="utf-8")
            for pid in ("a", "b", "c", "d"):
                text = text.replace(f"id: {pid}\n", f"id: {tag}-{pid}\n").replace(f"  {pid}: ", f"  {tag}-{pid}: ")
            (union / tag / path.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
            (union / tag / path.relative_to(root)).write_text(text, encoding="utf-8")
    runs = (["score", "--json"], ["score", "--by-forecaster", "--json"], ["score", "--policy", "all", "--json"])
    monkeypatch.delenv("PLEDGER_DATABASE_URL")  # the union on its own SQLite index
    alone = [json.loads(run_pledger("--root", union, *args).out) for args in runs]
    monkeypatch.setenv("PLEDGER_DATABASE_URL", shared)
    for args, expected in zip(runs, alone):
        together = run_pledger("--ledger", "team-a", "--ledger", "team-b", *args, cwd=tmp_path)
        assert together.code == 0, together.err
        got = json.loads(together.out)
        for key in ("counts", "report", "leaderboard"):
            assert got[key] == expected[key], (args, key)
    assert expected["counts"]["forecasts"] == 7  # the authors' forecasts of both ledgers (ada's on ben's d: not hers)
    one = run_pledger("--ledger", "team-a", "--ledger", "team-b", "list", cwd=tmp_path)
    assert one.code == 2 and "reads one ledger" in one.err


# -- what the index holds: text, order, matching ------------------------------------------------------------


def test_ledger_order_is_byte_order_on_every_database(make_ledger, cli):
    names = ["a-b.yaml", "a_b.yaml", "ab.yaml", "B.yaml", "a.b.yaml", "Zeta.yaml", "émile.yaml"]
    root = make_ledger({name: ledger_text("M", [f"id{i}"]) for i, name in enumerate(names)})
    listed = json.loads(cli("--root", root, "list", "--json").out)["predictions"]
    assert [p["file"] for p in listed] == sorted(names, key=lambda n: n.encode("utf-8"))


def test_about_matches_ignoring_case_the_same_everywhere(make_ledger, cli):
    root = make_ledger({"s.yaml": "by: ada\nmade: 2025-01-01\npredictions:\n"
                                  "  - {id: composed, claim: x, p: 50%, about: Émile Zola}\n"
                                  "  - {id: decomposed, claim: x, p: 50%, about: \"E\\u0301MILE\"}\n"
                                  "  - {id: strasse, claim: x, p: 50%, about: Große Straße}\n"
                                  "  - {id: other, claim: x, p: 50%, about: Emile}\n"})

    def ids(about):
        return [p["id"] for p in json.loads(cli("--root", root, "list", "--about", about, "--json").out)["predictions"]]

    assert ids("émile") == ids("ÉMILE") == ["composed", "decomposed"]
    assert ids("STRASSE") == ["strasse"] and ids("100%") == []


def test_a_nul_in_a_record_is_a_problem_at_its_line_on_every_database(make_ledger, cli):
    root = make_ledger({"s.yaml": 'by: ada\nmade: 2025-01-01\npredictions:\n  - id: a\n    claim: "a \\0 b"\n'
                                  '    p: 50%\n  - id: b\n    claim: fine\n    p: 50%\n'})
    result = cli("--root", root, "check")
    assert result.code == 1 and "s.yaml:5:12: `claim`: holds a NUL character" in result.out
    assert [p["id"] for p in json.loads(cli("--root", root, "list", "--json").out)["predictions"]] == ["b"]


def test_a_password_in_the_url_is_never_printed(make_ledger, monkeypatch):
    root = make_ledger({"s.yaml": ledger_text("P", ["p"])})
    for url in ("postgresql://ada:s3cret-pw@/db?host=/nonexistent", "postgres://ada:s3cret-pw@127.0.0.1:1/db",
                "postgresql+psycopg2://ada:s3cret-pw@/db", "nosuchdb://ada:s3cret-pw@host/db"):
        monkeypatch.setenv("PLEDGER_DATABASE_URL", url)
        for args in (["list"], ["--read-only", "status"], ["check"]):
            result = run_pledger("--root", root, *args)
            assert result.code in (1, 2) and "Traceback" not in result.err, (url, result.err)
            assert "s3cret-pw" not in result.err + result.out and "ada:***@" in result.err, (url, result.err)


# -- the SQL views --------------------------------------------------------------------------------------------


def test_the_views_give_the_answers_pledger_gives(bundled, cli):
    (bundled / "outcomes" / "zz-correction.yaml").write_text(
        "on: 2026-02-01\nby: casper\ncorrection: true\nresults:\n  eye-test: no\n", encoding="utf-8")
    listed = json.loads(cli("--root", bundled, "list", "--json").out)["predictions"]
    scored = json.loads(cli("--root", bundled, "score", "--json").out)
    board = json.loads(cli("--root", bundled, "score", "--by-forecaster", "--json").out)["leaderboard"]
    claims = json.loads(cli("--root", bundled, "claim", "list", "--json").out)
    rows = view_rows(bundled, "SELECT id, status, result, points FROM current_predictions ORDER BY made, file, position")
    assert [tuple(r) for r in rows] == [(p["id"], p["status"], p["outcome"]["result"] if p["outcome"] else None,
                                         p["points"]) for p in listed]
    assert sum(1 for r in rows if r[0] == "eye-test") == 1  # corrected: one row, the correction's result
    [(n, brier)] = view_rows(bundled, "SELECT count(*), avg(brier) FROM scored_forecasts WHERE is_first = 1 AND by_author = 1")
    assert (n, brier) == (scored["report"]["n"], pytest.approx(scored["report"]["brier"]["score"], abs=1e-12))
    per = {r[0]: (r[1], r[2]) for r in view_rows(
        bundled, "SELECT min(\"by\"), count(*), avg(brier) FROM scored_forecasts WHERE is_first = 1 GROUP BY by_key")}
    assert {row["forecaster"]: (row["n"], pytest.approx(row["brier"], abs=1e-12)) for row in board["rows"]} == per
    verdicts = view_rows(bundled, "SELECT id, verdict FROM current_claims ORDER BY file, position")
    assert [tuple(r) for r in verdicts] == [(c["id"], c["verdict"]) for c in claims["claims"]]


def view_rows(root: Path, sql: str) -> list:
    ledger = Ledger.open(root, read_only=True)
    try:
        with ledger.reader() as db:
            return db.rows(sql)
    finally:
        ledger.close()


# -- status ----------------------------------------------------------------------------------------------


def test_status_shows_the_commit_the_index_reflects(tmp_path, shared):
    a, _ = two_ledgers(tmp_path)
    git = ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(a)], check=True)
    subprocess.run([*git, "-C", str(a), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(a), "commit", "-qm", "first"], check=True)
    head = subprocess.run(["git", "-C", str(a), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    status = json.loads(run_pledger("--root", a, "status", "--json").out)
    assert status["ledger"]["name"] == "team-a" and status["reflects"]["commit"] == head
    assert status["reflects"]["dirty"] is False and status["counts"]["predictions"] == 3
    (a / "new.yaml").write_text(ledger_text("A", ["d"]), encoding="utf-8")
    status = json.loads(run_pledger("--root", a, "status", "--json").out)
    assert status["reflects"]["dirty"] is True and status["counts"]["predictions"] == 4
    shown = run_pledger("--read-only", "--root", a, "status")
    assert shown.code == 0 and f"commit {head[:12]} with uncommitted changes" in shown.out

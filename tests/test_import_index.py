"""An import updates the index from the records it wrote: the next command reads no file again."""

from __future__ import annotations

import shutil

import pytest

from ledger.index.warm import open_warm


@pytest.mark.own_index  # reads the SQLite index file itself
def test_the_index_is_current_after_an_import_and_reads_as_a_cold_build(cli, make_ledger, tmp_path):
    root = make_ledger({
        "sets/club.yaml": "set: club\nby: ann\nmade: 2025-01-01\npredictions:\n"
                          "  - id: q1\n    claim: The first question\n    p: 0.4\n"
                          "  - id: q2\n    claim: The second question\n    p: 0.7\n",
    })
    assert cli("--root", root, "list", "--limit", "1").code == 0
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "id,claim,p,made,at,result,resolved_on,forecast_by\n"
        "q1,The first question,0.4,2025-01-01,2025-01-01,yes,2025-03-01,ann\n"  # known: resolves it
        "q2,The second question,60%,2025-01-01,2025-02-01,,,bob\n"  # known: a new forecast
        "n1,A new question,0.2,2025-02-01,2025-02-01,no,2025-04-01,\n"
        "n1,,0.3,2025-02-01,2025-03-01,no,2025-04-01,\n",
        encoding="utf-8",
    )
    result = cli("--root", root, "import", "csv", rows, "--set", "club", "--by", "ann")
    assert result.code == 0, result
    warm = open_warm(root)  # every file written is indexed as written: nothing to re-read
    assert warm is not None
    warm.close()
    commands = (("list", "--json"), ("check", "--json"), ("export", "json"), ("score", "--json"))
    after = [cli("--root", root, *args).out for args in commands]
    assert '"id": "n1"' in after[0] and '"result": "yes"' in after[0]
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns(".pledger"))
    assert [cli("--root", cold, *args).out for args in commands] == after
    again = cli("--root", root, "import", "csv", rows, "--set", "club", "--by", "ann", "--json")
    assert '"files": []' in again.out

"""Two processes adding at once lose nothing: the lock serialises writers and writes are atomic."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

from ledger.services.ledger import Ledger
from ledger.services.queries import check_ledger, list_states
from ledger.store.read import read_file

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from ledger.services.add import add_prediction
    from ledger.services.ledger import Ledger

    root, go, n = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    while not go.exists():
        time.sleep(0.005)
    ledger = Ledger.open(root)
    for i in range(n):
        # Both processes use the same claims, so ids collide unless the lock holds.
        add_prediction(ledger, f"Shared claim {i}", (i % 9 + 1) / 10, set_id="race")
    """
)

N = 100


def test_two_processes_adding_100_each(tmp_path):
    root = tmp_path / "ledger"
    Ledger.init(root)
    go = tmp_path / "go"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    procs = [
        subprocess.Popen([sys.executable, "-c", WORKER, str(root), str(go), str(N)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    time.sleep(0.5)  # let both start and wait at the line
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err

    # One file, every record in it, readable, no temp files left behind.
    assert sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) == ["race.yaml"]
    assert [p.name for p in root.iterdir() if p.name.endswith(".tmp")] == []
    rec = read_file(root, "race.yaml")
    assert rec.problems == []
    assert len(rec.predictions) == 2 * N
    ids = [p.id for p in rec.predictions]
    assert len(set(ids)) == 2 * N
    assert set(ids) == {f"shared-claim-{i}" for i in range(N)} | {f"shared-claim-{i}-2" for i in range(N)}

    ledger = Ledger.open(root)
    report = check_ledger(ledger)
    assert report.problems == [] and report.predictions == 2 * N
    states, _total, problems = list_states(ledger)
    assert problems == 0 and len(states) == 2 * N

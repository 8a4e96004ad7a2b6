"""Each importer on its realistic fixture (tests/fixtures/import/), messy rows included.

The expected records are read off the fixture files by hand: claim, probability
as typed, who, when, the outcome and its date, and why each bad row is rejected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from ledger.store.discover import ledger_files
from ledger.store.read import read_file

FIXTURES = Path(__file__).parent / "fixtures" / "import"
D = dt.date.fromisoformat


def records(root: Path):
    """(predictions by id, forecasts by id (later ones, oldest first), outcomes by id) over every file, and problems."""
    preds, forecasts, outcomes, problems = {}, {}, {}, []
    for f in ledger_files(root):
        got = read_file(root, f.path)
        problems += got.problems
        for p in got.predictions:
            preds[p.id] = p
        for fc in got.forecasts:
            if not fc.initial:
                forecasts.setdefault(fc.prediction_id, []).append(fc)
        for o in got.outcomes:
            outcomes.setdefault(o.prediction_id, []).append(o)
    for fs in forecasts.values():
        fs.sort(key=lambda fc: fc.at)
    return preds, forecasts, outcomes, problems


def run_import(cli, root, *args):
    result = cli("--root", root, "import", *args, "--json")
    assert result.code == 0, (result.out, result.err)
    return json.loads(result.out)


def rejected(report) -> dict[int, str]:
    return {r["row"]: r["reason"] for r in report["rejected"]}


def by_claim(preds):
    return {p.claim: p for p in preds.values()}


@pytest.fixture
def root(make_ledger):
    return make_ledger({".gitignore": ".pledger/\n"})


def test_fatebook_export(cli, root):
    report = run_import(cli, root, "fatebook", FIXTURES / "fatebook.csv")
    assert report["rows"] == 11 and report["added"] == 6 and report["outcomes_added"] == 5
    bad = rejected(report)
    assert sorted(bad) == [10, 11, 12]
    assert bad[10] == "no forecast"
    assert "'03/04/2025' is not a date" in bad[11]
    assert "not UTF-8" in bad[12] and "0xe9" in bad[12] and "--encoding" in bad[12]

    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    claims = by_claim(preds)
    eye = claims["Will the SAE paper use eye-test experiments?"]
    # The id is Fatebook's own recipe for rows without ids: a hash of title and creation time.
    digest = hashlib.sha1("\x1f".join(["Will the SAE paper use eye-test experiments?", "2024-05-05 10:12:4", ""]).encode()).hexdigest()
    assert eye.id == f"fatebook-{digest[:12]}"
    assert (eye.p, eye.p_typed, eye.by, eye.made, eye.due, eye.note) == (0.99, "0.99", "Casper", D("2024-05-05"), D("2024-06-30"), "From the thread")
    assert [(o.result, o.on, o.by) for o in outcomes[eye.id]] == [("yes", D("2024-05-21"), "Casper")]
    assert eye.set_id == "fatebook"

    lora = claims["Will the SAE paper beat LoRA?"]
    assert lora.p == 0.2
    assert [(f.by, f.p, f.at) for f in forecasts[lora.id]] == [("Ada", 0.35, D("2024-05-06")), ("Casper", 0.1, D("2024-05-12"))]
    assert [o.result for o in outcomes[lora.id]] == ["no"]

    workshop = claims["Will the workshop happen in 2025?"]
    (o,) = outcomes[workshop.id]
    assert (o.result, o.on, o.note) == ("annulled", D("2025-11-02"), "Resolved AMBIGUOUS on Fatebook.")
    assert claims["Will GPT-6 be released in 2026?"].id not in outcomes
    # A multiple-choice question: one yes/no prediction per option.
    assert outcomes[claims["Which lab ships first?: OpenAI"].id][0].result == "yes"
    assert outcomes[claims["Which lab ships first?: Anthropic"].id][0].result == "no"


def test_predictionbook_csv(cli, root):
    report = run_import(cli, root, "predictionbook", FIXTURES / "predictionbook.csv")
    assert report["added"] == 3 and report["outcomes_added"] == 2
    assert [(s["row"], s["reason"]) for s in report["skipped"]] == [(5, "withdrawn on PredictionBook")]
    bad = rejected(report)
    assert sorted(bad) == [6, 7, 8, 9]
    assert bad[6] == "no confidence"
    assert "9002 appears again (first at row 3)" in bad[7]
    assert "150% is above 100%" in bad[8]
    assert "not UTF-8" in bad[9]

    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    assert set(preds) == {"pb-9001", "pb-9002", "pb-9003"}
    p1, p2 = preds["pb-9001"], preds["pb-9002"]
    assert (p1.p, p1.p_typed, p1.by, p1.made, p1.source) == (0.99, "99%", "casper", D("2024-05-05"), "https://predictionbook.com/predictions/9001")
    assert (p2.p, p2.p_typed) == (0.2, "20%")  # already a percent string: kept as typed
    (o,) = outcomes["pb-9001"]
    assert (o.result, o.on, o.by, o.evidence[0].url) == ("yes", D("2024-05-22"), "PredictionBook", p1.source)
    assert outcomes["pb-9002"][0].result == "no"
    assert "pb-9003" not in outcomes


def test_predictionbook_api_json(cli, root):
    report = run_import(cli, root, "predictionbook-json", FIXTURES / "predictionbook.json", "--by", "me")
    assert report["added"] == 3
    bad = rejected(report)
    assert sorted(bad) == [5, 6]
    assert "no response with a probability" in bad[5]
    assert "appears twice (first as item 1)" in bad[6]
    assert [s["row"] for s in report["skipped"]] == [4]

    preds, forecasts, outcomes, _ = records(root)
    p1 = preds["pb-9001"]
    assert (p1.p_typed, p1.by) == ("99%", "casper")
    # Another user's response is their forecast; a comment without a confidence is not one.
    assert [(f.by, f.p_typed, f.at, f.note) for f in forecasts["pb-9001"]] == [("gwern", "95%", D("2024-05-07"), "Seems likely")]
    assert [(f.by, f.p, f.at) for f in forecasts["pb-9002"]] == [("casper", 0.1, D("2024-05-12"))]
    assert outcomes["pb-9001"][0].on == D("2024-05-22")  # updated_at stands for the judgement date
    assert outcomes["pb-9002"][0].result == "no"


def test_metaculus_posts(cli, root):
    report = run_import(cli, root, "metaculus", FIXTURES / "metaculus.json", "--by", "me")
    assert report["added"] == 5
    skipped = {s["row"]: s["reason"] for s in report["skipped"]}
    assert "numeric" in skipped[6] and "group of questions" in skipped[7]
    assert "no forecast of yours" in skipped[8] and "same post as item 2" in skipped[10]
    assert "1.5 is outside 0..1" in rejected(report)[9]

    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    eye = preds["metaculus-20001"]
    # History entries without values are left out; `latest` (0.97, 2024-05-12 in UTC) is the forecast.
    assert (eye.p, eye.by, eye.made, eye.due) == (0.97, "me", D("2024-05-12"), D("2024-07-01"))
    assert eye.source == "https://www.metaculus.com/questions/20001/"
    assert eye.criteria.startswith("Resolves yes if")
    (o,) = outcomes["metaculus-20001"]
    assert (o.result, o.on, o.by, o.evidence[0].url) == ("yes", D("2024-05-21"), "Metaculus", eye.source)
    lora = preds["metaculus-20002"]
    assert (lora.p, lora.made) == (0.2, D("2024-05-05"))
    assert [(f.p, f.at) for f in forecasts["metaculus-20002"]] == [(0.1, D("2024-05-12"))]
    assert [o.result for o in outcomes["metaculus-20003"]] == ["annulled"]
    assert [(o.result, o.note) for o in outcomes["metaculus-20004"]] == [("annulled", "Metaculus resolution: ambiguous")]
    assert "metaculus-20005" not in outcomes


def test_manifold_markets_and_bets(cli, root):
    report = run_import(cli, root, "manifold", FIXTURES / "manifold.json", "--by", "me")
    assert report["added"] == 5
    skipped = {s["row"]: s["reason"] for s in report["skipped"]}
    assert "MULTIPLE_CHOICE" in skipped[6] and "no bet of yours" in skipped[7]
    assert "'high'" in rejected(report)[8]

    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    eye = preds["manifold-ab3de5gh7j"]
    # Each bet's forecast is the probability after it; the redemption is not a forecast.
    assert (eye.p, eye.made, eye.tags) == (0.95, D("2024-05-05"), ("interpretability", "ai-safety"))
    assert [(f.p, f.at) for f in forecasts["manifold-ab3de5gh7j"]] == [(0.97, D("2024-05-13"))]
    (o,) = outcomes["manifold-ab3de5gh7j"]
    assert (o.result, o.on, o.by) == ("yes", D("2024-05-21"), "casper")
    assert outcomes["manifold-zz9yy8xx7w"][0].result == "no"
    assert outcomes["manifold-cancel0001"][0].result == "annulled"
    mkt = outcomes["manifold-mkt0000001"][0]
    assert mkt.result == "annulled" and "0.62" in mkt.note
    assert "manifold-open000001" not in outcomes
    assert forecasts.get("manifold-open000001") is None  # the cancelled bet is not a forecast


GENERIC_MAP = "id=Ref,claim=Question,p=Prob,made=Date,result=Outcome,resolved_on=Resolved,tags=Labels,source=Link"


def test_generic_csv_with_a_mapping(cli, root):
    report = run_import(cli, root, "csv", FIXTURES / "generic.csv", "--map", GENERIC_MAP, "--set", "mine")
    assert report["added"] == 4 and report["forecasts_added"] == 1 and report["outcomes_added"] == 3
    bad = rejected(report)
    assert sorted(bad) == [7, 8, 9, 10, 11, 12]
    assert bad[7] == "no probability (and no result)"
    assert "did you mean 70%" in bad[8]
    assert "'q-gpt6' was used at row 5 for another claim" in bad[9]
    assert "not a date" in bad[10] and "'maybe' is not one of" in bad[11] and "not UTF-8" in bad[12]

    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    claims = by_claim(preds)
    eye = claims["Will the SAE paper use eye-test experiments?"]
    digest = hashlib.sha1("\x1f".join(["Will the SAE paper use eye-test experiments?", "2024-05-05"]).encode()).hexdigest()
    assert eye.id == f"csv-{digest[:12]}"
    assert (eye.p_typed, eye.by, eye.set_id, eye.tags, eye.source) == ("99%", "tester", "mine", ("interpretability", "sae"), "https://example.org/thread")
    lora = claims["Will sparse fine-tuning beat LoRA?"]
    assert [f.p for f in forecasts[lora.id]] == [0.1]
    assert len(outcomes[lora.id]) == 1  # the result repeated on both rows is one outcome entry
    assert (preds["q-gpt6"].p, preds["q-gpt6"].p_typed) == (0.75, "3:1")
    assert (preds["q-workshop"].p_typed, outcomes["q-workshop"][0].result) == ("1 in 4", "annulled")


def test_encoding_option_reads_a_cp1252_file(cli, root, tmp_path):
    data = "Question,Prob,Date\nLe café rouvrira,60%,2025-04-01\n".encode("cp1252")
    path = tmp_path / "cafe.csv"
    path.write_bytes(data)
    report = run_import(cli, root, "csv", path, "--map", "claim=Question,p=Prob,made=Date", "--encoding", "cp1252")
    assert report["added"] == 1 and report["rejected"] == []
    preds, *_ = records(root)
    assert [p.claim for p in preds.values()] == ["Le café rouvrira"]

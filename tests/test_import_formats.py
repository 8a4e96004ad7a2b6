"""Each importer on its fixture, built from the platform's own export code (tests/fixtures/import/README.md).

For each: the exact records that come out (who, probability as typed, day,
resolution and its day, who judged it) and the report's counts. The expected
values are read off the fixture files and the platform code by hand.
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


def view(root: Path) -> dict:
    """id -> ((by, p as typed, made), [(by, p as typed, at)], [(result, on, by)]) for every yes/no prediction
    (the other kinds: tests/test_import_kinds.py)."""
    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    return {
        pid: ((p.by, p.p_typed, p.made), [(f.by, f.p_typed, f.at) for f in forecasts.get(pid, [])],
              [(o.result, o.on, o.by) for o in outcomes.get(pid, [])])
        for pid, p in preds.items() if p.kind == "binary"
    }


def run_import(cli, root, *args):
    result = cli("--root", root, "import", *args, "--json")
    assert result.code == 0, (result.out, result.err)
    return json.loads(result.out)


def counts(report) -> tuple:
    return (report["rows"], report["added"], report["forecasts_added"], report["outcomes_added"],
            len(report["skipped"]), len(report["rejected"]))


def skipped(report) -> dict[int, str]:
    return {s["row"]: s["reason"] for s in report["skipped"]}


def rejected(report) -> dict[int, str]:
    return {r["row"]: r["reason"] for r in report["rejected"]}


def fatebook_id(title: str, created: str) -> str:
    # Fatebook's own CSV import makes a question's id from its title and creation time; so do we.
    return "fatebook-" + hashlib.sha1("\x1f".join([title, created, ""]).encode()).hexdigest()[:12]


@pytest.fixture
def root(make_ledger):
    return make_ledger({".gitignore": ".pledger/\n"})


EYE = fatebook_id("Will the SAE paper use eye-test experiments?", "2024-05-05 10:12:4")
LORA = fatebook_id("Will sparse fine-tuning beat LoRA?", "2024-05-05 11:00:42")
EYE_RECORDS = (("Casper", "0.99", D("2024-05-05")),
               [("Ada Lovelace", "0.9", D("2024-05-06")), ("Casper", "0.97", D("2024-05-12"))],
               [("yes", D("2024-05-21"), "Casper")])
# Casper made the question and never forecast it: the prediction is Ada's first forecast, on its own day.
LORA_RECORDS = (("Ada Lovelace", "0.35", D("2024-05-06")),
                [("unnamed Fatebook user", "0.2", D("2024-05-07")), ("Grace", "0.15", D("2024-05-08")),
                 ("Ada Lovelace", "0.1", D("2024-05-12"))],
                [("no", D("2024-05-21"), "Casper")])


def test_fatebook_export(cli, root):
    report = run_import(cli, root, "fatebook", FIXTURES / "fatebook-2025.csv")
    # The multiple-choice questions, and what is skipped of them: tests/test_import_kinds.py.
    assert counts(report) == (27, 8, 9, 5, 4, 0)
    assert skipped(report)[6] == "a forecast Fatebook hides from you (the export gives neither its probability nor its forecaster)"
    got = view(root)
    assert got == {
        fatebook_id("Will it snow in Lisbon in 2026?", "2025-03-10 17:45:33"):
            (("Casper", "0.05", D("2025-03-11")), [], []),
        fatebook_id("Le café du coin rouvrira-t-il avant 2026 ? ☕", "2025-01-03 08:00:0"):
            (("Casper", "0.6", D("2025-01-03")), [], []),
        fatebook_id("Will the 2025 workshop happen?", "2024-12-01 10:00:7"):
            (("Ada Lovelace", "0.25", D("2024-12-01")), [("Casper", "0.3", D("2024-12-02"))],
             [("annulled", D("2025-11-02"), "Ada Lovelace")]),
        LORA: LORA_RECORDS,
        EYE: EYE_RECORDS,
    }
    preds, _, outcomes, _ = records(root)
    eye = preds[EYE]
    assert (eye.note, eye.tags, eye.due, eye.set_id) == ("From the thread", ("interpretability", "sae"), D("2024-06-30"), "fatebook")
    cafe = preds[fatebook_id("Le café du coin rouvrira-t-il avant 2026 ? ☕", "2025-01-03 08:00:0")]
    assert (cafe.note, cafe.tags) == ("Rue de l'Église, « chez Marie »", ("local", "cafe-life"))
    (workshop,) = outcomes[fatebook_id("Will the 2025 workshop happen?", "2024-12-01 10:00:7")]
    assert workshop.note == "Resolved AMBIGUOUS on Fatebook."


def test_fatebook_export_from_before_multiple_choice(cli, root):
    report = run_import(cli, root, "fatebook", FIXTURES / "fatebook-2024-08.csv")
    assert counts(report) == (9, 3, 6, 2, 0, 0)
    assert view(root) == {
        fatebook_id("Will GPT-5 be released in 2024?", "2024-02-14 12:00:30"):
            (("Casper", "0.4", D("2024-02-14")), [("unnamed Fatebook user", "0.25", D("2024-02-20"))], []),
        LORA: LORA_RECORDS,
        EYE: EYE_RECORDS,
    }


def test_both_fatebook_formats_name_the_same_questions_and_forecasts(cli, root):
    # A question in an old and a new export is the same prediction with the same forecasts.
    run_import(cli, root, "fatebook", FIXTURES / "fatebook-2024-08.csv")
    report = run_import(cli, root, "fatebook", FIXTURES / "fatebook-2025.csv")
    assert (report["added"], report["forecasts_added"], report["outcomes_added"]) == (6, 4, 3)
    assert {s["id"] for s in report["skipped"] if s["reason"] == "already in the ledger"} == {EYE, LORA}


def test_fatebook_export_resaved_by_a_spreadsheet_with_bom_and_crlf(cli, make_ledger, tmp_path):
    text = (FIXTURES / "fatebook-2025.csv").read_text(encoding="utf-8")
    resaved = tmp_path / "fatebook-excel.csv"
    resaved.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8") + b"\r\n")
    plain, excel = make_ledger(name="plain"), make_ledger(name="excel")
    a = run_import(cli, plain, "fatebook", FIXTURES / "fatebook-2025.csv")
    b = run_import(cli, excel, "fatebook", resaved)
    assert counts(a) == counts(b) and view(plain) == view(excel)


PB_MEAN = ("PredictionBook's mean confidence: the rounded mean of every response on this prediction "
           "(mine.csv holds no single response; the API's JSON has each one)")


def test_predictionbook_mine_csv(cli, root):
    report = run_import(cli, root, "predictionbook", FIXTURES / "predictionbook-mine.csv")
    assert counts(report) == (4, 4, 0, 2, 0, 0)
    assert view(root) == {
        "pb-212003": (("Casper", "60%", D("2024-09-01")), [], []),
        "pb-212002": (("Casper", "15%", D("2024-05-05")), [], [("no", D("2024-07-01"), "PredictionBook")]),
        "pb-212001": (("Casper", "73%", D("2024-05-05")), [], [("yes", D("2024-05-22"), "PredictionBook")]),
        # Judged, then set back to unknown: outcome empty, last_judgement_at set. Unresolved.
        "pb-212004": (("Casper", "40%", D("2024-02-10")), [], []),
    }
    preds, _, outcomes, _ = records(root)
    p = preds["pb-212001"]
    # A member of a prediction group keeps the group's question.
    assert p.claim == "[AI in 2024] Anthropic's next SAE paper uses eye-test experiments"
    assert (p.note, p.source, p.due) == (PB_MEAN, "https://predictionbook.com/predictions/212001", D("2024-06-30"))
    assert preds["pb-212003"].claim == "Le café du coin rouvrira, \"enfin\" — et avec du pain & du beurre ☕"
    assert outcomes["pb-212001"][0].evidence[0].url == p.source


def test_predictionbook_api_json(cli, root):
    report = run_import(cli, root, "predictionbook-json", FIXTURES / "predictionbook-my-predictions.json", "--by", "me")
    assert counts(report) == (4, 4, 5, 2, 0, 0)
    assert view(root) == {
        "pb-212003": (("Casper", "60%", D("2024-09-01")), [], []),
        "pb-212002": (("Casper", "20%", D("2024-05-05")), [("Casper", "10%", D("2024-05-15"))],
                      [("no", D("2024-07-01"), "PredictionBook")]),
        # Each response with a confidence is its user's forecast; a comment without one is not a forecast;
        # a user whose label is empty is named by their id. Dated by last_judgement_at, not updated_at.
        "pb-212001": (("Casper", "90%", D("2024-05-05")),
                      [("gwern", "70%", D("2024-05-06")), ("PredictionBook user 4021", "40%", D("2024-05-07")),
                       ("Casper", "95%", D("2024-05-12"))],
                      [("yes", D("2024-05-22"), "PredictionBook")]),
        "pb-212004": (("Casper", "30%", D("2024-02-10")), [("gwern", "50%", D("2024-02-11"))], []),
    }
    preds, forecasts, _, _ = records(root)
    # The first response's comment is the prediction's note; a later one's, its forecast's.
    assert preds["pb-212001"].note == "Seems very likely, they did it last time"
    assert [f.note for f in forecasts["pb-212001"]] == [None, "I doubt it", None]
    assert preds["pb-212002"].claim == "[AI in 2024] Sparse fine-tuning on SAE latents beats LoRA"


def test_predictionbook_json_from_before_last_judgement_at(cli, root):
    report = run_import(cli, root, "predictionbook-json", FIXTURES / "predictionbook-my-predictions-2023-07.json")
    assert counts(report) == (4, 4, 5, 2, 0, 0)
    _, _, outcomes, _ = records(root)
    # No judgement date in the file: updated_at, said so.
    assert [(o.result, o.on, o.note) for o in outcomes["pb-212001"]] == [
        ("yes", D("2023-04-29"), "judged on PredictionBook on an unknown day (no last_judgement_at); dated by updated_at")]
    assert [(o.result, o.on) for o in outcomes["pb-212002"]] == [("no", D("2023-05-30"))]


def test_metaculus_posts(cli, root):
    report = run_import(cli, root, "metaculus", FIXTURES / "metaculus-posts.json", "--by", "me")
    assert counts(report) == (12, 12, 5, 9, 3, 0)
    assert skipped(report) == {
        6: "no forecast of yours on this question", 10: "a notebook (an article), not a question",
        11: "no forecast of yours on this question",
    }
    assert [s["id"] for s in report["skipped"] if s["row"] == 6] == ["metaculus-20006-30063"]
    assert report["warnings"] == [
        f"{FIXTURES / 'metaculus-posts.json'} is one page of several: its `next` is "
        "'https://www.metaculus.com/api/posts/?forecaster_id=1001&limit=12&offset=12&with_cp=true'; "
        "save each further page and import it too"
    ]
    me = "me"
    assert view(root) == {
        "metaculus-20001": ((me, "0.9", D("2024-05-05")), [(me, "0.95", D("2024-05-08")), (me, "0.97", D("2024-05-12"))],
                            [("yes", D("2024-05-21"), "Metaculus")]),
        "metaculus-20002": ((me, "0.2", D("2024-05-05")), [(me, "0.1", D("2024-05-10"))], [("no", D("2024-05-21"), "Metaculus")]),
        "metaculus-20003": ((me, "0.6", D("2024-09-03")), [], [("annulled", D("2025-06-03"), "Metaculus")]),
        "metaculus-20004": ((me, "0.6", D("2024-09-03")), [], [("annulled", D("2025-06-03"), "Metaculus")]),
        "metaculus-20005": ((me, "0.6", D("2025-01-03")), [], []),
        "metaculus-20006-30061": ((me, "0.65", D("2025-02-03")), [], [("yes", D("2025-11-20"), "Metaculus")]),
        "metaculus-20006-30062": ((me, "0.8", D("2025-02-03")), [], []),
        "metaculus-20007-30073": ((me, "0.12", D("2024-02-05")), [], []),
        "metaculus-20007-30074": ((me, "0.05", D("2024-02-05")), [], [("annulled", D("2025-08-02"), "Metaculus")]),
    }
    preds, forecasts, outcomes, _ = records(root)
    # A withdrawn forecast is the forecast it was, dated when made, noted with the day it stopped standing.
    assert forecasts["metaculus-20002"][0].note == "withdrawn on Metaculus on 2024-05-15: it did not stand after that day"
    assert preds["metaculus-20006-30061"].claim == "Will a frontier lab sign the pledge by 2026? (OpenAI)"
    assert preds["metaculus-20006-30061"].criteria == "Resolves yes for a lab that signs the pledge publicly."
    assert preds["metaculus-20007-30073"].claim == (
        "Will the EU AI Act's GPAI rules apply by August 2025? (Yes) → Will a frontier lab leave the EU market by 2026?")
    assert preds["metaculus-20001"].source == "https://www.metaculus.com/questions/20001/"
    assert [o.note for o in outcomes["metaculus-20004"]] == ["Metaculus resolution: ambiguous"]


def test_metaculus_old_api_is_refused(cli, root):
    from support import assert_clean_error, snapshot

    before = snapshot(root)
    result = cli("--root", root, "import", "metaculus", FIXTURES / "metaculus-api2.json")
    assert_clean_error(result, 1, "is not a response of Metaculus's current API", "old API (api2",
                       "/api/posts/?forecaster_id=")
    assert snapshot(root) == before


MANIFOLD_EYE = "manifold-ab3de5gh7j"


def test_manifold_markets_and_bets(cli, root):
    report = run_import(cli, root, "manifold", FIXTURES / "manifold.json", "--by", "me")
    assert counts(report) == (9, 6, 4, 5, 3, 0)
    assert sorted(skipped(report)) == [7, 8, 9]  # 7, the PSEUDO_NUMERIC market: tests/test_import_kinds.py
    assert (skipped(report)[8], skipped(report)[9]) == ("a POLL market: there is no forecast in it to import",
                                                        "no bet of yours on this market")
    assert report["warnings"] == [f"1 limit order in {FIXTURES / 'manifold.json'} had nothing filled: an order nobody "
                                  "took is no forecast, so none was imported"]
    me = "me"
    assert view(root) == {
        # The CASH twin's bet is a forecast on the same prediction; the redemption is no forecast.
        MANIFOLD_EYE: ((me, "0.95", D("2024-05-05")), [(me, "0.9", D("2024-05-06")), (me, "0.97", D("2024-05-13"))],
                       [("yes", D("2024-05-21"), "ada")]),
        # The limit order partly filled and then cancelled keeps its filled part, at its limit;
        # the open order with nothing filled is no forecast.
        "manifold-zz9yy8xx7w": ((me, "0.2", D("2024-05-05")), [(me, "0.12", D("2024-05-12"))],
                                [("no", D("2024-05-21"), "ada")]),
        "manifold-cancel0001": ((me, "0.6", D("2024-09-03")), [], [("annulled", D("2025-06-03"), "ada")]),
        "manifold-mkt0000001": ((me, "0.58", D("2024-09-04")), [], [("annulled", D("2025-06-03"), "ada")]),
        "manifold-open000001": ((me, "0.6", D("2025-01-03")), [], []),
    }
    preds, forecasts, outcomes, _ = records(root)
    eye = preds[MANIFOLD_EYE]
    # The comment made with the first bet is the prediction's note.
    assert eye.note == "They did it in the last paper; very likely (bet YES 50)"
    assert [f.note for f in forecasts[MANIFOLD_EYE]] == ["bet YES 10 (prize cash)", "bet YES 20"]
    assert (eye.tags, eye.source) == (("interpretability", "ai-safety"), "https://manifold.markets/ada/will-anthropics-next-sae-paper-use")
    assert preds["manifold-zz9yy8xx7w"].note == "limit order NO at 20%: 15.5967 of 100 filled, then cancelled"
    assert "0.62" in outcomes["manifold-mkt0000001"][0].note
    assert preds["manifold-open000001"].claim == "Le café du coin rouvrira-t-il avant 2027 ? ☕"


GENERIC_MAP = "id=Ref,claim=Question,p=Prob,made=Date,result=Outcome,resolved_on=Resolved,tags=Labels,source=Link"


def test_generic_csv_with_a_mapping(cli, root):
    report = run_import(cli, root, "csv", FIXTURES / "generic.csv", "--map", GENERIC_MAP, "--set", "mine")
    assert (report["added"], report["forecasts_added"], report["outcomes_added"]) == (3, 0, 2)
    bad = rejected(report)
    assert sorted(bad) == [3, 4, 7, 8, 9, 10, 11, 12]
    # Two rows without an id, with the same claim and date: refused, each naming both.
    assert bad[3] == bad[4] and bad[3].startswith("rows 3, 4 have the same claim and made date and no id")
    assert bad[7] == "no probability (and no result)"
    assert "did you mean 70%" in bad[8]
    assert "'q-gpt6' was used at row 5 for another claim" in bad[9]
    assert "not a date" in bad[10] and "'maybe' is not one of" in bad[11] and "not UTF-8" in bad[12]

    preds, forecasts, outcomes, problems = records(root)
    assert problems == []
    claims = {p.claim: p for p in preds.values()}
    eye = claims["Will the SAE paper use eye-test experiments?"]
    digest = hashlib.sha1("\x1f".join(["Will the SAE paper use eye-test experiments?", "2024-05-05"]).encode()).hexdigest()
    assert eye.id == f"csv-{digest[:12]}"
    assert (eye.p_typed, eye.by, eye.set_id, eye.tags, eye.source) == ("99%", "tester", "mine", ("interpretability", "sae"), "https://example.org/thread")
    assert "Will sparse fine-tuning beat LoRA?" not in claims
    assert (preds["q-gpt6"].p, preds["q-gpt6"].p_typed) == (0.75, "3:1")
    assert (preds["q-workshop"].p_typed, outcomes["q-workshop"][0].result) == ("1 in 4", "annulled")


def test_generic_csv_rows_sharing_an_id_are_one_prediction(cli, root, tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("id,claim,p,made,at\nrain,It rains on Friday,60%,2026-11-20,\nrain,,80%,2026-11-20,2026-11-21\n"
                    ",It rains on Friday,10%,2026-11-20,\n", encoding="utf-8")
    report = run_import(cli, root, "csv", path)
    assert (report["added"], report["forecasts_added"], report["rejected"]) == (2, 1, [])
    got = view(root)
    assert got["rain"] == (("tester", "60%", D("2026-11-20")), [("tester", "80%", D("2026-11-21"))], [])


def test_encoding_option_reads_a_cp1252_file(cli, root, tmp_path):
    data = "Question,Prob,Date\nLe café rouvrira,60%,2025-04-01\n".encode("cp1252")
    path = tmp_path / "cafe.csv"
    path.write_bytes(data)
    report = run_import(cli, root, "csv", path, "--map", "claim=Question,p=Prob,made=Date", "--encoding", "cp1252")
    assert report["added"] == 1 and report["rejected"] == []
    preds, *_ = records(root)
    assert [p.claim for p in preds.values()] == ["Le café rouvrira"]


def test_a_prediction_keeps_its_own_note_and_its_first_forecasts(cli, root, tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("id,claim,p,made,note,forecast_note\nrain,It rains,60%,2026-11-20,From the forecast,Clouds coming\n",
                    encoding="utf-8")
    run_import(cli, root, "csv", path)
    preds, *_ = records(root)
    assert preds["rain"].note == "From the forecast\n\nClouds coming"

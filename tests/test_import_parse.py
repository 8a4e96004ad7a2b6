"""What the importers parse, before anything is written: the neutral records (importers.base).

Multiple-choice and numeric questions are not written yet (services.imports
skips them); their records are asserted here so that writing them later needs
no new parsing.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ledger.errors import LedgerError
from ledger.importers import FORMATS
from ledger.importers.base import BINARY, MULTIPLE_CHOICE, NUMERIC, ImportedOutcome, NumericScale, Options
from test_import_formats import FIXTURES

D = dt.date.fromisoformat


def parse(fmt: str, data: bytes | str, by: str = "me"):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return FORMATS[fmt].parser()(raw, "file", Options(by=by), None)


def fixture(fmt: str, name: str, by: str = "me"):
    return parse(fmt, (FIXTURES / name).read_bytes(), by)


def by_claim(parsed, claim: str):
    (item,) = [i for i in parsed.items if i.claim == claim]
    return item


def test_fatebook_multiple_choice_questions():
    parsed = fixture("fatebook", "fatebook-2025.csv")
    labs = by_claim(parsed, 'Which lab publishes a model card first, "OpenAI", Anthropic or Google DeepMind?')
    assert (labs.kind, labs.options, labs.by, labs.made) == (
        MULTIPLE_CHOICE, ("OpenAI", "Anthropic", "Google DeepMind"), "Casper", D("2024-10-01"))
    # One submission (a row per option at one time) is one forecast.
    assert [(f.by, f.at, f.options, f.p) for f in labs.forecasts] == [
        ("Casper", D("2024-10-01"), (("OpenAI", 0.5), ("Anthropic", 0.3), ("Google DeepMind", 0.2)), None),
        ("Ada Lovelace", D("2024-10-03"), (("OpenAI", 0.4), ("Anthropic", 0.4), ("Google DeepMind", 0.2)), None),
    ]
    assert len({f.ref for f in labs.forecasts}) == 2
    assert labs.outcomes == [ImportedOutcome(
        "resolved", D("2025-01-02"), "Casper", option="OpenAI",
        option_results=(("OpenAI", "yes"), ("Anthropic", "no"), ("Google DeepMind", "no")))]
    meetup = by_claim(parsed, "Which city hosts the 2026 meetup?")
    (o,) = meetup.outcomes
    # Resolved AMBIGUOUS on Fatebook: every option exported NO, which OTHER would also give.
    assert (o.result, o.option, o.option_results, o.on) == ("resolved", None, (("Berlin", "no"), ("Paris", "no")), D("2025-09-02"))
    assert "AMBIGUOUS or an OTHER" in o.note


def test_fatebook_binary_question_records():
    parsed = fixture("fatebook", "fatebook-2025.csv")
    lora = by_claim(parsed, "Will sparse fine-tuning beat LoRA?")
    assert lora.kind == BINARY
    assert [(f.by, f.p, f.at, f.unnamed) for f in lora.forecasts] == [
        ("Ada Lovelace", 0.35, D("2024-05-06"), False), ("unnamed Fatebook user", 0.2, D("2024-05-07"), True),
        ("Grace", 0.15, D("2024-05-08"), False), ("Ada Lovelace", 0.1, D("2024-05-12"), False),
    ]
    assert [f.ref.startswith("fatebook:") for f in lora.forecasts] == [True] * 4


def test_fatebook_times_are_read_as_fatebook_writes_them():
    from ledger.importers.base import RowError
    from ledger.importers.fatebook import fatebook_time

    assert fatebook_time("2025-01-03 08:00:0", "t") == dt.datetime(2025, 1, 3, 8, 0, 0)
    assert fatebook_time("2024-05-06 09:01:17", "t") == dt.datetime(2024, 5, 6, 9, 1, 17)
    for bad in ("03/01/2025 08:00", "2025-01-03", "2025-13-03 08:00:0"):
        with pytest.raises(RowError):
            fatebook_time(bad, "t")


def test_metaculus_multiple_choice_question():
    parsed = fixture("metaculus", "metaculus-posts.json")
    (mc,) = [i for i in parsed.items if i.id == "metaculus-20008"]
    assert (mc.kind, mc.options, mc.made) == (MULTIPLE_CHOICE, ("OpenAI", "Anthropic", "Google DeepMind", "Other"), D("2025-03-03"))
    assert [(f.at, f.options, f.note) for f in mc.forecasts] == [
        (D("2025-03-03"), (("OpenAI", 0.4), ("Anthropic", 0.3), ("Google DeepMind", 0.2), ("Other", 0.1)), None),
        (D("2025-04-01"), (("OpenAI", 0.3), ("Anthropic", 0.45), ("Google DeepMind", 0.2), ("Other", 0.05)), None),
    ]
    assert [(o.result, o.option, o.on, o.by) for o in mc.outcomes] == [("resolved", "Anthropic", D("2025-05-22"), "Metaculus")]


def test_metaculus_numeric_question_keeps_the_cdf_at_its_points():
    parsed = fixture("metaculus", "metaculus-posts.json")
    (num,) = [i for i in parsed.items if i.id == "metaculus-20009"]
    assert num.kind == NUMERIC
    assert num.scale == NumericScale(lower=0.0, upper=100.0, open_lower=True, open_upper=True, unit="hundred papers")
    (f,) = num.forecasts
    assert len(f.cdf) == 201 and f.cdf[0] == (0.0, 0.001) and f.cdf[-1] == (100.0, 0.999)
    assert [x for x, _ in f.cdf] == [i / 2 for i in range(201)]
    cumulative = [c for _, c in f.cdf]
    assert cumulative == sorted(cumulative)
    median_at = next(x for x, c in f.cdf if c >= 0.5)
    assert 34 <= median_at <= 36  # the forecast is centred on 35
    assert [(o.result, o.value, o.on) for o in num.outcomes] == [("resolved", 42.0, D("2026-01-10"))]


def post_with(question: dict, **post) -> str:
    base = {"id": 1, "title": "Post title", "question": question}
    base.update(post)
    return json.dumps({"next": None, "previous": None, "results": [base]})


def mine(*entries):
    history = [{"question_id": 7, "author_id": 9, "start_time": s, "end_time": e, "forecast_values": v} for s, e, v in entries]
    return {"history": history, "latest": history[-1] if history else None, "score_data": {}}


def test_metaculus_numeric_cdf_points_from_the_range_when_continuous_range_is_absent():
    q = {"id": 7, "title": "How warm?", "type": "numeric", "resolution": "above_upper_bound",
         "actual_resolve_time": "2025-02-01T00:00:00Z",
         "scaling": {"range_min": 1.0, "range_max": 100.0, "zero_point": 0.0},
         "my_forecasts": mine((1735689600.0, None, [0.0, 0.5, 1.0]))}
    (item,) = parse("metaculus", post_with(q)).items
    # A log scale (zero_point): Metaculus's unscaled_location_to_scaled_location.
    assert [round(x, 6) for x, _ in item.forecasts[0].cdf] == [1.0, 10.0, 100.0]
    assert item.scale.log and item.outcomes[0].value == "above the upper bound"


def test_metaculus_date_question_values_are_unix_seconds():
    q = {"id": 7, "title": "When?", "type": "date", "resolution": "2030-06-01T00:00:00Z",
         "actual_resolve_time": "2030-06-02T00:00:00Z",
         "scaling": {"range_min": 1893456000.0, "range_max": 1956528000.0,
                     "continuous_range": ["2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z", "2032-01-01T00:00:00Z"]},
         "my_forecasts": mine((1735689600.0, None, [0.0, 0.6, 1.0]))}
    (item,) = parse("metaculus", post_with(q)).items
    assert item.scale.dates and [x for x, _ in item.forecasts[0].cdf] == [1893456000.0, 1924992000.0, 1956528000.0]
    assert item.outcomes[0].value == 1906502400.0


def test_metaculus_group_questions_name_the_group():
    group = {"id": 3, "questions": [
        {"id": 7, "title": "2025", "label": "2025", "type": "binary", "my_forecasts": mine((1735689600.0, None, [0.3, 0.7]))},
        {"id": 8, "title": "Will X happen by 2026?", "label": "", "type": "binary", "my_forecasts": mine((1735689600.0, None, [0.6, 0.4]))},
    ]}
    data = json.dumps([{"id": 1, "title": "Will X happen by the end of the year?", "group_of_questions": group}])
    items = parse("metaculus", data).items
    assert [(i.id, i.claim) for i in items] == [
        ("metaculus-1-7", "Will X happen by the end of the year? (2025)"),
        ("metaculus-1-8", "Will X happen by the end of the year? (Will X happen by 2026?)"),
    ]


def test_metaculus_forecast_ended_by_the_next_is_not_withdrawn():
    q = {"id": 7, "title": "Q", "type": "binary",
         "my_forecasts": mine((100000.0, 200000.0, [0.4, 0.6]), (200000.0, 300000.0, [0.3, 0.7]), (400000.0, None, [0.2, 0.8]))}
    (item,) = parse("metaculus", post_with(q)).items
    assert [f.note for f in item.forecasts] == [
        None, "withdrawn on Metaculus on 1970-01-04: it did not stand after that day", None]
    assert [f.ref for f in item.forecasts] == ["metaculus:7:9:100000.0", "metaculus:7:9:200000.0", "metaculus:7:9:400000.0"]


def test_metaculus_without_my_forecasts_says_how_to_fetch_them():
    parsed = parse("metaculus", post_with({"id": 7, "title": "Q", "type": "binary"}))
    assert parsed.items == [] and "with your API token" in parsed.skipped[0].reason and "with_cp=true" in parsed.skipped[0].reason


def test_manifold_multiple_choice_and_pseudo_numeric_markets():
    parsed = fixture("manifold", "manifold.json")
    (mc,) = [i for i in parsed.items if i.id == "manifold-multi00001"]
    assert (mc.kind, mc.options) == (MULTIPLE_CHOICE, ("OpenAI", "Anthropic", "Google DeepMind"))
    # A bet on one answer says that answer's probability after it.
    assert [(f.at, f.options, f.ref) for f in mc.forecasts] == [
        (D("2025-03-03"), (("Anthropic", 0.45),), "manifold:b0501mul"),
        (D("2025-04-01"), (("OpenAI", 0.3),), "manifold:b0502mul"),
    ]
    assert [(o.result, o.option, o.on, o.by) for o in mc.outcomes] == [("resolved", "Anthropic", D("2025-05-22"), "ada")]
    (num,) = [i for i in parsed.items if i.id == "manifold-pseudonum1"]
    assert (num.kind, num.scale.lower, num.scale.upper) == (NUMERIC, 0.0, 1000.0)
    assert [(f.at, f.value) for f in num.forecasts] == [(D("2025-01-05"), 350.0)]
    assert num.outcomes == []


def test_manifold_log_scale_value():
    from ledger.importers.manifold import mapped_value

    assert mapped_value({"min": 1, "max": 1000, "isLogScale": True}, 0.5) == pytest.approx(1000 ** 0.5)
    assert mapped_value({"min": 0, "max": 50, "isLogScale": False}, 0.2) == 10.0


def test_manifold_bets_of_several_people_are_refused():
    bets = [{"id": "a", "userId": "u1", "contractId": "m", "createdTime": 1, "probAfter": 0.5, "amount": 1, "outcome": "YES"},
            {"id": "b", "userId": "u2", "contractId": "m", "createdTime": 2, "probAfter": 0.6, "amount": 1, "outcome": "YES"}]
    with pytest.raises(LedgerError) as exc:
        parse("manifold", json.dumps({"markets": [{"id": "m", "question": "Q?", "outcomeType": "BINARY"}], "bets": bets}))
    assert "bets are by 2 users (u1, u2)" in exc.value.problems[0].message


def test_manifold_bets_on_markets_not_in_the_file_are_reported():
    bets = [{"id": "a", "userId": "u1", "contractId": "elsewhere", "createdTime": 1, "probAfter": 0.5}]
    parsed = parse("manifold", json.dumps({"markets": [], "bets": bets}))
    assert parsed.warnings == ['1 market with bets of yours is not in file (elsewhere): save them under "markets" to import those bets']


def test_manifold_cash_twin_alone_is_the_mana_markets_prediction():
    market = {"id": "cashid", "question": "Q?", "outcomeType": "BINARY", "token": "CASH", "siblingContractId": "ManaId"}
    bets = [{"id": "a", "userId": "u1", "contractId": "cashid", "createdTime": 1_700_000_000_000, "probAfter": 0.5, "amount": 2,
             "outcome": "YES"}]
    (item,) = parse("manifold", json.dumps({"markets": [market], "bets": bets})).items
    assert (item.id, item.forecasts[0].note) == ("manifold-manaid", "bet YES 2 (prize cash)")


def test_predictionbook_csv_holds_one_forecast_per_prediction_its_mean():
    parsed = fixture("predictionbook", "predictionbook-mine.csv")
    (item,) = [i for i in parsed.items if i.id == "pb-212001"]
    assert [(f.by, f.p, f.at, f.ref) for f in item.forecasts] == [
        ("Casper", 0.73, D("2024-05-05"), "predictionbook:212001:mean_confidence")]


def test_predictionbook_withdrawn_predictions_are_skipped():
    record = {"id": 5, "description": "It rains", "created_at": "2024-01-01T00:00:00.000Z", "withdrawn": True, "responses": []}
    parsed = parse("predictionbook-json", json.dumps([record]))
    assert parsed.items == [] and [s.reason for s in parsed.skipped] == ["withdrawn on PredictionBook"]


def test_predictionbook_csv_with_other_columns_says_what_it_expects():
    with pytest.raises(LedgerError) as exc:
        parse("predictionbook", "prediction,confidence\nIt rains,70\n")
    assert "no column 'id', 'description', 'mean_confidence', 'created_at'" in exc.value.problems[0].message


FATEBOOK_HEADER = ("Question title,Multiple choice option,Forecast created by,Forecast (scale = 0-1),Forecast created at,"
                   "Question created by,Question created at,Question resolve by,Resolution,Resolved at")


def test_fatebook_rows_that_fatebook_would_not_write_are_rejected_alone():
    rows = [
        '"Q1",,"Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,"YES",01/02/2025',  # a resolved-at in another format
        '"Q2",,"Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,"MAYBE",',  # no such resolution
        '"Q3","A","Ann",0.5,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,',  # options on some rows only
        '"Q3",,"Bob",0.4,2025-01-02 10:00:0,"Ann",2025-01-01 10:00:0,,,',
        '"Q4",,"Ann",0.3,2025-01-01 10:00:0,"Ann",2025-01-01 10:00:0,,,',
    ]
    parsed = parse("fatebook", FATEBOOK_HEADER + "\n" + "\n".join(rows))
    assert [i.claim for i in parsed.items] == ["Q4"]
    reasons = {r.row: r.reason for r in parsed.rejected}
    assert sorted(reasons) == [2, 3, 4]
    assert "resolved at '01/02/2025' is not a time as Fatebook writes it" in reasons[2]
    assert "'MAYBE' is not one of yes, no, annulled" in reasons[3]
    assert reasons[4] == ("the question on this row and the rows after it: "
                          "a forecast without an option on a multiple-choice question")


def test_quantiles_read_off_a_cdf():
    from ledger.importers.base import cdf_quantiles

    cdf = ((0.0, 0.0), (10.0, 0.5), (20.0, 0.9), (30.0, 0.95))
    got = cdf_quantiles(cdf, (0.25, 0.5, 0.7, 0.95, 0.99))
    assert [level for level, _ in got] == [0.25, 0.5, 0.7, 0.95]  # 99% is beyond the last point
    assert [v for _, v in got] == pytest.approx([5.0, 10.0, 15.0, 30.0])
    (f,) = [i for i in fixture("metaculus", "metaculus-posts.json").items if i.id == "metaculus-20009"][0].forecasts
    (median,) = cdf_quantiles(f.cdf, (0.5,))
    assert median[1] == pytest.approx(35.0, abs=0.1)  # the fixture's forecast is a logistic centred on 35

"""What the importers parse, before anything is written: the neutral records (importers.base).

Multiple-choice and numeric forecasts come out in the ledger's terms (`fields`:
options or quantiles); tests/test_import_kinds.py follows them into a ledger.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ledger.errors import LedgerError
from ledger.importers import FORMATS
from ledger.importers.base import BINARY, MULTIPLE_CHOICE, NUMERIC, ImportedOutcome, Options
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


def options(f) -> dict:
    return f.fields["options"]


def test_fatebook_multiple_choice_questions():
    parsed = fixture("fatebook", "fatebook-2025.csv")
    labs = by_claim(parsed, 'Which lab publishes a model card first, "OpenAI", Anthropic or Google DeepMind?')
    assert (labs.kind, labs.by, labs.made) == (MULTIPLE_CHOICE, "Casper", D("2024-10-01"))
    # One submission (a row per option at one time) is one forecast; a later row for one option updates it.
    assert [(f.by, f.at, options(f)) for f in labs.forecasts] == [
        ("Casper", D("2024-10-01"), {"OpenAI": 0.5, "Anthropic": 0.3, "Google DeepMind": 0.2, "Other": 0}),
        ("Ada Lovelace", D("2024-10-03"), {"OpenAI": 0.4, "Anthropic": 0.4, "Google DeepMind": 0.2, "Other": 0}),
        ("Ada Lovelace", D("2024-10-20"), {"OpenAI": 0.4, "Anthropic": 0.4, "Google DeepMind": 0.1, "Other": 0.1}),
        ("Casper", D("2024-11-15"), {"OpenAI": 0.5, "Anthropic": 0.25, "Google DeepMind": 0.2, "Other": 0.05}),
    ]
    assert len({f.ref for f in labs.forecasts}) == 4 and all(f.ref.startswith("fatebook:") for f in labs.forecasts)
    assert labs.outcomes == [ImportedOutcome("OpenAI", D("2025-01-02"), "Casper")]
    meetup = by_claim(parsed, "Which city hosts the 2026 meetup?")
    # Resolved AMBIGUOUS on Fatebook: every option exported NO, which OTHER would also give; no score: left out.
    assert meetup.outcomes == []
    assert any(s.id == meetup.id and "AMBIGUOUS or OTHER" in s.reason for s in parsed.skipped)


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
    assert (mc.kind, mc.made) == (MULTIPLE_CHOICE, D("2025-03-03"))
    assert [(f.at, options(f), f.note) for f in mc.forecasts] == [
        (D("2025-03-03"), {"OpenAI": 0.4, "Anthropic": 0.3, "Google DeepMind": 0.2, "Other": 0.1}, None),
        (D("2025-04-01"), {"OpenAI": 0.3, "Anthropic": 0.45, "Google DeepMind": 0.2, "Other": 0.05}, None),
    ]
    assert [(o.result, o.on, o.by) for o in mc.outcomes] == [("Anthropic", D("2025-05-22"), "Metaculus")]


def test_metaculus_numeric_question_as_quantiles():
    parsed = fixture("metaculus", "metaculus-posts.json")
    (num,) = [i for i in parsed.items if i.id == "metaculus-20009"]
    assert (num.kind, num.extra) == (NUMERIC, {"unit": "hundred papers"})
    (f,) = num.forecasts
    quantiles = f.fields["quantiles"]
    assert list(quantiles) == ["5%", "25%", "50%", "75%", "95%"]
    assert quantiles["50%"] == pytest.approx(35.0, abs=0.1)  # the fixture's forecast is a logistic centred on 35
    assert list(quantiles.values()) == sorted(quantiles.values())
    assert [(o.result, o.on) for o in num.outcomes] == [(42.0, D("2026-01-10"))]


def post_with(question: dict, **post) -> str:
    base = {"id": 1, "title": "Post title", "question": question}
    base.update(post)
    return json.dumps({"next": None, "previous": None, "results": [base]})


def mine(*entries):
    history = [{"question_id": 7, "author_id": 9, "start_time": s, "end_time": e, "forecast_values": v} for s, e, v in entries]
    return {"history": history, "latest": history[-1] if history else None, "score_data": {}}


def test_metaculus_log_scale_from_the_range_when_continuous_range_is_absent():
    q = {"id": 7, "title": "How warm?", "type": "numeric", "resolution": "above_upper_bound",
         "actual_resolve_time": "2025-02-01T00:00:00Z", "open_upper_bound": True,
         "scaling": {"range_min": 1.0, "range_max": 100.0, "zero_point": 0.0},
         "my_forecasts": mine((1735689600.0, None, [0.0, 0.5, 0.9]))}
    parsed = parse("metaculus", post_with(q))
    (item,) = parsed.items
    # A log scale (zero_point): Metaculus's unscaled_location_to_scaled_location; 95% lies above the open bound.
    assert item.forecasts[0].fields == {"quantiles": {"5%": pytest.approx(10 ** 0.1, rel=1e-5), "25%": pytest.approx(10 ** 0.5, rel=1e-5),
                                                      "50%": pytest.approx(10.0), "75%": pytest.approx(10 ** 1.625, rel=1e-5)}}
    assert item.forecasts[0].note == "95% lies beyond the range (this forecast puts 10% above the upper bound)"
    assert item.outcomes == [] and "resolved above the upper bound" in parsed.skipped[0].reason


def test_metaculus_date_question_values_are_dates():
    q = {"id": 7, "title": "When?", "type": "date", "resolution": "2030-06-01 00:00:00+00:00",
         "actual_resolve_time": "2030-06-02T00:00:00Z",
         "scaling": {"range_min": 1893456000.0, "range_max": 1956528000.0,
                     "continuous_range": ["2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z", "2032-01-01T00:00:00Z"]},
         "my_forecasts": mine((1735689600.0, None, [0.0, 0.6, 1.0]))}
    (item,) = parse("metaculus", post_with(q)).items
    # 50% at 5/12 of the two years (304.2 days after 2030-01-01).
    assert item.forecasts[0].fields["quantiles"]["50%"] == D("2030-11-01")
    assert item.outcomes[0].result == D("2030-06-01")


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
    assert mc.kind == MULTIPLE_CHOICE
    # A bet's forecast: every answer's probAfter in its bet group, in the market's answer order.
    assert [(f.at, options(f), f.ref) for f in mc.forecasts] == [
        (D("2025-03-03"), {"OpenAI": 0.35, "Anthropic": 0.45, "Google DeepMind": 0.2}, "manifold:b0501mul"),
        (D("2025-04-01"), {"OpenAI": 0.3, "Anthropic": 0.49, "Google DeepMind": 0.21}, "manifold:b0502mul"),
    ]
    assert [(o.result, o.on, o.by) for o in mc.outcomes] == [("Anthropic", D("2025-05-22"), "ada")]
    assert "manifold-pseudonum1" not in {i.id for i in parsed.items}
    assert [s.reason.split(":")[0] for s in parsed.skipped if s.id == "manifold-pseudonum1"] == ["a PSEUDO_NUMERIC market"]


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


def test_a_day_read_again_from_the_same_text_is_that_day_and_a_bad_text_still_names_its_field():
    # parse_day keeps the day each text gave (a file repeats a few hundred days): the same text gives the
    # same day under any field's name, another text its own, and a text that is no date is refused each time.
    from ledger.importers.base import _MAX_DAYS, RowError, parse_day

    assert parse_day("2024-03-05", "made") == parse_day("2024-03-05", "at") == D("2024-03-05")
    assert parse_day(" 2024-03-05 ", "at") == D("2024-03-05")
    assert parse_day("2024-03-05T23:30:00-05:00", "at") == D("2024-03-06")  # that time's day in UTC
    for what in ("made", "due"):
        with pytest.raises(RowError, match=f"^{what} '2024-13-01' is not a date"):
            parse_day("2024-13-01", what)
    days = [D("2000-01-01") + dt.timedelta(days=k) for k in range(_MAX_DAYS + 500)]  # more than are kept
    assert [parse_day(d.isoformat(), "at") for d in days] == days
    assert [parse_day(d.isoformat(), "at") for d in days[:100]] == days[:100]

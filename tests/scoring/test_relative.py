"""Several forecasters: relative Brier, peer score, leaderboard."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ledger.scoring import forecast_scores, leaderboard


def _random_panel(seed, questions=40, forecasters=6):
    """Each forecaster answers a random subset of questions (some alone)."""
    rng = np.random.default_rng(seed)
    q, f = np.meshgrid(np.arange(questions), np.arange(forecasters), indexing="ij")
    keep = rng.random(q.size) < 0.6
    q, f = q.ravel()[keep], f.ravel()[keep]
    truth = rng.random(questions)
    outcome_by_q = (rng.random(questions) < truth).astype(int)
    p = np.clip(truth[q] + rng.normal(0, 0.2, q.size), 0.01, 0.99)
    names = np.array([f"f{i}" for i in range(forecasters)])
    return q, names[f], p, outcome_by_q[q]


def _naive(q, f, p, o, eps=1e-3):
    """Loop reference: median of the others' Brier; mean of the others' log."""
    brier = (p - o) ** 2
    logp = np.log(np.clip(np.where(o == 1, p, 1 - p), eps, 1 - eps))
    rel = np.full(p.size, np.nan)
    peer = np.full(p.size, np.nan)
    for i in range(p.size):
        others = [j for j in range(p.size) if q[j] == q[i] and j != i]
        if others:
            rel[i] = brier[i] - np.median(brier[others])
            peer[i] = 100 * (logp[i] - np.mean(logp[others]))
    return rel, peer


def test_matches_a_loop_reference():
    q, f, p, o = _random_panel(5)
    scores = forecast_scores(q, f, p, o)
    rel, peer = _naive(q, f, p, o)
    assert np.array_equal(np.isnan(scores.relative_brier), np.isnan(rel))
    assert np.isnan(rel).any() and not np.isnan(rel).all()  # both kinds occur
    ok = ~np.isnan(rel)
    assert np.allclose(scores.relative_brier[ok], rel[ok], rtol=0, atol=1e-12)
    assert np.allclose(scores.peer_score[ok], peer[ok], rtol=0, atol=1e-9)


def test_hand_case_three_forecasters_one_question():
    # question happened; p = 0.9 (A), 0.6 (B), 0.3 (C)
    # Briers: 0.01, 0.16, 0.49. A: 0.01 - median(0.16, 0.49) = 0.01 - 0.325
    # B: 0.16 - median(0.01, 0.49) = 0.16 - 0.25; C: 0.49 - median(0.01, 0.16) = 0.49 - 0.085
    scores = forecast_scores([1, 1, 1], ["A", "B", "C"], [0.9, 0.6, 0.3], [1, 1, 1])
    assert np.allclose(scores.relative_brier, [-0.315, -0.09, 0.405], atol=1e-12)
    # A's peer: 100 (ln .9 - (ln .6 + ln .3) / 2)
    expected_a = 100 * (math.log(0.9) - (math.log(0.6) + math.log(0.3)) / 2)
    assert abs(scores.peer_score[0] - expected_a) < 1e-9
    assert abs(scores.peer_score.sum()) < 1e-9
    assert list(scores.peers) == [2, 2, 2]


def test_leaderboard_rows_and_order():
    # q1 (happened): A .9, B .6; q2 (did not): A .2, B .1; q3 (happened): only C .8
    board = leaderboard(
        ["q1", "q1", "q2", "q2", "q3"],
        ["A", "B", "A", "B", "C"],
        [0.9, 0.6, 0.2, 0.1, 0.8],
        [1, 1, 0, 0, 1],
    )
    assert (board.n, board.n_questions, board.n_forecasters) == (5, 3, 3)
    rows = {r.forecaster: r for r in board.rows}
    # A: Brier (0.01 + 0.04) / 2 = 0.025; B: (0.16 + 0.01) / 2 = 0.085; C: 0.04.
    # Ordered by peer score (A's is positive, B's negative); C, with no peers, last.
    assert [r.forecaster for r in board.rows] == ["A", "B", "C"]
    assert abs(rows["A"].brier - 0.025) < 1e-12 and abs(rows["B"].brier - 0.085) < 1e-12
    # relative: A (0.01 - 0.16 + 0.04 - 0.01) / 2 = -0.06; B is +0.06
    assert abs(rows["A"].relative_brier + 0.06) < 1e-12
    assert abs(rows["B"].relative_brier - 0.06) < 1e-12
    # C forecast alone: counted, but no relative or peer figure
    assert rows["C"].n == 1 and rows["C"].n_with_peers == 0
    assert rows["C"].relative_brier is None and rows["C"].peer_score is None
    assert abs(rows["C"].log_loss + math.log(0.8)) < 1e-12
    assert board.to_dict()["rows"][2]["peer_score"] is None


def test_leaderboard_ties_broken_by_name():
    board = leaderboard([1, 1], ["zed", "amy"], [0.7, 0.7], [1, 1])
    assert [r.forecaster for r in board.rows] == ["amy", "zed"]
    assert all(r.relative_brier == 0.0 and r.peer_score == 0.0 for r in board.rows)


def test_bad_panels_raise():
    with pytest.raises(ValueError, match="one forecast per question"):
        forecast_scores([1, 1], ["A", "A"], [0.5, 0.6], [1, 1])
    with pytest.raises(ValueError, match="same outcome"):
        forecast_scores([1, 1], ["A", "B"], [0.5, 0.6], [1, 0])
    with pytest.raises(ValueError, match="same length"):
        forecast_scores([1], ["A", "B"], [0.5, 0.6], [1, 0])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.floats(0.0, 1.0, allow_nan=False), min_size=1, max_size=12),
    st.booleans(),
)
def test_peer_scores_sum_to_zero_on_a_question(ps, happened):
    n = len(ps)
    scores = forecast_scores([7] * n, list(range(n)), ps, [happened] * n)
    if n == 1:
        assert np.isnan(scores.peer_score).all()
    else:
        assert abs(scores.peer_score.sum()) < 1e-8
        rel, _ = _naive(np.full(n, 7), np.arange(n), np.array(ps), np.full(n, int(happened)))
        assert np.allclose(scores.relative_brier, rel, rtol=0, atol=1e-12)


def test_peer_scores_sum_to_zero_per_question_in_a_panel():
    q, f, p, o = _random_panel(11)
    scores = forecast_scores(q, f, p, o)
    defined = ~np.isnan(scores.peer_score)
    sums = np.bincount(q[defined], weights=scores.peer_score[defined])
    assert np.abs(sums).max() < 1e-8


def test_empty_panel():
    board = leaderboard([], [], [], [])
    assert (board.n, board.n_questions, board.rows) == (0, 0, ())
    scores = forecast_scores([], [], [], [])
    assert scores.n == 0 and scores.to_dict()["peer_score"] == []


def test_forecast_scores_to_dict_uses_none_for_undefined():
    scores = forecast_scores(["a", "a", "b"], ["x", "y", "x"], [0.9, 0.6, 0.7], [1, 1, 0])
    data = scores.to_dict()
    assert data["relative_brier"][2] is None and data["peer_score"][2] is None
    assert data["peers"] == [1, 1, 0]
    assert abs(data["relative_brier"][0] - (0.01 - 0.16)) < 1e-12


def test_only_forecasters_with_enough_shared_questions_are_ranked_by_peer_score():
    # Six shared questions for A and B (A better on each); C joins them on one and is perfect there.
    q = [f"q{i}" for i in range(6) for _ in (0, 1)] + ["q0"]
    f = ["A", "B"] * 6 + ["C"]
    p = [0.7, 0.6] * 6 + [0.99]
    o = [1] * 13
    board = leaderboard(q, f, p, o, min_n=5)
    assert [(r.forecaster, r.ranked) for r in board.rows] == [("A", True), ("B", True), ("C", False)]
    a = board.rows[0]
    # A's peer scores: 100 (ln .7 - ln .6) five times, and on q0 100 (ln .7 - (ln .6 + ln .99) / 2).
    scores = [100 * (math.log(0.7) - math.log(0.6))] * 5 + [100 * (math.log(0.7) - (math.log(0.6) + math.log(0.99)) / 2)]
    mean = sum(scores) / 6
    sd = (sum((x - mean) ** 2 for x in scores) / 5) ** 0.5
    assert abs(a.peer_score - mean) < 1e-9
    assert abs(a.peer_lo - (mean - 1.6448536269514722 * sd / 6**0.5)) < 1e-9
    assert board.rows[2].peer_score > a.peer_score  # the best peer score, on one question: not ranked above
    assert board.min_n == 5 and "at least 5" in board.sort
    with pytest.raises(ValueError, match="min_n"):
        leaderboard(q, f, p, o, min_n=0)


def test_names_as_objects_rank_as_names_as_strings():
    # The services hand the engine an object array of names (the few str objects a million forecasts
    # share); a str array, a list and numpy str scalars give the very same board, names as plain str.
    q, f, p, o = _random_panel(3)
    f = np.char.add(f, np.where(np.arange(f.size) % 3 == 0, "é", ""))  # some names beyond ASCII
    boards = []
    for names in (f, f.tolist(), np.array(f.tolist(), dtype=object), np.array(list(f), dtype=object)):
        board = leaderboard(q, names, p, o, min_n=3)
        assert all(type(r.forecaster) is str for r in board.rows)
        boards.append(board.to_dict())
    assert boards[1:] == boards[:-1]
    assert [r["forecaster"] for r in boards[0]["rows"]] != []


def test_integer_forecaster_codes_come_back_as_ints():
    board = leaderboard([0, 0, 1, 1], [7, 3, 7, 3], [0.6, 0.4, 0.8, 0.3], [1, 1, 0, 0], min_n=1)
    assert sorted(r.forecaster for r in board.rows) == [3, 7]
    assert all(type(r.forecaster) is int for r in board.rows)

"""Claims: models, reading with positions, ledger checks, the service (append-only
history, hand-edited files kept byte for byte) and the track record, by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from ledger.errors import LedgerError, UsageError
from ledger.models import AssessmentIn, ClaimIn
from ledger.services.claim_writes import EvidenceArg, add_claim, assess_claim
from ledger.services.claims import ClaimFilter, claim_detail, list_claims, track_record
from ledger.services.ledger import Ledger
from ledger.store.read import read_file
from support import snapshot

CLAIMS = """
    # Hand-written: this comment and the layout below must survive appends.
    claimant: Anthropic
    tags: [sae]
    sources:
      - id: sm
        title: Scaling Monosemanticity
        url: https://example.org/sm
        date: 2024-05-21
        authors: [Templeton et al.]
    claims:
      - id: interpretable
        quote: Sparse autoencoders produce interpretable features for large models
        source: sm
        locator: key results   # where in the paper
"""
PREDICTIONS = """
    by: casper
    made: 2024-05-05
    predictions:
      - id: eye-test
        claim: Eye-test experiments
        p: 0.99
        tests: [interpretable]
      - id: edits
        claim: Arbitrary edits
        p: 0.05
        tests: [interpretable]
"""
OUTCOME = """
    on: 2024-05-21
    by: casper
    results:
      eye-test: yes
      edits: no
"""


@pytest.fixture
def ledger(make_ledger):
    root = make_ledger({"claims/sm.yaml": CLAIMS, "sae.yaml": PREDICTIONS, "outcomes/2024-05-21.yaml": OUTCOME})
    return Ledger.open(root)


# -- models --------------------------------------------------------------------


def test_claim_model_source_forms():
    assert ClaimIn.model_validate({"id": "a", "quote": "q", "source": "https://x.org/p"}).source.url == "https://x.org/p"
    ref = ClaimIn.model_validate({"id": "a", "quote": "q", "source": "shared-id"}).source
    assert ref.id == "shared-id" and ref.url is None
    inline = ClaimIn.model_validate(
        {"id": "a", "quote": "q", "source": {"title": "T", "authors": "One Author", "date": "2024-05-21"}, "confidence": "3:1"}
    )
    assert inline.source.authors == ["One Author"] and inline.source.date == dt.date(2024, 5, 21)
    assert inline.confidence.value == 0.75


@pytest.mark.parametrize("typed, verdict", [("supported", "supported"), ("Partly supported", "partly-supported"),
                                            ("partly_supported", "partly-supported"), ("OPEN", "open")])
def test_verdicts_written_by_hand_are_normalised(typed, verdict):
    a = AssessmentIn.model_validate({"claim": "x", "verdict": typed, "on": "2024-01-01", "by": "me"})
    assert a.verdict == verdict


@pytest.mark.parametrize("bad", [{"verdict": "maybe"}, {"verdict": 3}, {"claim": "Not A Slug"}, {"on": "yesterday"},
                                 {"evidence": [{"url": "javascript:alert(1)"}]}, {"evidence": [{"stance": "neutral"}]}])
def test_assessment_model_rejects(bad):
    with pytest.raises(ValidationError):
        AssessmentIn.model_validate({"claim": "x", "verdict": "open", "on": "2024-01-01", "by": "me", **bad})


# -- reading -------------------------------------------------------------------


def test_read_claims_file_with_shared_source(make_ledger):
    root = make_ledger({"c.yaml": CLAIMS})
    rec = read_file(root, "c.yaml")
    assert rec.kind == "claims" and rec.problems == []
    (src,) = rec.sources
    assert (src.id, src.title, src.date, src.authors) == ("sm", "Scaling Monosemanticity", dt.date(2024, 5, 21), ("Templeton et al.",))
    (claim,) = rec.claims
    assert claim.source_ref == "sm" and claim.source is None
    assert (claim.claimant, claim.tags, claim.locator) == ("Anthropic", ("sae",), "key results")
    assert (claim.location.line, claim.location.column) == (11, 5)


def test_a_file_of_sources_only_is_a_claims_file(make_ledger):
    root = make_ledger({"s.yaml": "sources:\n  - {id: s1, url: 'https://a.org'}\n"})
    rec = read_file(root, "s.yaml")
    assert rec.kind == "claims" and rec.problems == [] and rec.sources[0].id == "s1"


@pytest.mark.parametrize(
    "text, where, fragment",
    [
        ("claims:\n  - id: c\n    quote: q\n", "2:5", "has no `source:`"),
        ("claims:\n  - id: c\n    quote: q\n    source: {title: T, id: x}\n", "4:28", "takes no `id:`"),
        ("claims:\n  - id: c\n    quote: q\n    source: {date: 2024-01-01}\n", "2:5", "needs a `url:` or a `title:`"),
        ("claims:\n  - id: c\n    quote: q\n    source: 'ftp://x'\n", "4:13", "not a web address"),
        ("claims:\n  - id: c\n    quote: q\n    source: https://a.org\n    confidence: 140%\n", "5:17", "is above 100%"),
        ("claims:\n  - id: c\n    quote: q\n    source: https://a.org\n    said_by: x\n", "5:5", "unknown key 'said_by'"),
        ("sources:\n  - title: T\n", "2:5", "needs an `id:`"),
        ("sources:\n  - {id: s, url: 'https://a.org', locator: p. 3}\n", "2:44", "belongs on each claim"),
        ("assessments:\n  - claim: c\n    verdict: maybe\n    on: 2024-01-01\n    by: me\n", "3:14", "'maybe' is not a verdict"),
        ("assessments:\n  - claim: c\n    verdict: open\n    by: me\n", "2:5", "missing `on:`"),
        ("assessments: []\nnote: x\n", "2:1", "only `assessments:` belongs here"),
    ],
)
def test_bad_claims_and_assessments_are_problems_at_their_line(make_ledger, text, where, fragment):
    root = make_ledger({"f.yaml": text})
    rec = read_file(root, "f.yaml")
    rendered = [p.render() for p in rec.problems]
    assert any(r.startswith(f"f.yaml:{where}: ") and fragment in r for r in rendered), rendered


def test_ledger_checks_name_the_record_and_what_to_do(make_ledger):
    root = make_ledger({
        "claims/sm.yaml": CLAIMS,
        "more.yaml": "claims:\n  - id: interpretable\n    quote: again\n    source: nowhere\n",
        "sae.yaml": PREDICTIONS.replace("tests: [interpretable]\n      - id: edits", "tests: [ghost]\n      - id: edits"),
        "assessments.yaml": "assessments:\n  - {claim: phantom, verdict: open, on: 2024-06-01, by: me}\n",
    })
    rendered = [p.render() for p in Ledger.open(root).problems()]
    assert rendered == [
        "assessments.yaml:2:5: assessment of unknown claim 'phantom'; check the id (`pledger claim list` shows them)",
        "more.yaml:2:5: claim 'interpretable' refers to unknown source 'nowhere'; add it under `sources:` "
        "(with its title and url) or give the claim's source as a url",
        "more.yaml:2:5: claim id 'interpretable' is already used at claims/sm.yaml:11; ids must be unique in the ledger, rename one",
        "sae.yaml:4:5: prediction 'eye-test' tests unknown claim 'ghost'; check the id in `tests:` "
        "(`pledger claim list` shows them) or add the claim",
    ]


def test_an_assessment_before_its_claims_source_was_published_is_a_problem_at_its_line(make_ledger):
    root = make_ledger({
        "claims.yaml": "sources:\n  - {id: paper, title: P, date: 2024-05-21}\n"
                       "claims:\n  - {id: named, quote: q, source: paper}\n"
                       "  - {id: own, quote: q, source: {title: T, date: 2024-03-01}}\n"
                       "  - {id: undated, quote: q, source: https://example.org}\n",
        "assessments.yaml": "assessments:\n"
                            "  - {claim: named, verdict: open, on: 2024-05-20, by: me}\n"
                            "  - {claim: named, verdict: open, on: 2024-05-21, by: me}\n"  # the day itself: fine
                            "  - {claim: own, verdict: open, on: 2024-02-29, by: me}\n"
                            "  - {claim: own, verdict: open, on: 2024-03-02, by: me}\n"
                            "  - {claim: undated, verdict: open, on: 1999-01-01, by: me}\n",  # no date to be before
    })
    rendered = [p.render() for p in Ledger.open(root).problems()]
    assert rendered == [
        "assessments.yaml:2:5: claim 'named' is assessed on 2024-05-20, before its source was published (2024-05-21); "
        "check both dates",
        "assessments.yaml:4:5: claim 'own' is assessed on 2024-02-29, before its source was published (2024-03-01); "
        "check both dates",
    ]


def test_an_assessment_of_a_duplicated_claim_id_is_not_also_out_of_order(make_ledger):
    root = make_ledger({
        "a.yaml": "claims:\n  - {id: twin, quote: q, source: {title: T, date: 2024-06-01}}\n",
        "b.yaml": "claims:\n  - {id: twin, quote: r, source: {title: U, date: 2024-01-01}}\n",
        "assessments.yaml": "assessments:\n  - {claim: twin, verdict: open, on: 2024-03-01, by: me}\n",
    })
    rendered = [p.render() for p in Ledger.open(root).problems()]
    assert len(rendered) == 1 and "claim id 'twin' is already used" in rendered[0], rendered


def test_references_to_a_rejected_claim_or_source_are_not_also_unknown(make_ledger):
    root = make_ledger({
        "claims.yaml": "sources:\n  - id: untitled\n    date: 2024-01-01\n"
                       "claims:\n  - id: odd\n    quote: q\n    source: https://example.org\n    confidense: 80%\n"
                       "  - id: sourced\n    quote: q\n    source: untitled\n",
        "sae.yaml": PREDICTIONS.replace("[interpretable]", "[odd]"),
        "assessments.yaml": "assessments:\n  - {claim: odd, verdict: open, on: 2024-06-01, by: me}\n"
                            "  - {claim: sourced, verdict: open, on: 2024-06-01, by: me}\n",
    })
    rendered = [p.render() for p in Ledger.open(root).problems()]
    assert rendered == [
        "claims.yaml:2:5: a source needs a `url:` or a `title:` so readers can find it",
        "claims.yaml:8:5: unknown key 'confidense' in a claim (did you mean 'confidence'?); the keys allowed here are: "
        "id, quote, source, locator, claimant, tags, confidence, note",
    ]


# -- the service ---------------------------------------------------------------


def test_claim_detail_joins_source_assessments_and_testing_predictions(ledger):
    s = claim_detail(ledger, "interpretable")
    assert s.source.title == "Scaling Monosemanticity" and s.source.url == "https://example.org/sm"
    assert s.verdict == "unassessed" and s.assessments == ()
    assert [(t.state.prediction.id, t.state.outcome.result) for t in s.tests] == [("eye-test", "yes"), ("edits", "no")]
    # The post's rule by hand: 1 - 0.99 for a yes, -0.05 for a no.
    assert [round(t.points, 10) for t in s.tests] == [0.01, -0.05]
    assert s.test_outcome == "not-borne-out"
    assert claim_detail(ledger, "nope") is None


def test_add_claim_refers_to_a_shared_source_and_keeps_the_hand_edited_file(ledger):
    path = ledger.root / "claims/sm.yaml"
    before = path.read_text(encoding="utf-8")
    added = add_claim(ledger, "The resulting features are highly abstract", source_url="https://example.org/sm/",
                      locator="key results", tags=["abstract"], confidence="80%")
    assert added.path == "claims/sm.yaml" and added.id.startswith("the-resulting-features")
    after = path.read_text(encoding="utf-8")
    assert after.startswith(before)  # every byte written by hand is still there, in place
    assert after[len(before):] == (
        f"  - id: {added.id}\n    quote: The resulting features are highly abstract\n    source: sm\n"
        "    locator: key results\n    tags: [abstract]\n    confidence: 80%\n"
    )
    s = claim_detail(ledger, added.id)
    assert s.source.id == "sm" and s.claim.claimant == "Anthropic" and s.claim.tags == ("sae", "abstract")
    assert s.claim.confidence == 0.8 and s.claim.confidence_typed == "80%"


def test_add_claim_with_a_new_source_goes_to_claims_yaml(ledger):
    added = add_claim(ledger, "Q", source_url="https://other.org/p", title="Other", claimant="Ada", id="q1")
    assert (added.id, added.path) == ("q1", "claims.yaml")
    assert (ledger.root / "claims.yaml").read_text() == (
        "claims:\n  - id: q1\n    quote: Q\n    source:\n      url: https://other.org/p\n      title: Other\n    claimant: Ada\n"
    )
    assert Ledger.open(ledger.root).problems() == []


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"quote": "  "}, "QUOTE"),
        ({"source_url": "javascript:alert(1)"}, "--source"),
        ({"source_url": ""}, "--source"),
        ({"id": "interpretable"}, "--id"),
        ({"id": "Bad Id"}, "--id"),
        ({"tags": ["../x"]}, "--tag"),
        ({"confidence": "2"}, "--confidence"),
        ({"title": "A different title"}, "--title"),
    ],
)
def test_add_claim_usage_errors_write_nothing(ledger, kwargs, argument):
    before = snapshot(ledger.root)
    args = {"quote": "Q", "source_url": "https://example.org/sm", **kwargs}
    with pytest.raises(UsageError) as err:
        add_claim(ledger, args.pop("quote"), **args)
    assert err.value.argument == argument
    assert snapshot(ledger.root) == before


def test_assessments_are_appended_and_the_latest_stands(ledger):
    (ledger.root / "assessments.yaml").write_text("# kept by hand\nassessments:   # oldest first\n", encoding="utf-8")
    assess_claim(ledger, "interpretable", "open", on=dt.date(2024, 5, 21), by="casper",
                 evidence=[EvidenceArg("https://example.org/post", "Motte and Bailey", "against")])
    assess_claim(ledger, "interpretable", "Partly supported", on=dt.date(2024, 9, 1), by="ada", note="new evidence")
    # A back-dated entry is history, not the current verdict: order is by date.
    assess_claim(ledger, "interpretable", "refuted", on=dt.date(2024, 6, 1), by="ben")
    text = (ledger.root / "assessments.yaml").read_text(encoding="utf-8")
    assert text.startswith("# kept by hand\nassessments:   # oldest first\n")
    assert text.count("- claim: interpretable") == 3
    s = claim_detail(ledger, "interpretable")
    assert [(a.on.isoformat(), a.verdict, a.by) for a in s.assessments] == [
        ("2024-05-21", "open", "casper"), ("2024-06-01", "refuted", "ben"), ("2024-09-01", "partly-supported", "ada"),
    ]
    assert s.verdict == "partly-supported" and s.current.note == "new evidence"
    assert s.assessments[0].evidence[0].stance == "against"
    assert [(b.verdict, a.verdict) for b, a in s.verdict_changes] == [("open", "refuted"), ("refuted", "partly-supported")]


@pytest.mark.parametrize(
    "claim_id, verdict, kwargs, argument",
    [
        ("ghost", "open", {}, "ID"),
        ("interpretable", "maybe", {}, "VERDICT"),
        ("interpretable", "open", {"evidence": [EvidenceArg("file:///etc/passwd")]}, "--evidence"),
        ("interpretable", "open", {"evidence": [EvidenceArg("https://a.org", stance="neutral")]}, "--stance"),
        ("interpretable", "open", {"note": " "}, "--note"),
    ],
)
def test_assess_usage_errors_write_nothing(ledger, claim_id, verdict, kwargs, argument):
    before = snapshot(ledger.root)
    with pytest.raises(UsageError) as err:
        assess_claim(ledger, claim_id, verdict, **kwargs)
    assert err.value.argument == argument
    assert snapshot(ledger.root) == before


def test_assess_refuses_a_broken_assessments_file(ledger):
    (ledger.root / "assessments.yaml").write_text("assessments: [\n", encoding="utf-8")
    before = snapshot(ledger.root)
    with pytest.raises(LedgerError):
        assess_claim(ledger, "interpretable", "open")
    assert snapshot(ledger.root) == before


def test_filters(ledger):
    add_claim(ledger, "Other claim", source_url="https://other.org/p", claimant="Ada", id="other", tags=["x"])
    assess_claim(ledger, "other", "supported", by="me")
    ids = lambda f: [s.claim.id for s in list_claims(ledger, f)]  # noqa: E731
    assert ids(ClaimFilter()) == ["other", "interpretable"]  # file order: claims.yaml, claims/sm.yaml
    assert ids(ClaimFilter(claimant="ANTHROPIC")) == ["interpretable"]
    assert ids(ClaimFilter(source="sm")) == ["interpretable"]
    assert ids(ClaimFilter(source="https://example.org/sm/")) == ["interpretable"]
    assert ids(ClaimFilter(source="https://other.org/p")) == ["other"]
    assert ids(ClaimFilter(tags=("sae",))) == ["interpretable"]
    assert ids(ClaimFilter(verdict="supported")) == ["other"]
    assert ids(ClaimFilter(verdict="unassessed")) == ["interpretable"]


# -- the track record, by hand -------------------------------------------------

RECORD_CLAIMS = """
    claimant: Ada
    source: https://example.org/paper
    claims:
      - {id: k1, quote: one, confidence: 0.9}
      - {id: k2, quote: two, confidence: 70%}
      - {id: k3, quote: three, confidence: 0.6}
      - {id: k4, quote: four, confidence: 0.8}
      - {id: k5, quote: five}
      - {id: k6, quote: six}
      - {id: b1, quote: ben's, claimant: Ben, confidence: 0.5}
"""
RECORD_PREDICTIONS = """
    by: judge
    made: 2025-01-01
    predictions:
      - {id: q1, claim: a, p: 0.5, tests: [k1, k2, k5]}
      - {id: q2, claim: b, p: 0.5, tests: [k1]}
      - {id: q3, claim: c, p: 0.5, tests: [k2, b1]}
      - {id: q4, claim: d, p: 0.5, tests: [k3]}
      - {id: q5, claim: e, p: 0.5, tests: [k4]}
"""
RECORD_OUTCOMES = """
    on: 2025-06-01
    by: judge
    results: {q1: yes, q2: yes, q3: no, q4: annulled}
"""
RECORD_ASSESSMENTS = """
    assessments:
      - {claim: k1, verdict: open, on: 2025-01-01, by: x}
      - {claim: k1, verdict: supported, on: 2025-07-01, by: x}
      - {claim: k2, verdict: overstated, on: 2025-07-01, by: x}
      - {claim: k5, verdict: supported, on: 2025-07-01, by: x}
"""


def test_track_record_by_hand(make_ledger):
    root = make_ledger({"claims.yaml": RECORD_CLAIMS, "p.yaml": RECORD_PREDICTIONS, "outcomes/o.yaml": RECORD_OUTCOMES,
                        "assessments.yaml": RECORD_ASSESSMENTS})
    ledger = Ledger.open(root)
    assert ledger.problems() == []
    states = list_claims(ledger)
    outcomes = {s.claim.id: s.test_outcome for s in states}
    # k1: q1 yes, q2 yes -> borne out; k2: q1 yes, q3 no -> not; k3: only annulled -> void;
    # k4: q5 open -> pending; k5: q1 yes -> borne out (no confidence: counted, not scored); k6: untested.
    assert outcomes == {"k1": "borne-out", "k2": "not-borne-out", "k3": "void", "k4": "pending", "k5": "borne-out",
                        "k6": "untested", "b1": "not-borne-out"}
    r = track_record(states, "ada")
    assert r.claimant == "Ada" and r.claims == 6
    assert r.verdicts == {"supported": 2, "partly-supported": 0, "overstated": 1, "contested": 0, "refuted": 0,
                          "open": 0, "unassessed": 3}
    assert r.tested == {"borne-out": 2, "not-borne-out": 1, "pending": 1, "void": 1, "untested": 1}
    # Scored: k1 (0.9, borne out) and k2 (0.7, not). Brier ((0.9-1)^2 + (0.7-0)^2) / 2 = (0.01 + 0.49) / 2 = 0.25;
    # points (1 - 0.9) + (0 - 0.7) = -0.6. k4 awaits its prediction; k3 is void, neither scored nor awaiting.
    assert [(s.claim_id, s.outcome) for s in r.scored] == [("k1", 1), ("k2", 0)]
    assert r.n == 2 and r.brier == pytest.approx(0.25) and r.points == pytest.approx(-0.6) and r.awaiting == 1
    ben = track_record(states, "Ben")
    assert (ben.claims, ben.n, ben.brier, ben.points) == (1, 1, pytest.approx(0.25), pytest.approx(-0.5))
    nobody = track_record(states, "Nobody")
    assert (nobody.claims, nobody.n, nobody.brier, nobody.points) == (0, 0, None, None)

"""Seals: the canonical form, the Merkle tree, `pledger seal` and `pledger verify --seal`,
and a seal recomputed from docs/verify.md alone by code that does not import pledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from typing import NamedTuple

import pytest

from gitrepo import OUTCOME_FILE, SET_FILE, GitRepo, isolated_git
from support import assert_clean_error

from ledger import seal as S
from ledger.errors import SourceLocation
from ledger.records import Evidence, Forecast, Outcome, Prediction


@pytest.fixture
def repo(tmp_path, monkeypatch):
    isolated_git(monkeypatch, tmp_path)
    return GitRepo(tmp_path / "work")


def _prediction(**kw) -> Prediction:
    base = dict(id="x", claim="C", p=0.7, p_typed="70%", by="ada", made=dt.date(2024, 5, 1),
                location=SourceLocation("a.yaml", 3, 5), position=0)
    return Prediction(**{**base, **kw})


# -- the canonical form ---------------------------------------------------------------------------


def test_canonical_form_keeps_what_a_record_says_and_not_where():
    p = _prediction(tags=("a", "b"), criteria="Judged by ada")
    assert S.canonical("prediction", p) == (
        '{"by":"ada","claim":"C","criteria":"Judged by ada","id":"x","made":"2024-05-01","p":"70%",'
        '"tags":["a","b"],"type":"prediction"}'
    )
    moved = p._replace(location=SourceLocation("other.yaml", 90, 1), position=7)
    assert S.leaf("prediction", moved) == S.leaf("prediction", p)
    assert S.leaf("prediction", p._replace(claim="D")).hash != S.leaf("prediction", p).hash


def test_canonical_form_of_forecasts_and_outcome_entries():
    f = Forecast("x", 0.3, "30%", "ben", dt.date(2024, 5, 3), SourceLocation("f.yaml"), note="é")
    assert S.canonical("forecast", f) == '{"at":"2024-05-03","by":"ben","note":"é","p":"30%","prediction":"x","type":"forecast"}'
    o = Outcome("x", "yes", dt.date(2024, 5, 21), "ada", SourceLocation("o.yaml"),
                (Evidence(url="https://e.org", quote='say "so"'),), correction=True)
    assert S.canonical("outcome", o) == (
        '{"by":"ada","correction":true,"evidence":[{"quote":"say \\"so\\"","url":"https://e.org"}],'
        '"on":"2024-05-21","prediction":"x","result":"yes","type":"outcome"}'
    )
    assert '"correction"' not in S.canonical("outcome", o._replace(correction=False))


def test_a_field_added_to_a_record_type_later_leaves_existing_digests_as_they_were():
    # What another question kind will do: a prediction type with more optional fields.
    class Wider(NamedTuple):
        id: str
        claim: str
        p: float
        p_typed: str
        by: str
        made: dt.date
        location: SourceLocation
        position: int
        set_id: str | None = None
        kind: str | None = None
        options: tuple[str, ...] = ()
        quantiles: tuple = ()

    old = _prediction()
    new = Wider(*old[:8])
    assert S.canonical("prediction", new) == S.canonical("prediction", old)
    numeric = new._replace(kind="numeric", quantiles=((0.1, 3.0), (0.9, 12.5)))
    assert S.record_object("prediction", numeric)["quantiles"] == [[0.1, 3.0], [0.9, 12.5]]
    assert S.canonical("prediction", numeric) != S.canonical("prediction", old)


def test_substance_ignores_annotations_and_how_p_is_written():
    p = _prediction()
    same = S.leaf("prediction", p._replace(p_typed="0.7", tags=("new",), note="later note"))
    assert same.substance == S.leaf("prediction", p).substance and same.hash != S.leaf("prediction", p).hash
    assert S.leaf("prediction", p._replace(p=0.6, p_typed="60%")).substance != S.leaf("prediction", p).substance


# -- the tree -------------------------------------------------------------------------------------------


def _h(n: int) -> bytes:
    return hashlib.sha256(bytes([n])).digest()


def test_merkle_root_by_hand():
    a, b, c = sorted([_h(1), _h(2), _h(3)])
    node = lambda l, r: hashlib.sha256(b"\x01" + l + r).digest()  # noqa: E731
    assert S.root([_h(1)]) == _h(1)
    assert S.root([_h(2), _h(1)]) == node(*sorted([_h(1), _h(2)]))
    assert S.root([_h(3), _h(1), _h(2)]) == node(node(a, b), c)  # the odd one moves up unchanged
    with pytest.raises(ValueError):
        S.root([])


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7, 8, 13])
def test_every_leaf_has_a_proof_of_the_root(n):
    ordered = sorted(_h(i) for i in range(n))
    top = S.root(ordered)
    for i, leaf in enumerate(ordered):
        path = S.proof(ordered, i)
        assert S.root_from_proof(leaf, path) == top
        if path:
            wrong = [path[0]._replace(hash=_h(99))] + path[1:]
            assert S.root_from_proof(leaf, wrong) != top


def test_a_seal_file_that_does_not_hold_together_is_refused():
    seal = S.Seal.of([S.leaf("prediction", _prediction()), S.leaf("prediction", _prediction(id="y"))])
    data = seal.to_file()
    assert S.Seal.from_file(data).digest == seal.digest
    forged = json.loads(json.dumps(data))
    forged["leaves"][0]["record"] = forged["leaves"][0]["record"].replace('"C"', '"D"')
    with pytest.raises(S.SealError, match="hash is not the SHA-256"):
        S.Seal.from_file(forged)
    wrong_root = dict(data, digest="00" * 32)
    with pytest.raises(S.SealError, match="not the Merkle root"):
        S.Seal.from_file(wrong_root)
    with pytest.raises(S.SealError, match="not a seal file"):
        S.Seal.from_file({"leaves": []})


# -- recomputed from the docs, without pledger -------------------------------------------------------------

# Written from docs/verify.md ("The canonical form", "The tree") and nothing else: it reads the
# YAML with PyYAML and imports no part of pledger (the last line checks that).
RECOMPUTE = r'''
import glob, hashlib, json, os, sys, yaml
def canon(obj):
    return json.dumps({k: v for k, v in obj.items() if v not in (None, "", [], False)},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
records = []
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.yaml"), recursive=True)):
    doc = yaml.safe_load(open(path, encoding="utf-8"))
    for i in doc.get("predictions", []):
        records.append(canon({"type": "prediction", "id": i["id"], "claim": i["claim"], "p": str(i["p"]),
            "by": i.get("by", doc.get("by")), "made": str(i.get("made", doc.get("made"))), "set": doc.get("set"),
            "criteria": i.get("criteria"), "source": i.get("source", doc.get("source")),
            "tags": list(dict.fromkeys(doc.get("tags", []) + i.get("tags", [])))}))
    for f in doc.get("forecasts", []):
        records.append(canon({"type": "forecast", "prediction": f["prediction"], "p": str(f["p"]), "by": f["by"],
                              "at": str(f["at"]), "note": f.get("note")}))
level = sorted(hashlib.sha256(b"\0" + r.encode("utf-8")).digest() for r in records)
while len(level) > 1:
    level = [hashlib.sha256(b"\1" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)] + level[len(level) - len(level) % 2:]
print(level[0].hex())
assert not any(m == "ledger" or m.startswith("ledger.") for m in sys.modules)
'''

LEDGER_FOR_RECOMPUTE = {
    "sae.yaml": """
        set: sae-2024
        by: Ada Lovelace
        made: 2024-05-05
        source: https://example.org/thread
        tags: [interpretability]
        predictions:
          - id: eye-test
            claim: "Uses eye-test experiments: humans judge features"
            p: 99%
          - id: beats-lora
            claim: Sparse fine-tuning beats LoRA — «quoted» and 日本語
            p: 0.2
            tags: [peft]
            criteria: >-
              On every benchmark
              in the paper
          - id: novel-bug
            claim: Finds a novel bug
            p: 1 in 20
            by: Ben
            made: 2024-05-06
    """,
    "forecasts.yaml": """
        forecasts:
          - prediction: beats-lora
            p: 10%
            by: Ben
            at: 2024-05-10
            note: no PEFT section in the preview
    """,
}


def test_seal_recomputed_from_the_docs_alone(cli, make_ledger, tmp_path):
    root = make_ledger(LEDGER_FOR_RECOMPUTE)
    r = cli("--root", root, "seal", "--json")
    assert r.code == 0, r.err
    digest = json.loads(r.out)["digest"]
    script = tmp_path / "recompute.py"
    script.write_text(RECOMPUTE, encoding="utf-8")
    code_lines = [line for line in RECOMPUTE.strip().splitlines() if line.strip()]
    assert len(code_lines) <= 20
    out = subprocess.run([sys.executable, "-I", str(script), str(root)], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == digest
    # The printed digest is the same, and a changed word changes it.
    assert cli("--root", root, "seal").out.strip() == digest
    (root / "sae.yaml").write_text((root / "sae.yaml").read_text().replace("novel bug", "new bug"), encoding="utf-8")
    assert cli("--root", root, "seal").out.strip() != digest


def test_a_proof_checks_with_hashlib_alone(cli, make_ledger):
    root = make_ledger(LEDGER_FOR_RECOMPUTE)
    digest = cli("--root", root, "seal").out.strip()
    r = cli("--root", root, "seal", "--proof", "beats-lora", "--json")
    assert r.code == 0, r.err
    proof = json.loads(r.out)
    assert proof["digest"] == digest and proof["holds"] is True and proof["id"] == "beats-lora"
    node = hashlib.sha256(b"\x00" + proof["record"].encode("utf-8")).digest()
    assert node.hex() == proof["leaf"]
    for step in proof["path"]:
        sibling = bytes.fromhex(step["hash"])
        node = hashlib.sha256(b"\x01" + (sibling + node if step["side"] == "left" else node + sibling)).digest()
    assert node.hex() == digest
    assert json.loads(proof["record"])["criteria"] == "On every benchmark in the paper"
    text = cli("--root", root, "seal", "--proof", "beats-lora")
    assert text.code == 0 and text.out.splitlines()[0] == f"seal    {digest}" and "holds" in text.out
    missing = cli("--root", root, "seal", "--proof", "nope")
    assert_clean_error(missing, 2, "'nope' is not in this seal")


def test_seal_options_are_checked(cli, make_ledger, tmp_path):
    root = make_ledger(LEDGER_FOR_RECOMPUTE)
    assert_clean_error(cli("--root", root, "seal", "--set", "nope"), 2, "nothing to seal")
    assert_clean_error(cli("--root", root, "seal", "--published", "https://x.example/1"), 2, "--published",
                       "--save")
    assert_clean_error(cli("--root", root, "seal", "--save", "--published", "javascript:alert(1)"), 2,
                       "http(s) URL")
    assert_clean_error(cli("--root", root, "seal", "--from", "abc"), 2, "--from goes with --proof")
    assert_clean_error(cli("--root", root, "seal", "-o", tmp_path), 2, "-o:", "is a folder")
    assert not (root / "seals").exists()


def test_seal_file_is_kept_in_the_ledger_and_gains_published_links(cli, make_ledger):
    root = make_ledger(LEDGER_FOR_RECOMPUTE)
    r = cli("--root", root, "seal", "--set", "sae-2024", "--save")
    assert r.code == 0, r.err
    digest = r.out.strip()
    (path,) = (root / "seals").glob("*.json")
    assert path.name == f"2026-11-23-{digest[:16]}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["scheme"] == "pledger-seal/1" and data["digest"] == digest and data["count"] == 4
    assert data["selection"] == {"set": "sae-2024"} and data["published"] == []
    for leaf in data["leaves"]:
        assert hashlib.sha256(b"\x00" + leaf["record"].encode("utf-8")).hexdigest() == leaf["hash"]
    again = cli("--root", root, "seal", "--set", "sae-2024", "--save", "--published", "https://x.example/post/1")
    assert again.out.strip() == digest
    assert json.loads(path.read_text(encoding="utf-8"))["published"] == ["https://x.example/post/1"]
    # The ledger reads no JSON: the seal file is no ledger file, and check stays clean.
    assert cli("--root", root, "check").code == 0


# -- verify --seal ------------------------------------------------------------------------------------------


def _sealed_repo(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    r = cli("--root", repo.ledger, "seal", "--set", "s1", "--save", "--published", "https://x.example/status/42")
    assert r.code == 0, r.err
    repo.commit("predictions and their seal", "2024-05-02")
    return r.out.strip()


def test_a_seal_holds_while_only_forecasts_and_outcomes_are_appended(cli, repo):
    digest = _sealed_repo(cli, repo)
    repo.write("forecasts.yaml", "forecasts:\n  - {prediction: b, p: 30%, by: ben, at: 2024-05-03}\n")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("later records", "2024-05-21")
    r = cli("--root", repo.ledger, "verify", "--seal", digest, "--json")
    assert r.code == 0, r.out
    seal = json.loads(r.out)["seal"]
    assert seal["holds"] is True and seal["sealed"] == seal["held"] == 3 and seal["changed"] == []
    assert seal["found"].startswith("ledger seals/") and seal["published"] == ["https://x.example/status/42"]
    assert json.loads(r.out)["commits"][seal["committed"]]["committer_date"].startswith("2024-05-02")
    assert sorted(a["type"] for a in seal["added"]) == ["forecast", "outcome", "outcome", "outcome"]
    data = json.loads(r.out)
    s = data["sets"][0]
    assert "seal" in s["rests_on"] and s["evidence"][-1]["kind"] == "seal"
    assert s["evidence"][-1]["url"] == "https://x.example/status/42"


def test_a_seal_made_after_the_resolutions_is_no_evidence_they_came_first(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    r = cli("--root", repo.ledger, "seal", "--set", "s1", "--save")  # made today, long after 2024-05-21
    assert r.code == 0, r.err
    repo.commit("a seal, late", "2024-06-01")
    data = json.loads(cli("--root", repo.ledger, "verify", "--json").out)
    (s,) = data["sets"]
    (seal,) = [e for e in s["evidence"] if e["kind"] == "seal"]
    assert "holds; first committed on or after the resolution of 3 of the 3 predictions it covers here" in seal["text"]
    assert "seal" not in s["rests_on"] and "committer-dates" in s["rests_on"]
    text = cli("--root", repo.ledger, "verify").out
    assert "first committed on or after the resolution of 3 of the 3 predictions" in text
    # `made` is not in the digest: moving it before the resolutions in a later commit changes nothing.
    (path,) = (repo.ledger / "seals").glob("*.json")
    sealed = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**sealed, "made": "2024-05-01"}), encoding="utf-8")
    repo.commit("backdate the seal", "2024-06-02")
    data = json.loads(cli("--root", repo.ledger, "verify", "--json").out)
    (seal,) = [e for e in data["sets"][0]["evidence"] if e["kind"] == "seal"]
    assert "made 2024-05-01" in seal["text"] and "holds; first committed on or after the resolution of 3" in seal["text"]
    assert "seal" not in data["sets"][0]["rests_on"]


def test_a_seal_not_committed_is_dated_by_its_made(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    assert cli("--root", repo.ledger, "seal", "--set", "s1", "--save").code == 0  # made today, not committed
    data = json.loads(cli("--root", repo.ledger, "verify", "--json").out)
    (seal,) = [e for e in data["sets"][0]["evidence"] if e["kind"] == "seal"]
    assert "holds; made on or after the resolution of 3 of the 3 predictions it covers here" in seal["text"]
    assert "committed" not in seal["text"]


def _seal_made(repo, made) -> None:
    """Set the `made` of the ledger's one seal file (it is no part of the digest: the seal still holds)."""
    (path,) = (repo.ledger / "seals").glob("*.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    data["made"] = made
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.parametrize("made", [None, "yesterday", 20240501])
def test_a_seal_that_gives_no_day_is_no_evidence_they_came_first(cli, repo, made):
    # Not committed, and no `made` that is a date: nothing says when it was made, so it is no better
    # than one made after the resolutions (it was made today, long after 2024-05-21).
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    assert cli("--root", repo.ledger, "seal", "--set", "s1", "--save").code == 0
    _seal_made(repo, made)
    (s,) = json.loads(cli("--root", repo.ledger, "verify", "--json").out)["sets"]
    (seal,) = [e for e in s["evidence"] if e["kind"] == "seal"]
    assert "holds; it gives no day (no `made` date, not committed), so for the 3 resolved of the 3 predictions" in seal["text"]
    assert ("made 'yesterday' (not a date)" in seal["text"]) == (made == "yesterday")
    assert "seal" not in s["rests_on"]


def test_a_seal_whose_made_is_no_date_is_dated_by_its_commit(cli, repo):
    repo.write("s1.yaml", SET_FILE)
    repo.commit("predictions", "2024-05-02")
    assert cli("--root", repo.ledger, "seal", "--set", "s1", "--save").code == 0
    _seal_made(repo, "soon")
    repo.commit("a seal, in time", "2024-05-03")
    repo.write("outcomes/2024-05-21.yaml", OUTCOME_FILE)
    repo.commit("resolved", "2024-05-21")
    (s,) = json.loads(cli("--root", repo.ledger, "verify", "--json").out)["sets"]
    (seal,) = [e for e in s["evidence"] if e["kind"] == "seal"]
    assert "made 'soon' (not a date), committed 2024-05-03" in seal["text"] and seal["text"].endswith(": holds")
    assert "seal" in s["rests_on"]


def test_a_seal_published_then_one_record_altered(cli, repo):
    digest = _sealed_repo(cli, repo)
    repo.write("s1.yaml", SET_FILE.replace("It beats LoRA", "It does not beat LoRA"))
    repo.commit("quietly reverse b", "2024-05-09")
    r = cli("--root", repo.ledger, "verify", "--seal", digest, "--json")
    assert r.code == 1
    data = json.loads(r.out)
    seal = data["seal"]
    assert seal["holds"] is False and seal["sealed"] == 3 and seal["held"] == 2
    (changed,) = seal["changed"]
    assert changed["type"] == "prediction" and changed["prediction"] == "b" and changed["what"] == "changed"
    assert changed["fields"] == ["claim"] and changed["sealed"]["claim"] == "It beats LoRA"
    assert changed["now"]["claim"] == "It does not beat LoRA"
    # The set's own verdict names the broken seal too.
    assert any(f["code"] == "seal-broken" for f in data["sets"][0]["findings"])
    text = cli("--root", repo.ledger, "verify", "--seal", digest)
    assert text.code == 1 and "BROKEN: 2 of 3 sealed records unchanged" in text.out
    assert "changed: prediction b (claim)" in text.out


def test_a_seal_is_found_in_the_history_after_its_file_is_deleted(cli, repo):
    digest = _sealed_repo(cli, repo)
    for path in (repo.ledger / "seals").glob("*.json"):
        path.unlink()
    repo.write("s1.yaml", SET_FILE.replace("p: 90%", "p: 95%"))
    repo.commit("raise a, and hide the seal", "2024-05-09")
    r = cli("--root", repo.ledger, "verify", "--seal", digest, "--json")
    seal = json.loads(r.out)["seal"]
    assert r.code == 1 and seal["found"].startswith("history ") and seal["changed"][0]["fields"] == ["p"]


def test_seal_given_as_a_file_or_unknown(cli, repo, tmp_path):
    repo.write("s1.yaml", SET_FILE)
    out = tmp_path / "published-seal.json"
    digest = cli("--root", repo.ledger, "seal", "-o", out).out.strip()
    repo.commit("predictions", "2024-05-02")
    r = cli("--root", repo.ledger, "verify", "--seal", out, "--json")
    assert r.code == 0 and json.loads(r.out)["seal"]["holds"] is True
    # A digest with no seal file anywhere: the selection's records still give it, so it holds...
    r = cli("--root", repo.ledger, "verify", "--seal", digest, "--json")
    assert r.code == 0 and json.loads(r.out)["seal"]["found"] == "the selection's records"
    # ...and an unknown one cannot be found, which fails.
    r = cli("--root", repo.ledger, "verify", "--seal", "ab" * 32)
    assert r.code == 1 and "NOT FOUND" in r.out
    assert_clean_error(cli("--root", repo.ledger, "verify", "--seal", "nothing-like-it"), 2, "--seal")
    bad = tmp_path / "bad.json"
    bad.write_text('{"scheme": "pledger-seal/1", "leaves": [{"hash": "00", "record": "{}"}]}', encoding="utf-8")
    assert_clean_error(cli("--root", repo.ledger, "verify", "--seal", bad), 1, "not a valid seal file")


def test_proof_against_a_seal_made_earlier(cli, repo):
    digest = _sealed_repo(cli, repo)
    repo.write("s1.yaml", SET_FILE.replace("It uses eye-test", "It uses eye tests"))
    now = cli("--root", repo.ledger, "seal", "--set", "s1").out.strip()
    assert now != digest
    r = cli("--root", repo.ledger, "seal", "--proof", "a", "--from", digest, "--json")
    proof = json.loads(r.out)
    assert r.code == 0 and proof["digest"] == digest and "It uses eye-test" in proof["record"] and proof["holds"]


KINDS = {
    "k.yaml": """
        set: k
        by: ada
        made: 2024-05-01
        predictions:
          - id: who
            claim: Who ships first
            options: {OpenAI: 50%, Anthropic: 30%, Google: 20%}
          - id: how-many
            claim: How many papers
            quantiles: {5%: 3, 50%: 10, 95%: 30}
            unit: papers
          - id: plain
            claim: Plain
            p: 60%
    """,
    "outcomes/o.yaml": "on: 2024-06-01\nby: ada\nresults:\n  who: Anthropic\n  how-many: 12\n  plain: yes\n",
}


def test_multiple_choice_and_numeric_questions_have_their_options_and_quantiles_in_the_form(cli, make_ledger):
    root = make_ledger(KINDS)
    data = json.loads(cli("--root", root, "seal", "--json").out)
    records = {(r["type"], r.get("id") or r["prediction"]): r for r in (json.loads(l["record"]) for l in data["leaves"])}
    who = records[("prediction", "who")]
    assert who["kind"] == "multiple-choice" and "p" not in who
    assert who["dist"] == [{"label": "OpenAI", "p": 0.5, "typed": "50%"}, {"label": "Anthropic", "p": 0.3, "typed": "30%"},
                           {"label": "Google", "p": 0.2, "typed": "20%"}]
    many = records[("prediction", "how-many")]
    assert many["kind"] == "numeric" and many["unit"] == "papers" and many["dist"][1]["value"] == 10.0
    assert records[("outcome", "how-many")]["value"] == 12.0
    plain = records[("prediction", "plain")]
    assert "kind" not in plain and plain["p"] == "60%"  # a yes/no question's form is as it always was


def test_rewriting_an_option_s_probability_in_another_form_is_not_a_changed_claim():
    from ledger.kinds import OptionP

    p = _prediction(p=None, p_typed="a 50% · b 50%", kind="multiple-choice",
                    dist=(OptionP("a", 0.5, "50%"), OptionP("b", 0.5, "50%")))
    same = p._replace(dist=(OptionP("a", 0.5, "0.5"), OptionP("b", 0.5, "1:1")))
    moved = p._replace(dist=(OptionP("a", 0.6, "60%"), OptionP("b", 0.4, "40%")))
    assert S.leaf("prediction", same).substance == S.leaf("prediction", p).substance
    assert S.leaf("prediction", same).hash != S.leaf("prediction", p).hash
    assert S.leaf("prediction", moved).substance != S.leaf("prediction", p).substance

"""Research claims written: add a claim, assess one.

Writes append text (store.write.append_to_list) under the ledger lock, like
services.add: a claim goes to the claims file that holds its shared source, else
to claims.yaml; an assessment is appended to assessments.yaml, so the history is
append-only and every diff is an addition. Reading claims is services.claims
(which loads none of this module's validation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import yamlio
from ..errors import SourceLocation, UsageError, literal
from ..index.sql import as_date, as_db, in_list
from ..models import _url
from ..store.write import append_to_list, insert_items
from ..vocabulary import ASSESSMENTS_KEY, CLAIMS_KEY
from ..vocabulary import verdict as _verdict
from .add import Added, _parsed, _slug
from .claims import _url_variants
from .defaults import default_by, today
from .forecast_input import as_written as _as_written
from .forecast_input import probability as _probability
from .ledger import Ledger
from .writing import commit_text, read_text, slugify, unique_id

CLAIMS_FILE = "claims.yaml"
ASSESSMENTS_FILE = "assessments.yaml"
STANCES = ("for", "against")


@dataclass(frozen=True, slots=True)
class EvidenceArg:
    url: str
    quote: str | None = None
    stance: str | None = None


def add_claim(
    ledger: Ledger,
    quote: str,
    *,
    source_url: str,
    title: str | None = None,
    claimant: str | None = None,
    locator: str | None = None,
    tags: Iterable[str] = (),
    id: str | None = None,
    confidence: str | float | None = None,
) -> Added:
    """Record a claim, quoted verbatim. Raises UsageError for a bad argument, LedgerError for bad data."""
    if not quote or not quote.strip():
        raise UsageError("the quote is empty; give the claim's exact words, in quotes", "QUOTE")
    quote = quote.strip()  # spacing around the words is the shell's or the paste's, not the claimant's
    if not source_url:
        raise UsageError("--source URL is required: the page where the claim was made", "--source")
    _check_url(source_url, "--source")
    if id is not None:
        _slug(id, "--id")
    tags = list(dict.fromkeys(tags))
    for tag in tags:
        _slug(tag, "--tag", "tag")
    prob = _probability(confidence, "--confidence") if confidence is not None else None
    for value, arg in ((title, "--title"), (claimant, "--claimant"), (locator, "--locator")):
        if value is not None and not value.strip():
            raise UsageError(f"{arg} is empty; give some text or leave it out", arg)
    with ledger.lock():
        with ledger.connect() as conn:
            db = as_db(conn)
            taken = {r[0] for r in db.rows("SELECT c.id FROM claims c")}
            params: dict[str, Any] = {}
            found = db.rows(
                f"SELECT s.id, s.title, s.file, s.line FROM sources s WHERE s.url IN {in_list('u', _url_variants(source_url), params)} "
                "ORDER BY s.file, s.line LIMIT 1", params,
            )
            shared = _SharedSource(*found[0]) if found else None
            params = {}
            variants = in_list("v", _url_variants(source_url), params)
            # The same words from the same place in the same source: a command run twice. Words are compared
            # as a reader sees them (spacing aside: a hand-written `quote: |` ends in a line break).
            again = [(cid, file, line) for cid, file, line, said, where in db.rows(
                f"SELECT c.id, c.file, c.line, c.quote, c.locator FROM claims c WHERE c.source_url IN {variants} "
                f"OR c.source_ref IN (SELECT s.id FROM sources s WHERE s.url IN {variants}) ORDER BY c.file, c.line",
                params) if _words(said) == _words(quote) and _words(where) == _words(locator)]
        if again:
            cid, file, line = again[0]
            raise UsageError(f"QUOTE: these words from this source are on record already as claim {literal(repr(cid))} "
                             f"({{0}}); assess it with `pledger claim assess {literal(cid)} ...`, or give --locator to "
                             "record the same words from another place in the source", "QUOTE",
                             refs=(SourceLocation(file, line),))
        if id is not None and id in taken:
            raise UsageError(f"--id {id!r} is already used by a claim; pick another id", "--id")
        new_id = id or unique_id(slugify(quote), taken)
        item: dict = {"id": new_id, "quote": quote}
        if shared is not None:
            if title is not None and title != shared.title:
                raise UsageError(
                    f"--title: this source is on record as {literal(repr(shared.title))} ({{0}}); "
                    "leave --title out, or edit the source there", "--title", refs=(SourceLocation(shared.file, shared.line),),
                )
            item["source"] = shared.id  # written once, referred to by id
            rel = shared.file
        else:
            item["source"] = {"url": source_url, **({"title": title} if title else {})}
            rel = CLAIMS_FILE
        for key, value in (("locator", locator), ("claimant", claimant)):
            if value is not None:
                item[key] = value
        if tags:
            item["tags"] = tags
        if prob is not None:
            item["confidence"] = _as_written(prob)
        path = ledger.root / rel
        old = read_text(path)
        new_text = append_to_list(old or "", CLAIMS_KEY, yamlio.dump(item), rel)
        commit_text(ledger, rel, old, new_text)
    return Added(new_id, rel)


def assess_claim(
    ledger: Ledger,
    claim_id: str,
    verdict: str,
    *,
    on: dt.date | None = None,
    by: str | None = None,
    evidence: Iterable[EvidenceArg] = (),
    note: str | None = None,
) -> Added:
    """Append an assessment of a claim. Earlier assessments are kept; the latest stands."""
    try:
        verdict = _verdict(verdict)
    except ValueError as exc:
        raise UsageError(f"VERDICT: {exc}", "VERDICT") from None
    evidence = list(evidence)
    for e in evidence:
        _check_url(e.url, "--evidence")
        if e.stance is not None and e.stance not in STANCES:
            raise UsageError(f"--stance must be for or against, not {e.stance!r}", "--stance")
    if note is not None and not note.strip():
        raise UsageError("--note is empty; give some text or leave it out", "--note")
    on = on or today()
    by = by or default_by()
    with ledger.lock():
        with ledger.connect() as conn:
            from .claim_checks import SOURCE_DATE_SQL, assessed_before_published

            known = as_db(conn).rows(f"SELECT c.id, {SOURCE_DATE_SQL} FROM claims c WHERE c.id = :id", {"id": claim_id})
            if not known:
                from .queries import unknown_id_error

                raise unknown_id_error(conn, "claim", [claim_id])
        published = min((as_date(d) for _, d in known if d is not None), default=None)
        if published is not None and on < published:
            raise UsageError(f"--on: {assessed_before_published(claim_id, on, published)}", "--on")
        entry: dict = {"claim": claim_id, "verdict": verdict, "on": on, "by": by}
        if evidence:
            entry["evidence"] = [
                {k: v for k, v in (("url", e.url), ("quote", e.quote), ("stance", e.stance)) if v is not None}
                for e in evidence
            ]
        if note:
            entry["note"] = note
        path = ledger.root / ASSESSMENTS_FILE
        old = read_text(path)
        # Parsed once: the document serves the insertion and the read-back's "before" (a file of thousands
        # of assessments was parsed three times).
        doc = _parsed(old)
        ins = insert_items(old or "", ASSESSMENTS_KEY, [yamlio.dump(entry)], ASSESSMENTS_FILE, doc)
        commit_text(ledger, ASSESSMENTS_FILE, old, ins.text, old_doc=doc, key=ASSESSMENTS_KEY, insertion=ins)
    return Added(claim_id, ASSESSMENTS_FILE)


# -- reading -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _SharedSource:
    id: str
    title: str | None
    file: str
    line: int


def _words(text: str | None) -> str | None:
    """A quote or locator as a reader sees it: its words, the spacing between them aside."""
    return " ".join(text.split()) if text is not None else None


def _check_url(url: str, argument: str) -> None:
    try:
        _url(url)
    except ValueError as exc:
        raise UsageError(f"{argument}: {exc}", argument) from None

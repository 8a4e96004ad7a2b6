"""Reading claims files (`claims:` with optional `sources:`) and assessments files.

Called from store.read's kind dispatch; shares its validation helpers, so every
problem carries path:line:col and says what to do.
"""

from __future__ import annotations

from ..errors import Problem, SourceLocation
from ..models import AssessmentIn, ClaimIn, ClaimsHeaderIn, SourceIn
from ..vocabulary import ASSESSMENTS_KEY, CLAIMS_KEY, SOURCES_KEY
from ..records import Assessment, Claim, Evidence, FileRecords, Source
from ..yamlio import Document, locate
from .read import _list_under, _problem, _validate, node_at, note_rejected


def read_claims(doc: Document, data: dict, out: FileRecords) -> None:
    header_data = {k: v for k, v in data.items() if k not in (CLAIMS_KEY, SOURCES_KEY)}
    header = _validate(ClaimsHeaderIn, header_data, doc, (), out, "the claims file header")
    for i, raw in enumerate(_list_under(doc, data, SOURCES_KEY, out)):
        src = _validate(SourceIn, raw, doc, (SOURCES_KEY, i), out, "a source")
        if src is None:
            note_rejected(out, "source", [raw])
            continue
        loc = _loc(doc, out, (SOURCES_KEY, i))
        if src.id is None:
            out.problems.append(Problem(loc, "a shared source needs an `id:` so claims can refer to it", "missing"))
        elif src.locator is not None:
            line, col = node_at(doc, (SOURCES_KEY, i, "locator"))
            out.problems.append(
                _problem(out.path, line, col, "`locator:` belongs on each claim (section, page, figure), not on a shared source", "invalid")
            )
            out.rejected.append(("source", src.id))
        elif _check_has_place(src, loc, out):
            out.sources.append(Source(src.id, src.title, src.url, src.date, tuple(src.authors), loc))
        else:
            out.rejected.append(("source", src.id))
    items = _list_under(doc, data, CLAIMS_KEY, out)
    if header is None:
        note_rejected(out, "claim", items)
        return
    if header.source is not None and header.source.locator is not None:
        line, col = node_at(doc, ("source", "locator"))
        out.problems.append(_problem(out.path, line, col, "`locator:` belongs on each claim, not in the file's header", "invalid"))
        note_rejected(out, "claim", items)
        return
    for i, raw in enumerate(items):
        item = _validate(ClaimIn, raw, doc, (CLAIMS_KEY, i), out, "a claim")
        if item is None:
            note_rejected(out, "claim", [raw])
            continue
        loc = _loc(doc, out, (CLAIMS_KEY, i))
        given = item.source or header.source
        if given is None:
            out.problems.append(
                Problem(loc, f"claim {item.id!r} has no `source:`; give its url, a mapping {{title, url, date, authors}}, "
                             "or the id of a shared source (on the claim or in the file's header)", "missing")
            )
            out.rejected.append(("claim", item.id))
            continue
        ref, source = _split_source(given)
        if ref is None and given.id is not None:
            line, col = node_at(doc, (CLAIMS_KEY, i, "source", "id") if item.source else ("source", "id"))
            out.problems.append(
                _problem(out.path, line, col, "a claim's own source takes no `id:`; to share a source, put it under "
                                              "`sources:` and write `source: ID` on the claims", "invalid")
            )
            out.rejected.append(("claim", item.id))
            continue
        if source is not None and not _check_has_place(source, loc, out):
            out.rejected.append(("claim", item.id))
            continue
        tags = tuple(dict.fromkeys(header.tags + item.tags))
        out.claims.append(
            Claim(
                id=item.id, quote=item.quote, location=loc, position=i, source=source, source_ref=ref,
                locator=item.locator or given.locator, claimant=item.claimant or header.claimant, tags=tags,
                confidence=item.confidence.value if item.confidence else None,
                confidence_typed=item.confidence.typed if item.confidence else None, note=item.note,
            )
        )


def read_assessments(doc: Document, data: dict, out: FileRecords) -> None:
    extra = [k for k in data if k != ASSESSMENTS_KEY]
    if extra:
        line, col = locate(doc.node, (extra[0],), key=True)
        out.problems.append(
            _problem(out.path, line, col, f"unknown key {extra[0]!r} in an assessments file; only `assessments:` belongs here", "unknown-key")
        )
    for i, raw in enumerate(_list_under(doc, data, ASSESSMENTS_KEY, out)):
        item = _validate(AssessmentIn, raw, doc, (ASSESSMENTS_KEY, i), out, "an assessment")
        if item is None:
            continue
        evidence = tuple(Evidence(**e.model_dump()) for e in item.evidence)
        out.assessments.append(
            Assessment(item.claim, item.verdict, item.on, item.by, _loc(doc, out, (ASSESSMENTS_KEY, i)), evidence, item.note)
        )


def _split_source(given: SourceIn) -> tuple[str | None, Source | None]:
    """A source mapping holding only an id (and perhaps a locator) refers to a shared source."""
    if given.id is not None and not (given.title or given.url or given.date or given.authors):
        return given.id, None
    return None, Source(None, given.title, given.url, given.date, tuple(given.authors))


def _check_has_place(src: SourceIn | Source, loc: SourceLocation, out: FileRecords) -> bool:
    if src.url or src.title:
        return True
    out.problems.append(Problem(loc, "a source needs a `url:` or a `title:` so readers can find it", "missing"))
    return False


def _loc(doc: Document, out: FileRecords, at: tuple) -> SourceLocation:
    line, col = node_at(doc, at)
    return SourceLocation(out.path, line, col)


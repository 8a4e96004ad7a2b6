"""The ledger's own `pledger export json|yaml` document, read back (another ledger, or after a move).

The document is described in docs/import.md (Export): a list of predictions,
each with its fields, its later forecasts and every outcome entry. Ids, sets,
dates and probabilities as typed are kept as they were.
"""

from __future__ import annotations

from ..errors import FileLocation, LedgerError, Problem
from ..models import check_slug
from .base import (
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    RowError,
    forecast,
    kind_forecast,
    load_json,
    optional_day,
    parse_day,
    probability,
    read_items,
    result_of,
    text_kept,
)

FORMAT_NAME = "prediction-ledger"
EVIDENCE_KEYS = ("url", "quote", "archived", "title", "stance")


def parse_json(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    return _parse(load_json(data, path, options.encoding), path, options, progress)


def parse_yaml(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    from .. import yamlio
    from .base import decode

    try:
        doc = yamlio.parse(decode(data, path, options.encoding)).data
    except yamlio.YamlProblemError as exc:
        p = exc.problem
        raise LedgerError(f"{path} is not valid YAML", [Problem(FileLocation(path, p.line, p.column), p.message, p.code)]) from None
    return _parse(doc, path, options, progress)


def _parse(doc: object, path: str, options: Options, progress) -> Parsed:
    if not isinstance(doc, dict) or not isinstance(doc.get("predictions"), list):
        raise LedgerError(
            f"{path} is not a pledger export",
            [Problem(FileLocation(path, 1), "expected a mapping with a `predictions:` list (made by `pledger export json|yaml`)", "format")],
        )
    out = Parsed()
    # Items are kept as exported: no finish_item, which could reorder forecasts or move `made`.
    read_items(
        doc["predictions"], lambda n, record: _item(record, n, options), out, progress,
        lambda item, record, first: f"id {item.id!r} appears twice (first as item {first})",
        reject_repeats=True,
    )
    return out


def _item(record: object, n: int, options: Options) -> ImportedItem:
    if not isinstance(record, dict):
        raise RowError("a prediction must be a mapping")
    pid = _slug(record.get("id"), "id")
    claim = text_kept(record.get("claim"))
    if pid is None or claim is None:
        raise RowError("a prediction needs an id and a claim")
    by = text_kept(record.get("by")) or options.by
    made = parse_day(record.get("made"), "made")
    kind = _kind(record)
    item = ImportedItem(
        id=pid, claim=claim, row=n, by=by, made=made,
        forecasts=[_forecast(kind, record, made, by)],
        set_id=_slug(record.get("set"), "set"), due=optional_day(record.get("due"), "due"),
        about=text_kept(record.get("about")), criteria=text_kept(record.get("criteria")),
        tags=tuple(_slug(t, "tag") for t in record.get("tags") or ()),
        source=text_kept(record.get("source")), tests=tuple(_slug(t, "id") for t in record.get("tests") or ()),
        note=text_kept(record.get("note")), extra=_extra(record), kind=kind,
    )
    for f in record.get("forecasts") or ():
        if not isinstance(f, dict):
            raise RowError("a forecast must be a mapping")
        item.forecasts.append(_forecast(kind, f, parse_day(f.get("at"), "forecast at"),
                                        text_kept(f.get("by")) or by, text_kept(f.get("note"))))
    for o in record.get("outcomes") or ():
        if not isinstance(o, dict):
            raise RowError("an outcome must be a mapping")
        result = result_of(o.get("result"), kind)
        if result is None:
            raise RowError("an outcome needs a result: yes, no or annulled")
        evidence = tuple({k: e[k] for k in EVIDENCE_KEYS if e.get(k)} for e in o.get("evidence") or () if isinstance(e, dict))
        item.outcomes.append(ImportedOutcome(
            result, parse_day(o.get("on"), "outcome on"), text_kept(o.get("by")) or by, evidence,
            text_kept(o.get("note")), bool(o.get("correction")),
        ))
    return item


def _kind(record: dict) -> str:
    """The question's kind: `kind` as exported, else what its forecast's keys say."""
    from ..kinds import BINARY, CHOICE, KINDS, NUMERIC

    kind = record.get("kind") or (CHOICE if "options" in record else NUMERIC if "quantiles" in record else BINARY)
    if kind not in KINDS:
        raise RowError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    return kind


def _forecast(kind: str, record: dict, at, by=None, note=None):
    from ..kinds import BINARY, FORECAST_KEYS

    if kind == BINARY:
        return forecast(probability(record.get("p")), at, by, note)
    return kind_forecast(kind, record.get(FORECAST_KEYS[kind]), at, by, note)


def _extra(record: dict) -> dict:
    """Another kind's own keys, as exported (ordered, unit, closes)."""
    extra: dict = {}
    if record.get("ordered"):
        extra["ordered"] = True
    if text_kept(record.get("unit")):
        extra["unit"] = text_kept(record.get("unit"))
    if record.get("closes"):
        extra["closes"] = parse_day(record.get("closes"), "closes")
    return extra


def _slug(value: object, what: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        return check_slug(str(value), what)
    except ValueError as exc:
        raise RowError(str(exc)) from None

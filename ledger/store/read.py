"""Reading one ledger file into records, collecting every problem with its position."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from yaml.nodes import ScalarNode

from .. import yamlio
from ..errors import Problem, SourceLocation
from ..gcpause import gc_paused
from ..vocabulary import (
    ASSESSMENTS_KEY,
    CLAIMS_KEY,
    FILE_KINDS,
    SOURCES_KEY,
    FORECASTS_KEY,
    PREDICTIONS_KEY,
    RESULTS_KEY,
)
from ..models import (
    ForecastIn,
    InlineForecastIn,
    OutcomeHeaderIn,
    RESULTS,
    PredictionIn,
    ResultDetailIn,
    SetHeaderIn,
    check_slug,
)
from ..kinds import BINARY, CHOICE, FORECAST_KEYS, KINDS, NUMERIC
from ..kinds import LABELS as KIND_LABELS
from ..kinds import summary as kind_summary
from .discover import SKIPPED, NotALedgerFile, read_limited
from ..records import Evidence, FileRecords, Forecast, Outcome, Prediction, PredictionSet

KIND_HINT = (
    "a ledger file holds one list: `predictions:`, `forecasts:`, `results:`, `claims:` or `assessments:` (see docs/format.md)"
)


def read_file(root: Path, rel_path: str, data: bytes | None = None) -> FileRecords:
    """Read one file (relative to root). Never raises for bad content: problems are returned."""
    # Loading makes many small objects and no reference cycles worth collecting;
    # the cyclic collector would otherwise rescan them again and again (~25% of a load).
    with gc_paused():
        return _read_file(root, rel_path, data)


def unread_file(rel_path: str, message: str, code: str) -> FileRecords:
    """The records of an entry that was not read (store.discover.entry_bytes): none, and the problem why."""
    out = FileRecords(rel_path)
    out.problems.append(_problem(rel_path, 0, 0, message, code))
    return out


def read_document(rel_path: str, doc: yamlio.Document) -> FileRecords:
    """read_file's records for a file already parsed (doc: yamlio.parse of its text, with no BOM)."""
    out = FileRecords(rel_path)
    with gc_paused():
        _read_document(doc, out)
    return out


def _read_file(root: Path, rel_path: str, data: bytes | None) -> FileRecords:
    out = FileRecords(rel_path)
    try:
        data = _bytes_within_limit(root / rel_path, data)
    except NotALedgerFile as exc:
        out.problems.append(_problem(rel_path, 0, 0, exc.strerror, SKIPPED))
        return out
    except OSError as exc:
        out.problems.append(_problem(rel_path, 0, 0, f"cannot read the file: {exc.strerror}", "io"))
        return out
    except yamlio.YamlProblemError as exc:
        p = exc.problem
        out.problems.append(_problem(rel_path, p.line, p.column, p.message, p.code))
        return out
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        out.problems.append(
            _problem(rel_path, line, column, "the file is not UTF-8 text; save it as UTF-8", "encoding")
        )
        return out
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        doc = yamlio.parse(text)
    except yamlio.YamlProblemError as exc:
        p = exc.problem
        out.problems.append(_problem(rel_path, p.line, p.column, p.message, p.code))
        # The records the file would have held are left out for this problem: a reference to one is not
        # also an unknown id, and a command naming one points here (FileRecords.rejected).
        for key, kind in ((PREDICTIONS_KEY, "prediction"), (CLAIMS_KEY, "claim")):
            out.rejected += [(kind, rid) for rid in yamlio.ids_in(exc.node, key, text)]
        return out
    _read_document(doc, out)
    return out


def _bytes_within_limit(path: Path, data: bytes | None) -> bytes:
    """The file's bytes, within the size limit: an oversized file is read no further than the limit, nor decoded."""
    if data is None:
        data = read_limited(path, yamlio.MAX_FILE_BYTES)
    yamlio.check_size(len(data))
    return data


def _read_document(doc: yamlio.Document, out: FileRecords) -> None:
    data = doc.data
    if data is None:
        return  # an empty file holds nothing, which is fine
    if not isinstance(data, dict):
        out.problems.append(_problem(out.path, 1, 1, f"the file is not a mapping; {KIND_HINT}", "kind"))
        return
    kinds = [k for k in FILE_KINDS if k in data]
    if not kinds and SOURCES_KEY in data:
        kinds = [CLAIMS_KEY]  # a file of shared sources only is a claims file with no claims yet
    if not kinds:
        out.problems.append(_problem(out.path, 1, 1, f"no list of records found; {KIND_HINT}", "kind"))
        return
    if len(kinds) > 1:
        line, col = yamlio.locate(doc.node, (kinds[1],), key=True)
        out.problems.append(
            _problem(out.path, line, col, f"`{kinds[0]}:` and `{kinds[1]}:` in one file; put each list in its own file", "kind")
        )
        return
    out.kind = kinds[0]
    if out.kind in (CLAIMS_KEY, ASSESSMENTS_KEY):
        from .read_claims import read_assessments, read_claims  # it imports this module's helpers

        (read_claims if out.kind == CLAIMS_KEY else read_assessments)(doc, data, out)
        return
    {PREDICTIONS_KEY: _read_predictions, FORECASTS_KEY: _read_forecasts, RESULTS_KEY: _read_outcomes}[out.kind](
        doc, data, out
    )


def _read_predictions(doc: yamlio.Document, data: dict, out: FileRecords) -> None:
    header = read_header(doc, out)
    items = _list_under(doc, data, PREDICTIONS_KEY, out)
    if header is None:
        # What the header gives its items is unknown, so none loads; each is still
        # validated, so `check` reports every problem in the file at once.
        for i, raw in enumerate(items):
            _validate(PredictionIn, raw, doc, (PREDICTIONS_KEY, i), out, "a prediction")
        note_rejected(out, "prediction", items)
        return
    seq_node = yamlio.child(doc.node, PREDICTIONS_KEY)
    if header.set is not None:
        line, col = yamlio.locate(doc.node, ("set",))
        out.sets.append(
            PredictionSet(
                header.set, header.title, header.by, header.made, header.about, header.source,
                SourceLocation(out.path, line, col),
            )
        )
    for i, raw in enumerate(items):
        read_prediction(doc, header, seq_node, i, i, raw, out)


def read_prediction(doc: yamlio.Document, header: SetHeaderIn, seq_node, i: int, position: int, raw: Any, out: FileRecords) -> None:
    """The records of item i of doc's `predictions:` list (seq_node), at `position` in its file's list."""
    item = _validate(PredictionIn, raw, doc, (PREDICTIONS_KEY, i), out, "a prediction")
    if item is None:
        note_rejected(out, "prediction", [raw])
        return
    node = seq_node.value[i]
    loc = SourceLocation(out.path, node.start_mark.line + 1, node.start_mark.column + 1)
    kind = _kind_given(item, raw, doc, (PREDICTIONS_KEY, i), loc, out, "a prediction")
    if kind is None:
        out.rejected.append(("prediction", item.id))
        return
    by = item.by or header.by
    made = item.made or header.made
    if by is None or made is None:
        missing = [k for k, v in (("by", by), ("made", made)) if v is None]
        keys = " and ".join(f"`{k}:`" for k in missing)
        out.problems.append(
            Problem(loc, f"prediction {item.id!r} has no {keys}; add it to the prediction or to the file's header", "missing")
        )
        out.rejected.append(("prediction", item.id))
        return
    tags = tuple(dict.fromkeys(header.tags + item.tags)) if header.tags or item.tags else ()
    p, p_typed, dist = _forecast_value(kind, item)
    dates = kind == NUMERIC and item.quantiles.dates
    out.predictions.append(
        Prediction(
            id=item.id, claim=item.claim, p=p, p_typed=p_typed, by=by, made=made,
            location=loc, position=position, set_id=header.set, due=item.due or header.due,
            about=item.about or header.about, criteria=item.criteria, tags=tags,
            source=item.source or header.source, tests=tuple(item.tests), note=item.note,
            kind=kind, dist=dist, ordered=item.ordered, unit=item.unit, dates=dates, closes=item.closes,
        )
    )
    out.forecasts.append(Forecast(item.id, p, p_typed, by, made, loc, item.note, True, kind, dist, item.ref))
    for j, raw_forecast in enumerate(item.forecasts):
        f = _validate(InlineForecastIn, raw_forecast, doc, (PREDICTIONS_KEY, i, "forecasts", j), out, "a forecast")
        if f is None:
            continue
        fnode = node_at(doc, (PREDICTIONS_KEY, i, "forecasts", j))
        floc = SourceLocation(out.path, fnode[0], fnode[1])
        if f.at is None:
            out.problems.append(Problem(floc, "a forecast needs `at: YYYY-MM-DD`, the day it was made", "missing"))
            continue
        if f.at < made:
            out.problems.append(
                Problem(floc, f"this forecast is dated {f.at}, before the prediction was made ({made})", "order")
            )
            continue
        problem = fitting_forecast(kind, item.options, dates, f)
        if problem:
            out.problems.append(Problem(floc, problem, "kind"))
            continue
        fp, fp_typed, fdist = _forecast_value(kind, f)
        out.forecasts.append(Forecast(item.id, fp, fp_typed, f.by or by, f.at, floc, f.note, False, kind, fdist, f.ref))


def _kind_given(item, raw: dict, doc: yamlio.Document, prefix: tuple, loc: SourceLocation, out: FileRecords,
                what: str) -> str | None:
    """The kind a record's keys give (exactly one of p, options, quantiles), or None with its problem."""
    given = [k for k in KINDS if getattr(item, FORECAST_KEYS[k]) is not None]
    if len(given) == 1:
        kind = given[0]
        if item.__class__ is PredictionIn and kind != CHOICE and item.ordered:
            line, col = yamlio.locate(doc.node, prefix + ("ordered",), key=True)
            out.problems.append(_problem(out.path, line, col, "`ordered:` is for a multiple-choice question (one with `options:`)", "kind"))
            return None
        if item.__class__ is PredictionIn and kind == NUMERIC and item.unit is not None and item.quantiles.dates:
            line, col = yamlio.locate(doc.node, prefix + ("unit",), key=True)
            out.problems.append(_problem(out.path, line, col, "a question about dates scores in days: leave out `unit:`", "kind"))
            return None
        if item.__class__ is PredictionIn and kind != NUMERIC and item.unit is not None:
            line, col = yamlio.locate(doc.node, prefix + ("unit",), key=True)
            out.problems.append(_problem(out.path, line, col, "`unit:` is for a numeric question (one with `quantiles:`)", "kind"))
            return None
        return kind
    if not given:
        out.problems.append(Problem(loc, f"{what} is missing `p:` (a multiple-choice question gives `options:`, "
                                         "a numeric one `quantiles:`)", "missing"))
        return None
    keys = [FORECAST_KEYS[k] for k in given]
    line, col = yamlio.locate(doc.node, prefix + (keys[1],), key=True)
    out.problems.append(_problem(out.path, line, col, f"{what} gives both `{keys[0]}:` and `{keys[1]}:`; give one "
                                 "(`p` for yes/no, `options` for multiple choice, `quantiles` for numeric)", "kind"))
    return None


def _forecast_value(kind: str, item) -> tuple[float | None, str, tuple]:
    """(p, p as typed or a one-line summary, distribution) of a validated record of that kind."""
    if kind == BINARY:
        return item.p.value, item.p.typed, ()
    dist = item.options if kind == CHOICE else item.quantiles.quantiles
    return None, kind_summary(kind, dist), dist


def fitting_forecast(kind: str, options: tuple | None, dates: bool, f) -> str | None:
    """Why forecast f (a validated record with p, options or quantiles) does not fit a
    question of `kind` (with those options; numeric: dates or numbers), or None."""
    given = [k for k in KINDS if getattr(f, FORECAST_KEYS[k]) is not None]
    if len(given) != 1:
        return ("a forecast gives one of `p:` (yes/no), `options:` (multiple choice) or `quantiles:` (numeric)"
                if not given else f"a forecast gives both `{FORECAST_KEYS[given[0]]}:` and `{FORECAST_KEYS[given[1]]}:`; give one")
    if given[0] != kind:
        return f"this question is {KIND_LABELS[kind]}: its forecasts give `{FORECAST_KEYS[kind]}:`, not `{FORECAST_KEYS[given[0]]}:`"
    if kind == CHOICE:
        return options_mismatch(tuple(o.label for o in options), tuple(o.label for o in f.options))
    if kind == NUMERIC and f.quantiles.dates != dates:
        return f"this question's values are {'dates' if dates else 'numbers'}; give its quantiles as {'dates' if dates else 'numbers'} too"
    return None


def options_mismatch(wanted: tuple[str, ...], given: tuple[str, ...]) -> str | None:
    """Why a forecast's options are not its question's (the same names, any order), or None."""
    if {g.casefold() for g in given} == {w.casefold() for w in wanted} and len(given) == len(wanted):
        return None
    missing = [w for w in wanted if w.casefold() not in {g.casefold() for g in given}]
    extra = [g for g in given if g.casefold() not in {w.casefold() for w in wanted}]
    parts = []
    if extra:
        parts.append(f"{', '.join(map(repr, extra))} {'is not an option' if len(extra) == 1 else 'are not options'}")
    if missing:
        parts.append(f"{', '.join(map(repr, missing))} {'is' if len(missing) == 1 else 'are'} missing")
    return f"{'; '.join(parts)}: a forecast gives every option of the question ({', '.join(wanted)})"


def read_header(doc: yamlio.Document, out: FileRecords) -> SetHeaderIn | None:
    """The validated header of a predictions file (its keys other than `predictions:`), or None with its problems."""
    header_data = {k: v for k, v in doc.data.items() if k != PREDICTIONS_KEY}
    return _validate(SetHeaderIn, header_data, doc, (), out, "the file header")


def _read_forecasts(doc: yamlio.Document, data: dict, out: FileRecords) -> None:
    extra = [k for k in data if k != FORECASTS_KEY]
    if extra:
        line, col = yamlio.locate(doc.node, (extra[0],), key=True)
        out.problems.append(
            _problem(out.path, line, col, f"unknown key {extra[0]!r} in a forecasts file; only `forecasts:` belongs here", "unknown-key")
        )
    items = _list_under(doc, data, FORECASTS_KEY, out)
    for i, raw in enumerate(items):
        read_forecast(doc, i, raw, out)


def read_forecast(doc: yamlio.Document, i: int, raw: Any, out: FileRecords) -> None:
    """The record of item i of doc's `forecasts:` list."""
    item = _validate(ForecastIn, raw, doc, (FORECASTS_KEY, i), out, "a forecast")
    if item is None:
        return
    line, col = node_at(doc, (FORECASTS_KEY, i))
    loc = SourceLocation(out.path, line, col)
    given = [k for k in KINDS if getattr(item, FORECAST_KEYS[k]) is not None]
    if len(given) != 1:
        # Which kind its question is is checked when the index is refreshed; one of the keys is needed here.
        out.problems.append(Problem(loc, fitting_forecast(BINARY, None, False, item), "kind" if given else "missing"))
        return
    p, p_typed, dist = _forecast_value(given[0], item)
    out.forecasts.append(Forecast(item.prediction, p, p_typed, item.by, item.at, loc, item.note, False, given[0], dist,
                                  item.ref))


def _read_outcomes(doc: yamlio.Document, data: dict, out: FileRecords) -> None:
    header_data = {k: v for k, v in data.items() if k != RESULTS_KEY}
    header = _validate(OutcomeHeaderIn, header_data, doc, (), out, "an outcome entry")
    results = data.get(RESULTS_KEY)
    if not isinstance(results, dict) or not results:
        line, col = node_at(doc, (RESULTS_KEY,))
        out.problems.append(
            _problem(out.path, line, col, "`results:` must map prediction ids to yes, no or annulled, e.g. `my-id: yes`", "invalid")
        )
        return
    if header is None:
        return
    base_evidence = tuple(Evidence(**e.model_dump()) for e in header.evidence)
    # One pass over the key nodes: looking each id up in the node list would be quadratic.
    key_marks = {
        k.value: k.start_mark for k, _ in yamlio.child(doc.node, RESULTS_KEY).value if isinstance(k, ScalarNode)
    }
    for pid, raw in results.items():
        mark = key_marks.get(str(pid))
        loc = SourceLocation(out.path, mark.line + 1, mark.column + 1) if mark else SourceLocation(out.path, 1, 1)
        if not isinstance(pid, str):
            out.problems.append(Problem(loc, f"{pid!r} is not a prediction id; ids are slugs (quote it if needed)", "invalid"))
            continue
        try:
            check_slug(pid)
        except ValueError as exc:
            out.problems.append(Problem(loc, str(exc), "invalid"))
            continue
        if isinstance(raw, str) and raw in RESULTS:  # the common `id: yes` needs no model
            out.outcomes.append(Outcome(pid, raw, header.on, header.by, loc, base_evidence, header.note, header.correction))
            continue
        raw_detail = raw if isinstance(raw, dict) else {"result": raw}
        detail = _validate(ResultDetailIn, raw_detail, doc, (RESULTS_KEY, pid), out, "a result")
        if detail is None:
            continue
        evidence = base_evidence + tuple(Evidence(**e.model_dump()) for e in detail.evidence)
        r = detail.result
        out.outcomes.append(
            Outcome(pid, r.result, detail.on or header.on, header.by, loc, evidence, detail.note or header.note,
                    header.correction, r.value, r.is_date)
        )


def _list_under(doc: yamlio.Document, data: dict, key: str, out: FileRecords) -> list:
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        line, col = node_at(doc, (key,))
        out.problems.append(_problem(out.path, line, col, f"`{key}:` must be a list of records (items starting with `- `)", "invalid"))
        return []
    return items


def note_rejected(out: FileRecords, kind: str, items: list) -> None:
    """Remember the ids of raw records left out for a problem already reported (FileRecords.rejected)."""
    for raw in items:
        rid = raw.get("id") if isinstance(raw, dict) else None
        if isinstance(rid, str):
            out.rejected.append((kind, rid))


def node_at(doc: yamlio.Document, loc: tuple) -> tuple[int, int]:
    return yamlio.locate(doc.node, loc)


def _validate(model: type[BaseModel], raw: Any, doc: yamlio.Document, prefix: tuple, out: FileRecords, what: str):
    if not isinstance(raw, dict):
        line, col = node_at(doc, prefix)
        out.problems.append(_problem(out.path, line, col, f"{what} must be a mapping of keys to values", "invalid"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            message, at_key = explain(err, model, what)
            line, col = yamlio.locate(doc.node, prefix + tuple(err["loc"]), key=at_key)
            out.problems.append(_problem(out.path, line, col, message, _code(err)))
        return None


def explain(err: dict, model: type[BaseModel], what: str) -> tuple[str, bool]:
    """A pydantic error as a sentence that says what to do; and whether it points at a key."""
    loc = err["loc"]
    name = ".".join(str(part) for part in loc) if loc else what
    kind = err["type"]
    if kind == "extra_forbidden" and loc[-1] == "<<":
        return "merge keys (`<<: *name`) are not read; write the keys out (an alias of a whole value, `claim: *name`, works)", True
    if kind == "extra_forbidden":
        from ..suggest import did_you_mean

        keys = _allowed_keys(model, loc[:-1])
        hint = did_you_mean(str(loc[-1]), keys)
        return f"unknown key {str(loc[-1])!r} in {what}{hint}; the keys allowed here are: {', '.join(keys)}", True
    if kind == "missing":
        return f"{what} is missing `{loc[-1]}:`", True
    if kind in ("value_error", "assertion_error"):
        msg = str(err.get("ctx", {}).get("error", err["msg"]))
        return f"`{name}`: {msg}" if not msg.startswith(("id ", "tag ")) else msg, False
    if kind == "literal_error":
        return f"`{name}`: {err['msg'].replace('Input should be', 'use')}", False
    if kind.startswith(("string_", "str_")):
        return f"`{name}` should be text, got {_kind_of(err.get('input'))}", False
    if kind.startswith("list_"):
        return f"`{name}` should be a list, got {_kind_of(err.get('input'))}", False
    if kind.startswith("bool"):
        return f"`{name}` should be true or false", False
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"`{name}` should be a mapping of keys to values, got {_kind_of(err.get('input'))}", False
    return f"`{name}`: {err['msg']}", False


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    fields = model.model_fields
    for step in loc:
        if isinstance(step, int):
            continue
        field = fields.get(str(step))
        if field is None:
            break
        inner = _model_in(field.annotation)
        if inner is None:
            break
        fields = inner.model_fields
    return list(fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _kind_of(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"{value!r}"
    if hasattr(value, "isoformat"):  # YAML read an unquoted date
        return f"the date {value.isoformat()} (put it in quotes if you meant text)"
    return type(value).__name__


def _code(err: dict) -> str:
    return {"extra_forbidden": "unknown-key", "missing": "missing"}.get(err["type"], "invalid")


def _problem(path: str, line: int, column: int, message: str, code: str) -> Problem:
    return Problem(SourceLocation(path, line, column), message, code)

"""Manifold: markets and your bets as its API (api.manifold.markets/v0) returns them, saved to one file.

Source: the v0 API docs and manifoldmarkets/manifold common/src (LiteMarket:
id, question, url, creatorUsername, createdTime, closeTime, outcomeType,
isResolved, resolution YES/NO/MKT/CANCEL, resolutionTime; Bet: id, userId,
contractId, createdTime, amount, outcome, probBefore, probAfter, isRedemption,
isCancelled). Times are Unix milliseconds.

The file is `{"markets": [...], "bets": [...]}`: save `GET /v0/markets` (or
`/v0/market/ID` for each) under "markets" and `GET /v0/bets?userId=<you>` under
"bets". A list of markets each carrying its own "bets" list is read too.

A bet is not a stated probability: the forecast kept for each bet is the
market's probability right after it (probAfter), the price you moved it to;
redemptions and cancelled bets are skipped. Markets you did not bet on, and
non-binary markets, are skipped. YES/NO map to yes/no, judged by the market's
creator; CANCEL and MKT (resolved to a probability) to annulled.
"""

from __future__ import annotations

from ..errors import LedgerError, Problem, SourceLocation
from .base import (
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    RowError,
    Skipped,
    finish_item,
    forecast,
    load_json,
    optional_day,
    parse_day,
    probability,
    read_items,
    result_of,
    slug_tags,
    source_id,
    text_or_none,
)


def parse(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    doc = load_json(data, path, options.encoding)
    if isinstance(doc, dict) and "markets" in doc:
        markets = doc["markets"] if isinstance(doc["markets"], list) else [doc["markets"]]
        bets = doc.get("bets") or []
    elif isinstance(doc, list):
        markets, bets = doc, []
    else:
        raise LedgerError(
            f"{path} is not a saved Manifold API response",
            [Problem(SourceLocation(path, 1), 'expected {"markets": [...], "bets": [...]} (see docs/import.md)', "format")],
        )
    by_market: dict[str, list[dict]] = {}
    for bet in bets:
        if isinstance(bet, dict) and bet.get("contractId"):
            by_market.setdefault(bet["contractId"], []).append(bet)
    out = Parsed()

    def build(n: int, market: object) -> ImportedItem | None:
        if not isinstance(market, dict):
            raise RowError("a market must be a JSON object")
        own = market.get("bets") if isinstance(market.get("bets"), list) else by_market.get(market.get("id"), [])
        item = _market(market, own, n, options, out)
        return None if item is None else finish_item(item)

    read_items(markets, build, out, progress, lambda item, market, first: f"the same market as item {first}")
    return out


def _market(market: dict, bets: list, n: int, options: Options, out: Parsed) -> ImportedItem | None:
    pid = source_id("manifold", market.get("id", ""))
    if market.get("outcomeType", "BINARY") != "BINARY":
        out.skipped.append(Skipped(n, pid, f"a {market.get('outcomeType')} market: only yes/no markets are imported"))
        return None
    claim = text_or_none(market.get("question"))
    if claim is None:
        raise RowError("the market has no question")
    forecasts = []
    for bet in sorted((b for b in bets if isinstance(b, dict)), key=lambda b: b.get("createdTime") or 0):
        if bet.get("isRedemption") or bet.get("isCancelled"):
            continue
        forecasts.append(forecast(probability(bet.get("probAfter"), "probAfter"), parse_day(bet.get("createdTime"), "bet createdTime"),
                                  note=f"bet {bet.get('outcome', '?')} {bet.get('amount', '?')}"))
    if not forecasts:
        out.skipped.append(Skipped(n, pid, "no bet of yours on this market"))
        return None
    url = text_or_none(market.get("url"))
    if url is not None and not url.startswith(("http://", "https://")):
        url = None
    tags, _ = slug_tags([str(g) for g in market.get("groupSlugs") or []])
    item = ImportedItem(
        id=pid, claim=claim, row=n, by=options.by, made=forecasts[0].at, forecasts=forecasts,
        due=optional_day(market.get("closeTime"), "closeTime"), source=url, tags=tags,
    )
    raw = market.get("resolution")
    if market.get("isResolved") and raw is not None:
        result = result_of(raw)
        if result is not None:
            on = optional_day(market.get("resolutionTime"), "resolutionTime") or forecasts[-1].at
            judge = text_or_none(market.get("creatorUsername")) or "Manifold"
            note = None
            if str(raw).upper() == "MKT":
                note = f"Resolved MKT at {market.get('resolutionProbability', '?')}: no yes/no answer."
            elif str(raw).upper() == "CANCEL":
                note = "Resolved N/A (CANCEL) on Manifold."
            evidence = ({"url": url},) if url else ()
            item.outcomes.append(ImportedOutcome(result, max(on, item.made), judge, evidence, note))
    return item

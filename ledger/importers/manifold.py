"""Manifold: markets and your bets as its API (api.manifold.markets/v0) returns them, saved to one file.

Read from manifoldmarkets/manifold at commit 1e3ad3be74e046769091fa761d0ffbac50a010b4:
common/src/api/market-types.ts (LiteMarket and FullMarket as toLiteMarket and
toFullMarket build them: id, question, url, creatorUsername, createdTime,
closeTime, outcomeType, mechanism, isResolved, resolution, resolutionTime,
resolutionProbability, token MANA|CASH, siblingContractId, answers, min, max,
isLogScale, groupSlugs), common/src/bet.ts (Bet: id, userId, contractId,
answerId, createdTime, amount, outcome, probBefore, probAfter, isRedemption;
limit orders: orderAmount, limitProb, isFilled, isCancelled, fills with their
timestamps), common/src/contract.ts (outcome types; a PSEUDO_NUMERIC price maps
to min..max), common/src/comment.ts (a comment made with a bet names its betId),
common/src/pseudo-numeric.ts (getMappedValue), common/src/api/schema.ts and
docs/docs/api.md (GET /v0/bets, /v0/markets, /v0/market/ID, /v0/comments).
Times are Unix milliseconds.

The file is `{"markets": [...], "bets": [...], "comments": [...]}`: markets from
`GET /v0/market/ID` (or /v0/markets), your bets from `GET /v0/bets?userId=<you>`,
and optionally your comments from `GET /v0/comments?userId=<you>` (a comment
made with a bet becomes that forecast's note). A list of markets each carrying
its own "bets" list is read too. Every bet must be one person's (yours: --by).

A bet is not a stated probability. A market order's forecast is the market's
probability right after it (probAfter); a limit order's is its limit
(limitProb), the price it asked for. Both are dated when the bet was placed.
A limit order counts if any of it was filled (a cancelled one keeps the part
filled before it was cancelled); one of which nothing was filled (amount 0) is
no forecast. Redemptions are not bets.
A market's CASH twin (token CASH, siblingContractId naming its MANA version) is
the same question: its bets are forecasts on the MANA market's prediction.
Multiple-choice and numeric markets are parsed and reported as not imported
yet; polls, bounties, stonks and perpetuals have no forecast to import.
"""

from __future__ import annotations

from .base import (
    BINARY,
    MULTIPLE_CHOICE,
    NUMERIC,
    ImportedForecast,
    ImportedItem,
    ImportedOutcome,
    NumericScale,
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
    wrong_format,
)

KINDS = {
    "BINARY": BINARY, "MULTIPLE_CHOICE": MULTIPLE_CHOICE, "FREE_RESPONSE": MULTIPLE_CHOICE,
    "PSEUDO_NUMERIC": NUMERIC, "NUMBER": NUMERIC, "MULTI_NUMERIC": NUMERIC, "DATE": NUMERIC,
}
UNFILLED = "limit orders of which nothing was filled, which are no forecast"


def parse(data: bytes, path: str, options: Options, progress=None) -> Parsed:
    doc = load_json(data, path, options.encoding)
    if isinstance(doc, dict) and "markets" in doc:
        markets = doc["markets"] if isinstance(doc["markets"], list) else [doc["markets"]]
        bets = [b for b in doc.get("bets") or [] if isinstance(b, dict)]
        comments = [c for c in doc.get("comments") or [] if isinstance(c, dict)]
    elif isinstance(doc, list):
        markets, bets, comments = doc, [], []
    else:
        raise wrong_format(path, "a saved Manifold API response", 'expected {"markets": [...], "bets": [...]} (see docs/import.md)')
    own = [b for m in markets if isinstance(m, dict) and isinstance(m.get("bets"), list) for b in m["bets"] if isinstance(b, dict)]
    users = sorted({str(b.get("userId")) for b in bets + own if b.get("userId") is not None})
    if len(users) > 1:
        raise wrong_format(path, "one person's Manifold bets",
                           f"its bets are by {len(users)} users ({', '.join(users[:5])}{', ...' if len(users) > 5 else ''}); "
                           "save your own: GET /v0/bets?userId=<your id>")
    by_market: dict[str, list[dict]] = {}
    for bet in bets:
        if bet.get("contractId"):
            by_market.setdefault(bet["contractId"], []).append(bet)
    notes = {c["betId"]: text for c in comments if c.get("betId") and (text := _comment_text(c))}
    out = Parsed()
    unfilled = [0]  # limit orders with nothing filled, over the file
    groups = _twins(markets)
    held = {m.get("id") for m in markets if isinstance(m, dict)}
    stray = sorted({b["contractId"] for b in bets if b.get("contractId") and b["contractId"] not in held})
    if stray:
        out.warnings.append(f"{len(stray)} {'market' if len(stray) == 1 else 'markets'} with bets of yours "
                            f"{'is' if len(stray) == 1 else 'are'} not in {path} ({', '.join(stray[:5])}"
                            f"{', ...' if len(stray) > 5 else ''}): save them under \"markets\" to import those bets")

    def build(n: int, entry: object) -> ImportedItem | None:
        if not isinstance(entry, list):
            raise RowError("a market must be a JSON object")
        market_bets = [(m, b) for m in entry
                       for b in (m["bets"] if isinstance(m.get("bets"), list) else by_market.get(m.get("id"), []))
                       if isinstance(b, dict)]
        item = _market(entry, market_bets, n, options, notes, out, unfilled)
        return None if item is None else finish_item(item)

    read_items(groups, build, out, progress, lambda item, market, first: f"the same market as item {first}")
    if unfilled[0]:
        out.warnings.append(f"{unfilled[0]} limit {'order' if unfilled[0] == 1 else 'orders'} in {path} had nothing "
                            "filled: an order nobody took is no forecast, so none was imported")
    return out


def _twins(markets: list) -> list:
    """The markets, a market and its CASH twin together (the MANA one first), in file order; a non-object is kept
    as it is so that its row is rejected."""
    groups: dict[str, list[dict]] = {}
    order: list = []
    for m in markets:
        if not isinstance(m, dict):
            order.append(m)
            continue
        key = m.get("siblingContractId") if m.get("token") == "CASH" and m.get("siblingContractId") else m.get("id")
        group = groups.get(key)
        if group is None:
            group = groups[key] = []
            order.append(group)
        if not any(g.get("id") == m.get("id") for g in group):
            group.append(m)
    for group in groups.values():
        group.sort(key=lambda m: m.get("token") == "CASH")
    return order


def _comment_text(comment: dict) -> str | None:
    """A comment's plain text: its rich-text content's text nodes, or the older `text`."""
    content = comment.get("content")
    if isinstance(content, dict):
        parts: list[str] = []

        def walk(node: object) -> None:
            if isinstance(node, dict):
                if node.get("type") == "text" and isinstance(node.get("text"), str):
                    parts.append(node["text"])
                for child in node.get("content") or []:
                    walk(child)
                if node.get("type") == "paragraph":
                    parts.append("\n")

        walk(content)
        return text_or_none("".join(parts))
    return text_or_none(comment.get("text"))


def _market(group: list[dict], bets: list[tuple[dict, dict]], n: int, options: Options, notes: dict[str, str],
            out: Parsed, unfilled_total: list[int]) -> ImportedItem | None:
    market = group[0]  # the MANA market when both twins are here
    pid = source_id("manifold", market.get("siblingContractId") if market.get("token") == "CASH"
                    and market.get("siblingContractId") else market.get("id", ""))
    outcome_type = str(market.get("outcomeType", "BINARY"))
    kind = KINDS.get(outcome_type)
    if kind is None:
        out.skipped.append(Skipped(n, pid, f"a {outcome_type} market: there is no forecast in it to import"))
        return None
    claim = text_or_none(market.get("question"))
    if claim is None:
        raise RowError("the market has no question")
    answers = {a.get("id"): str(a.get("text")) for m in group for a in m.get("answers") or [] if isinstance(a, dict)}
    forecasts, unfilled = [], 0
    for m, bet in sorted(bets, key=lambda mb: mb[1].get("createdTime") or 0):
        f = _bet(bet, m, kind, answers, options, notes)
        if f == "unfilled":
            unfilled += 1
        elif f is not None:
            forecasts.append(f)
    unfilled_total[0] += unfilled
    if not forecasts:
        why = f" (only {unfilled} {UNFILLED})" if unfilled else ""
        out.skipped.append(Skipped(n, pid, f"no bet of yours on this market{why}"))
        return None
    url = text_or_none(market.get("url"))
    if url is not None and not url.startswith(("http://", "https://")):
        url = None
    tags, _ = slug_tags([str(g) for g in market.get("groupSlugs") or []])
    options_order = tuple(str(a.get("text")) for a in sorted(
        (a for a in market.get("answers") or [] if isinstance(a, dict)), key=lambda a: a.get("index", 0)))
    item = ImportedItem(
        id=pid, claim=claim, row=n, by=options.by, made=forecasts[0].at, forecasts=forecasts,
        due=optional_day(market.get("closeTime"), "closeTime"), source=url, tags=tags, kind=kind,
        options=options_order if kind != BINARY and outcome_type != "PSEUDO_NUMERIC" else (),
        scale=_scale(market) if kind == NUMERIC else None,
    )
    finish_item(item)
    resolved = next((m for m in group if m.get("isResolved") and m.get("resolution") is not None), None)
    if resolved is not None:
        item.outcomes.append(_outcome(resolved, item, url, answers))
    return item


def _bet(bet: dict, market: dict, kind: str, answers: dict, options: Options, notes: dict[str, str]):
    """The forecast a bet makes, "unfilled" for a limit order of which nothing was filled, or None for no forecast."""
    if bet.get("isRedemption") or bet.get("isRebalance"):
        return None
    cash = " (prize cash)" if market.get("token") == "CASH" else ""
    outcome = bet.get("outcome", "?")
    if bet.get("limitProb") is not None:
        filled = _amount(bet.get("amount"))
        if not filled:
            return "unfilled"
        p = probability(bet.get("limitProb"), "limitProb")
        at = parse_day(bet.get("createdTime"), "bet createdTime")
        what = (f"limit order {outcome} at {p.value:.0%}{cash}: {filled:g} of {_amount(bet.get('orderAmount')):g} filled"
                + (", then cancelled" if bet.get("isCancelled") else ""))
    else:
        if bet.get("isCancelled"):
            return None
        p = probability(bet.get("probAfter"), "probAfter")
        at = parse_day(bet.get("createdTime"), "bet createdTime")
        what = f"bet {outcome} {_amount(bet.get('amount')):g}{cash}"
    comment = notes.get(bet.get("id"))
    note = f"{comment} ({what})" if comment else what
    ref = f"manifold:{bet['id']}" if bet.get("id") else None
    if kind == BINARY:
        return forecast(p, at, options.by, note, ref=ref, unnamed=True)
    if market.get("outcomeType") == "PSEUDO_NUMERIC":
        return ImportedForecast(None, "", at, options.by, note, ref, True, value=mapped_value(market, p.value))
    answer = answers.get(bet.get("answerId"))
    if answer is None:
        raise RowError(f"bet {bet.get('id')} names answer {bet.get('answerId')!r}, which the market does not list")
    return ImportedForecast(None, "", at, options.by, note, ref, True, options=((answer, p.value),))


def mapped_value(market: dict, p: float) -> float:
    """A PSEUDO_NUMERIC market's probability as its value (common/src/pseudo-numeric.ts getMappedValue)."""
    lo, hi = float(market.get("min", 0)), float(market.get("max", 1))
    if market.get("isLogScale"):
        import math

        return 10 ** (p * math.log10(hi - lo + 1)) + lo - 1
    return p * (hi - lo) + lo


def _scale(market: dict) -> NumericScale:
    lo, hi = market.get("min"), market.get("max")
    return NumericScale(
        lower=float(lo) if isinstance(lo, (int, float)) else None, upper=float(hi) if isinstance(hi, (int, float)) else None,
        unit=text_or_none(market.get("unit")), dates=market.get("outcomeType") == "DATE", log=bool(market.get("isLogScale")),
    )


def _amount(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _outcome(market: dict, item: ImportedItem, url: str | None, answers: dict) -> ImportedOutcome:
    raw = str(market.get("resolution"))
    on = optional_day(market.get("resolutionTime"), "resolutionTime") or item.forecasts[-1].at
    on = max(on, item.made)
    judge = text_or_none(market.get("creatorUsername")) or "Manifold"
    evidence = ({"url": url},) if url else ()
    if raw.upper() == "CANCEL":
        return ImportedOutcome("annulled", on, judge, evidence, "Resolved N/A (CANCEL) on Manifold.")
    if item.kind == BINARY:
        if raw.upper() == "MKT":
            return ImportedOutcome("annulled", on, judge, evidence,
                                   f"Resolved MKT at {market.get('resolutionProbability', '?')}: no yes/no answer.")
        return ImportedOutcome(result_of(raw), on, judge, evidence)
    if market.get("outcomeType") == "PSEUDO_NUMERIC":
        value = market.get("resolutionValue")
        if not isinstance(value, (int, float)) and isinstance(market.get("resolutionProbability"), (int, float)):
            value = mapped_value(market, market["resolutionProbability"])
        return ImportedOutcome("resolved", on, judge, evidence, value=value)
    if raw in answers:
        return ImportedOutcome("resolved", on, judge, evidence, option=answers[raw])
    per_answer = tuple((str(a.get("text")), result_of(a["resolution"]) or "annulled")
                       for a in market.get("answers") or [] if isinstance(a, dict) and a.get("resolution"))
    weights = market.get("resolutions") or {}
    note = (f"Resolved {raw} on Manifold: " + ", ".join(f"{answers.get(k, k)} {v}%" for k, v in weights.items())) if weights else \
        f"Resolved {raw} on Manifold."
    return ImportedOutcome("resolved", on, judge, evidence, note, option_results=per_answer)

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
`GET /v0/market/ID` (or /v0/markets), your bets from `GET /v0/bets?userId=<you>&includeZeroShareRedemptions=true`,
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

A multiple-choice market whose answers add up to 100% (shouldAnswersSumToOne) is
a multiple-choice question. A bet there moves every answer: Manifold writes the
bet on its answer and, with the same betGroupId and time, a zero-share
redemption on each other answer, each with its probAfter (common/src/new-bet.ts
getNewMultiCpmmBetsInfoSumsToOne, backend/api/src/place-bet.ts
executeNewBetResult). So a bet's forecast is the market's distribution right
after it: every answer's probAfter in its group, for market and limit orders
alike (a limit is one answer's price, not a distribution). GET /v0/bets leaves
those redemptions out unless asked with includeZeroShareRedemptions=true
(backend/shared/src/supabase/bets.ts getBetsWithFilter); a bet whose group does
not give every answer is left out, said so. A market whose answers are
independent (each its own yes/no market) is not a multiple-choice question and is
skipped. A PSEUDO_NUMERIC market's bet moves one number, the price of a contract
that pays linearly in the outcome (common/src/pseudo-numeric.ts): an expected
value, neither a distribution nor a median, so it is skipped; so are NUMBER,
MULTI_NUMERIC and DATE markets, whose answers are ranges named in text, with no
bounds to read quantiles from. Polls, bounties, stonks and perpetuals have no
forecast to import.
"""

from __future__ import annotations

from .base import (
    BINARY,
    MULTIPLE_CHOICE,
    ImportedForecast,
    ImportedItem,
    ImportedOutcome,
    Options,
    Parsed,
    RowError,
    Skipped,
    check_options,
    choice_forecast,
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

KINDS = {"BINARY": BINARY, "MULTIPLE_CHOICE": MULTIPLE_CHOICE, "FREE_RESPONSE": MULTIPLE_CHOICE}
_RANGES = ("its answers are ranges named in text (with a midpoint), and the market gives no range bounds to read "
           "quantiles from; the ledger's numeric forecasts are quantiles")
NOT_IMPORTED = {  # outcome type -> why its bets make no forecast the ledger can hold
    "PSEUDO_NUMERIC": ("a bet moves the market's one number (probAfter mapped onto min..max), the price of a "
                       "contract that pays linearly in the outcome: an expected value, neither a distribution nor a "
                       "median, and the ledger's numeric forecasts are quantiles"),
    "NUMBER": _RANGES, "MULTI_NUMERIC": _RANGES, "DATE": _RANGES,
}
INDEPENDENT = ("its answers need not add up to 100% (shouldAnswersSumToOne is not true): each answer is a yes/no "
               "market of its own, not one multiple-choice question")
ONE_ANSWER = ("they give only the probability of the answer bet on. Manifold writes the other answers' probabilities "
              "after a bet as zero-share redemptions (the same betGroupId), which GET /v0/bets leaves out unless asked "
              "with includeZeroShareRedemptions=true: save your bets that way to import these (a limit order filled "
              "after it was placed has none)")
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
        why = NOT_IMPORTED.get(outcome_type, "there is no forecast in it to import")
        out.skipped.append(Skipped(n, pid, f"a {outcome_type} market: {why}"))
        return None
    claim = text_or_none(market.get("question"))
    if claim is None:
        raise RowError("the market has no question")
    labels: tuple[str, ...] = ()
    if kind == MULTIPLE_CHOICE:
        labels = tuple(str(a.get("text")) for a in _answers(market))
        why = (None if market.get("shouldAnswersSumToOne") is True else INDEPENDENT) or check_options(labels)
        if why:
            out.skipped.append(Skipped(n, pid, f"a {outcome_type} market: {why}"))
            return None
        forecasts, unfilled, left_out = _choice_forecasts(bets, labels, options, notes)
        for why, count in left_out.items():
            out.skipped.append(Skipped(n, pid, f"{count} {'bet' if count == 1 else 'bets'} of yours not imported: {why}"))
    else:
        forecasts, unfilled, left_out = [], 0, {}
        for m, bet in sorted(bets, key=lambda mb: mb[1].get("createdTime") or 0):
            f = _bet(bet, m, options, notes)
            if f == "unfilled":
                unfilled += 1
            elif f is not None:
                forecasts.append(f)
    unfilled_total[0] += unfilled
    if not forecasts:
        if not left_out:
            why = f" (only {unfilled} {UNFILLED})" if unfilled else ""
            out.skipped.append(Skipped(n, pid, f"no bet of yours on this market{why}"))
        return None
    url = text_or_none(market.get("url"))
    if url is not None and not url.startswith(("http://", "https://")):
        url = None
    tags, _ = slug_tags([str(g) for g in market.get("groupSlugs") or []])
    item = ImportedItem(
        id=pid, claim=claim, row=n, by=options.by, made=forecasts[0].at, forecasts=forecasts,
        due=optional_day(market.get("closeTime"), "closeTime"), source=url, tags=tags, kind=kind,
    )
    finish_item(item)
    resolved = next((m for m in group if m.get("isResolved") and m.get("resolution") is not None), None)
    if resolved is not None:
        answers = {a.get("id"): str(a.get("text")) for m in group for a in _answers(m)}
        item.outcomes.append(_outcome(resolved, item, url, answers))
    return item


def _answers(market: dict) -> list[dict]:
    return sorted((a for a in market.get("answers") or [] if isinstance(a, dict)), key=lambda a: a.get("index", 0))


def _bet(bet: dict, market: dict, options: Options, notes: dict[str, str]):
    """The forecast a bet on a yes/no market makes, "unfilled" for a limit order of which nothing was filled,
    or None for no forecast."""
    if bet.get("isRedemption") or bet.get("isRebalance"):
        return None
    what = _what(bet, market)
    if what is None or what == "unfilled":
        return what
    p = probability(bet.get("limitProb") if bet.get("limitProb") is not None else bet.get("probAfter"),
                    "limitProb" if bet.get("limitProb") is not None else "probAfter")
    at = parse_day(bet.get("createdTime"), "bet createdTime")
    return forecast(p, at, options.by, _note(bet, what, notes), ref=_ref(bet), unnamed=True)


def _what(bet: dict, market: dict, answer: str | None = None) -> str | None:
    """The note saying what the bet was, "unfilled" for a limit order of which nothing was filled, or None for a
    cancelled market order."""
    cash = " (prize cash)" if market.get("token") == "CASH" else ""
    outcome = bet.get("outcome", "?") + (f" {answer}" if answer else "")
    if bet.get("limitProb") is not None:
        filled = _amount(bet.get("amount"))
        if not filled:
            return "unfilled"
        limit = probability(bet.get("limitProb"), "limitProb").value
        return (f"limit order {outcome} at {limit:.0%}{cash}: {filled:g} of {_amount(bet.get('orderAmount')):g} filled"
                + (", then cancelled" if bet.get("isCancelled") else ""))
    if bet.get("isCancelled"):
        return None
    return f"bet {outcome} {_amount(bet.get('amount')):g}{cash}"


def _note(bet: dict, what: str, notes: dict[str, str]) -> str:
    comment = notes.get(bet.get("id"))
    return f"{comment} ({what})" if comment else what


def _ref(bet: dict) -> str | None:
    return f"manifold:{bet['id']}" if bet.get("id") else None


def _choice_forecasts(bets: list[tuple[dict, dict]], labels: tuple[str, ...], options: Options,
                      notes: dict[str, str]) -> tuple[list[ImportedForecast], int, dict[str, int]]:
    """The market's distribution right after each of your bets (every answer's probAfter in the bet's group),
    the count of limit orders with nothing filled, and {why: count} of the bets that give no distribution."""
    groups: dict[tuple, list[tuple[dict, dict]]] = {}
    for m, bet in bets:
        key = (m.get("id"), bet.get("betGroupId") or ("at", bet.get("createdTime")))
        groups.setdefault(key, []).append((m, bet))
    forecasts, unfilled, left_out = [], 0, {}
    for group in sorted(groups.values(), key=lambda g: min(b.get("createdTime") or 0 for _, b in g)):
        actions = [(m, b) for m, b in group if not b.get("isRedemption") and not b.get("isRebalance")]
        if not actions:
            continue  # redemptions of shares held: no forecast
        m, main = min(actions, key=lambda mb: (mb[1].get("createdTime") or 0, str(mb[1].get("id"))))
        text = {a.get("id"): str(a.get("text")) for a in _answers(m)}
        if main.get("answerId") not in text:
            raise RowError(f"bet {main.get('id')} names answer {main.get('answerId')!r}, which the market does not list")
        what = _what(main, m, text[main["answerId"]])
        if what is None or what == "unfilled":
            unfilled += what == "unfilled"
            continue
        after = {text[b["answerId"]]: b.get("probAfter") for _, b in group if b.get("answerId") in text}
        missing = [label for label in labels if label not in after]
        if missing:
            added = {str(a.get("text")): a.get("createdTime") for a in _answers(m)}
            later = all((added.get(label) or 0) > (main.get("createdTime") or 0) for label in missing)
            names = ", ".join(map(repr, missing))
            why = ONE_ANSWER if len(after) <= len(actions) else (
                f"placed before {names} {'was' if len(missing) == 1 else 'were'} added, so they do not give every "
                "answer's probability" if later else f"they do not give the probability of {names} after the bet")
            left_out[why] = left_out.get(why, 0) + 1
            continue
        at = parse_day(main.get("createdTime"), "bet createdTime")
        try:
            forecasts.append(choice_forecast([(label, after[label]) for label in labels], at, options.by,
                                             _note(main, what, notes), ref=_ref(main), unnamed=True))
        except RowError as exc:
            why = f"the answers' probabilities after them are no forecast: {exc}"
            left_out[why] = left_out.get(why, 0) + 1
    return forecasts, unfilled, left_out


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
    if raw in answers:
        return ImportedOutcome(answers[raw], on, judge, evidence)
    weights = {k: v for k, v in (market.get("resolutions") or {}).items() if isinstance(v, (int, float)) and v > 0}
    if len(weights) == 1 and next(iter(weights)) in answers:  # all of it on one answer
        return ImportedOutcome(answers[next(iter(weights))], on, judge, evidence)
    if raw.upper() in ("MKT", "CHOOSE_MULTIPLE"):
        split = ", ".join(f"{answers.get(k, k)} {v:g}%" for k, v in weights.items())
        return ImportedOutcome("annulled", on, judge, evidence,
                               f"Resolved {raw} on Manifold ({split or 'no weights given'}): no single answer happened.")
    raise RowError(f"resolution {raw!r} is none of the market's answers")

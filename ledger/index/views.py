"""SQL views for the tools people point at an index (psql, Metabase, Grafana, Datasette).

The tables hold every record as written: a corrected prediction has two outcome
rows, a prediction id defined twice is in the table twice. These views apply
pledger's own rules, from the columns the refresh derived (ledger.index.derive),
so that plain SQL gives the answers `pledger` gives:

  current_predictions -- each prediction pledger reads (ids defined once), with
      its standing outcome, status and points under the post's rule;
  scored_forecasts    -- each forecast `pledger score` may score on a resolved
      yes/no question, with its Brier score and whether it is the forecaster's
      first or last one (the policies `first` and `last`);
  current_claims      -- each claim with its current verdict (its latest assessment).

The same text runs on SQLite and PostgreSQL (docs/team.md has example queries).
"""

from __future__ import annotations

from .derive import ANNULLED_CODE, PENDING

_UNAMBIGUOUS = "p.id NOT IN (SELECT a.id FROM ambiguous_ids a)"

CURRENT_PREDICTIONS = f"""
SELECT p.id, p.set_id, p.claim, p.kind, p.p, p.p_typed, p."by", p.by_key, p.made, p.due, p.about,
       p.tags, p.file, p.line, p.position,
       p.result, p.outcome_value, p.resolved_on, o."on" AS outcome_on, o."by" AS outcome_by,
       o.correction AS corrected,
       CASE WHEN p.outcome >= 0 THEN 'resolved'
            WHEN p.outcome = {ANNULLED_CODE} THEN 'annulled'
            WHEN p.due < CURRENT_DATE THEN 'due'
            ELSE 'open' END AS status,
       CASE WHEN p.kind = 'binary' AND p.outcome = 1 THEN 1.0 - p.p
            WHEN p.kind = 'binary' AND p.outcome = 0 THEN -p.p END AS points
FROM predictions p LEFT OUTER JOIN outcomes o ON o.rowid = p.outcome_entry
WHERE {_UNAMBIGUOUS}
"""

# Every fitting forecast on a resolved yes/no question dated on or before its first
# resolution (the published p always counts: it is dated the day made), numbered
# per prediction and forecaster (names as name_key folds them) in pledger's orders.
SCORED_FORECASTS = f"""
SELECT s.prediction_id, s.set_id, s."by", s.by_key, s.author, s.author_key, s.p, s.p_typed, s."at",
       s.initial, s.outcome, (s.p - s.outcome) * (s.p - s.outcome) AS brier, s.made, s.resolved_on,
       s.file, s.line,
       CASE WHEN s.first_rank = 1 THEN 1 ELSE 0 END AS is_first,
       CASE WHEN s.last_rank = 1 THEN 1 ELSE 0 END AS is_last,
       CASE WHEN s.by_key = s.author_key THEN 1 ELSE 0 END AS by_author
FROM (
  SELECT f.prediction_id, p.set_id, f."by", f.by_key, p."by" AS author, p.by_key AS author_key, f.p, f.p_typed,
         f."at", f.initial, p.outcome, p.made, p.resolved_on, f.file, f.line,
         ROW_NUMBER() OVER (PARTITION BY f.prediction_id, f.by_key
                            ORDER BY f.initial DESC, f."at", f."by", f.file, f.line) AS first_rank,
         ROW_NUMBER() OVER (PARTITION BY f.prediction_id, f.by_key
                            ORDER BY f."at" DESC, f.initial, f."by" DESC, f.file DESC, f.line DESC) AS last_rank
  FROM forecasts f JOIN predictions p ON p.id = f.prediction_id
  WHERE p.kind = 'binary' AND p.outcome IN (0, 1) AND f.fits AND f.p IS NOT NULL
    AND (f.initial OR f."at" <= p.resolved_on) AND {_UNAMBIGUOUS}
) s
"""

CURRENT_CLAIMS = """
SELECT c.id, c.quote, c.claimant, c.tags, c.locator, c.source_ref,
       CASE WHEN c.source_ref IS NULL THEN c.source_title ELSE s.title END AS source_title,
       CASE WHEN c.source_ref IS NULL THEN c.source_url ELSE s.url END AS source_url,
       COALESCE(a.verdict, 'unassessed') AS verdict, a."on" AS assessed_on, a."by" AS assessed_by,
       c.file, c.line, c.position
FROM claims c
LEFT OUTER JOIN sources s ON s.rowid = (
  SELECT s2.rowid FROM sources s2 WHERE s2.id = c.source_ref ORDER BY s2.file, s2.line LIMIT 1)
LEFT OUTER JOIN (
  SELECT a.claim_id, a.verdict, a."on", a."by",
         ROW_NUMBER() OVER (PARTITION BY a.claim_id ORDER BY a."on" DESC, a.file DESC, a.line DESC) AS r
  FROM assessments a
) a ON a.claim_id = c.id AND a.r = 1
"""

VIEWS = {
    "current_predictions": CURRENT_PREDICTIONS,
    "scored_forecasts": SCORED_FORECASTS,
    "current_claims": CURRENT_CLAIMS,
}
assert PENDING == -1  # the CASE above reads every other outcome code as unresolved


def create_views(db, schema: str | None = None) -> None:
    """Create the views (after the tables), in `schema` when given."""
    for name, body in VIEWS.items():
        db.run(f"CREATE VIEW {_qualified(name, schema)} AS {body}")


def drop_views(db, schema: str | None = None) -> None:
    for name in reversed(list(VIEWS)):
        db.run(f"DROP VIEW IF EXISTS {_qualified(name, schema)}")


def _qualified(name: str, schema: str | None) -> str:
    return f'"{schema}".{name}' if schema else name

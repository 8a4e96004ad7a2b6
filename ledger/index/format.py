"""The index's format, in one place: what the refresh writes and the warm read checks.

Light on purpose (no SQLAlchemy): `ledger.index.warm` imports it on every read.
"""

from __future__ import annotations

from ..version import __version__

SCHEMA_VERSION = "11"  # 2: claims, sources, assessments; 3: covering indexes for scoring; 4: rejected ids;
# 5: ambiguous_ids and ledger_problems (duplicate ids left out of reads; one problem count for check and warnings);
# 6: question kinds, tables made from the record types, derived outcome columns (index.derive);
# 7: forecasts.ref (an imported forecast's id in its source);
# 8: sources, claims and assessments tables made from their record types (a claim's own source as source_* columns);
# 9: ledger_problems keyed by the record they belong to (a refresh recomputes what it touched); one index on
# outcomes' prediction ids
# 10: a ledger's identity in meta, BIGINT file times, text in byte order (COLLATE "C"), quoted column names,
#    about_key and by_key (folded for matching), the SQL views (index.views)
# 11: the stored problems hold a new check (an assessment dated before its claim's source was published)

# Problem messages are stored in the index, so a new version of pledger (new
# wording, new checks) rebuilds it as a schema change would.
INDEX_FORMAT = f"{SCHEMA_VERSION}/{__version__}"

# The meta table's key holding INDEX_FORMAT.
FORMAT_KEY = "schema_version"

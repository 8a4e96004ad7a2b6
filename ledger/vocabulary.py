"""The file format's fixed words and limits, as plain constants (no pydantic).

The top-level key of each kind of ledger file, the verdicts an assessment gives,
and the longest id. ledger.models validates records with them; readers that only
need the words (the scorecard's claims section, writing helpers) import them from
here and so never load the validation models.
"""

from __future__ import annotations

import re
from typing import Any

MAX_ID_LENGTH = 100

PREDICTIONS_KEY = "predictions"
FORECASTS_KEY = "forecasts"
RESULTS_KEY = "results"
CLAIMS_KEY = "claims"
SOURCES_KEY = "sources"  # lives in a claims file; a file may hold only sources
ASSESSMENTS_KEY = "assessments"
FILE_KINDS = (PREDICTIONS_KEY, FORECASTS_KEY, RESULTS_KEY, CLAIMS_KEY, ASSESSMENTS_KEY)

VERDICTS = ("supported", "partly-supported", "overstated", "contested", "refuted", "open")


def verdict(value: Any) -> Any:
    """A verdict as written by hand ("partly supported", "Partly_Supported") in its one spelling."""
    if isinstance(value, str):
        word = re.sub(r"[\s_]+", "-", value.strip().lower())
        if word in VERDICTS:
            return word
    raise ValueError(f"{value!r} is not a verdict; use one of {', '.join(VERDICTS)}")

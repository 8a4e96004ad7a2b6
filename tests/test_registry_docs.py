"""Every scoring rule is documented where it says, and docs/scoring.md's table is the registry's."""

from __future__ import annotations

import os
import re

from support import REPO

from ledger.scoring.registry import RULES, rules_table

DOC = REPO / "docs" / "scoring.md"


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_every_rule_points_at_a_heading_of_docs_scoring():
    anchors = {slug(line.lstrip("#")) for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("#")}
    missing = [(r.name, r.doc) for r in RULES if r.doc not in anchors]
    assert not missing, missing


def test_the_rules_table_in_the_docs_is_the_registry():
    text = DOC.read_text(encoding="utf-8")
    start, end = "<!-- rules:start -->\n", "<!-- rules:end -->"
    head, rest = text.split(start)
    table, tail = rest.split(end)
    if os.environ.get("PLEDGER_UPDATE_GOLDEN"):
        DOC.write_text(head + start + rules_table() + end + tail, encoding="utf-8")
        table = rules_table()
    assert table == rules_table(), "regenerate with PLEDGER_UPDATE_GOLDEN=1 pytest tests/test_registry_docs.py"


def test_rule_names_are_unique_and_every_rule_computes():
    assert len({r.name for r in RULES}) == len(RULES)
    assert all(callable(r.compute) for r in RULES)

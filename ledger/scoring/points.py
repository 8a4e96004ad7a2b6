"""The post's rule (ledger.post_rule, kept outside this package so that reading it loads no numpy)."""

from ..post_rule import RULE, points

__all__ = ["RULE", "points"]

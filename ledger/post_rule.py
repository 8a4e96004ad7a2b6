"""The post's rule, for one prediction or an array of them: o - p.

A prediction with probability p earns 1 - p if it happened (o = 1) and -p if
not (o = 0). Works on floats and on numpy arrays alike, without importing numpy.
It lives outside the scoring package (whose __init__ loads the engine and numpy)
so that `pledger list` prints points without loading them. Every figure of the
rule (each row's points, the gap's total) comes from here; scoring.points is
this module for the engine.
"""

from __future__ import annotations

RULE = "1 - p if it happened, -p if not"


def points(p, o):
    """1 - p where o is 1 (it happened), -p where o is 0."""
    return o - p

"""Fixtures for the scoring tests."""

import sys
from pathlib import Path

import numpy as np
import pytest

# The package is not installed in the venv and pyproject sets no pythonpath,
# so make the repository root importable for these tests.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

# The seed post's ten predictions (Casper, 2024-05-05) and what happened.
SEED_P = [0.99, 0.95, 0.8, 0.2, 0.2, 0.25, 0.05, 0.15, 0.1, 0.05]
SEED_O = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0]


@pytest.fixture
def seed_post():
    return np.array(SEED_P), np.array(SEED_O)


@pytest.fixture
def random_forecasts():
    """2,000 seeded forecasts in (0, 1) with outcomes drawn from them."""
    rng = np.random.default_rng(12345)
    p = rng.random(2000)
    o = (rng.random(2000) < p).astype(np.int64)
    return p, o

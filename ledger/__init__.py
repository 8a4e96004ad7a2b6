"""prediction-ledger: a plain-text ledger of probability-tagged predictions.

For notebooks: `ledger.open(root)` returns a LedgerBook (ledger.api) with
predictions(), score(), forecasts_frame(). Attributes load on first use, so
`import ledger` (and `pledger --help`) stays light.
"""

from .version import __version__

_LAZY = {"open": "open_ledger", "LedgerBook": "LedgerBook", "make_selection": "make_selection"}


def __getattr__(name: str):
    if name in _LAZY:
        from . import api

        return getattr(api, _LAZY[name])
    raise AttributeError(f"module 'ledger' has no attribute {name!r}")


__all__ = ["__version__", "open", "LedgerBook", "make_selection"]

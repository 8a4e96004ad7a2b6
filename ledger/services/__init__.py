"""The library API: open a ledger, select, add, forecast, resolve, check."""

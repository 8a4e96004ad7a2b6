"""`python -m ledger` is `pledger`."""

import sys

from ledger.cli import main

sys.exit(main())

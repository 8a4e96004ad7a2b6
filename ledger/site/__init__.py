"""The static track-record site: `pledger site -o public/` (ledger.site.build)."""

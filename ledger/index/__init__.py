"""The SQLite (SQLModel) index: derived from the YAML, refreshed before each read."""

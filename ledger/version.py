"""The package version (kept equal to pyproject.toml's; a test checks)."""

__version__ = "0.1.0"

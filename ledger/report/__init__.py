"""Markdown reports for posts: the scorecard and the claims report."""

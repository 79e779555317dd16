"""Stages 3-4, resolve and render: every page's Markdown, per reader language."""

"""The browser-facing adapter: the conversion script sites embed (and, later, the dashboard)."""

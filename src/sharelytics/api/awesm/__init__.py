"""The awe.sm API (v3): the Create API endpoints, each a small handler over one core call."""

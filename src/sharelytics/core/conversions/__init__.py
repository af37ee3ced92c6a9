"""Conversions: goals and pageviews attributed to the awe.sm link that drove the visit."""

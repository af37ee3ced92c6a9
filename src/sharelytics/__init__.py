"""sharelytics: self-hosted sharing analytics speaking the awe.sm and OneAll protocols."""

__version__ = "0.1.0"

"""HTTP adapters: the awe.sm and OneAll wire protocols over the core, and the glue they share (wire.py)."""

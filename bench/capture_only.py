"""sharelytics as served, minus the click writer: the redirect and its journal append, nothing else in process.

The bench serves this beside the real app to split the cost of a click in two: answering and journaling it (the
hot path, measured here) and classifying and storing it (the click pipeline, which `sharelytics serve` runs in a
thread of the same process, sharing its GIL). Clicks stay in the journal, durable; the bench counts them there.
"""

from __future__ import annotations

from starlette.types import ASGIApp

from sharelytics import app as composition


class _NoPipeline:
    def stop(self) -> None:
        """Nothing to drain: the journal keeps every click for a later writer."""

    def flush(self) -> int:
        return 0


def create_app() -> ASGIApp:
    composition.start_pipeline = lambda services: _NoPipeline()  # type: ignore[assignment,return-value]
    return composition.create_app()

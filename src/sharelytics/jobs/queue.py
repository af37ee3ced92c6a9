"""The huey instance for a deployment shape: SqliteHuey in the data directory (embedded), RedisHuey when
SHARELYTICS_REDIS_URL is set (scaled); and a consumer that runs in threads without touching signal handlers, so it
can live inside `sharelytics serve` (uvicorn owns the signals) or beside the click consumer in `worker`."""

from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer

from sharelytics.config import Settings

QUEUE_NAME = "sharelytics"
# An idle worker polls SqliteHuey at most this far apart: a new snapshot starts within half a second.
MAX_POLL = 0.5


def make_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        return RedisHuey(QUEUE_NAME, url=settings.redis_url, results=False, blocking=True, read_timeout=1)
    settings.data_path.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str((settings.data_path / "jobs.db").resolve()), results=False,
                      timeout=30)


class ThreadConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer with worker threads, started and stopped by its host process, which keeps the signals."""

    def _set_signal_handlers(self) -> None:
        pass


def make_consumer(huey: Huey, workers: int) -> ThreadConsumer:
    return ThreadConsumer(huey, workers=max(1, workers), worker_type="thread", periodic=True, initial_delay=0.05,
                          backoff=1.3, max_delay=MAX_POLL, scheduler_interval=1, check_worker_health=False)

"""Redis mode: journal segments -> a Redis stream -> `sharelytics worker` consumers -> the database.

The serve process still journals locally (no network call on the request path). `ClickForwarder` moves sealed
segments into the stream (pipelined XADD, then the segment is deleted); `ClickConsumer` reads the stream in a
consumer group, stores each batch with `ClickWriter.write` and only then XACKs it. A message is never lost: a
forwarder that dies before deleting its segment forwards it again, and a consumer that dies before XACK leaves its
messages pending until another consumer claims them (XAUTOCLAIM). Both replays are idempotent through click ids.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any, Sequence

import redis

from sharelytics.core.clicks.journal import ClickRecord, decode_line, new_writer_id
from sharelytics.core.clicks.segments import claim_segments
from sharelytics.core.clicks.writer import ClickWriter
from sharelytics.metrics import stored_clicks

log = logging.getLogger("sharelytics.clicks")

STREAM_KEY = "sharelytics:clicks"
GROUP = "sharelytics-click-writers"
FIELD = b"c"
# A message pending this long with a consumer is taken over: its consumer died (or is hopelessly stuck; a
# duplicate store is harmless). Larger than any batch takes to write.
DEFAULT_CLAIM_IDLE = 30.0

Message = tuple[bytes, dict[bytes, bytes] | None]


class ClickForwarder:
    """Moves sealed and orphaned journal segments into the Redis stream."""

    def __init__(self, client: redis.Redis, directory: Path, batch_size: int, stream: str = STREAM_KEY) -> None:
        self.client = client
        self.directory = directory
        self.batch_size = batch_size
        self.stream = stream

    def forward(self) -> int:
        """Forward every claimable segment; returns how many clicks went into the stream."""
        total = 0
        while True:
            claimed = list(claim_segments(self.directory, self.batch_size))
            if not claimed:
                return total
            try:
                pipe = self.client.pipeline(transaction=False)
                for segment in claimed:
                    for record in segment.records:
                        pipe.xadd(self.stream, {FIELD: record.to_line()})
                pipe.execute()
            except BaseException:
                for segment in claimed:
                    segment.release()
                raise
            for segment in claimed:
                total += len(segment.records)
                segment.consume()


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{new_writer_id()[-6:]}"


class ClickConsumer:
    """One consumer of the click stream's group; stores batches through the shared `ClickWriter`."""

    def __init__(
        self,
        client: redis.Redis,
        writer: ClickWriter,
        batch_size: int,
        *,
        claim_idle: float = DEFAULT_CLAIM_IDLE,
        name: str | None = None,
        stream: str = STREAM_KEY,
    ) -> None:
        self.client = client
        self.writer = writer
        self.batch_size = batch_size
        self.claim_idle_ms = max(0, int(claim_idle * 1000))
        self.name = name or consumer_name()
        self.stream = stream
        self._group_ready = False
        self._lock = threading.Lock()  # one batch at a time: flush() may run beside the background thread

    def ensure_group(self) -> None:
        if self._group_ready:
            return
        try:
            self.client.xgroup_create(self.stream, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise
        self._group_ready = True

    def consume_once(self, block: float | None = None) -> tuple[int, int]:
        """Store one batch: our own pending messages first, then those of dead consumers, then new ones.

        Returns (messages handled, clicks newly stored). `block` is how long to wait for new messages (seconds).
        """
        with self._lock:
            self.ensure_group()
            messages = self._own_pending() or self._claim_abandoned() or self._read_new(block)
            if not messages:
                return 0, 0
            stored = self._store(messages)
            return len(messages), stored

    def drain(self) -> int:
        """Consume until the stream has nothing for us; returns how many clicks were newly stored."""
        total = 0
        while True:
            handled, stored = self.consume_once()
            total += stored
            if not handled:
                return total

    def _own_pending(self) -> list[Message]:
        # Messages delivered to this consumer whose batch failed to store: retry them before anything new.
        reply = self.client.xreadgroup(GROUP, self.name, {self.stream: "0"}, count=self.batch_size)
        return _messages(reply)

    def _claim_abandoned(self) -> list[Message]:
        reply = self.client.xautoclaim(
            self.stream, GROUP, self.name, min_idle_time=self.claim_idle_ms, start_id="0-0", count=self.batch_size
        )
        return [m for m in reply[1] if m is not None]

    def _read_new(self, block: float | None) -> list[Message]:
        block_ms = None if not block else max(1, int(block * 1000))
        reply = self.client.xreadgroup(GROUP, self.name, {self.stream: ">"}, count=self.batch_size, block=block_ms)
        return _messages(reply)

    def _store(self, messages: Sequence[Message]) -> int:
        records = _records(messages)
        stored = stored_clicks(self.writer.write(records))
        # Committed: acknowledge and drop the messages (one group, so nobody else needs them).
        ids = [message_id for message_id, _ in messages]
        pipe = self.client.pipeline(transaction=False)
        pipe.xack(self.stream, GROUP, *ids)
        pipe.xdel(self.stream, *ids)
        pipe.execute()
        return stored


def _messages(reply: Any) -> list[Message]:
    """Flatten an XREADGROUP reply into (id, fields) pairs."""
    if not reply:
        return []
    if isinstance(reply, dict):  # RESP3: {stream: [[(id, fields), ...]]}
        batches = [entries[0] for entries in reply.values() if entries]
    else:  # RESP2: [[stream, [(id, fields), ...]]]
        batches = [entries for _stream, entries in reply]
    return [message for batch in batches for message in batch if message is not None]


def _records(messages: Sequence[Message]) -> list[ClickRecord]:
    records = []
    for message_id, fields in messages:
        record = decode_line(fields.get(FIELD, b"")) if fields else None
        if record is None:
            log.warning("dropping undecodable click stream message %r", message_id)
            continue
        records.append(record)
    return records


def run_consumer(consumer: ClickConsumer, stop: threading.Event, poll: float) -> int:
    """Consume until `stop` is set, blocking at most `poll` seconds per read; returns clicks stored."""
    total = 0
    while not stop.is_set():
        try:
            _handled, stored = consumer.consume_once(block=poll)
            total += stored
        except (redis.RedisError, OSError) as exc:
            log.warning("click stream unavailable (%s); retrying", exc)
            stop.wait(poll)
        except Exception:
            log.exception("storing a click batch failed; it stays pending and is retried")
            stop.wait(poll)
    return total

"""The click journal: a write-ahead log of raw clicks, appended on the request path.

One orjson line per click, one `os.write` to an `O_APPEND` file descriptor and no fsync: the page cache outlives a
killed process (kill -9), which is the durability target. Each process writes its own segment files and holds an
exclusive `flock` on the one it is writing, so a consumer in any process can tell a sealed or orphaned segment
(lockable) from one still being written (locked). Consuming segments lives in `segments.py`.
"""

from __future__ import annotations

import fcntl
import itertools
import logging
import os
import secrets
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path

import orjson

from sharelytics.metrics import count_captured

log = logging.getLogger("sharelytics.clicks")

SEGMENT_SUFFIX = ".jnl"
# A segment being created: not yet locked, so invisible to consumers. Left over only by a crash at creation.
UNPUBLISHED_SUFFIX = ".new"

# Bounds on what hostile requests can put in the journal (and later in the clicks table).
MAX_USER_AGENT = 512
MAX_REFERRER = 2048
MAX_IP = 64
MAX_ACCEPT_LANGUAGE = 100


@dataclass(frozen=True, slots=True)
class ClickRecord:
    """The raw facts of one click, as journaled: nothing classified, the IP not yet protected."""

    click_id: str
    link_id: int
    project_id: int
    ts: float
    user_agent: str | None
    ip: str | None
    referrer: str | None
    accept_language: str | None

    def to_line(self) -> bytes:
        return encode_line(
            self.click_id, self.link_id, self.project_id, self.ts,
            self.user_agent, self.ip, self.referrer, self.accept_language,
        )


def _bounded(value: str | None, limit: int) -> str | None:
    return value[:limit] if value else None


def encode_line(
    click_id: str,
    link_id: int,
    project_id: int,
    ts: float,
    user_agent: str | None,
    ip: str | None,
    referrer: str | None,
    accept_language: str | None,
) -> bytes:
    """One journal line; orjson escapes newlines and NULs, so a line never contains a raw newline."""
    fields = [
        click_id, link_id, project_id, ts,
        _bounded(user_agent, MAX_USER_AGENT), _bounded(ip, MAX_IP),
        _bounded(referrer, MAX_REFERRER), _bounded(accept_language, MAX_ACCEPT_LANGUAGE),
    ]
    try:
        return orjson.dumps(fields) + b"\n"
    except orjson.JSONEncodeError:
        # Lone surrogates cannot be UTF-8 encoded; keep the click with the offending characters replaced.
        fields[4:] = [_utf8_safe(v) for v in fields[4:]]  # type: ignore[arg-type]
        return orjson.dumps(fields) + b"\n"


def _utf8_safe(value: str | None) -> str | None:
    return value.encode("utf-8", "replace").decode("utf-8") if value else value


def decode_line(line: bytes) -> ClickRecord | None:
    """The record on one line, or None when the line is damaged (a torn last write, a stray byte)."""
    try:
        cid, link_id, project_id, ts, ua, ip, ref, lang = orjson.loads(line)
        return ClickRecord(str(cid), int(link_id), int(project_id), float(ts), ua, ip, ref, lang)
    except (orjson.JSONDecodeError, ValueError, TypeError):
        return None


def decode_lines(data: bytes) -> tuple[list[ClickRecord], int]:
    """Every intact record in a segment's bytes, and the number of damaged lines skipped."""
    records: list[ClickRecord] = []
    damaged = 0
    for line in data.split(b"\n"):
        if not line.strip():
            continue
        record = decode_line(line)
        if record is None:
            damaged += 1
        else:
            records.append(record)
    return records, damaged


def new_writer_id() -> str:
    """Per-process prefix of click ids and segment names: start time (hex seconds) + 40 random bits, 18 chars."""
    return f"{int(time.time()):08x}{secrets.token_hex(5)}"


class ClickJournal:
    """Appends clicks to this process's current segment in `directory`; rotates at `segment_bytes`."""

    def __init__(self, directory: Path, segment_bytes: int) -> None:
        self.directory = Path(directory)
        self.segment_bytes = max(int(segment_bytes), 4096)
        # Appends run on the event loop, rotations on the pipeline thread: one short lock between them.
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._path: Path | None = None
        self._written = 0
        self._reset_identity()
        # A forked child must not write into (or hold the lock of) its parent's segment.
        ref = weakref.ref(self)
        os.register_at_fork(after_in_child=lambda: (j := ref()) is not None and j._after_fork())

    def _reset_identity(self) -> None:
        self.writer_id = new_writer_id()
        self._ids = itertools.count(1)
        self._segments = itertools.count(1)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()
        if self._fd is not None:
            os.close(self._fd)  # only this process's copy; the parent keeps its lock
        self._fd, self._path, self._written = None, None, 0
        self._reset_identity()

    @property
    def current_segment(self) -> Path | None:
        return self._path

    def append(
        self,
        link_id: int,
        project_id: int,
        ts: float,
        user_agent: str | None,
        ip: str | None,
        referrer: str | None,
        accept_language: str | None,
    ) -> None:
        """Journal one click. Never raises into the redirect: an I/O failure is logged."""
        line = encode_line(
            f"{self.writer_id}{next(self._ids):x}", link_id, project_id, ts, user_agent, ip, referrer, accept_language
        )
        with self._lock:
            try:
                fd = self._fd if self._fd is not None else self._open_segment()
                os.write(fd, line)
            except OSError:
                log.exception("click journal write failed in %s", self.directory)
                return
            self._written += len(line)
            count_captured()
            if self._written >= self.segment_bytes:
                self._seal()

    def rotate(self) -> Path | None:
        """Seal the current segment (if it holds anything) so a consumer may take it; returns its path."""
        with self._lock:
            if self._fd is None or self._written == 0:
                return None
            return self._seal()

    def close(self) -> None:
        """Seal the current segment; a later append opens a new one."""
        with self._lock:
            if self._fd is not None:
                self._seal()

    def _open_segment(self) -> int:
        """Create, lock, then publish a segment: consumers only look at published names, so they never see it
        unlocked. The rename keeps the inode, and with it the lock."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):
            path = self.directory / f"{self.writer_id}-{next(self._segments):06d}{SEGMENT_SUFFIX}"
            staging = path.with_name(path.name + UNPUBLISHED_SUFFIX)
            fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
            try:
                # Held for as long as this process writes the segment; the kernel drops it if the process dies.
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a consumer is sweeping it as a leftover: leave it that one, take a new name
                os.close(fd)
                continue
            os.rename(staging, path)
            self._fd, self._path, self._written = fd, path, 0
            return fd
        raise OSError(f"could not lock a new click journal segment in {self.directory}")

    def _seal(self) -> Path | None:
        path = self._path
        if self._fd is not None:
            os.close(self._fd)  # releases the flock: the segment is now anyone's to consume
        self._fd, self._path, self._written = None, None, 0
        return path

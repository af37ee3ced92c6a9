"""The click journal: a write-ahead log of raw clicks, appended on the request path.

One orjson line per click, copied into a segment file mapped `MAP_SHARED`: no system call per click, and (unlike
`os.write`) no release of the GIL for another thread to take. No fsync: the page cache outlives a killed process
(kill -9), which is the durability target, exactly as it did for `os.write`. A segment is allocated at its full
size when it is opened (`posix_fallocate`: a full disk fails there, with an error, never as a SIGBUS on a store) and
truncated to its written end when it is sealed; the segment of a killed process keeps its tail of NULs, where a
reader stops (`decode_lines`). The pipeline's periodic rotation opens the next segment ahead, off the event loop,
with its first pages written (`rotate(reopen=True)`). Each process writes its own segment files and holds an
exclusive `flock` on the one it is writing, so a consumer in any process can tell a sealed or orphaned segment
(lockable) from one still being written (locked). Consuming segments lives in `segments.py`. See
docs/decisions/2026-11-23-mapped-click-journal.md, 2026-11-24-redirect-hot-path-without-locks.md (appends without
the lock) and 2026-11-24-one-string-link-keys-and-segments-opened-ahead.md.
"""

from __future__ import annotations

import fcntl
import itertools
import logging
import mmap
import os
import secrets
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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
# Bytes past a segment's recorded end that `_seal` checks for lines appended while it sealed: one line per appending
# thread at most, and a line is at most ~16 KiB (bounded fields, JSON-escaped).
TAIL_WINDOW = 1 << 20
# A segment opened ahead by `rotate(reopen=True)` gets its first pages written (with NULs) before any click lands
# there: twice what the sealed segment held, at least one block of NULs, at most the whole segment or 1,024 blocks
# (one `pwritev`, whose vector is at most IOV_MAX = 1,024 long on Linux). The block is allocated once.
_NULS = bytes(1 << 16)
PREWRITE_MAX = 1024 * len(_NULS)


class _Segment(NamedTuple):
    """A published, locked and mapped segment file."""

    path: Path
    fd: int
    map: mmap.mmap


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
    # Bounded inline (this runs on every redirect): a slice no shorter than the string is the string itself.
    fields = [
        click_id, link_id, project_id, ts,
        user_agent[:MAX_USER_AGENT] if user_agent else None, ip[:MAX_IP] if ip else None,
        referrer[:MAX_REFERRER] if referrer else None,
        accept_language[:MAX_ACCEPT_LANGUAGE] if accept_language else None,
    ]
    try:
        return orjson.dumps(fields, option=orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        # Lone surrogates cannot be UTF-8 encoded; keep the click with the offending characters replaced.
        fields[4:] = [_utf8_safe(v) for v in fields[4:]]  # type: ignore[arg-type]
        return orjson.dumps(fields, option=orjson.OPT_APPEND_NEWLINE)


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
    """Every intact record in a segment's bytes, and the number of damaged lines skipped.

    The trailing NULs are the unwritten rest of a segment that was never sealed (its process was killed): a line
    never ends in NUL (orjson escapes it, and every line ends with a newline)."""
    records: list[ClickRecord] = []
    damaged = 0
    for line in data.rstrip(b"\0").split(b"\n"):
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
    """Appends clicks to this process's current segment in `directory`; segments hold `segment_bytes`."""

    def __init__(self, directory: Path, segment_bytes: int) -> None:
        self.directory = Path(directory)
        self.segment_bytes = max(int(segment_bytes), 4096)
        # Taken to seal or open a segment (rotations run on the pipeline thread); an append takes it only when its
        # segment is full or gone (see `append`).
        self._lock = threading.Lock()
        self._fd: int | None = None
        self._map: mmap.mmap | None = None  # the segment being written; its position is the written end
        self._path: Path | None = None
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
        if self._map is not None:
            self._map.close()  # only this process's mapping; the parent's stays
        if self._fd is not None:
            os.close(self._fd)  # only this process's copy; the parent keeps its lock
        self._fd, self._map, self._path = None, None, None
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
        """Journal one click. Never raises into the redirect: an I/O failure is logged.

        The common case takes no lock: `mmap.write` copies the line at the segment's position and advances it in one
        C call under the GIL, so appends from several threads never interleave. A segment being sealed meanwhile is
        closed (the write raises ValueError, as it does on a full segment) and the slow path, under the lock, writes
        the line into a new one; `_seal` keeps any line that landed while it was sealing."""
        line = encode_line(
            f"{self.writer_id}{next(self._ids):x}", link_id, project_id, ts, user_agent, ip, referrer, accept_language
        )
        segment = self._map
        if segment is not None:
            try:
                segment.write(line)
            except ValueError:  # full, or closed by `_seal`
                pass
            else:
                count_captured()
                return
        self._append_locked(line)

    def _append_locked(self, line: bytes) -> None:
        with self._lock:
            try:
                segment = self._map
                if segment is None or segment.tell() + len(line) > len(segment):
                    if segment is not None:
                        self._seal()
                    self._path, self._fd, segment = self._create_segment(max(self.segment_bytes, len(line)))
                    self._map = segment
                segment.write(line)
            except OSError:
                log.exception("click journal write failed in %s", self.directory)
                return
            count_captured()

    def rotate(self, reopen: bool = False) -> Path | None:
        """Seal the current segment (if it holds anything) so a consumer may take it; returns its path.

        With `reopen` (the pipeline's periodic rotation, off the event loop) the next segment is opened here too,
        before the lock is taken, with its first pages written. Otherwise the next click opens it on the event
        loop, and the clicks after it take a page fault per page they reach: measured, 2.5 ms for the first write
        into an 8 MiB segment and 1 ms per MiB after it, against 0.35 ms per MiB into pages already written.
        `os.pwritev` and the file calls release the GIL, so that work runs beside the event loop. A segment opened
        ahead that is still empty at the next rotation is deleted, and none opened after it: an idle journal holds
        no segment (none to count as backlog, none growing old)."""
        current = self._map
        if current is None:
            return None
        try:
            written = current.tell()
        except ValueError:  # sealed meanwhile (a full segment, another rotation): this one has nothing to do
            return None
        successor = self._prepare(written) if reopen and written else None
        with self._lock:
            if self._map is not current:  # sealed or replaced meanwhile
                if successor is not None:
                    self._close(*successor)  # empty: deleted
                return None
            path = self._seal()
            if successor is not None:
                self._path, self._fd, self._map = successor
            return path

    def _prepare(self, written: int) -> _Segment | None:
        """A new segment with its first pages written; None (logged) when it cannot be made: the next click then
        opens one, as without `reopen`."""
        try:
            segment = self._create_segment(self.segment_bytes)
        except OSError:
            log.exception("could not open the next click journal segment in %s", self.directory)
            return None
        blocks, rest = divmod(min(self.segment_bytes, PREWRITE_MAX, max(len(_NULS), 2 * written)), len(_NULS))
        try:
            os.pwritev(segment.fd, [_NULS] * blocks + ([memoryview(_NULS)[:rest]] if rest else []), 0)
        except OSError:  # allocated, so this should not fail; the segment works without it
            log.exception("could not prepare click journal segment %s", segment.path)
        return segment

    def close(self) -> None:
        """Seal the current segment; a later append opens a new one."""
        with self._lock:
            if self._map is not None:
                self._seal()

    def _create_segment(self, size: int) -> _Segment:
        """Create, lock, allocate, then publish and map a segment: consumers only look at published names, so they
        never see it unlocked. The rename keeps the inode, and with it the lock."""
        self.directory.mkdir(parents=True, exist_ok=True)
        for _attempt in range(3):
            path = self.directory / f"{self.writer_id}-{next(self._segments):06d}{SEGMENT_SUFFIX}"
            staging = path.with_name(path.name + UNPUBLISHED_SUFFIX)
            fd = os.open(staging, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            try:
                # Held for as long as this process writes the segment; the kernel drops it if the process dies.
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # a consumer is sweeping it as a leftover: leave it that one, take a new name
                os.close(fd)
                continue
            try:
                os.posix_fallocate(fd, 0, size)
                segment = mmap.mmap(fd, size, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ | mmap.PROT_WRITE)
            except OSError:
                os.close(fd)
                staging.unlink(missing_ok=True)
                raise
            os.rename(staging, path)
            return _Segment(path, fd, segment)
        raise OSError(f"could not lock a new click journal segment in {self.directory}")

    def _seal(self) -> Path | None:
        """Close the current segment and cut it to its written end. The caller holds the lock."""
        path, fd, segment = self._path, self._fd, self._map
        self._fd, self._map, self._path = None, None, None  # appends from here on take the locked path
        return self._close(path, fd, segment)

    @staticmethod
    def _close(path: Path | None, fd: int | None, segment: mmap.mmap | None) -> Path | None:
        """Unmap a segment no longer current, cut it to its written end and release it; one never written is
        deleted instead (a segment opened ahead and not used). Returns its path, None when deleted."""
        try:
            if segment is not None and fd is not None:
                written = segment.tell()
                segment.close()  # an append still holding it now fails over to the locked path
                # A lock-free append may have landed between tell() and close(): lines never hold a NUL and the
                # unwritten rest is NULs, so the true end is where the NULs after `written` begin. `find` stops at
                # the first NUL (at once, without a race); `rstrip` walked the whole window with the GIL held,
                # about 3 ms per seal.
                tail = os.pread(fd, TAIL_WINDOW, written)
                end = tail.find(b"\0")
                written += len(tail) if end < 0 else end
                if written == 0 and path is not None:  # still locked by us: no consumer can have it
                    path.unlink(missing_ok=True)
                    path = None
                else:
                    os.ftruncate(fd, written)  # were this to fail, readers still stop at the NULs
        except OSError:
            log.exception("sealing click journal segment %s failed", path)
        finally:
            if fd is not None:
                os.close(fd)  # releases the flock: the segment is now anyone's to consume
        return path

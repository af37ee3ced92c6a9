"""Claiming journal segments for consumption, across processes.

A segment is consumed by whoever takes its exclusive `flock`: its writer holds the lock while it writes, so only
sealed segments and orphans of dead processes can be claimed. The claimant deletes the segment *before* it lets the
lock go, so a process that wins the lock afterwards finds the file unlinked (`st_nlink == 0`) and skips it. A
consumer that dies mid-way leaves the segment in place and unlocked: the next claimant replays it, and click ids make
that replay idempotent.
"""

from __future__ import annotations

import fcntl
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from sharelytics.core.clicks.journal import SEGMENT_SUFFIX, UNPUBLISHED_SUFFIX, ClickRecord, decode_lines

log = logging.getLogger("sharelytics.clicks")


@dataclass
class ClaimedSegment:
    """A segment this process holds the lock of, with the records read from it."""

    path: Path
    fd: int
    records: list[ClickRecord] = field(default_factory=list)

    def consume(self) -> None:
        """Everything in it is safely stored elsewhere: delete it, then release the lock."""
        try:
            self.path.unlink(missing_ok=True)
        finally:
            self.release()

    def release(self) -> None:
        """Give the segment back untouched (the batch failed): a later claim replays it."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def segment_paths(directory: Path) -> list[Path]:
    """Segments in the order they were written (names start with the writer's start time, then a sequence)."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.name.endswith(SEGMENT_SUFFIX))


def oldest_segment_age(directory: Path) -> float:
    """Seconds since the oldest segment in `directory` was last written (0 when there is none): about how long its
    clicks have waited, since a serve process seals its segment every `flush_interval`."""
    ages = []
    for path in segment_paths(directory):
        try:
            ages.append(time.time() - path.stat().st_mtime)
        except OSError:  # consumed meanwhile
            continue
    return max(ages, default=0.0)


def try_claim(path: Path) -> ClaimedSegment | None:
    """Lock and read one segment, or None if it is being written, claimed elsewhere, or already gone."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    if os.fstat(fd).st_nlink == 0:  # consumed by another process between our open and our lock
        os.close(fd)
        return None
    segment = ClaimedSegment(path, fd)
    try:
        segment.records = _read_records(fd, path)
    except BaseException:
        segment.release()
        raise
    return segment


def _read_records(fd: int, path: Path) -> list[ClickRecord]:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    records, damaged = decode_lines(b"".join(chunks))
    if damaged:
        log.warning("skipped %d damaged line(s) in click journal segment %s", damaged, path.name)
    return records


def sweep_unpublished(directory: Path) -> None:
    """Delete segments a crashed process created but never published (always empty: writes follow publication)."""
    for path in directory.glob(f"*{SEGMENT_SUFFIX}{UNPUBLISHED_SUFFIX}") if directory.is_dir() else ():
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            path.unlink(missing_ok=True)
        except BlockingIOError:
            pass  # its writer is about to publish it
        finally:
            os.close(fd)


def claim_segments(directory: Path, max_records: int) -> Iterator[ClaimedSegment]:
    """Claim published segments oldest first until at least `max_records` records are held (or none are left)."""
    held = 0
    for path in segment_paths(directory):
        if held >= max_records:
            return
        segment = try_claim(path)
        if segment is None:
            continue
        if not segment.records:  # empty or wholly damaged: nothing to store
            segment.consume()
            continue
        held += len(segment.records)
        yield segment

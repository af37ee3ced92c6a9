import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from sharelytics.core.clicks.journal import ClickJournal
from sharelytics.core.clicks.segments import claim_segments, segment_paths, sweep_unpublished, try_claim

WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from sharelytics.core.clicks.journal import ClickJournal
    journal = ClickJournal(Path(sys.argv[1]), 1 << 20)
    for i in range(int(sys.argv[2])):
        journal.append(i + 1, 1, time.time(), "ua", "192.0.2.1", None, None)
    print("ready", flush=True)
    time.sleep(60)
    """
)


def start_writer(directory: Path, clicks: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(directory), str(clicks)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_a_live_process_segment_cannot_be_claimed_until_it_dies(tmp_path: Path) -> None:
    proc = start_writer(tmp_path, 5)
    try:
        (path,) = segment_paths(tmp_path)
        assert try_claim(path) is None
        assert list(claim_segments(tmp_path, 100)) == []
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert path.stat().st_size == 1 << 20  # never sealed: allocated whole, NULs after the last click
    claimed = try_claim(path)  # an orphan now: the kernel released the dead writer's lock
    assert claimed is not None
    assert [r.link_id for r in claimed.records] == [1, 2, 3, 4, 5]
    claimed.consume()
    assert segment_paths(tmp_path) == []


def test_a_claimed_segment_is_not_claimed_twice(tmp_path: Path) -> None:
    journal = ClickJournal(tmp_path, 1 << 20)
    journal.append(1, 1, time.time(), None, None, None, None)
    path = journal.rotate()
    first = try_claim(path)
    assert first is not None
    assert try_claim(path) is None  # held by the first claimant
    opened_before_consume = os.open(path, os.O_RDONLY)
    first.consume()
    assert try_claim(path) is None  # gone
    os.close(opened_before_consume)


def test_released_segment_is_replayed(tmp_path: Path) -> None:
    journal = ClickJournal(tmp_path, 1 << 20)
    journal.append(1, 1, time.time(), None, None, None, None)
    path = journal.rotate()
    claimed = try_claim(path)
    claimed.release()  # the batch failed
    again = try_claim(path)
    assert again is not None and len(again.records) == 1


def test_claim_segments_stops_near_the_batch_size_and_drops_empty_ones(tmp_path: Path) -> None:
    journal = ClickJournal(tmp_path, 1 << 20)
    (tmp_path / "0000-empty.jnl").write_bytes(b"")
    for _ in range(3):
        for _ in range(10):
            journal.append(1, 1, time.time(), None, None, None, None)
        journal.rotate()
    claimed = list(claim_segments(tmp_path, 15))
    assert [len(s.records) for s in claimed] == [10, 10]
    assert not (tmp_path / "0000-empty.jnl").exists()
    for segment in claimed:
        segment.release()


def test_unpublished_leftovers_are_swept_and_never_claimed(tmp_path: Path) -> None:
    leftover = tmp_path / "0000-000001.jnl.new"
    leftover.write_bytes(b"")
    assert segment_paths(tmp_path) == []
    sweep_unpublished(tmp_path)
    assert not leftover.exists()


def test_a_writer_never_loses_its_segment_to_a_racing_consumer(tmp_path: Path) -> None:
    journal = ClickJournal(tmp_path, 1 << 20)
    total = 0
    for _ in range(300):  # every append opens a fresh segment while a consumer sweeps the directory
        journal.append(1, 1, time.time(), None, None, None, None)
        for segment in claim_segments(tmp_path, 1000):
            total += len(segment.records)
            segment.consume()
        sweep_unpublished(tmp_path)
        journal.rotate()
    for segment in claim_segments(tmp_path, 1000):
        total += len(segment.records)
        segment.consume()
    assert total == 300

import os
import sys
import threading

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from sharelytics.core.clicks.journal import (
    MAX_REFERRER,
    MAX_USER_AGENT,
    ClickJournal,
    decode_line,
    decode_lines,
    encode_line,
)
from sharelytics.core.clicks.segments import segment_paths, try_claim

UA = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"


def append(journal: ClickJournal, link_id: int = 1, ua: str | None = UA) -> None:
    journal.append(link_id, 7, 1_700_000_000.25, ua, "203.0.113.9", "https://t.co/x", "en-US,en;q=0.9")


def read_all(journal: ClickJournal) -> list:
    records = []
    for path in segment_paths(journal.directory):
        records.extend(decode_lines(path.read_bytes())[0])
    return records


def test_append_writes_one_line_per_click(journal: ClickJournal) -> None:
    for link_id in range(1, 4):
        append(journal, link_id)
    records = read_all(journal)
    assert [r.link_id for r in records] == [1, 2, 3]
    first = records[0]
    assert (first.project_id, first.ts, first.user_agent, first.ip) == (7, 1_700_000_000.25, UA, "203.0.113.9")
    assert (first.referrer, first.accept_language) == ("https://t.co/x", "en-US,en;q=0.9")


def test_click_ids_are_unique_and_fit_the_column(tmp_path) -> None:
    one, two = ClickJournal(tmp_path, 1 << 20), ClickJournal(tmp_path, 1 << 20)  # two processes, one directory
    for _ in range(500):
        append(one)
        append(two)
    # Segments still being written end in NULs (preallocated): each is decoded on its own, as a consumer does.
    ids = [r.click_id for p in segment_paths(tmp_path) for r in decode_lines(p.read_bytes())[0]]
    assert len(ids) == len(set(ids)) == 1000
    assert max(len(i) for i in ids) <= 32
    assert len(segment_paths(tmp_path)) == 2  # each writer has its own segment


def test_rotates_at_segment_bytes(tmp_path) -> None:
    journal = ClickJournal(tmp_path, segment_bytes=4096)
    for _ in range(100):
        append(journal)
    paths = segment_paths(tmp_path)
    assert len(paths) > 1
    assert all(p.stat().st_size < 4096 + 1024 for p in paths)
    assert len(read_all(journal)) == 100


def test_rotate_seals_the_current_segment(journal: ClickJournal) -> None:
    assert journal.rotate() is None  # nothing written yet
    append(journal)
    current = journal.current_segment
    assert current is not None and try_claim(current) is None  # locked by its writer
    assert journal.rotate() == current
    claimed = try_claim(current)
    assert claimed is not None and len(claimed.records) == 1
    claimed.consume()
    append(journal)
    assert journal.current_segment != current


def test_a_rotation_can_open_the_next_segment_ahead(journal: ClickJournal) -> None:
    """The pipeline's rotation opens the next segment itself (off the event loop): the next click lands in it. One
    still empty at the next rotation is deleted, and no other is opened: an idle journal holds no segment."""
    append(journal)
    first = journal.current_segment
    assert journal.rotate(reopen=True) == first
    ahead = journal.current_segment
    assert ahead is not None and ahead != first and try_claim(ahead) is None  # published, and locked by its writer
    assert ahead.stat().st_size == journal.segment_bytes  # its first pages written, never past its end
    append(journal, link_id=2)
    assert journal.current_segment == ahead
    assert journal.rotate(reopen=True) == ahead
    unused = journal.current_segment
    assert unused is not None and unused.exists()
    assert journal.rotate(reopen=True) is None  # idle since: dropped
    assert journal.current_segment is None and not unused.exists()
    assert segment_paths(journal.directory) == [first, ahead]
    assert [r.link_id for r in read_all(journal)] == [1, 2]
    assert all(b"\0" not in p.read_bytes() for p in (first, ahead))
    append(journal, link_id=3)  # the next click opens a segment, as before any rotation
    assert journal.rotate(reopen=True) is not None and journal.current_segment is not None
    journal.close()  # one opened ahead and never written leaves no file behind
    assert [r.link_id for r in read_all(journal)] == [1, 2, 3] and len(segment_paths(journal.directory)) == 3


def test_appends_racing_rotations_lose_and_repeat_nothing(tmp_path) -> None:
    """Appends take no lock: threads appending while another seals segments (and segments fill up) must still leave
    every click exactly once in the sealed segments."""
    journal = ClickJournal(tmp_path, 4096)  # small segments: appends also race the rotation on a full segment
    threads, per_thread, done = 4, 3000, threading.Event()

    def appender(link_id: int) -> None:
        for _ in range(per_thread):
            append(journal, link_id)

    failures: list[BaseException] = []

    def rotator() -> None:
        reopen = False
        while not done.is_set():
            try:  # both ways: the next segment opened here, or by the next append
                journal.rotate(reopen=reopen)
            except BaseException as exc:  # a rotation racing a full segment's seal must not fail
                failures.append(exc)
                return
            reopen = not reopen

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # hand the GIL over as often as possible, between any two steps
    try:
        workers = [threading.Thread(target=appender, args=(n,)) for n in range(1, threads + 1)]
        sealer = threading.Thread(target=rotator)
        for thread in [sealer, *workers]:
            thread.start()
        for thread in workers:
            thread.join()
        done.set()
        sealer.join()
        assert failures == []
    finally:
        sys.setswitchinterval(switch)
    journal.close()
    paths = segment_paths(tmp_path)
    assert all(b"\0" not in p.read_bytes() for p in paths)  # every segment cut to its written end
    records = read_all(journal)
    assert len({r.click_id for r in records}) == len(records) == threads * per_thread
    assert sorted(r.link_id for r in records) == sorted(n for n in range(1, threads + 1) for _ in range(per_thread))


def test_a_line_appended_while_sealing_is_kept(journal: ClickJournal) -> None:
    """The race the racing test above can only hit by chance, made certain: a lock-free append lands between the
    sealer reading the segment's end and closing it."""
    append(journal)
    mapped = journal._map
    assert mapped is not None

    class AppendDuringSeal:
        raced = False

        def tell(self) -> int:
            end = mapped.tell()
            if not self.raced:
                self.raced = True
                mapped.write(encode_line("raced", 9, 7, 1.0, None, None, None, None))
            return end

        def __getattr__(self, name: str):
            return getattr(mapped, name)

    journal._map = AppendDuringSeal()  # type: ignore[assignment]
    path = journal.current_segment
    journal.close()
    assert path is not None and b"\0" not in path.read_bytes()
    assert [r.link_id for r in decode_lines(path.read_bytes())[0]] == [1, 9]


def test_a_rotation_whose_segment_was_sealed_meanwhile_does_nothing(journal: ClickJournal) -> None:
    """`rotate` reads the segment's end before it takes the lock (it opens the next segment first, unlocked): a seal
    in between, by a full segment's append or another rotation, has closed the map, and `tell` raises."""
    append(journal)
    mapped = journal._map
    assert mapped is not None

    class SealedMeanwhile:
        def tell(self) -> int:
            raise ValueError("mmap closed or invalid")

    journal._map = SealedMeanwhile()  # type: ignore[assignment]
    assert journal.rotate(reopen=True) is None
    journal._map = mapped
    assert [r.link_id for r in read_all(journal)] == [1]
    assert len(segment_paths(journal.directory)) == 1  # no segment opened ahead for nothing


def test_hostile_fields_are_bounded(journal: ClickJournal) -> None:
    journal.append(1, 1, 1.0, "A" * 100_000, "9" * 1000, "http://x/" + "r" * 100_000, "en," * 10_000)
    record = read_all(journal)[0]
    assert len(record.user_agent) == MAX_USER_AGENT
    assert len(record.referrer) == MAX_REFERRER
    assert len(record.ip) <= 64 and len(record.accept_language) <= 100


def test_a_truncated_last_line_is_skipped(journal: ClickJournal) -> None:
    for _ in range(3):
        append(journal)
    path = journal.rotate()
    data = path.read_bytes()
    path.write_bytes(data[:-25])  # a torn last write
    claimed = try_claim(path)
    assert claimed is not None and len(claimed.records) == 2


def test_a_sealed_segment_is_cut_to_its_written_end(journal: ClickJournal) -> None:
    append(journal)
    path = journal.rotate()
    assert path is not None and path.read_bytes().count(b"\n") == 1 and b"\0" not in path.read_bytes()


def test_damaged_lines_anywhere_are_skipped() -> None:
    good = encode_line("c1", 1, 1, 1.0, None, None, None, None)
    records, damaged = decode_lines(good + b"\x00\xff garbage\n" + b'["c2", "x"]\n' + good.rstrip(b"\n"))
    assert [r.click_id for r in records] == ["c1", "c1"]
    assert damaged == 2


def test_lone_surrogates_are_replaced_not_lost() -> None:
    record = decode_line(encode_line("c1", 1, 1, 1.0, "bad \udc80 agent", None, None, None))
    assert record is not None and record.user_agent == "bad ? agent"


def test_a_closed_journal_reopens_on_append(journal: ClickJournal) -> None:
    append(journal)
    journal.close()
    append(journal)
    assert len(read_all(journal)) == 2


def test_a_forked_child_writes_its_own_segment(journal: ClickJournal) -> None:
    append(journal)
    pid = os.fork()
    if pid == 0:  # the child: must not write into its parent's (locked) segment
        try:
            append(journal, link_id=2)
            journal.close()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    journal.close()
    paths = segment_paths(journal.directory)
    assert len(paths) == 2
    prefixes = {p.name.split("-")[0] for p in paths}
    assert len(prefixes) == 2


text = st.one_of(st.none(), st.text(max_size=600))


@settings(max_examples=300, deadline=None)
@given(ua=text, ref=text, lang=text, ip=text, link_id=st.integers(1, 2**53), ts=st.floats(0, 4e9))
def test_line_round_trip(ua, ref, lang, ip, link_id, ts) -> None:
    line = encode_line("cid", link_id, 3, ts, ua, ip, ref, lang)
    assert line.endswith(b"\n") and line.count(b"\n") == 1  # newlines in fields never split a line
    record = decode_line(line)
    assert record is not None
    assert (record.link_id, record.project_id, record.ts) == (link_id, 3, ts)
    assert record.user_agent == (ua[:MAX_USER_AGENT] if ua else None)
    assert record.referrer == (ref[:MAX_REFERRER] if ref else None)
    assert record.accept_language == (lang[:100] if lang else None)
    assert orjson.loads(line)[0] == "cid"


def test_a_full_disk_fails_the_append_not_the_redirect(journal: ClickJournal, monkeypatch) -> None:
    def no_space(fd: int, offset: int, length: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "posix_fallocate", no_space)
    append(journal)  # logged, never raised into the redirect, and never a SIGBUS later on a store
    assert journal.current_segment is None
    assert list(journal.directory.iterdir()) == []  # no half-made segment left behind
    monkeypatch.undo()
    append(journal)
    assert len(read_all(journal)) == 1

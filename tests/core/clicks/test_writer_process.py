"""The embedded click writer process holds off while its server is saturated, for a bounded time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from sharelytics.core.clicks.segments import oldest_segment_age
from sharelytics.core.clicks.writer_process import ServerLoad, holding_off


@pytest.mark.parametrize(("busy", "waited", "defer", "holds"), [
    (True, 1.0, 30.0, True),  # a burst: the redirect keeps the machine
    (True, 31.0, 30.0, False),  # the oldest click has waited long enough: store even under load
    (False, 1.0, 30.0, False),  # the server has CPU to spare
    (True, 1.0, 0.0, False),  # deferral turned off
])
def test_the_writer_holds_off_only_for_a_saturated_server_and_a_young_backlog(busy: bool, waited: float,
                                                                               defer: float, holds: bool) -> None:
    assert holding_off(busy, waited, defer) is holds


def test_server_load_tells_a_busy_process_from_an_idle_one() -> None:
    load = ServerLoad(os.getpid())
    started = time.perf_counter()
    while time.perf_counter() - started < 0.3:  # one CPU, fully used
        pass
    assert load.busy()
    time.sleep(0.3)
    assert not load.busy()


def test_a_process_that_is_gone_is_never_busy() -> None:
    assert not ServerLoad(2**22 + 12345).busy()


def test_the_oldest_segment_age_is_how_long_its_clicks_have_waited(tmp_path: Path) -> None:
    assert oldest_segment_age(tmp_path / "missing") == 0.0
    old, new = tmp_path / "a-000001.jnl", tmp_path / "a-000002.jnl"
    old.write_bytes(b"x\n")
    new.write_bytes(b"y\n")
    os.utime(old, (time.time() - 40, time.time() - 40))
    assert 39 < oldest_segment_age(tmp_path) < 60

from sharelytics.core.links.lru import MISS, Lru


def test_a_used_entry_gets_a_second_chance_and_an_unused_one_goes() -> None:
    lru: Lru[str, int] = Lru(3)
    for i, key in enumerate("abc"):
        lru.put(key, i, expires=100.0)
    assert lru.hit("a", now=1.0) == 0  # flags a: the oldest, but used
    lru.put("d", 3, expires=100.0)
    assert [lru.get(k, 1.0) for k in "abcd"] == [0, MISS, 2, 3]


def test_second_chances_are_bounded_when_every_entry_is_used() -> None:
    lru: Lru[int, int] = Lru(Lru.SECOND_CHANCES * 4)
    for key in range(lru.size):
        lru.put(key, key, expires=100.0)
        lru.hit(key, now=1.0)
    lru.put(-1, -1, expires=100.0)
    assert len(lru) == lru.size and lru.get(-1, 1.0) == -1
    assert sum(lru.get(key, 1.0) is MISS for key in range(lru.size)) == 1


def test_expired_entries_are_not_hits_and_stale_ones_are_answered_once_flagged() -> None:
    lru: Lru[str, int] = Lru(4)
    lru.put("k", 1, expires=10.0)
    assert lru.hit("k", now=11.0) is None
    assert lru.get_stale("k", now=11.0, grace=5.0) == (1, True)  # expiry pushed to 16: one caller refreshes
    assert lru.get_stale("k", now=12.0, grace=5.0) == (1, False)
    assert lru.get_stale("k", now=30.0, grace=5.0) == (MISS, False) and len(lru) == 0


def test_update_where_keeps_expiry_and_drop_where_drops() -> None:
    lru: Lru[str, int] = Lru(4)
    lru.put("a", 1, expires=10.0)
    lru.put("b", 2, expires=20.0)
    assert lru.update_where(lambda _k, v: v == 1, lambda v: v * 10) == 1
    assert lru.get("a", 5.0) == 10 and lru.get("a", 11.0) is MISS
    assert lru.drop_where(lambda k, _v: k == "b") == 1 and len(lru) == 0

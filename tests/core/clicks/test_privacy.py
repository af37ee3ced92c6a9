import pytest

from sharelytics.core.clicks.privacy import parse_ip, protect_ip

SECRET = "s3cret"


@pytest.mark.parametrize(
    ("mode", "raw", "expected"),
    [
        ("full", "203.0.113.77", "203.0.113.77"),
        ("full", "2001:db8:abcd:12::1", "2001:db8:abcd:12::1"),
        ("truncated", "203.0.113.77", "203.0.113.0"),
        ("truncated", "2001:db8:abcd:12:34:56:78:9", "2001:db8:abcd::"),
        ("truncated", "::ffff:198.51.100.9", "198.51.100.0"),
        ("none", "203.0.113.77", None),
        ("none", "2001:db8::1", None),
        ("full", None, None),
        ("full", "not-an-ip", None),
        ("truncated", "203.0.113.77:443", None),
        ("unheard-of", "203.0.113.77", None),
    ],
)
def test_modes(mode: str, raw: str | None, expected: str | None) -> None:
    assert protect_ip(raw, mode, SECRET) == expected


@pytest.mark.parametrize("raw", ["203.0.113.77", "2001:db8::1"])
def test_hashed_is_keyed_stable_and_32_hex(raw: str) -> None:
    hashed = protect_ip(raw, "hashed", SECRET)
    assert hashed is not None and len(hashed) == 32 and int(hashed, 16) >= 0
    assert hashed == protect_ip(raw, "hashed", SECRET)
    assert hashed != protect_ip(raw, "hashed", "another secret")
    assert raw not in hashed


def test_hashed_sees_one_address_in_two_spellings() -> None:
    assert protect_ip("::ffff:203.0.113.77", "hashed", SECRET) == protect_ip("203.0.113.77", "hashed", SECRET)
    assert protect_ip("2001:DB8:0::1", "hashed", SECRET) == protect_ip("2001:db8::1", "hashed", SECRET)


def test_parse_ip_unwraps_mapped_ipv4() -> None:
    assert str(parse_ip(" ::ffff:192.0.2.1 ")) == "192.0.2.1"
    assert parse_ip("") is None

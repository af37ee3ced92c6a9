"""Redirection patterns: the reference's recorded outputs, escaping and trimming, click-time values, management."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from sharelytics.core.links.create import NewLink, create_link
from sharelytics.core.links.domains import ensure_shared_domain
from sharelytics.core.links.model import LinkMetadata
from sharelytics.core.links.patterns import (
    FIELD_PLACEHOLDERS,
    GA_PATTERN,
    InvalidPattern,
    PatternNotFound,
    apply_pattern,
    check_pattern,
    disable_pattern,
    fill_click_time,
    find_pattern,
    list_patterns,
    redirect_target,
    set_pattern,
)
from tests.conftest import ProjectFixture

PLANCAST = "http://plancast.com/p/6xfs/silicon-valley-tweetup-summer-2011"
DEMO = {"campaign": None, "domain": "demo.awe.sm", "channel": "copypaste", "tool": "test-main"}
CUTEONME = ("http://www.cuteon.me/opinion.php?url=%escaped_original_url%&sharer=%user_id_username%"
            "&sharer_icon_url=%user_id_icon_url%&message=%notes%&awesm=%awesm_id%")


def test_the_ga_pattern_reproduces_the_reference_fixture() -> None:
    target = redirect_target(GA_PATTERN, DEMO, PLANCAST, None)
    assert target.redirect_url == (
        f"{PLANCAST}?utm_campaign=&utm_medium=demo.awe.sm-copypaste&utm_source=direct-demo.awe.sm&utm_content=test-main"
    )
    assert target.template is not None
    assert fill_click_time(target.template, None) == target.redirect_url
    assert "&utm_source=t.co-demo.awe.sm&" in fill_click_time(target.template, "t.co")


def test_the_cuteonme_pattern_is_a_whole_url_with_plus_for_spaces() -> None:
    fields = {"user_id_username": "bhiles", "user_id_icon_url": None, "notes": "cute on me right?",
              "awesm_id": "CuteOn.Me_2W"}
    target = redirect_target(CUTEONME, fields, "http://www.cuteon.me", None)
    assert target.template is None  # nothing varies per click
    assert target.redirect_url == ("http://www.cuteon.me/opinion.php?url=http%3A%2F%2Fwww.cuteon.me&sharer=bhiles"
                                   "&sharer_icon_url=&message=cute+on+me+right%3F&awesm=CuteOn.Me_2W")
    query = dict(parse_qsl(urlsplit(target.redirect_url).query, keep_blank_values=True))
    assert (query["url"], query["message"], query["sharer_icon_url"]) == (
        "http://www.cuteon.me", "cute on me right?", "")


def test_a_conversion_domain_appends_awesm_like_shelby() -> None:
    assert redirect_target(None, {}, "http://henrysztul.info", "shl.by_4").redirect_url == (
        "http://henrysztul.info?awesm=shl.by_4")
    with_query = redirect_target(GA_PATTERN, DEMO, "http://a.example/?x=1", "demo.awe.sm_K7e").redirect_url
    assert with_query.startswith("http://a.example/?x=1&utm_campaign=")
    assert with_query.endswith("&utm_content=test-main&awesm=demo.awe.sm_K7e")


def test_values_are_escaped_and_the_original_url_is_not() -> None:
    url = apply_pattern("%original_url%?n=%notes%&o=%escaped_original_url%", {"notes": "a&b=c d/\u00e9"},
                        "http://a.example/p?q=1")
    assert url == "http://a.example/p?q=1&n=a%26b%3Dc%20d%2F%C3%A9&o=http%3A%2F%2Fa.example%2Fp%3Fq%3D1"


def test_values_are_trimmed_to_128_characters_but_the_original_url_is_not() -> None:
    long_url = "http://a.example/" + "p" * 300
    url = apply_pattern("%original_url%?n=%notes%&o=%escaped_original_url%", {"notes": "x" * 200}, long_url)
    query = dict(parse_qsl(urlsplit(url).query))
    assert query == {"n": "x" * 128, "o": long_url}


def test_unknown_placeholders_are_left_as_written_and_missing_values_are_empty() -> None:
    assert apply_pattern("%original_url%?a=%nope%&b=%tag%", {}, "http://a.example/") == (
        "http://a.example/?a=%nope%&b=")


def test_the_fragment_stays_last_and_bare_keys_stay_bare() -> None:
    assert apply_pattern("%original_url%?flag&t=%tag%", {"tag": "x"}, "http://a.example/p#top") == (
        "http://a.example/p?flag&t=x#top")


@pytest.mark.parametrize("pattern", [GA_PATTERN, CUTEONME, "%original_url%", "https://r.example/%path%?s=%service%",
                                     "http://r.example/caf%c3%a9?x=%ef%bb%bf"])
def test_usable_patterns_pass_the_check(pattern: str) -> None:
    assert check_pattern(f"  {pattern} ") == pattern


@pytest.mark.parametrize("pattern", ["", "ftp://r.example/?n=%notes%", "r.example/?n=%notes%", "%original_url%x=1",
                                     "%original_url%?c=%campain%", "http://r.example/a b"])
def test_unusable_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(InvalidPattern):
        check_pattern(pattern)


def test_patterns_are_set_replaced_listed_and_disabled(engine: Engine, project: ProjectFixture) -> None:
    fx = project.project
    set_pattern(engine, fx, "https://Developers.awe.sm/page", "%original_url%?a=1")
    set_pattern(engine, fx, "developers.awe.sm", GA_PATTERN)
    set_pattern(engine, fx, "*", "%original_url%?any=1")
    assert [(p.hostname, p.pattern, p.enabled) for p in list_patterns(engine, fx)] == [
        ("*", "%original_url%?any=1", True), ("developers.awe.sm", GA_PATTERN, True)]
    with engine.connect() as conn:
        assert find_pattern(conn, fx.id, "http://developers.awe.sm/x") == GA_PATTERN
        assert find_pattern(conn, fx.id, "http://other.example/") == "%original_url%?any=1"
    assert disable_pattern(engine, fx, "DEVELOPERS.awe.sm").enabled is False
    with engine.connect() as conn:
        assert find_pattern(conn, fx.id, "http://developers.awe.sm/x") == "%original_url%?any=1"
    with pytest.raises(PatternNotFound):
        disable_pattern(engine, fx, "nowhere.example")
    with pytest.raises(InvalidPattern):
        set_pattern(engine, fx, "a b", GA_PATTERN)


def test_every_field_placeholder_is_filled_at_creation(engine: Engine, project: ProjectFixture) -> None:
    pattern = "http://r.example/?" + "&".join(f"{name}=%{name}%" for name in sorted(FIELD_PLACEHOLDERS))
    set_pattern(engine, project.project, "*", pattern)
    domain = ensure_shared_domain(engine, "demo.awe.sm")
    link = create_link(engine, project.project, project.tool, domain,
                       NewLink("http://a.example/", LinkMetadata(channel="twitter", notes="hi", user_id="7",
                                                                 user_id_username="bo")))
    query = dict(parse_qsl(urlsplit(link.redirect_url).query, keep_blank_values=True))
    assert set(query) == FIELD_PLACEHOLDERS
    assert "%" not in link.redirect_url.replace("%3A", "").replace("%2F", "")
    assert (query["awesm_id"], query["tool"], query["service"], query["username"]) == (
        link.awesm_id, "test-main", "twitter", "bo")


_VALUES = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)  # HTTP input never has lone surrogates
_FIELDS = ("campaign", "channel", "notes", "tag", "user_id_username")


@settings(max_examples=200, deadline=None)
@given(values=st.fixed_dictionaries({name: st.one_of(st.none(), _VALUES) for name in _FIELDS}),
       original=st.sampled_from(["http://a.example/", "https://a.example/p?x=1", "http://a.example/p#frag"]),
       whole_url=st.booleans(), referrer=st.one_of(st.none(), st.sampled_from(["t.co", "news.example.org"])))
def test_any_values_give_an_absolute_url_whose_query_decodes_to_the_trimmed_values(
    values: dict[str, str | None], original: str, whole_url: bool, referrer: str | None
) -> None:
    params = "&".join(f"v_{name}=%{name}%" for name in _FIELDS) + "&src=%referrer%"
    pattern = f"https://r.example/go?{params}" if whole_url else f"%original_url%?{params}"
    target = redirect_target(pattern, values, original, "demo.awe.sm_K7e")
    url = fill_click_time(target.template or target.redirect_url, referrer)
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https") and parts.hostname in ("r.example", "a.example")
    assert url.isascii() and url.isprintable() and " " not in url
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    for name in _FIELDS:
        assert query[f"v_{name}"] == (values[name] or "")[:128]
    assert (query["src"], query["awesm"]) == (referrer or "direct", "demo.awe.sm_K7e")

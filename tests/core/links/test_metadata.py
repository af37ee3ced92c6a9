from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sharelytics.core.links import metadata as rules
from sharelytics.core.links.model import InvalidMetadata, InvalidUrl, LinkMetadata, UnknownService
from sharelytics.core.links.stubs import is_stub, stubify


def test_campaign_is_stubified_and_the_original_kept_as_its_name() -> None:
    meta = rules.normalise(LinkMetadata(channel="twitter", campaign="Spring Sale 2012!"), "twitter")
    assert (meta.campaign, meta.campaign_name) == ("spring-sale-2012", "Spring Sale 2012!")


def test_a_stub_campaign_has_no_derived_name() -> None:
    meta = rules.normalise(LinkMetadata(campaign="spring_sale"), "twitter")
    assert (meta.campaign, meta.campaign_name) == ("spring_sale", None)


def test_campaign_name_requires_a_campaign() -> None:
    with pytest.raises(InvalidMetadata) as raised:
        rules.normalise(LinkMetadata(campaign_name="Launch"), "twitter")
    assert raised.value.field == "campaign"


def test_user_id_metadata_requires_user_id() -> None:
    with pytest.raises(InvalidMetadata):
        rules.normalise(LinkMetadata(user_id_username="bhiles"), "twitter")


def test_notes_are_limited_to_256_characters() -> None:
    rules.normalise(LinkMetadata(notes="x" * 256), "twitter")
    with pytest.raises(InvalidMetadata):
        rules.normalise(LinkMetadata(notes="x" * 257), "twitter")


@pytest.mark.parametrize(
    ("given_id", "service", "expected"),
    [("twitter:13263", "facebook", "twitter:13263"), ("13263", "twitter", "twitter:13263"),
     ("facebook-post:42", "twitter", "facebook:42")],
)
def test_service_userid(given_id: str, service: str, expected: str) -> None:
    assert rules.normalise_service_userid(given_id, service) == expected


@pytest.mark.parametrize(("given_id", "service"), [("myspacebook:1", "twitter"), ("13263", "other"), ("twitter:", "x")])
def test_service_userid_with_an_unknown_service_is_refused(given_id: str, service: str) -> None:
    with pytest.raises(UnknownService):
        rules.normalise_service_userid(given_id, service)


def test_service_postid_tolerates_bare_ids() -> None:
    assert rules.normalise_service_postid("130039394869583873", "twitter") == "twitter:130039394869583873"
    assert rules.normalise_service_postid("twitter:1", "facebook") == "twitter:1"
    assert rules.normalise_service_postid("1", "other") == "1"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Wed Aug 27 13:08:45 +0000 2008", datetime(2008, 8, 27, 13, 8, 45)),
        ("2012-01-23T10:00:00+0100", datetime(2012, 1, 23, 9, 0, 0)),
        ("2011-10-04T18:00:57Z", datetime(2011, 10, 4, 18, 0, 57)),
        ("1317850014", datetime(2011, 10, 5, 21, 26, 54)),
    ],
)
def test_shared_at_formats(value: str, expected: datetime) -> None:
    assert rules.parse_shared_at(value) == expected


def test_shared_at_garbage_is_an_error() -> None:
    with pytest.raises(InvalidMetadata):
        rules.parse_shared_at("not a date at all")


@pytest.mark.parametrize("url", ["", "ftp://example.com/", "example.com", "http://", "javascript:alert(1)"])
def test_urls_must_be_absolute_http(url: str) -> None:
    with pytest.raises(InvalidUrl):
        rules.check_url(url)


@given(st.text())
def test_stubify_always_gives_a_stub_or_nothing(text: str) -> None:
    stub = stubify(text)
    assert stub == "" or is_stub(stub)
    assert stubify(stub) == stub

import pytest

from sharelytics.core.links.channels import normalise_channel, service_for, service_named


@pytest.mark.parametrize(
    ("channel", "service"),
    [
        ("twitter", "twitter"),
        ("twitter-message", "twitter"),
        ("facebook-post", "facebook"),
        ("copypaste", "copypaste"),
        ("tumblr-video", "tumblr"),
        ("email", "email"),
        ("facebook", "facebook"),
        ("mastodon", "mastodon"),
        ("mastodon-boost", "mastodon"),
        ("test123", "other"),
        ("Twitter", "twitter"),
    ],
)
def test_service_for_channel(channel: str, service: str) -> None:
    assert service_for(channel) == service


def test_aliases_normalise_to_the_canonical_channel() -> None:
    assert normalise_channel("twitter-message") == "twitter-dm"
    assert normalise_channel(" Facebook-Wall ") == "facebook-post"
    assert normalise_channel("test123") == "test123"


def test_service_named_accepts_services_and_channels() -> None:
    assert service_named("twitter") == "twitter"
    assert service_named("facebook-post") == "facebook"
    assert service_named("myspacebook") is None

import pytest

from sharelytics.core.clicks.classify import (
    BOT,
    HUMAN,
    UNFURLER,
    UNFURLERS,
    classify_agent,
    country_of,
    first_language,
    referrer_host,
)

# Real User-Agent strings, as the services send them.
UNFURLER_AGENTS = [
    ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", "Slack"),
    ("Slackbot 1.0 (+https://api.slack.com/robots)", "Slack"),
    ("Twitterbot/1.0", "Twitter"),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "Facebook"),
    ("facebookexternalhit/1.1;line-poker/1.0", "Facebook"),
    ("Facebot", "Facebook"),
    ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", "LinkedIn"),
    ("WhatsApp/2.23.20.0 A", "WhatsApp"),
    ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", "Discord"),
    ("TelegramBot (like TwitterBot)", "Telegram"),
    ("http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)", "Mastodon"),
    ("http.rb/4.4.1 (Mastodon/3.5.3; +https://fosstodon.org/)", "Mastodon"),
    ("Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)", "Bluesky"),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_11_1) AppleWebKit/601.2.4 (KHTML, like Gecko) Version/9.0.1 "
        "Safari/601.2.4 facebookexternalhit/1.1 Facebot Twitterbot/1.0",
        "iMessage",
    ),
    (
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
        "Skype",
    ),
    ("Pinterestbot/1.0 (+http://www.pinterest.com/bot.html)", "Pinterest"),
    ("Pinterest/0.2 (+https://www.pinterest.com/bot.html)", "Pinterest"),
    ("Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)", "Reddit"),
    (
        "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
        "Embedly",
    ),
    ("Iframely/1.3.1 (+https://iframely.com/docs/about) Atlassian", "Iframely"),
    ("Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)", "VK"),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/41.0.2272.96 Mobile Safari/537.36 (compatible; Google-PageRenderer Google (+https://developers.google.com/+/web/snippet/))",
        "Google",
    ),
    ("Mozilla/5.0 (compatible; Snap URL Preview Service; bot; snapchat; https://developers.snap.com/robots)", "Snapchat"),
    ("Mozilla/5.0 (compatible; ZulipURLPreview/7.0; +https://zulip.com/)", "Zulip"),
    ("Synapse (bot; +https://github.com/matrix-org/synapse)", "Matrix"),
]

BOT_AGENTS = [
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Googlebot"),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bingbot"),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "Ahrefs"),
    ("curl/8.4.0", "curl"),
    ("python-requests/2.31.0", "python-requests"),
    ("Wget/1.21.4", "Wget"),
]

HUMAN_AGENTS = [
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
        "Safari/537.36",
        "Chrome", "Windows",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.1 Mobile/15E148 Safari/604.1",
        "Mobile Safari", "iOS",
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0", "Firefox", "Linux"),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 "
        "Mobile Safari/537.36",
        "Chrome Mobile", "Android",
    ),
]


@pytest.mark.parametrize(("ua", "name"), UNFURLER_AGENTS)
def test_unfurlers_are_named(ua: str, name: str) -> None:
    info = classify_agent(ua)
    assert (info.kind, info.agent_name) == (UNFURLER, name)


@pytest.mark.parametrize(("ua", "name"), BOT_AGENTS)
def test_bots_are_named_by_crawlerdetect(ua: str, name: str) -> None:
    info = classify_agent(ua)
    assert info.kind == BOT
    assert info.agent_name is not None and name.lower() in info.agent_name.lower()


@pytest.mark.parametrize(("ua", "browser", "os"), HUMAN_AGENTS)
def test_humans_get_browser_and_os(ua: str, browser: str, os: str) -> None:
    info = classify_agent(ua)
    assert (info.kind, info.agent_name, info.browser, info.os) == (HUMAN, None, browser, os)


def test_iphone_device_and_unknown_device_is_none() -> None:
    assert classify_agent(HUMAN_AGENTS[1][0]).device == "iPhone"
    assert classify_agent(HUMAN_AGENTS[0][0]).device is None  # ua-parser's "Other"


@pytest.mark.parametrize("ua", [None, "", "   "])
def test_missing_user_agent_is_a_bot(ua: str | None) -> None:
    assert classify_agent(ua).kind == BOT


def test_a_bot_after_a_human_does_not_inherit_a_stale_match() -> None:
    classify_agent("curl/8.4.0")
    assert classify_agent(HUMAN_AGENTS[2][0]).agent_name is None


def test_unfurler_list_loads_from_the_data_file() -> None:
    names = [name for name, _ in UNFURLERS]
    assert names[0] == "iMessage"  # before Facebook and Twitter, whose tokens it carries
    assert {"Slack", "Twitter", "Facebook", "Mastodon", "Bluesky"} <= set(names)


@pytest.mark.parametrize(
    ("referrer", "host"),
    [
        ("https://WWW.Example.COM:8443/path?q=1", "www.example.com"),
        ("http://t.co/abc", "t.co"),
        ("android-app://com.google.android.gm/", "com.google.android.gm"),
        ("", None),
        (None, None),
        ("not a url", None),
        ("http://[::1", None),
    ],
)
def test_referrer_host(referrer: str | None, host: str | None) -> None:
    assert referrer_host(referrer) == host


@pytest.mark.parametrize(
    ("header", "tag"),
    [("en-US,en;q=0.9", "en-US"), ("fr;q=0.8", "fr"), ("*", None), ("", None), (None, None), ("x" * 500, "x" * 35)],
)
def test_first_language(header: str | None, tag: str | None) -> None:
    assert first_language(header) == tag


def test_country_from_the_offline_database() -> None:
    assert country_of("8.8.8.8") == "US"
    assert country_of("::ffff:8.8.8.8") == "US"
    assert country_of("127.0.0.1") is None
    assert country_of("garbage") is None
    assert country_of(None) is None

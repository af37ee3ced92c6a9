"""Simulated visitors: who clicks (people on several browsers and countries, crawlers, link-preview bots), from
where, and when over the past week. Deterministic (seeded), so two demos tell the same story."""

from __future__ import annotations

import random
from dataclasses import dataclass

PEOPLE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 "
     "Mobile/15E148 Safari/604.1"),
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36",
)
BOTS = ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")
UNFURLERS = ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
             "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
             "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)")
# Public addresses whose country the offline database knows (US, DE, GB, JP, BR, FR).
ADDRESSES = ("8.8.8.8", "141.1.1.1", "81.2.69.160", "133.11.0.1", "200.160.2.3", "90.84.0.1")
REFERRERS = ("https://mastodon.social/@demo", "https://bsky.app/profile/demo", "https://t.co/demo",
             "https://www.google.com/", "", "https://news.ycombinator.com/")
LANGUAGES = ("en-US,en;q=0.9", "de-DE,de;q=0.8", "en-GB", "ja-JP", "pt-BR", "fr-FR")


@dataclass(frozen=True)
class Visit:
    seconds_ago: float
    user_agent: str
    ip: str
    referrer: str | None
    accept_language: str


def visits(rng: random.Random, humans: int, days: int) -> list[Visit]:
    """`humans` people over `days` days (more in the first days after sharing), plus about one crawler per ten
    people and the link previews each share triggers at once."""
    out: list[Visit] = []
    for _ in range(humans):
        day = min(days - 1, int(rng.expovariate(0.6)))  # interest fades after the share
        ago = (days - 1 - day) * 86_400 + rng.uniform(0, 86_400)
        where = rng.randrange(len(ADDRESSES))
        out.append(Visit(ago, rng.choice(PEOPLE), ADDRESSES[where], rng.choice(REFERRERS) or None, LANGUAGES[where]))
    for _ in range(max(1, humans // 10)):
        out.append(Visit(rng.uniform(0, days * 86_400), rng.choice(BOTS), "66.249.66.1", None, "en"))
    for agent in UNFURLERS[: rng.randint(1, len(UNFURLERS))]:
        out.append(Visit((days - 1) * 86_400 + rng.uniform(0, 600), agent, "31.13.66.1", None, "en"))
    return out

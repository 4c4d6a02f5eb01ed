"""A column's podcast feed: RSS 2.0 with the iTunes namespace (feedgen's podcast extension) and the
Podcasting 2.0 `podcast:transcript` element, which tells podcast apps where each episode's WebVTT
transcript is (captions, and the publisher's accessibility duty).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

if TYPE_CHECKING:
    from transforms.speech.text import SpeechText

PODCAST_NS = "https://podcastindex.org/namespace/1.0"
CHINA = timezone(timedelta(hours=8))  # a date without a time on a government site is a date in China
CATEGORY = "Government"
SUMMARY_CHARS = 300


def feed_title(site: str, column: str, fallback: str) -> str:
    """The feed's title: "site · column" (either alone when the other is missing), else `fallback`."""
    return " · ".join(x for x in (site, column) if x) or fallback


def episode_summary(text: SpeechText) -> str:
    """An episode's description: the first body sentences after the title sentence, cut to SUMMARY_CHARS."""
    return "".join([s.text for s in text.sentences if not s.heading][1:4])[:SUMMARY_CHARS]


@dataclass(frozen=True)
class Channel:
    title: str
    link: str  # the list page
    description: str
    language: str  # zh-cn, en ...
    author: str  # the site
    image_url: str
    feed_url: str = ""


@dataclass(frozen=True)
class Episode:
    guid: str  # the article's URL
    title: str
    link: str
    date: str  # ISO date or ""
    description: str
    audio_url: str
    length: int  # bytes; 0 while it is not made yet (what RSS says to give when the size is unknown)
    seconds: float = 0.0
    transcript_url: str = ""
    media_type: str = "audio/mpeg"


class _TranscriptFeed(BaseExtension):
    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS}


class _TranscriptEntry(BaseEntryExtension):
    def __init__(self) -> None:
        self.url = ""

    def extend_rss(self, entry: etree._Element) -> etree._Element:
        if self.url:
            el = etree.SubElement(entry, f"{{{PODCAST_NS}}}transcript")
            el.set("url", self.url)
            el.set("type", "text/vtt")
            el.set("rel", "captions")
        return entry

    def extend_atom(self, entry: etree._Element) -> etree._Element:
        return entry


def published(date: str, fallback: datetime | None = None) -> datetime:
    try:
        day = datetime.strptime(date[:10], "%Y-%m-%d")
    except ValueError:
        return fallback or datetime.now(UTC)
    return day.replace(tzinfo=CHINA)


def duration(seconds: float) -> str:
    s = max(0, round(seconds))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


def build_feed(channel: Channel, episodes: Sequence[Episode]) -> bytes:
    """The feed's XML, items in the order given (the list page's order: newest first)."""
    fg = FeedGenerator()
    fg.load_extension("podcast", rss=True, atom=False)
    fg.register_extension("transcript", _TranscriptFeed, _TranscriptEntry, rss=True, atom=False)
    fg.title(channel.title)
    if channel.feed_url:
        fg.link(href=channel.feed_url, rel="self")
    fg.link(href=channel.link, rel="alternate")  # after "self": RSS's <link> is the last one given
    fg.description(channel.description)
    fg.language(channel.language)
    fg.generator("a11y-proxy")
    fg.image(url=channel.image_url, title=channel.title, link=channel.link)
    fg.podcast.itunes_author(channel.author)
    fg.podcast.itunes_image(channel.image_url)
    fg.podcast.itunes_category(CATEGORY)
    fg.podcast.itunes_explicit("no")
    fg.podcast.itunes_summary(channel.description)
    newest = None
    for ep in episodes:
        fe = fg.add_entry(order="append")
        fe.guid(ep.guid, permalink=ep.guid.startswith(("http://", "https://")))
        fe.title(ep.title)
        fe.link(href=ep.link)
        fe.description(ep.description or ep.title)
        fe.enclosure(ep.audio_url, str(ep.length), ep.media_type)
        when = published(ep.date)
        fe.published(when)
        newest = max(newest or when, when)
        if ep.seconds:
            fe.podcast.itunes_duration(duration(ep.seconds))
        fe.transcript.url = ep.transcript_url
    if newest is not None:
        fg.lastBuildDate(newest)
    return fg.rss_str(pretty=True)

"""`a11y-proxy podcast LIST_URL -o DIR`: a column's audio version as a podcast a publisher can put online.

Reads a government list page (栏目页) with the list-page extraction, follows its paging (下一页) up to
`--limit` articles, and writes into DIR: one MP3 (ID3 tags, chapters, loudness-normalised) and one WebVTT
transcript per article, a cover image made from the site's name, and feed.xml (RSS 2.0 with the iTunes and
Podcasting 2.0 namespaces). Every fetch goes through the same guard, allow-list and per-host limits as the
proxy (`loading.Fetcher`).

Incremental: DIR/episodes.json remembers what each episode was made from. An article whose words, voice,
rate, loudness and tags are unchanged is not synthesised again; an article that left the list leaves the
feed (its files are removed); an article that fails this time keeps its earlier episode. Progress is shown,
a failed article is reported with one line and skipped, and the exit status is 1 when any failed.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin

from ..config import Config, speech_workers
from .errors import CLIError, user_lang
from .options import add_config_option
from .speak import Progress, check_speech_options, speech_for

if TYPE_CHECKING:
    from transforms.article import ListEntry

    from ..speech.service import SpeechService
    from .loading import Fetcher

STATE = "episodes.json"
FEED = "feed.xml"
COVER = "cover.png"
STATE_VERSION = 1
EPISODE_FORMAT = 2  # bumped with the audio format (encoder, loudness calibration, tags)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("podcast", help="make a podcast feed of a column (list page)",
                       description="Read a column's articles aloud into a podcast: MP3 + WebVTT per article, a "
                                   "cover image and feed.xml. Run it again to bring the folder up to date.",
                       epilog="example:\n  a11y-proxy podcast https://www.example.gov.cn/col/gzdt/ -o feed/ "
                              "--limit 30 --base-url https://www.example.gov.cn/podcast/gzdt/",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("list_url", help="the column's list page (栏目页)")
    p.add_argument("-o", "--output", required=True, help="folder for feed.xml, the MP3 and VTT files and the cover")
    p.add_argument("--limit", type=int, default=20, help="most articles in the feed, following the list's "
                                                        "paging (default 20)")
    p.add_argument("--base-url", help="where the folder will be published (the feed's links); default: the "
                                      "folder's file:// address")
    p.add_argument("--jobs", type=int, help="synthesis processes (default from config: speech.workers)")
    p.add_argument("--rate", type=int, help="speaking rate in words per minute (default from config)")
    p.add_argument("--voice", help="voice id or name for the articles' language")
    add_config_option(p)


@dataclass
class Episode:
    url: str
    title: str
    date: str
    key: str
    audio: str  # file name in the folder
    transcript: str
    size: int
    seconds: float
    summary: str


def run(cfg: Config, args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise CLIError("--limit must be at least 1", "--limit 至少为 1")
    check_speech_options(cfg, args)
    folder = Path(args.output)
    base = args.base_url or folder.resolve().as_uri()
    if not base.startswith(("http://", "https://", "file://")):
        raise CLIError(f"--base-url must be an http(s) address, not {args.base_url}",
                       f"--base-url 应为 http(s) 网址，而不是 {args.base_url}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CLIError(f"cannot create {folder}: {e.strerror}", f"无法创建 {folder}：{e.strerror}") from None
    return asyncio.run(_podcast(cfg, args, folder, base.rstrip("/") + "/"))


async def _podcast(cfg: Config, args: argparse.Namespace, folder: Path, base: str) -> int:
    from .loading import Fetcher

    lang = user_lang()
    before = _load_state(folder)
    async with Fetcher(cfg) as fetcher, speech_for(cfg, args.voice) as (speech, voice):
        listing, entries = await _entries(cfg, fetcher, args.list_url, args.limit)
        rate = args.rate or cfg.speech.rate
        progress = Progress(len(entries))
        slots = asyncio.Semaphore(speech_workers(cfg.speech))
        made = {"new": 0, "same": 0}

        async def one(entry: ListEntry) -> Episode | CLIError:
            async with slots:
                try:
                    ep, new = await _episode(cfg, fetcher, speech, folder, entry, before.get(entry.url), rate, voice)
                except CLIError as e:
                    progress.step(f"FAILED {entry.url}")
                    return e
            made["new" if new else "same"] += 1
            progress.step(ep.audio + ("" if new else " (unchanged)"))
            return ep

        results = await asyncio.gather(*(one(e) for e in entries))
    episodes: list[Episode] = []
    failed = []
    for entry, result in zip(entries, results, strict=True):
        if isinstance(result, Episode):
            episodes.append(result)
        else:
            failed.append(result)
            kept = before.get(entry.url)
            if kept is not None and (folder / kept.audio).is_file():
                episodes.append(kept)  # a failure this time never loses the episode made before
    _write_feed(folder, base, args.list_url, listing, episodes)
    removed = _remove_stale(folder, before, episodes)
    for e in failed:
        print(f"a11y-proxy: {e.say(lang)}", file=sys.stderr)
    summary = (f"{len(episodes)} episodes in {folder / FEED}: {made['new']} made, {made['same']} unchanged, "
               f"{len(failed)} failed, {removed} removed" if lang == "en" else
               f"{folder / FEED} 共 {len(episodes)} 集：新生成 {made['new']}，未变 {made['same']}，"
               f"失败 {len(failed)}，移除 {removed}")
    print(summary, file=sys.stderr)
    return 1 if failed else 0


async def _entries(cfg: Config, fetcher: Fetcher, url: str, limit: int) -> tuple[object, list[ListEntry]]:
    """The list page's Article and its entries, following 下一页 until `limit` entries (each URL once)."""
    from .loading import article_of, load_document

    entries: list[ListEntry] = []
    seen_pages: set[str] = set()
    seen: set[str] = set()
    first = None
    page: str | None = url
    while page and len(entries) < limit and page not in seen_pages:
        seen_pages.add(page)
        doc = await load_document(cfg, page, None, fetcher)
        article = article_of(cfg, doc, page)
        if first is None:
            if article.page_type != "list" or not article.entries:
                raise CLIError(f"{url} is not a list page (a column with dated articles)",
                               f"{url} 不是栏目列表页（列有带日期的文章）")
            first = article
        for e in article.entries:
            if e.url not in seen and len(entries) < limit:
                seen.add(e.url)
                entries.append(e)
        page = article.next_page.url if article.next_page is not None else None  # the list's 下一页 (extraction)
    return first, entries


def episode_key(text_digest: str, voices: str, rate: int, loudness: float | None, tags: dict[str, str]) -> str:
    """Everything an episode's bytes depend on; EPISODE_FORMAT changes when the same words give other bytes."""
    said = json.dumps([EPISODE_FORMAT, text_digest, voices, rate, loudness, tags], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(said.encode()).hexdigest()[:32]


async def _episode(cfg: Config, fetcher: Fetcher, speech: SpeechService, folder: Path, entry: ListEntry,
                   before: Episode | None, rate: int, voice: str | None) -> tuple[Episode, bool]:
    """The episode of one article: made, or the earlier one when nothing it depends on changed."""
    from transforms.speech.text import speech_text

    from ..errors import ProxyError
    from ..podcast.feed import episode_summary
    from ..speech.article import ArticleAudio
    from ..speech.files import write_audio, write_captions
    from ..speech.tags import TagInfo
    from .loading import article_of, load_document

    try:
        article = article_of(cfg, await load_document(cfg, entry.url, None, fetcher), entry.url)
        article.title = article.title or entry.title
        article.published = article.published or entry.date
        text = speech_text(article)
        if not text.sentences:
            raise CLIError(f"{entry.url}: no text to read on this page", f"{entry.url}：页面上没有可以朗读的文字")
        info = TagInfo.of(article, text.lang)
        voices = voice or speech.voice_for(text.lang)
        key = episode_key(text.digest(), voices, rate, cfg.speech.loudness_lufs, info.to_json())
        if before is not None and before.key == key and (folder / before.audio).is_file() and \
                (folder / before.transcript).is_file():
            return before, False
        stem = f"{(info.date or entry.date or 'undated')}-{hashlib.sha1(entry.url.encode()).hexdigest()[:10]}"
        path = folder / f"{stem}.mp3"
        timeline = await write_audio(ArticleAudio(speech, text, rate, "mp3", voice, tags=info), path)
        vtt = write_captions(path, timeline, "vtt", info.title)
    except CLIError:
        raise
    except ProxyError as e:
        raise CLIError(f"{entry.url}: {e.en}", f"{entry.url}：{e.zh}") from None
    except OSError as e:
        raise CLIError(f"cannot write the episode of {entry.url}: {e.strerror}",
                       f"无法写入 {entry.url} 的音频：{e.strerror}") from None
    return Episode(entry.url, info.title, info.date or entry.date, key, path.name, vtt.name, path.stat().st_size,
                   timeline.seconds, episode_summary(text)), True


def _load_state(folder: Path) -> dict[str, Episode]:
    try:
        data = json.loads((folder / STATE).read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION:
            return {}
        return {e["url"]: Episode(**e) for e in data["episodes"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _write_feed(folder: Path, base: str, list_url: str, listing: object, episodes: list[Episode]) -> None:
    from ..podcast.cover import cover_png
    from ..podcast.feed import Channel, build_feed, feed_title
    from ..podcast.feed import Episode as Item
    from ..speech.files import write_text

    site = getattr(listing, "site", "") or ""
    column = getattr(listing, "column", "") or getattr(listing, "title", "") or ""
    title = feed_title(site, column, list_url)
    cover = folder / COVER
    marker = folder / ".cover-site"
    if not cover.is_file() or not marker.is_file() or marker.read_text(encoding="utf-8") != site:
        cover.write_bytes(cover_png(site or column or "a11y-proxy"))
        marker.write_text(site, encoding="utf-8")
    lang = (getattr(listing, "lang", "") or "zh-CN").lower()
    channel = Channel(title=title, link=list_url, description=f"{title}：文章的朗读音频（a11y-proxy 生成）。",
                      language=lang, author=site or column, image_url=urljoin(base, COVER),
                      feed_url=urljoin(base, FEED))
    items = [Item(guid=e.url, title=e.title, link=e.url, date=e.date, description=e.summary,
                  audio_url=urljoin(base, quote(e.audio)), length=e.size, seconds=e.seconds,
                  transcript_url=urljoin(base, quote(e.transcript))) for e in episodes]
    write_text(folder / FEED, build_feed(channel, items).decode("utf-8"))
    state = {"version": STATE_VERSION, "list": list_url, "episodes": [asdict(e) for e in episodes]}
    write_text(folder / STATE, json.dumps(state, ensure_ascii=False, indent=1))


def _remove_stale(folder: Path, before: dict[str, Episode], episodes: list[Episode]) -> int:
    """Files of episodes no longer in the feed (the article left the list, or was made again)."""
    keep = {name for e in episodes for name in (e.audio, e.transcript)}
    removed = 0
    for old in before.values():
        for name in (old.audio, old.transcript):
            if name not in keep and (folder / name).is_file():
                (folder / name).unlink()
                removed += name == old.audio
    return removed

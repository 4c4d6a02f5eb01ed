"""ID3v2.4 tags for every MP3 we write (mutagen builds the frames): title, artist (the 来源, else the site),
album (site · column), date, language, the page's URL as comment and as the official source, and a chapter
(CHAP, listed in order by one CTOC) at each heading, so a podcast app lists the article's parts.

A stream is sent before its chapter times are known, so the tag is built twice: first with every chapter's
time 0 (its frames are there, titles and all), then with the real times. Times are fixed-width numbers, so
both tags have the same length, and the bytes after the tag are the same in the stream and the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TDRC, TIT2, TLAN, TPE1, TSSE, WOAS, CTOCFlags

from transforms.article import Article

from .timeline import Chapter

NO_OFFSET = 0xFFFFFFFF  # CHAP byte offsets: "not given" (players use the times)
LANGUAGES = {"zh": "zho", "yue": "yue", "en": "eng"}  # ISO 639-2, what TLAN and COMM take
ENCODER = "a11y-proxy"


@dataclass(frozen=True)
class TagInfo:
    title: str
    artist: str = ""
    album: str = ""
    date: str = ""  # ISO 8601 date or ""
    language: str = "zho"
    url: str = ""

    @classmethod
    def of(cls, article: Article, voice_lang: str) -> TagInfo:
        site = " ".join(article.site.split())
        column = " ".join(article.column.split())
        album = " · ".join(x for x in (site, column) if x)
        return cls(title=" ".join(article.title.split()), artist=" ".join(article.source.split()) or site,
                   album=album, date=article.published[:10], language=LANGUAGES.get(voice_lang, "zho"),
                   url=article.url)

    def to_json(self) -> dict[str, str]:
        return dict(self.__dict__)


def id3(info: TagInfo, chapters: Sequence[Chapter]) -> bytes:
    """The tag as bytes (ID3v2.4, UTF-8 text, no padding): prepended to the MPEG frames."""
    tags = ID3()
    tags.add(TIT2(encoding=3, text=[info.title or "article"]))
    if info.artist:
        tags.add(TPE1(encoding=3, text=[info.artist]))
    if info.album:
        tags.add(TALB(encoding=3, text=[info.album]))
    if info.date:
        tags.add(TDRC(encoding=3, text=[info.date]))
    tags.add(TLAN(encoding=3, text=[info.language]))
    tags.add(TSSE(encoding=3, text=[ENCODER]))
    if info.url:
        tags.add(COMM(encoding=3, lang=info.language, desc="", text=[info.url]))
        tags.add(WOAS(url=info.url))
    ids = [f"chp{n}" for n in range(len(chapters))]
    for element, chapter in zip(ids, chapters, strict=True):
        tags.add(CHAP(element_id=element, start_time=round(chapter.start * 1000), end_time=round(chapter.end * 1000),
                      start_offset=NO_OFFSET, end_offset=NO_OFFSET,
                      sub_frames=[TIT2(encoding=3, text=[chapter.title or "—"])]))
    if ids:
        tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                      sub_frames=[TIT2(encoding=3, text=[info.title or "article"])]))
    out = io.BytesIO()
    tags.save(out, v2_version=4, padding=lambda _: 0)
    return out.getvalue()

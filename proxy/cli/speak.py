"""`a11y-proxy speak SOURCE... -o OUT`: audio files of articles, for publishers of audio versions.

One source writes one file; several write a folder with one numbered file each and an M3U playlist. Each MP3
carries ID3v2.4 tags and a chapter at each heading, every sentence is normalised to speech.loudness_lufs, and
`--captions vtt` (or lrc) writes the timed transcript beside it. `--jobs N` makes N articles at once. A source
that fails (unreachable, not a web page, too long) gets one line on stderr naming it, in the user's language,
the others are still made, and the exit status is 1. A PDF is read from its text layer (pypdf); an image or
any other file that is not a web page is refused.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from ..config import Config, speech_workers
from .errors import CLIError
from .options import add_config_option

if TYPE_CHECKING:
    from ..speech.service import SpeechService
    from ..speech.timeline import Timeline
    from .loading import Fetcher

EXIT_SOME_FAILED = 1
AUDIO_SUFFIXES = ("mp3", "wav", "ogg", "oga", "opus", "m4a", "aac", "flac", "wma")  # what a listener's player goes by


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("speak", help="make audio files of articles",
                       description="Read articles aloud into MP3 or WAV files (Mandarin through espeak-ng).",
                       epilog="examples:\n  a11y-proxy speak https://www.gov.cn/zhengce/.../content_1.htm -o "
                              "notice.mp3\n  a11y-proxy speak URL1 URL2 URL3 -o audio/   (numbered files and "
                              "playlist.m3u8)", formatter_class=argparse.RawDescriptionHelpFormatter)
    s.add_argument("sources", nargs="+", help="URLs, local HTML files, or - for standard input")
    s.add_argument("-o", "--output", required=True, help="file (one source) or folder (several)")
    s.add_argument("--format", choices=["mp3", "wav"], help="audio format (default: from the file name, else mp3)")
    s.add_argument("--rate", type=int, help="speaking rate in words per minute (default from config: speech.rate)")
    s.add_argument("--voice", help="voice id or name for the article's language (default from config: "
                                   "speech.voices)")
    s.add_argument("--base-url", help="the page's address, for a file or standard input")
    s.add_argument("--captions", choices=["vtt", "lrc"], action="append", default=[],
                   help="also write the transcript beside each file: vtt (WebVTT, one cue per sentence) or lrc "
                        "(the lyrics format of music players); may be given twice")
    s.add_argument("--jobs", type=int, help="synthesis processes, articles made at once (default from config: "
                                           "speech.workers)")
    add_config_option(s)


@dataclass
class Done:
    source: str
    path: Path | None = None
    title: str = ""
    seconds: float = 0.0
    error: CLIError | None = None
    timeline: Timeline | None = None
    artist: str = ""


class Progress:
    """A bar redrawn in place on a terminal; one line per finished source otherwise (logs, CI)."""

    def __init__(self, total: int, out: TextIO = sys.stderr) -> None:
        self.total, self.done, self.out = total, 0, out
        self.tty = out.isatty()

    def step(self, label: str) -> None:
        self.done += 1
        width = 24
        filled = width * self.done // self.total
        line = f"[{'#' * filled}{'-' * (width - filled)}] {self.done}/{self.total} {label}"
        if self.tty:
            self.out.write("\r\x1b[K" + line[:100] + ("\n" if self.done == self.total else ""))
        else:
            self.out.write(line + "\n")
        self.out.flush()


def run(cfg: Config, args: argparse.Namespace) -> int:
    from .errors import user_lang

    fmt = args.format or ("wav" if args.output.lower().endswith(".wav") else "mp3")
    check_speech_options(cfg, args)
    single = len(args.sources) == 1 and not args.output.endswith(("/", "\\")) and not Path(args.output).is_dir()
    suffix = Path(args.output).suffix.lower().lstrip(".")
    if single and suffix in AUDIO_SUFFIXES and suffix != fmt:  # x.ogg would hold MP3 bytes
        raise CLIError(f"{args.output}: the file would hold {fmt.upper()}; name it .{fmt} (--format is mp3 or wav)",
                       f"{args.output}：文件内容将是 {fmt.upper()}，请以 .{fmt} 结尾（--format 可选 mp3 或 wav）")
    results = asyncio.run(_speak_all(cfg, args, fmt, single))
    failed = [r for r in results if r.error]
    lang = user_lang()
    for r in failed:
        print(f"a11y-proxy: {r.error.say(lang)}", file=sys.stderr)
    if not single:
        made = sum(1 for r in results if not r.error)
        print(f"{made} of {len(results)} made in {args.output}" if lang == "en" else
              f"已生成 {made} 个（共 {len(results)} 个），在 {args.output}", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else 0


@asynccontextmanager
async def speech_for(cfg: Config, voice_name: str | None) -> AsyncIterator[tuple[SpeechService, str | None]]:
    """A started speech service and the --voice asked for (None: the configured ones), closed afterwards."""
    from ..errors import ProxyError
    from ..speech.service import SpeechService

    speech = SpeechService(cfg.speech)
    await speech.start()
    try:
        if not speech.available:
            raise CLIError(f"speech is not available: {speech.reason}", f"语音合成不可用：{speech.reason}")
        try:
            voice = speech.find_voice(voice_name) if voice_name else None
        except ProxyError as e:
            raise CLIError(e.en, e.zh) from None
        yield speech, voice
    finally:
        await speech.close()


def check_speech_options(cfg: Config, args: argparse.Namespace) -> None:
    """--rate and --jobs, shared by speak and podcast; --jobs sets the synthesis processes."""
    if args.rate is not None and not 80 <= args.rate <= 400:
        raise CLIError("--rate must be between 80 and 400 words per minute", "--rate 应在 80 到 400（每分钟词数）之间")
    if args.jobs is not None:
        if not 1 <= args.jobs <= 64:
            raise CLIError("--jobs must be between 1 and 64", "--jobs 应在 1 到 64 之间")
        cfg.speech.workers = args.jobs


async def _speak_all(cfg: Config, args: argparse.Namespace, fmt: str, single: bool) -> list[Done]:
    from ..speech.files import write_captions
    from ..speech.service import audio_filename
    from .loading import Fetcher

    async with speech_for(cfg, args.voice) as (speech, voice):
        rate = args.rate or cfg.speech.rate
        folder = Path(args.output)
        if not single:
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise CLIError(f"cannot create {folder}: {e.strerror}", f"无法创建 {folder}：{e.strerror}") from None
        progress = Progress(len(args.sources)) if not single else None
        slots = asyncio.Semaphore(speech_workers(cfg.speech))

        async def one(n: int, source: str, fetcher: Fetcher) -> Done:
            async with slots:
                done = await _speak_one(cfg, speech, fetcher, source, args.base_url, rate, fmt, voice)
            if done.error:
                label = f"FAILED {source}"
            else:
                assert done.path is not None
                name = audio_filename(done.title or Path(source).stem or "article", fmt)
                target = Path(args.output) if single else folder / f"{n:02d}-{name}"
                try:
                    done.path = _place(done.path, target)
                    label = done.path.name
                    for kind in args.captions:
                        assert done.timeline is not None
                        write_captions(done.path, done.timeline, kind, done.title, done.artist)
                except OSError as e:  # this file is lost, the batch goes on
                    done.path.unlink(missing_ok=True)
                    done.path, label = None, f"FAILED {source}"
                    done.error = CLIError(f"cannot write {target}: {e.strerror}", f"无法写入 {target}：{e.strerror}")
            if progress:
                progress.step(label)
            return done

        async with Fetcher(cfg) as fetcher:
            results = await asyncio.gather(*(one(n, s, fetcher) for n, s in enumerate(args.sources, 1)))
        if not single:
            try:
                _write_playlist(folder, results)
            except OSError as e:
                raise CLIError(f"cannot write the playlist in {folder}: {e.strerror}",
                               f"无法在 {folder} 中写入播放列表：{e.strerror}") from None
        return results


async def _speak_one(cfg: Config, speech: SpeechService, fetcher: Fetcher, source: str, base_url: str | None,
                     rate: int, fmt: str, voice: str | None) -> Done:
    """Fetch, extract and synthesise one source into a temporary file; errors become Done.error."""
    import logging
    import os
    import tempfile

    from transforms.speech.text import speech_text

    from ..errors import ProxyError
    from ..speech.article import ArticleAudio
    from ..speech.files import write_audio
    from ..speech.tags import TagInfo
    from .loading import article_of, load_document

    try:
        article = article_of(cfg, await load_document(cfg, source, base_url, fetcher), source)
        said = speech_text(article)
        if not said.sentences:
            return Done(source, error=CLIError(f"{source}: no text to read on this page",
                                               f"{source}：页面上没有可以朗读的文字"))
        tags = TagInfo.of(article, said.lang)
        handle, tmp = tempfile.mkstemp(suffix="." + fmt)
        os.close(handle)
        try:
            timeline = await write_audio(ArticleAudio(speech, said, rate, fmt, voice, tags=tags), Path(tmp))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except CLIError as e:
        return Done(source, error=e)
    except ProxyError as e:
        return Done(source, error=CLIError(f"{source}: {e.en}", f"{source}：{e.zh}"))
    except Exception:  # one broken page must not stop the batch; the details go to the log, not the line
        logging.getLogger("a11y_proxy.cli").debug("speak %s failed", source, exc_info=True)
        return Done(source, error=CLIError(f"{source}: could not be read aloud (an internal error; --config with "
                                           "server.log_level: debug shows it)", f"{source}：朗读失败（内部错误）"))
    return Done(source, Path(tmp), said.title, timeline.seconds, timeline=timeline, artist=tags.artist)


def _place(tmp: Path, target: Path) -> Path:
    """Move the finished file into place (never a half-written file under the real name)."""
    import os
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(tmp), str(target))
    umask = os.umask(0o022)
    os.umask(umask)
    os.chmod(target, 0o666 & ~umask)  # mkstemp made it private; a published file is not
    return target


def _write_playlist(folder: Path, results: list[Done]) -> Path:
    """An extended M3U playlist of the files made, in the order given, UTF-8 (hence .m3u8)."""
    lines = ["#EXTM3U"]
    for r in results:
        if r.path is not None and not r.error:
            lines += [f"#EXTINF:{round(r.seconds)},{r.title.replace(chr(10), ' ')}", r.path.name]
    path = folder / "playlist.m3u8"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path

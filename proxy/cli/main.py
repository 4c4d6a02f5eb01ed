"""Command line: `a11y-proxy serve | render | extract | speak | podcast`. Errors are one readable line in the
user's language (see `errors.user_lang`), exit 2. `--config FILE` works before or after the subcommand."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path

from .. import __version__, config
from .errors import CLIError, user_lang
from .options import add_config_option

EPILOG = """examples:
  a11y-proxy serve --port 8080
  a11y-proxy render https://www.gov.cn/xinwen/ --mode elder -o page.html
  a11y-proxy render saved.html --base-url https://kjt.example.gov.cn/art/1.html --mode text
  a11y-proxy extract saved.html --base-url https://kjt.example.gov.cn/art/1.html --format json
  a11y-proxy speak https://www.gov.cn/zhengce/content_1.htm -o notice.mp3 --captions vtt
  a11y-proxy podcast https://kjt.example.gov.cn/col/gzdt/ -o feed/ --base-url https://kjt.example.gov.cn/podcast/
"""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="a11y-proxy", description="Accessible 长辈版/无障碍/audio versions of "
                                "Chinese government web pages.", epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"a11y-proxy {__version__}")
    p.add_argument("--config", help="configuration file (default: the shipped config.yaml)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("serve", help="run the proxy server")
    s.add_argument("--host", help="address to listen on (default from config: server.host)")
    s.add_argument("--port", type=int, help="port to listen on (default from config: server.port)")
    s.add_argument("--workers", type=int, help="worker processes (default from config: server.workers)")
    add_config_option(s)

    r = sub.add_parser("render", help="render one page in a mode, without a server")
    r.add_argument("source", help="URL, local file, or - for standard input")
    r.add_argument("--mode", default="elder", choices=["read", "elder", "a11y", "text", "orig"])
    r.add_argument("--base-url", help="the page's address, for a file or standard input")
    r.add_argument("-o", "--output", help="write here instead of standard output")
    add_config_option(r)

    e = sub.add_parser("extract", help="extract the article and its metadata")
    e.add_argument("source", help="URL, local file, or - for standard input")
    e.add_argument("--base-url", help="the page's address, for a file or standard input")
    e.add_argument("--format", default="json", choices=["json", "text", "html"])
    e.add_argument("--script", default="hans", choices=["hans", "hant", "hant-tw", "hant-hk"],
                   help="characters: simplified as written, or traditional (繁體, 台灣 or 香港 forms)")
    e.add_argument("--pinyin", action="store_true", help="add pinyin (ruby in HTML and JSON, a line above in text)")
    e.add_argument("-o", "--output", help="write here instead of standard output")
    add_config_option(e)

    from . import podcast as cli_podcast
    from . import speak as cli_speak

    cli_speak.add_parser(sub)
    cli_podcast.add_parser(sub)
    return p


def load_config(args: argparse.Namespace) -> config.Config:
    return config.load(getattr(args, "sub_config", None) or args.config)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        cfg = load_config(args)
        # a batch command's output is its files and lines, not a server's log: warnings only, unless debugging
        level = cfg.server.log_level if args.command == "serve" or cfg.server.log_level == "debug" else "warning"
        logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
        if args.command == "serve":
            from .serve import serve

            return serve(cfg, args.host, args.port, args.workers)
        if args.command in ("render", "extract"):
            return asyncio.run(_render_or_extract(cfg, args))
        if args.command == "speak":
            from . import speak as cli_speak

            return cli_speak.run(cfg, args)
        if args.command == "podcast":
            from . import podcast as cli_podcast

            return cli_podcast.run(cfg, args)
    except config.ConfigError as e:
        print(f"a11y-proxy: {e}", file=sys.stderr)
        return 2
    except CLIError as e:
        print(f"a11y-proxy: {e.say(user_lang())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


async def _render_or_extract(cfg: config.Config, args: argparse.Namespace) -> int:
    """Outside the server links stay direct (there is no proxy to route them through)."""
    from transforms.aids.outputs import article_html, article_json, article_text
    from transforms.context import script_of
    from transforms.pipeline import extract_article, render

    from .loading import load_source, offline_context

    text, url = await load_source(cfg, args.source, args.base_url)
    ctx = offline_context(cfg, url, getattr(args, "mode", "read"))
    if args.command == "render":
        out = render(text, ctx, cfg.modes[args.mode]).body
    else:
        article = extract_article(text, ctx, cfg.modes["api"])
        script, pinyin = script_of(args.script), args.pinyin
        if args.format == "json":
            out = json.dumps(article_json(article, script, pinyin), ensure_ascii=False, indent=2)
        elif args.format == "text":
            out = article_text(article, script, pinyin)
        else:
            out = article_html(article, script, pinyin)
    write_output(out, args.output)
    return 0


def write_output(text: str, path: str | None) -> None:
    text = text if text.endswith("\n") else text + "\n"
    if path:
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as e:
            raise CLIError(f"cannot write {path}: {e.strerror}", f"无法写入 {path}：{e.strerror}") from None
    else:
        sys.stdout.write(text)

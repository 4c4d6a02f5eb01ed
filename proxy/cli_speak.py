"""`a11y-proxy speak`: placeholder until the speech service lands."""

from __future__ import annotations

import argparse

from .config import Config


def add_parser(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("speak", help="make audio files of articles")
    s.add_argument("sources", nargs="+", help="URLs or files")
    s.add_argument("-o", "--output", required=True, help="file (one source) or folder (several)")


def run(cfg: Config, args: argparse.Namespace) -> int:
    from .cli import CLIError

    raise CLIError("speech is not available in this build yet")

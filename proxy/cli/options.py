"""Options every subcommand takes (a leaf: `main` and each subcommand's module import it)."""

from __future__ import annotations

import argparse


def add_config_option(parser: argparse.ArgumentParser) -> None:
    """`a11y-proxy speak URL --config FILE` as well as `a11y-proxy --config FILE speak URL`."""
    parser.add_argument("--config", dest="sub_config", metavar="FILE",
                        help="configuration file (default: the shipped config.yaml)")

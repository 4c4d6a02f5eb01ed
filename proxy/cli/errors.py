"""The command line's one error type (a leaf: every CLI module raises it, `main` reports it)."""


class CLIError(Exception):
    """A failure to report as one line on stderr."""

"""What every subcommand shares: one-line usage errors (exit 2), help that shows each flag's
default and an example, and the checks of paths and ports made before any work starts.

A usage error is one line naming the flag, printed before any progress bar or server start:
`crmarena assess: error: --out /etc/passwd is a file, not a folder`. argparse's own errors
(unknown flag, bad choice) take the same one-line shape.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

#: Exit status of a usage error (bad flag, unknown org/task/category/level, unusable path).
USAGE = 2
#: Descriptions are wrapped here (the formatter keeps the epilog's example lines as written).
DESCRIPTION_WIDTH = 88


class UsageError(Exception):
    """A bad flag value found after parsing: printed as one line, exit status 2."""


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the epilog's example as written and appends each option's default to its help
    (unless the help already says it or there is none worth saying)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = action.help or ""
        default = action.default
        nothing = default is None or default is False or default == argparse.SUPPRESS
        if "default" in text or nothing or not action.option_strings:
            return text
        shown = int(default) if isinstance(default, float) and default.is_integer() else default
        return f"{text} (default: {shown})"


class CommandParser(argparse.ArgumentParser):
    """argparse with one-line errors: `crmarena demo: error: argument --drift: invalid choice:
    'bogus' (choose from none, low, medium, high)`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def add_command(subparsers: argparse._SubParsersAction, name: str, *, help: str,
                example: str | Sequence[str], description: str | None = None,
                **kwargs: Any) -> argparse.ArgumentParser:
    """A subcommand with its help, description and an example in the epilog."""
    lines = [example] if isinstance(example, str) else list(example)
    epilog = "example:\n" + "\n".join(f"  {line}" for line in lines)
    return subparsers.add_parser(name, help=help, epilog=epilog, formatter_class=HelpFormatter,
                                 description=textwrap.fill(description or help, DESCRIPTION_WIDTH),
                                 **kwargs)


def show_help(parser: argparse.ArgumentParser) -> Callable[[argparse.Namespace], int]:
    """The `run` of a command group given no subcommand: its help, exit status 2."""
    def run(args: argparse.Namespace) -> int:
        parser.print_help()
        return USAGE
    return run


def print_error(command: str, message: str) -> None:
    """`crmarena <command>: error: <message>` on stderr, one line."""
    print(f"crmarena {command}: error: {' '.join(str(message).split())}", file=sys.stderr)


def output_folder(path: Path, flag: str = "--out") -> Path:
    """`path` as a folder results can be written to (created if missing); UsageError naming
    the flag for a file, an unwritable or impossible location."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{flag} {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{flag} {path}: cannot create the folder ({exc.strerror})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"{flag} {path}: the folder is not writable")
    return path


def existing_folder(path: Path, what: str) -> Path:
    """`path` as an existing folder, else UsageError naming it."""
    path = Path(path)
    if not path.is_dir():
        raise UsageError(f"{what} {path}: " + ("not a folder" if path.exists() else
                                                "no such folder"))
    return path


def iso_date(text: str) -> dt.date:
    """argparse type of a date flag: YYYY-MM-DD."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def port(text: str) -> int:
    """argparse type of --port: an integer from 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port (0-65535)")
    return value

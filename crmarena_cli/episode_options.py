"""The options that pick an episode org (`--org --drift --rot --seed --today --task`), shared by
every command that serves one (`crmarena repl`, `crmarena sandbox`) so they read them the same."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.levels import DEFAULT_ENTROPY_SEED, LEVELS
from core.org_type import ORG_TYPES
from crmarena_cli.command import iso_date

if TYPE_CHECKING:
    from playground.session import SessionSettings


def add_org_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--org", choices=ORG_TYPES, default=None,
                   help="which org (default: b2b; with --task, the task's org)")
    p.add_argument("--drift", choices=LEVELS, default="none", help="schema drift level")
    p.add_argument("--rot", choices=LEVELS, default="none", help="context rot level")
    p.add_argument("--seed", type=int, default=DEFAULT_ENTROPY_SEED,
                   help="entropy seed, as in an assessment")
    p.add_argument("--today", type=iso_date, default=None, metavar="YYYY-MM-DD",
                   help="date literals resolve against this (default: the task's, else today)")
    p.add_argument("--task", default=None, metavar="ID",
                   help="build the episode org for this task: its date, drift and rot targets "
                        "(default: no task)")


def settings_from_args(args: argparse.Namespace) -> SessionSettings:
    """The settings the options name (with `--user` where the command has it); ValueError (a
    clear message) for an unknown task."""
    # here, not at the top: `crmarena --help` stays fast (the task framework, DuckDB)
    from playground.session import SessionSettings, find_task

    org = args.org or (find_task(args.task, "b2b").org if args.task else "b2b")
    return SessionSettings(org=org, drift=args.drift, rot=args.rot, seed=args.seed,
                           today=args.today, task_id=args.task, user=getattr(args, "user", None))

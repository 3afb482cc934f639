"""`crmarena view`: the HTML report of an assessment folder, a comparison of two, or one
trajectory printed in the terminal.

    crmarena view RESULTS_DIR [--open] [--out FILE]
    crmarena view --compare DIR_A DIR_B [--out FILE] [--open]
    crmarena view RESULTS_DIR --task ID [--trial N]
"""

from __future__ import annotations

import argparse
import webbrowser
from pathlib import Path

from rich.console import Console

from core.levels import LEVELS
from crmarena_cli.command import UsageError, add_command

console = Console()


def register(subparsers: argparse._SubParsersAction) -> None:
    view = add_command(
        subparsers, "view", help="HTML report / trajectory viewer for assessment results",
        description="Write RESULTS_DIR/report.html (self-contained: summary, dimensions, "
                    "charts, task table, trajectories), compare two assessments, or print one "
                    "task's trajectory in the terminal.",
        example=["crmarena view results/oracle --open",
                 "crmarena view results/oracle --task b2b-handle_time-003",
                 "crmarena view --compare results/oracle results/careless"])
    view.add_argument("results_dir", type=Path, nargs="?", metavar="RESULTS_DIR",
                      help="an assessment folder (results.json, logs/)")
    view.add_argument("--compare", type=Path, nargs=2, metavar=("DIR_A", "DIR_B"),
                      help="put two assessments side by side per category (default: one "
                           "assessment)")
    view.add_argument("--task", metavar="ID",
                      help="print this task's trajectory in the terminal (default: write the "
                           "HTML report)")
    view.add_argument("--trial", type=int, help="with --task: which trial (default: the first)")
    view.add_argument("--drift", choices=LEVELS, default=None,
                      help="with --task, in a folder of several levels: the episode at this "
                           "drift level (default: the first)")
    view.add_argument("--rot", choices=LEVELS, default=None,
                      help="with --task, in a folder of several levels: the episode at this "
                           "rot level (default: the first)")
    view.add_argument("--out", type=Path, metavar="FILE",
                      help="where to write the page (default RESULTS_DIR/report.html, or "
                           "DIR_A/compare.html with --compare)")
    view.add_argument("--open", action="store_true", help="open the page in a web browser")
    view.set_defaults(run=_view)


def _view(args: argparse.Namespace) -> int:
    from report.load import ReportError  # here, not at the top: `crmarena --help` stays fast

    try:
        return _dispatch(args)
    except ReportError as exc:
        raise UsageError(str(exc)) from None


def _dispatch(args: argparse.Namespace) -> int:
    # here, not at the top: `crmarena --help` stays fast (the report, the task framework)
    from report.load import load_assessment
    from report.terminal import print_trajectory
    from report.write import write_compare, write_report

    if args.compare:
        if args.results_dir is not None or args.task:
            raise UsageError("--compare takes two folders and no RESULTS_DIR or --task")
        path = write_compare(args.compare[0], args.compare[1], args.out)
        return _done(path, args.open)
    if args.results_dir is None:
        raise UsageError("give RESULTS_DIR (an assessment folder) or --compare DIR_A DIR_B")
    if args.task:
        if args.out or args.open:
            raise UsageError("--task prints to the terminal; --out/--open do not apply")
        episode = load_assessment(args.results_dir).find(args.task, args.trial,
                                                         drift=args.drift, rot=args.rot)
        print_trajectory(episode, console)
        return 0
    if args.trial is not None:
        raise UsageError("--trial needs --task")
    return _done(write_report(args.results_dir, args.out), args.open)


def _done(path: Path, open_it: bool) -> int:
    console.print(f"report: {path}", highlight=False, markup=False)
    if open_it:
        webbrowser.open(path.resolve().as_uri())
    return 0

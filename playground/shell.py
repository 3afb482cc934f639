"""The shell behind `crmarena repl` (crmarena_cli.repl parses its flags): an interactive
SOQL/SOSL prompt with history, completion and highlighting, or psql-style scripting with `-c`
and stdin. Scripted runs print errors as the exact JSON the agent gets and exit 1 if any
statement failed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir
from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.lexers import Lexer, PygmentsLexer
from pygments.lexers.sql import SqlLexer
from rich.console import Console
from rich.text import Text

from playground.completion import SoqlCompleter
from playground.meta import completion_sources, run_meta
from playground.render import render_error, render_outcome
from playground.script import is_meta, split_statements
from playground.session import (
    PlaygroundSession,
    SessionSettings,
)

DATA_DIR_ENV = "CRMARENA_DATA_DIR"
HISTORY_FILE = "repl_history"
#: Width of tables when output is not a terminal and COLUMNS is unset.
SCRIPT_WIDTH = 160


def history_path() -> Path:
    """$CRMARENA_DATA_DIR/repl_history, else the user data dir's (created on demand)."""
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        base = Path(env)
    else:
        base = Path(user_data_dir("crmarena"))
    base.mkdir(parents=True, exist_ok=True)
    return base / HISTORY_FILE


def _script_console(file: object = None) -> Console:
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS") or SCRIPT_WIDTH)
    return Console(file=file, width=width)  # type: ignore[arg-type]


def run_repl(settings: SessionSettings, *, commands: list[str] | None,
             json_output: bool) -> int:
    """Open the episode org `settings` describe, then run `commands`, stdin, or a prompt."""
    err = Console(stderr=True)
    try:
        session = PlaygroundSession(settings, output="json" if json_output else "table")
    except ValueError as exc:
        err.print(Text(f"error: {exc}", style="red"))
        return 2
    with session:
        if commands:
            statements = [s for c in commands for s in split_statements(c)]
            return run_script(session, statements)
        if not sys.stdin.isatty():
            return run_script(session, split_statements(sys.stdin.read()))
        return run_interactive(session)


def run_script(session: PlaygroundSession, statements: list[str]) -> int:
    """Run statements in order; errors print as the agent's JSON. 1 if any failed, else 0."""
    console = _script_console()
    notes = Console(stderr=True)
    failed = False
    for statement in statements:
        if is_meta(statement):
            outcome = run_meta(session, console, statement)
            failed |= not outcome.ok
            if outcome.quit:
                break
            continue
        result = session.run(statement)
        if result.ok:
            render_outcome(console, result, session.output,
                           footer_console=notes if session.output == "json" else None)
        else:
            failed = True
            render_error(console, result, "json")
    return 1 if failed else 0


# ------------------------------------------------------------------------------- interactive
def _prompt_text(session: PlaygroundSession) -> str:
    s = session.settings
    entropy = "" if s.drift == s.rot == "none" else f" d:{s.drift} r:{s.rot}"
    task = f" {session.task.id}" if session.task is not None else ""
    return f"{s.org}{entropy}{task}> "


def _key_bindings() -> KeyBindings:
    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        """Submit at `;`, on a blank line, or for a dot command; otherwise a new line."""
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.apply_completion(state.current_completion)
            return
        doc = buffer.document
        text = doc.text.strip()
        blank_line_at_end = doc.is_cursor_at_the_end and not doc.current_line.strip()
        if not text or text.startswith(".") or text.endswith(";") or blank_line_at_end:
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    return bindings


def _lexer() -> Lexer:
    return PygmentsLexer(SqlLexer)


def run_interactive(session: PlaygroundSession) -> int:
    console = Console()
    prompt: PromptSession[str] = PromptSession(
        history=FileHistory(str(history_path())),
        completer=SoqlCompleter(lambda: session.schema, completion_sources(session)),
        lexer=_lexer(), multiline=True, key_bindings=_key_bindings(),
        prompt_continuation=lambda width, line, soft: "...> ".rjust(width),
        complete_while_typing=False)
    console.print(Text(f"crmarena repl · {session.describe_state()}", style="dim"))
    console.print(Text("statements end with ';' or a blank line · TAB completes · .help · "
                       "Ctrl-D quits", style="dim"))
    while True:
        try:
            text = prompt.prompt(_prompt_text(session))
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        try:
            if _run_interactive_input(session, console, text):
                return 0
        except KeyboardInterrupt:
            console.print(Text("interrupted", style="yellow"))
        except Exception as exc:  # noqa: BLE001 - a playground bug must not end the session
            console.print(Text(f"internal error (not what the agent would see): {exc!r}",
                               style="bold red"))


def _run_interactive_input(session: PlaygroundSession, console: Console, text: str) -> bool:
    """Run what was typed (one or more statements); True when a `.quit` was among them."""
    for statement in split_statements(text):
        if is_meta(statement):
            if run_meta(session, console, statement).quit:
                return True
            continue
        render_outcome(console, session.run(statement), session.output)
    return False

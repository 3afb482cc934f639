"""One trajectory in the terminal (`crmarena view DIR --task ID`), drawn with rich.

The same content as the HTML trajectory: the task, the verdict and metrics, every turn (tool,
SOQL, trimmed observation, error / stale-name / hallucination marks, tokens and time) and the
reference solution. Agent output only ever goes into `Text` objects or `Syntax`, never into
markup strings, so whatever an agent wrote is printed literally.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from env.log import TurnRecord
from env.tokens import as_text
from env.tools import DESCRIBE, SOQL_QUERY, SOSL_SEARCH, SUBMIT_ANSWER
from report.load import Episode

#: Characters of each observation printed (the rest is counted).
OBSERVATION_CHARS = 600


def print_trajectory(episode: Episode, console: Console | None = None,
                     observation_chars: int = OBSERVATION_CHARS) -> None:
    console = console or Console()
    console.print(_header(episode))
    log = episode.log
    if log is None:
        console.print(Text("The episode log is not available.", style="italic"))
    else:
        for turn in log.turns:
            console.print(_turn(turn, observation_chars))
        if log.end is not None:
            end = Text(f"ended: {log.end.termination}", style="bold")
            if log.end.detail:
                end.append(f" · {log.end.detail}")
            end.append(f" · {log.end.wall_seconds:.2f}s")
            console.print(end)
    console.print(_reference(episode))


def _header(e: Episode) -> Panel:
    r, m = e.result, e.result.metrics
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column()
    rows: list[tuple[str, str]] = [
        ("category", r.category), ("org", r.org), ("drift / rot", f"{r.drift} / {r.rot}"),
        ("trial", str(r.trial)), ("score", f"{r.score:.2f}"), ("grading", r.reason),
        ("answer", _answer(r.answer)), ("gold", _answer(r.gold)),
        ("steps", f"{m.steps} used · {m.optimal_steps} optimal"),
        ("tokens", f"{m.tokens_in:,} in · {m.tokens_out:,} out"),
        ("time", f"{m.wall_seconds:.2f}s (agent {m.agent_seconds:.2f}s)"),
        ("errors", (f"{m.errors} ({m.errors_recovered} recovered) · stale names "
                    f"{m.stale_name_errors} · hallucinated {len(m.hallucinated_names)}")),
    ]
    for key, value in rows:
        table.add_row(key, Text(value))
    parts: list[RenderableType] = []
    if e.task is not None:
        parts += [Text(e.task.query), Text("")]
    parts.append(table)
    verdict = Text(" PASS ", style="bold white on green") if r.passed else \
        Text(" FAIL ", style="bold white on red")
    title = Text.assemble((r.task_id, "bold"), " ", verdict)
    return Panel(Group(*parts), title=title, title_align="left", border_style="blue")


def _turn(t: TurnRecord, observation_chars: int) -> Panel:
    stale = [n.path for n in t.names if n.status == "stale"]
    halluc = [n.path for n in t.names if n.status == "hallucinated"]
    title = Text.assemble((f"#{t.index} ", "bold"), (t.tool or "(unparsed reply)", "bold cyan"))
    if t.error_code:
        title.append(f"  {t.error_code}", style="bold red")
    marks = Text()
    for path in stale:
        marks.append(f"stale: {path}  ", style="yellow")
    for path in halluc:
        marks.append(f"hallucinated: {path}  ", style="magenta")
    if t.truncated:
        marks.append("observation trimmed", style="dim")
    parts: list[RenderableType] = [_call(t.tool, t.arguments, t.reply)]
    if marks:
        parts.append(marks)
    if t.observation is not None:
        shown = t.observation[:observation_chars]
        obs = Text(shown, style="red" if not t.ok else "dim")
        if len(t.observation) > len(shown):
            obs.append(f" … ({len(t.observation) - len(shown):,} more characters)",
                       style="italic dim")
        parts.append(obs)
    subtitle = (f"{t.tokens_in:,} tok in · {t.tokens_out:,} tok out · agent "
                f"{t.agent_seconds:.2f}s · env {t.env_seconds:.2f}s")
    border = "red" if not t.ok else "yellow" if stale else "grey50"
    return Panel(Group(*parts), title=title, title_align="left", subtitle=subtitle,
                 subtitle_align="right", border_style=border)


def _call(tool: str | None, arguments: dict[str, Any] | None, reply: Any) -> RenderableType:
    if tool is None or arguments is None:
        return Text(as_text(reply))
    if tool in (SOQL_QUERY, SOSL_SEARCH):
        statement = arguments.get("query" if tool == SOQL_QUERY else "search")
        if isinstance(statement, str):
            return Syntax(statement, "sql", word_wrap=True, background_color="default")
    if tool == DESCRIBE:
        return Text(f"describe {arguments.get('object') or '(describeGlobal)'}")
    if tool == SUBMIT_ANSWER and "answer" in arguments:
        return Text(f"answer: {_answer(arguments['answer'])}", style="bold")
    return Text(json.dumps(arguments, ensure_ascii=False))


def _reference(e: Episode) -> Panel:
    ref = e.reference
    if ref is None:
        body: RenderableType = Text("not available", style="italic")
    else:
        parts: list[RenderableType] = []
        for i, step in enumerate(ref.steps, 1):
            parts.append(Text(f"{i}. {step.name}", style="bold cyan"))
            parts.append(_call(step.name, dict(step.arguments), None))
        parts.append(Text(f"then derive the answer with {ref.derivation}", style="dim"))
        body = Group(*parts)
    return Panel(body, title="reference solution", title_align="left", border_style="green")


def _answer(answer: Any) -> str:
    if answer is None:
        return "(none)"
    if isinstance(answer, (list, tuple)):
        return ", ".join(str(a) for a in answer) or "(empty)"
    return str(answer)

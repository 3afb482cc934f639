"""The episode log: the one record every metric, grade and score is computed from.

A JSON Lines file per episode: a header line (task, trial, agent, config, today, the task
message), one line per turn (what the agent sent, what the environment did and answered, names
referenced, timings and token counts), and an end line (why the episode stopped and the
submitted answer). Written to `<name>.jsonl.part` as it happens and renamed when complete, so a
log without an end line is an episode that never finished.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, PrivateAttr
from pydantic_core import PydanticSerializationError

from core.provenance import Provenance
from data.tasks.identity import TaskSetIdentity
from data.tasks.model import Task
from env.config import EpisodeConfig
from env.names import NameRef
from env.protocol import AgentReply
from env.tokens import as_text

LOG_FORMAT = 1

#: "closed": a session without a task's end, e.g. a sandbox REST session that expired.
Termination = Literal["submitted", "max_steps", "timeout", "turn_timeout", "agent_error",
                      "env_error", "closed"]
ErrorKind = Literal["format", "unknown_tool", "invalid_arguments", "salesforce"]


class EpisodeHeader(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: Literal["header"] = "header"
    format: int = LOG_FORMAT
    task: Task
    trial: int
    agent: str
    config: EpisodeConfig
    today: dt.date
    #: Drift renames actually applied ("Case.Status" -> "Case.Status_v2__c"), for humans.
    renames: dict[str, str] = {}
    task_message: str
    task_message_tokens: int
    started_at: str
    #: The code, org and task set this episode ran on (None in logs written before it existed).
    provenance: Provenance | None = None
    #: The task set the task came from (None: tasks handed in directly, e.g. by tests).
    task_set: TaskSetIdentity | None = None


class TurnRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: Literal["turn"] = "turn"
    index: int
    #: Tokens of the environment message this reply answers (task message or observation).
    tokens_in: int
    reply: AgentReply
    tokens_out: int
    #: The parsed call; None for a format error.
    tool: str | None = None
    arguments: dict[str, Any] | None = None
    error_code: str | None = None
    error_kind: ErrorKind | None = None
    #: The observation sent back (None after submit_answer).
    observation: str | None = None
    truncated: bool = False
    names: list[NameRef] = []
    agent_seconds: float
    env_seconds: float

    @property
    def ok(self) -> bool:
        return self.error_code is None


class EpisodeEnd(BaseModel):
    model_config = ConfigDict(frozen=True)

    type: Literal["end"] = "end"
    termination: Termination
    answer: list[str] | None = None
    refused: bool = False
    detail: str = ""
    #: Tokens of a message the agent received but never answered (timeouts, errors).
    unanswered_tokens_in: int = 0
    wall_seconds: float


class EpisodeLog(BaseModel):
    """A whole episode, read back from (or about to be written to) its JSON Lines file."""

    header: EpisodeHeader
    turns: list[TurnRecord] = []
    end: EpisodeEnd | None = None
    #: The lines a LogWriter wrote for this log (header, turns, end), kept so that `roundtrip`
    #: reads them instead of serialising every record a second time.
    _written: list[str] | None = PrivateAttr(default=None)

    @property
    def finished(self) -> bool:
        return self.end is not None

    def transcript_text(self) -> str:
        """Everything the agent said, in order: what privacy grading searches for leaks."""
        return "\n".join(as_text(t.reply) for t in self.turns)

    def lines(self) -> list[str]:
        records: list[BaseModel] = [self.header, *self.turns]
        if self.end is not None:
            records.append(self.end)
        return [_line(r) for r in records]

    @classmethod
    def parse(cls, text: str) -> EpisodeLog:
        header: EpisodeHeader | None = None
        turns: list[TurnRecord] = []
        end: EpisodeEnd | None = None
        for n, raw in enumerate(text.splitlines(), 1):
            if not raw.strip():
                continue
            typed = _RECORD_TYPE.match(raw)  # as written: the type first (no second parse)
            kind = typed.group(1) if typed else json.loads(raw).get("type")
            if kind == "header":
                header = EpisodeHeader.model_validate_json(raw)
            elif kind == "turn":
                turns.append(TurnRecord.model_validate_json(raw))
            elif kind == "end":
                end = EpisodeEnd.model_validate_json(raw)
            else:
                raise ValueError(f"line {n}: unknown record type {kind!r}")
        if header is None:
            raise ValueError("episode log has no header line")
        return cls(header=header, turns=turns, end=end)

    @classmethod
    def read(cls, path: Path) -> EpisodeLog:
        return cls.parse(path.read_text(encoding="utf-8"))

    def written_by(self, writer: LogWriter) -> EpisodeLog:
        """Remember what `writer` wrote of this log (see `roundtrip`)."""
        self._written = writer.lines
        return self

    def roundtrip(self) -> EpisodeLog:
        """This log as a reader of its file would see it (floats and all): the lines its writer
        wrote when they are all of it, else its records serialised now."""
        written = self._written
        whole = written is not None and len(written) == 1 + len(self.turns) + (self.end is not None)
        return EpisodeLog.parse("\n".join(written if whole and written is not None
                                          else self.lines()))


#: The record type at the start of a line as `_line` writes it ({"type":"turn",...}); a line
#: written otherwise is parsed to find it.
_RECORD_TYPE = re.compile(r'\{"type":"(header|turn|end)"[,}]')


def _line(record: BaseModel) -> str:
    """One JSON line, always valid UTF-8: strings an in-process agent built with lone surrogates
    (which UTF-8 cannot encode) are written with each surrogate as the text `\\udXXX`."""
    try:
        return record.model_dump_json(exclude_none=False)
    except PydanticSerializationError:
        return json.dumps(escape_surrogates(record.model_dump(mode="json", exclude_none=False)),
                          ensure_ascii=False, separators=(",", ":"))


def escape_surrogates(value: Any) -> Any:
    """`value` with every lone surrogate in its strings (and keys) replaced by the six characters
    of its escape, e.g. "\\ud800": readable, faithful, and encodable as UTF-8."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {escape_surrogates(k): escape_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape_surrogates(v) for v in value]
    return value


class LogWriter:
    """Appends an episode's records to `<path>.part` as they happen; `close` renames it to
    `path` once the end line is written. Without a path it only keeps the log in memory."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        #: Every line written, in order (EpisodeLog.roundtrip reads them back).
        self.lines: list[str] = []
        self._part = path.with_name(path.name + ".part") if path else None
        self._fh = None
        if self._part is not None:
            try:
                self._fh = open(self._part, "w", encoding="utf-8")
            except FileNotFoundError:  # the folder's first log (no mkdir call for the others)
                self._part.parent.mkdir(parents=True, exist_ok=True)
                self._fh = open(self._part, "w", encoding="utf-8")

    def write(self, record: BaseModel) -> None:
        line = _line(record)
        self.lines.append(line)
        if self._fh is not None:
            self._fh.write(line + "\n")
            self._fh.flush()

    def close(self, complete: bool) -> None:
        if self._fh is None:
            return
        self._fh.close()
        self._fh = None
        if complete and self.path is not None and self._part is not None:
            os.replace(self._part, self.path)


def episode_file_name(task_id: str, trial: int, drift: str | None = None,
                      rot: str | None = None) -> str:
    """A filesystem-safe log name for (task, trial), and its entropy levels when given: unique
    in a folder that merges assessments at several levels."""
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in task_id)
    levels = f"__{drift}-{rot}" if drift is not None and rot is not None else ""
    return f"{safe}{levels}__t{trial}.jsonl"

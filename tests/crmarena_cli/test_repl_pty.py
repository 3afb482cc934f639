"""`crmarena repl` driven through a real pseudo-terminal (pexpect): TAB completion on screen,
a query's table, an error, `.drift` under drift, and history that survives a restart."""

from __future__ import annotations

import io
import os
import re
import sys
import time
from pathlib import Path

import pexpect
import pytest

from entropy import plan_drift
from sandbox_db.schema import FieldType, load_schema
from tests.helpers import REPO

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r")
TIMEOUT = 120
UP, CTRL_D, CTRL_U, ESC = "\x1b[A", "\x04", "\x15", "\x1b"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


class Screen:
    """A repl in a pty, with everything it printed (escape sequences stripped) kept."""

    def __init__(self, data_dir: Path, *args: str) -> None:
        env = {**os.environ, "CRMARENA_DATA_DIR": str(data_dir), "TERM": "xterm",
               "PROMPT_TOOLKIT_NO_CPR": "1", "COLUMNS": "200", "LINES": "50"}
        self.raw = io.StringIO()
        self.child = pexpect.spawn(sys.executable, ["-m", "crmarena_cli", "repl", *args],
                                   cwd=str(REPO), env=env, encoding="utf-8",
                                   dimensions=(50, 200), timeout=TIMEOUT)
        self.child.logfile_read = self.raw

    def text(self) -> str:
        return ANSI.sub("", self.raw.getvalue())

    def wait_for(self, needle: str, since: int = 0) -> str:
        """Until `needle` shows up in the (stripped) output after position `since` (a mark: an
        earlier table's border must not end the wait); returns the output so far."""
        deadline = time.monotonic() + TIMEOUT
        while needle not in self.text()[since:]:
            if time.monotonic() > deadline:
                raise AssertionError(f"{needle!r} never appeared; screen:\n{self.text()[-3000:]}")
            try:
                self.child.expect([pexpect.TIMEOUT, pexpect.EOF], timeout=0.2)
            except pexpect.EOF:
                break
        return self.text()

    def mark(self) -> int:
        return len(self.text())

    def since(self, mark: int) -> str:
        return self.text()[mark:]

    def close(self) -> int:
        self.child.expect(pexpect.EOF, timeout=TIMEOUT)
        self.child.close()
        return self.child.exitstatus


@pytest.mark.slow
def test_interactive_session_and_history(tmp_path: Path) -> None:
    base = load_schema("b2b")
    plan = plan_drift(base, "medium", 0)
    account = base.get("Account")
    assert account is not None
    base_field, visible_field = next(  # a sortable one (ORDER BY on a textarea is an error)
        (b, v) for b, v in plan.field_renames["Account"].items()
        if account.field(b).type != FieldType.TEXTAREA)

    screen = Screen(tmp_path, "--drift", "medium", "--today", "2024-06-01")
    screen.wait_for("d:medium r:none>")

    # TAB with several candidates: the completion menu lists them on screen.
    mark = screen.mark()
    screen.child.send("SELECT Id FROM Opp\t")
    menu = screen.wait_for("OpportunityLineItem", mark)[mark:]
    assert "Opportunity" in menu and "object: Opportunity Line Item" in menu
    screen.child.send(ESC + CTRL_U)

    # TAB with one candidate inserts it: the drifted field's visible name, from a prefix.
    prefix = visible_field[:len(visible_field) - 3]
    mark = screen.mark()
    screen.child.send(f"SELECT Id, Name FROM Account ORDER BY {prefix}\t")
    screen.wait_for(visible_field, mark)
    screen.child.send(" LIMIT 3;\r")
    table = screen.wait_for("3 rows", mark)[mark:]
    assert "┃ Id" in table and "Name" in table and "INVALID_FIELD" not in table

    # A multi-line statement ended by a blank line; the agent's error for a base name.
    mark = screen.mark()
    screen.child.send(f"SELECT {base_field}\r")
    screen.child.send("FROM Account\r")
    screen.child.send("\r")
    error = screen.wait_for("error ·", mark)[mark:]
    assert "INVALID_FIELD" in error
    assert f"No such column '{base_field}' on entity 'Account'" in " ".join(error.split())

    mark = screen.mark()
    screen.child.send(".drift\r")
    screen.wait_for("field renames, drift medium", mark)
    drift = screen.wait_for("└", mark)[mark:]
    assert base_field in drift and visible_field in drift

    screen.child.send("SELECT COUNT() FROM Opportunity;\r")
    screen.wait_for("totalSize")
    screen.child.send(CTRL_D)
    assert screen.close() == 0

    history = (tmp_path / "repl_history").read_text()
    assert "SELECT COUNT() FROM Opportunity;" in history and ".drift" in history

    # A new session recalls the last statement with the Up arrow.
    again = Screen(tmp_path, "--today", "2024-06-01")
    again.wait_for("b2b>")
    time.sleep(1.0)  # prompt_toolkit loads the history file in a background thread
    mark = again.mark()
    again.child.send(UP)
    again.wait_for("SELECT COUNT() FROM Opportunity;", mark)
    again.child.send("\r")
    assert "totalSize" in again.wait_for("ms\n", mark)[mark:]
    again.child.send(".quit\r")
    assert again.close() == 0

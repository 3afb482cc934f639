"""Splitting typed or piped input into statements, like psql: a statement ends at `;` (outside
quotes and SOSL `{...}` terms) or at a blank line; a line starting with `.` is a dot command."""

from __future__ import annotations


def is_meta(statement: str) -> bool:
    return statement.lstrip().startswith(".")


def split_statements(text: str) -> list[str]:
    """The statements of `text`, stripped, without their terminating `;`.
    `--` lines are comments."""
    statements: list[str] = []
    buffer: list[str] = []
    closing: str | None = None  # the quote or brace we are inside of

    def flush() -> None:
        statement = "".join(buffer).strip()
        if statement:
            statements.append(statement)
        buffer.clear()

    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        at_start = closing is None and not "".join(buffer).strip()
        if at_start and stripped.startswith("."):
            statements.append(stripped.rstrip(";").strip())
            continue
        if at_start and stripped.startswith("--"):
            continue
        if closing is None and not stripped:
            flush()
            continue
        escaped = False
        for ch in line:
            if closing is not None:
                buffer.append(ch)
                if escaped:
                    escaped = False
                elif ch == "\\" and closing == "'":
                    escaped = True
                elif ch == closing:
                    closing = None
            elif ch == ";":
                flush()
            else:
                buffer.append(ch)
                if ch in "'{":
                    closing = "'" if ch == "'" else "}"
    flush()
    return statements

"""Tab completion from the episode's drifted schema: keywords, objects, the FROM object's fields,
relationship paths (`Account.Owner.` -> User's fields) and child relationships in subqueries.

Why a small scanner and not the SOQL parser: the text being completed is unfinished and usually
invalid. The scanner only needs the statement's shape: which parentheses enclose the cursor (a
child subquery, a semi-join, a SOSL `RETURNING Account(...)` list or a function call), the FROM
name of each level, and the keyword before the word being typed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from sandbox_db.schema import FieldType, OrgSchema, SObject

SOQL_KEYWORDS: tuple[str, ...] = (
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "LIKE", "INCLUDES", "EXCLUDES",
    "GROUP BY", "HAVING", "ORDER BY", "ASC", "DESC", "NULLS FIRST", "NULLS LAST", "LIMIT",
    "OFFSET", "NULL", "TRUE", "FALSE", "WITH", "FIND", "IN ALL FIELDS", "IN NAME FIELDS",
    "IN EMAIL FIELDS", "IN PHONE FIELDS", "RETURNING", "TYPEOF", "WHEN", "THEN", "ELSE", "END",
    "USING SCOPE", "DATA CATEGORY", "ABOVE_OR_BELOW", "ROLLUP(", "CUBE(", "FOR VIEW",
    "UPDATE TRACKING", "HIGHLIGHT", "SNIPPET", "SPELL_CORRECTION", "USING ListView",
)
SOQL_FUNCTIONS: tuple[str, ...] = (
    "COUNT()", "COUNT(", "COUNT_DISTINCT(", "SUM(", "AVG(", "MIN(", "MAX(", "CALENDAR_YEAR(",
    "CALENDAR_QUARTER(", "CALENDAR_MONTH(", "DAY_IN_MONTH(", "DAY_IN_WEEK(", "DAY_IN_YEAR(",
    "WEEK_IN_YEAR(", "WEEK_IN_MONTH(", "FISCAL_YEAR(", "FISCAL_QUARTER(", "FISCAL_MONTH(",
    "DAY_ONLY(", "HOUR_IN_DAY(", "toLabel(", "FORMAT(", "convertCurrency(", "GROUPING(",
    "DISTANCE(", "GEOLOCATION(",
)
DATE_LITERALS: tuple[str, ...] = (
    "TODAY", "YESTERDAY", "TOMORROW", "LAST_WEEK", "THIS_WEEK", "NEXT_WEEK", "LAST_MONTH",
    "THIS_MONTH", "NEXT_MONTH", "LAST_90_DAYS", "NEXT_90_DAYS", "LAST_N_DAYS:", "NEXT_N_DAYS:",
    "LAST_N_WEEKS:", "NEXT_N_WEEKS:", "LAST_N_MONTHS:", "NEXT_N_MONTHS:", "THIS_QUARTER",
    "LAST_QUARTER", "NEXT_QUARTER", "LAST_N_QUARTERS:", "NEXT_N_QUARTERS:", "THIS_YEAR",
    "LAST_YEAR", "NEXT_YEAR", "LAST_N_YEARS:", "NEXT_N_YEARS:", "THIS_FISCAL_YEAR",
    "LAST_FISCAL_YEAR", "THIS_FISCAL_QUARTER", "LAST_FISCAL_QUARTER",
)

_WORD_RE = re.compile(r"[\w.:]*$")
_KEYWORD_RE = re.compile(r"\b(SELECT|FROM|WHERE|GROUP\s+BY|ORDER\s+BY|HAVING|LIMIT|OFFSET|"
                         r"RETURNING|FIND|WITH|AND|OR|LIKE|IN|BY)\b", re.IGNORECASE)
_FROM_RE = re.compile(r"\bFROM\s+(\w+)", re.IGNORECASE)
_CALLER_RE = re.compile(r"(\w+)\s*$")

#: What a meta command's argument completes to (see playground.meta).
ArgumentSource = Callable[[], Iterable[str]]


@dataclass(frozen=True)
class _Level:
    """One parenthesised level around the cursor: its text at depth 0 and what opened it."""

    start: int
    text: str
    caller: str | None  # the word before "(" (COUNT, Account in RETURNING Account(...)), if any


def _mask_literals(text: str) -> str:
    """Blank out quoted strings and SOSL {braces} so their parentheses and words never count."""
    out = list(text)
    quote: str | None = None
    escaped = False
    for i, ch in enumerate(text):
        if quote is not None:
            out[i] = " " if ch != "\n" else ch
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == quote:
                quote = None
        elif ch in "'{":
            quote = "'" if ch == "'" else "}"
            out[i] = " "
    return "".join(out)


def _current_statement(masked: str, cursor: int) -> tuple[str, int]:
    """The `;`-delimited statement around the cursor, and the cursor's offset in it."""
    start = masked.rfind(";", 0, cursor) + 1
    end = masked.find(";", cursor)
    return masked[start:end if end >= 0 else len(masked)], cursor - start


def _matching_close(text: str, open_at: int) -> int:
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return i
    return len(text)


def _depth_zero(text: str) -> str:
    """The text with every parenthesised part blanked (keeps offsets)."""
    out, depth = [], 0
    for ch in text:
        if ch == "(":
            depth += 1
        out.append(ch if depth == 0 or ch == "\n" else " ")
        if ch == ")" and depth > 0:
            depth -= 1
    return "".join(out)


def _levels(text: str, cursor: int) -> list[_Level]:
    """Outermost first: the statement, then each unclosed '(' before the cursor."""
    opens: list[int] = []
    for i, ch in enumerate(text[:cursor]):
        if ch == "(":
            opens.append(i)
        elif ch == ")" and opens:
            opens.pop()
    levels = [_Level(0, _depth_zero(text), None)]
    for at in opens:
        end = _matching_close(text, at)
        caller = _CALLER_RE.search(text[:at])
        levels.append(_Level(at + 1, _depth_zero(text[at + 1:end]),
                             caller.group(1) if caller else None))
    return levels


class SoqlCompleter(Completer):
    """Completes SOQL/SOSL against `schema()` (the current drifted schema) and meta commands.

    `meta_commands` maps a dot command to a function listing its argument values (or None).
    """

    def __init__(self, schema: Callable[[], OrgSchema],
                 meta_commands: dict[str, ArgumentSource | None] | None = None) -> None:
        self.schema = schema
        self.meta_commands = meta_commands or {}

    # ------------------------------------------------------------------ entry point
    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterator[Completion]:
        before = document.text_before_cursor
        if before.lstrip().startswith("."):
            yield from self._meta(before.lstrip())
            return
        word = _WORD_RE.search(before).group(0)  # type: ignore[union-attr]
        masked, cursor = _current_statement(_mask_literals(document.text), document.cursor_position)
        if masked[cursor - len(word):cursor] != word:
            return  # inside a quoted string or a SOSL search term
        schema = self.schema()
        if "." in word:
            obj = self._scope_object(schema, masked, cursor - len(word))
            yield from self._path(schema, obj, word)
            return
        yield from self._word(schema, masked, cursor, word)

    # ------------------------------------------------------------------ contexts
    def _scope_object(self, schema: OrgSchema, masked: str, cursor: int) -> SObject | None:
        """The object whose fields are in scope at `cursor` (FROM of the enclosing query)."""
        obj: SObject | None = None
        for level in _levels(masked, cursor):
            from_name = _FROM_RE.search(level.text)
            if from_name is not None:
                name = from_name.group(1)
                child = obj.child_relationship(name) if obj is not None else None
                obj = schema.get(child.child_object) if child is not None else schema.get(name)
            elif level.caller is not None and schema.get(level.caller) is not None:
                obj = schema.get(level.caller)  # SOSL: RETURNING Account(Name, ...)
        return obj

    def _parent_object(self, schema: OrgSchema, masked: str, cursor: int) -> SObject | None:
        """For a FROM inside a subquery: the object of the enclosing query (child relationships)."""
        levels = _levels(masked, cursor)
        if len(levels) < 2:
            return None
        outer = _FROM_RE.search(levels[-2].text)
        return self._scope_object(schema, masked, levels[-1].start - 1) if outer else None

    def _word(self, schema: OrgSchema, masked: str, cursor: int,
              word: str) -> Iterator[Completion]:
        before = masked[:cursor - len(word)]
        level_text = _levels(masked, cursor)[-1]
        local = _depth_zero(before[level_text.start:])
        keywords = list(_KEYWORD_RE.finditer(local))
        last = re.sub(r"\s+", " ", keywords[-1].group(1).upper()) if keywords else None
        if last in ("FROM", "RETURNING") and not local[keywords[-1].end():].strip(" \n,"):
            yield from self._after_from(schema, masked, cursor, word)
            return
        if last == "RETURNING":
            yield from self._objects(schema, word)
            return
        if last is None and not before.strip():
            yield from _matching(word, ("SELECT", "FIND"), "keyword")
            return
        obj = self._scope_object(schema, masked, cursor - len(word))
        if obj is not None:
            yield from self._fields(schema, obj, word)
        if last in ("WHERE", "AND", "OR", "HAVING", "LIKE", "IN"):
            yield from _matching(word, DATE_LITERALS, "date literal")
        yield from _matching(word, SOQL_FUNCTIONS, "function")
        yield from _matching(word, SOQL_KEYWORDS, "keyword")
        if obj is None:
            yield from self._objects(schema, word)

    def _after_from(self, schema: OrgSchema, masked: str, cursor: int,
                    word: str) -> Iterator[Completion]:
        parent = self._parent_object(schema, masked, cursor - len(word))
        if parent is not None:
            for child in parent.child_relationships:
                if _starts(child.relationship_name, word):
                    yield Completion(child.relationship_name, -len(word),
                                     display_meta=f"child relationship -> {child.child_object}")
        yield from self._objects(schema, word)

    def _objects(self, schema: OrgSchema, word: str) -> Iterator[Completion]:
        for obj in schema.objects:
            if _starts(obj.name, word):
                yield Completion(obj.name, -len(word), display_meta=f"object: {obj.label}")

    def _fields(self, schema: OrgSchema, obj: SObject, word: str) -> Iterator[Completion]:
        """Fields of `obj`, then its parent relationships (which continue with a dot)."""
        for f in obj.fields:
            if _starts(f.name, word):
                yield Completion(f.name, -len(word), display_meta=f"{f.type.value}: {f.label}")
        for f in obj.fields:
            if f.type == FieldType.REFERENCE and f.relationship_name \
                    and _starts(f.relationship_name, word):
                target = "|".join(f.reference_to)
                yield Completion(f.relationship_name + ".", -len(word),
                                 display=f.relationship_name + ".",
                                 display_meta=f"relationship -> {target}")

    def _path(self, schema: OrgSchema, obj: SObject | None, word: str) -> Iterator[Completion]:
        """`Account.Owner.Na` -> fields of the object at the end of the relationship path."""
        *path, prefix = word.split(".")
        if obj is not None and path and obj.name.lower() == path[0].lower() \
                and obj.field_by_relationship(path[0]) is None:
            path = path[1:]  # `Account.Name` written with the FROM object's own name
        for rel in path:
            if obj is None:
                return
            ref = obj.field_by_relationship(rel)
            obj = schema.get(ref.reference_to[0]) if ref is not None else None
        if obj is not None:
            yield from self._fields(schema, obj, prefix)

    def _meta(self, text: str) -> Iterator[Completion]:
        command, _, arg = text.partition(" ")
        if not _:
            yield from _matching(command, self.meta_commands, "command")
            return
        source = self.meta_commands.get(command.lower())
        if source is None or " " in arg.strip():
            return
        for value in source():
            if _starts(value, arg):
                yield Completion(value, -len(arg))


def _starts(candidate: str, word: str) -> bool:
    return candidate.lower().startswith(word.lower())


def _matching(word: str, candidates: Iterable[str], meta: str) -> Iterator[Completion]:
    for c in candidates:
        if _starts(c, word):
            yield Completion(c, -len(word), display_meta=meta)

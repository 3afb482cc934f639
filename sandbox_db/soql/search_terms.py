"""SOSL search terms: `{acme rock* OR "blue widget" AND NOT legacy}` as a boolean tree of Terms.

Words and `"quoted phrases"`, `*`/`?` wildcards, AND/OR/AND NOT, parentheses; bare words are
ANDed, as in Salesforce. A Term matches a field when its words occur, case-insensitively, as whole
words in sequence. Reserved characters escaped with a backslash are literal; a word that is only
punctuation (`\\}`, `\\*`, `\\'`) is not indexed by the search engine, so it restricts nothing.

Also here: highlighting (`<mark>`) and snippets of matched text (WITH HIGHLIGHT / WITH SNIPPET),
and replacing misspelled words (WITH SPELL_CORRECTION).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from sandbox_db.errors import ErrorCode, SalesforceError

#: Words and phrases in one search term: each becomes a regex over every searched field of every
#: returned object, so a longer term only builds SQL too large to parse or run in time.
MAX_SEARCH_WORDS = 64


def malformed_search(message: str) -> SalesforceError:
    return SalesforceError(ErrorCode.MALFORMED_SEARCH, message)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # as written (escapes kept), wildcards included
    phrase: bool = False

    @property
    def wildcard(self) -> bool:
        return any(_has_wildcard(w) for w in self.words)

    @property
    def body(self) -> str:
        return r"\W+".join(_word_regex(w) for w in self.words)

    @property
    def pattern(self) -> str:
        """RE2 (DuckDB regexp_matches) and Python regex: the words, on word boundaries."""
        return rf"(?i)(?:^|\W){self.body}(?:\W|$)"


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND | OR | NOT (NOT has one operand)
    items: tuple[Any, ...]


_TERM_TOKEN = re.compile(r'\s*(?:(")((?:\\.|[^"\\])*)"|(\()|(\))|((?:\\.|[^\s()"])+))')


def _has_wildcard(word: str) -> bool:
    return bool(re.search(r"(?<!\\)[*?]", word))


def _literal(word: str) -> str:
    """The word without escapes and wildcards: what the index must hold."""
    return re.sub(r"\\(.)|[*?]", lambda m: m.group(1) or "", word)


def _word_regex(word: str) -> str:
    out = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "\\" and i + 1 < len(word):
            out.append(re.escape(word[i + 1]))
            i += 2
            continue
        out.append(r"\w*" if ch == "*" else r"\w" if ch == "?" else re.escape(ch))
        i += 1
    return "".join(out)


def _term(text: str, phrase: bool) -> Term | None:
    """A Term of the indexed words of `text` (None when it has none: only punctuation)."""
    words = tuple(w for w in text.split() if re.search(r"\w", _literal(w)) or _has_wildcard(w))
    if not words:
        return None
    if sum(len(_literal(w)) for w in words) < 2:
        raise malformed_search("search term must be longer than one character")
    return Term(words, phrase)


def parse_term(text: str) -> Any:
    """The boolean tree of a SOSL search term."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TERM_TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise malformed_search(f"unexpected search term text: {text[pos:pos + 20]}")
        pos = m.end()
        if m.group(1):
            tokens.append(("PHRASE", m.group(2).replace('\\"', '"')))
        elif m.group(3):
            tokens.append(("(", "("))
        elif m.group(4):
            tokens.append((")", ")"))
        else:
            word = m.group(5)
            tokens.append((word.upper(), word) if word.upper() in ("AND", "OR", "NOT")
                          else ("WORD", word))
    if sum(kind in ("WORD", "PHRASE") for kind, _ in tokens) > MAX_SEARCH_WORDS:
        raise malformed_search(f"search term is too complex: use at most {MAX_SEARCH_WORDS} "
                               "words and phrases")
    index = 0

    def peek() -> str | None:
        return tokens[index][0] if index < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def parse_or() -> Any:
        items = [i for i in [parse_and()] if i is not None]
        while peek() == "OR":
            take()
            item = parse_and()
            if item is not None:
                items.append(item)
        return _combine("OR", items)

    def parse_and() -> Any:
        items = [parse_unary()]
        while peek() in ("AND", "NOT", "WORD", "PHRASE", "("):
            if peek() == "AND":
                take()
            items.append(parse_unary())
        return _combine("AND", [i for i in items if i is not None])

    def parse_unary() -> Any:
        kind = peek()
        if kind == "NOT":
            take()
            inner = parse_unary()
            return None if inner is None else BoolOp("NOT", (inner,))
        if kind == "(":
            take()
            inner = parse_or()
            if peek() != ")":
                raise malformed_search("missing ')' in search term")
            take()
            return inner
        if kind in ("WORD", "PHRASE"):
            _, value = take()
            return _term(value, kind == "PHRASE")
        found = tokens[index][1] if kind else "<EOF>"
        raise malformed_search(f"unexpected token in search term: {found}")

    tree = parse_or() if tokens else None
    if index != len(tokens):
        raise malformed_search(f"unexpected token in search term: {tokens[index][1]}")
    if tree is None:
        raise malformed_search("search term must be longer than one character")
    return tree


def _combine(op: str, items: list[Any]) -> Any:
    if not items:
        return None
    return items[0] if len(items) == 1 else BoolOp(op, tuple(items))


def terms(tree: Any) -> list[Term]:
    if isinstance(tree, Term):
        return [tree]
    return [t for item in tree.items for t in terms(item)]


def positive_terms(tree: Any) -> list[Term]:
    """The terms a match can be highlighted for (not under NOT)."""
    if isinstance(tree, Term):
        return [tree]
    if tree.op == "NOT":
        return []
    return [t for item in tree.items for t in positive_terms(item)]


def correctable_words(tree: Any) -> list[str]:
    """Plain words (no wildcard, not in a phrase) that spell correction may replace."""
    return [w for t in terms(tree) if not t.phrase for w in t.words
            if not _has_wildcard(w) and "\\" not in w and w.isalnum()]


def replace_words(tree: Any, corrections: dict[str, str]) -> Any:
    if isinstance(tree, Term):
        return replace(tree, words=tuple(corrections.get(w, w) for w in tree.words))
    return BoolOp(tree.op, tuple(replace_words(i, corrections) for i in tree.items))


# --- highlighting -----------------------------------------------------------------------------

def _marker(tree: Any) -> re.Pattern[str] | None:
    bodies = [t.body for t in positive_terms(tree) if not t.wildcard]
    if not bodies:
        return None
    return re.compile(r"(?i)(?<!\w)(?:" + "|".join(bodies) + r")(?!\w)")


def highlight(text: str | None, tree: Any) -> str | None:
    """`text` with every match of the (non-wildcard) terms in <mark> tags; None: no match."""
    rx = _marker(tree)
    if not text or rx is None or not rx.search(text):
        return None
    return rx.sub(lambda m: "<mark>" + m.group(0) + "</mark>", text)


def snippet(text: str | None, tree: Any, length: int) -> str | None:
    """About `length` characters of `text` around its first match, matches in <mark> tags."""
    rx = _marker(tree)
    m = rx.search(text) if text and rx is not None else None
    if m is None or not text:
        return None
    start = max(0, m.start() - length // 3)
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    if start > 0:  # whole words only
        start = text.find(" ", start) + 1 or start
    if end < len(text):
        end = text.rfind(" ", start, end) if text.rfind(" ", start, end) > m.end() else end
    assert rx is not None  # m came from rx
    body = rx.sub(lambda x: "<mark>" + x.group(0) + "</mark>", text[start:end].strip())
    return ("..." if start > 0 else "") + body + ("..." if end < len(text) else "")

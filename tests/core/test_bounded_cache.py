"""core.bounded_cache and the caches built on it: bounded, exact keys, errors not cached."""

from __future__ import annotations

import pytest

import env.tokens as tokens
from core.bounded_cache import BoundedCache
from env.agents.names_map import needed_objects
from env.names import base_resolver
from sandbox_db.schema import load_schema


def test_least_recently_used_entry_goes_first():
    cache: BoundedCache[str, int] = BoundedCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1          # a is now the most recently used
    cache.put("c", 3)
    assert "b" not in cache and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_get_or_build_builds_once_and_never_caches_an_error():
    cache: BoundedCache[str, int] = BoundedCache(4)
    calls: list[str] = []

    def build() -> int:
        calls.append("x")
        return 7

    assert cache.get_or_build("k", build) == cache.get_or_build("k", build) == 7
    assert calls == ["x"] and cache.hits == 1 and cache.misses == 1
    with pytest.raises(ValueError):
        cache.get_or_build("bad", lambda: (_ for _ in ()).throw(ValueError("no")))
    assert "bad" not in cache


def test_token_memo_keys_on_the_text_not_on_a_weak_hash(monkeypatch):
    """The memo keyed on (len, hash(text)): two bodies of one length whose hashes collided got
    one count. Even with a hash that always collides, each body gets its own count now."""
    monkeypatch.setattr(tokens, "_MEMO", BoundedCache(8))
    monkeypatch.setitem(tokens.__dict__, "hash", lambda _text: 0)
    first, second = "x " * 300, "word " * 120  # both 600 characters
    assert len(first) == len(second)
    assert tokens._count_memo(first) == tokens._count(first)
    assert tokens._count_memo(second) == tokens._count(second) != tokens._count(first)
    assert len(tokens._MEMO) == 2


def test_one_base_resolver_per_schema_bounded():
    schema = load_schema("b2b")
    assert base_resolver(schema) is base_resolver(schema)
    assert needed_objects(schema, [("soql_query", {"query": "SELECT Account.Name FROM Case"})]) \
        == ["Case", "Account"]

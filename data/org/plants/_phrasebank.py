"""Helpers shared by the text planters and the derivations that read their signal back.

Why phrase banks: a planted sentence comes from a fixed template (with slots such as {amount}),
so a derivation recognises it exactly with a regex built from the same template, while an LLM
agent reads ordinary CRM prose. Templates never overlap, so classification is deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING, Any

from data.org.creation import revisions
from data.org.text import url_name

if TYPE_CHECKING:
    from data.org.builder import OrgBuilder

_SLOT = re.compile(r"\{(\w+)\}")


@cache
def template_regex(template: str) -> re.Pattern[str]:
    """A regex matching `template` with every {slot} filled by any short text."""
    parts = _SLOT.split(template)
    pattern = "".join(re.escape(p) if i % 2 == 0 else r"[^\n]{1,80}?"
                      for i, p in enumerate(parts))
    return re.compile(pattern)


def find_templates(text: str, templates: Iterable[str]) -> list[tuple[int, str]]:
    """(position, template) for each template occurring in `text`, in text order."""
    hits = []
    for template in templates:
        for m in template_regex(template).finditer(text or ""):
            hits.append((m.start(), template))
    return sorted(hits)


def records_of(result: Any) -> list[dict[str, Any]]:
    """The records of a Salesforce-shaped query result ({"records": [...]}) or SOSL result
    ({"searchRecords": [...]}); a bare list is returned as is."""
    if isinstance(result, dict):
        if "records" in result:
            return list(result["records"] or [])
        if "searchRecords" in result:
            return list(result["searchRecords"] or [])
    if isinstance(result, list):
        return result
    return []


def add_article(builder: OrgBuilder, title: str, summary: str, body: str,
                published: dt.datetime) -> str:
    """A published, latest-version knowledge article with a unique UrlName and ArticleNumber."""
    taken = {a.get("UrlName") for a in builder.records("Knowledge__kav")}
    slug = url_name(title)
    for n in range(2, 100):
        if slug not in taken:
            break
        slug = f"{url_name(title)}-{n}"
    return add_revised_article(builder, title, summary, body, slug, published)


def add_revised_article(builder: OrgBuilder, title: str, summary: str, body: str, slug: str,
                        published: dt.datetime) -> str:
    """The latest version of a planted article, revised once or twice since it was first
    written (a rule that never changed would have no stale versions for context rot to
    show); its article number is its first version's."""
    version, first = revisions(builder.rng("article-revisions"), published, (2, 3), (3, 2))
    return builder.add("Knowledge__kav", Title=title, Summary=summary, FAQ_Answer__c=body,
                       UrlName=slug, PublishStatus="Online", VersionNumber=version,
                       IsLatestVersion=True, LastPublishedDate=published,
                       ArticleNumber=builder.auto_number("Knowledge__kav", first))

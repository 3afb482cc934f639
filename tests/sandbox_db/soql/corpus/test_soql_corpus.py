"""The public SOQL/SOSL corpus on the b2b org: >= 95% of valid statements accepted, >= 95% of
invalid ones rejected, no bug and no hang (see corpus_check.py)."""

from __future__ import annotations

import pytest

from data.org.store import load_org
from sandbox_db.database import open_view
from tests.sandbox_db.soql.corpus.corpus_check import corpus_today, run_corpus


@pytest.fixture(scope="module")
def report():
    db = load_org("b2b")
    view = open_view(db)
    try:
        yield run_corpus(view, corpus_today(view))
    finally:
        view.close()
        db.close()


def test_corpus_thresholds(report):
    summary = report.summary()
    assert not report.bugs, summary
    assert len(report.rows) == 761, summary
    assert report.syntax_rate >= 95.0, summary
    assert report.invalid_rate >= 95.0, summary


def test_every_feature_is_mostly_accepted(report):
    """No feature group of the corpus is left behind (each >= 80% of its valid statements)."""
    for name, (ok, n) in report.by_feature().items():
        assert ok >= 0.8 * n, (name, ok, n, report.summary())

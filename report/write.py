"""Writing report pages to disk: RESULTS_DIR/report.html by default, atomically (a reader never
sees half a page)."""

from __future__ import annotations

from pathlib import Path

from core.atomic import atomic_write
from report.html import render_compare, render_report
from report.load import load_assessment

REPORT_FILE = "report.html"


def write_report(results_dir: Path, out: Path | None = None) -> Path:
    """Render the report of `results_dir` to `out` (default results_dir/report.html)."""
    assessment = load_assessment(Path(results_dir))
    return atomic_write(out or Path(results_dir) / REPORT_FILE, render_report(assessment))


def write_compare(dir_a: Path, dir_b: Path, out: Path | None = None) -> Path:
    """Render the comparison of two folders to `out` (default dir_a/compare.html)."""
    a, b = load_assessment(Path(dir_a)), load_assessment(Path(dir_b))
    return atomic_write(out or Path(dir_a) / "compare.html", render_compare(a, b))

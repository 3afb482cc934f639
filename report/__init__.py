"""Results people can look at: an HTML report of an assessment folder (summary, dimensions,
charts, a sortable task table, every trajectory next to its reference solution), a side-by-side
comparison of two assessments, and the same trajectories printed in the terminal with rich.

API: `load_assessment(dir) -> Assessment`, `render_report(assessment) -> str`,
`render_compare(a, b) -> str`, `write_report(dir, out=None) -> Path`,
`print_trajectory(episode, console)`; the `crmarena view` command lives in crmarena_cli.view.
"""

from __future__ import annotations

from report.html import render_compare, render_report
from report.load import Assessment, Episode, ReportError, load_assessment
from report.terminal import print_trajectory
from report.write import REPORT_FILE, write_compare, write_report

__all__ = ["REPORT_FILE", "Assessment", "Episode", "ReportError", "load_assessment",
           "print_trajectory", "render_compare", "render_report", "write_compare",
           "write_report"]

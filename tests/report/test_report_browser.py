"""The report pages in a real browser: headless Chromium (Debian's `chromium` package).

Without a DevTools client library, each page is loaded with `--dump-dom` and `?selftest=1`: the
page's own script then checks itself after load (charts present, rows present, sorting by score
works, clicking the first row shows that task's trajectory and only it) and writes the results
plus every uncaught error, CSP violation and console.error/warn into the DOM, which is dumped.
Chromium's own console log (stderr) is checked too. A page with a deliberately broken script
proves the error capture itself works. All pages load in parallel (about 5 s in all).
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from report import load_assessment, render_compare, render_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install -y chromium); CI installs it via .ci/run")]

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--enable-logging=stderr", "--v=0")
SELFTEST_RE = re.compile(r'<pre id="selftest" data-status="([\w-]+)">(.*?)</pre>', re.DOTALL)
CONSOLE_RE = re.compile(r":CONSOLE[:(]\d+\)?\] (.*)")
BROKEN_SCRIPT = '<script>console.error("boom"); notAFunction();</script>'


class Loaded:
    """One page as Chromium left it: the dumped DOM, its self-test and Chromium's console."""

    def __init__(self, dom: str, stderr: str) -> None:
        self.dom = dom
        match = SELFTEST_RE.search(dom)
        assert match, f"no self-test result in the dumped DOM: {dom[:300]!r} {stderr[-500:]}"
        self.status = match.group(1)
        result = json.loads(html.unescape(match.group(2)))
        self.checks: dict = result["checks"]
        self.errors: list[str] = result["errors"]
        self.console = CONSOLE_RE.findall(stderr)


def _chromium(extra: list[str], url: str, profile: Path) -> subprocess.Popen:
    return subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, url],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.fixture(scope="module")
def pages(assessments, tmp_path_factory) -> dict[str, Loaded]:
    """Every page rendered, written and loaded in Chromium at once."""
    root = tmp_path_factory.mktemp("report-pages")
    careless = render_report(load_assessment(assessments["careless"]))
    files = {
        "careless": careless,
        "oracle": render_report(load_assessment(assessments["oracle"])),
        "levels": render_report(load_assessment(assessments["careless_levels"])),
        "hostile": render_report(load_assessment(assessments["hostile"])),
        "compare": render_compare(load_assessment(assessments["oracle"]),
                                  load_assessment(assessments["careless"])),
        "broken": careless.replace('<pre id="selftest"', BROKEN_SCRIPT + '<pre id="selftest"'),
    }
    procs = {}
    for name, text in files.items():
        path = root / f"{name}.html"
        path.write_text(text, encoding="utf-8")
        procs[name] = _chromium(["--dump-dom"], path.as_uri() + "?selftest=1",
                                root / f"profile-{name}")
    shot = root / "careless.png"
    procs["screenshot"] = _chromium(["--window-size=1280,1600", f"--screenshot={shot}"],
                                    (root / "careless.html").as_uri(), root / "profile-shot")
    loaded: dict[str, Loaded] = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, f"chromium failed on {name}: {err[-1000:]}"
        if name != "screenshot":
            loaded[name] = Loaded(out, err)
    loaded["screenshot_path"] = shot  # type: ignore[assignment]
    return loaded


def _assert_clean(page: Loaded) -> None:
    assert page.errors == [], page.errors
    assert page.console == [], page.console
    assert page.status == "done"


@pytest.mark.parametrize("name", ["careless", "oracle", "levels"])
def test_report_loads_cleanly_and_clicking_a_task_shows_its_trajectory(pages, name, assessments):
    page = pages[name]
    _assert_clean(page)
    c = page.checks
    assert c["page"] == "report"
    assert c["charts"] == (4 if name == "levels" else 3)  # dimensions, org, category (+ curve)
    episodes = load_assessment(assessments["careless_levels" if name == "levels" else name])
    assert c["rows"] == c["expected_rows"] == len(episodes.episodes)
    assert c["sorted_asc"] and c["sorted_desc"]
    assert c["visible_before_click"] == 0
    assert c["trajectory_visible"] and c["row_selected"] and c["visible_sections"] == 1
    assert c["trajectory_task"] == c["clicked_task"]
    # the first row after sorting by score, descending, is a best-scoring episode
    best = max(e.result.score for e in episodes.episodes)
    clicked = next(e for e in episodes.episodes if e.result.task_id == c["clicked_task"])
    assert clicked.result.score == best
    assert c["turns_shown"] == c["turns_expected"] == len(clicked.log.turns) > 0


def test_injected_markup_stays_text_in_the_browser(pages):
    page = pages["hostile"]
    _assert_clean(page)  # no CSP violation: nothing tried to load or run
    body = page.dom.split("<body", 1)[1]
    assert "<img" not in body
    assert len(re.findall(r"<script>", body)) == 1  # only the report's own script
    assert page.checks["trajectory_visible"] and page.checks["turns_shown"] == 4


def test_compare_page_loads_cleanly_with_its_charts(pages):
    page = pages["compare"]
    _assert_clean(page)
    assert page.checks == {"charts": 2, "page": "compare"}
    assert 'id="compare-category"' in page.dom


def test_error_capture_catches_a_broken_script(pages):
    page = pages["broken"]
    assert page.status == "errors"
    assert "console.error: boom" in page.errors
    assert any("notAFunction" in e for e in page.errors)
    assert any("notAFunction" in line for line in page.console)


def test_screenshot_renders_the_page(pages):
    data = pages["screenshot_path"].read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1280, 1600)
    assert len(data) > 30_000  # a real page (text, charts), not a blank canvas

"""The report: loading assessment folders through env's own models, the HTML page (charts,
table, trajectories, reference solutions, escaping), the comparison page, the rich terminal
trajectory and the `crmarena view` command, all on real assessments (tests/report/conftest.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from rich.console import Console

from crmarena_cli import main
from env.log import EpisodeLog
from report import ReportError, load_assessment, print_trajectory, render_compare, render_report
from tests.helpers.report_assessments import INJECTION, read_results


class Elements(HTMLParser):
    """Every start tag with its attributes, and the page's text, from a rendered page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        def ok(a: dict[str, str]) -> bool:
            return all(v in a.get(k.rstrip("_"), "").split() if k == "class_" else
                       a.get(k) == v for k, v in attrs.items())
        return [a for t, a in self.tags if t == tag and ok(a)]


# --- loading -----------------------------------------------------------------------------------


def test_load_pairs_every_result_with_its_log_and_reference(assessments):
    a = load_assessment(assessments["careless"])
    results = read_results(assessments["careless"])
    assert a.agent == "careless"
    assert [e.result.task_id for e in a.episodes] == [r.task_id for r in results.tasks]
    for e in a.episodes:
        log = EpisodeLog.read(assessments["careless"] / e.result.log_file)
        assert e.log == log
        assert len(e.log.turns) == e.result.metrics.steps
        # a refusal task (privacy_rejection) has no reference solution to show
        assert e.reference == log.header.task.reference
        assert (e.reference is None) == (log.header.task.reward_metric == "privacy_rejection")
    first = a.episodes[0]
    assert a.find(first.result.task_id) is first
    assert a.find(first.result.task_id, 0) is first
    with pytest.raises(ReportError, match="has no trial 3"):
        a.find(first.result.task_id, 3)
    with pytest.raises(ReportError, match="did you mean"):
        a.find(first.result.category)  # a fragment of real ids: suggestions
    with pytest.raises(ReportError, match="no task 'nope'"):
        a.find("nope")


def test_load_regrades_a_folder_without_results_json(folder_copy):
    folder = folder_copy("careless")
    expected = read_results(folder)
    (folder / "results.json").unlink(missing_ok=True)
    a = load_assessment(folder)
    assert a.results.summary == expected.summary
    assert [e.result.passed for e in a.episodes] == [t.passed for t in expected.tasks]


def test_load_rejects_folders_that_are_not_assessments(tmp_path, folder_copy):
    with pytest.raises(ReportError, match="not a folder"):
        load_assessment(tmp_path / "missing")
    with pytest.raises(ReportError, match="not an assessment folder"):
        load_assessment(tmp_path)
    broken = folder_copy("oracle")
    (broken / "results.json").write_text("{not json")
    with pytest.raises(ReportError, match="not a valid results.json"):
        load_assessment(broken)


def test_missing_log_and_missing_reference_are_shown_as_not_available(folder_copy):
    folder = folder_copy("hostile")
    page = Elements(render_report(load_assessment(folder)))
    assert len(page.find("p", class_="reference-missing")) == 1  # task in no task set
    for log in (folder / "logs").glob("*.jsonl"):
        log.unlink()
    a = load_assessment(folder)
    assert a.episodes[0].log is None
    assert "The episode log is not available." in render_report(a)


# --- the report page ---------------------------------------------------------------------------


def test_report_has_summary_charts_table_and_every_trajectory(assessments):
    a = load_assessment(assessments["careless"])
    html = render_report(a)
    page = Elements(html)
    charts = {s["id"] for s in page.find("svg", class_="chart")}
    assert charts == {"chart-dimensions", "chart-org", "chart-category"}  # one level: no curve
    # one bar per category, with its pass rate
    category_chart = html.split('id="chart-category"')[1].split("</svg>")[0]
    for name, agg in a.results.by_category.items():
        assert f"<title>{name}: {100 * agg.pass_rate:.1f}% ({agg.passed}/{agg.episodes})" \
            in category_chart
    rows = page.find("tr", tabindex="0")
    assert [r["data-task"] for r in rows] == [e.result.task_id for e in a.episodes]
    sections = page.find("section", class_="episode")
    assert [s["data-task"] for s in sections] == [r["data-task"] for r in rows]
    assert all("hidden" in s for s in sections)  # shown by clicking a row
    assert {r["data-ep"] for r in rows} == {s["id"] for s in sections}
    turns = [t for e in a.episodes for t in e.log.turns]
    assert len(page.find("div", class_="turn")) == len(turns)
    assert len(page.find("div", class_="error")) == sum(not t.ok for t in turns) > 0
    stale = [n for t in turns for n in t.names if n.status == "stale"]
    assert len(page.find("span", class_="b-stale")) == len(stale) > 0
    reference_steps = sum(len(e.reference.steps) for e in a.episodes if e.reference is not None)
    assert len(page.find("div", class_="step")) == reference_steps
    for t in turns:  # every SOQL statement the agent sent is on the page, escaped
        if t.tool == "soql_query":
            assert _escaped(t.arguments["query"]) in html
    text = " ".join(page.text)
    for dim, value in a.results.dimension_averages.items():
        assert f"{dim} ×{a.results.weights[dim]}" in text and f"{value:.1f}" in text
    assert f"{a.results.summary.total_passed} / {a.results.summary.total_tasks}" in text


def _escaped(s: str) -> str:
    from html import escape
    return escape(s, quote=True)


def test_report_is_self_contained(assessments):
    html = render_report(load_assessment(assessments["oracle"]))
    # no external resource of any kind: only inline styles/scripts, and a CSP that forbids more
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    assert "@import" not in html and "url(" not in html
    page = Elements(html)
    (csp,) = [a["content"] for t, a in page.tags
              if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp.startswith("default-src 'none';") and "http" not in csp
    assert len(page.find("script")) == 2 and not any("src" in a for t, a in page.tags
                                                     if t in ("script", "img", "link"))


def test_accuracy_curve_appears_when_several_levels_ran(assessments):
    a = load_assessment(assessments["careless_levels"])
    page = Elements(render_report(a))
    assert "chart-accuracy" in {s["id"] for s in page.find("svg", class_="chart")}
    level_table = render_report(a).split('id="accuracy-levels"')[1].split("</table>")[0]
    for level in ("none", "high"):
        g = a.results.by_drift[level]
        cell = f"<td>{100 * g.pass_rate:.1f}% ({g.passed}/{g.episodes})</td>"
        assert f"<td>{level}</td>{cell}{cell}" in level_table  # drift and rot moved together
    assert "<td>low</td>" not in level_table  # only the levels that ran


def test_agent_output_is_escaped_everywhere(assessments):
    html = render_report(load_assessment(assessments["hostile"]))
    assert "<script>window.__pwned" not in html and "<img" not in html
    assert "alert(1)</script>" not in html
    assert _escaped(INJECTION) in html  # shown, as text
    page = Elements(html)
    assert len(page.find("script")) == 2  # only the report's own
    assert len(page.find("span", class_="b-halluc")) >= 1  # Bogus_Field__c marked
    assert any("FORMAT_ERROR" in t for t in page.text)


def test_compare_puts_two_assessments_side_by_side_per_category(assessments):
    a, b = load_assessment(assessments["oracle"]), load_assessment(assessments["careless"])
    html = render_compare(a, b)
    page = Elements(html)
    assert {s["id"] for s in page.find("svg", class_="chart")} == {
        "chart-compare-category", "chart-compare-org"}
    table = html.split('id="compare-category"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>"
                      r'<td(?: class="(delta-pos|delta-neg)")?>([^<]*)</td>', table)
    assert [r[0] for r in rows] == sorted(set(a.results.by_category) | set(b.results.by_category))
    for name, ra, rb, sign, delta in rows:
        ga, gb = a.results.by_category[name], b.results.by_category[name]
        assert ra.startswith(f"{100 * ga.pass_rate:.1f}% ({ga.passed}/{ga.episodes})")
        assert rb.startswith(f"{100 * gb.pass_rate:.1f}% ({gb.passed}/{gb.episodes})")
        assert delta == f"{100 * (gb.pass_rate - ga.pass_rate):+.1f} pts"
        assert sign == ("delta-neg" if gb.pass_rate < ga.pass_rate else
                        "delta-pos" if gb.pass_rate > ga.pass_rate else "")
    assert any(sign == "delta-neg" for *_, sign, _ in rows)  # the careless agent lost some
    assert "chart-compare-category" in html and "A: oracle" in html and "B: careless" in html


# --- terminal ----------------------------------------------------------------------------------


def test_terminal_trajectory_shows_calls_errors_and_reference(assessments):
    a = load_assessment(assessments["careless"])
    episode = next(e for e in a.episodes if e.result.metrics.stale_name_errors)
    console = Console(record=True, width=200, color_system=None)
    print_trajectory(episode, console)
    out = console.export_text()
    assert episode.result.task_id in out and ("PASS" if episode.result.passed else "FAIL") in out
    for t in episode.log.turns:
        assert f"#{t.index} {t.tool}" in out
        if t.error_code:
            assert t.error_code in out
        for n in t.names:
            if n.status == "stale":
                assert f"stale: {n.path}" in out
    assert "reference solution" in out and episode.reference.derivation in out


def test_terminal_prints_agent_markup_literally(assessments):
    a = load_assessment(assessments["hostile"])
    console = Console(record=True, width=300, color_system=None)
    print_trajectory(a.episodes[0], console)
    out = console.export_text()
    assert INJECTION in out and "hallucinated: Account.Bogus_Field__c" in out
    assert "not available" in out  # no reference solution


# --- the command -------------------------------------------------------------------------------


def test_view_command_writes_reports_and_prints_trajectories(folder_copy, assessments, capsys,
                                                              tmp_path):
    folder = folder_copy("careless")
    assert main(["view", str(folder)]) == 0
    report = folder / "report.html"
    assert report.exists() and "chart-category" in report.read_text()
    out = tmp_path / "sub" / "r.html"
    assert main(["view", str(folder), "--out", str(out)]) == 0 and out.exists()
    compare = tmp_path / "cmp.html"
    assert main(["view", "--compare", str(assessments["oracle"]), str(folder),
                 "--out", str(compare)]) == 0
    assert "chart-compare-category" in compare.read_text()
    capsys.readouterr()
    task_id = read_results(folder).tasks[0].task_id
    assert main(["view", str(folder), "--task", task_id, "--trial", "0"]) == 0
    printed = capsys.readouterr().out
    assert task_id in printed and "reference solution" in printed


@pytest.mark.parametrize("argv, message", [
    (["view"], "give RESULTS_DIR"),
    (["view", "{careless}", "--trial", "1"], "--trial needs --task"),
    (["view", "{careless}", "--task", "nope"], "no task 'nope'"),
    (["view", "{careless}", "--task", "x", "--out", "f.html"], "--out/--open do not apply"),
    (["view", "/nonexistent/folder"], "is not a folder"),
])
def test_view_command_rejects_bad_input_clearly(argv, message, assessments, capsys):
    argv = [a.format(careless=assessments["careless"]) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("crmarena view: error: ") and err.count("\n") == 1
    assert not (assessments["careless"] / "f.html").exists()


# --- the task set ------------------------------------------------------------------------------


def _as_task_set(folder, task_set, drop_references: bool) -> None:
    """Rewrite the folder's logs as if their episodes ran on `task_set` (results.json removed,
    so the report re-grades the logs)."""
    for path in (folder / "logs").glob("*.jsonl"):
        log = EpisodeLog.read(path)
        task = log.header.task.model_copy(update={"reference": None}) if drop_references \
            else log.header.task
        log.header = log.header.model_copy(update={"task_set": task_set, "task": task})
        path.write_text("\n".join(log.lines()) + "\n")
    (folder / "results.json").unlink(missing_ok=True)


def test_the_report_names_the_task_set(folder_copy):
    from data.tasks import load_task_set
    from data.tasks.identity import TaskSetIdentity

    public = load_assessment(folder_copy("oracle"))
    assert public.results.task_set is not None and public.results.task_set.public
    assert "public practice set" in _config_text(render_report(public))

    folder = folder_copy("careless")
    fresh = public.results.task_set.model_copy(update={
        "public": False, "seed_commitment": "hmac-sha256:" + "ab" * 16})
    _as_task_set(folder, TaskSetIdentity.model_validate(fresh.model_dump()), True)
    a = load_assessment(folder)
    text = _config_text(render_report(a))
    assert "fresh task set (seed commitment hmac-sha256:abababab" in text
    assert "public practice set" not in text
    # a fresh set's task ids name other tasks in the public set: no reference is borrowed
    assert all(e.reference is None for e in a.episodes)

    _as_task_set(folder, public.results.task_set, True)  # the public set: looked up by id
    committed = {t.id: t.reference for t in load_task_set("b2b")}
    episodes = load_assessment(folder).episodes
    assert any(e.reference is not None for e in episodes)
    assert all(e.reference == committed[e.result.task_id] for e in episodes)


def _config_text(html: str) -> str:
    return " ".join(Elements(html.split('<div class="sub">', 1)[1].split("</div>", 1)[0]).text)

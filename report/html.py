"""The HTML report of one assessment, and the side-by-side comparison of two.

One self-contained page: summary, the seven dimensions, pass rate per category and per org,
the accuracy curve over drift / rot levels (when the assessment covered several), a sortable
task table, and every episode's trajectory next to its task's reference solution (shown when
its row is clicked). Agent output is untrusted: every piece of text goes through `esc`, and a
Content-Security-Policy forbids anything but the inline style and script.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from typing import Any

from env.config import LEVELS
from env.log import TurnRecord
from env.results import Aggregate
from env.scoring import Dimension
from env.tokens import as_text
from env.tools import DESCRIBE, SOQL_QUERY, SOSL_SEARCH, SUBMIT_ANSWER
from report.assets import CONTENT_SECURITY_POLICY, CSS, ERROR_CAPTURE_JS, REPORT_JS
from report.charts import bar_chart, line_chart, paired_bar_chart
from report.load import Assessment, Episode

#: Characters of an observation shown in the page (the rest is counted, not shown).
OBSERVATION_PREVIEW = 2_000


def esc(value: Any) -> str:
    """Any value as safe HTML text (quotes included, so it is safe in attributes too)."""
    return escape("" if value is None else str(value), quote=True)


# --- pages -------------------------------------------------------------------------------------


def render_report(assessment: Assessment) -> str:
    """The full report page of one assessment."""
    r = assessment.results
    body = [
        _top(f"Assessment report: {assessment.agent or 'agent'}", _config_line(assessment)),
        "<main>",
        _summary_cards(assessment),
        '<div class="grid2">',
        _panel("Seven dimensions (average, 0–100)", _dimension_chart(r.dimension_averages,
                                                                      r.weights)),
        _panel("Pass rate by org", _rate_chart(r.by_org, "chart-org", "Pass rate by org")),
        "</div>",
        _panel("Pass rate by category",
               _rate_chart(r.by_category, "chart-category", "Pass rate by category")),
        _accuracy_curve(assessment.episodes, r.by_drift, r.by_rot),
        _task_table(assessment.episodes),
        '<h2 id="trajectories">Trajectory</h2>',
        ('<div id="detail"><p id="detail-empty">Click a task in the table to see its '
         "trajectory next to the reference solution.</p>"),
        *(_episode_section(f"ep-{i}", e) for i, e in enumerate(assessment.episodes)),
        "</div></main>",
    ]
    return _page(f"CRMArena report: {assessment.title}", "report", body)


def render_compare(a: Assessment, b: Assessment) -> str:
    """Two assessments side by side: summary, dimensions, and pass rate per category / org."""
    ra, rb = a.results, b.results
    names = (f"A: {a.title}", f"B: {b.title}")
    rows = [("pass rate", _pct(ra.summary.pass_rate), _pct(rb.summary.pass_rate),
             _delta(ra.summary.pass_rate, rb.summary.pass_rate, percent=True)),
            ("passed", f"{ra.summary.total_passed}/{ra.summary.total_tasks}",
             f"{rb.summary.total_passed}/{rb.summary.total_tasks}", ""),
            ("average score", f"{ra.summary.avg_score:.2f}", f"{rb.summary.avg_score:.2f}",
             _delta(ra.summary.avg_score, rb.summary.avg_score))]
    rows += [(f"{d} (×{ra.weights.get(d, '')})", f"{ra.dimension_averages.get(d, 0):.2f}",
              f"{rb.dimension_averages.get(d, 0):.2f}",
              _delta(ra.dimension_averages.get(d, 0), rb.dimension_averages.get(d, 0)))
             for d in (x.value for x in Dimension)]
    rows += [("total time", f"{ra.timing.total_seconds:.1f}s", f"{rb.timing.total_seconds:.1f}s",
              "")]
    summary = _simple_table(("", "A", "B", "B − A"), rows, table_id="compare-summary")
    body = [
        _top("Assessment comparison",
             f"A = {a.path}  ·  B = {b.path}"),
        "<main>",
        '<div class="cards">', _card("A", a.title), _card("B", b.title), "</div>",
        _panel("Summary and dimensions", summary),
        _panel("Pass rate by category",
               _compare_chart(ra.by_category, rb.by_category, names, "chart-compare-category",
                              "Pass rate by category") +
               _compare_table(ra.by_category, rb.by_category, "compare-category")),
        _panel("Pass rate by org",
               _compare_chart(ra.by_org, rb.by_org, names, "chart-compare-org", "Pass rate by org")
               + _compare_table(ra.by_org, rb.by_org, "compare-org")),
        "</main>",
    ]
    return _page("CRMArena comparison", "compare", body)


def _page(title: str, page: str, body: Sequence[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CONTENT_SECURITY_POLICY)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<script>{ERROR_CAPTURE_JS}</script>",
        f"<style>{CSS}</style>",
        f'</head><body data-page="{esc(page)}">',
        *body,
        '<pre id="selftest" data-status="not-run"></pre>',
        f"<script>{REPORT_JS}</script>",
        "</body></html>",
    ])


# --- summary and charts ------------------------------------------------------------------------


def _top(title: str, subtitle: str) -> str:
    return (f'<header class="top"><h1>{esc(title)}</h1>'
            f'<div class="sub">{esc(subtitle)}</div></header>')


def _config_line(assessment: Assessment) -> str:
    r = assessment.results
    c = r.config
    # levels and orgs as they ran (in a merged folder's config they are lists)
    parts = [f"folder {assessment.path}",
             f"org {', '.join(r.by_org) or c.get('org_type', '?')}",
             f"drift {', '.join(_by_level(r.by_drift)) or c.get('drift_level', '?')}",
             f"rot {', '.join(_by_level(r.by_rot)) or c.get('rot_level', '?')}",
             f"trials {c.get('trials', 1)}", f"seed {c.get('seed', '?')}"]
    if c.get("task_limit"):
        parts.append(f"task limit {c['task_limit']}")
    if c.get("merged_from"):
        parts.append(f"merged from {len(c['merged_from'])} folders")
    if r.task_set is not None:
        parts.append(r.task_set.describe())
    return "  ·  ".join(parts)


def _summary_cards(assessment: Assessment) -> str:
    r = assessment.results
    s, t = r.summary, r.timing
    cards = [_card("pass rate", _pct(s.pass_rate)),
             _card("passed", f"{s.total_passed} / {s.total_tasks}"),
             _card("average score", f"{s.avg_score:.2f}"),
             _card("time", f"{t.total_seconds:.1f}s"),
             _card("agent time", f"{t.purple_agent_percent:.0f}%")]
    if len(r.pass_hat_k) > 1:
        cards.append(_card("pass^k", " · ".join(f"{k}: {v:.2f}" for k, v in r.pass_hat_k.items())))
    if s.environment_errors:
        cards.append(_card("environment errors", str(s.environment_errors)))
    if s.agent_errors:
        cards.append(_card("agent errors", f"{s.agent_errors}; the first: {s.first_agent_error}"))
    cards.extend(_card("warning", w) for w in r.warnings)
    return f'<h2>Summary</h2><div class="cards" id="summary">{"".join(cards)}</div>'


def _card(key: str, value: str) -> str:
    return (f'<div class="card"><div class="k">{esc(key)}</div>'
            f'<div class="v">{esc(value)}</div></div>')


def _panel(title: str, content: str) -> str:
    return f'<div><h2>{esc(title)}</h2><div class="panel">{content}</div></div>'


def _dimension_chart(averages: dict[str, float], weights: dict[str, int]) -> str:
    rows = [(f"{d} ×{weights.get(d, 0)}", v, f"{v:.1f}") for d, v in averages.items()]
    return bar_chart(rows, title="Seven dimensions", max_value=100.0, chart_id="chart-dimensions")


def _rate_chart(groups: dict[str, Aggregate], chart_id: str, title: str) -> str:
    rows = [(name, g.pass_rate, f"{_pct(g.pass_rate)} ({g.passed}/{g.episodes})")
            for name, g in groups.items()]
    return bar_chart(rows, title=title, max_value=1.0, chart_id=chart_id)


def _accuracy_curve(episodes: Sequence[Episode], by_drift: dict[str, Aggregate],
                    by_rot: dict[str, Aggregate]) -> str:
    """Pass rate per drift level and per rot level, only when more than one level ran (one
    line when every episode had drift and rot at the same level: the two would coincide)."""
    if len(by_drift) < 2 and len(by_rot) < 2:
        return ""
    levels = [lv for lv in LEVELS if lv in by_drift or lv in by_rot]
    together = all(e.result.drift == e.result.rot for e in episodes)
    named = ((("drift = rot level", by_drift),) if together else
             (("by drift level", by_drift), ("by rot level", by_rot)))
    series = [(name, [groups[lv].pass_rate if lv in groups else None for lv in levels])
              for name, groups in named]
    rows = [(lv, _level_text(by_drift.get(lv)), _level_text(by_rot.get(lv))) for lv in levels]
    chart = line_chart(levels, series, title="Accuracy across entropy levels",
                       chart_id="chart-accuracy")
    table = _simple_table(("level", "pass rate by drift", "pass rate by rot"), rows,
                          table_id="accuracy-levels")
    return _panel("Accuracy across drift and rot levels",
                  f'<div class="side">{chart}<div>{table}</div></div>')


def _level_text(g: Aggregate | None) -> str:
    return "–" if g is None else f"{_pct(g.pass_rate)} ({g.passed}/{g.episodes})"


def _by_level(groups: dict[str, Aggregate]) -> list[str]:
    return sorted(groups, key=lambda lv: (LEVELS.index(lv) if lv in LEVELS else len(LEVELS), lv))


def _compare_chart(a: dict[str, Aggregate], b: dict[str, Aggregate], names: tuple[str, str],
                   chart_id: str, title: str) -> str:
    keys = sorted(set(a) | set(b))
    rows = [(k, a[k].pass_rate if k in a else None, b[k].pass_rate if k in b else None)
            for k in keys]
    return paired_bar_chart(rows, title=title, series=names, chart_id=chart_id)


def _compare_table(a: dict[str, Aggregate], b: dict[str, Aggregate], table_id: str) -> str:
    rows = []
    for k in sorted(set(a) | set(b)):
        ga, gb = a.get(k), b.get(k)
        rows.append((k, _agg_text(ga), _agg_text(gb),
                     _delta(ga.pass_rate, gb.pass_rate, percent=True) if ga and gb else ""))
    return _simple_table(("", "A pass rate", "B pass rate", "B − A"), rows, table_id=table_id)


def _cell(text: str) -> str:
    if text[:1] in "+-" and text[1:2].isdigit() and text.strip("+-0.pts ") != "":
        return f'<td class="{"delta-pos" if text[0] == "+" else "delta-neg"}">{esc(text)}</td>'
    return f"<td>{esc(text)}</td>"


def _agg_text(g: Aggregate | None) -> str:
    if g is None:
        return "–"
    return f"{_pct(g.pass_rate)} ({g.passed}/{g.episodes}) · {g.avg_score:.1f}"


def _simple_table(header: Sequence[str], rows: Sequence[Sequence[str]], table_id: str) -> str:
    """A plain table; a cell that reads as a signed difference is coloured by its sign."""
    head = "".join(f"<th>{esc(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(c) for c in row) + "</tr>" for row in rows)
    return (f'<table id="{esc(table_id)}"><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


# --- the task table ----------------------------------------------------------------------------

_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    # key, heading, numeric
    ("task", "task", False), ("category", "category", False), ("org", "org", False),
    ("entropy", "drift / rot", False), ("trial", "trial", True),
    ("result", "result", False), ("score", "score", True), ("steps", "steps", True),
    ("tokens", "tokens", True), ("seconds", "time (s)", True), ("errors", "errors", True),
    ("stale", "stale", True), ("hallucinated", "halluc.", True),
)


def _task_table(episodes: Sequence[Episode]) -> str:
    head = "".join(
        f'<th class="sortable num" data-key="{key}" data-type="num" tabindex="0">{esc(label)}</th>'
        if numeric else
        f'<th class="sortable" data-key="{key}" tabindex="0">{esc(label)}</th>'
        for key, label, numeric in _COLUMNS)
    rows = "".join(_task_row(f"ep-{i}", e) for i, e in enumerate(episodes))
    return (f'<h2>Tasks</h2><div class="toolbar"><input id="filter" type="search" '
            f'placeholder="filter tasks (id, category, pass/fail…)" aria-label="filter tasks">'
            f'<span><span id="shown-count">{len(episodes)}</span> of {len(episodes)} episodes · '
            f"click a row for its trajectory, a heading to sort</span></div>"
            f'<div class="table-wrap"><table id="episodes" data-episodes="{len(episodes)}">'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


def _task_row(ep_id: str, e: Episode) -> str:
    r, m = e.result, e.result.metrics
    verdict = '<span class="pill pass">pass</span>' if r.passed else \
        '<span class="pill fail">fail</span>'
    cells = [
        f'<td title="{esc(r.task_id)}">{esc(r.task_id)}</td>',
        f'<td title="{esc(r.category)}">{esc(r.category)}</td>', _td(r.org),
        _td(f"{r.drift} / {r.rot}", f"{_level_rank(r.drift)}{_level_rank(r.rot)}"),
        _td(r.trial, r.trial, num=True),
        f'<td data-v="{int(r.passed)}">{verdict}</td>',
        _td(f"{r.score:.1f}", r.score, num=True),
        _td(f"{m.steps}/{m.optimal_steps}", m.steps, num=True),
        _td(f"{m.tokens_in + m.tokens_out:,}", m.tokens_in + m.tokens_out, num=True),
        _td(f"{m.wall_seconds:.2f}", m.wall_seconds, num=True),
        _td(f"{m.errors} ({m.errors_recovered} fixed)" if m.errors else "0", m.errors, num=True),
        _td(m.stale_name_errors, m.stale_name_errors, num=True),
        _td(m.hallucinations, m.hallucinations, num=True),
    ]
    return (f'<tr data-ep="{esc(ep_id)}" data-task="{esc(r.task_id)}" tabindex="0">'
            f'{"".join(cells)}</tr>')


def _level_rank(level: str) -> str:
    """Sorts levels none < low < medium < high (not alphabetically)."""
    return str(LEVELS.index(level)) if level in LEVELS else level


def _td(text: Any, value: Any = None, num: bool = False) -> str:
    v = f' data-v="{esc(value)}"' if value is not None else ""
    cls = ' class="num"' if num else ""
    return f"<td{v}{cls}>{esc(text)}</td>"


# --- one episode: trajectory next to the reference solution ----------------------------------


def _episode_section(ep_id: str, e: Episode) -> str:
    r, m = e.result, e.result.metrics
    turns = e.log.turns if e.log is not None else []
    verdict = "pass" if r.passed else "fail"
    task = e.task
    info = [("category", r.category), ("org", r.org), ("drift / rot", f"{r.drift} / {r.rot}"),
            ("trial", str(r.trial)), ("score", f"{r.score:.2f}"), ("grading", r.reason),
            ("answer", _answer_text(r.answer)), ("gold", _answer_text(r.gold)),
            ("termination", r.termination or "unfinished"),
            ("steps", f"{m.steps} used · {m.optimal_steps} optimal · {m.max_steps} allowed"),
            ("tokens", f"{m.tokens_in:,} in · {m.tokens_out:,} out"),
            ("time", (f"{m.wall_seconds:.2f}s wall · agent {m.agent_seconds:.2f}s · "
                      f"env {m.env_seconds:.2f}s")),
            ("errors", (f"{m.errors} ({m.errors_recovered} recovered) · stale names "
                        f"{m.stale_name_errors} ({m.stale_name_errors_recovered} recovered) · "
                        f"hallucinated {', '.join(m.hallucinated_names) or 'none'}"))]
    dims = " · ".join(f"{d}: {v:.0f}" for d, v in r.scores.items())
    parts = [(f'<section class="episode" id="{esc(ep_id)}" data-task="{esc(r.task_id)}" '
              f'data-turns="{len(turns)}" hidden>'),
             f'<h2>{esc(r.task_id)} <span class="pill {verdict}">{verdict}</span></h2>']
    if task is not None:
        parts.append(f"<h3>Task</h3><pre>{esc(task.query)}</pre>")
        if task.required_context:
            parts.append(f"<details><summary>required context ({len(task.required_context):,} "
                         f"characters)</summary><pre>{esc(task.required_context)}</pre></details>")
    parts.append('<dl class="kv">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>"
                                             for k, v in info) + "</dl>")
    parts.append(f'<div class="muted">{esc(dims)}</div>')
    if e.log is not None and e.log.header.renames:
        renames = "\n".join(f"{k} → {v}" for k, v in sorted(e.log.header.renames.items()))
        parts.append(f"<details><summary>drift renamed {len(e.log.header.renames)} names"
                     f"</summary><pre>{esc(renames)}</pre></details>")
    parts.append('<div class="traj"><div class="agent-side"><h3>Agent trajectory</h3>')
    if e.log is None:
        parts.append('<p class="muted">The episode log is not available.</p>')
    parts.extend(_turn_html(t) for t in turns)
    if e.log is not None and e.log.end is not None:
        end = e.log.end
        parts.append(f'<div class="muted">ended: {esc(end.termination)}'
                     f'{" · " + esc(end.detail) if end.detail else ""} · '
                     f"{end.wall_seconds:.2f}s</div>")
    parts.append('</div><div class="reference-side"><h3>Reference solution</h3>')
    parts.append(_reference_html(e))
    parts.append("</div></div></section>")
    return "".join(parts)


def _turn_html(t: TurnRecord) -> str:
    stale = [n.path for n in t.names if n.status == "stale"]
    halluc = [n.path for n in t.names if n.status == "hallucinated"]
    classes = ["turn"] + (["error"] if not t.ok else []) + (["stale"] if stale else [])
    badges = []
    if t.error_code:
        badges.append(f'<span class="badge b-error">{esc(t.error_code)}</span>')
    badges += [f'<span class="badge b-stale" title="a name drift renamed">stale: {esc(p)}</span>'
               for p in stale]
    badges += [f'<span class="badge b-halluc" title="exists in no schema">hallucinated: '
               f'{esc(p)}</span>' for p in halluc]
    if t.truncated:
        badges.append('<span class="badge b-trunc">observation trimmed</span>')
    meta = (f"{t.tokens_in:,} tok in · {t.tokens_out:,} tok out · "
            f"agent {t.agent_seconds:.2f}s · env {t.env_seconds:.2f}s")
    tool = t.tool or "(unparsed reply)"
    parts = [f'<div class="{" ".join(classes)}" data-index="{t.index}">',
             f'<div class="meta">{esc(meta)}</div>',
             (f'<div class="head">#{t.index} <span class="badge b-tool">{esc(tool)}</span>'
              f'{"".join(badges)}</div>'),
             _call_html(t.tool, t.arguments, t.reply)]
    if t.observation is not None:
        parts.append(_observation_html(t.observation, open_=not t.ok))
    parts.append("</div>")
    return "".join(parts)


def _call_html(tool: str | None, arguments: dict[str, Any] | None, reply: Any) -> str:
    """What the agent asked for: the SOQL/SOSL statement, the described object, the answer, or
    (for a reply that did not parse) the raw reply."""
    if tool is None or arguments is None:
        return f"<pre>{esc(_clip(as_text(reply), OBSERVATION_PREVIEW))}</pre>"
    if tool == SOQL_QUERY and isinstance(arguments.get("query"), str):
        return f'<pre class="sql">{esc(arguments["query"])}</pre>'
    if tool == SOSL_SEARCH and isinstance(arguments.get("search"), str):
        return f'<pre class="sql">{esc(arguments["search"])}</pre>'
    if tool == DESCRIBE:
        target = arguments.get("object") or "(describeGlobal)"
        return f'<div>describe <code>{esc(target)}</code></div>'
    if tool == SUBMIT_ANSWER and "answer" in arguments:
        return f"<div>answer: <code>{esc(_answer_text(arguments['answer']))}</code></div>"
    return f"<pre>{esc(json.dumps(arguments, ensure_ascii=False, indent=1))}</pre>"


def _observation_html(text: str, open_: bool) -> str:
    shown = text[:OBSERVATION_PREVIEW]
    more = len(text) - len(shown)
    note = f" · showing {len(shown):,}, {more:,} more not shown" if more > 0 else ""
    return (f'<details class="observation"{" open" if open_ else ""}><summary>observation '
            f"({len(text):,} characters{note})</summary><pre>{esc(shown)}</pre></details>")


def _reference_html(e: Episode) -> str:
    ref = e.reference
    if ref is None:
        return '<p class="muted reference-missing">Reference solution: not available.</p>'
    parts = [f'<div class="step"><div class="head">{i}. <span class="badge b-tool">'
             f'{esc(step.name)}</span></div>{_call_html(step.name, dict(step.arguments), None)}'
             f"</div>" for i, step in enumerate(ref.steps, 1)]
    params = (f"<pre>{esc(json.dumps(ref.params, ensure_ascii=False, indent=1, default=str))}"
              f"</pre>" if ref.params else "")
    parts.append(f'<div class="muted">then derive the answer with '
                 f"<code>{esc(ref.derivation)}</code></div>{params}")
    parts.append('<p class="muted">Reference steps use the base schema\'s names; under drift '
                 "the agent must find the renamed ones.</p>")
    return "".join(parts)


# --- formatting --------------------------------------------------------------------------------


def _pct(fraction: float) -> str:
    return f"{100 * fraction:.1f}%"


def _delta(a: float, b: float, percent: bool = False) -> str:
    d = (b - a) * (100 if percent else 1)
    return f"{d:+.1f}{' pts' if percent else ''}"


def _answer_text(answer: Any) -> str:
    if answer is None:
        return "(none)"
    if isinstance(answer, (list, tuple)):
        return ", ".join(str(a) for a in answer) or "(empty)"
    return str(answer)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + " …"

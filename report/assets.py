"""The report's inline stylesheet and scripts (no network assets, so it opens anywhere).

`ERROR_CAPTURE_JS` goes first in <head>: it records uncaught errors, rejected promises and
console.error/warn calls, so the in-page self test (`?selftest=1`, used by the headless-Chromium
tests) can report them in the DOM. `REPORT_JS` sorts and filters the task table and shows a
task's trajectory when its row is clicked. Scripts only ever set `textContent`.
"""

from __future__ import annotations

#: Only inline styles/scripts and data: images may load: a report never touches the network,
#: and agent output rendered in it could not either.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; "
                           "script-src 'unsafe-inline'; img-src data:")

CSS = """
:root { --fg:#1d2330; --muted:#5d6677; --line:#e3e6ec; --bg:#f6f7f9; --card:#fff;
  --accent:#2f6fdf; --ok:#1f8a4c; --bad:#c53030; --warn:#b7791f; --halluc:#7b3fc4;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
header.top { background:#18202f; color:#fff; padding:18px 28px; }
header.top h1 { margin:0 0 4px; font-size:20px; font-weight:600; }
header.top .sub { color:#b8c2d6; font-size:13px; }
main { max-width:1280px; margin:0 auto; padding:20px 28px 60px; }
h2 { font-size:16px; margin:28px 0 10px; }
h3 { font-size:14px; margin:14px 0 6px; }
.cards { display:flex; flex-wrap:wrap; gap:12px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 16px;
  min-width:140px; }
.card .k { color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.04em; }
.card .v { font-size:22px; font-weight:600; }
.grid2 { display:grid; grid-template-columns:repeat(auto-fit, minmax(560px, 1fr)); gap:16px; }
.panel { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:12px 16px;
  overflow-x:auto; }
svg.chart { max-width:100%; height:auto; font-size:12px; fill:var(--fg); }
svg.chart .track { fill:#eef0f4; }
svg.chart .value { fill:var(--muted); }
svg.chart .small { font-size:11px; }
svg.chart .grid { stroke:#e6e8ee; }
table { border-collapse:collapse; width:100%; background:var(--card); font-size:13px; }
th, td { padding:6px 8px; border-bottom:1px solid var(--line); text-align:left;
  vertical-align:top; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; white-space:nowrap; }
th { background:#f0f2f6; font-weight:600; white-space:nowrap; position:sticky; top:0; }
th.sortable { cursor:pointer; user-select:none; }
th.sortable::after { content:" \\2195"; color:#9aa3b2; }
th[data-dir=asc]::after { content:" \\2191"; color:var(--accent); }
th[data-dir=desc]::after { content:" \\2193"; color:var(--accent); }
#episodes th, #episodes td { padding:6px 6px; white-space:nowrap; }
#episodes tbody tr { cursor:pointer; }
#episodes td:first-child { font-family:var(--mono); font-size:12px; max-width:250px;
  overflow:hidden; text-overflow:ellipsis; }
#episodes td:nth-child(2) { max-width:150px; overflow:hidden; text-overflow:ellipsis; }
#episodes tbody tr:hover { background:#f3f7ff; }
#episodes tbody tr.selected { background:#e3edff; }
.table-wrap { max-height:520px; overflow:auto; border:1px solid var(--line); border-radius:8px; }
.toolbar { display:flex; gap:12px; align-items:center; margin-bottom:8px; color:var(--muted); }
.toolbar input { padding:5px 8px; border:1px solid var(--line); border-radius:6px;
  min-width:260px; }
.pill { display:inline-block; padding:1px 7px; border-radius:10px; font-size:12px; font-weight:600;
  white-space:nowrap; }
.pass { background:#e3f4ea; color:var(--ok); }
.fail { background:#fbe5e5; color:var(--bad); }
.badge { display:inline-block; padding:1px 6px; margin:0 4px 2px 0; border-radius:4px;
  font-size:11.5px; font-family:var(--mono); }
.b-error { background:#fde2e2; color:var(--bad); }
.b-stale { background:#fdf0d5; color:var(--warn); }
.b-halluc { background:#efe4fb; color:var(--halluc); }
.b-trunc { background:#e6ecf5; color:#3d4f6e; }
.b-tool { background:#e6eefc; color:#234f9e; }
.muted { color:var(--muted); }
pre { margin:4px 0; padding:8px 10px; background:#f4f5f8; border-radius:6px; overflow-x:auto;
  white-space:pre-wrap; word-break:break-word; font:12px/1.45 var(--mono); }
pre.sql { background:#f1f5fd; border-left:3px solid var(--accent); }
section.episode { background:var(--card); border:1px solid var(--line); border-radius:8px;
  padding:14px 18px; margin-top:14px; }
section.episode h2 { margin-top:0; }
.traj { display:grid; grid-template-columns:minmax(0, 3fr) minmax(0, 2fr); gap:18px; }
@media (max-width: 980px) { .traj { grid-template-columns:1fr; } }
.turn { border:1px solid var(--line); border-radius:6px; padding:8px 10px; margin:8px 0; }
.turn.error { border-color:#f1a9a9; background:#fff8f8; border-left:4px solid var(--bad); }
.turn.stale { border-left:4px solid var(--warn); }
.turn .meta { float:right; color:var(--muted); font-size:12px; }
.turn .head { font-weight:600; margin-bottom:4px; }
.step { border:1px dashed #c8d3e8; border-radius:6px; padding:8px 10px; margin:8px 0; }
details > summary { cursor:pointer; color:var(--muted); font-size:12.5px; }
dl.kv { display:grid; grid-template-columns:max-content 1fr; gap:2px 12px; margin:6px 0; }
dl.kv dt { color:var(--muted); }
dl.kv dd { margin:0; }
.side { display:flex; flex-wrap:wrap; gap:24px; align-items:flex-start; }
.side table { width:auto; min-width:360px; }
.delta-pos { color:var(--ok); font-weight:600; }
.delta-neg { color:var(--bad); font-weight:600; }
#detail-empty { color:var(--muted); padding:16px 0; }
#selftest { display:none; }
"""

ERROR_CAPTURE_JS = """
window.__reportErrors = [];
window.addEventListener('error', function (e) {
  window.__reportErrors.push('error: ' + (e.message || (e.target && e.target.outerHTML) || e));
}, true);
window.addEventListener('unhandledrejection', function (e) {
  window.__reportErrors.push('unhandled rejection: ' + e.reason);
});
document.addEventListener('securitypolicyviolation', function (e) {
  window.__reportErrors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
});
['error', 'warn'].forEach(function (level) {
  var original = console[level];
  console[level] = function () {
    window.__reportErrors.push('console.' + level + ': ' +
      Array.prototype.map.call(arguments, String).join(' '));
    return original.apply(console, arguments);
  };
});
"""

REPORT_JS = """
(function () {
  'use strict';
  function all(sel, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(sel));
  }
  function visibleSections() {
    return all('section.episode').filter(function (s) { return !s.hidden; }).length;
  }

  function showEpisode(id, scroll) {
    var target = document.getElementById(id);
    if (!target || !target.classList.contains('episode')) { return false; }
    all('section.episode').forEach(function (s) { s.hidden = s !== target; });
    all('#episodes tbody tr').forEach(function (r) {
      r.classList.toggle('selected', r.getAttribute('data-ep') === id);
    });
    var empty = document.getElementById('detail-empty');
    if (empty) { empty.hidden = true; }
    if (scroll) { target.scrollIntoView({block: 'start'}); }
    if (window.history && history.replaceState) { history.replaceState(null, '', '#' + id); }
    return true;
  }

  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute('data-v') ? cell.getAttribute('data-v') : cell.textContent;
    return numeric ? parseFloat(raw) : raw.toLowerCase();
  }

  function sortBy(th) {
    var table = th.closest('table');
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var numeric = th.getAttribute('data-type') === 'num';
    var dir = th.getAttribute('data-dir') === 'asc' ? 'desc' : 'asc';
    all('th', table).forEach(function (h) {
      h.removeAttribute('data-dir');
      h.removeAttribute('aria-sort');
    });
    th.setAttribute('data-dir', dir);
    th.setAttribute('aria-sort', dir === 'asc' ? 'ascending' : 'descending');
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
      var order = x < y ? -1 : x > y ? 1 : 0;
      return dir === 'asc' ? order : -order;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function filterRows(text) {
    var needle = text.trim().toLowerCase();
    var shown = 0;
    all('#episodes tbody tr').forEach(function (r) {
      var match = !needle || r.textContent.toLowerCase().indexOf(needle) >= 0;
      r.hidden = !match;
      if (match) { shown += 1; }
    });
    var counter = document.getElementById('shown-count');
    if (counter) { counter.textContent = String(shown); }
  }

  function init() {
    all('th.sortable').forEach(function (th) {
      th.addEventListener('click', function () { sortBy(th); });
    });
    all('#episodes tbody tr').forEach(function (row) {
      row.addEventListener('click', function () {
        showEpisode(row.getAttribute('data-ep'), true);
      });
      row.addEventListener('keydown', function (e) {
        if (e.key === 'Enter') { showEpisode(row.getAttribute('data-ep'), true); }
      });
    });
    var filter = document.getElementById('filter');
    if (filter) { filter.addEventListener('input', function () { filterRows(filter.value); }); }
    if (location.hash.length > 1) { showEpisode(decodeURIComponent(location.hash.slice(1)), true); }
  }

  function publish(checks, status) {
    var el = document.getElementById('selftest');
    var errors = window.__reportErrors.slice();
    el.textContent = JSON.stringify({checks: checks, errors: errors});
    el.setAttribute('data-status', status || (errors.length ? 'errors' : 'done'));
  }

  function selftest() {
    var checks = {};
    checks.charts = all('svg.chart').length;
    checks.page = document.body.getAttribute('data-page');
    var table = document.getElementById('episodes');
    if (table) {
      checks.rows = all('tbody tr', table).length;
      checks.expected_rows = parseInt(table.getAttribute('data-episodes'), 10);
      var th = table.querySelector('th[data-key=score]');
      var index = Array.prototype.indexOf.call(th.parentNode.children, th);
      var values = function () {
        return all('tbody tr', table).map(function (r) { return cellValue(r, index, true); });
      };
      var sorted = function (v, asc) {
        for (var i = 1; i < v.length; i++) {
          if (asc ? v[i - 1] > v[i] : v[i - 1] < v[i]) { return false; }
        }
        return true;
      };
      th.click();
      checks.sorted_asc = sorted(values(), true);
      th.click();
      checks.sorted_desc = sorted(values(), false);
      var first = table.querySelector('tbody tr');
      checks.visible_before_click = visibleSections();
      first.click();
      var id = first.getAttribute('data-ep');
      var section = document.getElementById(id);
      checks.clicked = id;
      checks.clicked_task = first.getAttribute('data-task');
      checks.trajectory_visible = !!section && !section.hidden &&
        section.getBoundingClientRect().height > 0;
      checks.trajectory_task = section ? section.getAttribute('data-task') : null;
      checks.turns_shown = section ? all('.turn', section).length : 0;
      checks.turns_expected = section ? parseInt(section.getAttribute('data-turns'), 10) : -1;
      checks.visible_sections = visibleSections();
      checks.row_selected = first.classList.contains('selected');
    }
    publish(checks);
  }

  document.addEventListener('DOMContentLoaded', init);
  window.addEventListener('load', function () {
    if (/[?&]selftest=1\\b/.test(location.search)) {
      try {
        selftest();
      } catch (e) {
        window.__reportErrors.push('selftest: ' + e);
        publish({}, 'crashed');
      }
    }
  });
})();
"""

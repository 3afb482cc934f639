"""Inline SVG charts: horizontal bars, paired bars and a line chart.

Hand-written SVG rather than a charting library because the report must be one self-contained
file that opens offline; these three shapes are all it needs. Every label passes through
`html.escape`; values are plain numbers formatted here.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

LABEL_WIDTH = 230
BAR_WIDTH = 330
VALUE_WIDTH = 120
ROW_HEIGHT = 22
SERIES_COLORS = ("#2f6fdf", "#e07b39")


def rate_color(fraction: float) -> str:
    """Red (0) through amber to green (1): a pass rate readable at a glance."""
    hue = round(max(0.0, min(1.0, fraction)) * 120)
    return f"hsl({hue} 62% 44%)"


def bar_chart(rows: Sequence[tuple[str, float, str]], *, title: str, max_value: float,
              chart_id: str) -> str:
    """One horizontal bar per (label, value, value text); bars are coloured by value/max."""
    height = ROW_HEIGHT * len(rows) + 8
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [_open(chart_id, title, width, height)]
    for i, (label, value, text) in enumerate(rows):
        y = 4 + i * ROW_HEIGHT
        fraction = value / max_value if max_value else 0.0
        length = max(0.0, min(1.0, fraction)) * BAR_WIDTH
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {escape(text)}</title>'
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
            f'{escape(_clip(label, 34))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{BAR_WIDTH}" height="{ROW_HEIGHT - 6}" '
            f'class="track"/>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" '
            f'height="{ROW_HEIGHT - 6}" rx="2" fill="{rate_color(fraction)}"/>'
            f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + 15}" class="value">'
            f'{escape(text)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def paired_bar_chart(rows: Sequence[tuple[str, float | None, float | None]], *, title: str,
                     series: tuple[str, str], chart_id: str) -> str:
    """Two thin bars per label (fractions 0..1, None = absent), for comparing assessments."""
    row_height = ROW_HEIGHT + 8
    height = row_height * len(rows) + 30
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [_open(chart_id, title, width, height), _legend(series, LABEL_WIDTH, 4)]
    for i, (label, a, b) in enumerate(rows):
        y = 26 + i * row_height
        parts.append(f'<g class="bar"><title>{escape(label)}: {_pct(a)} vs {_pct(b)}</title>'
                     f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">'
                     f'{escape(_clip(label, 34))}</text>')
        for j, value in enumerate((a, b)):
            bar_y = y + 3 + j * 12
            length = 0.0 if value is None else max(0.0, min(1.0, value)) * BAR_WIDTH
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{BAR_WIDTH}" height="10" '
                         f'class="track"/>'
                         f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{length:.1f}" height="10" '
                         f'rx="2" fill="{SERIES_COLORS[j]}"/>'
                         f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{bar_y + 9}" '
                         f'class="value small">{_pct(value)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def line_chart(x_labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]], *,
               title: str, chart_id: str) -> str:
    """Fractions (0..1) per x label, one polyline per series; None leaves a point out."""
    width, height = 560, 260
    left, right, top, bottom = 48, 16, 34, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(x_labels) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return left + i * step, top + (1 - max(0.0, min(1.0, v))) * plot_h

    parts = [_open(chart_id, title, width, height),
             _legend(tuple(name for name, _ in series), left, 4)]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        y = top + (1 - tick) * plot_h
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'class="grid"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
                     f'class="value small">{round(tick * 100)}%</text>')
    for i, label in enumerate(x_labels):
        parts.append(f'<text x="{left + i * step:.1f}" y="{height - bottom + 20}" '
                     f'text-anchor="middle">{escape(label)}</text>')
    for k, (name, values) in enumerate(series):
        color = SERIES_COLORS[k % len(SERIES_COLORS)]
        points = [(i, v) for i, v in enumerate(values) if v is not None]
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in points))
        dash = ' stroke-dasharray="6 4"' if k else ""
        parts.append(f'<polyline points="{coords}" fill="none" stroke="{color}" '
                     f'stroke-width="2.5"{dash}/>')
        for i, v in points:
            x, y = xy(i, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4.5" fill="{color}">'
                         f'<title>{escape(name)} {escape(x_labels[i])}: {_pct(v)}</title>'
                         f'</circle>')
    parts.append("</svg>")
    return "".join(parts)


def _open(chart_id: str, title: str, width: int, height: int) -> str:
    return (f'<svg class="chart" id="{escape(chart_id)}" role="img" '
            f'aria-label="{escape(title)}" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" xmlns="http://www.w3.org/2000/svg">'
            f'<title>{escape(title)}</title>')


def _legend(names: Sequence[str], x: int, y: int) -> str:
    parts = []
    for k, name in enumerate(names):
        color = SERIES_COLORS[k % len(SERIES_COLORS)]
        parts.append(f'<rect x="{x}" y="{y + 2}" width="12" height="12" rx="2" fill="{color}"/>'
                     f'<text x="{x + 17}" y="{y + 12}">{escape(_clip(name, 40))}</text>')
        x += 30 + 7 * min(len(name), 40)
    return "".join(parts)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"

"""Charts drawn on the server: no script is needed to see them, and the page's CSP stays strict.

Text is never scaled. A chart drawn in a fixed viewBox and stretched to its panel shrinks its labels to a few
pixels in a narrow panel (and blows them up in a wide one), so:
- bar charts are HTML tables (names and numbers are page text, truncated by CSS), each bar a tiny SVG;
- axis charts are an SVG without a viewBox: heights in pixels, horizontal positions in percent of the panel, with
  the y-axis labels in a fixed-width SVG beside it.

Every mark carries a <title> (the browser shows it on hover; screen readers read it), and colours come from
the stylesheet through classes `s0`..`s3`, so the charts follow the page's theme.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

HEIGHT, PAD_BOTTOM, PAD_TOP, AXIS_WIDTH = 200, 24, 10, 48
PLOT_H = HEIGHT - PAD_BOTTOM - PAD_TOP
MAX_X_LABELS = 8  # at most this many dates under a chart; every other one is hidden on narrow screens


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _nice_max(value: float) -> float:
    """A round top for the axis whose four gridlines are whole, round numbers (e.g. 0 10 20 30 40)."""
    if value <= 0:
        return 4.0
    quarter = value / 4
    magnitude = 10 ** (len(str(int(quarter))) - 1) if quarter >= 1 else 1
    for step in (1, 1.5, 2, 2.5, 3, 4, 5, 10):
        if quarter <= step * magnitude and float(step * magnitude).is_integer():
            return 4 * step * magnitude
    return 40.0 * magnitude


def _y(value: float, top: float) -> float:
    return PAD_TOP + PLOT_H - PLOT_H * value / top


def _frame(kind: str, label: str, top: float, body: list[str]) -> Markup:
    """The y-axis labels (fixed width) beside the plot (the panel's remaining width)."""
    ticks = "".join(f'<text class="tick" x="{AXIS_WIDTH - 6}" y="{_y(top * i / 4, top) + 4:.1f}" text-anchor="end">'
                    f'{top * i / 4:,.0f}</text>' for i in range(5))
    grid = "".join(f'<line class="grid" x1="0" x2="100%" y1="{_y(top * i / 4, top):.1f}" '
                   f'y2="{_y(top * i / 4, top):.1f}"/>' for i in range(5))
    return Markup(f'<div class="chart-frame" role="img" aria-label="{escape(label)}">'
                  f'<svg class="axis" width="{AXIS_WIDTH}" height="{HEIGHT}" aria-hidden="true">{ticks}</svg>'
                  f'<svg class="chart {kind}" width="100%" height="{HEIGHT}" data-chart="{kind}">{grid}{"".join(body)}'
                  f'</svg></div>')


def _x_labels(labels: Sequence[str], x_of: Callable[[int], float], thin: bool = True) -> list[str]:
    """Labels under the plot: on a time axis a few dates are enough (`thin`); categories are all named."""
    if not thin:
        return [f'<text class="tick" x="{x_of(i):.2f}%" y="{HEIGHT - 6}" text-anchor="middle">{escape(name)}</text>'
                for i, name in enumerate(labels)]
    every = max(1, -(-len(labels) // MAX_X_LABELS))
    shown = [i for i in range(len(labels)) if i % every == 0]
    return [f'<text class="tick{" minor" if n % 2 else ""}" x="{x_of(i):.2f}%" y="{HEIGHT - 6}" '
            f'text-anchor="middle">{escape(labels[i])}</text>' for n, i in enumerate(shown)]


def _title(name: str, value: float, unit: str) -> str:
    return f"<title>{escape(name)}: {value:,.0f} {escape(unit)}</title>"


def stacked_columns(label: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """One column per time bucket, the series stacked (e.g. humans, bots, unfurlers per day)."""
    if not labels:
        return Markup('<p class="empty">No clicks in this period.</p>')
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top = _nice_max(max(totals))
    slot = 100 / len(labels)
    body = []
    for i, name in enumerate(labels):
        y = PAD_TOP + PLOT_H
        for n, s in enumerate(series):
            h = PLOT_H * s.values[i] / top
            if h <= 0:
                continue
            y -= h
            body.append(f'<rect class="s{n}" x="{i * slot + slot * 0.1:.2f}%" y="{y:.1f}" width="{slot * 0.8:.2f}%" '
                        f'height="{h:.1f}">{_title(name, s.values[i], s.name)}</rect>')
    body += _x_labels(labels, lambda i: (i + 0.5) * slot)
    return _frame("columns", label, top, body)


def lines(label: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """One line per series over ordered points (e.g. reactions and referrals at each snapshot)."""
    if not labels:
        return Markup('<p class="empty">Nothing to chart yet.</p>')
    top = _nice_max(max((v for s in series for v in s.values), default=0))
    step = 94 / max(1, len(labels) - 1)
    x_of: Callable[[int], float] = (lambda i: 3 + i * step) if len(labels) > 1 else (lambda i: 50.0)
    body = []
    for n, s in enumerate(series):
        points = [(x_of(i), _y(v, top)) for i, v in enumerate(s.values)]
        # Polylines take no percentages: they are drawn in a stretched 100-wide box, their stroke kept unscaled.
        path = " ".join(f"{x:.2f},{y:.1f}" for x, y in points)
        body.append(f'<svg width="100%" height="{HEIGHT}" viewBox="0 0 100 {HEIGHT}" preserveAspectRatio="none">'
                    f'<polyline class="line s{n}" points="{path}" vector-effect="non-scaling-stroke"/></svg>')
        body += [f'<circle class="s{n}" cx="{x:.2f}%" cy="{y:.1f}" r="4">{_title(labels[i], s.values[i], s.name)}'
                 f'</circle>' for i, (x, y) in enumerate(points)]
    body += _x_labels(labels, x_of)
    return _frame("lines", label, top, body)


def bars(label: str, rows: Sequence[tuple[str, float]], unit: str = "clicks") -> Markup:
    """Horizontal bars, largest first as given (e.g. clicks by country): a table, so the text reads at any width."""
    if not rows:
        return Markup('<p class="empty">No data.</p>')
    top = max(v for _, v in rows) or 1
    body = []
    for name, value in rows:
        width = max(100 * value / top, 0.5)
        body.append(f'<tr><th scope="row" title="{escape(name)}">{escape(name)}</th>'
                    f'<td class="bar"><svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
                    f'aria-hidden="true"><rect class="s0" width="{width:.2f}" height="10">'
                    f'{_title(name, value, unit)}</rect></svg></td><td class="n">{value:,.0f}</td></tr>')
    return Markup(f'<table class="bars" aria-label="{escape(label)}"><tbody>{"".join(body)}</tbody></table>')


def grouped_columns(label: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Side-by-side columns per category (e.g. reactions and referrals per network)."""
    if not labels:
        return Markup('<p class="empty">No data.</p>')
    top = _nice_max(max((v for s in series for v in s.values), default=0))
    slot = 100 / len(labels)
    width = slot * 0.8 / max(1, len(series))
    body = []
    for i, name in enumerate(labels):
        for n, s in enumerate(series):
            h = PLOT_H * s.values[i] / top
            x = i * slot + slot * 0.1 + n * width
            body.append(f'<rect class="s{n}" x="{x:.2f}%" y="{_y(s.values[i], top):.1f}" width="{width:.2f}%" '
                        f'height="{h:.1f}">{_title(name, s.values[i], s.name)}</rect>')
    body += _x_labels(labels, lambda i: (i + 0.5) * slot, thin=False)
    return _frame("grouped", label, top, body)

"""Charts as inline SVG, drawn on the server: no script is needed to see them, and the page's CSP stays strict.

Every mark carries a <title> (the browser shows it on hover; screen readers read it), and colours come from
the stylesheet through classes `s0`..`s3`, so the charts follow the page's theme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP = 640, 200, 44, 24, 8


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _nice_max(value: float) -> float:
    """A round top for the axis (1, 2 or 5 times a power of ten) so the gridline labels read well."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def _svg(kind: str, label: str, body: list[str], height: int = HEIGHT) -> Markup:
    return Markup(f'<svg class="chart {kind}" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(label)}"'
                  f' preserveAspectRatio="none" data-chart="{kind}">{"".join(body)}</svg>')


def _axis(top: float, plot_h: int) -> list[str]:
    out = []
    for i in range(5):
        y = PAD_TOP + plot_h - plot_h * i / 4
        value = top * i / 4
        text = f"{value:,.0f}" if top >= 4 else f"{value:,.1f}"
        out.append(f'<line class="grid" x1="{PAD_LEFT}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="tick" x="{PAD_LEFT - 4}" y="{y + 3:.1f}" text-anchor="end">{text}</text>')
    return out


def _x_labels(labels: Sequence[str], x_of: callable[[int], float], plot_w: float) -> list[str]:  # type: ignore[valid-type]
    every = max(1, len(labels) // 8)  # at most ~8 labels, so they never overlap
    return [f'<text class="tick" x="{x_of(i):.1f}" y="{HEIGHT - 6}" text-anchor="middle">{escape(lab)}</text>'
            for i, lab in enumerate(labels) if i % every == 0]


def stacked_columns(label: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """One column per time bucket, the series stacked (e.g. humans, bots, unfurlers per day)."""
    if not labels:
        return Markup('<p class="empty">No clicks in this period.</p>')
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top, plot_h = _nice_max(max(totals)), HEIGHT - PAD_BOTTOM - PAD_TOP
    plot_w = WIDTH - PAD_LEFT
    slot = plot_w / len(labels)
    body = _axis(top, plot_h)
    for i, name in enumerate(labels):
        y = PAD_TOP + plot_h
        for n, s in enumerate(series):
            h = plot_h * s.values[i] / top
            if h <= 0:
                continue
            y -= h
            body.append(f'<rect class="s{n}" x="{PAD_LEFT + i * slot + slot * 0.1:.1f}" y="{y:.1f}" '
                        f'width="{slot * 0.8:.1f}" height="{h:.1f}"><title>{escape(name)}: {s.values[i]:,.0f} '
                        f'{escape(s.name)}</title></rect>')
    body += _x_labels(labels, lambda i: PAD_LEFT + (i + 0.5) * slot, plot_w)
    return _svg("columns", label, body)


def lines(label: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """One line per series over ordered points (e.g. reactions and referrals at each snapshot)."""
    if not labels:
        return Markup('<p class="empty">Nothing to chart yet.</p>')
    top, plot_h = _nice_max(max((v for s in series for v in s.values), default=0)), HEIGHT - PAD_BOTTOM - PAD_TOP
    plot_w = WIDTH - PAD_LEFT - 12
    step = plot_w / max(1, len(labels) - 1)
    x_of = (lambda i: PAD_LEFT + 6 + i * step) if len(labels) > 1 else (lambda i: PAD_LEFT + plot_w / 2)
    body = _axis(top, plot_h)
    for n, s in enumerate(series):
        points = [(x_of(i), PAD_TOP + plot_h - plot_h * v / top) for i, v in enumerate(s.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline class="line s{n}" points="{path}"/>')
        body += [f'<circle class="s{n}" cx="{x:.1f}" cy="{y:.1f}" r="3.5"><title>{escape(labels[i])}: '
                 f'{s.values[i]:,.0f} {escape(s.name)}</title></circle>' for i, (x, y) in enumerate(points)]
    body += _x_labels(labels, x_of, plot_w)
    return _svg("lines", label, body)


def bars(label: str, rows: Sequence[tuple[str, float]], unit: str = "clicks") -> Markup:
    """Horizontal bars, largest first as given (e.g. clicks by country)."""
    if not rows:
        return Markup('<p class="empty">No data.</p>')
    row_h, label_w = 22, 150
    height = row_h * len(rows) + 4
    top = max(v for _, v in rows) or 1
    body = []
    for i, (name, value) in enumerate(rows):
        y = 2 + i * row_h
        w = (WIDTH - label_w - 70) * value / top
        shown = name if len(name) <= 22 else name[:21] + "…"
        body.append(f'<text class="tick" x="{label_w - 6}" y="{y + 15}" text-anchor="end">{escape(shown)}</text>'
                    f'<rect class="s0" x="{label_w}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 6}">'
                    f'<title>{escape(name)}: {value:,.0f} {escape(unit)}</title></rect>'
                    f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 15}">{value:,.0f}</text>')
    return _svg("bars", label, body, height)


def grouped_columns(label: str, labels: Sequence[str], series: Sequence[Series]) -> Markup:
    """Side-by-side columns per category (e.g. reactions and referrals per network)."""
    if not labels:
        return Markup('<p class="empty">No data.</p>')
    top, plot_h = _nice_max(max((v for s in series for v in s.values), default=0)), HEIGHT - PAD_BOTTOM - PAD_TOP
    plot_w = WIDTH - PAD_LEFT
    slot = plot_w / len(labels)
    width = slot * 0.8 / max(1, len(series))
    body = _axis(top, plot_h)
    for i, name in enumerate(labels):
        for n, s in enumerate(series):
            h = plot_h * s.values[i] / top
            x = PAD_LEFT + i * slot + slot * 0.1 + n * width
            body.append(f'<rect class="s{n}" x="{x:.1f}" y="{PAD_TOP + plot_h - h:.1f}" width="{width:.1f}" '
                        f'height="{h:.1f}"><title>{escape(name)}: {s.values[i]:,.0f} {escape(s.name)}</title></rect>')
    body += _x_labels(labels, lambda i: PAD_LEFT + (i + 0.5) * slot, plot_w)
    return _svg("grouped", label, body)

"""Server-drawn charts: text is never inside a scaled viewBox, axes read in round numbers, marks carry titles."""

from __future__ import annotations

import re

import pytest

from sharelytics.web import charts


@pytest.mark.parametrize(("value", "top"), [(0, 4), (3, 4), (27, 40), (50, 60), (52, 60), (135, 160), (9_999, 10_000), (10_001, 12_000)])
def test_axis_tops_give_four_round_steps(value: float, top: float) -> None:
    assert charts._nice_max(value) == top
    assert (top / 4).is_integer()


def test_bars_are_a_table_of_page_text() -> None:
    html = str(charts.bars("Clicks by browser", [("Firefox", 1234), ("A very long browser name indeed", 5)]))
    assert html.startswith('<table class="bars" aria-label="Clicks by browser">')
    assert '<th scope="row" title="A very long browser name indeed">A very long browser name indeed</th>' in html
    assert '<td class="n">1,234</td>' in html and "<title>Firefox: 1,234 clicks</title>" in html
    assert "<text" not in html  # the only SVG is each bar


def test_axis_charts_keep_their_text_unscaled() -> None:
    html = str(charts.stacked_columns("Clicks", [f"Nov {d:02d}" for d in range(1, 31)],
                                      [charts.Series("humans", [float(d) for d in range(30)])]))
    plot = re.search(r'<svg class="chart columns"[^>]*>', html)
    assert plot and "viewBox" not in plot.group(0)  # percent wide, pixels high: text keeps its size
    assert len(re.findall(r'<text class="tick[^"]*" x="[\d.]+%"', html)) == 8  # at most eight dates
    assert [t for t in re.findall(r">([\d,]+)</text>", html)] == ["0", "10", "20", "30", "40"]

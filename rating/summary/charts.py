"""Bar geometry of the ratings summary's server-rendered SVG charts (no JS, no CDN).

Horizontal bars read well with long tag names and any number of users; each
bar carries its count as text and a `<title>` tooltip, so the chart is
readable without colour and by screen readers. This module only works out
where the bars go (px); BAR_CHART_TEMPLATE draws them, so every name is
escaped by the template engine.
"""

from dataclasses import dataclass
from typing import NamedTuple

BAR_CHART_TEMPLATE = "rating/summary/bar_chart.svg"
BAR_HEIGHT = 20  # px
GAP = 6  # px between bars
LABEL_WIDTH = 150  # px reserved for the bar names
COUNT_WIDTH = 64  # px reserved for the count after the longest bar
WIDTH = 460  # px, whole chart
MAX_LABEL_CHARS = 22


class Bar(NamedTuple):
    """One bar: its full and shortened name, count, and geometry in px.

    `top` is the bar's upper edge, `baseline` the y of its two texts,
    `length` its width from LABEL_WIDTH, `count_x` where its count starts.
    """

    name: str
    short_name: str
    count: int
    top: int
    baseline: int
    length: int
    count_x: int


@dataclass(frozen=True)
class BarChart:
    """A titled horizontal bar chart; no `bars` means nothing was counted."""

    title: str
    css_class: str
    bars: tuple[Bar, ...]
    width: int = WIDTH
    bar_height: int = BAR_HEIGHT
    name_x: int = LABEL_WIDTH - 6
    bar_x: int = LABEL_WIDTH

    @property
    def height(self):
        return len(self.bars) * (BAR_HEIGHT + GAP) + GAP


def _shorten(text):
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(title, items, css_class=""):
    """The chart of `items`, (name, count) pairs, bars scaled to the largest count."""
    items = [(str(name), int(count)) for name, count in items]
    largest = max((count for _, count in items), default=0) or 1
    bar_space = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    bars = []
    for row, (name, count) in enumerate(items):
        top = GAP + row * (BAR_HEIGHT + GAP)
        length = max(1, round(bar_space * count / largest)) if count else 0
        bars.append(
            Bar(
                name=name,
                short_name=_shorten(name),
                count=count,
                top=top,
                baseline=top + round(BAR_HEIGHT * 0.7),
                length=length,
                count_x=LABEL_WIDTH + length + 6,
            )
        )
    return BarChart(title=title, css_class=css_class, bars=tuple(bars))

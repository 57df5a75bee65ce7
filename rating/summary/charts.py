"""Server-rendered SVG bar charts for the ratings summary (no JS, no CDN).

Horizontal bars read well with long tag names and any number of users; each
bar carries its count as text and a `<title>` tooltip, so the chart is
readable without colour and by screen readers.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

BAR_HEIGHT = 20  # px
GAP = 6  # px between bars
LABEL_WIDTH = 150  # px reserved for the bar names
COUNT_WIDTH = 64  # px reserved for the count after the longest bar
WIDTH = 460  # px, whole chart
MAX_LABEL_CHARS = 22


def _shorten(text):
    text = str(text)
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart_svg(title, items, css_class=""):
    """An accessible horizontal bar chart of `items`: (name, count) pairs.

    Returns safe HTML (an inline `<svg>`); an empty `items` gives a short
    "no ratings" note instead of an empty chart.
    """
    items = [(str(name), int(count)) for name, count in items]
    if not items:
        return mark_safe('<p class="chart-empty muted">No ratings.</p>')
    largest = max(count for _, count in items) or 1
    bar_space = WIDTH - LABEL_WIDTH - COUNT_WIDTH
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    bars = []
    for row, (name, count) in enumerate(items):
        y = GAP + row * (BAR_HEIGHT + GAP)
        text_y = y + round(BAR_HEIGHT * 0.7)
        length = max(1, round(bar_space * count / largest)) if count else 0
        bars.append(
            format_html(
                '<g class="bar"><title>{}: {}</title>'
                '<text class="bar-name" x="{}" y="{}" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="2"></rect>'
                '<text class="bar-count" x="{}" y="{}">{}</text></g>',
                name,
                count,
                LABEL_WIDTH - 6,
                text_y,
                _shorten(name),
                LABEL_WIDTH,
                y,
                length,
                BAR_HEIGHT,
                LABEL_WIDTH + length + 6,
                text_y,
                count,
            )
        )
    body = mark_safe("".join(bars))
    return format_html(
        '<svg class="bar-chart {}" role="img" aria-label="{}" '
        'viewBox="0 0 {} {}" width="{}" height="{}" '
        'xmlns="http://www.w3.org/2000/svg">{}</svg>',
        css_class,
        title,
        WIDTH,
        height,
        WIDTH,
        height,
        body,
    )

"""The summary's bar charts: geometry in Python, well-formed SVG from a template."""

import re
import xml.etree.ElementTree as ET

from django.template.loader import render_to_string
from django.urls import reverse

from rating.models import Label, save_rating
from rating.summary.charts import BAR_CHART_TEMPLATE, LABEL_WIDTH, WIDTH, bar_chart
from tests.factories import TagFactory

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE_TAG = "<script>alert(\"x\")</script> & 'q'"


def svgs_of(html):
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def test_bars_scale_to_the_largest_count_and_leave_room_for_it():
    chart = bar_chart("Ratings per tag", [("Flare", 4), ("Noise", 1), ("Gone", 0)])
    longest, short, empty = chart.bars
    assert longest.length == WIDTH - LABEL_WIDTH - 64
    assert short.length == round(longest.length / 4)
    assert empty.length == 0
    assert [bar.top for bar in chart.bars] == [6, 32, 58]
    assert chart.height == 84
    assert longest.count_x == LABEL_WIDTH + longest.length + 6


def test_long_names_are_shortened_on_the_bar_but_whole_in_the_tooltip():
    name = "A tag with a very long name indeed"
    (bar,) = bar_chart("t", [(name, 2)]).bars
    assert bar.short_name == name[:21] + "…" and bar.name == name
    root = ET.fromstring(
        render_to_string(BAR_CHART_TEMPLATE, {"chart": bar_chart("t", [(name, 2)])})
    )
    assert root.find(f"{SVG}g/{SVG}title").text == f"{name}: 2"


def test_no_items_gives_a_note_instead_of_an_empty_chart():
    html = render_to_string(BAR_CHART_TEMPLATE, {"chart": bar_chart("t", [])})
    assert html.strip() == '<p class="chart-empty muted">No ratings.</p>'


def test_summary_charts_are_well_formed_svg_with_hostile_tag_names_escaped(
    client, rated, rater
):
    save_rating(rated["lone"], rater, Label.TRUE, tag=TagFactory(name=HOSTILE_TAG))
    client.force_login(rater)
    html = client.get(reverse("ratings:summary")).content.decode()

    charts = svgs_of(html)
    assert [c.get("aria-label") for c in charts] == [
        "Ratings per label",
        "Ratings per user",
        "Ratings per tag",
    ]
    assert "<script>alert" not in html
    titles = [t.text for t in charts[2].iter(f"{SVG}title")]
    assert f"{HOSTILE_TAG}: 1" in titles
    names = [
        t.text for t in charts[2].iter(f"{SVG}text") if t.get("class") == "bar-name"
    ]
    assert HOSTILE_TAG[:21] + "…" in names
    assert charts[0].get("viewBox") == "0 0 460 84"

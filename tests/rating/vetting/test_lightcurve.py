"""The light-curve chart: geometry in Python, SVG from a template, strict zoom."""

import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from rating.vetting.lightcurve import (
    LIGHTCURVE_TEMPLATE,
    ChartPoint,
    LightcurveChart,
    LightcurvePoint,
    lightcurve_chart,
    lightcurve_svg,
)

SVG = "{http://www.w3.org/2000/svg}"


def points(count=5):
    return [
        LightcurvePoint(
            mjd=60000.0, seconds=10.0 * i, flux_mjy=1.0 + i % 3, rms_mjy=0.2
        )
        for i in range(count)
    ]


def test_chart_scales_points_into_the_plot_frame():
    chart = lightcurve_chart(points())
    xs = [p.x for p in chart.points]
    assert xs[0] == chart.plot_left and xs[-1] == chart.plot_right
    assert all(chart.plot_top <= p.y <= chart.plot_bottom for p in chart.points)
    assert [t.label for t in chart.x_ticks] == ["0", "10", "20", "30", "40"]
    assert (chart.t_min_label, chart.t_max_label) == ("0", "40")
    assert chart.points[1].title == "t = 10.0 s: 2.000 ± 0.200 mJy"


def test_svg_is_well_formed_with_axes_ticks_points_and_titles():
    root = ET.fromstring(lightcurve_svg(points()))
    assert root.tag == SVG + "svg"
    assert root.get("viewBox") == "0 0 760 300"
    assert len(root.findall(f"{SVG}circle")) == 5
    titles = [c.find(f"{SVG}title").text for c in root.findall(f"{SVG}circle")]
    assert titles[0] == "t = 0.0 s: 1.000 ± 0.200 mJy"
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert "Time since observation start (s)" in texts
    assert "Peak flux (mJy)" in texts
    assert root.find(f"{SVG}path").get("d").startswith("M64.0 ")


def test_empty_range_gives_a_small_valid_svg_with_a_note():
    root = ET.fromstring(lightcurve_svg(points(), 500.0, 600.0))
    assert root.get("viewBox") == "0 0 760 60"
    assert root.find(f"{SVG}text").text == "No light-curve points in this time range."


def test_every_text_of_the_chart_is_escaped_by_the_template():
    hostile = "<script>alert(\"x\")</script> & 'q'"
    chart = LightcurveChart(
        points=(ChartPoint(100.0, 100.0, None, None, hostile),),
        t_min_label=hostile,
        t_max_label="1",
    )
    markup = render_to_string(LIGHTCURVE_TEMPLATE, {"chart": chart})
    assert "<script>" not in markup
    root = ET.fromstring(markup)
    assert root.get("data-t-min") == hostile
    assert root.find(f"{SVG}circle/{SVG}title").text == hostile


def test_svg_url_serves_well_formed_svg(rater_client, demo_candidate):
    response = rater_client.get(
        reverse("rating:lightcurve_svg", args=[demo_candidate.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert len(root.findall(f"{SVG}circle")) == 20
    url = reverse("rating:lightcurve_svg", args=[demo_candidate.pk])
    assert rater_client.get(url + "?t0=&t1=").status_code == 200  # no bounds


@pytest.mark.parametrize(
    "query",
    [
        "t1=inf",
        "t1=1e309",
        "t0=-1e309",
        "t0=inf&t1=10",
        "t0=nan",
        "t1=NaN",
        "t0=-1e308&t1=1e308",
        "t0=0&t1=5e-324",
        "t0=1.5&t1=1.5",
        "t0=%00",
    ],
)
def test_bad_zoom_values_are_a_400_with_a_message(rater_client, demo_candidate, query):
    url = reverse("rating:lightcurve_svg", args=[demo_candidate.pk])
    response = rater_client.get(f"{url}?{query}")
    assert response.status_code == 400
    assert response.json()["error"]


@pytest.mark.parametrize("radius", ["inf", "nan", "1e309", "-5", "lots"])
def test_bad_nearby_radius_is_a_400_naming_the_parameter(
    rater_client, demo_candidate, radius
):
    url = reverse("rating:nearby", args=[demo_candidate.pk])
    response = rater_client.get(f"{url}?radius={radius}")
    assert response.status_code == 400
    assert "radius" in response.json()["error"]

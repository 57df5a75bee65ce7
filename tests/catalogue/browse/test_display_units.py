"""Range filters take the unit the table shows (mJy for fluxes stored in Jy)
and convert it exactly, so the boundary rows are in or out as typed."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalogue.browse.bounds import forget_column_bounds
from catalogue.browse.display_units import display_unit, wants_log_slider
from catalogue.survey.models import Candidate
from tests.catalogue.browse.listing_data import listed_ids
from tests.factories import CandidateFactory, UserFactory

# Stored as the CSV text parses (Jy). Naive float scaling of the mJy the
# table shows misses each of them by one float step: float("1.022") / 1000
# lies above float("0.001022"), float("1.005") / 1000 below float("0.001005").
ABOVE, BELOW = "0.001022", "0.001005"


def test_the_naive_float_scaling_would_miss_these_boundaries():
    assert float("1.022") / 1000 > float(ABOVE)
    assert float("1.005") / 1000 < float(BELOW)
    peak = display_unit("peak_map")
    assert (peak.unit, peak.factor) == ("mJy", Decimal(1000))
    assert peak.to_stored("1.022") == float(ABOVE)
    assert peak.to_stored(" 1.005 ") == float(BELOW)
    assert peak.to_stored("1e3") == 1.0


def test_every_flux_column_is_shown_and_filtered_in_mjy():
    for name in ("peak_map", "std_map", "deep_peak_flux", "deep_int_flux"):
        assert display_unit(name).unit == "mJy"
    assert display_unit("deep_sep_arcsec").unit == "arcsec"
    assert display_unit("deep_sep_arcsec").factor == 1


@pytest.fixture
def boundary_rows(db):
    forget_column_bounds()
    rows = {
        "above": CandidateFactory(name="above", peak_map=float(ABOVE)),
        "below": CandidateFactory(name="below", peak_map=float(BELOW)),
        "bright": CandidateFactory(name="bright", peak_map=0.5),
        "faint": CandidateFactory(name="faint", peak_map=0.0002),
    }
    Candidate.objects.update(is_best_beam=True)
    return rows


def listed_names(client, query):
    client.force_login(UserFactory())
    response = client.get(f"{reverse('catalogue:list')}?{query}")
    assert response.status_code == 200
    names = dict(Candidate.objects.values_list("pk", "name"))
    return response, {names[pk] for pk in listed_ids(response)}


@pytest.mark.parametrize(
    "query,expected",
    [
        ("peak_map_min=1.022", {"above", "bright"}),  # the boundary row is in
        ("peak_map_min=1.0221", {"bright"}),
        ("peak_map_max=1.005", {"below", "faint"}),  # the boundary row is in
        ("peak_map_max=1.0049", {"faint"}),
        ("peak_map_min=1.005&peak_map_max=1.022", {"above", "below"}),
        ("peak_map_min=1.0051&peak_map_max=1.0219", set()),
        ("peak_map_min=500&peak_map_max=500", {"bright"}),
        ("peak_map_max=0.2", {"faint"}),
    ],
)
def test_flux_bounds_are_typed_in_mjy_and_hit_the_boundary_rows(
    client, boundary_rows, query, expected
):
    _, names = listed_names(client, query)
    assert names == expected


def test_the_panel_labels_the_display_unit_and_spans_the_data_in_it(
    client, boundary_rows
):
    response, _ = listed_names(client, "")
    page = response.content.decode()
    assert 'Peak <span class="unit">(mJy)</span> <span class="range-row__scale"' in page
    assert 'aria-label="Peak minimum (mJy)"' in page
    # Bounds 0.0002..0.5 Jy shown as 0.2..500 mJy, on a log slider.
    assert (
        'data-low="0.2" data-high="500.0" data-scale="log" '
        'data-min-input="id_peak_map_min"'
    ) in page
    assert 'placeholder="0.2" aria-label="Peak minimum (mJy)"' in page
    assert "Peak (mJy)" in page  # the table header says the same unit
    # σ is in the name already ("Peak σ"), not repeated as a unit.
    assert 'title="peak_map_sigma: Significance of the peak">Peak σ</label>' in page


def test_a_bad_bound_is_refused_with_a_message(client, boundary_rows):
    response, names = listed_names(client, "peak_map_min=Infinity")
    assert "Enter a number" in response.content.decode()
    assert names == set()


def test_sliders_are_logarithmic_only_over_positive_decades():
    assert wants_log_slider(0.2, 500.0)
    assert not wants_log_slider(1.0, 50.0)
    assert not wants_log_slider(0.0, 500.0)
    assert not wants_log_slider(-1.0, 500.0)
    assert not wants_log_slider(None, 5.0)

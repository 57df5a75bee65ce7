"""`cone_search` agrees with astropy's `SkyCoord.separation` (property test).

Random cone centres, with extra weight on RA near 0/360 and Dec near ±90,
radii from 1 arcsec to 5 deg, and candidates scattered in and around each
cone: the database must return exactly the candidates astropy puts inside,
with separations within 1e-6 deg of astropy's.
"""

import astropy.units as u
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from catalogue.browse.querying import base_candidates
from catalogue.survey.models import Candidate
from catalogue.survey.sky import (
    ARCSEC_PER_DEG,
    cone_search,
    ra_half_width_deg,
    separation_arcsec,
    validate_cone,
)
from tests.factories import BeamFactory

POINTS_PER_CONE = 40
# Points this close (deg) to the cone's edge are left out of the set
# comparison: there the answer is decided by the last bit of a float.
EDGE_TOLERANCE_DEG = 1e-9

ra_values = st.one_of(
    st.floats(0.0, 360.0, exclude_max=True),
    st.floats(0.0, 0.01),
    st.floats(359.99, 360.0, exclude_max=True),
)
dec_values = st.one_of(
    st.floats(-90.0, 90.0),
    st.floats(89.0, 90.0),
    st.floats(-90.0, -89.0),
)
# 1 arcsec to 5 deg, log-uniform so small and large cones are equally common.
radius_arcsec_values = st.floats(0.0, float(np.log(5 * 3600.0))).map(
    lambda log_r: float(np.exp(log_r))
)


@pytest.fixture
def beam(db):
    return BeamFactory()


def _scatter(centre, radius_deg, seed):
    """Positions around `centre`: offsets up to 2 radii in all directions."""
    rng = np.random.default_rng(seed)
    separations = radius_deg * 2.0 * np.sqrt(rng.random(POINTS_PER_CONE))
    angles = rng.uniform(0.0, 360.0, POINTS_PER_CONE)
    return centre.directional_offset_by(angles * u.deg, separations * u.deg)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    ra=ra_values,
    dec=dec_values,
    radius_arcsec=radius_arcsec_values,
    seed=st.integers(0, 2**32 - 1),
)
def test_cone_search_matches_astropy(beam, ra, dec, radius_arcsec, seed):
    Candidate.objects.all().delete()
    centre = SkyCoord(ra * u.deg, dec * u.deg)
    radius_deg = radius_arcsec / 3600.0
    points = _scatter(centre, radius_deg, seed)
    Candidate.objects.bulk_create(
        Candidate(
            beam=beam,
            observation=beam.observation,
            name=f"P{index}",
            ra=float(point.ra.deg),
            dec=float(point.dec.deg),
        )
        for index, point in enumerate(points)
    )
    expected_sep_deg = {
        f"P{index}": float(sep.deg)
        for index, sep in enumerate(centre.separation(points))
    }
    assume(
        all(
            abs(sep - radius_deg) > EDGE_TOLERANCE_DEG
            for sep in expected_sep_deg.values()
        )
    )
    found = {
        candidate.name: candidate.separation_arcsec / 3600.0
        for candidate in cone_search(base_candidates(), ra, dec, radius_arcsec)
    }
    inside = {name for name, sep in expected_sep_deg.items() if sep < radius_deg}
    assert set(found) == inside
    for name, sep_deg in found.items():
        assert sep_deg == pytest.approx(expected_sep_deg[name], abs=1e-6)


@pytest.mark.parametrize(
    "dec_deg,radius_deg,expected",
    [
        (0.0, 1.0, 1.0),
        (60.0, 1.0, 2.0),  # sin r / cos 60° ≈ 2 sin r
        (89.5, 1.0, None),  # the cone covers the pole: every RA
        (-89.5, 1.0, None),
    ],
)
def test_ra_half_width_widens_towards_the_poles(dec_deg, radius_deg, expected):
    width = ra_half_width_deg(dec_deg, radius_deg)
    if expected is None:
        assert width is None
    else:
        assert width == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(
    "ra,dec,radius,message",
    [
        (10.0, 90.5, 10.0, r"between -90 and \+90"),
        (10.0, -91.0, 10.0, r"between -90 and \+90"),
        (10.0, 0.0, 0.0, "positive"),
        (10.0, 0.0, -5.0, "positive"),
        (10.0, 0.0, 11 * 3600.0, "at most"),
        (float("nan"), 0.0, 5.0, "finite"),
    ],
)
def test_invalid_cones_are_refused(ra, dec, radius, message):
    with pytest.raises(ValueError, match=message):
        validate_cone(ra, dec, radius)


# Both ends anywhere on the sphere, with extra weight on RA either side of
# 0/360 deg and Dec at the poles.
any_ra = st.one_of(
    st.floats(0.0, 360.0),
    st.floats(-0.001, 0.001),
    st.floats(359.999, 360.001),
)
any_dec = st.one_of(
    st.floats(-90.0, 90.0),
    st.floats(89.999, 90.0),
    st.floats(-90.0, -89.999),
)
ONE_MAS_ARCSEC = 1e-3


def _astropy_separation_arcsec(ra1, dec1, ra2, dec2):
    first = SkyCoord(ra1 * u.deg, dec1 * u.deg)
    return float(first.separation(SkyCoord(ra2 * u.deg, dec2 * u.deg)).arcsec)


@settings(max_examples=300, deadline=None)
@given(ra1=any_ra, dec1=any_dec, ra2=any_ra, dec2=any_dec)
def test_separation_matches_astropy_to_a_milliarcsec(ra1, dec1, ra2, dec2):
    assert separation_arcsec(ra1, dec1, ra2, dec2) == pytest.approx(
        _astropy_separation_arcsec(ra1, dec1, ra2, dec2), abs=ONE_MAS_ARCSEC
    )


@settings(max_examples=200, deadline=None)
@given(
    ra=any_ra,
    dec=any_dec,
    offset_arcsec=st.floats(1e-3, 10 * ARCSEC_PER_DEG),
    angle_deg=st.floats(0.0, 360.0),
)
def test_small_and_antipodal_separations_match_astropy(
    ra, dec, offset_arcsec, angle_deg
):
    """Close pairs (across RA 0/360 and the poles) and nearly antipodal ones."""
    centre = SkyCoord(ra * u.deg, dec * u.deg)
    near = centre.directional_offset_by(angle_deg * u.deg, offset_arcsec * u.arcsec)
    # Against astropy's separation of the point it made, not the offset asked
    # for: at a pole astropy's offset point can round back onto the pole.
    assert separation_arcsec(ra, dec, near.ra.deg, near.dec.deg) == pytest.approx(
        _astropy_separation_arcsec(ra, dec, near.ra.deg, near.dec.deg),
        abs=ONE_MAS_ARCSEC,
    )
    opposite = SkyCoord((ra + 180.0) * u.deg, -dec * u.deg)
    far = opposite.directional_offset_by(angle_deg * u.deg, offset_arcsec * u.arcsec)
    assert separation_arcsec(ra, dec, far.ra.deg, far.dec.deg) == pytest.approx(
        _astropy_separation_arcsec(ra, dec, far.ra.deg, far.dec.deg),
        abs=ONE_MAS_ARCSEC,
    )


def test_separation_takes_arrays():
    ra2 = np.array([0.0, 359.9995, 10.0])
    dec2 = np.array([0.0, 0.0, 89.9])
    expected = [_astropy_separation_arcsec(0.0, 0.0, r, d) for r, d in zip(ra2, dec2)]
    assert separation_arcsec(0.0, 0.0, ra2, dec2) == pytest.approx(expected, abs=1e-6)

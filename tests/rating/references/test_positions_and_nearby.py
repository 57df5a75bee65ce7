"""Positions and nearby-object separations agree with astropy."""

import astropy.units as u
import factory
import numpy as np
import pytest
from astropy.coordinates import SkyCoord
from django.urls import reverse

from catalogue.survey.models import Candidate
from catalogue.survey.sky import cone_search
from rating.references.nearby import nearby_objects
from rating.vetting.positions import dec_dms, galactic_deg, ra_hms
from tests.factories import BeamFactory, CandidateFactory


def random_sky(rng, count):
    ra = rng.uniform(0, 360, count)
    dec = np.degrees(np.arcsin(rng.uniform(-1, 1, count)))
    return ra, dec


def test_galactic_and_sexagesimal_agree_with_astropy():
    rng = np.random.default_rng(5)
    ra, dec = random_sky(rng, 300)
    coords = SkyCoord(ra * u.deg, dec * u.deg)
    galactic = coords.galactic
    for i in range(300):
        longitude, latitude = galactic_deg(ra[i], dec[i])
        assert longitude == pytest.approx(galactic.l.deg[i], abs=1e-8)
        assert latitude == pytest.approx(galactic.b.deg[i], abs=1e-8)
        assert ra_hms(ra[i]) == coords[i].ra.to_string(
            unit=u.hourangle, sep=":", precision=2, pad=True
        )
        assert dec_dms(dec[i]) == coords[i].dec.to_string(
            unit=u.deg, sep=":", precision=1, pad=True, alwayssign=True
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "centre",
    [(333.6, -45.2), (0.01, 10.0), (359.99, -30.0), (123.0, 89.95), (200.0, -89.97)],
    ids=["field", "ra-0", "ra-360", "north-pole", "south-pole"],
)
def test_cone_search_matches_astropy_separations(centre):
    """Scatter candidates round the centre; the cone keeps exactly astropy's set."""
    rng = np.random.default_rng(11)
    ra0, dec0 = centre
    radius_arcsec = 300.0
    beam = BeamFactory()
    offsets = SkyCoord(ra0 * u.deg, dec0 * u.deg).directional_offset_by(
        rng.uniform(0, 360, 400) * u.deg, rng.uniform(0, 600, 400) * u.arcsec
    )
    CandidateFactory.create_batch(
        400,
        beam=beam,
        ra=factory_values(offsets.ra.deg),
        dec=factory_values(offsets.dec.deg),
    )
    stored = Candidate.objects.all()
    truth = (
        SkyCoord(ra0 * u.deg, dec0 * u.deg)
        .separation(
            SkyCoord([c.ra for c in stored] * u.deg, [c.dec for c in stored] * u.deg)
        )
        .arcsec
    )
    expected = {c.pk: s for c, s in zip(stored, truth) if s <= radius_arcsec}

    found = list(
        cone_search(stored, ra0, dec0, radius_arcsec).order_by("separation_arcsec")
    )

    assert {c.pk for c in found} == set(expected)
    for candidate in found:
        assert candidate.separation_arcsec == pytest.approx(
            expected[candidate.pk], abs=1e-6
        )
    separations = [c.separation_arcsec for c in found]
    assert separations == sorted(separations)
    assert 40 < len(found) < 400


def factory_values(values):
    return factory.Iterator([float(v) for v in values])


@pytest.mark.django_db
def test_nearby_table_on_the_page_in_arcsec_nearest_first(rater_client, rater):
    beam = BeamFactory()
    here = CandidateFactory(beam=beam, ra=10.0, dec=-30.0)
    far = CandidateFactory(beam=beam, ra=10.0, dec=-30.0 + 200 / 3600)
    near = CandidateFactory(beam=beam, ra=10.0, dec=-30.0 + 20 / 3600)
    CandidateFactory(beam=beam, ra=11.0, dec=-30.0)  # 3118 arcsec away

    rows = nearby_objects(here, 600, rater)
    assert [r.name for r in rows] == [near.name, far.name]
    assert rows[0].separation_arcsec == pytest.approx(20.0, abs=1e-6)

    html = rater_client.get(
        reverse("rating:candidate", args=[here.pk]) + "?radius=100"
    ).content.decode()
    assert near.name in html and far.name not in html
    fragment = rater_client.get(
        reverse("rating:nearby", args=[here.pk]) + "?radius=600"
    ).content.decode()
    assert fragment.index(near.name) < fragment.index(far.name)
    assert "200.00" in fragment
    bad = rater_client.get(reverse("rating:nearby", args=[here.pk]) + "?radius=0")
    assert bad.status_code == 400 and "error" in bad.json()

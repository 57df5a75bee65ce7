"""`manage.py load_pulsars FILE` reads a psrcat database file; pulsars show nearby."""

import astropy.units as u
import pytest
from astropy.coordinates import BarycentricMeanEcliptic, SkyCoord
from django.core.management import CommandError, call_command
from django.urls import reverse

from rating.models import Pulsar
from tests.factories import CandidateFactory

# A small file in psrcat.db format: `KEY value [error] [reference]` lines,
# records separated by `@-----` lines (values of real pulsars; the last two
# are given, as psrcat gives pulsars timed in ecliptic coordinates, only as
# ELONG/ELAT in degrees).
PSRCAT = """\
#CATALOGUE 2.6.0
PSRJ     J0437-4715                    wvk+08
RAJ      04:37:15.8961737         1.5e-06  rhc+16
DECJ     -47:15:09.110714         1.7e-05  rhc+16
P0       0.00575745193132        1.6e-16  rhc+16
DM       2.64                     7e-03   rhc+16
S400     550                      100     mlc+95
@-----------------------------------------------------------------
PSRJ     J0835-4510                    ymv+10
PSRB     B0833-45
RAJ      08:35:20.61149           2e-05   dlrm03
DECJ     -45:10:34.8751           3e-04   dlrm03
F0       11.1946499395            8e-10   dlrm03
DM       67.97                    7e-02   hjl+19
@-----------------------------------------------------------------
PSRJ     J1234+5678
ELONG    10.0
ELAT     20.0
@-----------------------------------------------------------------
PSRJ     J2222-0137                    bjd+14
ELONG    336.7318964              3e-09   gfg+21
ELAT     7.9771390                1e-08   gfg+21
F0       30.47121380805           4e-12   gfg+21
DM       3.28                     1e-02   bjd+14
@-----------------------------------------------------------------
PSRJ     J9999+9999
P0       1.0
@-----------------------------------------------------------------
"""


@pytest.fixture
def psrcat_file(tmp_path):
    path = tmp_path / "psrcat.db"
    path.write_text(PSRCAT)
    return path


@pytest.mark.django_db
def test_load_pulsars_reads_positions_periods_and_dms(psrcat_file, capsys):
    call_command("load_pulsars", str(psrcat_file))
    call_command("load_pulsars", str(psrcat_file))  # idempotent

    assert Pulsar.objects.count() == 4
    vela = Pulsar.objects.get(name="J0835-4510")
    assert vela.ra_deg == pytest.approx((8 + 35 / 60 + 20.61149 / 3600) * 15)
    assert vela.dec_deg == pytest.approx(-(45 + 10 / 60 + 34.8751 / 3600))
    assert vela.period_s == pytest.approx(1 / 11.1946499395)
    assert vela.dm == pytest.approx(67.97)
    assert Pulsar.objects.get(name="J0437-4715").period_s == pytest.approx(
        0.00575745193132
    )
    assert Pulsar.objects.get(name="J0437-4715").s400_mjy == pytest.approx(550)
    assert vela.s400_mjy is None
    assert "1 without a position skipped" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, elong_deg, elat_deg",
    [("J1234+5678", 10.0, 20.0), ("J2222-0137", 336.7318964, 7.9771390)],
)
def test_ecliptic_only_records_are_converted_to_icrs(
    psrcat_file, name, elong_deg, elat_deg
):
    call_command("load_pulsars", str(psrcat_file))

    pulsar = Pulsar.objects.get(name=name)
    expected = SkyCoord(
        lon=elong_deg * u.deg,
        lat=elat_deg * u.deg,
        frame=BarycentricMeanEcliptic(equinox="J2000"),
    ).icrs
    loaded = SkyCoord(ra=pulsar.ra_deg * u.deg, dec=pulsar.dec_deg * u.deg)
    assert loaded.separation(expected).to(u.mas).value < 1
    # Not the ecliptic numbers taken for RA/Dec: the frames differ by ~23°.
    assert abs(pulsar.dec_deg - elat_deg) > 1


@pytest.mark.django_db
def test_ecliptic_only_pulsar_is_listed_near_its_icrs_position(
    psrcat_file, rater_client
):
    """J2222-0137 (ELONG/ELAT only) lies at RA 22:22:05.969, Dec -01:37:15.72."""
    call_command("load_pulsars", str(psrcat_file))
    position = SkyCoord("22h22m05.969s", "-01d37m15.72s")
    candidate = CandidateFactory(ra=position.ra.deg, dec=position.dec.deg)

    html = rater_client.get(
        reverse("rating:candidate", args=[candidate.pk]) + "?radius=60"
    ).content.decode()

    assert "J2222-0137" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, message",
    [
        ("PSRJ J0000+0000\nRAJ 25:99:00\nDECJ 00:00:00\n", "line 2: RAJ"),
        ("PSRJ J0000+0000\nRAJ 01:00:00\nDECJ 00:00:00\nDM fast\n", "line 4: DM"),
        ("PSRJ J0000+0000\nELONG 10\nELAT 95\n", "line 3: ELAT"),
        ("PSRJ J0000+0000\nELONG east\nELAT 5\n", "line 2: ELONG"),
        ("just some text\n", "line 1: record has no PSRJ"),
        ("# only a comment\n", "no pulsar records"),
    ],
)
def test_malformed_file_is_refused_and_nothing_changes(
    tmp_path, psrcat_file, text, message
):
    call_command("load_pulsars", str(psrcat_file))
    bad = tmp_path / "bad.db"
    bad.write_text(text)

    with pytest.raises(CommandError, match=message):
        call_command("load_pulsars", str(bad))
    assert Pulsar.objects.count() == 4


@pytest.mark.django_db
def test_known_pulsar_is_listed_near_a_candidate(psrcat_file, rater_client):
    call_command("load_pulsars", str(psrcat_file))
    vela = Pulsar.objects.get(name="J0835-4510")
    candidate = CandidateFactory(ra=vela.ra_deg + 10 / 3600, dec=vela.dec_deg)

    html = rater_client.get(
        reverse("rating:candidate", args=[candidate.pk]) + "?radius=60"
    ).content.decode()

    assert "J0835-4510" in html
    assert 'data-source="pulsar"' in html
    assert "P = 89.33 ms" in html

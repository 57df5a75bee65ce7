"""`manage.py load_pulsars FILE` reads a psrcat database file; pulsars show nearby."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from rating.models import Pulsar
from tests.factories import CandidateFactory

# A small file in psrcat.db format: `KEY value [error] [reference]` lines,
# records separated by `@-----` lines (values of three real pulsars).
PSRCAT = """\
#CATALOGUE 2.6.0
PSRJ     J0437-4715                    wvk+08
RAJ      04:37:15.8961737         1.5e-06  rhc+16
DECJ     -47:15:09.110714         1.7e-05  rhc+16
P0       0.00575745193132        1.6e-16  rhc+16
DM       2.64                     7e-03   rhc+16
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

    assert Pulsar.objects.count() == 2
    vela = Pulsar.objects.get(name="J0835-4510")
    assert vela.ra_deg == pytest.approx((8 + 35 / 60 + 20.61149 / 3600) * 15)
    assert vela.dec_deg == pytest.approx(-(45 + 10 / 60 + 34.8751 / 3600))
    assert vela.period_s == pytest.approx(1 / 11.1946499395)
    assert vela.dm == pytest.approx(67.97)
    assert Pulsar.objects.get(name="J0437-4715").period_s == pytest.approx(
        0.00575745193132
    )
    assert "1 without RAJ/DECJ skipped" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, message",
    [
        ("PSRJ J0000+0000\nRAJ 25:99:00\nDECJ 00:00:00\n", "line 2: RAJ"),
        ("PSRJ J0000+0000\nRAJ 01:00:00\nDECJ 00:00:00\nDM fast\n", "line 4: DM"),
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
    assert Pulsar.objects.count() == 2


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

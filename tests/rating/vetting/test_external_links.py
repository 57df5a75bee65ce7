"""Archive links are built from the candidate's coordinates, fully encoded."""

from urllib.parse import parse_qs, urlsplit

import pytest

from rating.vetting.external_links import external_links

HOSTS = {
    "SIMBAD": "simbad.cds.unistra.fr",
    "NED": "ned.ipac.caltech.edu",
    "VizieR": "vizier.cds.unistra.fr",
    "Legacy Surveys": "www.legacysurvey.org",
    "Aladin": "aladin.cds.unistra.fr",
}


@pytest.mark.parametrize("ra_deg, dec_deg", [(333.606, -45.2), (0.0001, 89.99)])
def test_every_archive_opens_at_the_position(ra_deg, dec_deg):
    links = {link.name: link for link in external_links(ra_deg, dec_deg, 30)}

    assert {name: urlsplit(link.url).netloc for name, link in links.items()} == HOSTS
    query = {name: parse_qs(urlsplit(link.url).query) for name, link in links.items()}
    position = f"{ra_deg:.6f} {dec_deg:+.6f}"
    assert query["SIMBAD"]["Coord"] == [position]
    assert query["SIMBAD"]["Radius"] == ["0.5"]
    assert query["VizieR"]["-c"] == [position]
    assert query["VizieR"]["-c.rs"] == ["30"]
    assert query["Aladin"]["target"] == [position]
    ra, dec = (float(value) for value in query["Legacy Surveys"]["mark"][0].split(","))
    assert (ra, dec) == pytest.approx((ra_deg, dec_deg), abs=1e-6)
    assert query["NED"]["coordinates"] == [f"{ra_deg:.6f}d {dec_deg:+.6f}d"]
    assert all(
        " " not in link.url and "+" not in link.url.split("?")[0]
        for link in links.values()
    )

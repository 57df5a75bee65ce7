"""Links from a candidate to the archives astronomers check next.

Each link is built from the candidate's ICRS position (degrees, with the
precision the pipeline gives) and a search radius in arcsec, so it opens
the archive at the candidate whatever the candidate is called. Query
strings are encoded with `urlencode`; nothing of the candidate's name
reaches a URL.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

DEFAULT_RADIUS_ARCSEC = 60.0


@dataclass(frozen=True)
class ExternalLink:
    name: str
    url: str
    title: str


def _position(ra_deg, dec_deg):
    return f"{ra_deg:.6f} {dec_deg:+.6f}"


def external_links(ra_deg, dec_deg, radius_arcsec=DEFAULT_RADIUS_ARCSEC):
    """SIMBAD, NED, VizieR, Legacy Surveys and Aladin at (ra_deg, dec_deg), ICRS."""
    position = _position(ra_deg, dec_deg)
    radius_arcmin = radius_arcsec / 60.0
    # The Legacy Surveys viewer's zoom 14 shows about 4 arcmin across.
    legacy = {"ra": f"{ra_deg:.6f}", "dec": f"{dec_deg:.6f}", "zoom": 14}
    legacy["mark"] = f"{ra_deg:.6f},{dec_deg:.6f}"
    return [
        ExternalLink(
            "SIMBAD",
            "https://simbad.cds.unistra.fr/simbad/sim-coo?"
            + urlencode(
                {
                    "Coord": position,
                    "CooFrame": "ICRS",
                    "Radius": f"{radius_arcmin:g}",
                    "Radius.unit": "arcmin",
                }
            ),
            "Objects known to SIMBAD around this position",
        ),
        ExternalLink(
            "NED",
            "https://ned.ipac.caltech.edu/conesearch?"
            + urlencode(
                {
                    "search_type": "Near Position Search",
                    "coordinates": f"{ra_deg:.6f}d {dec_deg:+.6f}d",
                    "in_csys": "Equatorial",
                    "in_equinox": "J2000",
                    "radius": f"{radius_arcmin:g}",
                }
            ),
            "Extragalactic objects in NED around this position",
        ),
        ExternalLink(
            "VizieR",
            "https://vizier.cds.unistra.fr/viz-bin/VizieR?"
            + urlencode({"-c": position, "-c.rs": f"{radius_arcsec:g}"}),
            "Catalogue entries in VizieR around this position",
        ),
        ExternalLink(
            "Legacy Surveys",
            "https://www.legacysurvey.org/viewer?" + urlencode(legacy),
            "Optical images of the Legacy Surveys viewer",
        ),
        ExternalLink(
            "Aladin",
            "https://aladin.cds.unistra.fr/AladinLite/?"
            + urlencode({"target": position, "fov": f"{4 * radius_arcmin / 60:g}"}),
            "Sky surveys in Aladin Lite",
        ),
    ]

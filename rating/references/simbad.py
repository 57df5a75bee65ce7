"""SIMBAD objects near a position: an optional remote source, never required.

Queried through SIMBAD's TAP sync endpoint (`settings.SIMBAD_URL`, empty =
disabled) with a short timeout (`SIMBAD_TIMEOUT_S`, seconds). Answers are
cached for a day; a failure is cached for a minute so a slow SIMBAD is not
asked again on every page. Every problem becomes a `SimbadUnavailable`
whose message the page shows as a notice.
"""

import hashlib

import requests
from django.conf import settings
from django.core.cache import cache

from catalogue.survey.sky import ARCSEC_PER_DEG, separation_arcsec

CACHE_SECONDS = 24 * 3600
FAILURE_CACHE_SECONDS = 60
MAX_ROWS = 50
SIMBAD_OBJECT_URL = "https://simbad.cds.unistra.fr/simbad/sim-id?Ident="


class SimbadUnavailable(Exception):
    """SIMBAD is disabled, timed out or answered something unusable."""


def adql_cone(ra_deg, dec_deg, radius_arcsec):
    """ADQL for SIMBAD `basic` rows within `radius_arcsec` of (ra_deg, dec_deg)."""
    return (
        f"SELECT TOP {MAX_ROWS} main_id, ra, dec, otype FROM basic WHERE "
        f"CONTAINS(POINT('ICRS', ra, dec), CIRCLE('ICRS', {ra_deg:.7f}, "
        f"{dec_deg:.7f}, {radius_arcsec / ARCSEC_PER_DEG:.7f})) = 1"
    )


def _parse(payload, ra_deg, dec_deg):
    try:
        names = [column["name"].lower() for column in payload["metadata"]]
        rows = [dict(zip(names, row)) for row in payload["data"]]
        objects = [
            {
                "name": str(row["main_id"]),
                "type": str(row.get("otype") or ""),
                "ra_deg": float(row["ra"]),
                "dec_deg": float(row["dec"]),
            }
            for row in rows
            if row.get("ra") is not None and row.get("dec") is not None
        ]
    except (KeyError, TypeError, ValueError) as exc:
        raise SimbadUnavailable(
            f"SIMBAD answered in an unexpected format ({exc})"
        ) from None
    for item in objects:
        item["separation_arcsec"] = float(
            separation_arcsec(ra_deg, dec_deg, item["ra_deg"], item["dec_deg"])
        )
        item["url"] = SIMBAD_OBJECT_URL + requests.utils.quote(item["name"])
    objects.sort(key=lambda item: item["separation_arcsec"])
    return objects


def simbad_objects(ra_deg, dec_deg, radius_arcsec):
    """SIMBAD objects within `radius_arcsec`, nearest first (list of dicts).

    Each dict has name, type, ra_deg, dec_deg, separation_arcsec and url.
    Raises `SimbadUnavailable` when disabled or failing.
    """
    url = settings.SIMBAD_URL
    if not url:
        raise SimbadUnavailable(
            "SIMBAD is not configured on this portal (SIMBAD_URL is empty)."
        )
    query = adql_cone(ra_deg, dec_deg, radius_arcsec)
    key = "simbad:" + hashlib.sha256(f"{url}|{query}".encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        if "error" in cached:
            raise SimbadUnavailable(cached["error"])
        return cached["objects"]
    timeout = settings.SIMBAD_TIMEOUT_S
    try:
        response = requests.post(
            url,
            data={
                "REQUEST": "doQuery",
                "LANG": "ADQL",
                "FORMAT": "json",
                "QUERY": query,
            },
            timeout=timeout,
        )
        response.raise_for_status()
        objects = _parse(response.json(), ra_deg, dec_deg)
    except requests.Timeout:
        error = f"SIMBAD did not answer within {timeout:g} s."
    except (requests.RequestException, ValueError) as exc:
        error = f"SIMBAD could not be queried ({type(exc).__name__})."
    except SimbadUnavailable as exc:
        error = str(exc)
    else:
        cache.set(key, {"objects": objects}, CACHE_SECONDS)
        return objects
    cache.set(key, {"error": error}, FAILURE_CACHE_SECONDS)
    raise SimbadUnavailable(error)

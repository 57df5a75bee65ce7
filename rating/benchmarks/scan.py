"""Scanning-grid benchmarks (run by `manage.py bench`), at 1,000,000 candidates.

- `scan_grid_page`: GET of a 48-card grid page (target 60 ms median server
  time), first page and a page deep in the list (a keyset seek), for a few
  sorts. The synthetic catalogue has no files or light curves, so the cards
  of the pages timed get a stored deep cutout, slices cube and a 100-point
  light curve for the run (removed afterwards), and their previews are
  rendered once beforehand ("previews already cached");
- `scan_preview_first_render`: a card preview rendered from its FITS file
  with nothing cached (target 15 ms median): the 64 × 64 px deep cutout, and
  the peak plane of a 12-plane 64 × 64 px slices cube, as the demo pipeline
  writes them.
"""

import hashlib
import io
import shutil
import tempfile
from pathlib import Path

import numpy as np
from astropy.io import fits
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.test import override_settings
from django.urls import reverse

from catalogue.browse.querying import filtered_candidates
from catalogue.survey.models import CandidateFile, Lightcurve
from rating.vetting import previews

GRID_SORTS = ("-chi_square_sigma", "-id", "name")
CUTOUT_PX = 64
CUBE_PLANES = 12
LIGHTCURVE_POINTS = 100


def _fits_bytes(data):
    buffer = io.BytesIO()
    fits.PrimaryHDU(data=data.astype(np.float32)).writeto(buffer)
    return buffer.getvalue()


def _images(rng):
    yy, xx = np.mgrid[:CUTOUT_PX, :CUTOUT_PX] - CUTOUT_PX / 2
    source = np.exp(-(xx**2 + yy**2) / (2 * 1.8**2))
    deep = rng.normal(0, 1, (CUTOUT_PX, CUTOUT_PX)) + 8 * source
    cube = rng.normal(0, 1, (CUBE_PLANES, CUTOUT_PX, CUTOUT_PX))
    cube[CUBE_PLANES // 2] += 10 * source
    return _fits_bytes(deep), _fits_bytes(cube)


def _dress(candidate_ids, rng):
    """Stored files and light curves for the cards timed; returns the rows made."""
    deep, cube = _images(rng)
    made_files, made_curves = [], []
    times = list(60000 + np.arange(LIGHTCURVE_POINTS) * 10 / 86400)
    for pk in candidate_ids:
        for kind, data in (
            (CandidateFile.Kind.DEEPCUTOUT_FITS, deep),
            (CandidateFile.Kind.SLICES_FITS, cube),
        ):
            stored = CandidateFile(candidate_id=pk, kind=kind, size=len(data))
            stored.sha256 = hashlib.sha256(data).hexdigest()
            stored.file.save(f"bench-scan/{pk}-{kind}.fits", ContentFile(data))
            made_files.append(stored)
        if not Lightcurve.objects.filter(candidate_id=pk).exists():
            flux = list(rng.lognormal(np.log(3e-3), 0.3, LIGHTCURVE_POINTS))
            made_curves.append(
                Lightcurve.objects.create(
                    candidate_id=pk,
                    times_mjd=times,
                    peak_flux_jy=flux,
                    local_rms_jy=[3e-4] * LIGHTCURVE_POINTS,
                )
            )
    return made_files, made_curves


def bench_scan_grid_page(ctx):
    """Server time of a 48-card grid page, first and deep in the list (ms)."""
    project = ctx.dataset.get("project", "bench")
    rng = np.random.default_rng(7)
    pages = {}
    for sort in GRID_SORTS:
        params = QueryDict(f"project={project}&sort={sort}")
        listed, _errors = filtered_candidates(params, ctx.user)
        ids = list(listed.values_list("id", flat=True)[:49])
        middle = listed.count() // 2
        after = listed.values_list("id", flat=True)[middle]
        deep_ids = list(listed.values_list("id", flat=True)[middle + 1 : middle + 49])
        pages[f"{sort} first"] = ("?" + params.urlencode(), ids[:48])
        pages[f"{sort} deep"] = (f"?{params.urlencode()}&after={after}", deep_ids)
    cache_root = Path(tempfile.mkdtemp(prefix="bench-scan-previews-"))
    all_ids = sorted({pk for _, ids in pages.values() for pk in ids})
    files, curves = _dress(all_ids, rng)
    figures = {}
    try:
        with override_settings(PREVIEW_CACHE_DIR=cache_root):
            for stored in files:  # previews already cached, as the target says
                if stored.kind == CandidateFile.Kind.SLICES_FITS:
                    previews.fits_peak_png(stored)
                else:
                    previews.fits_preview_png(stored)
            for name, (query, _ids) in pages.items():
                figures[name] = ctx.time_get(reverse("scan:grid") + query)
    finally:
        for stored in files:
            stored.delete()
        Lightcurve.objects.filter(pk__in=[c.pk for c in curves]).delete()
        shutil.rmtree(cache_root, ignore_errors=True)
    worst = max(figures.values(), key=lambda summary: summary["median_ms"])
    return {**worst, "pages": figures}


def bench_scan_preview_first_render(ctx):
    """Time to render a card preview from FITS with no cache (ms)."""
    deep, cube = _images(np.random.default_rng(11))
    cache_root = Path(tempfile.mkdtemp(prefix="bench-scan-render-"))
    media = cache_root / "media"
    figures = {}
    try:
        with override_settings(MEDIA_ROOT=media, PREVIEW_CACHE_DIR=cache_root / "p"):
            for name, data, render in (
                ("deep cutout", deep, previews.fits_preview_png),
                ("slices peak plane", cube, previews.fits_peak_png),
            ):
                stored = CandidateFile(kind="bench", size=len(data))
                stored.file.save("bench-render.fits", ContentFile(data), save=False)
                runs = iter(range(10**6))

                def first_render(stored=stored, render=render, runs=runs):
                    stored.sha256 = f"bench-render-{next(runs)}"  # a cache miss
                    render(stored)

                figures[name] = ctx.time_call(first_render)
                cache.clear()
    finally:
        shutil.rmtree(cache_root, ignore_errors=True)
    worst = max(figures.values(), key=lambda summary: summary["median_ms"])
    return {**worst, "previews": figures}

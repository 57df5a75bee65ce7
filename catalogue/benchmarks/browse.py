"""Catalogue benchmarks (run by `manage.py bench` on the 1,000,000-row "bench" set).

Targets (median server time): first page 50 ms, two range filters + sort
on another column 80 ms, cone search of 1 arcmin 30 ms, page 1000 80 ms,
CSV or ECSV export of 100,000 rows 5 s.
"""

from urllib.parse import urlencode

from django.urls import reverse

from catalogue.survey.models import Candidate

# sin(53.1301 deg) = 0.8, so dec ≥ 53.1301 deg holds 10% of a uniform sky:
# about 100,000 of the 1,000,000 synthetic candidates (all beams).
EXPORT_DEC_MIN_DEG = 53.1301


def _url(name, export_format=None, **params):
    url = reverse(
        name, kwargs={"export_format": export_format} if export_format else None
    )
    return f"{url}?{urlencode(params)}" if params else url


def bench_catalogue_first_page(ctx):
    """Server time of the catalogue's first page (target 50 ms median)."""
    return ctx.time_get(reverse("catalogue:list"))


def bench_catalogue_two_ranges_sorted(ctx):
    """χ² σ ≥ 5 and peak σ ≥ 20, sorted by md_deep descending (target 80 ms)."""
    return ctx.time_get(
        _url(
            "catalogue:list",
            project=ctx.dataset["project"],
            chi_square_sigma_min=5,
            peak_map_sigma_min=20,
            sort="-md_deep",
        )
    )


def cone_url(ctx):
    """The catalogue's cone search of 1 arcmin around a bench candidate."""
    centre = (
        Candidate.objects.filter(observation__project__slug=ctx.dataset["project"])
        .order_by("id")
        .values("ra", "dec")[500]
    )
    return _url(
        "catalogue:list",
        cone_ra=centre["ra"],
        cone_dec=centre["dec"],
        cone_radius=1,
        cone_unit="arcmin",
        best_beam="off",
    )


def bench_catalogue_cone_1_arcmin(ctx):
    """Cone search of radius 1 arcmin around a candidate (target 30 ms)."""
    return ctx.time_get(cone_url(ctx))


def bench_catalogue_page_1000(ctx):
    """Page 1000 (rows 49,951–50,000) in the default order (target 80 ms)."""
    return ctx.time_get(_url("catalogue:list", page=1000))


def _time_export(ctx, export_format):
    """Server time of streaming ~100,000 candidates in `export_format`."""
    url = _url(
        "catalogue:export",
        export_format=export_format,
        best_beam="off",
        dec_min=EXPORT_DEC_MIN_DEG,
    )
    return ctx.time_get(url, stream=True, repeat=3)


def bench_catalogue_export_csv_100k(ctx):
    """Streamed CSV export of ~100,000 candidates (target 5 s)."""
    return _time_export(ctx, "csv")


def bench_catalogue_export_ecsv_100k(ctx):
    """Streamed ECSV export of ~100,000 candidates (target 5 s)."""
    return _time_export(ctx, "ecsv")

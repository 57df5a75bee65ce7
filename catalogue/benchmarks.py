"""Catalogue benchmarks (run by `manage.py bench`)."""

from django.urls import reverse


def bench_catalogue_first_page(ctx):
    """Server time of the catalogue's first page (target 50 ms median)."""
    return ctx.time_get(reverse("catalogue:list"))

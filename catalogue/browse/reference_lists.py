"""Small lists every catalogue page shows, cached: projects, tags, observations.

The filter panel's project and tag drop-downs and the observation datalist
took three queries per page view. They change rarely (a new observation, a
tag added while rating), so they are cached for `REFERENCE_LIST_SECONDS`
and forgotten whenever a Project, Observation or Tag is saved or deleted
in this process (with several workers and a per-process cache, another
worker shows a new entry within `REFERENCE_LIST_SECONDS`). Filtering never
depends on these lists: the form validates against the database.
"""

from django.core.cache import cache

REFERENCE_LIST_SECONDS = 60
CACHE_KEY = "catalogue-reference-lists"


def _load():
    from catalogue.survey.models import Observation, Project
    from rating.models import Tag

    return {
        "projects": [(p.slug, str(p)) for p in Project.objects.all()],
        "tags": [(tag.pk, str(tag)) for tag in Tag.objects.all()],
        "observations": list(
            Observation.objects.order_by("project__slug", "sbid").values_list(
                "sbid", "project__slug"
            )
        ),
    }


def reference_lists():
    """{"projects": [(slug, label)], "tags": [(id, label)],
    "observations": [(sbid, project slug)]}, from the cache when fresh."""
    return cache.get_or_set(CACHE_KEY, _load, REFERENCE_LIST_SECONDS)


def forget_reference_lists(**kwargs):
    """Signal receiver for saves and deletes of the listed models."""
    cache.delete(CACHE_KEY)

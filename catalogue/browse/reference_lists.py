"""Small lists every catalogue page shows, cached: projects, observations, and
the lists other apps register (the rating app's tags).

The filter panel's drop-downs and the observation datalist took a query each
per page view. They change rarely (a new observation, a tag added while
rating), so they are cached together for `REFERENCE_LIST_SECONDS` and
forgotten whenever a model they list is saved or deleted. Production keeps
the cache in Redis (`REDIS_URL`), shared by every worker and replica; with
a per-process cache (development), another worker shows a new entry within
`REFERENCE_LIST_SECONDS`. Filtering never depends on these
lists: the form validates against the database.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from catalogue.access.rules import hidden_project_slugs
from catalogue.survey.models import Observation, Project

REFERENCE_LIST_SECONDS = 60
CACHE_KEY = "catalogue-reference-lists"
_loaders = {}


def register_reference_list(name, load, listed_models):
    """Show `load()` as `reference_lists()[name]`, forgotten when any of
    `listed_models` is saved or deleted. Call from an `AppConfig.ready()`."""
    _loaders[name] = load
    for model in listed_models:
        for signal_name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                forget_reference_lists,
                sender=model,
                dispatch_uid=f"reference-lists-{model._meta.label}-{signal_name}",
            )


def project_choices():
    """[(slug, label)] of every project, for the project drop-down."""
    return [(p.slug, str(p)) for p in Project.objects.all()]


def observation_options():
    """[(sbid, project slug)] of every observation, for the SBID datalist."""
    return list(
        Observation.objects.order_by("project__slug", "sbid").values_list(
            "sbid", "project__slug"
        )
    )


def _load():
    return {name: load() for name, load in _loaders.items()}


def reference_lists():
    """{name: list} of every registered list, from the cache when fresh:
    "projects" [(slug, label)], "observations" [(sbid, project slug)] and
    the contributed ones ("tags" [(id, label)] from the rating app)."""
    return cache.get_or_set(CACHE_KEY, _load, REFERENCE_LIST_SECONDS)


def visible_reference_lists(user, lists):
    """`lists` without the projects (and their observations) hidden from `user`.

    The cached lists are the same for everyone; this filters them per user
    in Python, so a restricted project never shows in a non-member's panel.
    """
    hidden = hidden_project_slugs(user)
    if not hidden:
        return lists
    return {
        **lists,
        "projects": [
            (slug, label) for slug, label in lists["projects"] if slug not in hidden
        ],
        "observations": [
            (sbid, slug) for sbid, slug in lists["observations"] if slug not in hidden
        ],
    }


def forget_reference_lists(**kwargs):
    """Signal receiver for saves and deletes of the listed models."""
    cache.delete(CACHE_KEY)

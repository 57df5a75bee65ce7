"""Which tag each number key 1–9 sets, per project (SPEC §6: "project order").

A project lists up to nine (key, tag) pairs (`ProjectTagKey`, edited in the
Wagtail admin). A project that lists none gets the first nine tags by id, so
a fresh install has working keys. The candidate page and the scanning grid
both read the order from `keyed_tags`, and their `?` help shows it.
"""

from django.db import models

from rating.models import Tag

KEYS = range(1, 10)


class ProjectTagKey(models.Model):
    """Key `key` (1–9) sets tag `tag` on candidates of `project`."""

    project = models.ForeignKey(
        "catalogue.Project", on_delete=models.CASCADE, related_name="tag_keys"
    )
    key = models.PositiveSmallIntegerField(
        choices=[(key, str(key)) for key in KEYS], help_text="number key 1–9"
    )
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="+")

    class Meta:
        app_label = "rating"
        ordering = ["project", "key"]
        verbose_name = "tag key"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "key"], name="one_tag_per_project_key"
            ),
            models.UniqueConstraint(
                fields=["project", "tag"], name="one_key_per_project_tag"
            ),
            models.CheckConstraint(
                condition=models.Q(key__gte=1, key__lte=9), name="tag_key_1_to_9"
            ),
        ]

    def __str__(self):
        return f"{self.project}: {self.key} → {self.tag}"


def default_keyed_tags():
    """{key: Tag} of the first nine tags by id (projects without an order)."""
    return dict(zip(KEYS, Tag.objects.order_by("id")[: len(KEYS)]))


def project_tag_keys():
    """({project id: {key: Tag}} of the projects with their own order, and
    the default {key: Tag} of every other project), in two queries."""
    chosen = {}
    for row in ProjectTagKey.objects.select_related("tag"):
        chosen.setdefault(row.project_id, {})[row.key] = row.tag
    return chosen, default_keyed_tags()


def tag_key_table():
    """{"default": [(key, tag id, name)], project id: [...]} of every project
    with its own order: plain data for the cached reference lists (the rating
    app registers it as "tag_keys", forgotten when a tag or a key changes)."""
    chosen, default = project_tag_keys()
    table = {"default": [(key, tag.pk, tag.name) for key, tag in default.items()]}
    for project_id, keys in chosen.items():
        table[project_id] = [
            (key, tag.pk, tag.name) for key, tag in sorted(keys.items())
        ]
    return table


def keyed_tags(project_id, tags=None):
    """{key: Tag} of one project's number keys, in key order.

    `tags`, every tag by id when the caller has read them already, saves
    the default order its query.
    """
    rows = ProjectTagKey.objects.filter(project_id=project_id).select_related("tag")
    chosen = {row.key: row.tag for row in rows.order_by("key")}
    if chosen:
        return chosen
    if tags is not None:
        return dict(zip(KEYS, sorted(tags, key=lambda tag: tag.pk)))
    return default_keyed_tags()

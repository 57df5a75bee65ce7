from django.apps import AppConfig


class RatingConfig(AppConfig):
    """Tags, ratings, their history and consensus."""

    name = "rating"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The catalogue offers extension points and imports nothing from
        # rating: its rating filters, tag list and rating counts come from here.
        from catalogue.browse.filters import register_filterset
        from catalogue.browse.reference_lists import register_reference_list
        from catalogue.siteadmin.counts import register_count_annotations
        from rating.catalogue_contributions import rating_counts, tag_choices
        from rating.catalogue_filters import RatingFilters
        from rating.models import Tag
        from rating.summary.progress import connect_progress_refreshes
        from rating.tag_keys import ProjectTagKey, tag_key_table

        register_filterset(RatingFilters)
        register_reference_list("tags", tag_choices, (Tag,))
        register_reference_list("tag_keys", tag_key_table, (Tag, ProjectTagKey))
        register_count_annotations(rating_counts)
        connect_progress_refreshes()

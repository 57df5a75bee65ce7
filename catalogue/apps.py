from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """Survey data: projects, observations, beams, candidates and their files."""

    name = "catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from catalogue.browse.bounds import connect_bound_refreshes
        from catalogue.browse.reference_lists import (
            observation_options,
            project_choices,
            register_reference_list,
        )
        from catalogue.survey import signals  # noqa: F401  (connects file clean-up receivers)
        from catalogue.survey.models import Observation, Project

        connect_bound_refreshes()
        register_reference_list("projects", project_choices, (Project,))
        register_reference_list(
            "observations", observation_options, (Observation, Project)
        )

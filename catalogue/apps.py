from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """Survey data: projects, observations, beams, candidates and their files."""

    name = "catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from catalogue.browse.reference_lists import forget_reference_lists
        from catalogue.survey import signals  # noqa: F401  (connects file clean-up receivers)
        from catalogue.survey.models import Observation, Project
        from rating.models import Tag

        for model in (Project, Observation, Tag):
            for signal_name, signal in (("save", post_save), ("delete", post_delete)):
                signal.connect(
                    forget_reference_lists,
                    sender=model,
                    dispatch_uid=f"reference-lists-{model.__name__}-{signal_name}",
                )

from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    """Survey data: projects, observations, beams, candidates and their files."""

    name = "catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401  (connects file clean-up receivers)

from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Wagtail pages: home page, project pages, release notes."""

    name = "home"
    default_auto_field = "django.db.models.BigAutoField"

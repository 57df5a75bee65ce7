from django.apps import AppConfig


class RatingConfig(AppConfig):
    """Tags, ratings, their history and consensus."""

    name = "rating"
    default_auto_field = "django.db.models.BigAutoField"

"""Wagtail admin hooks of the content app: staging banner styles."""

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def staging_banner_css():
    if settings.PORTAL_ENVIRONMENT != "staging":
        return ""
    return format_html(
        '<link rel="stylesheet" href="{}">', static("css/admin-staging.css")
    )

"""Wagtail admin hooks of the content app: staging banner styles."""

from django.conf import settings
from django.template.loader import render_to_string
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def staging_banner_css():
    if settings.PORTAL_ENVIRONMENT != "staging":
        return ""
    return render_to_string("home/admin/staging_css.html")

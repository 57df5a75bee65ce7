from django.apps import AppConfig


class HomeConfig(AppConfig):
    """Wagtail pages: home page, project pages, release notes."""

    name = "home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, Site
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from home.menu import forget_menus

        page_signals = {
            "published": page_published,
            "unpublished": page_unpublished,
            "moved": post_page_move,
        }
        for name, signal in page_signals.items():
            signal.connect(forget_menus, dispatch_uid=f"menu-page-{name}")
        # Deleting a page of any type deletes its `Page` row too, which sends
        # this. A receiver without a sender would stop Django's fast deletes
        # of every other model (it would have to load each row to signal it).
        post_delete.connect(forget_menus, sender=Page, dispatch_uid="menu-page-delete")
        post_save.connect(forget_menus, sender=Site, dispatch_uid="menu-site-save")
        post_delete.connect(forget_menus, sender=Site, dispatch_uid="menu-site-delete")

"""Header navigation built from the page tree (live pages shown in menus)."""

from django import template
from wagtail.models import Page, Site

from home.links import app_links

register = template.Library()


def _site_root_path(request):
    """URL path ("/home/") of the request's site root, from Wagtail's cached list."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    for root in Site.get_site_root_paths():
        if root.site_id == site.pk:
            return root.root_path
    return None


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Links to the home page's live children marked "Show in menus" (one query
    once Wagtail's site-root cache is warm).
    """
    request = context.get("request")
    root_path = _site_root_path(request) if request else None
    items = []
    if root_path is not None:
        pages = (
            Page.objects.live()
            .in_menu()
            # A page's depth is the number of "/" in its url_path ("/" is 1).
            .filter(url_path__startswith=root_path, depth=root_path.count("/") + 1)
            .order_by("path")
            .only("id", "title", "url_path", "path", "depth")
        )
        for page in pages:
            url = page.get_url(request)
            items.append(
                {
                    "title": page.title,
                    "url": url,
                    "active": bool(url) and request.path.startswith(url),
                }
            )
    user = context.get("user")
    return {
        "menu_items": items,
        "links": app_links() if user and user.is_authenticated else None,
    }

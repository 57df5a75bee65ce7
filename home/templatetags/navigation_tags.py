"""Header navigation built from the page tree (live pages shown in menus)."""

from django import template

from home.links import app_links
from home.menu import menu_entries

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Links to the home page's live children marked "Show in menus"
    (cached, see `home.menu`), the current section marked."""
    request = context.get("request")
    items = []
    if request is not None:
        for title, url in menu_entries(request):
            items.append(
                {
                    "title": title,
                    "url": url,
                    "active": bool(url) and request.path.startswith(url),
                }
            )
    user = context.get("user")
    return {
        "menu_items": items,
        "links": app_links() if user and user.is_authenticated else None,
    }

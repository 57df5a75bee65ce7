"""The header menu, cached: live "show in menus" children of the site root.

Finding the request's Wagtail `Site` and its menu pages took two queries
and several milliseconds on every page of the portal. The entries are now
cached per host for `MENU_CACHE_SECONDS` and forgotten as soon as a page is
published, unpublished, moved or deleted, or a Site is saved or deleted.
Production keeps the cache in Redis (`REDIS_URL`), shared by every worker
and replica, so the change is seen everywhere at once; with a per-process
cache (development), other workers show the old menu for up to
`MENU_CACHE_SECONDS`.
"""

from django.core.cache import cache
from wagtail.models import Page, Site

MENU_CACHE_KEY = "header-menu"
MENU_CACHE_SECONDS = 300


def _site_root_path(request):
    """URL path ("/home/") of the request's site root, or None."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    for root in Site.get_site_root_paths():
        if root.site_id == site.pk:
            return root.root_path
    return None


def _load_entries(request):
    root_path = _site_root_path(request)
    if root_path is None:
        return []
    pages = (
        Page.objects.live()
        .in_menu()
        # A page's depth is the number of "/" in its url_path ("/" is 1).
        .filter(url_path__startswith=root_path, depth=root_path.count("/") + 1)
        .order_by("path")
        .only("id", "title", "url_path", "path", "depth")
    )
    return [(page.title, page.get_url(request)) for page in pages]


def menu_entries(request):
    """[(title, url)] of the header menu for the request's host."""
    host = request.get_host()
    menus = cache.get(MENU_CACHE_KEY) or {}
    if host not in menus:
        menus[host] = _load_entries(request)
        cache.set(MENU_CACHE_KEY, menus, MENU_CACHE_SECONDS)
    return menus[host]


def forget_menus(**kwargs):
    """Signal receiver: the page tree or the sites changed."""
    cache.delete(MENU_CACHE_KEY)

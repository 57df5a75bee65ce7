"""The Jinja2 environment of the portal's hot page fragments.

Django's template language spends about a microsecond per variable lookup
and more per include; the catalogue's filter panel (about 70 inputs) and its
50-row table are rendered with Jinja2 instead, which compiles templates to
Python. Autoescaping is on: every value is escaped by the engine unless it is
already marked safe (Django's `SafeString` and markupsafe's `Markup` both are).
"""

from urllib.parse import urlencode

from django.templatetags.static import static
from django.urls import reverse
from jinja2 import Environment, StrictUndefined


def url(name, *args, **kwargs):
    """`reverse()` for templates: `url("catalogue:list")`."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def query_string(pairs, **extra):
    """A URL query string of the (key, value) `pairs` plus the `extra`
    parameters, percent-encoded (the engine still escapes it for HTML)."""
    return urlencode([*pairs, *extra.items()])


def environment(**options):
    options["autoescape"] = True
    options.setdefault("undefined", StrictUndefined)
    env = Environment(trim_blocks=True, lstrip_blocks=True, **options)
    env.globals.update(url=url, static=static)
    env.filters["query_string"] = query_string
    return env

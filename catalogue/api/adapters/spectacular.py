"""Everything the portal relies on in drf-spectacular beyond its settings.

- `SPECTACULAR_SETTINGS["PREPROCESSING_HOOKS"]` names
  `exclude_wagtail_endpoints`: drf-spectacular calls each hook with
  `endpoints=` a list of `(path, path_regex, method, callback)` tuples and
  uses what it returns. Wagtail's admin API (`/cms/api/...`) is internal to
  the CMS and does not describe itself; left in, it fills the schema (and
  `manage.py check --deploy`) with collisions and serializer errors.
- `LazyPatternsSchemaView` sets `SpectacularAPIView.patterns` per request:
  the view reads that attribute when it builds the generator, and the API's
  URL module (which imports the view) cannot be listed at import time.
- `openapi_document` builds the same document outside a view, with the
  view's `custom_settings` applied the way the view applies them
  (`patched_settings`, which undoes the patch afterwards).
"""

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

WAGTAIL_PREFIX = "/cms/"


def exclude_wagtail_endpoints(endpoints, **kwargs):
    """Preprocessing hook: drop endpoints whose path is under `/cms/`."""
    return [
        endpoint for endpoint in endpoints if not endpoint[0].startswith(WAGTAIL_PREFIX)
    ]


def openapi_document(patterns, custom_settings):
    """The public OpenAPI document (a dict) of URL `patterns`."""
    with patched_settings(custom_settings):
        generator = SchemaGenerator(patterns=patterns)
        return generator.get_schema(request=None, public=True)


class LazyPatternsSchemaView(SpectacularAPIView):
    """A schema view of the URL patterns `get_patterns()` lists per request."""

    def get_patterns(self):
        raise NotImplementedError

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        self.patterns = self.get_patterns()
        return super().get(request, *args, **kwargs)

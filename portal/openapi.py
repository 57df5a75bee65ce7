"""OpenAPI schema scope: the portal's own API only.

Wagtail's admin API (`/cms/api/...`) is internal to the CMS and does not
describe itself to drf-spectacular; left in, it fills the schema (and
`manage.py check --deploy`) with collisions and serializer errors.
"""

WAGTAIL_PREFIX = "/cms/"


def exclude_wagtail_endpoints(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: drop endpoints under `/cms/`."""
    return [
        endpoint for endpoint in endpoints if not endpoint[0].startswith(WAGTAIL_PREFIX)
    ]

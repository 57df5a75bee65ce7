"""Contracts of the drf-spectacular behaviour `catalogue.api.adapters` relies on."""

from django.urls import path
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.settings import patched_settings, spectacular_settings
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from catalogue.api.adapters.spectacular import (
    LazyPatternsSchemaView,
    exclude_wagtail_endpoints,
    openapi_document,
)
from catalogue.api.docs import api_patterns

seen_endpoints = []


def recording_hook(endpoints, **kwargs):
    seen_endpoints.append(list(endpoints))
    return endpoints


class PingView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={204: None})
    def get(self, request):
        return Response(status=204)


PING_PATTERNS = [path("ping/", PingView.as_view())]


def test_preprocessing_hooks_get_path_first_endpoint_tuples():
    seen_endpoints.clear()
    hook = f"{__name__}.recording_hook"
    with patched_settings({"PREPROCESSING_HOOKS": [hook]}):
        SchemaGenerator(patterns=api_patterns()).get_schema(request=None, public=True)
    assert len(seen_endpoints) == 1 and seen_endpoints[0]
    for endpoint in seen_endpoints[0]:
        url, _regex, method, _callback = endpoint
        assert url.startswith("/api/v1/") and method in {"GET", "POST", "PUT"}


def test_the_portal_hook_is_the_one_configured_and_drops_cms_paths():
    assert spectacular_settings.PREPROCESSING_HOOKS == [exclude_wagtail_endpoints]
    endpoints = [
        ("/cms/api/main/pages/", "", "GET", None),
        ("/api/v1/observations/", "", "GET", None),
    ]
    assert exclude_wagtail_endpoints(endpoints=endpoints) == endpoints[1:]
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not any(url.startswith("/cms/") for url in schema["paths"])


def test_custom_settings_apply_to_the_document_and_are_undone():
    title = spectacular_settings.TITLE
    schema = openapi_document(PING_PATTERNS, {"TITLE": "Contract"})
    assert schema["info"]["title"] == "Contract"
    assert list(schema["paths"]) == ["/ping/"]
    assert spectacular_settings.TITLE == title


def test_the_schema_view_documents_the_patterns_it_is_given_per_request():
    class PingSchema(LazyPatternsSchemaView):
        authentication_classes = []
        permission_classes = [AllowAny]
        custom_settings = {"TITLE": "Ping"}

        def get_patterns(self):
            return PING_PATTERNS

    response = PingSchema.as_view()(APIRequestFactory().get("/schema/"))
    assert response.status_code == 200
    assert list(response.data["paths"]) == ["/ping/"]
    assert response.data["info"]["title"] == "Ping"
    assert spectacular_settings.TITLE != "Ping"

"""The upload API's OpenAPI schema and a readable page made from it.

`/api/v1/schema/` is drf-spectacular's OpenAPI 3 document; `/api/v1/docs/`
renders the same schema as a plain portal page (no Swagger UI, no CDN).
Both need a login or a token, like the rest of the portal's data.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from catalogue.api.adapters.spectacular import LazyPatternsSchemaView, openapi_document
from catalogue.api.errors import api_exception_handler
from catalogue.api.tokens.service import UploadTokenAuthentication

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
SCHEMA_SETTINGS = {
    "TITLE": "Candidate Portal upload API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Push a pipeline observation to the portal. Authenticate every request "
        'with `Authorization: Token <key>`; errors are JSON `{"error": ...}`.'
    ),
}


def api_patterns():
    """Only the upload API's URLs go into the schema (not Wagtail's own API)."""
    return [path("api/v1/", include("catalogue.api.urls"))]


class UploadTokenScheme(OpenApiAuthenticationExtension):
    """Describes `Authorization: Token <key>` in the OpenAPI schema."""

    target_class = UploadTokenAuthentication
    name = "uploadToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; create a key on /tokens/",
        }


class SchemaView(LazyPatternsSchemaView):
    """OpenAPI schema (read-only, so a browser session may fetch it too)."""

    authentication_classes = [UploadTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]
    custom_settings = SCHEMA_SETTINGS

    def get_patterns(self):
        return api_patterns()

    def get_exception_handler(self):
        return api_exception_handler


def _resolve(schema, components):
    """Follow a `$ref` into `components/schemas`."""
    while schema and "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema or {}


def _type_of(schema, components):
    schema = _resolve(schema, components) if "$ref" in schema else schema
    if schema.get("type") == "array":
        return f"list of {_type_of(schema.get('items', {}), components)}"
    if "properties" in schema:
        return "object"
    kind = schema.get("type", "object")
    return f"{kind} ({schema['format']})" if schema.get("format") else kind


def _fields(schema, components):
    """[(name, type, required, description)] of an object schema."""
    schema = _resolve(schema, components)
    if schema.get("type") == "array":
        schema = _resolve(schema.get("items", {}), components)
    required = set(schema.get("required", []))
    return [
        {
            "name": name,
            "type": _type_of(prop, components),
            "required": name in required,
            "read_only": prop.get("readOnly", False),
            "description": prop.get("description", ""),
        }
        for name, prop in schema.get("properties", {}).items()
    ]


def endpoints_from_schema(schema):
    """Flatten an OpenAPI document into what the docs page lists."""
    components = schema.get("components", {}).get("schemas", {})
    endpoints = []
    for url, operations in schema.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            content = operation.get("requestBody", {}).get("content", {})
            body_types = list(content)
            body_fields = (
                _fields(content[body_types[0]]["schema"], components)
                if body_types
                else []
            )
            responses = []
            for code, response in operation.get("responses", {}).items():
                response_content = response.get("content", {})
                schema_of = next(iter(response_content.values()), {}).get("schema")
                responses.append(
                    {
                        "code": code,
                        "description": response.get("description", ""),
                        "fields": _fields(schema_of, components) if schema_of else [],
                    }
                )
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": url,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                    "body_types": body_types,
                    "body_fields": body_fields,
                    "responses": responses,
                }
            )
    return endpoints


@login_required
def api_docs(request):
    """The API reference as a portal page, generated from the OpenAPI schema."""
    schema = openapi_document(api_patterns(), SCHEMA_SETTINGS)
    return render(
        request,
        "catalogue/api_docs.html",
        {"endpoints": endpoints_from_schema(schema), "api_title": schema["info"]},
    )

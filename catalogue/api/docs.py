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
from catalogue.api.serializers import PROJECT_SLUG_MAX_LENGTH, PROJECT_SLUG_PATTERN
from catalogue.api.tokens.service import UploadTokenAuthentication
from catalogue.survey.models import (
    MAX_BEAM_INDEX,
    SBID_VALIDATOR,
    Observation,
)

HTTP_METHODS = ("get", "post", "put", "patch", "delete")
SCHEMA_SETTINGS = {
    "TITLE": "Candidate Portal upload API",
    "VERSION": "1",
    "DESCRIPTION": (
        "Push a pipeline observation to the portal. Authenticate every request "
        'with `Authorization: Token <key>`; errors are JSON `{"error": ...}`. '
        "Column values are in the stored units of the pipeline's `_final.csv` "
        "(fluxes in Jy, positions in deg, separations as the column name "
        "says); only the catalogue page shows and filters fluxes in mJy."
    ),
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "catalogue.api.docs.document_errors_and_identifiers",
    ],
}
ERROR_SCHEMA = {"$ref": "#/components/schemas/Error"}
RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before trying again",
        "schema": {"type": "integer"},
    }
}
# Every error an endpoint can answer, by when it applies.
ERRORS_OF_EVERY_ENDPOINT = {
    "400": "malformed request (Host or Content-Length header)",
    "401": "missing, invalid or revoked token, or the token's user is inactive",
    "406": "the Accept header admits no JSON",
    "411": "chunked body without Content-Length",
    "413": "request body larger than the limit (Content-Length checked first)",
    "429": "too many requests with bad tokens from this address; see Retry-After",
    "500": "unexpected server failure; the request was rolled back",
    "503": "the database is unavailable; see Retry-After",
}
ERRORS_OF_WRITES = {
    "400": "bad input (the message names the field, file, line and column)",
    "415": "body of a media type the endpoint does not read",
}
ERRORS_WITH_PATH_IDENTIFIERS = {
    "404": "unknown project, observation, beam or candidate",
}
# Path parameters: the identifier rules of `catalogue.survey.models`.
PATH_PARAMETERS = {
    "project": (
        "project slug",
        {
            "type": "string",
            "pattern": PROJECT_SLUG_PATTERN,
            "maxLength": PROJECT_SLUG_MAX_LENGTH,
        },
    ),
    "sbid": (
        "scheduling block ID, e.g. SB50230",
        {
            "type": "string",
            "pattern": SBID_VALIDATOR.regex.pattern,
            "maxLength": Observation._meta.get_field("sbid").max_length,
        },
    ),
    "index": (
        "beam number",
        {"type": "integer", "minimum": 0, "maximum": MAX_BEAM_INDEX},
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


def _error_headers(code):
    if code in {"429", "503"}:
        return RETRY_AFTER
    if code == "401":
        return {"WWW-Authenticate": {"schema": {"type": "string", "enum": ["Token"]}}}
    return {}


def document_errors_and_identifiers(result, generator, request, public):
    """drf-spectacular postprocessing hook: every error status an endpoint
    can answer, with the `{"error": ...}` shape, and the identifier patterns
    of its path parameters (what the views leave undocumented)."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            errors = dict(ERRORS_OF_EVERY_ENDPOINT)
            if method != "get":
                errors |= ERRORS_OF_WRITES  # a write's 400 is about its body
            if any(parameter["in"] == "path" for parameter in parameters):
                errors |= ERRORS_WITH_PATH_IDENTIFIERS
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                response = responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    },
                )
                if _error_headers(code):
                    response.setdefault("headers", {}).update(_error_headers(code))
            for parameter in parameters:
                rule = PATH_PARAMETERS.get(parameter["name"])
                if parameter["in"] == "path" and rule is not None:
                    parameter["description"], parameter["schema"] = rule
    return result


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

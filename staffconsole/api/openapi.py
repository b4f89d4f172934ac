"""The OpenAPI document, completed with the error answers every route can give.

FastAPI documents a route's own `responses=` and a 422 whose `detail` is a list;
our routes also answer 422 with a plain sentence, 413 for a body over the limit,
and the console's 401/403/404/409. Integrators and the fuzzer read this document,
so it must list every answer the server really gives.
"""

from __future__ import annotations

from fastapi.openapi.utils import get_openapi

ERROR = {"$ref": "#/components/schemas/ErrorDetail"}
ERROR_SCHEMA = {
    "type": "object",
    "title": "ErrorDetail",
    "required": ["detail"],
    "properties": {"detail": {"type": "string", "title": "Detail"}},
}


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR}}}


def _extra_answers(method: str, path: str, operation: dict) -> dict[str, dict]:
    extra: dict[str, dict] = {}
    if "requestBody" in operation:
        extra["400"] = _error("Content-Length is not a number")
        extra["413"] = _error("request body over the server's max_body_bytes")
    if path.startswith(("/api/v1/console/", "/console/")):
        extra["401"] = _error("not signed in, or the session has ended")
        extra["423"] = _error("the console is locked (idle): unlock it with password or PIN")
        if operation.get("parameters"):
            extra["400"] = _error("a query parameter is not usable (e.g. a bad date)")
        extra["403"] = _error("missing or wrong X-CSRF-Token, or an admin-only call")
        if "{" in path:
            extra["404"] = _error("no such alert or arrival")
        if method == "post":
            extra["409"] = _error("the alert or arrival is not in a state that allows this")
    return extra


def complete(document: dict) -> dict:
    """Add the shared error answers to each operation (those it declares itself win)."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["ErrorDetail"] = ERROR_SCHEMA
    validation = schemas.get("HTTPValidationError")
    if validation:
        # A 422 is FastAPI's list of reasons, or one sentence from our own checks.
        listed = validation["properties"]["detail"]
        validation["properties"]["detail"] = {
            "title": "Detail",
            "anyOf": [listed, {"type": "string"}],
        }
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            answers = operation.setdefault("responses", {})
            for code, answer in _extra_answers(method, path, operation).items():
                answers.setdefault(code, answer)
            for code, answer in answers.items():
                # Answers declared with only a description are errors with a reason.
                if code.startswith("4") and "content" not in answer:
                    answer["content"] = {"application/json": {"schema": ERROR}}
    return document


def install(app) -> None:
    def openapi() -> dict:
        if app.openapi_schema is None:
            app.openapi_schema = complete(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    routes=app.routes,
                    description=app.description,
                )
            )
        return app.openapi_schema

    app.openapi = openapi

"""OpenAPI: the error responses every endpoint can give, documented on every operation.

Every error body is `{"detail": "..."}`; validation errors add the per-field `errors`
(see scalper/api/exceptions.py). A response an operation documents itself is kept.
"""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "The problems, in one line."},
        "errors": {"description": "The problems per field."},
    },
    "required": ["detail"],
}


def _response(description, component):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _error_responses(path, operation):
    if any(operation.get("security", [{}])):
        yield "401", _response("Not authenticated, or the token is invalid.", "Error")
        yield "403", _response("Not allowed.", "Error")
    if "{" in path:
        yield "404", _response("Not found (also for a malformed id).", "Error")
    takes_input = "requestBody" in operation or any(
        parameter["in"] == "query" for parameter in operation.get("parameters", [])
    )
    if takes_input:
        yield "400", _response("Invalid request.", "ValidationError")
    if "requestBody" in operation:
        yield "415", _response("The body is not JSON.", "Error")


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            for code, response in _error_responses(path, operation):
                operation["responses"].setdefault(code, response)
    return result

"""``GET /openapi.json``: the gateway's contract (docs/contracts.md §4) as an OpenAPI 3.1 document.

Item schemas come straight from the canonical pydantic models, so the document cannot drift from what the
gateway validates; batch maxima come from the method table.
"""

from __future__ import annotations

from typing import Any

from pydantic.json_schema import models_json_schema

from gateway.methods import MethodSpec

_REF = "#/components/schemas/{model}"

_ERROR = {
    "type": "object",
    "required": ["error", "error_description"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}
_RESPONSE = {
    "type": "object",
    "required": ["imported", "skipped", "failed", "duplicate", "ids", "updated", "skipped_items"],
    "properties": {
        "imported": {"type": "integer", "minimum": 0},
        "skipped": {"type": "integer", "minimum": 0},
        "failed": {"type": "array", "items": {
            "type": "object", "required": ["sourceId", "code", "reason"],
            "properties": {"sourceId": {"type": "string"}, "code": {"type": "string"},
                           "reason": {"type": "string"}}}},
        "duplicate": {"type": "array", "items": {"type": "string"}},
        "ids": {"type": "object", "additionalProperties": {"type": ["integer", "string"]}},
        "updated": {"type": "array", "items": {"type": "string"}},
        "skipped_items": {"type": "array", "items": {
            "type": "object", "required": ["sourceId", "reason"],
            "properties": {"sourceId": {"type": "string"},
                           "reason": {"type": "string", "enum": ["test_limit", "unchanged"]}}}},
    },
}
_ERRORS = {
    "400": "malformed JSON, a body that is not an array or {items}, or a bad test_limit",
    "403": "wrong import user id or code (identical body), client outside the IP allow-list, or a method "
    "outside the allow-list",
    "409": "the X-Idempotency-Key was already used with a different body",
    "413": "more items than the method's batch maximum, or a body over the size limit",
    "429": "over the method's request rate; see Retry-After",
    "502": "the on-prem portal refused the gateway's own webhook",
    "503": "the on-prem portal is unreachable; resend the batch after Retry-After",
}


def _error_response(text: str, retry: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"description": text,
                           "content": {"application/json": {"schema": {"$ref": _REF.format(model="Error")}}}}
    if retry:
        out["headers"] = {"Retry-After": {"schema": {"type": "string"}, "description": "seconds"}}
    return out


def _operation(spec: MethodSpec) -> dict[str, Any]:
    item = {"$ref": _REF.format(model=spec.writer.MODEL.__name__)}
    batch = {"type": "array", "items": item, "maxItems": spec.max_batch}
    responses: dict[str, Any] = {
        "200": {"description": "per-item outcome",
                "content": {"application/json": {"schema": {"$ref": _REF.format(model="ImportResponse")}}}},
    }
    for status, text in _ERRORS.items():
        responses[status] = _error_response(text, retry=status in ("429", "503"))
    return {
        "operationId": spec.method.replace(".", "_"),
        "summary": f"Import {spec.family} ({spec.max_batch} items, {spec.rate_per_min} requests/min)",
        "parameters": [
            {"name": "import_user_id", "in": "path", "required": True, "schema": {"type": "integer"}},
            {"name": "import_code", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}},
            {"name": "test_limit", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 0}},
            {"name": "X-Idempotency-Key", "in": "header", "required": False,
             "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[A-Za-z0-9._:-]+$"}},
        ],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
            batch,
            {"type": "object", "required": ["items"], "properties": {
                "items": batch, "test_limit": {"type": "integer", "minimum": 0}}},
        ]}}}},
        "responses": responses,
    }


def build_openapi(methods: dict[str, MethodSpec]) -> dict[str, Any]:
    """The OpenAPI document of the gateway."""
    models = {spec.writer.MODEL for spec in methods.values()}
    _, defs = models_json_schema(
        [(m, "validation") for m in sorted(models, key=lambda m: m.__name__)], ref_template=_REF
    )
    schemas: dict[str, Any] = dict(defs.get("$defs", {}))
    schemas["ImportResponse"] = _RESPONSE
    schemas["Error"] = _ERROR
    paths: dict[str, Any] = {
        f"/webhook/{{import_user_id}}/{{import_code}}/{name}": {"post": _operation(spec)}
        for name, spec in sorted(methods.items())
    }
    paths["/healthz"] = {"get": {"operationId": "healthz", "summary": "liveness and ledger counts",
                                 "responses": {"200": {"description": "ok", "content": {"application/json": {
                                     "schema": {"type": "object", "required": ["status"],
                                                "properties": {"status": {"type": "string"}}}}}}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "b24migrate import gateway", "version": "1.0.0",
                 "description": "The on-prem import.* webhook: idempotent, per-item outcomes (contracts.md §4)."},
        "paths": paths,
        "components": {"schemas": schemas},
    }

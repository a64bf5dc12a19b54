"""The OpenAPI document at /api/openapi.json, assembled from what each feature declares.

A feature documents its endpoints beside its routes with `describe(bp, paths)`;
they join the document when its blueprint is registered on an app. Request
bodies that a WTForms form checks are described by `form_schema(Form)`, so a
field's limits are written once, in the form.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app
from wtforms import BooleanField, Form
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from .models.petitions import SLUG

bp = Blueprint("openapi", __name__)

TEXT = {"type": "string"}
SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": SLUG.pattern},
}
TOKEN = {"name": "token", "in": "path", "required": True, "schema": TEXT}
STAFF = [{"bearer": []}]

_INFO = {
    "title": "Groundswell petition API",
    "version": "1",
    "description": "Sign, confirm and count petitions. Public responses never carry a "
    "signer's name or email.",
}
_SECURITY = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "a staff token from `flask tokens create`",
    }
}
_SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "properties": {"code": {"type": "integer"}, "name": TEXT, "message": TEXT},
            }
        },
    },
    "FieldErrors": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": TEXT}}
        },
    },
}


def error(description: str) -> dict:
    """A response that carries the Error body every error has."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def json_body(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def describe(bp: Blueprint, paths: dict, schemas: dict | None = None) -> None:
    """Document `bp`'s endpoints (and the schemas they refer to) in every app it joins."""

    def record(state) -> None:
        found = _parts(state.app)
        found["paths"].update(paths)
        found["schemas"].update(schemas or {})

    bp.record_once(record)


def _parts(app: Flask) -> dict:
    return app.extensions.setdefault("openapi", {"paths": {}, "schemas": {}})


def document(app: Flask) -> dict:
    parts = _parts(app)
    return {
        "openapi": "3.0.3",
        "info": _INFO,
        "components": {"securitySchemes": _SECURITY, "schemas": _SCHEMAS | parts["schemas"]},
        "paths": dict(sorted(parts["paths"].items())),
    }


def form_schema(form_class: type[Form]) -> dict:
    """The JSON schema of what `form_class` accepts, read from its fields.

    A field's description, `Length(max=)`, `Regexp` and whether it is required
    become the schema's; a validator or filter with a `json_schema` dict adds it.
    """
    properties, required = {}, []
    for field in form_class():
        schema = {"type": "boolean" if isinstance(field, BooleanField) else "string"}
        for check in (*field.validators, *field.filters):
            if isinstance(check, Length) and check.max > 0:
                schema["maxLength"] = check.max
            elif isinstance(check, Regexp):
                schema["pattern"] = check.regex.pattern
            elif isinstance(check, DataRequired | InputRequired):
                required.append(field.name)
            schema.update(getattr(check, "json_schema", {}))
        if field.description:
            schema["description"] = field.description
        properties[field.name] = schema
    return {"type": "object", "required": required, "properties": properties}


@bp.get("/api/openapi.json")
def openapi_json():
    return document(current_app), 200, {"Cache-Control": "public, max-age=300"}


describe(
    bp,
    {
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3 document"}},
            }
        }
    },
)

"""The OpenAPI document of every endpoint (a test checks none is missing)."""

from __future__ import annotations

from flask import Blueprint

from .signature_form import TRACKING_FIELDS

bp = Blueprint("openapi", __name__)


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


SLUG = {
    "name": "slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z0-9-]{1,100}$"},
}
TOKEN = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
STAFF = [{"bearer": []}]

_text = {"type": "string"}
SIGNATURE_FIELDS = {
    "first_name": {"type": "string", "maxLength": 100},
    "last_name": {"type": "string", "maxLength": 100},
    "email": {"type": "string", "format": "email", "maxLength": 254},
    "street": {"type": "string", "maxLength": 200},
    "city": {"type": "string", "maxLength": 100},
    "state": {"type": "string", "pattern": "^[A-Za-z]{2}$"},
    "zip": {"type": "string", "pattern": r"^\d{5}(-?\d{4})?$"},
    "district": {
        "type": "string",
        "pattern": "^[A-Z]{2}-([0-9]{2}|AL)$",
        "description": "as /api/districts/{zip} names it",
    },
    "comment": {"type": "string", "maxLength": 1000},
    "email_updates": {"type": "boolean", "description": "consent to update emails (opt-in)"},
    "website": {"type": "string", "description": "leave empty (a trap for bots)"},
    "form_token": {"type": "string", "description": "from /api/petitions/{slug}/form-token"},
    **{
        name: {"type": "string", "maxLength": limit, "description": "attribution; cut to length"}
        for name, limit in TRACKING_FIELDS.items()
    },
}
SIGNATURE_SCHEMA = {
    "type": "object",
    "required": ["first_name", "last_name", "email", "state", "zip"],
    "properties": SIGNATURE_FIELDS,
}

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {
        "title": "Groundswell petition API",
        "version": "1",
        "description": "Sign, confirm and count petitions. Public responses never carry a "
        "signer's name or email.",
    },
    "components": {
        "securitySchemes": {
            "bearer": {
                "type": "http",
                "scheme": "bearer",
                "description": "a staff token from `flask tokens create`",
            }
        },
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "properties": {
                            "code": {"type": "integer"},
                            "name": _text,
                            "message": _text,
                        },
                    }
                },
            },
            "FieldErrors": {
                "type": "object",
                "required": ["errors"],
                "properties": {
                    "errors": {
                        "type": "object",
                        "additionalProperties": {"type": "array", "items": _text},
                    }
                },
            },
            "Signature": SIGNATURE_SCHEMA,
            "PetitionSummary": {
                "type": "object",
                "properties": {
                    "slug": _text,
                    "title": _text,
                    "goal": {"type": "integer"},
                    "count": {"type": "integer"},
                    "page": _text,
                    "closes_at": {"type": "string", "nullable": True},
                },
            },
            "Petition": {
                "type": "object",
                "properties": {
                    "slug": _text,
                    "title": _text,
                    "ask": _text,
                    "target": _text,
                    "goal": {"type": "integer"},
                    "count": {"type": "integer"},
                    "by_state": {"type": "object", "additionalProperties": {"type": "integer"}},
                    "status": {"type": "string", "enum": ["open", "closed", "upcoming"]},
                    "opens_at": {"type": "string", "nullable": True},
                    "closes_at": {"type": "string", "nullable": True},
                    "page": _text,
                },
            },
        },
    },
    "paths": {
        "/api/petitions": {
            "get": {
                "summary": "The open petitions with their validated counts",
                "responses": {
                    "200": {
                        "description": "open petitions",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "petitions": {
                                            "type": "array",
                                            "items": {
                                                "$ref": "#/components/schemas/PetitionSummary"
                                            },
                                        }
                                    },
                                }
                            }
                        },
                    }
                },
            }
        },
        "/api/petitions/{slug}": {
            "get": {
                "summary": "Public facts: goal, validated count, counts by state (cacheable)",
                "parameters": [SLUG],
                "responses": {
                    "200": {
                        "description": "the petition",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/Petition"}
                            }
                        },
                    },
                    "404": _error("no such petition"),
                },
            }
        },
        "/api/petitions/{slug}/form-token": {
            "get": {
                "summary": "A signed timestamp for the form, fetched when the form is shown",
                "parameters": [SLUG],
                "responses": {
                    "200": {
                        "description": "the token",
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"form_token": _text}}
                            }
                        },
                    },
                    "403": _error("not open yet"),
                    "404": _error("no such petition"),
                    "410": _error("closed"),
                },
            }
        },
        "/api/petitions/{slug}/signatures": {
            "post": {
                "summary": "Sign. New, duplicate and set-aside signatures get the same answer.",
                "parameters": [SLUG],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Signature"}},
                        "application/x-www-form-urlencoded": {
                            "schema": {"$ref": "#/components/schemas/Signature"}
                        },
                    },
                },
                "responses": {
                    "201": {
                        "description": "accepted (JSON): check your email",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "status": {"type": "string", "enum": ["pending"]}
                                    },
                                }
                            }
                        },
                    },
                    "303": {"description": "accepted (form post): to the thank-you page"},
                    "400": _error("not a JSON object"),
                    "403": _error("origin not allowed, or petition not open yet"),
                    "404": _error("no such petition"),
                    "410": _error("petition closed"),
                    "413": _error("body too large"),
                    "415": _error("not JSON or a form post"),
                    "422": {
                        "description": "field errors",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/FieldErrors"}
                            }
                        },
                    },
                    "429": _error("too many signatures; see Retry-After"),
                    "503": _error("database unavailable; see Retry-After"),
                },
            }
        },
        "/confirm/{token}": {
            "get": {
                "summary": "The confirmation page (a button; opening it confirms nothing)",
                "parameters": [TOKEN],
                "responses": {
                    "200": {"description": "page with the button"},
                    "404": {"description": "unknown link"},
                    "410": {"description": "expired link"},
                },
            },
            "post": {
                "summary": "Confirm the signature (the button)",
                "parameters": [TOKEN],
                "responses": {
                    "200": {"description": "confirmed"},
                    "404": {"description": "unknown link"},
                    "410": {"description": "expired link"},
                },
            },
        },
        "/api/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3 document"}},
            }
        },
    },
}


def add_paths(paths: dict) -> None:
    """Let other modules (delivery, exports) document their endpoints here."""
    DOCUMENT["paths"].update(paths)


@bp.get("/api/openapi.json")
def document():
    return DOCUMENT, 200, {"Cache-Control": "public, max-age=300"}

"""The contract the diff tests edit: small, valid, and with every construct a diff rule looks at,
plus accessors for the spots the edits touch."""

from __future__ import annotations

from typing import Any

Doc = dict[str, Any]


def base() -> Doc:
    """One small contract that has every construct the rules look at."""
    pet = {"$ref": "#/components/schemas/Pet"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"key": []}, {"bearer": []}],
        "components": {
            "securitySchemes": {
                "key": {"type": "apiKey", "in": "header", "name": "X-KEY"},
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
                "oauth": {
                    "type": "oauth2",
                    "flows": {
                        "clientCredentials": {
                            "tokenUrl": "https://auth.example.com/token",
                            "scopes": {"things:read": "read", "things:write": "write"},
                        }
                    },
                },
            },
            "schemas": {
                "Cat": {"type": "object", "properties": {"type": {"type": "string"}, "purrs": {"type": "boolean"}}},
                "Dog": {"type": "object", "properties": {"type": {"type": "string"}, "barks": {"type": "boolean"}}},
                "Pet": {
                    "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
                    "discriminator": {
                        "propertyName": "type",
                        "mapping": {"cat": "#/components/schemas/Cat", "dog": "#/components/schemas/Dog"},
                    },
                },
                "Thing": {
                    "type": "object",
                    "required": ["id", "kind"],
                    "properties": {
                        "id": {"type": "string", "maxLength": 36, "minLength": 1, "pattern": "^[a-z0-9-]+$"},
                        "kind": {"type": "string", "enum": ["A", "B"], "default": "A"},
                        "amount": {"type": "number", "format": "double"},
                        "note": {"type": "string"},
                        "flag": {"type": "boolean"},
                        "score": {
                            "type": "number",
                            "minimum": 0,
                            "maximum": 100,
                            "exclusiveMaximum": True,
                            "multipleOf": 10,
                        },
                        "labels": {
                            "type": "array",
                            "items": {"type": "string"},
                            "minItems": 1,
                            "maxItems": 3,
                            "uniqueItems": True,
                        },
                        "meta": {
                            "type": "object",
                            "additionalProperties": False,
                            "minProperties": 1,
                            "maxProperties": 5,
                        },
                        "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                        "ref": {"type": "string", "not": {"enum": ["none"]}},
                        "pet": pet,
                    },
                },
                "ThingCreate": {
                    "type": "object",
                    "required": ["kind"],
                    "properties": {
                        "kind": {"type": "string", "enum": ["A", "B"]},
                        "note": {"type": "string", "maxLength": 100, "nullable": True},
                        "count": {"type": "integer", "maximum": 50, "minimum": 1, "default": 1},
                        "step": {"type": "integer", "multipleOf": 5},
                        "code": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "meta": {"type": "object"},
                        "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                        "pet": pet,
                    },
                },
            },
        },
        "paths": {
            "/things": {
                "get": {
                    "operationId": "listThings",
                    "tags": ["things"],
                    "summary": "List",
                    "parameters": [
                        {"name": "limit", "in": "query", "schema": {"type": "integer"}},
                        {"name": "tenant", "in": "header", "required": True, "schema": {"type": "string"}},
                        {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                        {"name": "flag", "in": "query", "allowEmptyValue": True, "schema": {"type": "boolean"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}
                                }
                            },
                        },
                        "401": {"description": "no"},
                    },
                },
                "post": {
                    "operationId": "createThing",
                    "x-permission": "THING.CREATE",
                    "requestBody": {
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingCreate"}}}
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "headers": {
                                "Location": {"schema": {"type": "string"}},
                                "X-Rate-Limit": {"required": True, "schema": {"type": "integer"}},
                            },
                            "links": {
                                "GetThing": {"operationId": "getThing", "parameters": {"id": "$response.body#/id"}}
                            },
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        },
                        "400": {"description": "bad"},
                    },
                },
            },
            "/things/{id}": {
                "get": {
                    "operationId": "getThing",
                    "security": [],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        }
                    },
                },
                "put": {
                    "operationId": "replaceThing",
                    "security": [{"oauth": ["things:write"]}],
                    "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingCreate"}}},
                    },
                    "responses": {"204": {"description": "replaced"}},
                },
            },
        },
    }


def schemas(d: Doc) -> Doc:
    return d["components"]["schemas"]


def thing(d: Doc) -> Doc:
    return schemas(d)["Thing"]["properties"]


def create(d: Doc) -> Doc:
    return schemas(d)["ThingCreate"]


def props(d: Doc) -> Doc:
    return create(d)["properties"]


def listing(d: Doc) -> Doc:
    return d["paths"]["/things"]["get"]


def params(d: Doc) -> list[Doc]:
    return listing(d)["parameters"]


def post(d: Doc) -> Doc:
    return d["paths"]["/things"]["post"]


def created(d: Doc) -> Doc:
    return post(d)["responses"]["201"]


def scheme(d: Doc, name: str) -> Doc:
    return d["components"]["securitySchemes"][name]


def flow(d: Doc) -> Doc:
    return scheme(d, "oauth")["flows"]["clientCredentials"]


def rename(d: Doc, key: str, old: str, new: str) -> None:
    mapping = d[key] if key else d
    mapping[new] = mapping.pop(old)

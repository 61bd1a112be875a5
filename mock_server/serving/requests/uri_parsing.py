"""Query parsing for every parameter style OpenAPI 3.0 defines, on top of Connexion's parser.

Connexion limitations worked around here (each with a test in tests/test_mock_parameters.py,
tests/test_mock_solvimon.py or tests/test_mock_forms.py):

- it joins the values of a repeated ``style: form, explode: true`` array parameter with commas
  and splits the result on commas again, so ``?statuses=a,b&statuses=c`` became three items and
  an over-long item containing a comma slipped past ``maxLength``: each repeated value stays
  one item;
- a ``style: form`` object parameter was never assembled: exploded (``?offset=1&limit=5`` for
  ``page``, the default for a query object) its properties are separate query keys, unexploded
  (``?page=offset,1,limit,5``) they are name,value pairs; both became "missing" or "not an
  object", so valid requests were refused (400);
- a parameter schema without a top-level ``type`` (``allOf: [{type: integer}, {minimum: 1}]``)
  made Connexion's coercion raise ``KeyError`` (a 500): the document handed to Connexion
  (``routing.connexion_document``) states the type its composition implies
  (:func:`implied_type`), which validates exactly the same values; a form field or its array
  items without a ``type`` likewise (``ExplodedArrayURIParser.form_defns``);
- a parameter whose schema is a union of different types (``anyOf: [{type: object, ...},
  {type: integer}]``, ``style: deepObject``) has no type to state: Connexion's parser read it
  anyway (``KeyError``, a 500). Each member gets the value in its shape (the split values for an
  array member, the ``deepObject`` dict or the last value otherwise), cast by it
  (:mod:`.coercion`), and the first member the result is valid against wins (``?created=5`` is
  the integer, ``?created[gt]=5`` the object); Connexion's argument casting passes the value
  through (``connexion_app._Parameters``). Also for a form field that is a union;
- form and multipart bodies: keys in brackets (``shipping[address][line1]``, ``items[0][b]``,
  ``expand[]``) were never decoded ("TODO support more form encoding styles"), so a valid
  nested body was refused for its additional properties: :mod:`.forms` decodes them for the
  properties whose encoding is ``deepObject``, or that the schema makes objects or arrays
  when no style is given (tests in tests/test_mock_forms.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connexion.exceptions import TypeValidationError
from connexion.uri_parsing import QUERY_STRING_DELIMITERS, OpenAPIURIParser
from connexion.utils import coerce_type

from .coercion import coerce_values, is_union
from .forms import nested_fields

__all__ = ["ExplodedArrayURIParser", "implied_type"]


def implied_type(schema: Mapping[str, Any], depth: int = 0) -> str | None:
    """The JSON type a schema without a top-level ``type`` implies through its composition:
    any ``allOf`` member's, or the one every ``oneOf``/``anyOf`` member agrees on."""
    if "type" in schema:
        return str(schema["type"])
    if depth > 8:
        return None
    for member in schema.get("allOf") or ():
        found = implied_type(member, depth + 1) if isinstance(member, Mapping) else None
        if found is not None:
            return found
    for keyword in ("oneOf", "anyOf"):
        members = [m for m in schema.get(keyword) or () if isinstance(m, Mapping)]
        types = {implied_type(member, depth + 1) for member in members}
        if members and len(types) == 1:
            return types.pop()
    return "object" if "properties" in schema else None


def _typed_form_field(schema: Any) -> Any:
    """A form field's schema with the ``type`` Connexion's form parsing reads: its own, its
    array items' (``None`` when nothing implies one, which Connexion leaves uncoerced)."""
    if not isinstance(schema, Mapping):
        return schema
    typed = dict(schema) if "type" in schema else {**schema, "type": implied_type(schema)}
    if typed["type"] == "array":
        given = typed.get("items")
        items: Mapping[str, Any] = given if isinstance(given, Mapping) else {}
        if "type" not in items:
            typed["items"] = {**items, "type": implied_type(items)}
    return typed


class ExplodedArrayURIParser(OpenAPIURIParser):
    @property
    def form_defns(self) -> dict[str, Any]:
        """Form fields typed (a ``type``-less array item, ``items: {format: binary}`` on
        invoiceninja's uploads, made Connexion raise ``KeyError``: a 500)."""
        return {name: _typed_form_field(schema) for name, schema in super().form_defns.items()}

    def _style(self, name: str) -> tuple[str, bool, dict[str, Any]]:
        definition = self.param_defns.get(name) or {}
        style = str(definition.get("style", "form"))
        return style, bool(definition.get("explode", style == "form")), definition.get("schema") or {}

    def _is_exploded_form_array(self, name: str) -> bool:
        style, explode, schema = self._style(name)
        return bool(schema.get("type") == "array" and style == "form" and explode)

    def _form_objects(self, params: dict[str, Any]) -> dict[str, Any]:
        """``params`` with each ``style: form`` object parameter assembled from its parts."""
        assembled = dict(params)
        for name in self.param_defns:
            style, explode, schema = self._style(name)
            if style != "form" or schema.get("type") != "object":
                continue
            if not explode:
                if name in params:
                    parts = str(params[name][-1]).split(",")
                    assembled[name] = [dict(zip(parts[::2], parts[1::2], strict=False))]
                continue
            properties = schema.get("properties") or {}
            declared = set(self.param_defns)
            keys = [
                key
                for key in params
                if key in properties or (not properties and schema.get("additionalProperties") and key not in declared)
            ]
            if keys and name not in params:
                assembled[name] = [{key: params[key][-1] for key in keys}]
                for key in keys:
                    if key not in declared:
                        del assembled[key]
        return assembled

    def resolve_form(self, form_data: dict[str, Any]) -> dict[str, Any]:
        """Bracketed keys of nesting properties decoded (:mod:`.forms`), union properties cast
        by the member they fit (Connexion cast by a ``type`` they lack); the rest Connexion's."""
        schema = self._body_schema if isinstance(self._body_schema, Mapping) else {}
        nested, flat = nested_fields(form_data, schema, self._body_encoding or {})
        properties = schema.get("properties") or {}
        unions = {key: values for key, values in flat.items() if is_union(properties.get(key))}
        resolved: dict[str, Any] = super().resolve_form({k: v for k, v in flat.items() if k not in unions})
        resolved.update({key: coerce_values(values, properties[key]) for key, values in unions.items()})
        resolved.update(nested)
        return resolved

    def _resolve_union(self, name: str, values: Any, _in: str) -> Any:
        """A parameter whose schema is a union: each member gets the value in its shape (an
        array member the split values, any other the last value or the ``deepObject`` dict),
        cast by it; the first member valid for its cast value wins."""
        definition = self.param_defns[name]
        style = str(definition.get("style", self.style_defaults[_in]))
        explode = bool(definition.get("explode", style == "form"))
        delimiter = QUERY_STRING_DELIMITERS.get(style, ",")

        def split(given: Any) -> list[Any]:
            if explode and style == "form":
                return list(given)
            return str(given[-1]).split(delimiter)

        return coerce_values([values] if _in == "path" else list(values), definition.get("schema"), split)

    def resolve_params(self, params: dict[str, Any], _in: str) -> dict[str, Any]:
        unions = {name: values for name, values in params.items() if is_union(self.param_schemas.get(name))}
        params = {name: values for name, values in params.items() if name not in unions}
        resolved: dict[str, Any] = self._resolve_params(params, _in)
        resolved.update({name: self._resolve_union(name, values, _in) for name, values in unions.items()})
        return resolved

    def _resolve_params(self, params: dict[str, Any], _in: str) -> dict[str, Any]:
        if _in != "query":
            resolved: dict[str, Any] = super().resolve_params(params, _in)
            return resolved
        params = self._form_objects(params)
        exploded = {name: values for name, values in params.items() if self._is_exploded_form_array(name)}
        resolved = super().resolve_params({k: v for k, v in params.items() if k not in exploded}, _in)
        for name, values in exploded.items():
            try:
                resolved[name] = coerce_type(self.param_defns[name], list(values), "parameter", name)
            except TypeValidationError:
                resolved[name] = list(values)
        return resolved

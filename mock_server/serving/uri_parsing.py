"""Query parsing that keeps repeated form-exploded array values intact.

Connexion joins the values of a repeated ``style: form, explode: true`` array parameter with
commas and splits the result on commas again, so ``?statuses=a,b&statuses=c`` becomes three
items and an over-long item containing a comma slips past ``maxLength``. This parser keeps each
repeated value as one item; every other parameter goes through Connexion unchanged.
"""

from __future__ import annotations

from typing import Any

from connexion.exceptions import TypeValidationError
from connexion.uri_parsing import OpenAPIURIParser
from connexion.utils import coerce_type

__all__ = ["ExplodedArrayURIParser"]


class ExplodedArrayURIParser(OpenAPIURIParser):
    def _is_exploded_form_array(self, name: str) -> bool:
        definition = self.param_defns.get(name) or {}
        schema = definition.get("schema") or {}
        style = definition.get("style", "form")
        return bool(schema.get("type") == "array" and style == "form" and definition.get("explode", True))

    def resolve_params(self, params: dict[str, Any], _in: str) -> dict[str, Any]:
        if _in != "query":
            resolved: dict[str, Any] = super().resolve_params(params, _in)
            return resolved
        exploded = {name: values for name, values in params.items() if self._is_exploded_form_array(name)}
        resolved = super().resolve_params({k: v for k, v in params.items() if k not in exploded}, _in)
        for name, values in exploded.items():
            try:
                resolved[name] = coerce_type(self.param_defns[name], list(values), "parameter", name)
            except TypeValidationError:
                resolved[name] = list(values)
        return resolved

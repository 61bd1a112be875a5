"""Import an API's rules module or scenario pack, wherever the registry found the API.

A built-in API's module is ``<package>.<name>`` (``mock_server.apis`` or
``conformance.scenarios``); an API directory's is the file ``DIR/<kind>/<name>.py``, imported
under a private module name so two directories cannot shadow each other or the built-ins.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from types import ModuleType
from typing import TypeVar

from .registry import ApiSource

__all__ = ["ModuleLoadError", "load_api_module", "load_api_object"]

T = TypeVar("T")


class ModuleLoadError(Exception):
    """An API's module exists but cannot be imported."""


def load_api_module(source: ApiSource, kind: str, builtin_package: str) -> ModuleType | None:
    """The API's ``kind`` module (``rules`` or ``scenarios``), or ``None`` when it has none."""
    path = source.module_file(kind)
    try:
        if path is not None:
            name = f"_invoice_contracts_{kind}_{abs(hash(str(path.parent)))}_{source.name}"
            if name in sys.modules:
                return sys.modules[name]
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise ModuleLoadError(f"{path}: not a Python module")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            return module
        if source.api_dir is not None:
            return None
        qualified = f"{builtin_package}.{source.name}"
        if importlib.util.find_spec(qualified) is None:
            return None
        return importlib.import_module(qualified)
    except ModuleLoadError:
        raise
    except Exception as exc:  # a broken module must stop the start with its file named, not a traceback
        where = path or f"{builtin_package}.{source.name}"
        raise ModuleLoadError(f"{where}: cannot import: {exc.__class__.__name__}: {exc}") from exc


def load_api_object(source: ApiSource, kind: str, builtin_package: str, name: str, expected: type[T]) -> T | None:
    """``name`` of the API's ``kind`` module (``RULES``, ``PACK``), or ``None`` without a module.

    A module that exists but defines no ``name`` of the ``expected`` type is an error: a typo
    there must not silently turn an API with business rules into a generic one.
    """
    module = load_api_module(source, kind, builtin_package)
    if module is None:
        return None
    found = getattr(module, name, None)
    if not isinstance(found, expected):
        raise ModuleLoadError(f"{module.__name__}: defines no {name} (a {expected.__name__})")
    return found

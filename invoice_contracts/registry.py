"""The one list of APIs: an API is the set of files that share its name (the file stem).

For an API ``NAME``:

- ``openapi/NAME.yaml``: its contract (required; the API exists because this file does);
- ``fixtures/NAME.yaml``: seed data and default credentials for the mock (optional);
- a rules module ``NAME.py`` for the mock (optional: without one the mock serves the contract
  generically, as Prism would);
- a scenario pack ``NAME.py`` for ``conformance run`` (optional: without one the run has the
  schema layer and the generic invariants).

The built-in APIs ship inside the distribution (the contracts and fixtures as the data packages
``invoice_contracts.openapi`` / ``invoice_contracts.fixtures``, the rules modules in
``mock_server.apis``, the packs in ``conformance.scenarios``). More APIs come from *API
directories* (``--api-dir DIR``, or the ``INVOICE_CONTRACTS_API_DIRS`` environment variable,
``os.pathsep``-separated), laid out like this repository::

    DIR/openapi/NAME.yaml   DIR/fixtures/NAME.yaml   DIR/rules/NAME.py   DIR/scenarios/NAME.py

An API directory's API replaces a built-in one of the same name. This module only finds files;
the engines import the modules (``mock_server`` and ``conformance`` must not import each other).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlparse

__all__ = [
    "API_DIRS_ENV",
    "ApiSource",
    "Registry",
    "RegistryError",
    "add_api_dir_option",
    "builtin_data_dir",
    "contract_files",
]

API_DIRS_ENV = "INVOICE_CONTRACTS_API_DIRS"
CONTRACT_SUFFIXES = (".yaml", ".yml", ".json")


class RegistryError(Exception):
    """An API directory or contract folder that cannot be used."""


def builtin_data_dir(kind: str) -> Path:
    """The shipped ``openapi`` or ``fixtures`` folder.

    In a wheel they are the data packages ``invoice_contracts/<kind>``; in a source checkout
    (an editable install) they are the repository's top-level folders of the same name.
    """
    packaged = Path(str(resources.files(__package__ or "invoice_contracts"))) / kind
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / kind


@dataclass(frozen=True)
class ApiSource:
    """Where one API's files are. ``api_dir`` is ``None`` for a built-in API. ``contract`` is
    a file, or an http(s) URL given on the command line."""

    name: str
    contract: Path | str
    fixtures: Path | None
    api_dir: Path | None = None

    def module_file(self, kind: str) -> Path | None:
        """``DIR/<kind>/NAME.py`` of an API directory (``rules`` or ``scenarios``), if present."""
        if self.api_dir is None:
            return None
        path = self.api_dir / kind / f"{self.name}.py"
        return path if path.is_file() else None


class Registry:
    """The APIs found, by name, in a stable order (built-in first, then each API directory)."""

    def __init__(self, sources: Iterable[ApiSource]) -> None:
        self._sources: dict[str, ApiSource] = {}
        for source in sources:
            self._sources[source.name] = source

    @classmethod
    def discover(
        cls,
        *,
        contracts_dir: Path | None = None,
        fixtures_dir: Path | None = None,
        api_dirs: Sequence[Path] = (),
        use_environment: bool = True,
        documents: Sequence[str] = (),
    ) -> Registry:
        """Built-in APIs (or those of ``contracts_dir``), then every API directory's.

        ``documents`` (files or http(s) URLs, as ``prism mock`` takes them) are served instead
        of the built-in APIs, beside those of ``contracts_dir`` when it is given too; each is
        named by its file's stem.
        """
        fixtures_dir = fixtures_dir or builtin_data_dir("fixtures")
        sources: list[ApiSource] = []
        if contracts_dir is not None or not documents:
            contracts_dir = contracts_dir or builtin_data_dir("openapi")
            if not contracts_dir.is_dir():
                raise RegistryError(f"no contracts: {contracts_dir} is not a folder")
            sources = [
                ApiSource(path.stem, path, _existing(fixtures_dir / f"{path.stem}.yaml"))
                for path in contract_files(contracts_dir)
            ]
        for document in documents:
            located = _document(document)
            name = _stem(located)
            if any(source.name == name for source in sources):
                raise RegistryError(f"{document}: another contract is named {name!r} (contracts go by file stem)")
            sources.append(ApiSource(name, located, _existing(fixtures_dir / f"{name}.yaml")))
        directories = list(api_dirs)
        if use_environment:
            directories += [Path(p) for p in os.environ.get(API_DIRS_ENV, "").split(os.pathsep) if p]
        for directory in (d.absolute() for d in directories):
            if not (directory / "openapi").is_dir():
                raise RegistryError(f"{directory}: an API directory needs an openapi/ folder of contracts")
            sources += [
                ApiSource(path.stem, path, _existing(directory / "fixtures" / f"{path.stem}.yaml"), directory)
                for path in contract_files(directory / "openapi")
            ]
        return cls(sources)

    @property
    def names(self) -> list[str]:
        return list(self._sources)

    def __iter__(self) -> Iterator[ApiSource]:
        return iter(self._sources.values())

    def __contains__(self, name: object) -> bool:
        return name in self._sources

    def __len__(self) -> int:
        return len(self._sources)

    def get(self, name: str) -> ApiSource:
        if name not in self._sources:
            known = ", ".join(self._sources) or "none"
            raise RegistryError(f"no API named {name!r} (known: {known})")
        return self._sources[name]


def contract_files(folder: Path) -> list[Path]:
    """The contracts of a folder, sorted by name."""
    return sorted(p for p in folder.iterdir() if p.suffix in CONTRACT_SUFFIXES and p.is_file())


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _document(given: str) -> Path | str:
    if is_url(given):
        return given
    path = Path(given)
    if not path.exists():
        raise RegistryError(f"{given}: no such contract file")
    return path


def _stem(located: Path | str) -> str:
    path = Path(urlparse(located).path) if isinstance(located, str) else located
    return path.stem or "contract"


def _existing(path: Path) -> Path | None:
    return path if path.is_file() else None


def add_api_dir_option(parser: argparse.ArgumentParser) -> None:
    """``--api-dir DIR`` (repeatable) into ``args.api_dirs``: the same option on every command."""
    parser.add_argument(
        "--api-dir",
        dest="api_dirs",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help=f"also load the APIs of DIR (DIR/openapi/NAME.yaml, fixtures/, rules/, scenarios/); repeatable;"
        f" or set {API_DIRS_ENV}",
    )

"""Everything a running mock holds: the store, credentials, idempotency cache, controls, journal.

:class:`MockState` owns what changes at run time and the operations on it that the admin API
offers: seeding from the fixtures, reset, export and import, minted credentials, and the
``--state-file`` it persists to. It knows nothing of ASGI or Connexion: the app (``app.py``)
and the admin API (``admin.py``) both work on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ..controls.faults import Controls
from ..controls.recording import load_stub_files
from ..controls.stubs import Stub, StubError, Stubs
from ..discovery import ApiSource, SetupError
from ..fakes import SchemaFaker, make_faker
from ..rules import SeedContext
from ..serving.requests.auth import Credential, CredentialRegistry
from ..settings import MockSettings
from .idempotency import IdempotencyCache
from .journal import Journal
from .persistence import FORMAT as STATE_FORMAT
from .persistence import VERSION as STATE_VERSION
from .persistence import PersistenceError, StateFile
from .store import Commit, Store, StoreFull

__all__ = ["FIXED_EPOCH", "KEEPABLE", "MINTED", "MockState"]

FIXED_EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
MINTED = ("__mock", "credentials", "minted")  # api, tenant, collection in the store
KEEPABLE = ("stubs", "controls", "journal")  # what a reset may be asked to keep


class MockState:
    """The mutable state of one mock process, seeded from its APIs' fixtures."""

    def __init__(self, settings: MockSettings, sources: Mapping[str, ApiSource]) -> None:
        self.settings = settings
        self.sources = dict(sources)
        self.store = Store(max_records=settings.max_records)
        self.credentials = CredentialRegistry()
        self.idempotency = IdempotencyCache(settings.idempotency_cache_size)
        self.controls = Controls(settings.latency_ms, settings.fault, settings.fault_rate, seed=settings.seed)
        self._initial_controls = self.controls.to_json()
        self.journal = Journal(settings.journal_size, settings.journal_body_bytes)
        self.stubs = Stubs(self.sources, seed=settings.seed)
        self._initial_stubs = self._load_stubs()
        for stub in self._initial_stubs:
            self.stubs.put(stub)
        self.state_file = StateFile(settings.state_file) if settings.state_file else None
        saved = self._load_state()
        if saved is None:
            self.reset_data()
        else:
            self.store.replace(saved)
            self._refresh_credentials()
        if self.state_file is not None:
            self.state_file.compact(self.store.snapshot())
            self.store.on_commit = self.state_file.append

    def _load_state(self) -> list[Commit] | None:
        if self.state_file is None:
            return None
        try:
            return self.state_file.load()
        except PersistenceError as exc:
            raise SetupError(str(exc)) from exc

    def _load_stubs(self) -> list[Stub]:
        if self.settings.stubs is None:
            return []
        try:
            definitions = load_stub_files(self.settings.stubs)
        except (OSError, ValueError) as exc:
            raise SetupError(f"--stubs {self.settings.stubs}: {exc}") from exc
        stubs = []
        for file, definition in definitions:
            try:
                stubs.append(self.stubs.parse(definition))
            except StubError as exc:
                raise SetupError(f"{file}: {exc}") from exc
        return stubs

    def reset(self, api: str | None = None, keep: tuple[str, ...] = ()) -> None:
        """Back to how the mock started: the seeded data, the ``--stubs``, no controls or journal.

        With ``api``, only that API's data and stubs; the global controls and the journal stay.
        ``keep`` names what to leave as it is (:data:`KEEPABLE`). Minted credentials stay valid.
        """
        self.reset_data(api)
        if "stubs" not in keep:
            self.stubs.clear(api)
            for stub in self._initial_stubs:
                if api is None or stub.request.api == api:
                    self.stubs.put(replace(stub, hits=0))
        if api is None and "controls" not in keep:
            self.controls.replace(self._initial_controls)
        if api is None and "journal" not in keep:
            self.journal.clear()

    def reset_data(self, api: str | None = None) -> None:
        """Back to the seeded fixtures (every API, or one); minted credentials stay valid."""
        on_commit, self.store.on_commit = self.store.on_commit, None
        try:
            self._seed(api)
        finally:
            self.store.on_commit = on_commit
        self._refresh_credentials()
        self.idempotency.clear()
        self._compact()

    def _seed(self, only: str | None) -> None:
        for name, source in self.sources.items():
            if only is not None and name != only:
                continue
            self.store.clear(name)
            faker = make_faker(self.settings.seed)
            fake = SchemaFaker(source.contract.spec, faker, FIXED_EPOCH)
            try:
                source.rules.seed(SeedContext(name, self.store, source.fixtures, faker, fake, FIXED_EPOCH))
            except (KeyError, ValueError, TypeError, AttributeError, StoreFull) as exc:
                raise SetupError(f"{source.fixtures_path}: fixtures do not fit the {name} rules: {exc!r}") from exc

    def tenants(self, api: str) -> set[str]:
        """The tenants an API knows: those of its fixtures' credentials and those holding data."""
        source = self.sources[api]
        known = {str(t) for entry in source.fixtures.get("credentials", []) for t in entry.get("tenants", ())}
        return known | {commit.tenant for commit in self.store.snapshot() if commit.api == api}

    def minted_credentials(self) -> list[Credential]:
        with self.store.transaction(*MINTED[:2]) as tx:
            return [Credential.from_fixture(record["api"], record) for record in tx.values(MINTED[2])]

    def _refresh_credentials(self) -> None:
        """The fixtures' credentials plus every minted one (kept in the store, so saved too)."""
        credentials = [
            Credential.from_fixture(name, entry)
            for name, source in self.sources.items()
            for entry in source.fixtures.get("credentials", [])
        ]
        self.credentials.replace_all([*credentials, *self.minted_credentials()])

    def export_state(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "version": STATE_VERSION,
            "commits": [c.to_json() for c in self.store.snapshot()],
        }

    def import_state(self, commits: list[Commit]) -> None:
        self.store.replace(commits)
        self._refresh_credentials()
        self.idempotency.clear()
        self._compact()

    def _compact(self) -> None:
        if self.state_file is not None:
            self.state_file.compact(self.store.snapshot())

    def compact_if_due(self) -> None:
        """Fold the state file's journal into its snapshot when it has grown long enough."""
        if self.state_file is not None and self.state_file.wants_compaction:
            self.state_file.compact(self.store.snapshot())

    def detach_state_file(self) -> None:
        """Stop writing to the state file (another mock is taking it over, or this one stops)."""
        self.store.on_commit = None

    def attach_state_file(self) -> None:
        if self.state_file is not None:
            self.store.on_commit = self.state_file.append

    def close(self) -> None:
        if self.state_file is not None:
            self.detach_state_file()
            self.state_file.close()

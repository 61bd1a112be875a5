"""What the mock remembers: MockState, the store and its records, the journal, idempotency, persistence.

Rules modules import ``Transaction`` from :mod:`mock_server.state.store`; the rest is internal.
"""

__all__: list[str] = []

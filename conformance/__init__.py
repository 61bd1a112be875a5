"""Check any base URL against an invoicing contract (schema layer and scenario layer)."""

__all__: list[str] = []

"""Business rules, one module per API; each module exposes ``RULES`` (an :class:`ApiRules`).

The engine discovers every module here and binds its handlers to the contract of the same
name by ``operationId``.
"""

__all__: list[str] = []

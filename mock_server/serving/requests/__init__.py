"""What the mock reads from a request before a handler runs: routing, security and credentials,
access (x-permission, tenant), query parsing and validation (3.0 and 3.1).
"""

__all__: list[str] = []

"""One request's way through a contract: Connexion app, security, access, validation, pipeline, encoding.

Internal to the mock: import what you need from the module that defines it.
"""

__all__: list[str] = []

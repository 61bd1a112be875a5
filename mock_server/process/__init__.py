"""The process around the mock app: the listening socket, reload, garbage collections, the Host guard.

Internal to the mock: import what you need from the module that defines it.
"""

__all__: list[str] = []

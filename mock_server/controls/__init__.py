"""The testing controls: the admin API, faults and latency, stubs, request matching, recording.

Internal to the mock: import what you need from the module that defines it.
"""

__all__: list[str] = []

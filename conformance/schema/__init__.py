"""The schema layer: Schemathesis through its CLI (``layer.py``), with a generated
``schemathesis.toml`` (``toml.py``, the small writer it needs) and its process watched (``process.py``).
"""

__all__: list[str] = []

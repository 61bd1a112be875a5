"""How ``diff`` compares two schemas: the directional comparison (``compare.py``), keyword by
keyword (``constraints.py``), the shape helpers, local ``$ref``s followed lazily and OpenAPI 3.1's
spellings read as 3.0's (``keywords31.py``).
"""

__all__: list[str] = []

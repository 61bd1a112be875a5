"""The two sides of a diff: reading them (a file, a folder, ``git:REV:path``) through the one
loader, the contract as its author wrote it, and where a pointer sits in its text.
"""

__all__: list[str] = []

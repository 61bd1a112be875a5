"""How the mock answers: which documented response (selection, Prefer), in which media type
(negotiation), as which bytes (media, encoding), and the contract documents it serves.
"""

__all__: list[str] = []

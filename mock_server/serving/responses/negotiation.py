"""Content negotiation: which documented media type answers a request's ``Accept`` header.

Accepted ranges are tried by quality (``q``, highest first, ties in the header's order; ``q=0``
refuses a type); each takes the first documented media type it covers (``*/*``, ``type/*``, or
the same type and subtype, parameters ignored on both sides). No ``Accept`` header, or an empty
one, takes the first documented media type. A response with no content is not negotiated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...errors import ErrorKind, MockError

__all__ = ["accepted_ranges", "negotiate"]


def _base(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def accepted_ranges(header: str) -> list[str]:
    """The media ranges of an ``Accept`` header, best first, refused (``q=0``) ones left out."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        media_range, *parameters = item.split(";")
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if media_range.strip() and quality > 0:
            ranked.append((-quality, position, media_range.strip().lower()))
    return [media_range for _, _, media_range in sorted(ranked)]


def _covers(media_range: str, documented: str) -> bool:
    wanted_type, _, wanted_sub = media_range.partition("/")
    have_type, _, have_sub = documented.partition("/")
    if wanted_type == "*" or have_type == "*":
        return True
    return wanted_type == have_type and (wanted_sub in ("*", have_sub) or have_sub == "*")


def _first(ranges: Iterable[str], documented: list[str]) -> str | None:
    for media_range in ranges:
        for media_type in documented:
            if _covers(media_range, _base(media_type)):
                return media_type
    return None


def negotiate(content: Mapping[str, Any], accept: str | None) -> str | None:
    """The documented media type to answer with; ``None`` when the response has no content.

    Raises a 406 :class:`~mock_server.errors.MockError` when ``Accept`` covers none of them.
    """
    documented = [str(media_type) for media_type in content]
    if not documented:
        return None
    if accept is None or not accept.strip():
        return documented[0]
    chosen = _first(accepted_ranges(accept), documented)
    if chosen is None:
        raise MockError(
            406,
            f"None of the documented media types ({', '.join(documented)}) is acceptable to {accept}",
            kind=ErrorKind.NOT_ACCEPTABLE,
            field="Accept",
        )
    return chosen

"""Give the C heap's free pages back to the operating system after a bulk load.

An import of 100,000 invoices parses about 2 GB of Python objects, packs each record into about
1.5 KB of compressed bytes (``records.py``) and frees the parsed document. The packed records,
allocated while the document was alive, sit between its freed blocks, and glibc returns only the
top of its heap by itself: measured on an import of 30,000 invoices, the mock kept 7.8 KB of RSS
per invoice, 1.7 KB after ``malloc_trim(0)``, which releases every free page wherever it lies.
Where the C library has no ``malloc_trim`` (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import gc
import threading
from typing import Any

__all__ = ["trim", "trim_soon"]

_malloc_trim: Any = getattr(ctypes.CDLL(None), "malloc_trim", None)


def trim() -> None:
    """Release the heap's free pages now."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _collect_and_trim() -> None:
    gc.collect()
    trim()


def trim_soon(delay: float = 3.0) -> None:
    """Release them once the request that carried a bulk load (and its parsed body) is gone.

    Runs on a helper thread: measured, ``malloc_trim`` called there released 190 of 230 MB
    after an import, called from the event loop's callback only 46 MB.
    """
    timer = threading.Timer(delay, _collect_and_trim)
    timer.daemon = True
    timer.start()

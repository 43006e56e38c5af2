"""Pause Python's cyclic garbage collector around allocation-heavy loops.

Aggregating 125,000 ties allocates hundreds of thousands of small lists and dicts, none of
them in a reference cycle; the collector still walks the whole young heap every few hundred
allocations and, at this size, doubles the build time (measured: 0.45 s → 0.22 s). Reference
counting frees everything as usual while paused; the previous state is restored on exit.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """Disable the cyclic collector for the ``with`` block, then restore its state."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

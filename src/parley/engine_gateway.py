"""The one way Django code calls the scoring engine: posting's pipeline and the
Perspective-compatible endpoint both come through here.

- ``PARLEY_ENGINE`` off: ``enabled()`` is False and ``call_engine`` raises ``EngineOff``.
- Loading: the model loads once per process, inside the timed call. After a failed load,
  ``EngineUnavailable`` answers for ``LOAD_RETRY_SECONDS`` without trying again: loading reads
  ~100 MB, and retrying on every request would turn one broken install into a slow server.
- Timeout: every call runs in one shared thread pool and the caller gives up after
  ``PARLEY_ENGINE_TIMEOUT_S`` (``LOAD_TIMEOUT_SECONDS`` until the process has loaded the model),
  so when the engine is saturated, queued calls time out instead of piling up behind it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any, TypeVar

from django.conf import settings

T = TypeVar("T")

LOAD_RETRY_SECONDS = 30.0
LOAD_TIMEOUT_SECONDS = 60.0
POOL_WORKERS = 4

_executor = ThreadPoolExecutor(max_workers=POOL_WORKERS, thread_name_prefix="parley-engine")
_last_load_failure: float | None = None
_engine_loaded = False


class EngineOff(RuntimeError):
    """PARLEY_ENGINE is off on this server."""


class EngineUnavailable(RuntimeError):
    """The engine could not be loaded (now, or less than LOAD_RETRY_SECONDS ago)."""


class EngineTimeout(RuntimeError):
    """The engine did not answer within the limit; the caller stopped waiting."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        super().__init__(f"the engine took longer than {limit:g}s")


def enabled() -> bool:
    """Return True when this server scores comments (PARLEY_ENGINE is on)."""
    return bool(settings.PARLEY_ENGINE)


def shared_engine() -> Any:
    """Return the process's engine, loading it on first use (``parley.engine.Engine.shared``)."""
    from parley.engine import Engine

    return Engine.shared()


def current_timeout() -> float:
    """Return how long a call may take now: the configured limit once the model is loaded."""
    return float(settings.PARLEY_ENGINE_TIMEOUT_S) if _engine_loaded else LOAD_TIMEOUT_SECONDS


def call_engine(work: Callable[[Any], T], *, load: Callable[[], Any] | None = None,
                timeout: float | None = None) -> T:
    """Load the engine (``load``, by default the shared one) and return ``work(engine)``.

    ``timeout`` shortens the wait below the configured limit for a caller with its own budget
    (Coral's moderation phase); it never lengthens it.
    Raises EngineOff, EngineUnavailable, EngineTimeout, or whatever ``work`` raised.
    """
    if not enabled():
        raise EngineOff("PARLEY_ENGINE is off")
    limit = current_timeout()
    if timeout is not None:
        limit = max(0.0, min(limit, timeout))
    future = _executor.submit(_load_and_run, load or shared_engine, work)
    try:
        return future.result(timeout=limit)
    except FutureTimeout:
        future.cancel()
        raise EngineTimeout(limit) from None


def _load_and_run(load: Callable[[], Any], work: Callable[[Any], T]) -> T:
    global _last_load_failure, _engine_loaded
    failed_at = _last_load_failure
    if failed_at is not None and time.monotonic() - failed_at < LOAD_RETRY_SECONDS:
        raise EngineUnavailable(f"the engine failed to load less than {LOAD_RETRY_SECONDS:g}s ago")
    try:
        engine = load()
    except Exception as exc:
        _last_load_failure = time.monotonic()
        raise EngineUnavailable("the engine could not be loaded") from exc
    _last_load_failure = None
    _engine_loaded = True
    return work(engine)

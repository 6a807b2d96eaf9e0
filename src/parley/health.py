"""Liveness (/healthz) and readiness (/readyz) for load balancers and orchestrators.

``/healthz`` says the process answers (200, no dependency touched: a restart would not help a
database outage). ``/readyz`` says this process can serve: the database, the cache, the Celery
broker and the engine's model (when PARLEY_ENGINE is on) each checked, 200 with every check
named, or 503 with the failing ones and Retry-After.

Both are answered by ``HealthMiddleware``, first in the stack: a load balancer asks by the
machine's address (a Host that is not in ALLOWED_HOSTS) and over plain HTTP, so Django's host
check and any HTTPS redirect must not come first. They answer GET and HEAD only and carry no
secret (a failing check names the exception class, not its message).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def check_database() -> None:
    """Run ``SELECT 1`` on the default database."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    """Write and read back a short-lived key (Redis in production). The resilient Redis cache
    keeps serving from process memory while Redis is down; readiness still reports it, since
    rate limits are then per process."""
    cache.set("parley:readyz", 1, 10)
    if cache.get("parley:readyz") != 1:
        raise RuntimeError("the cache did not keep a value")
    if getattr(cache, "redis_down", lambda: False)():
        raise RuntimeError("Redis is unreachable; serving from this process's memory")


def check_broker() -> None:
    """Connect to the Celery broker (nothing to reach when tasks run eagerly)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    from parley.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)


def check_engine() -> None:
    """The model is loaded in this process (starting its load when it is not)."""
    from parley import engine_gateway

    if not engine_gateway.enabled():
        return
    if not engine_gateway.loaded():
        engine_gateway.start_loading()
        raise RuntimeError("the model is not loaded yet")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "engine": check_engine,
}


def readiness() -> dict[str, str]:
    """Run every check; return each one's outcome: "ok" or the failing exception's class."""
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:
            logger.warning("readiness check %s failed: %r", name, error)
            results[name] = f"failed: {type(error).__name__}"
        else:
            results[name] = "ok"
    return results


def readyz_response() -> HttpResponse:
    results = readiness()
    failing = sorted(name for name, result in results.items() if result != "ok")
    if not failing:
        return JsonResponse({"status": "ready", "checks": results})
    response = JsonResponse({"status": "unavailable", "checks": results, "failing": failing},
                            status=503)
    response["Retry-After"] = str(settings.PARLEY_READY_RETRY_AFTER_S)
    return response


class HealthMiddleware:
    """Answer /healthz and /readyz before the rest of the stack (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path not in (HEALTH_PATH, READY_PATH):
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
        elif path == HEALTH_PATH:
            response = JsonResponse({"status": "alive"})
        else:
            response = readyz_response()
        response["Cache-Control"] = "no-store"
        return response

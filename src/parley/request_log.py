"""One log line per request (logger ``parley.request``): method, path, status, duration, id.

With ``PARLEY_LOG_FORMAT=json`` (production) each line is one JSON object whose fields can be
searched (``{"message": "request", "method": "POST", "path": "/api/v1/stories/1/comments",
"status": 201, "duration_ms": 41.2, "request_id": "…"}``). The request id is the client's
``X-Request-ID`` when it is a short token (a proxy's id, so both logs meet), else a new one;
it is sent back in ``X-Request-ID``. The query string is left out: it may carry an API key.
Off (``PARLEY_REQUEST_LOG``, on by default with JSON logs) the middleware drops out of the
stack at start-up.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("parley.request")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def request_id(request: HttpRequest) -> str:
    """Return the client's X-Request-ID when it is a safe short token, else a new random id."""
    offered = request.headers.get("X-Request-ID", "")
    return offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


class RequestLogMiddleware:
    """Log each request once, after its response, with its duration and id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if not settings.PARLEY_REQUEST_LOG:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request.request_id = request_id(request)
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request.request_id
            return response
        finally:
            logger.info("request", extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                "request_id": request.request_id,
            })

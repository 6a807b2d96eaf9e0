"""The JSON API's guard: body size before parsing, and CORS for sites' allowed origins.

Only paths under /api/v1/ are touched. CORS answers only origins listed in a site's
``allowed_origins`` (never a wildcard) and never allows credentials: the API uses no cookies.
One exception: the embed's first call (``EMBED_BOOTSTRAP_PATH``) is readable from any origin, so
that on a page whose origin is not allowed the embed can read *why* and say so, instead of
failing with an opaque network error. That endpoint creates or returns a story only for an
allowed origin (the answer depends on the Origin header itself); any other origin only reads
the refusal.
Every API request then goes on through the rest of the middleware stack to its view, as any
other request does.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from parley.comments.errors import PayloadTooLarge
from parley.comments.request_limits import read_body
from parley.comments.selectors import origin_allowed

API_PREFIX = "/api/v1/"
ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type"
EMBED_BOOTSTRAP_PATH = API_PREFIX + "embed/stories"


def _too_large(error: PayloadTooLarge) -> HttpResponse:
    body = json.dumps({"detail": error.message})
    return HttpResponse(body, status=413, content_type="application/json")


class ApiGuardMiddleware:
    """Refuse oversized API bodies with 413 and add CORS headers for allowed origins."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        origin = request.headers.get("Origin")
        if request.method == "OPTIONS" and origin and \
                "Access-Control-Request-Method" in request.headers:
            return self._preflight(request.path, origin)
        response = self._check_size(request) or self.get_response(request)
        if origin and _readable(request.path, origin):
            allow_origin(response, origin)
        return response

    def _check_size(self, request: HttpRequest) -> HttpResponse | None:
        try:
            read_body(request)
        except PayloadTooLarge as error:
            return _too_large(error)
        return None

    def _preflight(self, path: str, origin: str) -> HttpResponse:
        return preflight_answer(origin, allowed=_readable(path, origin),
                                methods=ALLOWED_METHODS, headers=ALLOWED_HEADERS)


def _readable(path: str, origin: str) -> bool:
    return path.rstrip("/") == EMBED_BOOTSTRAP_PATH or origin_allowed(origin)


def allow_origin(response: HttpResponse, origin: str) -> None:
    """Let ``origin`` read the response (never a wildcard), and say that it varies by Origin."""
    response["Access-Control-Allow-Origin"] = origin
    vary = response.get("Vary")
    if not vary:
        response["Vary"] = "Origin"
    elif "Origin" not in vary:
        response["Vary"] = f"{vary}, Origin"


def preflight_answer(origin: str, *, allowed: bool, methods: str, headers: str) -> HttpResponse:
    """Answer a CORS preflight: 204 with the allowances for a listed origin, 403 otherwise."""
    response = HttpResponse(status=204)
    response["Vary"] = "Origin"
    if not allowed:
        response.status_code = 403
        return response
    allow_origin(response, origin)
    response["Access-Control-Allow-Methods"] = methods
    response["Access-Control-Allow-Headers"] = headers
    response["Access-Control-Max-Age"] = "600"
    return response

"""The JSON API's guard: body size before parsing, forged cross-site writes, and CORS for sites'
allowed origins.

Only paths under /api/v1/ are touched. CORS answers only origins listed in a site's
``allowed_origins`` (never a wildcard) and never allows credentials: the API uses no cookies.

Cross-site forgery: a page on any origin may send a "simple" request (a POST whose body is
``text/plain`` or a form) without a CORS preflight, and the visitor's browser sends it from the
visitor's own address. So every write (POST, PUT, PATCH, and a DELETE with a body) must be
``Content-Type: application/json`` (415 otherwise: that type needs a preflight, which only allowed
origins pass), and a write that names an Origin must come from the site itself or an origin some
site allows (403 otherwise; without Origin, ``Sec-Fetch-Site: cross-site`` is refused too). The
posting and report views then check the story's own site (``check_origin``). Calls with an API key
(``X-Parley-Key`` or ``Authorization``) are server-to-server and skip the Origin check: a browser
cannot add those headers across origins without a preflight, which allows only Content-Type.
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
ALLOWED_METHODS = "GET, POST, PATCH, DELETE, OPTIONS"
# The embed proves a reader's own comment with X-Parley-Edit-Token and names the reader (for
# "Recommend") with X-Parley-Reader: headers, never cookies, so no write is forgeable.
ALLOWED_HEADERS = "Content-Type, X-Parley-Edit-Token, X-Parley-Reader, If-None-Match"


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_TYPE = "application/json"


def _refuse(status: int, message: str) -> HttpResponse:
    body = json.dumps({"detail": message})
    return HttpResponse(body, status=status, content_type="application/json")
EMBED_BOOTSTRAP_PATH = API_PREFIX + "embed/stories"


def _too_large(error: PayloadTooLarge) -> HttpResponse:
    return _refuse(413, error.message)


def has_api_key(request: HttpRequest) -> bool:
    """Return whether the request carries a site API key (checked by the view, 401 if wrong)."""
    return bool(request.headers.get("X-Parley-Key") or request.headers.get("Authorization"))


def own_origin(request: HttpRequest) -> str:
    """Return "scheme://host[:port]" of Parley itself, as a browser on its pages sends it."""
    return f"{request.scheme}://{request.get_host()}".lower()


def check_origin(request: HttpRequest, allowed: list[str] | None = None) -> str | None:
    """Return why a write from a browser page must be refused, or None when it may go on.

    ``allowed`` is one site's allowed origins; None means "allowed by any site" (the guard's
    check, before the view knows the site). Key-authenticated calls are never refused here.
    """
    if has_api_key(request):
        return None
    origin = request.headers.get("Origin")
    if origin is None:
        if request.headers.get("Sec-Fetch-Site", "") in ("cross-site", "same-site"):
            return "Cross-site requests without an Origin header cannot write."
        return None
    origin = origin.strip().rstrip("/").lower()
    if origin == own_origin(request):
        return None
    if allowed is not None:
        return None if origin in (o.lower() for o in allowed) else \
            "This origin is not allowed to post to this site."
    ok = origin_allowed(origin)
    return None if ok else "This origin is not allowed to post to this site."


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
        response = (self._check_size(request) or self._check_write(request)
                    or self.get_response(request))
        if origin and _readable(request.path, origin):
            allow_origin(response, origin)
        return response

    def _check_size(self, request: HttpRequest) -> HttpResponse | None:
        try:
            read_body(request)
        except PayloadTooLarge as error:
            return _too_large(error)
        return None

    def _check_write(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in WRITE_METHODS:
            return None
        # A DELETE with no body carries nothing to read as JSON, and no browser sends DELETE
        # across origins without a preflight, so it needs no Content-Type.
        bodiless_delete = request.method == "DELETE" and request.META.get(
            "CONTENT_LENGTH") in (None, "", "0")
        if (request.content_type or "").lower() != JSON_TYPE and not bodiless_delete:
            return _refuse(415, "Send the request body as JSON, with "
                                "Content-Type: application/json.")
        if request.path.rstrip("/") == EMBED_BOOTSTRAP_PATH:
            return None  # the view refuses other origins itself, saying which to allow
        refusal = check_origin(request)
        return _refuse(403, refusal) if refusal else None

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

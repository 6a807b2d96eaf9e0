"""CORS for the Perspective-compatible API, so a site's own pages may call it from the browser.

Only origins listed in a site's ``allowed_origins`` are answered, never a wildcard, and no
credentials are allowed (the API authenticates by key, not cookies). A preflight carries the URL's
query string but no custom headers, so the site is found by the ``key`` parameter when there is
one, and otherwise by the origin.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from parley.comments.middleware import allow_origin, preflight_answer
from parley.comments.models import Site
from parley.comments.selectors import site_for_origin

from .keys import API_KEY_HEADER, site_for_api_key

ALLOWED_METHODS = "POST, OPTIONS"
ALLOWED_HEADERS = f"Content-Type, {API_KEY_HEADER}"


def _origin_allowed(site: Site | None, origin: str) -> bool:
    wanted = origin.strip().rstrip("/").lower()
    return site is not None and wanted in (o.lower() for o in site.origins)


def is_preflight(request: HttpRequest) -> bool:
    return (
        request.method == "OPTIONS"
        and "Origin" in request.headers
        and "Access-Control-Request-Method" in request.headers
    )


def preflight_response(request: HttpRequest) -> HttpResponse:
    """Answer a CORS preflight: 204 with the allowances for a listed origin, 403 otherwise."""
    origin = request.headers["Origin"]
    key = request.GET.get("key", "").strip()
    site = site_for_api_key(key) if key else site_for_origin(origin)
    return preflight_answer(origin, allowed=_origin_allowed(site, origin),
                            methods=ALLOWED_METHODS, headers=ALLOWED_HEADERS)


def add_cors_headers(request: HttpRequest, response: HttpResponse, site: Site | None) -> None:
    """Let the browser read ``response`` when the request's origin belongs to ``site``.

    Before a key is checked there is no site yet; then any site listing the origin will do, so
    that a browser client can at least read the error.
    """
    origin = request.headers.get("Origin")
    if not origin:
        return
    if site is None:
        site = site_for_origin(origin)
    if _origin_allowed(site, origin):
        allow_origin(response, origin)


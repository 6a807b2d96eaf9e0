"""HTTP caching headers: what browsers and CDNs may keep, and 304 answers by ETag.

Public answers (a story's thread, comment counts) carry an ETag built from what versions them
(the story's ``cache_version``, or the body itself) and ``Cache-Control: public, max-age=0,
s-maxage=N``: a CDN serves a viral thread for N seconds, then revalidates and gets 304 while
nothing was published; a browser revalidates every time, so a reader who just posted and
reloads gets the new version (or a 304), never its own stale copy. ``stale-while-revalidate``
goes only in ``CDN-Cache-Control`` (RFC 9213, read by CDNs, ignored by browsers): in
``Cache-Control`` a browser would show the stale thread first, without the reader's comment.
They always say ``Vary: Origin``: the CORS header differs by origin, and a CDN must not hand
one site's answer to another.

Everything else is private: ``PrivateByDefaultMiddleware`` marks any answer that did not choose
its own caching ``private, no-store`` (reader pages carry a CSRF token and the reader's own
pending comments; moderator pages are never shared).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers


def public_headers(response: HttpResponse, etag: str) -> HttpResponse:
    """Mark ``response`` shareable by browsers and CDNs for a short time, versioned by ``etag``."""
    max_age = settings.PARLEY_PUBLIC_MAX_AGE
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=0, s_maxage=max_age)
    response["CDN-Cache-Control"] = (
        f"public, max-age={max_age}, stale-while-revalidate={max_age}")
    patch_vary_headers(response, ("Origin",))
    return response


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    """Return a 304 (with the public headers) when the client already has ``etag``, else None."""
    if request.method not in ("GET", "HEAD") or "If-None-Match" not in request.headers:
        return None
    response = get_conditional_response(request, etag=etag)
    if response is None or response.status_code != 304:
        return None
    return public_headers(response, etag)


class PrivateByDefaultMiddleware:
    """Mark every answer that set no Cache-Control of its own ``private, no-store``.

    Only the answers built to be shared say so (``public_headers``, static files, the embed
    script); a page with a CSRF token, a session or a reader's own comments never reaches a
    shared cache by omission.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response

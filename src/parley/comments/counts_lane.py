"""The listing pages' comment counts, answered in front of Django's request handling.

Why: a news site's home and section pages ask for the count of every story they list, on
every page view, so ``POST /api/v1/counts`` is Parley's most frequent request. Django's request
and response objects, URL resolving and Ninja's parsing cost about three times the answer
itself. This WSGI wrapper answers a plain, well-formed request (JSON ``{"urls": [...]}`` with
at most 100 strings, no ``Origin`` header, no query string) with the same selector and the
same serialisation as the API view. Everything else (bad JSON, a wrong shape, CORS, a database
error, any other path) goes to the full stack, which gives the documented answer or error, so
this lane never has to know an error message.

Its response headers are the ones the full stack gave to the first such request of this process,
so security headers stay whatever the settings make them.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import close_old_connections

from parley.comments.request_limits import declared_length_fits
from parley.comments.selectors import published_counts

logger = logging.getLogger(__name__)

PATH = "/api/v1/counts"
MAX_URLS = 100  # as CountsIn says

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]


def counts_body(urls: list[str]) -> bytes:
    """The counts answer as the API serialises it."""
    return json.dumps({"counts": published_counts(urls)}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


class CountsLane:
    """Wrap the Django WSGI application; answer plain counts requests directly."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app
        self._headers: list[tuple[str, str]] | None = None

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        if (environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST"
                or environ.get("QUERY_STRING") or "HTTP_ORIGIN" in environ):
            return self.app(environ, start_response)
        body = self._read_body(environ)
        if body is None:
            return self.app(environ, start_response)
        environ["wsgi.input"] = io.BytesIO(body)  # the full stack may still read it
        urls = _plain_urls(body, environ.get("CONTENT_TYPE", ""))
        if urls is None:
            return self.app(environ, start_response)
        if self._headers is None:
            return self.app(environ, self._learn_headers(start_response))
        close_old_connections()  # what Django does when a request starts and finishes
        try:
            answer = counts_body(urls)
        except Exception:  # the full stack answers (and logs) the error as it always does
            logger.debug("counts lane: falling back to the full stack", exc_info=True)
            return self.app(environ, start_response)
        finally:
            close_old_connections()
        start_response("200 OK", [*self._headers, ("Content-Length", str(len(answer)))])
        return [answer]

    @staticmethod
    def _read_body(environ: dict) -> bytes | None:
        declared = environ.get("CONTENT_LENGTH")
        try:
            length = int(declared or 0)
        except ValueError:
            return None
        if length <= 0 or not declared_length_fits(declared):
            return None  # the full stack answers 413 or 422
        return environ["wsgi.input"].read(length)

    def _learn_headers(self, start_response: StartResponse) -> StartResponse:
        def learning_start_response(status: str, headers: list[tuple[str, str]], *args: Any):
            if status.startswith("200 "):
                self._headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            return start_response(status, headers, *args)

        return learning_start_response


def _plain_urls(body: bytes, content_type: str) -> list[str] | None:
    """The URLs of a request the lane may answer, or None to leave it to the full stack."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.keys() != {"urls"}:
        return None
    urls = data["urls"]
    if not isinstance(urls, list) or len(urls) > MAX_URLS \
            or not all(isinstance(url, str) for url in urls):
        return None
    return urls

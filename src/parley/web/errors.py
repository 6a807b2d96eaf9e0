"""The server-error answer: a database that is away is a 503 with Retry-After, not a 500.

Django calls ``server_error`` (``handler500``) for any exception a view or middleware lets
through, inside the ``except`` block, so ``sys.exc_info()`` tells what failed. When it is the
database being unreachable (restarting, failing over, refusing connections: Django's
``OperationalError`` or ``InterfaceError``), the client gets ``503 Service Unavailable`` with
``Retry-After``: nothing was stored (the write's transaction did not commit), and trying again
in a few seconds is the right thing to do. The worker's broken connection is closed at the end
of the request, and the next request connects afresh (``CONN_HEALTH_CHECKS``), so the site
recovers on its own. Anything else stays a plain 500.
"""

from __future__ import annotations

import json
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError

RETRY_AFTER_SECONDS = 5
DATABASE_AWAY = (OperationalError, InterfaceError)


def database_away(error: BaseException | None) -> bool:
    """True when ``error`` (or what caused it) says the database could not be reached."""
    while error is not None:
        if isinstance(error, DATABASE_AWAY):
            return True
        error = error.__cause__ or error.__context__
    return False


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 + Retry-After when the database is away, else a short 500."""
    error = sys.exc_info()[1]
    api = request.path.startswith("/api/") or request.path.startswith("/v1alpha1/")
    if database_away(error):
        message = "The comments are briefly unavailable; please try again in a few seconds."
        if api:
            response = HttpResponse(json.dumps({"detail": message}), status=503,
                                    content_type="application/json; charset=utf-8")
        else:
            response = HttpResponse(f"<!doctype html><title>Unavailable</title><p>{message}</p>",
                                    status=503, content_type="text/html; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        response["Cache-Control"] = "no-store"
        return response
    if api:
        return HttpResponseServerError(json.dumps({"detail": "Internal server error."}),
                                       content_type="application/json; charset=utf-8")
    return HttpResponseServerError("<!doctype html><title>Server error</title>"
                                   "<p>Something went wrong on our side.</p>",
                                   content_type="text/html; charset=utf-8")

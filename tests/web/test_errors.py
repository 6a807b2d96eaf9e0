"""handler500: the database being away is a 503 with Retry-After; anything else a 500."""

from __future__ import annotations

import json

from django.db import OperationalError
from django.test import RequestFactory

from parley.web.errors import server_error


def answer(path: str, error: Exception):
    request = RequestFactory().get(path)
    try:
        raise error
    except Exception:
        return server_error(request)


def test_an_unreachable_database_is_a_503_with_retry_after():
    response = answer("/api/v1/stories/1/comments", OperationalError("connection refused"))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "try again" in json.loads(response.content)["detail"]
    page = answer("/stories/x/", OperationalError("the database system is starting up"))
    assert page.status_code == 503 and page["Content-Type"].startswith("text/html")


def test_a_database_error_raised_from_another_is_found():
    try:
        raise OperationalError("server closed the connection")
    except OperationalError as cause:
        wrapped = RuntimeError("while rendering")
        wrapped.__cause__ = cause
    assert answer("/", wrapped).status_code == 503


def test_other_errors_stay_500():
    response = answer("/api/v1/counts", ValueError("a bug"))
    assert response.status_code == 500
    assert not response.has_header("Retry-After")

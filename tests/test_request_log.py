"""Structured logs: with PARLEY_LOG_FORMAT=json every line is a JSON object, one per request
with method, path, status, duration and request id; plain lines in the demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def _run(tmp_path, log_format: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.pop("DATABASE_URL", None)
    env.update(PARLEY_LOG_FORMAT=log_format, PARLEY_ENGINE="off", PARLEY_DATA_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="parley.settings")
    code = ("import django, logging; django.setup(); from django.test import Client;"
            "c = Client(raise_request_exception=False);"
            "r = c.get('/no-such-page/?key=secret', HTTP_X_REQUEST_ID='edge-42');"
            "print(r.status_code, r.get('X-Request-ID'));"
            "r = c.get('/no-such-page/', HTTP_X_REQUEST_ID='bad id\\nwith newline');"
            "print(r.status_code, r.get('X-Request-ID'));"
            "logging.getLogger('parley.test').warning('a plain warning', extra={'n': 1})")
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=60)


def test_json_logs_one_line_per_request(tmp_path):
    done = _run(tmp_path, "json")
    assert done.returncode == 0, done.stderr
    first, second = done.stdout.split("\n")[:2]
    assert first == "404 edge-42"
    assert second.startswith("404 ") and len(second.split()[1]) == 32  # a fresh id
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.strip()]
    requests = [line for line in lines if line["message"] == "request"]
    assert len(requests) == 2
    entry = requests[0]
    assert {"method": "GET", "path": "/no-such-page/", "status": 404,
            "request_id": "edge-42", "logger": "parley.request", "level": "INFO"}.items() \
        <= entry.items()
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] >= 0
    assert "secret" not in json.dumps(lines)  # the query string (maybe a key) is not logged
    assert requests[1]["request_id"] == second.split()[1]
    warning = next(line for line in lines if line["message"] == "a plain warning")
    assert warning["n"] == 1 and warning["level"] == "WARNING"


def test_plain_logs_in_the_demo(tmp_path):
    done = _run(tmp_path, "plain")
    assert done.returncode == 0, done.stderr
    assert "WARNING parley.test: a plain warning" in done.stderr
    assert "{" not in done.stderr  # no JSON, and no request lines by default


@pytest.mark.django_db
def test_request_id_from_the_client_is_kept_only_when_safe(rf):
    from parley.request_log import request_id

    assert request_id(rf.get("/", HTTP_X_REQUEST_ID="abc-123.x_y")) == "abc-123.x_y"
    assert len(request_id(rf.get("/", HTTP_X_REQUEST_ID="a" * 65))) == 32
    assert len(request_id(rf.get("/", HTTP_X_REQUEST_ID="<script>"))) == 32

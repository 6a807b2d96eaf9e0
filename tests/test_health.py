"""/healthz and /readyz: answered first in the stack, every check named, 503 with the failing
ones and Retry-After."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import override_settings

from parley import engine_gateway

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def engine_off(settings):
    settings.PARLEY_ENGINE = False


@override_settings(SECURE_SSL_REDIRECT=True, ALLOWED_HOSTS=["comments.example.com"])
def test_healthz_answers_a_load_balancer_asking_by_address_over_http(client):
    response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}
    assert response["Cache-Control"] == "no-store"
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    # Every other path still checks the host and redirects to HTTPS.
    assert client.get("/api/v1/stories/1/comments", HTTP_HOST="10.1.2.3").status_code == 400


def test_readyz_names_every_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "checks": {
        "database": "ok", "cache": "ok", "broker": "ok", "engine": "ok"}}


def test_health_endpoints_only_read(client):
    response = client.post("/readyz")
    assert response.status_code == 405 and response["Allow"] == "GET, HEAD"


def test_readyz_fails_until_the_model_is_loaded(client, settings, monkeypatch):
    settings.PARLEY_ENGINE = True
    loads = []
    monkeypatch.setattr(engine_gateway, "_engine_loaded", False)
    monkeypatch.setattr(engine_gateway, "start_loading", lambda: loads.append(1))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["failing"] == ["engine"]
    assert body["checks"]["engine"] == "failed: RuntimeError"
    assert body["checks"]["database"] == "ok"
    assert loads == [1]  # asking starts the load in the background
    monkeypatch.setattr(engine_gateway, "_engine_loaded", True)
    assert client.get("/readyz").status_code == 200


def test_readyz_fails_when_redis_is_unreachable(client):
    caches = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0"}}
    with override_settings(CACHES=caches):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["cache"]
    assert response.json()["checks"]["cache"].startswith("failed: ")


def test_readyz_fails_for_each_unreachable_service_in_a_real_process(tmp_path):
    """A process configured for PostgreSQL and Redis that are not there: database, cache and
    broker each reported failing, quickly, and /healthz still 200."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update(DATABASE_URL="postgres://postgres@127.0.0.1:1/parley",
               REDIS_URL="redis://127.0.0.1:1/0", PARLEY_ENGINE="off",
               PARLEY_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="parley.settings")
    code = ("import django, json; django.setup(); from django.test import Client; c = Client();"
            "r = c.get('/readyz'); h = c.get('/healthz');"
            "print(json.dumps([r.status_code, r['Retry-After'], json.loads(r.content),"
            " h.status_code]))")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    status, retry_after, body, health = json.loads(done.stdout.strip().splitlines()[-1])
    assert (status, retry_after, health) == (503, "5", 200)
    assert body["failing"] == ["broker", "cache", "database"]
    assert body["checks"]["engine"] == "ok"

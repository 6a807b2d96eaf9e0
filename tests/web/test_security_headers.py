"""Security headers: HSTS behind a TLS proxy, a Content-Security-Policy on every page, no
framing of the API docs; the embed script still loads from other origins."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from parley.moderation.models import Role, SiteMembership


def _headers_in_a_fresh_process(tmp_path, env_extra: dict[str, str], forwarded: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PARLEY_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="parley.settings",
               **env_extra)
    code = ("import json, django; django.setup(); from django.test import Client; "
            f"r = Client().get('/embed.js', headers={{'X-Forwarded-Proto': {forwarded!r}}}); "
            "print(json.dumps(dict(r.headers)))")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_hsts_is_sent_when_the_tls_proxy_says_https(tmp_path):
    proxied = _headers_in_a_fresh_process(tmp_path, {"PARLEY_BEHIND_TLS_PROXY": "1"}, "https")
    assert proxied["Strict-Transport-Security"] == "max-age=31536000"
    plain = _headers_in_a_fresh_process(tmp_path, {"PARLEY_BEHIND_TLS_PROXY": "1"}, "http")
    assert "Strict-Transport-Security" not in plain
    untrusted = _headers_in_a_fresh_process(tmp_path, {}, "https")  # no proxy configured
    assert "Strict-Transport-Security" not in untrusted


def _csp(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {d.split(" ", 1)[0]: d.split(" ", 1)[1] for d in policy.split("; ") if " " in d}


@pytest.fixture
def moderator(site, django_user_model):
    user = django_user_model.objects.create_user("mod", "mod@example.com", "pw-secret-123")
    SiteMembership.objects.create(user=user, site=site, role=Role.MODERATOR)
    return user


def test_reader_moderator_and_docs_pages_carry_a_csp(client, story, moderator):
    pages = [f"/stories/{story.slug}/", "/faq/", "/api/v1/docs", "/accounts/login/"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _csp(response)
        assert policy["script-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    client.force_login(moderator)
    for url in ["/moderate/", "/moderate/dashboard/", "/moderate/audit/"]:
        response = client.get(url)
        assert response.status_code == 200 and _csp(response)["script-src"] == "'self'", url
    assert client.get("/api/v1/docs")["X-Frame-Options"] == "DENY"


def test_the_embed_script_is_still_served_to_every_origin(client, db):
    response = client.get("/embed.js", headers={"Origin": "https://news.example.com"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Cross-Origin-Resource-Policy" not in response

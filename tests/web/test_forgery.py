"""Cross-site forgery on the JSON API: a page on another origin must not post or report as its
visitors (issue 10). The forged shape is what ``fetch(url, {mode: "no-cors", method: "POST",
body})`` sends: a text/plain body, no preflight, the foreign page's Origin."""

from __future__ import annotations

import json

import pytest

from parley.comments.models import Comment, Report, Site
from tests.comments.core_fixtures import API_KEY, ORIGIN, post

pytestmark = pytest.mark.usefixtures("rules_only")
EVIL = "https://evil.example"
BODY = json.dumps({"text": "Forged from another site.", "author_name": "Mallory"})


def test_a_text_plain_body_from_a_foreign_page_is_refused(client, story):
    response = client.post(f"/api/v1/stories/{story.pk}/comments", BODY,
                            content_type="text/plain;charset=UTF-8",
                            headers={"Origin": EVIL, "Sec-Fetch-Site": "cross-site",
                                     "Sec-Fetch-Mode": "no-cors"})
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]
    assert not Comment.objects.exists()


def test_a_form_encoded_report_is_refused(client, story):
    comment = post(story)
    response = client.post(f"/api/v1/comments/{comment.pk}/reports", {"reason": "spam"})
    assert response.status_code == 415
    response = client.post(f"/api/v1/comments/{comment.pk}/reports", "reason=spam",
                           content_type="application/x-www-form-urlencoded",
                           headers={"Origin": EVIL})
    assert response.status_code == 415 and not Report.objects.exists()


def test_json_from_a_foreign_origin_is_403_and_from_an_allowed_one_201(client, story):
    url = f"/api/v1/stories/{story.pk}/comments"
    foreign = client.post(url, BODY, content_type="application/json", headers={"Origin": EVIL})
    assert foreign.status_code == 403 and "origin" in foreign.json()["detail"]
    allowed = client.post(url, BODY, content_type="application/json", headers={"Origin": ORIGIN})
    assert allowed.status_code == 201
    own = client.post(url, BODY, content_type="application/json",
                      headers={"Origin": "http://testserver"})
    assert own.status_code == 201
    assert Comment.objects.count() == 2


def test_no_origin_but_cross_site_fetch_metadata_is_refused(client, story):
    comment = post(story)
    response = client.post(f"/api/v1/comments/{comment.pk}/reports", '{"reason": "spam"}',
                           content_type="application/json",
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and not Report.objects.exists()
    plain = client.post(f"/api/v1/comments/{comment.pk}/reports", '{"reason": "spam"}',
                        content_type="application/json")  # a server or curl: no browser headers
    assert plain.status_code == 201


def test_an_origin_allowed_by_another_site_cannot_write_to_this_one(client, story):
    Site.objects.create(name="Other", slug="other", allowed_origins="https://other.example")
    comment = post(story)
    response = client.post(f"/api/v1/comments/{comment.pk}/reports", '{"reason": "spam"}',
                           content_type="application/json",
                           headers={"Origin": "https://other.example"})
    assert response.status_code == 403 and not Report.objects.exists()


def test_key_authenticated_calls_skip_the_origin_check(client, site):
    body = json.dumps({"url": f"{ORIGIN}/keyed", "title": "Keyed"})
    response = client.post("/api/v1/stories", body, content_type="application/json",
                           headers={"Authorization": f"Bearer {API_KEY}", "Origin": EVIL})
    assert response.status_code == 201
    wrong = client.post("/api/v1/stories", body, content_type="application/json",
                        headers={"Authorization": "Bearer wrong", "Origin": EVIL})
    assert wrong.status_code == 401

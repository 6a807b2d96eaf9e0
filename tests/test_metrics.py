"""/metrics: off by default, readable from allowed addresses (direct connections only) or with
the bearer token, and carrying Parley's own metrics."""

from __future__ import annotations

import pytest

from parley.actions import post_comment
from parley.moderation.models import WebhookEndpoint
from tests.comments.core_fixtures import site, story  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def metrics_on(settings):
    settings.PARLEY_METRICS = True
    settings.PARLEY_METRICS_TOKEN = "scrape-me-9f3c"
    settings.PARLEY_METRICS_ALLOW_IPS = ["127.0.0.1/32", "10.9.0.0/16"]
    settings.PARLEY_ENGINE = False
    settings.RATELIMIT_ENABLE = False


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


@pytest.mark.parametrize(("remote", "headers", "status"), [
    ("127.0.0.1", {}, 200),
    ("10.9.4.2", {}, 200),
    ("10.10.0.1", {}, 403),
    ("2001:db8::1", {}, 403),
    # A proxy on the same machine relays an outside request: it looks local, but is refused.
    ("127.0.0.1", {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}, 403),
    ("127.0.0.1", {"HTTP_FORWARDED": "for=203.0.113.7"}, 403),
    ("203.0.113.7", {"HTTP_AUTHORIZATION": "Bearer scrape-me-9f3c"}, 200),
    ("203.0.113.7", {"HTTP_AUTHORIZATION": "Bearer scrape-me"}, 403),
    ("203.0.113.7", {"HTTP_AUTHORIZATION": "scrape-me-9f3c"}, 403),
])
def test_who_may_read_the_metrics(client, metrics_on, remote, headers, status):
    response = client.get("/metrics", REMOTE_ADDR=remote, **headers)
    assert response.status_code == status
    if status == 403:
        assert b"parley_" not in response.content


def test_an_empty_token_never_matches(client, metrics_on, settings):
    settings.PARLEY_METRICS_TOKEN = ""
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    prefix = f"{name}{{{wanted}}} " if labels else f"{name} "
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line.split()[-1])
    return 0.0


def test_metrics_count_posts_by_status_and_the_outbox_backlog(client, metrics_on, story,  # noqa: F811
                                                              monkeypatch):
    from parley.moderation import tasks

    before = client.get("/metrics").content.decode()
    assert "# TYPE parley_comments_posted_total counter" in before
    assert "# TYPE parley_engine_scoring_seconds histogram" in before
    WebhookEndpoint.objects.create(site=story.site, url="http://127.0.0.1:9/", secret="k",
                                   events=["comment.created"])
    monkeypatch.setattr(tasks.deliver_webhook, "delay", lambda *a: None)  # a lost enqueue
    post_comment(story=story, text="Counted", author_name="Ann", client_ip="10.0.0.1")
    after = client.get("/metrics").content.decode()
    assert (_sample(after, "parley_comments_posted_total", status="published")
            - _sample(before, "parley_comments_posted_total", status="published")) == 1
    assert _sample(after, "parley_outbox_backlog", kind="webhook") == 1
    assert _sample(after, "parley_outbox_backlog", kind="email") == 0

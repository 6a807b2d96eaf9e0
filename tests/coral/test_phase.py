"""POST /api/v1/coral/phase: Coral's signed request in, Coral's moderation response out.

Requests are built as coral-server builds them (services/comments/pipeline/phases/external.ts,
processPhase, and services/fetch generateFetchOptions): the body is ``JSON.stringify(request,
null, 2)`` and ``X-Coral-Signature`` is ``sha256=<hex HMAC of that body>`` per active secret,
joined with ",".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from parley import actions, engine_gateway
from parley.coral import phase
from parley.moderation.models import AuditEntry, CoralPhase

from .conftest import SECRET, STORY_URL

URL = "/api/v1/coral/phase?site=coral-news"


def coral_request(body: str = "The bridge repairs are overdue.", *, parent_id: str | None = None,
                  url: str = STORY_URL, action: str = "NEW") -> dict:
    """Coral's ExternalModerationRequest, keys in the order coral-server writes them."""
    return {
        "action": action,
        "comment": {"body": body, "parentID": parent_id},
        "author": {"id": "6f1f0a58-1d52-4bd1-9d1a-0f7b1c3e2d11", "role": "COMMENTER"},
        "story": {"id": "c2b9b0b4-8f7e-4a55-9f0e-2e6a3d9d7c10", "url": url},
        "site": {"id": "a4d5e6f7-0000-4000-8000-000000000001"},
        "tenantID": "d1f7b6a2-5c3e-4f18-9a0b-7e6d5c4b3a21",
        "tenantDomain": "comments.news.example.com",
    }


def coral_body(data: dict) -> bytes:
    # JSON.stringify(data, null, 2): two-space indent, ", "-free separators, raw UTF-8.
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def coral_signature(body: bytes, *secrets: str) -> str:
    return ",".join("sha256=" + hmac.new(s.encode("utf-8"), body, hashlib.sha256).hexdigest()
                    for s in secrets)


def send(client, data: dict | bytes, *, secrets: tuple[str, ...] = (SECRET,), url: str = URL,
         signature: str | None = None):
    body = data if isinstance(data, bytes) else coral_body(data)
    headers = {"User-Agent": "Coral Moderation/9.0.0"}
    sig = signature if signature is not None else coral_signature(body, *secrets)
    if sig:
        headers["X-Coral-Signature"] = sig
    return client.post(url, data=body, content_type="application/json", headers=headers)


@pytest.mark.django_db
class TestSignature:
    def test_a_good_signature_is_answered(self, client, site, story, engine):
        response = send(client, coral_request())
        assert response.status_code == 200, response.content
        assert response.json() == {"status": "NONE", "actions": []}

    def test_a_missing_signature_is_401_and_never_scored(self, client, site, story, engine):
        response = send(client, coral_request("You idiot"), signature="")
        assert response.status_code == 401
        assert "X-Coral-Signature" in response.json()["detail"]
        assert engine.contexts == []

    def test_a_signature_under_another_secret_is_403(self, client, site, story, engine):
        response = send(client, coral_request(), secrets=("ssc_not_the_phase_secret_at_all",))
        assert response.status_code == 403
        assert "does not match" in response.json()["detail"]
        assert engine.contexts == []

    def test_a_signature_of_another_body_is_403(self, client, site, story, engine):
        signed = coral_body(coral_request("A fair point about the bridge."))
        tampered = coral_body(coral_request("You idiot"))
        response = send(client, tampered, signature=coral_signature(signed, SECRET))
        assert response.status_code == 403

    def test_a_malformed_signature_header_is_403_with_the_expected_form(self, client, site, story):
        response = send(client, coral_request(), signature="sha1=abcdef")
        assert response.status_code == 403
        assert "sha256=" in response.json()["detail"]

    def test_while_a_secret_rotates_either_secret_is_accepted(self, client, site, story, engine):
        new = "ssc_1e2d3c4b5a6978877665544332211000ffeeddcc"
        actions.set_coral_phase(site=site, acting_user=None, secret=new,
                                keep_previous_for=timedelta(hours=1))
        # Coral signs with both while its own rotation lasts; then with the new one alone.
        assert send(client, coral_request(), secrets=(new, SECRET)).status_code == 200
        assert send(client, coral_request(), secrets=(new,)).status_code == 200
        # A Coral not yet rotated still signs with the old one only.
        assert send(client, coral_request(), secrets=(SECRET,)).status_code == 200

    def test_the_previous_secret_stops_working_when_its_time_is_up(self, client, site, story,
                                                                   engine):
        new = "ssc_1e2d3c4b5a6978877665544332211000ffeeddcc"
        actions.set_coral_phase(site=site, acting_user=None, secret=new,
                                keep_previous_for=timedelta(hours=1))
        CoralPhase.objects.filter(site=site).update(
            previous_expires_at=timezone.now() - timedelta(seconds=1))
        assert send(client, coral_request(), secrets=(SECRET,)).status_code == 403
        assert send(client, coral_request(), secrets=(new,)).status_code == 200

    def test_setting_the_secret_is_audited_without_the_secret(self, site):
        entry = AuditEntry.objects.filter(site=site, reason="coral_phase").get()
        assert SECRET not in json.dumps([entry.before, entry.after])


@pytest.mark.django_db
class TestRequest:
    def test_an_unknown_site_is_404(self, client, site, engine):
        response = send(client, coral_request(), url="/api/v1/coral/phase?site=nowhere")
        assert response.status_code == 404
        assert "nowhere" in response.json()["detail"]

    def test_a_site_without_a_phase_is_404_saying_how_to_set_one_up(self, client, db, engine):
        from parley.comments.models import Site

        Site.objects.create(name="Plain", slug="plain")
        response = send(client, coral_request(), url="/api/v1/coral/phase?site=plain")
        assert response.status_code == 404
        assert "coral-phase" in response.json()["detail"]

    def test_without_the_site_parameter_it_is_422(self, client, site, engine):
        response = send(client, coral_request(), url="/api/v1/coral/phase")
        assert response.status_code == 422
        assert response.json()["field"] == "site"

    @pytest.mark.parametrize("body, field", [
        (b"{not json", "body"),
        (b"[]", "body"),
        (json.dumps({"action": "NEW", "story": {"url": STORY_URL}}).encode(), "comment"),
        (json.dumps({"action": "DELETE", "comment": {"body": "x"},
                     "story": {"url": STORY_URL}}).encode(), "action"),
    ])
    def test_a_signed_body_that_is_not_coral_request_is_422(self, client, site, engine, body,
                                                           field):
        response = send(client, body)
        assert response.status_code == 422, response.content
        assert response.json()["field"] == field

    def test_an_older_coral_without_tenant_fields_is_accepted(self, client, site, story, engine):
        data = coral_request()
        del data["tenantID"], data["tenantDomain"]
        data["tenant"] = {"id": "t1", "domain": "comments.news.example.com"}
        assert send(client, data).status_code == 200

    def test_html_bodies_are_scored_as_text(self, client, site, story, engine):
        send(client, coral_request("<p>The bridge &amp; the river</p><p>are fine</p>"))
        assert engine.contexts, "the engine was not called"

    def test_an_edit_is_decided_like_a_new_comment(self, client, site, story, engine):
        response = send(client, coral_request("You idiot", action="EDIT"))
        assert response.json()["status"] == "REJECTED"


@pytest.mark.django_db
class TestDecision:
    """Each Parley decision, and the Coral status, flags and code it becomes."""

    def test_published_is_none_coral_published_but_not_approved(self, client, site, story,
                                                                 engine):
        response = send(client, coral_request("The bridge repairs are overdue."))
        assert response.json() == {"status": "NONE", "actions": []}

    def test_insult_is_rejected_as_abusive_and_flagged_toxic(self, client, site, story, engine):
        data = send(client, coral_request("You idiot, the bridge is fine")).json()
        assert data["status"] == "REJECTED"
        assert data["actions"] == [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]
        assert data["moderationAction"]["rejectionReason"]["code"] == "ABUSIVE"
        assert data["moderationAction"]["rejectionReason"]["detailedExplanation"]

    def test_identity_attack_is_hate_speech(self, client, site, story, engine):
        data = send(client, coral_request("Those people are vermin, bridge or not")).json()
        assert data["status"] == "REJECTED"
        assert data["moderationAction"]["rejectionReason"]["code"] == "HATE_SPEECH"
        assert data["actions"] == [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]

    def test_spam_is_rejected_as_spam_and_flagged_spam(self, client, site, story, engine):
        data = send(client, coral_request("buy bridge watches http://spam.example")).json()
        assert data["status"] == "REJECTED"
        assert data["moderationAction"]["rejectionReason"]["code"] == "SPAM"
        assert data["actions"] == [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_SPAM"}]

    def test_off_topic_is_withheld_and_rejected_as_irrelevant_when_the_site_says_so(
        self, client, site, story, engine
    ):
        # Default policy: off-topic is held for a person (no Coral flag fits it).
        held = send(client, coral_request("Cricket scores were great today")).json()
        assert held == {"status": "SYSTEM_WITHHELD", "actions": []}
        site.moderation_settings = {"policy": {"reject": {"OFF_TOPIC": 0.85}}}
        site.save()
        data = send(client, coral_request("Cricket scores were great today")).json()
        assert data["status"] == "REJECTED"
        assert data["moderationAction"]["rejectionReason"]["code"] == "IRRELEVANT_CONTENT"

    def test_a_probable_insult_is_system_withheld_with_a_toxic_flag(self, client, site, story,
                                                                    engine):
        data = send(client, coral_request("What a nasty take on the bridge")).json()
        assert data == {"status": "SYSTEM_WITHHELD",
                        "actions": [{"actionType": "FLAG", "reason": "COMMENT_DETECTED_TOXIC"}]}

    def test_the_site_rules_hold_is_premod(self, client, site, story, engine):
        site.moderation_settings = {"suspect_words": ["ferry"]}
        site.save()
        data = send(client, coral_request("Use the ferry across the bridge")).json()
        assert data == {"status": "PREMOD", "actions": []}

    def test_a_site_banned_word_is_rejected_as_banned_word(self, client, site, story, engine):
        site.moderation_settings = {"banned_words": ["bridgetroll"]}
        site.save()
        data = send(client, coral_request("bridgetroll says hi about the bridge")).json()
        assert data["status"] == "REJECTED"
        assert data["moderationAction"]["rejectionReason"]["code"] == "BANNED_WORD"
        assert engine.contexts == []  # a rejection by rules needs no score

    def test_the_site_policy_is_the_one_posting_uses(self, client, site, story, engine):
        site.moderation_settings = {"policy": {"review": {"TOXICITY": 0.99, "INSULT": 0.99},
                                               "reject": {"TOXICITY": 0.99, "INSULT": 0.99}}}
        site.save()
        assert send(client, coral_request("You idiot, the bridge")).json()["status"] == "NONE"

    def test_the_story_known_by_url_is_the_article_for_off_topic(self, client, site, story,
                                                                 engine):
        send(client, coral_request("The bridge repairs are overdue."))
        assert engine.contexts[-1].title == "Council approves bridge repairs"

    def test_an_unknown_story_is_scored_without_an_article(self, client, site, engine):
        data = send(client, coral_request("Cricket scores were great",
                                          url="https://news.example.com/unknown")).json()
        assert engine.contexts[-1].has_article is False
        assert data == {"status": "NONE", "actions": []}

    def test_a_parent_parley_knows_is_the_reply_context(self, client, site, story, engine):
        from tests.comments.core_fixtures import post

        parent = post(story, "Repairs should start with the bridge railings.")
        send(client, coral_request("I agree about the bridge.", parent_id=str(parent.pk)))
        assert engine.contexts[-1].parent == "Repairs should start with the bridge railings."

    def test_a_coral_parent_id_parley_does_not_know_is_ignored(self, client, site, story,
                                                               engine):
        response = send(client, coral_request(
            "I agree about the bridge.", parent_id="3b1c0e2a-7d4f-4f5e-8a9b-0c1d2e3f4a5b"))
        assert response.status_code == 200
        assert engine.contexts[-1].parent == ""

    def test_an_empty_body_is_no_decision(self, client, site, story, engine):
        assert send(client, coral_request("   ")).status_code == 204


@pytest.mark.django_db
class TestBudget:
    def test_engine_off_and_no_rule_is_no_decision(self, client, site, story, settings):
        settings.PARLEY_ENGINE = False
        response = send(client, coral_request("You idiot"))
        assert response.status_code == 204
        assert response.content == b""

    def test_a_slow_engine_gets_204_instead_of_a_late_answer(self, client, site, story, engine,
                                                             monkeypatch):
        monkeypatch.setattr(engine_gateway, "_engine_loaded", True)  # past the first load
        actions.set_coral_phase(site=site, acting_user=None, timeout_ms=300)
        engine.delay = 2.0
        started = time.monotonic()
        response = send(client, coral_request("You idiot"))
        elapsed = time.monotonic() - started
        assert response.status_code == 204
        assert response.content == b""
        # Not waiting for the engine (2 s); the exact time is the budget below plus this
        # machine's request overhead, which a timed assertion must not depend on.
        assert elapsed < 1.5, f"waited {elapsed:.2f}s for a slow engine"

    def test_the_engine_gets_coral_timeout_less_a_margin(self, client, site, story, engine,
                                                         monkeypatch):
        limits = []
        real = engine_gateway.call_engine

        def recording(work, *, load=None, timeout=None):
            limits.append(timeout)
            return real(work, load=load, timeout=timeout)

        monkeypatch.setattr(engine_gateway, "call_engine", recording)
        actions.set_coral_phase(site=site, acting_user=None, timeout_ms=300)
        send(client, coral_request("You idiot"))
        (limit,) = limits
        assert 0 < limit <= 0.3 * (1 - phase.MARGIN_SHARE)

    def test_no_time_left_is_no_decision_without_scoring(self, site, story, engine):
        budget = phase.Budget(timeout_s=0.1, started=time.monotonic() - 0.2)
        request = phase.ExternalModerationRequest.model_validate(coral_request("You idiot"))
        assert phase.decide(site=site, request=request, budget=budget) is None
        assert engine.contexts == []

    def test_a_fast_engine_answers_within_the_same_budget(self, client, site, story, engine,
                                                          monkeypatch):
        # Coral's longest timeout, so the answer does not depend on this machine's load.
        monkeypatch.setattr(engine_gateway, "_engine_loaded", True)
        actions.set_coral_phase(site=site, acting_user=None, timeout_ms=10_000)
        engine.delay = 0.01
        assert send(client, coral_request("You idiot")).json()["status"] == "REJECTED"

    @pytest.mark.parametrize("timeout_ms", [99, 10_001])
    def test_the_timeout_is_kept_in_coral_range(self, site, timeout_ms):
        from parley.comments.errors import InvalidInput

        with pytest.raises(InvalidInput):
            actions.set_coral_phase(site=site, acting_user=None, timeout_ms=timeout_ms)


def test_the_phase_is_in_the_openapi_schema_with_coral_request(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/coral/phase"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["required"]) == {"action", "comment", "story"}
    assert body["properties"]["comment"]["properties"]["body"]["type"] == "string"
    assert "$ref" not in json.dumps(body)
    assert {"200", "204", "401", "403", "404", "422"} <= set(operation["responses"])

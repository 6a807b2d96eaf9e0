"""Coral's own Perspective integration, pointed at Parley ("custom endpoint" + the site's key).

The requests are built exactly as coral-server builds them (services/perspective/perspective.ts,
``sendToPerspective`` and ``formatBody``; the URL from ``new URL(endpoint)`` with
``path.join(pathname, "/comments:<operation>")`` and ``searchParams.set("key", key)``; the body
``JSON.stringify`` of formatBody's object, no spaces; headers ``Content-Type: application/json``
and the ``User-Agent`` of its fetcher). The answer is then read the way Coral reads it:
``data.attributeScores[model].summaryScore.value`` compared with its threshold.
"""

from __future__ import annotations

import json
import posixpath
from urllib.parse import urlencode, urlsplit

import pytest
from django.core.management import call_command

from parley.moderation.models import DecisionSource, HumanDecision

from .conftest import API_KEY

CORAL_ENDPOINT = "http://testserver/v1alpha1"  # what the Coral admin types
TENANT_URL = "https://comments.news.example.com/"
STORY_URL = "https://news.example.com/2026/12/bridge-repairs"
COMMENT_ID = "2f0d6a1c-93a4-4d5e-8f7b-6c5d4e3f2a1b"


def coral_url(operation: str, endpoint: str = CORAL_ENDPOINT, key: str = API_KEY) -> str:
    """new URL(endpoint.trim()); pathname = path.join(pathname, `/${operation}`); key param."""
    parts = urlsplit(endpoint.strip())
    path = posixpath.normpath(posixpath.join(parts.path or "/", operation))
    return f"{path}?{urlencode({'key': key.strip()})}"


def js_stringify(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def coral_analyze_body(text: str, *, model: str = "TOXICITY", language: str = "en",
                       do_not_store: bool = True) -> dict:
    """formatBody for comments:analyze, keys in Coral's order."""
    return {"comment": {"text": text}, "doNotStore": do_not_store,
            "requestedAttributes": {model: {}}, "languages": [language]}


def coral_suggest_body(text: str, status: str, *, comment_id: str = COMMENT_ID,
                       parent_id: str | None = None) -> dict:
    """formatBody for comments:suggestscore. Coral's listener computes the status (APPROVED, or
    DELETED for a rejection) and formatBody keys attributeScores on it; undefined
    reply_to_id_Coral_comment_id is left out by JSON.stringify."""
    meta = {"url": f"{STORY_URL}?commentID={comment_id}"}
    if parent_id is not None:
        meta["reply_to_id_Coral_comment_id"] = parent_id
    meta["Coral_comment_id"] = comment_id
    return {
        "comment": {"text": text},
        "context": {"entries": [{"text": json.dumps(meta, separators=(",", ":"))}]},
        "attributeScores": {status: {"summaryScore": {"value": 1}}},
        "languages": ["en"],
        "communityId": f"Coral:{TENANT_URL}",
        "clientToken": f"comment:{comment_id}",
    }


def send(client, operation: str, body: dict, **kwargs):
    return client.post(coral_url(operation, **kwargs), data=js_stringify(body),
                       content_type="application/json",
                       headers={"User-Agent": "Coral Perspective/9.0.0"})


@pytest.mark.django_db
class TestAnalyzeAsCoralSendsIt:
    def test_url_shape_is_parley_route(self):
        assert coral_url("comments:analyze") == f"/v1alpha1/comments:analyze?key={API_KEY}"
        assert coral_url("comments:analyze", endpoint="http://testserver/v1alpha1/ ") == \
            f"/v1alpha1/comments:analyze?key={API_KEY}"

    @pytest.mark.parametrize("model", ["TOXICITY", "SEVERE_TOXICITY"])
    def test_coral_reads_a_score_and_compares_it_with_its_threshold(self, client, site, engine,
                                                                    model):
        response = send(client, "comments:analyze", coral_analyze_body("You idiot", model=model))
        assert response.status_code == 200, response.content
        data = response.json()
        score = data["attributeScores"][model]["summaryScore"]["value"]
        assert isinstance(score, float)
        threshold = 0.8  # TOXICITY_THRESHOLD_DEFAULT / 100
        assert (score > threshold) is (model == "TOXICITY")  # the scripted engine's rules
        clean = send(client, "comments:analyze", coral_analyze_body("Thanks for the report"))
        assert clean.json()["attributeScores"]["TOXICITY"]["summaryScore"]["value"] < threshold

    def test_do_not_store_false_still_stores_nothing(self, client, site, engine):
        send(client, "comments:analyze", coral_analyze_body("You idiot", do_not_store=False))
        assert HumanDecision.objects.count() == 0

    def test_a_german_tenant_is_answered(self, client, site, engine):
        response = send(client, "comments:analyze",
                        coral_analyze_body("Du bist ein idiot", language="de"))
        assert response.status_code == 200

    def test_a_french_tenant_is_refused_as_perspective_would(self, client, site, engine):
        # Coral logs the error and lets the comment through: docs/coral.md says so.
        response = send(client, "comments:analyze",
                        coral_analyze_body("Tu es un idiot", language="fr"))
        assert response.status_code == 400
        assert response.json()["error"]["details"][0]["errorType"] == \
            "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE"


@pytest.mark.django_db
class TestSuggestScoreAsCoralSendsIt:
    def test_a_rejection_is_kept_as_a_moderator_decision_of_the_key_site(self, client, site,
                                                                          engine):
        response = send(client, "comments:suggestscore",
                        coral_suggest_body("You idiot, the bridge is fine", "DELETED"))
        assert response.status_code == 200, response.content
        assert response.json()["clientToken"] == f"comment:{COMMENT_ID}"
        decision = HumanDecision.objects.get()
        assert decision.site == site
        assert decision.comment is None
        assert decision.source == DecisionSource.SUGGESTSCORE
        assert decision.label == "rejected"
        assert decision.text == "You idiot, the bridge is fine"
        assert decision.external_id == f"Coral:{TENANT_URL}|comment:{COMMENT_ID}"
        # Scored like Parley's own decisions, so `parley retrain` can learn from it.
        assert decision.scores["TOXICITY"] == 0.91
        assert decision.language == "en"

    def test_an_approval_is_kept_as_approved(self, client, site, engine):
        send(client, "comments:suggestscore", coral_suggest_body("Fair point", "APPROVED",
                                                                 parent_id="p-1"))
        assert HumanDecision.objects.get().label == "approved"

    def test_the_same_decision_sent_twice_is_stored_once(self, client, site, engine):
        body = coral_suggest_body("You idiot", "DELETED")
        assert send(client, "comments:suggestscore", body).status_code == 200
        assert send(client, "comments:suggestscore", body).status_code == 200
        assert HumanDecision.objects.count() == 1

    def test_a_changed_decision_replaces_the_one_in_force(self, client, site, engine):
        send(client, "comments:suggestscore", coral_suggest_body("You idiot", "DELETED"))
        send(client, "comments:suggestscore", coral_suggest_body("You idiot", "APPROVED"))
        decisions = list(HumanDecision.objects.order_by("id"))
        assert [(d.label, d.undone_at is None) for d in decisions] == \
            [("rejected", False), ("approved", True)]

    def test_two_tenants_sharing_a_key_do_not_collide(self, client, site, engine):
        first = coral_suggest_body("You idiot", "DELETED")
        second = {**first, "communityId": "Coral:https://other.example/"}
        send(client, "comments:suggestscore", first)
        send(client, "comments:suggestscore", second)
        assert HumanDecision.objects.filter(undone_at__isnull=True).count() == 2

    def test_without_the_engine_the_decision_is_kept_unscored(self, client, site, settings):
        settings.PARLEY_ENGINE = False
        response = send(client, "comments:suggestscore",
                        coral_suggest_body("You idiot", "DELETED"))
        assert response.status_code == 200
        decision = HumanDecision.objects.get()
        assert decision.scores == {}
        assert decision.language == "en"

    def test_a_wrong_key_stores_nothing(self, client, site, engine):
        response = send(client, "comments:suggestscore",
                        coral_suggest_body("You idiot", "DELETED"), key="pk_wrong")
        assert response.status_code == 400
        assert HumanDecision.objects.count() == 0

    def test_export_decisions_includes_it_with_coral_id(self, client, site, engine, capsys):
        send(client, "comments:suggestscore", coral_suggest_body("You idiot", "DELETED"))
        call_command("export_decisions")
        (line,) = capsys.readouterr().out.strip().splitlines()
        record = json.loads(line)
        assert record["comment_id"] is None and record["story_id"] is None
        assert (record["source"], record["label"]) == ("suggestscore", "rejected")
        assert record["external_id"].endswith(f"comment:{COMMENT_ID}")


@pytest.mark.django_db
class TestSuggestScoreInPerspectiveShape:
    def suggest(self, client, scores: dict, **extra):
        body = {"comment": {"text": "Buy cheap watches"}, "attributeScores": scores, **extra}
        return send(client, "comments:suggestscore", body)

    @pytest.mark.parametrize("scores, label, reason", [
        ({"TOXICITY": 1}, "rejected", "abusive"),
        ({"SPAM": 1, "TOXICITY": 0.2}, "rejected", "spam"),
        ({"OFF_TOPIC": 0.9}, "rejected", "off_topic"),
        ({"TOXICITY": 0, "SPAM": 0.1}, "approved", ""),
    ])
    def test_the_suggested_scores_give_the_label(self, client, site, engine, scores, label,
                                                 reason):
        response = self.suggest(client, {name: {"summaryScore": {"value": value}}
                                         for name, value in scores.items()})
        assert response.status_code == 200, response.content
        decision = HumanDecision.objects.get()
        assert (decision.label, decision.reason) == (label, reason)
        assert decision.external_id.startswith("text:")

    @pytest.mark.parametrize("scores, message", [
        (None, "attribute_scores"),
        ({}, "must not be empty"),
        ({"FLIRTATION": {"summaryScore": {"value": 1}}}, "Unknown attribute"),
        ({"TOXICITY": {"summaryScore": {"value": 2}}}, "from 0 to 1"),
        ({"TOXICITY": {}}, "summaryScore"),
        ({"APPROVED": {"summaryScore": {"value": 1}},
          "DELETED": {"summaryScore": {"value": 1}}}, "alone"),
    ])
    def test_bad_suggestions_are_400_and_store_nothing(self, client, site, engine, scores,
                                                       message):
        body = {"comment": {"text": "hello"}}
        if scores is not None:
            body["attributeScores"] = scores
        response = send(client, "comments:suggestscore", body)
        assert response.status_code == 400
        assert message in response.json()["error"]["message"]
        assert HumanDecision.objects.count() == 0

"""The Perspective-compatible endpoint answers Perspective's requests in Perspective's shapes."""

from __future__ import annotations

import io
import json

import pytest

from .conftest import API_KEY

ANALYZE = "/v1alpha1/comments:analyze"


def post(client, body, *, key=API_KEY, path=ANALYZE, **extra):
    url = f"{path}?key={key}" if key else path
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(url, data=data, content_type="application/json", **extra)


def error_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == response.status_code
    return error


@pytest.mark.django_db
class TestAnalyzeShape:
    def test_toxicity_comes_back_as_perspective_summary_and_span_scores(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "You are an idiot", "type": "PLAIN_TEXT"},
            "requestedAttributes": {"TOXICITY": {}},
            "languages": ["en"],
            "doNotStore": True,
        })
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["attributeScores"]["TOXICITY"]["summaryScore"] == {
            "value": 0.91, "type": "PROBABILITY",
        }
        # Without spanAnnotations, one span covers the whole comment (as Google answers).
        assert data["attributeScores"]["TOXICITY"]["spanScores"] == [
            {"begin": 0, "end": 16, "score": {"value": 0.91, "type": "PROBABILITY"}}
        ]
        assert data["languages"] == ["en"]
        assert data["detectedLanguages"] == ["en"]
        assert "clientToken" not in data
        assert list(data["attributeScores"]) == ["TOXICITY"]

    def test_every_supported_attribute_is_answered_under_its_requested_name(
        self, client, site, engine
    ):
        names = ["TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT",
                 "IDENTITY_ATTACK", "SPAM", "OFF_TOPIC", "INSULT_EXPERIMENTAL"]
        response = post(client, {
            "comment": {"text": "The council should fund the bridge repairs."},
            "context": {"entries": [{"text": "The council debates the bridge repairs budget."}]},
            "requestedAttributes": {name: {} for name in names},
        })
        assert response.status_code == 200, response.content
        scores = response.json()["attributeScores"]
        assert set(scores) == set(names)
        assert scores["OFF_TOPIC"]["summaryScore"]["value"] == 0.1
        assert scores["INSULT_EXPERIMENTAL"] == scores["INSULT"]

    def test_one_engine_call_per_request_with_the_article_as_context(self, client, site, engine):
        post(client, {
            "comment": {"text": "Bridge repairs are overdue."},
            "context": {"entries": [{"text": "Bridge repairs article."},
                                    {"text": "An earlier comment."}]},
            "requestedAttributes": {"TOXICITY": {}, "OFF_TOPIC": {}, "SPAM": {}},
        })
        assert len(engine.calls) == 1
        ((text, context),) = engine.calls[0]
        assert text == "Bridge repairs are overdue."
        assert context.body == "Bridge repairs article."
        assert context.thread == ("An earlier comment.",)
        assert context.story_key and context.story_key.startswith("perspective:")

    def test_article_and_parent_comment_context_is_understood(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "@Don: Depending on the price!"},
            "context": {"articleAndParentComment": {
                "article": {"text": "Petrol prices rise again."},
                "parentComment": {"text": "Will you still drive? Depending on what?"},
            }},
            "requestedAttributes": {"OFF_TOPIC": {}},
        })
        assert response.status_code == 200, response.content
        (_, context), = engine.calls[0]
        assert context.parent == "Will you still drive? Depending on what?"
        assert response.json()["attributeScores"]["OFF_TOPIC"]["summaryScore"]["value"] == 0.1

    def test_client_token_is_echoed(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "Fine words."}, "requestedAttributes": {"TOXICITY": {}},
            "clientToken": "comment:42", "sessionId": "s-1", "communityId": "Coral:x",
        })
        assert response.json()["clientToken"] == "comment:42"

    def test_detected_language_is_reported_when_none_is_given(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "Yeh bohat acha faisla hai, hum sab khush hain aur shukriya"},
            "requestedAttributes": {"TOXICITY": {}},
        })
        assert response.status_code == 200, response.content
        assert response.json()["detectedLanguages"] == ["ur-Latn"]
        assert response.json()["languages"] == ["ur-Latn"]

    def test_pretty_print_can_be_switched_off(self, client, site, engine):
        body = {"comment": {"text": "Hello there friends"}, "requestedAttributes": {"TOXICITY": {}}}
        compact = client.post(f"{ANALYZE}?key={API_KEY}&prettyPrint=false",
                              data=json.dumps(body), content_type="application/json")
        assert b"\n" not in compact.content
        assert b"\n" in post(client, body).content


@pytest.mark.django_db
class TestThresholdsAndSpans:
    def test_score_threshold_drops_attributes_below_it(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "You are an idiot"},
            "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.5},
                                    "THREAT": {"scoreThreshold": 0.5},
                                    "PROFANITY": {}},
        })
        scores = response.json()["attributeScores"]
        assert set(scores) == {"TOXICITY", "PROFANITY"}

    def test_threshold_equal_to_the_score_keeps_it(self, client, site, engine):
        response = post(client, {"comment": {"text": "You are an idiot"},
                                 "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.91}}})
        assert "TOXICITY" in response.json()["attributeScores"]

    def test_span_annotations_score_each_sentence_with_utf16_offsets(self, client, site, engine):
        text = "Nice goal 😀 today. You are an idiot! Bye"
        response = post(client, {
            "comment": {"text": text},
            "requestedAttributes": {"TOXICITY": {}},
            "spanAnnotations": True,
        })
        spans = response.json()["attributeScores"]["TOXICITY"]["spanScores"]
        assert [(s["begin"], s["end"], s["score"]["value"]) for s in spans] == [
            (0, 19, 0.04), (20, 37, 0.91), (38, 41, 0.04),
        ]
        # The offsets slice the text as JavaScript would (UTF-16 code units).
        utf16 = text.encode("utf-16-le")
        assert utf16[20 * 2:37 * 2].decode("utf-16-le") == "You are an idiot!"
        # Whole comment and sentences were scored in one engine call.
        assert len(engine.calls) == 1 and len(engine.calls[0]) == 4

    def test_invisible_sentences_get_no_span(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "\u200b\nNice goal. You are an idiot."},
            "requestedAttributes": {"TOXICITY": {}},
            "spanAnnotations": True,
        })
        assert response.status_code == 200, response.content
        spans = response.json()["attributeScores"]["TOXICITY"]["spanScores"]
        assert [(s["begin"], s["end"]) for s in spans] == [(2, 12), (13, 30)]

    def test_span_scores_below_the_threshold_are_left_out(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "Nice goal. You are an idiot."},
            "requestedAttributes": {"TOXICITY": {"scoreThreshold": 0.5}},
            "spanAnnotations": True,
        })
        spans = response.json()["attributeScores"]["TOXICITY"]["spanScores"]
        assert [(s["begin"], s["end"]) for s in spans] == [(11, 28)]


@pytest.mark.django_db
class TestErrors:
    def test_unknown_attribute(self, client, site, engine):
        response = post(client, {"comment": {"text": "hi there"},
                                 "requestedAttributes": {"FLIRTATION": {}}})
        assert response.status_code == 400
        error = error_of(response)
        assert error["status"] == "INVALID_ARGUMENT"
        assert "FLIRTATION" in error["message"]
        assert engine.calls == []

    def test_unsupported_requested_language(self, client, site, engine):
        response = post(client, {"comment": {"text": "bonjour à tous"}, "languages": ["fr"],
                                 "requestedAttributes": {"INSULT": {}, "TOXICITY": {}}})
        assert response.status_code == 400
        error = error_of(response)
        assert error["message"] == "Attribute INSULT does not support request languages: fr"
        assert error["details"] == [{
            "@type": "type.googleapis.com/google.commentanalyzer.v1alpha1.Error",
            "errorType": "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            "languageNotSupportedByAttributeError": {
                "attribute": "INSULT", "requestedLanguages": ["fr"],
            },
        }]
        assert engine.calls == []

    def test_unsupported_detected_language(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "Je pense que le gouvernement est très mauvais pour nous tous"},
            "requestedAttributes": {"TOXICITY": {}},
        })
        assert response.status_code == 400
        detail = error_of(response)["details"][0]
        assert detail["languageNotSupportedByAttributeError"] == {
            "attribute": "TOXICITY", "detectedLanguages": ["fr"],
        }

    def test_drop_unsupported_attributes_answers_empty_scores(self, client, site, engine):
        response = post(client, {"comment": {"text": "bonjour"}, "languages": ["fr"],
                                 "dropUnsupportedAttributes": True,
                                 "requestedAttributes": {"TOXICITY": {}}})
        assert response.status_code == 200
        assert response.json()["attributeScores"] == {}

    @pytest.mark.parametrize("languages", [["en-US"], ["de"], ["ur"], ["ur-Latn"], ["ur-PK", "en"]])
    def test_supported_language_tags(self, client, site, engine, languages):
        response = post(client, {"comment": {"text": "words"}, "languages": languages,
                                 "requestedAttributes": {"TOXICITY": {}}})
        assert response.status_code == 200, response.content
        assert response.json()["languages"] == languages

    @pytest.mark.parametrize(
        "comment", [{"text": ""}, {"text": "   "}, {"text": "\u200b\u2060\u00ad"}, {}, None]
    )
    def test_missing_text(self, client, site, engine, comment):
        body = {"requestedAttributes": {"TOXICITY": {}}}
        if comment is not None:
            body["comment"] = comment
        response = post(client, body)
        assert response.status_code == 400
        assert error_of(response)["message"] == "Comment must be non-empty."

    def test_missing_requested_attributes(self, client, site, engine):
        response = post(client, {"comment": {"text": "hello"}})
        assert response.status_code == 400
        assert "requested_attributes" in error_of(response)["message"]

    @pytest.mark.parametrize("body", ["{not json", "[1, 2]", "", b"\xff\xfe"])
    def test_bad_json(self, client, site, engine, body):
        response = post(client, body)
        assert response.status_code == 400
        assert error_of(response)["status"] == "INVALID_ARGUMENT"

    def test_unknown_field_is_refused_like_google(self, client, site, engine):
        response = post(client, {"comment": {"text": "hi"}, "requestedAttribute": {"TOXICITY": {}}})
        assert response.status_code == 400
        error = error_of(response)
        assert error["message"] == (
            'Invalid JSON payload received. Unknown name "requestedAttribute": Cannot find field.'
        )
        assert error["details"][0]["@type"] == "type.googleapis.com/google.rpc.BadRequest"

    def test_wrong_types(self, client, site, engine):
        response = post(client, {"comment": {"text": 5}, "requestedAttributes": {"TOXICITY": {}}})
        assert response.status_code == 400
        response = post(client, {"comment": {"text": "x"},
                                 "requestedAttributes": {"TOXICITY": {"scoreThreshold": "high"}}})
        assert response.status_code == 400
        response = post(client, {"comment": {"text": "x"}, "spanAnnotations": "yes",
                                 "requestedAttributes": {"TOXICITY": {}}})
        assert response.status_code == 400

    def test_other_score_types_are_refused(self, client, site, engine):
        attributes = {"TOXICITY": {"scoreType": "STD_DEV_SCORE"}}
        response = post(client, {"comment": {"text": "x"}, "requestedAttributes": attributes})
        assert response.status_code == 400
        assert "PROBABILITY" in error_of(response)["message"]

    def test_html_comments_are_refused(self, client, site, engine):
        response = post(client, {"comment": {"text": "<b>x</b>", "type": "HTML"},
                                 "requestedAttributes": {"TOXICITY": {}}})
        assert response.status_code == 400

    def test_off_topic_needs_context(self, client, site, engine):
        response = post(client, {"comment": {"text": "hello"},
                                 "requestedAttributes": {"OFF_TOPIC": {}}})
        assert response.status_code == 400
        assert "context.entries" in error_of(response)["message"]

    def test_both_context_forms_at_once_are_refused(self, client, site, engine):
        response = post(client, {
            "comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}},
            "context": {"entries": [{"text": "a"}],
                        "articleAndParentComment": {"article": {"text": "b"}}},
        })
        assert response.status_code == 400

    def test_comment_longer_than_perspective_allows(self, client, site, engine):
        response = post(client, {"comment": {"text": "é" * 10241},
                                 "requestedAttributes": {"TOXICITY": {}}})
        assert response.status_code == 400
        assert "too long" in error_of(response)["message"]

    def test_body_over_64_kb_is_413_in_google_format(self, client, site, engine):
        body = json.dumps({"comment": {"text": "x"}, "requestedAttributes": {"TOXICITY": {}},
                           "context": {"entries": [{"text": "y" * 70_000}]}})
        response = post(client, body)
        assert response.status_code == 413
        assert error_of(response)["code"] == 413

    def test_engine_failure_is_503_unavailable(self, client, site, monkeypatch):
        class BrokenEngine:
            def score_many(self, items):
                raise RuntimeError("onnx session died")

        monkeypatch.setattr("parley.perspective.views.get_engine", BrokenEngine)
        response = post(client, {"comment": {"text": "hello"},
                                 "requestedAttributes": {"TOXICITY": {}}})
        assert response.status_code == 503
        error = error_of(response)
        assert error["status"] == "UNAVAILABLE"
        assert "onnx" not in error["message"]

    def test_engine_slower_than_the_timeout_is_503(self, client, site, monkeypatch, settings):
        import threading

        release = threading.Event()

        class StuckEngine:
            def score_many(self, items):
                release.wait(5)
                return []

        settings.PARLEY_ENGINE_TIMEOUT_S = 0.05
        monkeypatch.setattr("parley.perspective.views.get_engine", StuckEngine)
        monkeypatch.setattr("parley.engine_gateway._engine_loaded", True)  # past the first load
        try:
            response = post(client, {"comment": {"text": "hello"},
                                     "requestedAttributes": {"TOXICITY": {}}})
        finally:
            release.set()
        assert response.status_code == 503
        assert "longer than 0.05s" in error_of(response)["message"]

    def test_failed_engine_load_is_503_and_not_retried_at_once(self, client, site, monkeypatch):
        from parley import engine_gateway
        from parley.engine import Engine

        attempts = []

        def broken_load(cls):
            attempts.append(1)
            raise FileNotFoundError("no trained heads")

        monkeypatch.setattr(Engine, "shared", classmethod(broken_load))
        monkeypatch.setattr(engine_gateway, "_last_load_failure", None)
        body = {"comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}}}
        assert post(client, body).status_code == 503
        assert post(client, body).status_code == 503
        assert len(attempts) == 1
        monkeypatch.setattr(engine_gateway, "LOAD_RETRY_SECONDS", 0.0)
        assert post(client, body).status_code == 503
        assert len(attempts) == 2

    def test_engine_switched_off_is_503(self, client, site, settings):
        settings.PARLEY_ENGINE = False
        response = post(client, {"comment": {"text": "hello"},
                                 "requestedAttributes": {"TOXICITY": {}}})
        assert response.status_code == 503

    def test_get_is_refused(self, client, site, engine):
        response = client.get(f"{ANALYZE}?key={API_KEY}")
        assert response.status_code == 405
        assert response["Allow"] == "POST, OPTIONS"
        error_of(response)

    def test_suggestscore_takes_post_only(self, client, site, engine):
        response = client.get(f"/v1alpha1/comments:suggestscore?key={API_KEY}")
        assert response.status_code == 405
        assert response["Allow"] == "POST, OPTIONS"
        error_of(response)


@pytest.mark.django_db
class TestKeys:
    BODY = {"comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}}}

    def test_missing_key_is_403_permission_denied(self, client, site, engine):
        response = post(client, self.BODY, key="")
        assert response.status_code == 403
        error = error_of(response)
        assert error["status"] == "PERMISSION_DENIED"
        assert error["message"] == "The request is missing a valid API key."

    def test_wrong_key_is_400_api_key_invalid(self, client, site, engine):
        response = post(client, self.BODY, key="pk_not_this_one")
        assert response.status_code == 400
        error = error_of(response)
        assert error["message"] == "API key not valid. Please pass a valid API key."
        assert error["details"][0]["reason"] == "API_KEY_INVALID"
        assert engine.calls == []

    def test_key_in_the_goog_header_works(self, client, site, engine):
        response = post(client, self.BODY, key="", HTTP_X_GOOG_API_KEY=API_KEY)
        assert response.status_code == 200

    def test_a_site_without_a_key_is_not_reachable_with_an_empty_key(self, client, db, engine):
        from parley.comments.models import Site

        Site.objects.create(name="Keyless", slug="keyless")
        assert post(client, self.BODY, key="").status_code == 403
        assert post(client, self.BODY, key="%20").status_code == 403

    def test_each_site_has_its_own_key(self, client, site, engine):
        from parley.comments.models import Site

        other = Site(name="Other", slug="other")
        other_key = other.set_api_key()
        other.save()
        assert post(client, self.BODY, key=other_key).status_code == 200
        assert post(client, self.BODY, key=API_KEY).status_code == 200

    def test_rate_limit_per_key_is_429_resource_exhausted(self, client, site, engine, settings):
        from parley.comments.models import Site

        settings.PARLEY_PERSPECTIVE_RATE = "3/m"
        for _ in range(3):
            assert post(client, self.BODY).status_code == 200
        response = post(client, self.BODY)
        assert response.status_code == 429
        assert error_of(response)["status"] == "RESOURCE_EXHAUSTED"
        # Another site's key has its own budget.
        other = Site(name="Other", slug="other")
        other_key = other.set_api_key()
        other.save()
        assert post(client, self.BODY, key=other_key).status_code == 200

    def test_demo_key_from_the_environment_works(self, client, db, engine, monkeypatch):
        from django.core.management import call_command

        monkeypatch.setenv("PARLEY_DEMO_API_KEY", "pk_demo_from_env")
        call_command("seed_demo", stdout=io.StringIO())
        assert post(client, self.BODY, key="pk_demo_from_env").status_code == 200


@pytest.mark.django_db
def test_discovery_document_points_at_this_server(client):
    response = client.get("/$discovery/rest?version=v1alpha1")
    assert response.status_code == 200
    doc = response.json()
    assert doc["rootUrl"] == "http://testserver/"
    analyze = doc["resources"]["comments"]["methods"]["analyze"]
    assert analyze["path"] == "v1alpha1/comments:analyze"
    assert analyze["httpMethod"] == "POST"
    assert client.get("/$discovery/rest?version=v9").status_code == 404


def test_csrf_is_not_required(site, engine):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = post(strict, {"comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}}})
    assert response.status_code == 200


@pytest.mark.django_db
class TestCors:
    ORIGIN = "https://news.example.com"
    BODY = {"comment": {"text": "hello"}, "requestedAttributes": {"TOXICITY": {}}}

    @pytest.fixture
    def listed(self, site):
        site.allowed_origins = self.ORIGIN
        site.save()
        return site

    def preflight(self, client, origin, key=API_KEY):
        return client.options(f"{ANALYZE}?key={key}", HTTP_ORIGIN=origin,
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")

    def test_preflight_from_the_sites_origin_is_allowed(self, client, listed, engine):
        response = self.preflight(client, self.ORIGIN)
        assert response.status_code == 204
        assert response["Access-Control-Allow-Origin"] == self.ORIGIN
        assert "X-Goog-Api-Key" in response["Access-Control-Allow-Headers"]
        assert "Access-Control-Allow-Credentials" not in response

    def test_preflight_from_another_origin_is_refused(self, client, listed, engine):
        response = self.preflight(client, "https://evil.example")
        assert response.status_code == 403
        assert "Access-Control-Allow-Origin" not in response

    def test_origin_listed_by_another_site_does_not_open_this_key(self, client, listed, engine):
        from parley.comments.models import Site

        other = Site(name="Other", slug="other", allowed_origins="https://other.example")
        other_key = other.set_api_key()
        other.save()
        assert self.preflight(client, self.ORIGIN, key=other_key).status_code == 403

    def test_answers_carry_the_origin_only_for_listed_origins(self, client, listed, engine):
        ok = post(client, self.BODY, HTTP_ORIGIN=self.ORIGIN)
        assert ok["Access-Control-Allow-Origin"] == self.ORIGIN
        assert "Origin" in ok["Vary"]
        refused = post(client, self.BODY, HTTP_ORIGIN="https://evil.example")
        assert refused.status_code == 200
        assert "Access-Control-Allow-Origin" not in refused

    def test_errors_are_readable_from_a_listed_origin(self, client, listed, engine):
        response = post(client, self.BODY, key="pk_wrong", HTTP_ORIGIN=self.ORIGIN)
        assert response.status_code == 400
        assert response["Access-Control-Allow-Origin"] == self.ORIGIN


@pytest.mark.parametrize(("rate", "ok"), [("600/m", True), ("20/s", True), ("5/10m", True),
                                          ("lots", False), ("600 per minute", False)])
def test_system_check_catches_a_malformed_rate(settings, rate, ok):
    from parley.perspective.checks import check_perspective_rate

    settings.PARLEY_PERSPECTIVE_RATE = rate
    errors = check_perspective_rate()
    assert (errors == []) is ok
    if not ok:
        assert errors[0].id == "perspective.E001"

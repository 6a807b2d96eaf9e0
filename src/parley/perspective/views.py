"""HTTP endpoints of the Perspective-compatible API: analyze, suggestscore and discovery.

Plain Django views rather than Django Ninja: every answer, errors included, must be byte-for-byte
in Google's shapes (errors.py), which is simpler to guarantee without a framework's own validation
errors in between. The views only check the key, the size and the rate, then call analysis.py.
Nothing a client sends to analyze is stored (``doNotStore`` is therefore always honoured);
suggestscore stores its suggestion as a moderator's decision (``actions.record_suggested_score``),
which is what that method is for.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from parley import actions, engine_gateway
from parley.comments.errors import PayloadTooLarge
from parley.comments.models import Site
from parley.comments.request_limits import max_body_bytes, read_body
from parley.engine.language import detect_language
from parley.engine.types import Context, Scores

from . import cors, errors
from .analysis import ScoringEngine, analyze_comment
from .discovery import API_VERSION, discovery_document
from .keys import api_key_from_request, site_for_api_key
from .schemas import parse_analyze_request, parse_body
from .suggest import parse_suggest_request

logger = logging.getLogger(__name__)

DEFAULT_RATE = "600/m"


# How the engine is loaded (tests replace it); ``engine_gateway`` calls it inside the timed call.
get_engine: Callable[[], ScoringEngine] = engine_gateway.shared_engine


class GatewayEngine:
    """The engine as analysis.py calls it, through ``parley.engine_gateway`` (posting's gateway
    too): 503 UNAVAILABLE when it is off, failed to load, or answers later than the timeout."""

    def score_many(self, items: Sequence[tuple[str, Context | None]]) -> list[Scores]:
        try:
            return engine_gateway.call_engine(lambda engine: engine.score_many(items),
                                              load=get_engine)
        except engine_gateway.EngineOff as exc:
            raise errors.engine_unavailable(
                "The moderation engine is switched off on this server (PARLEY_ENGINE is off)."
            ) from exc
        except engine_gateway.EngineUnavailable as exc:
            logger.warning("perspective: %s", exc)
            raise errors.engine_unavailable(
                "The moderation engine could not be loaded; retry later.") from exc
        except engine_gateway.EngineTimeout as exc:
            logger.warning("perspective: %s", exc)
            raise errors.engine_unavailable(
                f"The moderation engine took longer than {exc.limit:g}s; try again.") from exc


def perspective_rate() -> str:
    """Return the analyze calls allowed per site API key ("count/period")."""
    return getattr(settings, "PARLEY_PERSPECTIVE_RATE", "") or DEFAULT_RATE


def _json_response(request: HttpRequest, data: dict[str, Any]) -> HttpResponse:
    # Google pretty-prints unless the caller asks for prettyPrint=false.
    pretty = request.GET.get("prettyPrint", "true").lower() not in {"false", "0"}
    body = json.dumps(data, indent=2 if pretty else None, ensure_ascii=False)
    return HttpResponse(body, content_type="application/json; charset=UTF-8")


def _authenticate(request: HttpRequest) -> Site:
    raw_key = api_key_from_request(request)
    if not raw_key:
        raise errors.missing_api_key()
    site = site_for_api_key(raw_key)
    if site is None:
        raise errors.invalid_api_key()
    return site


def _check_rate(request: HttpRequest, site: Site, method: str = "analyze") -> None:
    rate = perspective_rate()
    limited = is_ratelimited(
        request,
        group=f"perspective.{method}",
        key=lambda _group, _request: f"site:{site.pk}",
        rate=rate,
        increment=True,
    )
    if limited:
        raise errors.rate_limited(rate)


def _read_body(request: HttpRequest) -> bytes:
    try:
        return read_body(request)
    except PayloadTooLarge as exc:
        raise errors.payload_too_large(max_body_bytes()) from exc


def _check_post(request: HttpRequest, method: str) -> None:
    if request.method != "POST":
        raise errors.PerspectiveError(
            405, "INVALID_ARGUMENT", f"comments:{method} takes POST, not {request.method}."
        )
    if request.GET.get("alt", "json") != "json":
        raise errors.invalid_argument("Only alt=json is supported.")


@csrf_exempt
def analyze(request: HttpRequest) -> HttpResponse:
    """POST /v1alpha1/comments:analyze — score a comment as Perspective's AnalyzeComment does."""
    if cors.is_preflight(request):
        return cors.preflight_response(request)
    site: Site | None = None
    try:
        _check_post(request, "analyze")
        site = _authenticate(request)
        _check_rate(request, site)
        analyze_request = parse_analyze_request(parse_body(_read_body(request)))
        result = analyze_comment(
            analyze_request, engine=GatewayEngine(), detect_language=detect_language,
        )
        response = _json_response(request, result)
    except errors.PerspectiveError as error:
        response = error.to_response()
        if error.code == 405:
            response["Allow"] = "POST, OPTIONS"
    cors.add_cors_headers(request, response, site)
    return response


@csrf_exempt
def suggest_score(request: HttpRequest) -> HttpResponse:
    """POST /v1alpha1/comments:suggestscore — a client's moderator decision (Coral sends one per
    approve / reject), stored once as a labelled example for the key's site."""
    if cors.is_preflight(request):
        return cors.preflight_response(request)
    site: Site | None = None
    try:
        _check_post(request, "suggestscore")
        site = _authenticate(request)
        _check_rate(request, site, "suggestscore")
        suggestion = parse_suggest_request(parse_body(_read_body(request)))
        scores, language = _scores_for_training(suggestion.text)
        actions.record_suggested_score(
            site=site, external_id=suggestion.external_id, text=suggestion.text,
            label=suggestion.label, reason=suggestion.reason, scores=scores,
            language=language, note=suggestion.source_note,
        )
        result: dict[str, Any] = {
            "detectedLanguages": [language] if language else [],
            "requestedLanguages": list(suggestion.languages),
        }
        if suggestion.client_token is not None:
            result["clientToken"] = suggestion.client_token
        response = _json_response(request, result)
    except errors.PerspectiveError as error:
        response = error.to_response()
        if error.code == 405:
            response["Allow"] = "POST, OPTIONS"
    cors.add_cors_headers(request, response, site)
    return response


def _scores_for_training(text: str) -> tuple[dict[str, Any], str]:
    """The engine's scores and language for a suggested comment, as a Parley moderator's
    decision keeps them (``parley retrain`` learns thresholds from them). Without the engine
    the example is kept unscored rather than refused: the label is what matters."""
    try:
        (scores,) = GatewayEngine().score_many([(text, None)])
    except errors.PerspectiveError:
        return {}, detect_language(text)
    return dict(scores.values), scores.language


@require_GET
def discovery(request: HttpRequest) -> HttpResponse:
    """GET /$discovery/rest?version=v1alpha1 — the document Google's client libraries build from."""
    version = request.GET.get("version", API_VERSION)
    if version != API_VERSION:
        return errors.PerspectiveError(
            404, "NOT_FOUND", f"Discovery document not found for API version {version!r}."
        ).to_response()
    root_url = request.build_absolute_uri("/")
    return _json_response(request, discovery_document(root_url))

"""AnalyzeComment: score one checked request with Parley's engine and answer in Perspective's shape.

One request is one call to ``engine.score_many``: the comment, and with ``spanAnnotations`` each of
its sentences, go to the engine together, so the encoder runs one batched pass. The article given
in the context gets a ``story_key`` derived from its text, so a client that sends the same article
with every comment has its embedding computed once (the engine caches it per key).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from parley.engine.normalise import normalise_text
from parley.engine.types import Context, Scores

from . import errors
from .schemas import CONTEXT_ATTRIBUTES, AnalyzeRequest, RequestedAttribute
from .spans import Span, sentence_spans, utf16_length

logger = logging.getLogger(__name__)

#: Primary language subtags the engine was trained and measured on ("ur" covers Urdu script and
#: Roman Urdu, "ur-Latn"). "und" (too little text to tell) is scored too: the model is
#: multilingual and a short "Great goal!" should not fail for being short.
SUPPORTED_LANGUAGES: frozenset[str] = frozenset({"en", "de", "ur"})
UNDETERMINED = "und"


class ScoringEngine(Protocol):
    """What this module needs from ``parley.engine.Engine``."""

    def score_many(self, items: Sequence[tuple[str, Context | None]]) -> list[Scores]: ...


def primary_language(code: str) -> str:
    """Return the primary subtag of a language code, lower-cased ("ur-Latn" -> "ur")."""
    return code.replace("_", "-").split("-", 1)[0].lower()


def is_supported_language(code: str) -> bool:
    return primary_language(code) in SUPPORTED_LANGUAGES or primary_language(code) == UNDETERMINED


def _story_key(article: str) -> str | None:
    if not article.strip():
        return None
    return "perspective:" + hashlib.sha256(article.encode("utf-8")).hexdigest()[:32]


def build_context(request: AnalyzeRequest) -> Context | None:
    """Turn the request's context into the engine's Context (None when there is none)."""
    if not (request.article.strip() or request.parent.strip() or request.thread):
        return None
    return Context(
        body=request.article,
        parent=request.parent,
        thread=request.thread,
        story_key=_story_key(request.article),
    )


def _answerable_attributes(
    request: AnalyzeRequest, detected: str
) -> list[RequestedAttribute]:
    """Check languages and context; return the attributes to score, in request order."""
    attributes = list(request.attributes)
    if request.languages:
        unsupported = [code for code in request.languages if not is_supported_language(code)]
        languages, from_detection = unsupported, False
    else:
        languages = [detected] if not is_supported_language(detected) else []
        from_detection = True
    if languages:
        if request.drop_unsupported_attributes:
            return []
        raise errors.language_not_supported(
            attributes[0].name, languages, detected=from_detection
        )
    if not request.has_context:
        for attribute in attributes:
            if attribute.model in CONTEXT_ATTRIBUTES:
                raise errors.invalid_argument(
                    f"Attribute {attribute.name} needs the article the comment is about: send "
                    "it as context.entries[0].text or context.articleAndParentComment.article."
                )
    return attributes


def _score(value: float) -> dict[str, Any]:
    return {"value": round(float(value), 6), "type": "PROBABILITY"}


def _attribute_scores(
    attribute: RequestedAttribute,
    summary: float,
    spans: Sequence[tuple[Span, float]],
) -> dict[str, Any] | None:
    threshold = attribute.score_threshold
    if threshold is not None and summary < threshold:
        return None
    span_scores = [
        {"begin": span.begin, "end": span.end, "score": _score(value)}
        for span, value in spans
        if threshold is None or value >= threshold
    ]
    result: dict[str, Any] = {}
    if span_scores:
        result["spanScores"] = span_scores
    result["summaryScore"] = _score(summary)
    return result


def _value(scores: Scores, attribute: RequestedAttribute) -> float:
    value = scores.values.get(attribute.model)
    if value is None:
        raise errors.engine_unavailable(
            f"The engine gave no {attribute.model} score for this comment."
        )
    return float(value)


def analyze_comment(
    request: AnalyzeRequest,
    *,
    engine: ScoringEngine,
    detect_language: Callable[[str], str],
) -> dict[str, Any]:
    """Score ``request`` and return Perspective's AnalyzeCommentResponse as a dict.

    Raises PerspectiveError for unsupported languages, context-less OFF_TOPIC requests and engine
    failures (503 UNAVAILABLE: the caller may retry; nothing was stored).
    """
    detected = detect_language(normalise_text(request.text))
    attributes = _answerable_attributes(request, detected)
    response: dict[str, Any] = {"attributeScores": {}}
    if attributes:
        context = build_context(request)
        spans = sentence_spans(request.text) if request.span_annotations else []
        # A "sentence" of invisible characters only has nothing to score.
        spans = [span for span in spans if normalise_text(span.text)]
        if len(spans) < 2:
            # One sentence: its span is the whole comment and its score the summary score.
            spans = []
        items = [(request.text, context)] + [(span.text, context) for span in spans]
        try:
            results = engine.score_many(items)
        except errors.PerspectiveError:
            raise  # already says what went wrong (e.g. a timeout)
        except Exception as exc:
            logger.exception("perspective: the engine failed to score a comment")
            raise errors.engine_unavailable(
                "The moderation engine could not score this comment; try again."
            ) from exc
        if len(results) != len(items):
            raise errors.engine_unavailable("The moderation engine returned too few scores.")
        summary, span_results = results[0], results[1:]
        whole = Span(request.text, 0, utf16_length(request.text))
        for attribute in attributes:
            summary_value = _value(summary, attribute)
            if span_results:
                span_values = [
                    (span, _value(scores, attribute))
                    for span, scores in zip(spans, span_results, strict=True)
                ]
            else:
                span_values = [(whole, summary_value)]
            scored = _attribute_scores(attribute, summary_value, span_values)
            if scored is not None:
                response["attributeScores"][attribute.name] = scored
    # As Perspective does: the languages used are the caller's, else the detected one.
    response["languages"] = list(request.languages) or [detected]
    response["detectedLanguages"] = [detected]
    if request.client_token is not None:
        response["clientToken"] = request.client_token
    return response

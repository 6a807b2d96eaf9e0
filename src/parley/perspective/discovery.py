"""Google API discovery document for the comment analyzer, pointing at this Parley server.

Google's own Python quick start builds its Perspective client from a discovery document
(``discovery.build("commentanalyzer", "v1alpha1", discoveryServiceUrl=...)``). Serving one here,
with ``rootUrl`` set to this server, lets such code move to Parley by changing only that URL.
The schemas describe what Parley accepts and answers (see docs/perspective.md).
"""

from __future__ import annotations

from typing import Any

from .schemas import SUPPORTED_ATTRIBUTES

API_NAME = "commentanalyzer"
API_VERSION = "v1alpha1"

_SCORE_TYPES = ["SCORE_TYPE_UNSPECIFIED", "PROBABILITY", "STD_DEV_SCORE", "PERCENTILE", "RAW"]
_TEXT_TYPES = ["TEXT_TYPE_UNSPECIFIED", "PLAIN_TEXT", "HTML"]


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


def _ref(name: str, description: str) -> dict[str, Any]:
    return {"$ref": name, "description": description}


def _schemas() -> dict[str, dict[str, Any]]:
    text_entry = {
        "id": "TextEntry",
        "type": "object",
        "description": "A piece of text: the comment, or an entry of its context.",
        "properties": {
            "text": _string("The text, UTF-8."),
            "type": _string("PLAIN_TEXT (HTML is refused).", enum=_TEXT_TYPES),
        },
    }
    score = {
        "id": "Score",
        "type": "object",
        "description": "A calibrated probability.",
        "properties": {
            "value": {"type": "number", "format": "float", "description": "Between 0 and 1."},
            "type": _string("Always PROBABILITY.", enum=_SCORE_TYPES),
        },
    }
    span_score = {
        "id": "SpanScore",
        "type": "object",
        "description": "The score of one sentence; offsets in UTF-16 code units, end exclusive.",
        "properties": {
            "begin": {"type": "integer", "format": "int32"},
            "end": {"type": "integer", "format": "int32"},
            "score": _ref("Score", "The sentence's score."),
        },
    }
    attribute_scores = {
        "id": "AttributeScores",
        "type": "object",
        "description": "Scores of one attribute: the whole comment and each sentence.",
        "properties": {
            "summaryScore": _ref("Score", "The score of the whole comment."),
            "spanScores": {"type": "array", "items": {"$ref": "SpanScore"}},
        },
    }
    attribute_parameters = {
        "id": "AttributeParameters",
        "type": "object",
        "description": "Options for one requested attribute.",
        "properties": {
            "scoreType": _string("PROBABILITY (the only type Parley gives).", enum=_SCORE_TYPES),
            "scoreThreshold": {
                "type": "number", "format": "float",
                "description": "Leave the attribute out when its score is below this.",
            },
        },
    }
    article_and_parent = {
        "id": "ArticleAndParentComment",
        "type": "object",
        "description": "The article a comment is about and, for a reply, the comment it answers.",
        "properties": {
            "article": _ref("TextEntry", "The article."),
            "parentComment": _ref("TextEntry", "The comment this one replies to."),
        },
    }
    context = {
        "id": "Context",
        "type": "object",
        "description": "What the comment is about; give entries or articleAndParentComment.",
        "properties": {
            "entries": {
                "type": "array", "items": {"$ref": "TextEntry"},
                "description": "The first entry is the article; later entries, other comments.",
            },
            "articleAndParentComment": _ref("ArticleAndParentComment", "Article and parent."),
        },
    }
    request = {
        "id": "AnalyzeCommentRequest",
        "type": "object",
        "description": "A comment to score and the attributes wanted.",
        "properties": {
            "comment": _ref("TextEntry", "The comment."),
            "context": _ref("Context", "The article and thread (needed for OFF_TOPIC)."),
            "requestedAttributes": {
                "type": "object",
                "additionalProperties": {"$ref": "AttributeParameters"},
                "description": "Attribute names: " + ", ".join(SUPPORTED_ATTRIBUTES) + ".",
            },
            "languages": {"type": "array", "items": {"type": "string"}},
            "doNotStore": {"type": "boolean", "description": "Parley never stores requests."},
            "spanAnnotations": {"type": "boolean", "description": "Score each sentence too."},
            "dropUnsupportedAttributes": {"type": "boolean"},
            "clientToken": _string("Echoed in the response."),
            "sessionId": _string("Accepted and ignored."),
            "communityId": _string("Accepted and ignored."),
        },
    }
    response = {
        "id": "AnalyzeCommentResponse",
        "type": "object",
        "description": "Scores for the requested attributes.",
        "properties": {
            "attributeScores": {
                "type": "object", "additionalProperties": {"$ref": "AttributeScores"},
            },
            "languages": {"type": "array", "items": {"type": "string"}},
            "detectedLanguages": {"type": "array", "items": {"type": "string"}},
            "clientToken": _string("The request's clientToken."),
        },
    }
    suggest_request = {
        "id": "SuggestCommentScoreRequest",
        "type": "object",
        "description": "Not supported by Parley: the call answers 501 UNIMPLEMENTED.",
        "properties": {
            "comment": _ref("TextEntry", "The comment."),
            "context": _ref("Context", "Its context."),
            "attributeScores": {
                "type": "object", "additionalProperties": {"$ref": "AttributeScores"},
            },
            "languages": {"type": "array", "items": {"type": "string"}},
            "communityId": _string(""),
            "clientToken": _string(""),
            "sessionId": _string(""),
        },
    }
    suggest_response = {
        "id": "SuggestCommentScoreResponse",
        "type": "object",
        "properties": {"clientToken": _string("")},
    }
    schemas = [
        text_entry, score, span_score, attribute_scores, attribute_parameters,
        article_and_parent, context, request, response, suggest_request, suggest_response,
    ]
    return {schema["id"]: schema for schema in schemas}


def _method(name: str, request: str, response: str, description: str) -> dict[str, Any]:
    path = f"{API_VERSION}/comments:{name}"
    return {
        "id": f"{API_NAME}.comments.{name}",
        "path": path,
        "flatPath": path,
        "httpMethod": "POST",
        "description": description,
        "parameters": {},
        "parameterOrder": [],
        "request": {"$ref": request},
        "response": {"$ref": response},
    }


def discovery_document(root_url: str) -> dict[str, Any]:
    """Return the discovery document with every call addressed to ``root_url`` (ends with "/")."""
    query = {"location": "query"}
    return {
        "kind": "discovery#restDescription",
        "discoveryVersion": "v1",
        "id": f"{API_NAME}:{API_VERSION}",
        "name": API_NAME,
        "version": API_VERSION,
        "canonicalName": "Comment Analyzer",
        "title": "Parley's Perspective-compatible comment analyzer",
        "description": (
            "Scores comments for toxicity, insults, threats, identity attacks, profanity, "
            "spam and relevance, offline, with Parley's own engine."
        ),
        "protocol": "rest",
        "rootUrl": root_url,
        "servicePath": "",
        "baseUrl": root_url,
        "batchPath": "batch",
        "parameters": {
            "key": {"type": "string", **query, "description": "The site's Parley API key."},
            "alt": {"type": "string", **query, "enum": ["json"], "default": "json"},
            "prettyPrint": {"type": "boolean", **query, "default": "true"},
            "fields": {"type": "string", **query, "description": "Accepted and ignored."},
            "quotaUser": {"type": "string", **query, "description": "Accepted and ignored."},
            "$.xgafv": {"type": "string", **query, "enum": ["1", "2"]},
        },
        "resources": {
            "comments": {
                "methods": {
                    "analyze": _method(
                        "analyze", "AnalyzeCommentRequest", "AnalyzeCommentResponse",
                        "Score a comment for the requested attributes.",
                    ),
                    "suggestscore": _method(
                        "suggestscore", "SuggestCommentScoreRequest",
                        "SuggestCommentScoreResponse",
                        "Not supported by Parley (answers 501 UNIMPLEMENTED).",
                    ),
                }
            }
        },
        "schemas": _schemas(),
    }

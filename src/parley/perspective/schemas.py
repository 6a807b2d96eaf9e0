"""The AnalyzeComment request: parsed from Perspective's JSON and checked field by field.

Parsing is strict in the way Google's is: unknown field names, wrong types and empty comments are
errors (in Google's format, see errors.py), so a typo such as ``requestedAttribute`` is reported
instead of silently giving default results.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from parley.comments.json_input import BadJson, load_json
from parley.engine.normalise import normalise_text
from parley.engine.types import ABUSE_ATTRIBUTES

from . import errors

#: Attributes Parley answers: Perspective's six production attributes plus Parley's two.
CONTEXT_ATTRIBUTES: tuple[str, ...] = ("OFF_TOPIC",)
SUPPORTED_ATTRIBUTES: tuple[str, ...] = (*ABUSE_ATTRIBUTES, "OFF_TOPIC", "SPAM")
#: Older clients (and some Coral set-ups) ask for the experimental names; they get the same model.
EXPERIMENTAL_SUFFIX = "_EXPERIMENTAL"
#: Score types: Parley's scores are calibrated probabilities only.
PROBABILITY_SCORE_TYPES = frozenset({"PROBABILITY", "SCORE_TYPE_UNSPECIFIED"})
TEXT_TYPES = frozenset({"PLAIN_TEXT", "TEXT_TYPE_UNSPECIFIED"})
#: Perspective's own ceiling for comment text (the npm client enforces the same number).
MAX_COMMENT_BYTES = 20480

_REQUEST_FIELDS = frozenset({
    "comment", "context", "requestedAttributes", "languages", "doNotStore", "clientToken",
    "sessionId", "spanAnnotations", "communityId", "dropUnsupportedAttributes",
})
_TEXT_ENTRY_FIELDS = frozenset({"text", "type"})
_CONTEXT_FIELDS = frozenset({"entries", "articleAndParentComment"})
_ARTICLE_FIELDS = frozenset({"article", "parentComment"})
_ATTRIBUTE_FIELDS = frozenset({"scoreType", "scoreThreshold"})


@dataclass(frozen=True)
class RequestedAttribute:
    """One entry of ``requestedAttributes``: the name as asked and the model that answers it."""

    name: str
    model: str
    score_threshold: float | None = None
    score_type: str = "PROBABILITY"


@dataclass(frozen=True)
class AnalyzeRequest:
    """A checked AnalyzeComment request, in the terms Parley's engine understands."""

    text: str
    attributes: tuple[RequestedAttribute, ...]
    languages: tuple[str, ...] = ()
    article: str = ""
    parent: str = ""
    thread: tuple[str, ...] = ()
    span_annotations: bool = False
    drop_unsupported_attributes: bool = False
    do_not_store: bool = False
    client_token: str | None = None
    session_id: str | None = None
    community_id: str | None = None

    @property
    def has_context(self) -> bool:
        return bool(self.article.strip() or self.parent.strip())


def model_for_attribute(name: str) -> str | None:
    """Return the Parley attribute that answers ``name``, or None when there is none."""
    if name in SUPPORTED_ATTRIBUTES:
        return name
    if name.endswith(EXPERIMENTAL_SUFFIX):
        base = name[: -len(EXPERIMENTAL_SUFFIX)]
        if base in ABUSE_ATTRIBUTES:
            return base
    return None


def parse_body(raw: bytes) -> dict[str, Any]:
    """Decode the request body into a JSON object, or raise Google's invalid-payload error."""
    if not raw.strip():
        raise errors.invalid_argument("The request body is empty: send an AnalyzeComment request.")
    try:
        data = load_json(raw)
    except BadJson as exc:
        raise errors.invalid_json(exc.message) from exc
    if not isinstance(data, dict):
        raise errors.invalid_json("The request must be a JSON object.")
    return data


def _check_fields(obj: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    for name in obj:
        if name not in allowed:
            raise errors.unknown_field(name, where)


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise errors.invalid_json(f"Invalid value at '{where}': expected an object.")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise errors.invalid_json(
            f"Invalid value at '{where}' ({_json_type(value)}), expected a string."
        )
    return value


def _boolean(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise errors.invalid_json(
            f"Invalid value at '{where}' ({_json_type(value)}), expected a boolean."
        )
    return value


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "TYPE_BOOL"
    if isinstance(value, int | float):
        return "TYPE_NUMBER"
    if isinstance(value, str):
        return "TYPE_STRING"
    if isinstance(value, list):
        return "TYPE_LIST"
    return "TYPE_OBJECT"


def _text_entry(value: Any, where: str) -> str:
    entry = _object(value, where)
    _check_fields(entry, _TEXT_ENTRY_FIELDS, where)
    text_type = _string(entry.get("type", "PLAIN_TEXT"), f"{where}.type")
    if text_type == "HTML":
        raise errors.invalid_argument(
            f"{where}.type HTML is not supported: send PLAIN_TEXT (strip the markup first)."
        )
    if text_type not in TEXT_TYPES:
        raise errors.invalid_json(
            f"Invalid value at '{where}.type' ({text_type!r}): expected PLAIN_TEXT."
        )
    return _string(entry.get("text", ""), f"{where}.text")


def _requested_attributes(value: Any) -> tuple[RequestedAttribute, ...]:
    missing = "Missing requested_attributes: ask for at least one attribute."
    if value is None:
        raise errors.invalid_argument(missing)
    requested = _object(value, "requested_attributes")
    if not requested:
        raise errors.invalid_argument(missing)
    attributes = []
    for name, params in requested.items():
        where = f"requested_attributes[{name}]"
        model = model_for_attribute(name)
        if model is None:
            raise errors.invalid_argument(
                f"Unknown attribute: {name}. Parley supports {', '.join(SUPPORTED_ATTRIBUTES)}.",
                [{
                    "@type": errors.BAD_REQUEST_TYPE,
                    "fieldViolations": [{"field": where, "description": "Unknown attribute."}],
                }],
            )
        params = _object(params if params is not None else {}, where)
        _check_fields(params, _ATTRIBUTE_FIELDS, where)
        score_type = _string(params.get("scoreType", "PROBABILITY"), f"{where}.scoreType")
        if score_type not in PROBABILITY_SCORE_TYPES:
            raise errors.invalid_argument(
                f"Attribute {name} does not support score type {score_type}: "
                "Parley returns PROBABILITY scores only."
            )
        threshold = params.get("scoreThreshold")
        if threshold is not None:
            if isinstance(threshold, bool) or not isinstance(threshold, int | float):
                raise errors.invalid_json(
                    f"Invalid value at '{where}.scoreThreshold' ({_json_type(threshold)}), "
                    "expected a number."
                )
            if not 0.0 <= float(threshold) <= 1.0:
                raise errors.invalid_argument(
                    f"{where}.scoreThreshold must be between 0 and 1, not {threshold}."
                )
            threshold = float(threshold)
        attributes.append(RequestedAttribute(name, model, threshold, "PROBABILITY"))
    return tuple(attributes)


def _languages(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise errors.invalid_json("Invalid value at 'languages': expected a list of strings.")
    codes = (_string(item, f"languages[{index}]").strip() for index, item in enumerate(value))
    return tuple(code for code in codes if code)


def _context(value: Any) -> tuple[str, str, tuple[str, ...]]:
    """Return (article, parent, thread) from either form of Perspective's context."""
    if value is None:
        return "", "", ()
    context = _object(value, "context")
    _check_fields(context, _CONTEXT_FIELDS, "context")
    if "entries" in context and "articleAndParentComment" in context:
        raise errors.invalid_argument(
            "context: populate only one of entries and articleAndParentComment."
        )
    if "articleAndParentComment" in context:
        pair = _object(context["articleAndParentComment"], "context.articleAndParentComment")
        _check_fields(pair, _ARTICLE_FIELDS, "context.articleAndParentComment")
        article = (
            _text_entry(pair["article"], "context.articleAndParentComment.article")
            if "article" in pair else ""
        )
        parent = (
            _text_entry(pair["parentComment"], "context.articleAndParentComment.parentComment")
            if "parentComment" in pair else ""
        )
        return article, parent, ()
    entries = context.get("entries", [])
    if not isinstance(entries, list):
        raise errors.invalid_json("Invalid value at 'context.entries': expected a list.")
    texts = [_text_entry(entry, f"context.entries[{i}]") for i, entry in enumerate(entries)]
    texts = [text for text in texts if text.strip()]
    # The first entry is the article; any later ones are other comments in the thread.
    return (texts[0] if texts else ""), "", tuple(texts[1:])


def comment_text(data: dict[str, Any]) -> str:
    """The request's ``comment.text``: present, not blank, at most MAX_COMMENT_BYTES (the same
    rule for AnalyzeComment and SuggestCommentScore)."""
    if "comment" not in data:
        raise errors.invalid_argument("Comment must be non-empty.")
    text = _text_entry(data["comment"], "comment")
    # Invisible characters alone (zero-width spaces, controls) are no comment either.
    if not normalise_text(text):
        raise errors.invalid_argument("Comment must be non-empty.")
    if len(text.encode("utf-8")) > MAX_COMMENT_BYTES:
        raise errors.invalid_argument(
            f"Comment text too long: at most {MAX_COMMENT_BYTES} bytes of UTF-8."
        )
    return text


def parse_analyze_request(data: dict[str, Any]) -> AnalyzeRequest:
    """Check a decoded AnalyzeComment body and return it as an AnalyzeRequest."""
    _check_fields(data, _REQUEST_FIELDS, "")
    text = comment_text(data)
    attributes = _requested_attributes(data.get("requestedAttributes"))
    article, parent, thread = _context(data.get("context"))

    def optional_string(name: str) -> str | None:
        return _string(data[name], name) if data.get(name) is not None else None

    def flag(name: str) -> bool:
        return _boolean(data[name], name) if data.get(name) is not None else False

    return AnalyzeRequest(
        text=text,
        attributes=attributes,
        languages=_languages(data.get("languages")),
        article=article,
        parent=parent,
        thread=thread,
        span_annotations=flag("spanAnnotations"),
        drop_unsupported_attributes=flag("dropUnsupportedAttributes"),
        do_not_store=flag("doNotStore"),
        client_token=optional_string("clientToken"),
        session_id=optional_string("sessionId"),
        community_id=optional_string("communityId"),
    )

"""Errors in Google's JSON error format, so Perspective clients read Parley's errors as Google's.

Google APIs answer every failure with ``{"error": {"code", "message", "status", "details"}}``:
``code`` is the HTTP status, ``status`` the google.rpc code name, and ``details`` typed objects
(``@type``). Perspective adds its own detail type, ``google.commentanalyzer.v1alpha1.Error``,
with an ``errorType`` such as ``LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE``; clients branch on that.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse

COMMENTANALYZER_ERROR_TYPE = "type.googleapis.com/google.commentanalyzer.v1alpha1.Error"
ERROR_INFO_TYPE = "type.googleapis.com/google.rpc.ErrorInfo"
BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest"
SERVICE_NAME = "commentanalyzer.googleapis.com"


class PerspectiveError(Exception):
    """A failed API call, carrying what Google would answer for it."""

    def __init__(
        self, code: int, status: str, message: str, details: Sequence[dict[str, Any]] = ()
    ) -> None:
        super().__init__(message)
        self.code = code
        self.status = status
        self.message = message
        self.details = list(details)

    def as_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}

    def to_response(self) -> HttpResponse:
        """Return the error as Google sends it: pretty JSON, UTF-8, with the HTTP status."""
        body = json.dumps(self.as_dict(), indent=2, ensure_ascii=False)
        return HttpResponse(
            body, status=self.code, content_type="application/json; charset=UTF-8"
        )


def invalid_argument(message: str, details: Sequence[dict[str, Any]] = ()) -> PerspectiveError:
    return PerspectiveError(400, "INVALID_ARGUMENT", message, details)


def invalid_json(problem: str) -> PerspectiveError:
    """Google's wording for a body it cannot read as the request message."""
    return invalid_argument(f"Invalid JSON payload received. {problem}")


def unknown_field(name: str, where: str = "") -> PerspectiveError:
    """An unknown name in the body: Google rejects it rather than ignoring a likely typo."""
    field = f"{where}.{name}" if where else name
    return invalid_argument(
        f'Invalid JSON payload received. Unknown name "{name}"'
        f'{" at " + repr(where) if where else ""}: Cannot find field.',
        [{
            "@type": BAD_REQUEST_TYPE,
            "fieldViolations": [{
                "field": field,
                "description": f'Invalid JSON payload received. Unknown name "{name}": '
                               "Cannot find field.",
            }],
        }],
    )


def missing_api_key() -> PerspectiveError:
    return PerspectiveError(403, "PERMISSION_DENIED", "The request is missing a valid API key.")


def invalid_api_key() -> PerspectiveError:
    return invalid_argument(
        "API key not valid. Please pass a valid API key.",
        [{
            "@type": ERROR_INFO_TYPE,
            "reason": "API_KEY_INVALID",
            "domain": "googleapis.com",
            "metadata": {"service": SERVICE_NAME},
        }],
    )


def rate_limited(rate: str) -> PerspectiveError:
    return PerspectiveError(
        429,
        "RESOURCE_EXHAUSTED",
        f"Quota exceeded for this API key: at most {rate} analyze requests.",
        [{
            "@type": ERROR_INFO_TYPE,
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {"service": SERVICE_NAME, "quota_limit_value": rate},
        }],
    )


def payload_too_large(limit_bytes: int) -> PerspectiveError:
    return PerspectiveError(
        413, "INVALID_ARGUMENT", f"Request payload size exceeds the limit: {limit_bytes} bytes."
    )


def language_not_supported(
    attribute: str, languages: Sequence[str], *, detected: bool
) -> PerspectiveError:
    """The error Perspective gives when an attribute has no model for the comment's language.

    ``detected`` says whether the languages came from detection or from the request, which
    decides the field name in the detail (``detectedLanguages`` / ``requestedLanguages``).
    """
    payload: dict[str, Any] = {"attribute": attribute}
    payload["detectedLanguages" if detected else "requestedLanguages"] = list(languages)
    return invalid_argument(
        f"Attribute {attribute} does not support request languages: {', '.join(languages)}",
        [{
            "@type": COMMENTANALYZER_ERROR_TYPE,
            "errorType": "LANGUAGE_NOT_SUPPORTED_BY_ATTRIBUTE",
            "languageNotSupportedByAttributeError": payload,
        }],
    )


def unimplemented(message: str, code: int = 501) -> PerspectiveError:
    return PerspectiveError(code, "UNIMPLEMENTED", message)


def engine_unavailable(message: str) -> PerspectiveError:
    return PerspectiveError(503, "UNAVAILABLE", message)

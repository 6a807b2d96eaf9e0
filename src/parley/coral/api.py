"""``POST /api/v1/coral/phase?site=SLUG``: Parley as a Coral external moderation phase.

The signature is checked on the raw body before anything in it is read: 401 when Coral's
``X-Coral-Signature`` header is missing, 403 when it does not match the site's phase secret
(or the previous one, while it rotates). Then 422 for a body that is not Coral's request, and
200 with Coral's response, or 204 "no decision" (see ``phase``). An unknown site, or a site
with no Coral phase set up, is 404.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router
from ninja.errors import ValidationError
from pydantic import ValidationError as PydanticValidationError

from parley.comments.models import Site
from parley.moderation.models import CoralPhase
from parley.web.api import ErrorOut, json_response

from . import signature
from .phase import Budget, ExternalModerationRequest, ExternalModerationResponse, decide

router = Router(tags=["coral"])



def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its nested models written in place: the body is read by
    hand (after the signature check), so Ninja registers none of them as components."""
    definitions = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(definitions[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return resolve(schema)


_REQUEST_SCHEMA = {
    "content": {"application/json": {
        "schema": _inline_refs(ExternalModerationRequest.model_json_schema())}},
    "required": True,
}


def _parse(body: bytes) -> ExternalModerationRequest:
    """Coral's request from the (already authenticated) body, or the API's 422."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValidationError([{"loc": ("body",), "type": "json_invalid",
                                "msg": f"The request body is not valid JSON ({error})."}]) from None
    if not isinstance(data, dict):
        raise ValidationError([{"loc": ("body",), "type": "model_type",
                                "msg": "The request body must be a JSON object."}])
    try:
        return ExternalModerationRequest.model_validate(data)
    except PydanticValidationError as error:
        raise ValidationError([
            {**e, "loc": ("body", "payload", *e.get("loc", ()))} for e in error.errors()
        ]) from None


@router.post(
    "/phase",
    response={200: ExternalModerationResponse, 204: None, 401: ErrorOut, 403: ErrorOut,
              404: ErrorOut, 422: ErrorOut},
    summary="Coral external moderation phase",
    openapi_extra={"requestBody": _REQUEST_SCHEMA},
)
def coral_phase(request: HttpRequest, site: str) -> HttpResponse:
    """Decide a Coral comment with the site's moderation pipeline, within Coral's timeout.

    Paste this URL (with ``?site=`` your Parley site's slug) into Coral's admin: Configure ->
    Moderation -> External moderation phases, and the phase's signing secret into Parley
    (``parley coral-phase``). See docs/coral.md.
    """
    started = time.monotonic()
    phase = (CoralPhase.objects.select_related("site").filter(site__slug=site).first()
             if site else None)
    if phase is None:
        exists = bool(site) and Site.objects.filter(slug=site).exists()
        detail = (f"Site {site!r} has no Coral phase set up: run `parley coral-phase --site "
                  f"{site}` with Coral's signing secret." if exists
                  else f"There is no site {site!r}.")
        return json_response({"detail": detail}, status=404)
    body = request.body
    try:
        signature.verify(header=request.headers.get(signature.HEADER, ""), body=body,
                         secrets=phase.active_secrets())
    except signature.SignatureError as error:
        return json_response({"detail": error.message}, status=401 if error.missing else 403)
    payload = _parse(body)
    answer = decide(site=phase.site, request=payload,
                    budget=Budget(timeout_s=phase.timeout_ms / 1000, started=started))
    if answer is None:
        return HttpResponse(status=204)
    return json_response(answer)

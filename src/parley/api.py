"""The NinjaAPI instance mounted at /api/v1/ (schema: openapi.json, docs page: docs)."""

from __future__ import annotations

import json

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.parser import Parser

from parley.coral.api import router as coral_router
from parley.web.api import register_error_handlers
from parley.web.api import router as comments_router


class StrictJsonParser(Parser):
    """Decode the body as UTF-8 first, so bad bytes and bad JSON get their own 400 message."""

    def parse_body(self, request: HttpRequest):
        return json.loads(request.body.decode("utf-8"))


api = NinjaAPI(
    title="Parley API",
    version="1",
    description="Comments for news sites: stories, threads, posting, counts, reports.",
    urls_namespace="api-v1",
    parser=StrictJsonParser(),
)
register_error_handlers(api)
api.add_router("/", comments_router)
api.add_router("/coral", coral_router)

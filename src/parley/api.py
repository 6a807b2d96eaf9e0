"""The NinjaAPI instance mounted at /api/v1/ (schema: openapi.json, docs page: docs)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.parser import Parser

from parley.comments.json_input import load_json
from parley.coral.api import router as coral_router
from parley.web.api import register_error_handlers
from parley.web.api import router as comments_router


class StrictJsonParser(Parser):
    """Parse bodies with ``load_json``: bad UTF-8, bad JSON, lone surrogates and deep nesting
    each get their own 400 message (``web.api.http_error`` reads it from the cause)."""

    def parse_body(self, request: HttpRequest):
        return load_json(request.body)


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

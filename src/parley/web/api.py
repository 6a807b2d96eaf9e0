"""The JSON API (Django Ninja) at /api/v1/: stories, threads, posting, counts, reports.

Each operation declares its own input and output schema, calls one selector or action and
maps domain errors (parley.comments.errors) to HTTP answers. The thread endpoint serves a
cached, pre-serialised body keyed on the story's cache version (one query per request).

CSRF: no write here is authorised by a cookie. Posting and reporting are anonymous, story
writes need the site API key in a header, so a forged cross-site request gains nothing that a
direct request would not; the API is therefore csrf-exempt (Ninja's default without cookie
auth). Cross-origin reads/writes from the embed are limited by CORS to each site's allowed
origins (parley.comments.middleware).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer

from parley import __version__, actions
from parley.comments import selectors, services
from parley.comments.cache_keys import thread_body_key
from parley.comments.client_address import client_address
from parley.comments.errors import Forbidden, InvalidInput, NotFound, ParleyError, RateLimited
from parley.comments.models import Comment, Site, Story
from parley.comments.selectors import CommentNode, ThreadPage
from parley.http_cache import not_modified, public_headers

router = Router(tags=["comments"])


# --- Schemas ----------------------------------------------------------------------------------

class ErrorOut(Schema):
    detail: str
    field: str | None = None


class StoryOut(Schema):
    id: int
    url: str
    slug: str
    title: str
    standfirst: str
    dateline: str
    publication_line: str
    published_at: datetime | None
    comments_closed: bool
    published_count: int


class CommentOut(Schema):
    id: int
    parent_id: int | None
    author_name: str
    created: datetime = Field(description="ISO 8601")
    text: str
    language: str = Field(description="BCP-47 code detected by the engine, empty when unknown")
    status: Literal["published", "pending", "rejected", "removed"]
    reply_count: int
    replying_to: str | None
    replies: list[CommentOut] = []


class ThreadOut(Schema):
    story_id: int
    published_count: int
    order: Literal["newest", "oldest"]
    next_cursor: str | None
    comments: list[CommentOut]


class CommentIn(Schema):
    text: str
    author_name: str
    author_email: str = ""
    parent_id: int | None = None


class PostedOut(Schema):
    comment: CommentOut
    status: Literal["published", "pending", "rejected"]
    public_reasons: list[str]
    nudge: str | None


class CountsIn(Schema):
    urls: list[str] = Field(..., max_length=100)


class CountsOut(Schema):
    counts: dict[str, int]


class ReportIn(Schema):
    reason: Literal["abusive", "off_topic", "spam", "other"]
    note: str = ""


class ReportOut(Schema):
    id: int
    comment_id: int
    reason: str


class StoryIn(Schema):
    url: str
    title: str
    slug: str | None = None
    standfirst: str = ""
    dateline: str = ""
    body: str = ""
    publication_line: str = ""
    published_at: datetime | None = None
    is_closed: bool = False
    closes_at: datetime | None = None
    premoderate: bool = False


class EmbedStoryIn(Schema):
    url: str
    title: str


# --- Serialisation ----------------------------------------------------------------------------
# Dicts are built here and every answer goes out through its operation's declared schema
# (``schema_response``), so a field missing or of the wrong type fails here, not in a client.
# The thread body is validated once when it is cached, then served as bytes.

def story_dict(story: Story) -> dict:
    return {
        "id": story.pk, "url": story.url, "slug": story.slug, "title": story.title,
        "standfirst": story.standfirst, "dateline": story.dateline,
        "publication_line": story.publication_line,
        "published_at": story.published_at.isoformat() if story.published_at else None,
        "comments_closed": story.comments_closed(), "published_count": story.published_count,
    }


def comment_dict(comment: Comment, *, reply_count: int = 0, replying_to: str | None = None,
                 replies: list[dict] | None = None) -> dict:
    """The public view of a comment: never the email or the address hash."""
    return {
        "id": comment.pk, "parent_id": comment.parent_id, "author_name": comment.author_name,
        "created": comment.created_at.isoformat(), "text": comment.text,
        "language": comment.language, "status": comment.status, "reply_count": reply_count,
        "replying_to": replying_to,
        "replies": replies or [],
    }


def node_dict(node: CommentNode) -> dict:
    return comment_dict(node.comment, reply_count=node.reply_count, replying_to=node.replying_to,
                        replies=[node_dict(r) for r in node.replies])


def thread_dict(story: Story, page: ThreadPage, order: str) -> dict:
    return {"story_id": story.pk, "published_count": page.published_count, "order": order,
            "next_cursor": page.next_cursor, "comments": [node_dict(n) for n in page.comments]}


def _jsonable(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_body(data: dict) -> bytes:
    """Return compact UTF-8 JSON (datetimes as ISO 8601, as ``isoformat`` writes them)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"),
                      default=_jsonable).encode("utf-8")


def json_response(data: dict, status: int = 200) -> HttpResponse:
    """Answer with a JSON body (errors; answers with a schema use ``schema_response``)."""
    return HttpResponse(json_body(data), status=status,
                        content_type="application/json; charset=utf-8")


def through_schema(schema: type[Schema], data: dict) -> dict:
    """Return ``data`` validated by, and dumped from, the operation's declared output schema."""
    return schema.model_validate(data).model_dump()


def schema_response(schema: type[Schema], data: dict, status: int = 200) -> HttpResponse:
    """Answer with ``data`` built through its declared output schema."""
    return json_response(through_schema(schema, data), status)


# --- Auth -------------------------------------------------------------------------------------

class SiteKeyAuth(HttpBearer):
    """The site API key, in ``Authorization: Bearer <key>`` or ``X-Parley-Key: <key>``."""

    def __call__(self, request: HttpRequest) -> Site | None:
        key = request.headers.get("X-Parley-Key", "").strip()
        if key:
            return self.authenticate(request, key)
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Site | None:
        try:
            return selectors.site_for_api_key(token)
        except ParleyError:
            return None


# --- Operations -------------------------------------------------------------------------------

@router.get("/stories/{story_id}", response={200: StoryOut, 404: ErrorOut})
def get_story(request: HttpRequest, story_id: int):
    """A story by id."""
    return schema_response(StoryOut, story_dict(selectors.get_story(story_id)))


@router.get("/stories", response={200: StoryOut, 404: ErrorOut, 422: ErrorOut})
def find_story(request: HttpRequest, url: str):
    """A story by its canonical URL."""
    story = selectors.find_story_by_url(url)
    if story is None:
        raise NotFound("No story at this URL.")
    return schema_response(StoryOut, story_dict(story))


def thread_etag(story_id: int, version: int, *, order: str, cursor: str | None,
                limit: int) -> str:
    """The ETag of a thread page: new whenever the story's ``cache_version`` moves (every
    publish, hide, removal, featuring or edit) or Parley's version does (a new body shape)."""
    query = hashlib.sha256(f"{order}|{cursor or ''}|{limit}|{__version__}".encode()).hexdigest()
    return f'"t{story_id}.{version}.{query[:16]}"'


@router.get("/stories/{story_id}/comments",
            response={200: ThreadOut, 304: None, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def list_comments(request: HttpRequest, story_id: int, cursor: str | None = None,
                  limit: int | None = None, order: Literal["newest", "oldest"] = "newest"):
    """Top-level comments, ``limit`` at a time, each with its replies nested (3 levels).

    Shareable by CDNs for ``PARLEY_PUBLIC_MAX_AGE`` seconds; revalidated with If-None-Match
    (304 while nothing on the story changed).
    """
    limit = settings.PARLEY_PAGE_SIZE if limit is None else limit
    version = selectors.story_cache_version(story_id)
    etag = thread_etag(story_id, version, order=order, cursor=cursor, limit=limit)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    body = cache.get(thread_body_key(story_id, version, order=order, cursor=cursor, limit=limit))
    if body is None:
        story = selectors.get_story(story_id)
        page = selectors.thread_page(story=story, order=order, cursor=cursor, limit=limit)
        body = json_body(through_schema(ThreadOut, thread_dict(story, page, order)))
        key = thread_body_key(story.pk, story.cache_version, order=order, cursor=cursor,
                              limit=limit)
        cache.set(key, body, settings.PARLEY_CACHE_SECONDS)
        etag = thread_etag(story.pk, story.cache_version, order=order, cursor=cursor,
                           limit=limit)
    return public_headers(HttpResponse(body, content_type="application/json; charset=utf-8"),
                          etag)


@router.post("/stories/{story_id}/comments",
             response={201: PostedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                       413: ErrorOut, 422: ErrorOut, 429: ErrorOut})
def post_comment(request: HttpRequest, story_id: int, payload: CommentIn):
    """Post a comment or a reply; 201 means it is stored, whatever its status."""
    story = selectors.get_story(story_id)
    parent = None
    if payload.parent_id is not None:
        try:
            parent = Comment.objects.get(pk=payload.parent_id)
        except Comment.DoesNotExist:
            raise NotFound("parent_id: no comment with this id.") from None
    result = actions.post_comment(
        story=story, text=payload.text, author_name=payload.author_name,
        author_email=payload.author_email, parent=parent, client_ip=client_address(request),
    )
    return schema_response(PostedOut, {
        "comment": comment_dict(result.comment), "status": result.status,
        "public_reasons": result.public_reasons, "nudge": result.nudge,
    }, status=201)


@router.post("/counts", response={200: CountsOut, 422: ErrorOut})
def counts(request: HttpRequest, payload: CountsIn):
    """Published comment counts for up to 100 story URLs (0 for unknown ones).

    Not cacheable (a POST); listing pages behind a CDN use ``GET /counts?url=...``.
    """
    return schema_response(CountsOut, {"counts": selectors.published_counts(payload.urls)})


@router.get("/counts", response={200: CountsOut, 304: None, 422: ErrorOut})
def counts_by_query(request: HttpRequest,
                    url: list[str] = Query(..., min_length=1, max_length=100)):  # noqa: B008
    """The same counts for ``?url=A&url=B`` (up to 100), shareable by CDNs for
    ``PARLEY_PUBLIC_MAX_AGE`` seconds; revalidate with If-None-Match (304 while no count moved).
    """
    body = json_body(through_schema(CountsOut, {"counts": selectors.published_counts(url)}))
    etag = '"c' + hashlib.sha256(body).hexdigest()[:24] + '"'
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    return public_headers(HttpResponse(body, content_type="application/json; charset=utf-8"),
                          etag)


@router.post("/comments/{comment_id}/reports",
             response={201: ReportOut, 400: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def report_comment(request: HttpRequest, comment_id: int, payload: ReportIn):
    """Flag a published comment for the moderators."""
    comment = selectors.get_comment(comment_id)
    report = actions.report_comment(comment=comment, reason=payload.reason, note=payload.note,
                                     client_ip=client_address(request))
    return schema_response(ReportOut, {"id": report.pk, "comment_id": comment.pk,
                                       "reason": report.reason}, status=201)


@router.post("/stories", auth=SiteKeyAuth(),
             response={200: StoryOut, 201: StoryOut, 401: ErrorOut, 422: ErrorOut})
def save_story(request: HttpRequest, payload: StoryIn):
    """Create or update a story of the key's site (keyed by URL)."""
    fields = payload.dict(exclude={"url", "title"})
    if fields.get("slug") is None:
        fields.pop("slug")
    story, created = services.save_story(site=request.auth, url=payload.url,
                                         title=payload.title, **fields)
    return schema_response(StoryOut, story_dict(story), status=201 if created else 200)


@router.post("/embed/stories",
             response={200: StoryOut, 201: StoryOut, 403: ErrorOut, 422: ErrorOut})
def embed_story(request: HttpRequest, payload: EmbedStoryIn):
    """The embed's first load on a page of an allowed origin: find or create its story."""
    origin = request.headers.get("Origin", "")
    site = selectors.site_for_origin(origin)
    if site is None:
        raise Forbidden("This origin is not allowed to embed comments.")
    url = services.canonical_story_url(payload.url)
    if services.url_origin(url) != origin.strip().rstrip("/").lower():
        raise InvalidInput("url", "The story URL must be on the embedding page's origin.")
    existing = selectors.find_story_by_url(url)
    if existing is not None and existing.site_id == site.pk:
        return schema_response(StoryOut, story_dict(existing))
    story = services.ensure_story(site=site, url=url, title=payload.title)
    return schema_response(StoryOut, story_dict(story), status=201)


# --- Errors -----------------------------------------------------------------------------------

def _field_of(loc: list | tuple) -> str:
    """The user's field name from a pydantic location like ("body", "payload", "text")."""
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload")]
    return ".".join(parts) or "body"


def parley_error(request: HttpRequest, exc: ParleyError) -> HttpResponse:
    data: dict = {"detail": exc.message}
    if isinstance(exc, InvalidInput):
        data["field"] = exc.field
    response = json_response(data, status=exc.status)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Reshape pydantic's errors into one clear message naming the field, plus the full list."""
    errors = []
    for error in exc.errors:
        loc = error.get("loc", ())
        field_name = _field_of(loc)
        message = error.get("msg", "is not valid")
        if error.get("type") == "missing":
            message = "This field is required."
        elif error.get("type") == "too_long" and field_name == "urls":
            message = "At most 100 URLs can be counted at once."
        errors.append({"field": field_name, "message": message})
    if not errors:
        return json_response({"detail": "The request is not valid."}, status=422)
    first = errors[0]
    if first["field"] == "body" and request.method == "POST":
        first["message"] = "The request body must be a JSON object."
    return json_response({"detail": f"{first['field']}: {first['message']}",
                          "field": first["field"], "errors": errors}, status=422)


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's 400 for an unparseable body, with the reason (bad UTF-8 or bad JSON)."""
    message = str(exc)
    cause = exc.__cause__
    if isinstance(cause, UnicodeDecodeError):
        message = "The request body is not valid UTF-8."
    elif isinstance(cause, json.JSONDecodeError):
        message = f"The request body is not valid JSON ({cause.msg} at position {cause.pos})."
    return json_response({"detail": message}, status=exc.status_code)


def register_error_handlers(api) -> None:
    api.add_exception_handler(ParleyError, parley_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)


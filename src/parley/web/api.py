"""The JSON API (Django Ninja) at /api/v1/: stories, threads, posting, counts, reports.

Each operation declares its own input and output schema, calls one selector or action and
maps domain errors (parley.comments.errors) to HTTP answers. The thread endpoint serves a
cached, pre-serialised body keyed on the story's cache version (one query per request).

CSRF: no write here is authorised by a cookie (story writes need the site API key in a header),
so the API is csrf-exempt (Ninja's default without cookie auth). But posting and reporting are
anonymous and counted per address, so a forged cross-site request would act from each visitor's
own address: the API guard (parley.comments.middleware) refuses writes that are not
application/json (415) or come from an origin no site allows (403), and posting and reporting
check the story's own site here (``_check_site_origin``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Literal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer

from parley import __version__, actions
from parley.comments import selectors, services
from parley.comments.cache_keys import thread_body_key
from parley.comments.client_address import client_address
from parley.comments.errors import (
    EmbedNotAllowed,
    Forbidden,
    InvalidInput,
    NotFound,
    ParleyError,
    RateLimited,
)
from parley.comments.ids import MAX_ID
from parley.comments.json_input import BadJson
from parley.comments.middleware import check_origin
from parley.comments.models import Comment, CommentStatus, Reaction, Site, Story
from parley.comments.selectors import CommentNode, ThreadPage
from parley.http_cache import not_modified, public_headers

router = Router(tags=["comments"])


# --- Schemas ----------------------------------------------------------------------------------

class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str = Field(description="What was wrong, for a person to read.")
    field: str | None = Field(None, description="The field at fault, when there is one.")
    errors: list[FieldErrorOut] | None = Field(None, description="422: every field at fault.")


# What every operation may answer besides its own codes. 400: a body that is not JSON (bad
# UTF-8, a lone surrogate, nesting deeper than 32); 413: a body over PARLEY_MAX_BODY_BYTES;
# 415: a body sent as another Content-Type than application/json; 422: a field out of range.
QUERY_ERRORS = {422: ErrorOut}
BODY_ERRORS = {400: ErrorOut, 403: ErrorOut, 413: ErrorOut, 415: ErrorOut, 422: ErrorOut}
ID_RANGE = {"ge": 1, "le": MAX_ID}


class EmbedErrorOut(ErrorOut):
    code: str | None = None
    origin: str | None = None
    hint: str | None = None


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
    author_name: str = Field(description="empty for a comment deleted by its author")
    created: datetime = Field(description="ISO 8601")
    text: str = Field(description="empty for a comment deleted by its author")
    language: str = Field(description="BCP-47 code detected by the engine, empty when unknown")
    status: Literal["published", "pending", "rejected", "removed", "deleted"]
    is_featured: bool = Field(False, description="chosen by the site's moderators")
    edited: datetime | None = Field(None, description="when its author last edited it")
    recommend_count: int = 0
    reply_count: int
    replying_to: str | None
    replies: list[CommentOut] = []


class ThreadOut(Schema):
    story_id: int
    published_count: int
    order: Literal["newest", "oldest", "featured"]
    next_cursor: str | None
    comments: list[CommentOut]


class CommentIn(Schema):
    text: str = Field(description="The comment, 1 to PARLEY_MAX_COMMENT_CHARS (5,000) "
                                  "characters after trimming.")
    author_name: str = Field(description="1 to PARLEY_MAX_NAME_CHARS (80) characters.")
    author_email: str = Field("", description="Optional; never shown. An e-mail address or "
                                              "empty.")
    parent_id: int | None = Field(None, ge=1, le=MAX_ID,
                                  description="The comment this one replies to.")


class PostedOut(Schema):
    comment: CommentOut
    status: Literal["published", "pending", "rejected"]
    public_reasons: list[str]
    nudge: str | None
    edit_token: str | None = Field(
        None, description="Shown only in this answer: send it as X-Parley-Edit-Token to edit "
                          "or delete this comment. Keep it secret; it is not stored in clear.")
    editable_until: datetime | None = Field(None, description="end of the edit window")


class EditIn(Schema):
    text: str


class EditedOut(Schema):
    comment: CommentOut
    status: Literal["published", "pending", "deleted"]
    changed: bool
    public_reasons: list[str]
    editable_until: datetime | None


class RecommendIn(Schema):
    recommend: bool = True


class RecommendOut(Schema):
    comment_id: int
    recommended: bool
    count: int


class RecommendedOut(Schema):
    comment_ids: list[int]


class UpdatesOut(Schema):
    story_id: int
    latest_id: int = Field(description="the newest published comment's id (0: none)")
    new_count: int = Field(description="published comments (replies too) with an id above since")
    published_count: int


class CountsIn(Schema):
    urls: list[str] = Field(..., max_length=100,
                            description="Up to 100 story URLs; one that is not a story counts 0.")


class CountsOut(Schema):
    counts: dict[str, int]


class ReportIn(Schema):
    reason: Literal["abusive", "off_topic", "spam", "other"]
    note: str = Field("", description="Optional; at most 500 characters (422 beyond).")


class ReportOut(Schema):
    id: int
    comment_id: int
    reason: str


ARTICLE_DATE = "ISO 8601 date-time from the year 1800 to 2199 (no offset means UTC)."


class StoryIn(Schema):
    """A whole story (PUT semantics): a field left out takes its default."""

    url: str = Field(description="The story's canonical http(s) URL, at most 1,000 characters.",
                     json_schema_extra={"format": "uri"})
    title: str
    slug: str | None = None
    standfirst: str = ""
    dateline: str = ""
    body: str = ""
    publication_line: str = ""
    published_at: datetime | None = Field(None, description=ARTICLE_DATE)
    is_closed: bool = False
    closes_at: datetime | None = Field(None, description=ARTICLE_DATE)
    premoderate: bool = False


class StoryPatchIn(Schema):
    """A partial update: only the fields sent change; the others keep their values."""

    title: str | None = None
    slug: str | None = None
    standfirst: str | None = None
    dateline: str | None = None
    body: str | None = None
    publication_line: str | None = None
    published_at: datetime | None = Field(None, description=ARTICLE_DATE)
    is_closed: bool | None = None
    closes_at: datetime | None = Field(None, description=ARTICLE_DATE)
    premoderate: bool | None = None


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
    """The public view of a comment: never the email, the address hash or the edit token; a
    comment deleted by its author keeps only its place in the thread."""
    deleted = comment.status == CommentStatus.DELETED
    return {
        "id": comment.pk, "parent_id": comment.parent_id,
        "author_name": "" if deleted else comment.author_name,
        "created": comment.created_at.isoformat(), "text": "" if deleted else comment.text,
        "language": "" if deleted else comment.language, "status": comment.status,
        "is_featured": comment.is_featured and not deleted,
        "edited": comment.edited_at.isoformat() if comment.edited_at and not deleted else None,
        "recommend_count": 0 if deleted else comment.recommend_count,
        "reply_count": reply_count,
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


def _check_site_origin(request: HttpRequest, site: Site) -> None:
    """Refuse a browser write from an origin this story's site does not allow (403)."""
    refusal = check_origin(request, site.origins)
    if refusal:
        raise Forbidden(refusal)


# --- Operations-------------------------------------------------------------------------------

@router.get("/stories/{story_id}", response={200: StoryOut, 404: ErrorOut, **QUERY_ERRORS})
def get_story(request: HttpRequest, story_id: int = Path(..., **ID_RANGE)):
    """A story by id."""
    return schema_response(StoryOut, story_dict(selectors.get_story(story_id)))


@router.get("/stories", response={200: StoryOut, 404: ErrorOut, **QUERY_ERRORS})
def find_story(request: HttpRequest, url: str = Query(..., max_length=1000)):
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
            response={200: ThreadOut, 304: None, 404: ErrorOut, **QUERY_ERRORS})
def list_comments(request: HttpRequest, story_id: int = Path(..., **ID_RANGE),
                  cursor: str | None = Query(None, max_length=200,
                                             description="next_cursor of the previous page"),
                  limit: int | None = Query(None, ge=1, le=selectors.MAX_PAGE_SIZE,
                                            description="Top-level comments a page "
                                                        "(default PARLEY_PAGE_SIZE)"),
                  order: Literal["newest", "oldest", "featured"] = "newest"):
    """Top-level comments, ``limit`` at a time, each with its replies nested (3 levels);
    ``featured`` puts the comments the moderators featured first, then newest first.

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
             response={201: PostedOut, 404: ErrorOut, 429: ErrorOut, **BODY_ERRORS})
def post_comment(request: HttpRequest, payload: CommentIn,
                 story_id: int = Path(..., **ID_RANGE)):
    """Post a comment or a reply; 201 means it is stored, whatever its status.

    403: comments are closed, or the request came from a page of an origin the site does not
    allow. 429 (with Retry-After): this address, this author or this story is posting too fast.
    """
    story = selectors.get_story(story_id)
    _check_site_origin(request, story.site)
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
    editable = bool(result.edit_token)
    return schema_response(PostedOut, {
        "comment": comment_dict(result.comment), "status": result.status,
        "public_reasons": result.public_reasons, "nudge": result.nudge,
        "edit_token": result.edit_token or None,
        "editable_until": result.comment.edit_window_ends() if editable else None,
    }, status=201)


EDIT_TOKEN_HEADER = "X-Parley-Edit-Token"
READER_HEADER = "X-Parley-Reader"
READER_COOKIE = "parley_reader"


def _edit_token(request: HttpRequest) -> str:
    """The edit token, from its header only: a cookie would make these writes forgeable."""
    return request.headers.get(EDIT_TOKEN_HEADER, "").strip()


def _edited_answer(comment: Comment, *, changed: bool) -> HttpResponse:
    from parley.actions.own_comments import can_edit_now

    return schema_response(EditedOut, {
        "comment": comment_dict(comment), "status": comment.status, "changed": changed,
        "public_reasons": list(comment.public_reasons or []),
        "editable_until": comment.edit_window_ends() if can_edit_now(comment) else None,
    })


@router.patch("/comments/{comment_id}",
              response={200: EditedOut, 404: ErrorOut, 429: ErrorOut, **BODY_ERRORS})
def edit_comment(request: HttpRequest, payload: EditIn,
                 comment_id: int = Path(..., **ID_RANGE)):
    """Edit your own comment within the site's edit window (``X-Parley-Edit-Token``, the
    token its posting returned). The new text is scored again and may be held for review; a
    text that would be rejected is refused with 422 and the comment is unchanged."""
    comment = selectors.get_comment(comment_id)
    result = actions.edit_own_comment(comment=comment, token=_edit_token(request),
                                      text=payload.text, client_ip=client_address(request))
    return _edited_answer(result.comment, changed=result.changed)


@router.delete("/comments/{comment_id}",
               response={200: EditedOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                         429: ErrorOut})
def delete_comment(request: HttpRequest, comment_id: int = Path(..., **ID_RANGE)):
    """Delete your own comment (``X-Parley-Edit-Token``); replies stay in place under
    "[deleted by its author]". Deleting twice answers the same."""
    comment = selectors.get_comment(comment_id)
    comment = actions.delete_own_comment(comment=comment, token=_edit_token(request),
                                         client_ip=client_address(request))
    return _edited_answer(comment, changed=True)


@router.post("/comments/{comment_id}/recommend",
             response={200: RecommendOut, 404: ErrorOut, 429: ErrorOut, **BODY_ERRORS})
def recommend_comment(request: HttpRequest, payload: RecommendIn,
                      comment_id: int = Path(..., **ID_RANGE)):
    """Recommend a published comment (``{"recommend": false}`` takes it back) as the reader
    named by ``X-Parley-Reader`` (a random id the browser keeps). Idempotent."""
    comment = selectors.get_comment(comment_id)
    result = actions.set_recommendation(
        comment=comment, reader_id=request.headers.get(READER_HEADER, "").strip(),
        recommend=payload.recommend, client_ip=client_address(request))
    return schema_response(RecommendOut, {"comment_id": result.comment_id,
                                          "recommended": result.recommended,
                                          "count": result.count})


@router.get("/stories/{story_id}/recommended", response={200: RecommendedOut, 422: ErrorOut})
def recommended(request: HttpRequest, story_id: int = Path(..., **ID_RANGE)):
    """Which comments of the story this reader recommends (``X-Parley-Reader``, or the
    reader page's cookie: a read, so a cookie is safe here). A reader who never recommended
    anything has no id yet: an empty list, not an error."""
    from parley.actions.reactions import hash_reader

    reader = (request.headers.get(READER_HEADER, "").strip()
              or request.COOKIES.get(READER_COOKIE, ""))
    if not reader:
        return schema_response(RecommendedOut, {"comment_ids": []})
    reader_hash = hash_reader(reader)
    ids = sorted(Reaction.objects.filter(reader_hash=reader_hash, comment__story_id=story_id)
                 .values_list("comment_id", flat=True))
    return schema_response(RecommendedOut, {"comment_ids": ids})


@router.get("/stories/{story_id}/updates",
            response={200: UpdatesOut, 404: ErrorOut, **QUERY_ERRORS})
def story_updates(request: HttpRequest, story_id: int = Path(..., **ID_RANGE),
                  since: int = Query(0, ge=0, le=MAX_ID)):
    """What an open page polls: published comments newer than ``since`` (an id). Answers 304
    to ``If-None-Match`` while the story's cache version is unchanged (one indexed SELECT)."""
    version = selectors.story_cache_version(story_id)
    etag = f'"u{story_id}-{version}-{since}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        data = selectors.story_updates(story_id=story_id, version=version, since_id=since)
        response = schema_response(UpdatesOut, data)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return response


@router.post("/counts", response={200: CountsOut, **BODY_ERRORS})
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
             response={201: ReportOut, 404: ErrorOut, 429: ErrorOut, **BODY_ERRORS})
def report_comment(request: HttpRequest, payload: ReportIn,
                   comment_id: int = Path(..., **ID_RANGE)):
    """Flag a published comment for the moderators (429: this address reports too fast)."""
    comment = selectors.get_comment(comment_id)
    _check_site_origin(request, comment.story.site)
    report = actions.report_comment(comment=comment, reason=payload.reason, note=payload.note,
                                     client_ip=client_address(request))
    return schema_response(ReportOut, {"id": report.pk, "comment_id": comment.pk,
                                       "reason": report.reason}, status=201)


@router.api_operation(["PUT", "POST"], "/stories", auth=SiteKeyAuth(),
                      response={200: StoryOut, 201: StoryOut, 401: ErrorOut, **BODY_ERRORS})
def save_story(request: HttpRequest, payload: StoryIn):
    """Create or replace a story of the key's site, keyed by URL (PUT semantics: a field left
    out takes its default). POST is kept as a synonym; to change some fields, use PATCH."""
    fields = payload.dict(exclude={"url", "title"})
    if fields.get("slug") is None:
        fields.pop("slug")
    story, created = services.save_story(site=request.auth, url=payload.url,
                                         title=payload.title, **fields)
    return schema_response(StoryOut, story_dict(story), status=201 if created else 200)


@router.patch("/stories/{story_id}", auth=SiteKeyAuth(),
              response={200: StoryOut, 401: ErrorOut, 404: ErrorOut, **BODY_ERRORS})
def patch_story(request: HttpRequest, payload: StoryPatchIn,
                story_id: int = Path(..., **ID_RANGE)):
    """Change only the fields sent of one of the key's site's stories."""
    fields = payload.dict(exclude_unset=True)
    for name in ("title", "standfirst", "dateline", "body", "publication_line", "is_closed",
                 "premoderate"):
        if name in fields and fields[name] is None:
            raise InvalidInput(name, "cannot be null; leave the field out to keep it.")
    story = services.update_story(story_id=story_id, site=request.auth, **fields)
    return schema_response(StoryOut, story_dict(story))


class PersonIn(Schema):
    email: str = Field("", max_length=254)
    account: str = Field("", max_length=150)
    keep_text: bool = False


class ErasedOut(Schema):
    erased: int


@router.get("/people/comments", auth=SiteKeyAuth(),
            response={200: dict, 401: ErrorOut, **QUERY_ERRORS})
def person_data(request: HttpRequest, email: str = Query("", max_length=254),
                account: str = Query("", max_length=150)):
    """All of one commenter's comments on the key's site, with what the site keeps of them."""
    return json_response(actions.commenter_data(site=request.auth, acting_user=None,
                                                email=email, username=account, by_api_key=True))


@router.post("/people/erase", auth=SiteKeyAuth(),
             response={200: ErasedOut, 401: ErrorOut, **BODY_ERRORS})
def erase_person(request: HttpRequest, payload: PersonIn):
    """Erase one commenter's data from the key's site (their comments stay, anonymised)."""
    count = actions.erase_commenter(site=request.auth, acting_user=None, email=payload.email,
                                    username=payload.account, keep_text=payload.keep_text,
                                    by_api_key=True)
    return {"erased": count}


@router.post("/embed/stories",
             response={200: StoryOut, 201: StoryOut, **BODY_ERRORS, 403: EmbedErrorOut})
def embed_story(request: HttpRequest, payload: EmbedStoryIn):
    """The embed's first load on a page of an allowed origin: find or create its story."""
    origin = request.headers.get("Origin", "").strip().rstrip("/").lower()
    site = selectors.site_for_origin(origin)
    if site is None:
        shown = origin or "(none)"
        raise EmbedNotAllowed(
            code="origin_not_allowed", origin=origin,
            message=f"This page's origin, {shown}, is not allowed to embed comments.",
            hint=f"Add {shown} to your site's allowed origins: in Parley's moderation workspace "
                 "(Sites, then your site's 'Embed and access' page), or on the server with "
                 f"`parley site origins YOUR-SITE --add {shown}`.")
    url = services.canonical_story_url(payload.url)
    story_origin = services.url_origin(url)
    # The story URL may be on any origin of the same site (a canonical https://example.com URL
    # embedded from https://www.example.com), never on another site's or an unlisted one.
    if story_origin != origin and story_origin not in site.origins:
        raise EmbedNotAllowed(
            code="story_origin_not_allowed", origin=story_origin,
            message=f"The story URL is on {story_origin}, which the site {site.name} does not "
                    "allow.",
            hint=f"Either make data-story-url an address on {origin}, or add {story_origin} to "
                 f"the allowed origins of the site '{site.slug}': in Parley's moderation "
                 "workspace (Sites, then 'Embed and access') or with "
                 f"`parley site origins {site.slug} --add {story_origin}`.")
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
    data.update(getattr(exc, "extra", {}))
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
    """Ninja's 400 for an unparseable body, with the reason ``load_json`` gave."""
    message = str(exc)
    cause = exc.__cause__
    if isinstance(cause, BadJson):
        message = cause.message
    return json_response({"detail": message}, status=exc.status_code)


def register_error_handlers(api) -> None:
    api.add_exception_handler(ParleyError, parley_error)
    api.add_exception_handler(ValidationError, validation_error)
    api.add_exception_handler(HttpError, http_error)


"""Reader pages: the story list, an article with its comment section, posting, reporting, the FAQ
and the embed script.

Views parse the request, call one action (``parley.actions``) or selector, and render; every
rule lives in the actions and ``parley.comments`` so these pages, the JSON API and the embed
behave the same. Each view works without JavaScript (plain links, form POST + redirect); with
htmx the same views answer with fragments (``HX-Request`` header) that are swapped in.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from functools import lru_cache
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from parley import actions
from parley.actions.own_comments import EditRefused, can_edit_now, token_matches
from parley.actions.reactions import READER_ID as READER_ID_RE
from parley.comments import selectors
from parley.comments.cache_keys import story_html_key, thread_html_key
from parley.comments.client_address import client_address
from parley.comments.errors import InvalidInput, NotFound, ParleyError, RateLimited
from parley.comments.forms import CommentForm, EditForm, ReportForm
from parley.comments.ids import MAX_ID, is_ascii_number
from parley.comments.models import Comment, CommentStatus, Site, Story
from parley.moderation.site_settings import ModerationSettings, site_settings

# The reader's own comment ids, signed so nobody can claim to see someone else's pending comment.
OWN_COMMENTS_COOKIE = "parley_own"
OWN_COMMENTS_SALT = "parley.comments.own-comments"
OWN_COMMENTS_MAX_AGE = 30 * 24 * 3600
OWN_COMMENTS_KEEP = 50
# The edit tokens of the reader's own comments ("id:token,..."): httponly, so page scripts
# (and anything injected into them) never read them; they only travel with same-site forms,
# which CSRF protects.
EDIT_TOKENS_COOKIE = "parley_tokens"
# The reader's random per-browser id for "Recommend" (httponly; the API reads it only for GET).
READER_COOKIE = "parley_reader"
READER_MAX_AGE = 365 * 24 * 3600
ORDERS = selectors.ORDERS
# How long the shared HTML of a thread page may be reused: it bounds only how stale the
# relative times may get, since a new version of the story makes a new key.
RENDERED_COMMENTS_SECONDS = 30
EMBED_SCRIPT = Path(__file__).resolve().parents[1] / "comments" / "static" / "parley" / "embed.js"


def own_comment_ids(request: HttpRequest) -> list[int]:
    """Return the ids of comments this browser posted (from the signed cookie; [] if tampered)."""
    raw = request.get_signed_cookie(
        OWN_COMMENTS_COOKIE, default="", salt=OWN_COMMENTS_SALT, max_age=OWN_COMMENTS_MAX_AGE
    )
    return [int(part) for part in raw.split(",") if part.isdigit()]


def remember_own_comment(request: HttpRequest, response: HttpResponse, comment_id: int) -> None:
    """Add a comment id to the reader's signed cookie (httponly, SameSite=Lax, newest kept)."""
    ids = [i for i in own_comment_ids(request) if i != comment_id] + [comment_id]
    response.set_signed_cookie(
        OWN_COMMENTS_COOKIE,
        ",".join(str(i) for i in ids[-OWN_COMMENTS_KEEP:]),
        salt=OWN_COMMENTS_SALT,
        max_age=OWN_COMMENTS_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def edit_tokens(request: HttpRequest) -> dict[int, str]:
    """Return {comment id: edit token} of the comments this browser posted (from its cookie)."""
    tokens: dict[int, str] = {}
    for part in request.COOKIES.get(EDIT_TOKENS_COOKIE, "").split(","):
        pk, _sep, token = part.partition(":")
        if pk.isdigit() and token:
            tokens[int(pk)] = token
    return tokens


def remember_edit_token(request: HttpRequest, response: HttpResponse, comment_id: int,
                        token: str) -> None:
    """Keep a new comment's edit token in the reader's httponly cookie (newest kept)."""
    tokens = {pk: t for pk, t in edit_tokens(request).items() if pk != comment_id}
    tokens[comment_id] = token
    kept = list(tokens.items())[-OWN_COMMENTS_KEEP:]
    response.set_cookie(
        EDIT_TOKENS_COOKIE, ",".join(f"{pk}:{t}" for pk, t in kept),
        max_age=OWN_COMMENTS_MAX_AGE, httponly=True, samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def reader_id(request: HttpRequest) -> tuple[str, bool]:
    """Return (the reader's per-browser id, whether it is new and must be set as a cookie)."""
    current = request.COOKIES.get(READER_COOKIE, "")
    if READER_ID_RE.match(current):
        return current, False
    return secrets.token_urlsafe(24), True


def _own_comments(request: HttpRequest, story: Story) -> tuple[list[int], dict[int, Comment]]:
    """Return (the reader's comments on this story awaiting moderation, {id: comment} of those
    they may still edit or delete), in one query.

    Only a reader with either gets a page rendered for them alone; everyone else, a reader
    whose comments are on other stories included, is served the shared cached page.
    """
    tokens = edit_tokens(request)
    posted = set(own_comment_ids(request))
    if not tokens and not posted:
        return [], {}
    rows = Comment.objects.filter(
        pk__in=sorted(posted | set(tokens)), story=story,
        status__in=[CommentStatus.PUBLISHED, CommentStatus.PENDING],
    ).only("id", "created_at", "status", "edit_token_hash")
    pending, own = [], {}
    for comment in rows:
        if comment.status == CommentStatus.PENDING and comment.pk in posted:
            pending.append(comment.pk)
        if comment.pk in tokens and token_matches(comment, tokens[comment.pk]):
            own[comment.pk] = comment
    return pending, own


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _story_by_slug(slug: str) -> Story:
    story = Story.objects.select_related("site").filter(slug=slug).order_by("id").first()
    if story is None:
        raise Http404(_("No such story."))
    return story


def _order(request: HttpRequest) -> str:
    order = request.GET.get("order", "newest")
    return order if order in ORDERS else "newest"


def _mention_targets(nodes) -> dict[str, int]:
    """Map each commenter shown on the page to their first comment there, for "@Name" links."""
    targets: dict[str, int] = {}
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        targets.setdefault(node.comment.author_name.casefold(), node.comment.id)
        stack.extend(reversed(node.replies))
    return targets


def _comment_items(request: HttpRequest, context: dict, *, shared: bool) -> SafeString:
    """Render a page's comments, reusing the HTML others were served when nothing is personal.

    Rendering a thread costs far more than fetching it, so the shared HTML is cached under the
    story's cache version (new for every publish, hide or removal). The short lifetime only
    bounds how stale the relative times ("5 minutes ago") may be. A reader with their own
    comments awaiting moderation gets a page rendered for them alone.
    """
    story = context["story"]
    key = thread_html_key(story.pk, story.cache_version, order=context["order"],
                          cursor=context["cursor"], page_size=settings.PARLEY_PAGE_SIZE,
                          closed=context["closed"], language=get_language())
    html = cache.get(key) if shared else None
    if html is None:
        # The Recommend forms carry a CSRF token: rendered with the placeholder, which every
        # answer that includes these items replaces with the reader's own (``_fill_csrf``).
        html = render_to_string("comments/_comment_items.html",
                                {**context, "csrf_token": _csrf_placeholder()}, request)
        if shared:
            cache.set(key, html, RENDERED_COMMENTS_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by our autoescaping template


def _fill_csrf(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the reader's CSRF token where a rendered page or fragment has the placeholder."""
    if response.status_code != 304 and not response.streaming:
        body = response.content.decode("utf-8")
        placeholder = _csrf_placeholder()
        if placeholder in body:
            response.content = body.replace(placeholder, get_token(request)).encode("utf-8")
    return response


def _thread_context(
    request: HttpRequest, story: Story, order: str, cursor: str | None,
    own_pending: list[int] | None = None, own: dict[int, Comment] | None = None,
) -> dict:
    if own_pending is None or own is None:
        own_pending, own = _own_comments(request, story)
    page = selectors.thread_page(
        story=story, order=order, cursor=cursor, include_comment_ids=own_pending
    )
    base = reverse("comments:story", args=[story.slug])
    fragment = reverse("comments:thread_fragment", args=[story.slug])
    more_query = urlencode({"order": order, "cursor": page.next_cursor}) if page.next_cursor else ""
    context = {
        "story": story,
        "page": page,
        "closed": story.comments_closed(),
        "max_level": selectors.MAX_REPLY_LEVEL,
        "order": order,
        "cursor": cursor,
        # Kept in the Reply links so the no-JavaScript page reopens on the same page and order.
        "page_query": urlencode({"order": order, **({"cursor": cursor} if cursor else {})}),
        "mentions": _mention_targets(page.comments),
        "more_url": f"{base}?{more_query}#comments" if more_query else "",
        "more_fragment_url": f"{fragment}?{more_query}" if more_query else "",
        "order_links": [
            (value, label, f"{base}?{urlencode({'order': value})}#comments")
            for value, label in (("newest", _("Newest first")), ("oldest", _("Oldest first")),
                                 ("featured", _("Featured first")))
        ],
        # The reader's own comments: Edit (while the window is open) and Delete links.
        "own_ids": frozenset(own),
        "editable_ids": frozenset(pk for pk, c in own.items() if _in_window(c, story)),
        "latest_id": selectors.latest_published_id(story),
        "updates_url": f"/api/v1/stories/{story.pk}/updates",
        "fragment_url": fragment,
    }
    context["comment_items"] = _comment_items(request, context,
                                              shared=not own_pending and not own)
    return context


def _in_window(comment: Comment, story: Story) -> bool:
    comment.story = story  # the window is the site's setting
    return can_edit_now(comment)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """List the stories, newest first, with their published comment counts."""
    stories = Story.objects.select_related("site").exclude(slug="").order_by(
        "-published_at", "-id"
    )[:100]
    return render(request, "comments/home.html", {"stories": stories})


def _reply_parent(request: HttpRequest, story: Story) -> Comment | None:
    """The comment named by ``?reply_to=`` (no-JavaScript Reply), if the reader may see it."""
    reply_to = request.GET.get("reply_to", "")
    if not reply_to.isdigit():
        return None
    parent = story.comments.filter(pk=int(reply_to)).first()
    if parent is not None and (
        parent.status == CommentStatus.PUBLISHED or parent.id in own_comment_ids(request)
    ):
        return parent
    return None


def _csrf_placeholder() -> str:
    """A marker for the CSRF token in shared cached pages: the same in every process, and not
    guessable, so no comment text can ask for a reader's token to be pasted into it."""
    return "csrf-" + salted_hmac("parley.story-page", "csrf-placeholder").hexdigest()


@require_GET
def story_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The article and its comment section (first page, or the page after ``?cursor=``).

    Most readers see exactly the same page, so it is rendered once per story version (and
    order, cursor, language) and reused for RENDERED_COMMENTS_SECONDS with only the reader's
    CSRF token put in. A reader with a pending comment, a message to read or a reply form
    open gets a page of their own.
    """
    story = _story_by_slug(slug)
    order = _order(request)
    cursor = request.GET.get("cursor") or None
    parent = _reply_parent(request, story)
    own_pending, own = _own_comments(request, story)
    shared = (not own_pending and not own and parent is None
              and not len(messages.get_messages(request)))
    key = story_html_key(story.pk, story.cache_version, story.updated_at.timestamp(),
                         order=order, cursor=cursor, page_size=settings.PARLEY_PAGE_SIZE,
                         closed=story.comments_closed(), language=get_language())
    html = cache.get(key) if shared else None
    if html is None:
        try:
            context = _thread_context(request, story, order, cursor, own_pending, own)
        except ParleyError as error:
            return _error_page(request, error)
        context.update(
            form=CommentForm(initial={"parent_id": parent.id} if parent else {}),
            parent=parent, site=story.site,
        )
        if not shared:
            return _fill_csrf(request, render(request, "comments/story.html", context))
        context["csrf_token"] = _csrf_placeholder()
        html = render_to_string("comments/story.html", context, request)
        cache.set(key, html, RENDERED_COMMENTS_SECONDS)
    return HttpResponse(html.replace(_csrf_placeholder(), get_token(request)))


@require_GET
def thread_fragment(request: HttpRequest, slug: str) -> HttpResponse:
    """The next page of top-level comments, for htmx's "View more comments"."""
    story = _story_by_slug(slug)
    order = _order(request)
    cursor = request.GET.get("cursor") or None
    if not _is_htmx(request):
        return HttpResponseRedirect(
            reverse("comments:story", args=[slug]) + "?" + request.GET.urlencode()
        )
    try:
        context = _thread_context(request, story, order, cursor)
    except ParleyError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain")
    return _fill_csrf(request, render(request, "comments/_more_page.html", context))


def as_sentences(reasons: list[str]) -> str:
    """Return reasons, each a full sentence already, as one paragraph ("A. B."), never as
    "(A.; B.)"; a reason without a final stop gets one."""
    sentences = []
    for reason in reasons:
        reason = str(reason).strip()
        if reason:
            sentences.append(reason if reason[-1] in ".!?" else reason + ".")
    return " ".join(sentences)


def _status_message(result: actions.PostResult) -> str:
    if result.status == CommentStatus.PUBLISHED:
        message = _("Thank you, your comment is published.")
    elif result.status == CommentStatus.PENDING:
        message = _(
            "Thank you. Your comment is awaiting moderation: you can see it, and others will "
            "once a moderator has approved it."
        )
    else:
        reasons = as_sentences(result.public_reasons) or _(
            "It does not follow our comment policy.")
        message = _(
            "Sorry, we could not publish your comment. %(reasons)s You are welcome to rephrase "
            "it and try again."
        ) % {"reasons": reasons}
    if result.nudge:
        message = f"{message} {result.nudge}"
    return message


def _show_error_on_form(form: forms.Form, error: ParleyError) -> int:
    """Put a service's error next to its field (or above the form); return the HTTP status."""
    if isinstance(error, InvalidInput):
        field = error.field if error.field in form.fields else None
        form.add_error(field, getattr(error, "detail", error.message))
        return 422
    form.add_error(None, error.message)
    return error.status


@require_POST
def post_comment(request: HttpRequest, slug: str) -> HttpResponse:
    """Post a comment or reply through ``actions.post_comment``; errors go back to the form."""
    story = _story_by_slug(slug)
    form = CommentForm(request.POST)
    parent: Comment | None = None
    status = 422
    headers: dict[str, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["parent_id"]:
                parent = Comment.objects.filter(pk=data["parent_id"]).first()
                if parent is None:
                    raise NotFound(_("The comment you are replying to no longer exists."))
            result = actions.post_comment(
                story=story,
                text=data["text"],
                author_name=data["author_name"],
                author_email=data["author_email"],
                parent=parent,
                author_user=request.user if request.user.is_authenticated else None,
                client_ip=client_address(request),
            )
        except ParleyError as error:
            status = _show_error_on_form(form, error)
            if isinstance(error, RateLimited):
                headers["Retry-After"] = str(error.retry_after)
        else:
            return _posted(request, story, form, result)
    if _is_htmx(request):
        # htmx swaps the re-rendered form (errors beside their fields) in place of the old one.
        headers.update({"HX-Retarget": "#comment-form", "HX-Reswap": "outerHTML"})
        response = render(
            request, "comments/_form.html",
            {"story": story, "form": form, "parent": parent, "closed": False}, status=status,
        )
    else:
        response = _story_with_form(request, story, form, parent, status)
    for name, value in headers.items():
        response[name] = value
    return response


def _posted(
    request: HttpRequest, story: Story, form: CommentForm, result: actions.PostResult
) -> HttpResponse:
    comment = result.comment
    message = _status_message(result)
    visible = result.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
    if _is_htmx(request):
        story.refresh_from_db(fields=["published_count"])  # for the heading's new count
        target = form.cleaned_data["reply_target"] if comment.parent_id else "#comment-list"
        order = request.POST.get("order", "newest")
        node = None
        if visible:
            node = selectors.CommentNode(
                comment=comment,
                # Past the deepest nesting level a reply says whom it answers (as the thread does).
                replying_to=comment.parent.author_name
                if comment.parent_id and comment.depth > selectors.MAX_REPLY_LEVEL else None,
                is_own_pending=result.status == CommentStatus.PENDING,
                level=min(comment.depth, selectors.MAX_REPLY_LEVEL),
            )
        context = {
            "node": node,
            "max_level": selectors.MAX_REPLY_LEVEL,
            "container": target.lstrip("#"),
            "story": story,
            "message": message,
            "message_kind": "success" if visible else "error",
            "mentions": {},
            "own_ids": frozenset([comment.id]) if result.edit_token else frozenset(),
            "editable_ids": frozenset([comment.id]) if result.edit_token
            and can_edit_now(comment) else frozenset(),
        }
        response = render(request, "comments/_posted.html", context)
        response["HX-Trigger-After-Settle"] = json.dumps(
            {"parley:posted": {"id": comment.id if visible else None, "status": result.status}}
        )
        if visible:
            response["HX-Retarget"] = target
            if target == "#comment-list":
                response["HX-Reswap"] = "afterbegin" if order == "newest" else "beforeend"
            else:
                response["HX-Reswap"] = "beforeend"
        else:
            response["HX-Reswap"] = "none"
    else:
        if visible:
            messages.success(request, message)
            anchor = f"#comment-{comment.id}"
        else:
            messages.error(request, message)
            anchor = "#comment-form"
        order = request.POST.get("order")
        query = f"?order={order}" if order in ORDERS and order != "newest" else ""
        response = HttpResponseRedirect(
            reverse("comments:story", args=[story.slug]) + query + anchor, status=303
        )
    if visible:
        remember_own_comment(request, response, comment.id)
        if result.edit_token:
            remember_edit_token(request, response, comment.id, result.edit_token)
    return response


def _story_with_form(
    request: HttpRequest, story: Story, form: CommentForm, parent: Comment | None, status: int
) -> HttpResponse:
    """The full page again, with the submitted form and its errors (no-JavaScript posting)."""
    context = _thread_context(request, story, _order(request), None)
    context.update(form=form, parent=parent, site=story.site)
    return _fill_csrf(request, render(request, "comments/story.html", context, status=status))


def _error_page(request: HttpRequest, error: ParleyError) -> HttpResponse:
    return render(request, "comments/error.html", {"error": error}, status=error.status)


@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Show the report form for one published comment, or file the report."""
    comment = get_object_or_404(
        Comment.objects.select_related("story"), pk=comment_id, status=CommentStatus.PUBLISHED
    )
    story = comment.story
    template = "comments/_report_form.html" if _is_htmx(request) else "comments/report.html"
    form = ReportForm(request.POST or None, auto_id=f"report-{comment.id}-%s")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                actions.report_comment(
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                    client_ip=client_address(request),
                )
            except ParleyError as error:
                status = _show_error_on_form(form, error)
            else:
                thanks = _("Thank you for your report. A moderator will look at this comment.")
                if _is_htmx(request):
                    return render(request, "comments/_report_done.html", {"message": thanks})
                messages.success(request, thanks)
                return HttpResponseRedirect(
                    reverse("comments:story", args=[story.slug]) + f"#comment-{comment.id}",
                    status=303,
                )
        if _is_htmx(request):
            status = 200  # htmx swaps only successful answers; the errors are in the fragment
    return render(
        request, template, {"comment": comment, "story": story, "form": form}, status=status
    )


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    """The Comments FAQ: the site's own text when it has one, else Parley's actual policy."""
    site_slug = request.GET.get("site", "")
    story_id = request.GET.get("story", "")
    sites = Site.objects.order_by("id")
    site = None
    if site_slug:
        site = sites.filter(slug=site_slug).first()
    elif is_ascii_number(story_id) and int(story_id) <= MAX_ID:  # the embed knows its story
        site = sites.filter(stories__pk=int(story_id)).first()
    site = site or sites.first()
    return render(
        request,
        "comments/faq.html",
        {
            "site": site,
            "rules": site_settings(site) if site is not None else ModerationSettings(),
            "max_chars": settings.PARLEY_MAX_COMMENT_CHARS,
        },
    )


@lru_cache(maxsize=4)
def _embed_script(mtime_ns: int) -> tuple[bytes, str]:
    body = EMBED_SCRIPT.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@require_GET
def embed_js(request: HttpRequest) -> HttpResponse:
    """Serve the one-tag embed script, cacheable for an hour and revalidated by ETag."""
    body, etag = _embed_script(EMBED_SCRIPT.stat().st_mtime_ns)
    return _any_origin_file(request, body, etag, "application/javascript; charset=utf-8",
                            max_age=3600)


def _any_origin_file(request: HttpRequest, body: bytes, etag: str, content_type: str, *,
                     max_age: int) -> HttpResponse:
    """A file every page may load (the embed's script and fonts): cached ``max_age`` seconds,
    revalidated by ETag (304), readable from any origin."""
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = f"public, max-age={max_age}"
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- The reader's own comment: edit and delete ---------------------------------------------

def _own_comment(request: HttpRequest, comment_id: int) -> tuple[Comment, str]:
    """The comment and the reader's token for it; 404 unless this browser posted it.

    A stranger learns nothing (not even that the comment exists) from these pages.
    """
    comment = get_object_or_404(Comment.objects.select_related("story__site", "parent"),
                                pk=comment_id)
    token = edit_tokens(request).get(comment.pk, "")
    if not token_matches(comment, token):
        raise Http404(_("No such comment of yours."))
    return comment, token


def _story_anchor(comment: Comment) -> str:
    return reverse("comments:story", args=[comment.story.slug]) + f"#comment-{comment.pk}"


def _article_response(request: HttpRequest, comment: Comment, message: str, *,
                      kind: str = "success") -> HttpResponse:
    """The comment's article re-rendered (htmx swaps it in place) and a status message."""
    level = min(comment.depth, selectors.MAX_REPLY_LEVEL)
    container = f"replies-{comment.pk}"
    if level >= selectors.MAX_REPLY_LEVEL:  # replies go to the list that holds this comment
        holder = comment
        for _step in range(comment.depth - selectors.MAX_REPLY_LEVEL + 1):
            holder = holder.parent or holder
        container = f"replies-{holder.pk}"
    node = selectors.CommentNode(
        comment=comment, level=level,
        is_own_pending=comment.status == CommentStatus.PENDING,
        replying_to=comment.parent.author_name
        if comment.parent_id and comment.depth > selectors.MAX_REPLY_LEVEL else None,
    )
    own = comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING)
    context = {
        "node": node, "comment": comment, "story": comment.story, "container": container,
        "max_level": selectors.MAX_REPLY_LEVEL, "closed": comment.story.comments_closed(),
        "mentions": {}, "message": message, "message_kind": kind,
        "own_ids": frozenset([comment.pk]) if own else frozenset(),
        "editable_ids": frozenset([comment.pk]) if can_edit_now(comment) else frozenset(),
    }
    response = render(request, "comments/_article_swap.html", context)
    response["HX-Retarget"] = f"#comment-{comment.pk}-article"
    response["HX-Reswap"] = "outerHTML"
    return response


@require_http_methods(["GET", "POST"])
def edit_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Show the edit form for the reader's own comment, or save the new text (re-scored)."""
    comment, token = _own_comment(request, comment_id)
    template = "comments/_edit_form.html" if _is_htmx(request) else "comments/edit.html"
    form = EditForm(request.POST or None, initial={"text": comment.text},
                    auto_id=f"edit-{comment.pk}-%s")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                result = actions.edit_own_comment(
                    comment=comment, token=token, text=form.cleaned_data["text"],
                    client_ip=client_address(request))
            except EditRefused as error:
                form.add_error("text", error.message)
            except ParleyError as error:
                status = _show_error_on_form(form, error)
            else:
                if result.status == CommentStatus.PENDING:
                    message = _("Your edit is saved and awaiting moderation: others will see "
                                "the comment again once a moderator has approved it.")
                else:
                    message = _("Your edit is saved.")
                if _is_htmx(request):
                    return _article_response(request, result.comment, message)
                messages.success(request, message)
                return HttpResponseRedirect(_story_anchor(comment), status=303)
        if _is_htmx(request):
            status = 200  # htmx swaps only successful answers; the errors are in the fragment
    return render(request, template, {
        "comment": comment, "story": comment.story, "form": form,
        "editable": can_edit_now(comment),
        "window": comment.story.site.edit_window_minutes,
    }, status=status)


@require_http_methods(["GET", "POST"])
def delete_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Ask to confirm, then delete the reader's own comment (its replies stay)."""
    comment, token = _own_comment(request, comment_id)
    template = "comments/_delete_form.html" if _is_htmx(request) else "comments/delete.html"
    if request.method == "POST":
        try:
            comment = actions.delete_own_comment(comment=comment, token=token,
                                                 client_ip=client_address(request))
        except ParleyError as error:
            return render(request, template, {"comment": comment, "story": comment.story,
                                              "error": error.message},
                          status=200 if _is_htmx(request) else error.status)
        message = _("Your comment is deleted.")
        if _is_htmx(request):
            return _article_response(request, comment, message)
        messages.success(request, message)
        return HttpResponseRedirect(_story_anchor(comment), status=303)
    return render(request, template, {"comment": comment, "story": comment.story})


# --- Recommend ------------------------------------------------------------------------------

@require_POST
def recommend_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Recommend a published comment, or take it back (``recommend=0``), as this browser."""
    comment = get_object_or_404(Comment.objects.select_related("story"), pk=comment_id)
    reader, new_reader = reader_id(request)
    wanted = request.POST.get("recommend", "1") != "0"
    error = None
    try:
        result = actions.set_recommendation(comment=comment, reader_id=reader, recommend=wanted,
                                            client_ip=client_address(request))
        recommended, count = result.recommended, result.count
    except ParleyError as failure:
        error = failure
        recommended, count = not wanted, comment.recommend_count
    if _is_htmx(request):
        response = render(request, "comments/_recommend.html", {
            "comment": comment, "recommended": recommended, "count": count,
            "error": error.message if error else ""})
    elif error is not None:
        response = _error_page(request, error)
    else:
        response = HttpResponseRedirect(_story_anchor(comment), status=303)
    if new_reader:
        response.set_cookie(READER_COOKIE, reader, max_age=READER_MAX_AGE, httponly=True,
                            samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
    return response


EMBED_FONTS = {
    name: EMBED_SCRIPT.parent / "fonts" / f"{name}.woff2"
    for name in ("NotoNaskhArabic-400", "NotoNaskhArabic-700")
}


@lru_cache(maxsize=4)
def _font_file(name: str, mtime_ns: int) -> tuple[bytes, str]:
    body = EMBED_FONTS[name].read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@require_GET
def embed_font(request: HttpRequest, name: str) -> HttpResponse:
    """Serve the embed's Urdu fallback font to any page (fonts need CORS across origins).

    Served here rather than as a static file so the embed works the same behind any static
    files setup: the answer always allows every origin, as ``embed_js`` does.
    """
    path = EMBED_FONTS.get(name)
    if path is None:
        raise Http404(_("No such font."))
    body, etag = _font_file(name, path.stat().st_mtime_ns)
    return _any_origin_file(request, body, etag, "font/woff2", max_age=86400)

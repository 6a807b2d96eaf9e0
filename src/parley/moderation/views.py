"""Moderator pages: the queues, actions on comments, one comment's record and the audit log.

The site's rules and thresholds are in ``site_views``, the dashboard in ``dashboard_views``,
sign-in and reader SSO in ``account_views``.

Views only check access, parse input, call one service and render; domain errors become HTTP
answers (a comment on a site the user does not moderate is a 404).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_GET, require_POST

from parley import actions
from parley.comments.errors import Forbidden, InvalidInput, ParleyError
from parley.comments.ids import parse_id, parse_int
from parley.comments.models import Comment, Site, Story
from parley.moderation.models import AuditAction, RejectReason
from parley.moderation.permissions import moderated_comment, moderated_site, moderated_sites
from parley.moderation.selectors import (
    PAGE_SIZE,
    QUEUE_LABELS,
    QUEUES,
    SCORE_ATTRIBUTES,
    QueueFilters,
    attach_author_histories,
    audit_entries,
    count_label,
    newest_comment_id,
    queue_counts,
    queue_page,
    queue_version,
)


def _error_response(request: HttpRequest, error: ParleyError) -> HttpResponse:
    response = render(request, "moderation/error.html", {"error": error}, status=error.status)
    if request.headers.get("HX-Request"):
        response["HX-Reswap"] = "none"
    return response


def handles_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turn the actions' domain errors into their HTTP status with a readable message."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ParleyError as error:
            return _error_response(request, error)

    return wrapper


def _scope(request: HttpRequest, site_slug: str | None) -> tuple[list[Site], Site | None]:
    if site_slug:
        site = moderated_site(request.user, site_slug)
        return [site], site
    return my_sites(request), None


def my_sites(request: HttpRequest) -> list[Site]:
    """The user's moderated sites; signed-in commenters who moderate nothing are refused."""
    sites = list(moderated_sites(request.user))
    if not sites:
        raise Forbidden("You do not moderate any site. Ask a site admin to add you.")
    return sites


def _tabs(counts: dict[str, int]) -> list[dict[str, Any]]:
    return [{"key": q, "label": QUEUE_LABELS[q], "count": count_label(counts[q])}
            for q in QUEUES]


def _queue_params(params: Any) -> Any:
    """Return the queue, site and filters a poll or an action is answered for.

    The queue page sends what it shows as one ``queue_query`` value rather than the filter
    form's own fields, so an action's fields (a rejection's ``reason``) are never read as the
    queue's Reason filter. A request without it (a plain GET of the page) is its own query.
    """
    query = params.get("queue_query")
    return QueryDict(query) if query is not None else params


def _queue_context(request: HttpRequest, site_slug: str | None,
                   params: Any = None) -> dict[str, Any]:
    params = _queue_params(request.GET if params is None else params)
    sites, site = _scope(request, site_slug)
    queue = params.get("queue") or "pending"
    if queue not in QUEUES:
        raise InvalidInput("queue", "unknown queue.")
    filters = QueueFilters.from_query(params)
    # Read before the counts: a change made while they are counted gives the next poll a new
    # token, so it is never missed.
    version = queue_version()
    counts = queue_counts(sites=sites, filters=filters)
    scope = urlencode({"queue": queue, **({"site": site.slug} if site else {})})
    filter_qs = filters.to_query()
    return {
        "sites": sites, "site": site, "queue": queue, "filters": filters,
        "filter_qs": filter_qs, "queue_query": f"{scope}&{filter_qs}" if filter_qs else scope,
        "counts": counts, "tabs": _tabs(counts), "version": version,
        "attributes": SCORE_ATTRIBUTES, "reject_reasons": RejectReason.choices,
        "now": timezone.now(),
        # When the counts were computed: the page ignores counts older than those it shows
        # (a slow poll answered after an action must not put back the numbers from before it).
        "generated": time.time_ns(),
    }


@require_GET
@login_required
@handles_errors
def queue(request: HttpRequest, site_slug: str | None = None) -> HttpResponse:
    """The moderation queue page (all moderated sites, or one)."""
    context = _queue_context(request, site_slug)
    sites = context["sites"]
    raw_from = request.GET.get("from", "")
    start = parse_id(raw_from, field="from", message="must be a comment number.") \
        if raw_from else None
    pending = context["queue"] == "pending"
    comments = queue_page(
        context["queue"], sites=sites, filters=context["filters"],
        after_id=start if pending else None, before_id=None if pending else start,
    )
    context["comments"] = comments
    context["next_from"] = comments[-1].pk if len(comments) == PAGE_SIZE else None
    # The poll asks for what arrives after the newest comment now (one index lookup).
    context["max_id"] = newest_comment_id()
    context["stories"] = (
        Story.objects.filter(site__in=sites).order_by("-created_at").only("id", "title")[:200]
    )
    context["all_sites"] = moderated_sites(request.user)
    site = context["site"]
    context["poll_url"] = (
        reverse("moderation:site_poll", args=[site.slug]) if site else reverse("moderation:poll")
    )
    return render(request, "moderation/queue.html", context)


@require_GET
@login_required
@handles_errors
def poll(request: HttpRequest, site_slug: str | None = None) -> HttpResponse:
    """New items of the queue since ``after`` (appended by htmx) and fresh counts (out of band).

    ``version`` is the token the page was last given (``queue_version``): when nothing has
    changed since, the answer is 204 with no body, which htmx leaves alone, so the 10-second
    poll of ten moderators costs three index lookups each, not a count of every queue.
    """
    _scope(request, site_slug)
    raw_after = request.GET.get("after", "0")
    after = parse_int(raw_after, field="after", lo=0, message="must be a comment number.")
    if request.GET.get("version") and request.GET["version"] == queue_version():
        return HttpResponse(status=204)
    context = _queue_context(request, site_slug)
    comments = queue_page(
        context["queue"], sites=context["sites"], filters=context["filters"],
        after_id=after,
    )
    if context["queue"] != "pending":
        comments.reverse()  # inserted at the top, newest first
    context["comments"] = comments
    context["oob_counts"] = True
    return render(request, "moderation/poll.html", context)


ACTIONS = ("approve", "reject", "feature", "unfeature", "ban", "suspend", "premoderate", "undo")


def _int_field(request: HttpRequest, name: str, *, lo: int, hi: int) -> int:
    return parse_int(request.POST.get(name, ""), field=name, lo=lo, hi=hi)


@require_POST
@login_required
@handles_errors
def comment_action(request: HttpRequest, comment_id: int, action: str) -> HttpResponse:
    """Run one moderation action on one comment; answer with the item as it now is."""
    if action not in ACTIONS:
        raise InvalidInput("action", "unknown action.")
    comment = moderated_comment(request.user, comment_id)
    user = request.user
    note = request.POST.get("note", "")
    message = ""
    if action == "approve":
        actions.approve_comment(comment=comment, acting_user=user, note=note)
        message = "Approved."
    elif action == "reject":
        reason = request.POST.get("reason", "")
        actions.reject_comment(comment=comment, acting_user=user, reason=reason, note=note)
        message = f"Rejected ({RejectReason(reason).label.lower()})."
    elif action in ("feature", "unfeature"):
        actions.feature_comment(comment=comment, acting_user=user, featured=action == "feature")
        message = "Featured." if action == "feature" else "No longer featured."
    elif action == "ban":
        actions.ban_author(comment=comment, acting_user=user, reason=note)
        message = f"{comment.author_name} is banned and this comment rejected."
    elif action == "suspend":
        days = _int_field(request, "days", lo=1, hi=3650)
        actions.ban_author(comment=comment, acting_user=user, reason=note, days=days)
        message = f"{comment.author_name} is suspended for {days} days."
    elif action == "premoderate":
        enabled = request.POST.get("enabled", "1") != "0"
        actions.set_author_premoderation(comment=comment, acting_user=user, enabled=enabled,
                                          note=note)
        message = (f"{comment.author_name}'s comments will be held for review." if enabled
                   else f"{comment.author_name} is no longer pre-moderated.")
    else:
        entry = actions.undo_last_action(comment=comment, acting_user=user)
        message = f"Undid: {AuditAction(entry.reason).label.lower()}."
    if not request.headers.get("HX-Request"):
        return HttpResponseRedirect(_safe_next(request))
    return _render_item(request, comment.pk, message=message)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return reverse("moderation:queue")
    return target


def _render_item(request: HttpRequest, comment_id: int, *, message: str) -> HttpResponse:
    """The item after an action, with the queue tabs' counts swapped in out of band.

    The counts use the queue, site and filters the page shows, sent along as ``queue_query``
    (never the action's own fields); without it, the Pending queue of all the user's sites.
    """
    params = QueryDict(request.POST.get("queue_query", ""))
    context = _queue_context(request, params.get("site") or None, params=params)
    comment = (
        Comment.objects.select_related("story__site", "parent", "moderation", "author_user")
        .get(pk=comment_id)
    )
    comment.report_list = list(comment.reports.order_by("id"))
    attach_author_histories([comment])
    context.update({"c": comment, "message": message, "decided": True, "oob_counts": True})
    return render(request, "moderation/item_response.html", context)


@require_POST
@login_required
@handles_errors
def bulk_action(request: HttpRequest) -> HttpResponse:
    """Approve or reject the selected comments, all in one transaction."""
    raw_ids = request.POST.getlist("ids")
    ids = [parse_id(i, field="ids", message="must be comment numbers.") for i in raw_ids]
    action = request.POST.get("action", "")
    if action == "approve":
        actions.bulk_approve(comment_ids=ids, acting_user=request.user)
    elif action == "reject":
        actions.bulk_reject(comment_ids=ids, acting_user=request.user,
                             reason=request.POST.get("reason", ""),
                             note=request.POST.get("note", ""))
    else:
        raise InvalidInput("action", "choose approve or reject.")
    target = _safe_next(request)
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target)


@require_GET
@login_required
@handles_errors
def comment_detail(request: HttpRequest, comment_id: int) -> HttpResponse:
    """One comment with its scores, reports and the audit trail of every action on it."""
    comment = moderated_comment(request.user, comment_id)
    comment = (
        Comment.objects.select_related("story__site", "parent", "moderation", "author_user")
        .get(pk=comment.pk)
    )
    comment.report_list = list(comment.reports.order_by("id"))
    attach_author_histories([comment])
    entries = audit_entries(sites=[comment.story.site], comment_id=comment.pk)
    return render(request, "moderation/comment_detail.html", {
        "c": comment, "entries": entries, "now": timezone.now(),
        "revisions": list(comment.revisions.order_by("-id")),
        "reject_reasons": RejectReason.choices, "queue": "",
    })


@require_GET
@login_required
@handles_errors
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log of the moderated sites, filterable by site, action and moderator."""
    sites = my_sites(request)
    site_slug = request.GET.get("site", "")
    if site_slug:
        sites = [moderated_site(request.user, site_slug)]
    action = request.GET.get("action", "")
    if action and action not in AuditAction.values:
        raise InvalidInput("action", "unknown action.")
    entries = audit_entries(sites=sites, action=action, actor=request.GET.get("actor", ""),
                            limit=200)
    return render(request, "moderation/audit_log.html", {
        "entries": entries, "actions": AuditAction.choices, "action": action,
        "all_sites": moderated_sites(request.user), "site_slug": site_slug,
        "actor": request.GET.get("actor", ""),
    })

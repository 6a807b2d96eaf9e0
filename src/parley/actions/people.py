"""A commenter's own data: everything a site holds of one person's comments, and erasure.

A person is found by the identity Parley keeps on a comment: the e-mail address they gave
(guests and accounts alike) or their account (``author_user``). Erasure is what GDPR's right
to erasure asks of a comment section, done so the thread still reads: each comment stays in
place (replies keep their parent) but loses its author's name ("[deleted]"), e-mail address,
hashed client address and account link, and its text becomes "[deleted]" (the words are the
person's data too), as do the snapshots of that text kept as training examples. A site whose
legal basis keeps the words may pass ``keep_text=True``. Bans and restrictions naming the
address are kept: they are the site's own record of abuse. Only site admins (or a holder of the
site's API key) may export or erase; the audit entry records the count and the comment ids,
never the address.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet

from parley.comments.errors import InvalidInput
from parley.comments.models import Comment, Site
from parley.comments.services import update_story_counters
from parley.moderation.models import AuditAction, HumanDecision
from parley.moderation.permissions import check_can_administer
from parley.moderation.records import write_audit

ERASED = "[deleted]"
MAX_IDENTITY_CHARS = 254


def _identity_q(*, email: str, username: str) -> Q:
    email, username = (email or "").strip(), (username or "").strip()
    if not email and not username:
        raise InvalidInput("email", "give the commenter's e-mail address or account name.")
    if len(email) > MAX_IDENTITY_CHARS or len(username) > MAX_IDENTITY_CHARS:
        raise InvalidInput("email", "too long.")
    q = Q(pk__in=[])
    if email:
        q |= Q(author_email__iexact=email)
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            q |= Q(author_user=user)
    return q


def commenter_comments(*, site: Site, email: str = "", username: str = "") -> QuerySet[Comment]:
    """Return the site's comments written under this e-mail address or account."""
    return Comment.objects.filter(_identity_q(email=email, username=username),
                                  story__site=site)


def _check(acting_user: Any, site: Site, by_api_key: bool) -> None:
    if not by_api_key:
        check_can_administer(acting_user, site)


def commenter_data(*, site: Site, acting_user: Any, email: str = "", username: str = "",
                   by_api_key: bool = False) -> dict[str, Any]:
    """Return everything the site keeps of the person's comments, as JSON-ready data."""
    _check(acting_user, site, by_api_key)
    rows = commenter_comments(site=site, email=email, username=username).select_related(
        "story", "author_user").order_by("created_at", "pk")
    comments = [{
        "id": c.pk,
        "story": {"id": c.story_id, "url": c.story.url, "title": c.story.title},
        "parent_id": c.parent_id,
        "created_at": c.created_at.isoformat(),
        "text": c.text,
        "status": c.status,
        "author_name": c.author_name,
        "author_email": c.author_email,
        "account": c.author_user.get_username() if c.author_user else None,
        "client_address": "kept only as a salted hash" if c.author_ip_hash else "not kept",
        "reasons_shown": list(c.public_reasons or []),
    } for c in rows]
    return {"site": site.slug, "email": email, "account": username or None,
            "comments": comments}


@transaction.atomic(durable=True)
def erase_commenter(*, site: Site, acting_user: Any, email: str = "", username: str = "",
                    keep_text: bool = False, by_api_key: bool = False) -> int:
    """Anonymise the person's comments on the site, keeping thread shape; return how many."""
    _check(acting_user, site, by_api_key)
    comments = commenter_comments(site=site, email=email, username=username)
    rows = list(comments.select_for_update().values_list("pk", "story_id"))
    ids = [pk for pk, _ in rows]
    if ids:
        changes: dict[str, Any] = {"author_name": ERASED, "author_email": "",
                                   "author_ip_hash": "", "author_user": None}
        if not keep_text:
            changes["text"] = ERASED
            HumanDecision.objects.filter(comment_id__in=ids).update(text=ERASED)
        Comment.objects.filter(pk__in=ids).update(**changes)
        for story_id in sorted({story_id for _, story_id in rows}):
            update_story_counters(story_id=story_id)  # cached threads show the erasure
    write_audit(action=AuditAction.ERASE_AUTHOR, acting_user=acting_user, comment=None,
                site=site, before={"comments": len(ids)},
                after={"erased_comment_ids": ids, "text_kept": keep_text},
                note="by the site API key" if by_api_key else "")
    return len(ids)

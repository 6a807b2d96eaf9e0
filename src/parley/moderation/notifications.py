"""E-mails Parley sends: a reply to your comment, your comment was not published, and the
moderators' alert when Pending waits too long. Sent through Django's e-mail (console in the demo)
by Celery tasks, after the transaction that caused them has committed."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _

from parley.comments.models import Comment, CommentStatus, Site
from parley.moderation.models import SiteMembership
from parley.moderation.site_settings import site_settings


def reply_email(reply: Comment) -> tuple[str, str, str] | None:
    """Return (subject, body, recipient) telling a parent's author about a published reply."""
    parent = reply.parent
    if parent is None or reply.status != CommentStatus.PUBLISHED or not parent.author_email:
        return None
    if reply.author_email and reply.author_email.lower() == parent.author_email.lower():
        return None  # replying to yourself
    story = reply.story
    subject = _("%(name)s replied to your comment on “%(title)s”") % {
        "name": reply.author_name, "title": story.title}
    body = _("%(name)s replied to your comment:\n\n%(text)s\n\nRead the conversation: "
             "%(url)s\n") % {"name": reply.author_name, "text": reply.text,
                             "url": f"{story.url}#comment-{reply.pk}"}
    return subject, body, parent.author_email


def rejection_email(comment: Comment) -> tuple[str, str, str] | None:
    """Return (subject, body, recipient) telling a commenter their comment was not published."""
    if not comment.author_email or comment.status != CommentStatus.REJECTED:
        return None
    reasons = " ".join(comment.public_reasons or []) or _("It did not meet the site's rules.")
    subject = _("Your comment on “%(title)s” was not published") % {"title": comment.story.title}
    body = _("Your comment was not published. %(reasons)s\n\nWhat you wrote:\n%(text)s\n\n"
             "The story: %(url)s\n") % {"reasons": reasons, "text": comment.text,
                                         "url": comment.story.url}
    return subject, body, comment.author_email


def send(subject: str, body: str, recipients: list[str]) -> int:
    """Send one plain-text e-mail; return how many were sent."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=False)


def alert_waiting_pending(now=None) -> int:
    """E-mail each site's moderators when its oldest pending comment waits past the site's limit.

    At most one alert per site per limit period (kept in the cache), so a backlog does not
    flood inboxes. Returns the number of sites alerted.
    """
    now = now or timezone.now()
    alerted = 0
    for site in Site.objects.exclude(moderation_settings={}):
        minutes = site_settings(site).pending_alert_minutes
        if not minutes:
            continue
        waiting = Comment.objects.filter(
            story__site=site, status=CommentStatus.PENDING,
            created_at__lte=now - timedelta(minutes=minutes),
        )
        count = waiting.count()
        if not count:
            continue
        recipients = sorted(set(
            SiteMembership.objects.filter(site=site, user__is_active=True)
            .exclude(user__email="").values_list("user__email", flat=True)
        ))
        if not recipients or not cache.add(f"parley:pending-alert:{site.pk}", 1, minutes * 60):
            continue
        send(
            f"{count} comment(s) waiting over {minutes} minutes on {site.name}",
            f"{count} comment(s) on {site.name} have waited for a moderator for more than "
            f"{minutes} minutes.\n\nOpen the queue: /moderate/sites/{site.slug}/\n",
            recipients,
        )
        alerted += 1
    return alerted

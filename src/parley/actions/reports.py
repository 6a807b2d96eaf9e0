"""A reader's report on a published comment, and what enough reports do to it."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from parley.comments.client_address import hash_client_address
from parley.comments.models import Comment, CommentStatus, Report
from parley.comments.rate_limits import check_report_rate
from parley.comments.services import create_report
from parley.moderation.models import AuditAction
from parley.moderation.records import (
    comment_state,
    lock_comment,
    save_comment,
    set_status,
    write_audit,
)
from parley.moderation.site_settings import site_settings


@transaction.atomic(durable=True)
def report_comment(*, comment: Comment, reason: str, note: str = "", client_ip: str = "",
                   reporter_user: Any = None) -> Report:
    """Record a reader's flag; hide the comment once its open reports reach the site's threshold.

    A repeated report by the same reader returns the earlier one and changes nothing. Every
    attempt counts against the address's report limits (RateLimited when over).
    """
    check_report_rate(address_hash=hash_client_address(client_ip), comment_id=comment.pk)
    report, created = create_report(comment=comment, reason=reason, note=note,
                                    client_ip=client_ip, reporter_user=reporter_user)
    if created:
        _hide_if_reported_enough(report.comment)
    return report


def _hide_if_reported_enough(comment: Comment) -> None:
    """Below the hide threshold nothing changes on the comment: the Reported queue finds it by
    counting reports. At the threshold it is held (Pending) until a moderator decides."""
    comment, record = lock_comment(comment)
    if comment.status != CommentStatus.PUBLISHED:
        return
    threshold = site_settings(comment.story.site).report_threshold_hide
    open_reports = comment.reports.filter(resolved=False).count()
    if open_reports < threshold:
        return
    before = comment_state(comment, record)
    set_status(comment, CommentStatus.PENDING)
    record.hidden_by_reports = True
    save_comment(comment, record)
    write_audit(action=AuditAction.HIDE_BY_REPORTS, acting_user=None, comment=comment,
                site=comment.story.site, before=before, after=comment_state(comment, record),
                note=f"{open_reports} open reports (threshold {threshold})")

"""Two moderators acting on the same comment at once never double-count or go negative."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from parley import actions
from parley.comments.models import CommentStatus, Story
from parley.moderation.models import AuditEntry
from tests.moderation.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def worker(call):
        try:
            barrier.wait()
            call()
        except BaseException as error:  # noqa: BLE001 - collected and re-raised below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_decisions_keep_counts_right(site, story, moderator, make_comment, round_):
    second = make_user(f"mod2-{round_}", site=site)
    comments = [make_comment(story) for _ in range(4)]
    published = make_comment(story, status=CommentStatus.PUBLISHED)
    calls = []
    for comment in comments:
        calls.append(lambda c=comment: actions.approve_comment(comment=c, acting_user=moderator))
        calls.append(lambda c=comment: actions.approve_comment(comment=c, acting_user=second))
    calls.append(lambda: actions.reject_comment(comment=published, acting_user=moderator,
                                                 reason="spam"))
    calls.append(lambda: actions.reject_comment(comment=published, acting_user=second,
                                                 reason="abusive"))
    run_together(*calls)
    story = Story.objects.get(pk=story.pk)
    assert story.published_count == 4
    assert story.published_count == story.comments.filter(status="published").count()
    assert AuditEntry.objects.filter(action="approve").count() == 8

"""Policy preview: re-deciding stored scores under other thresholds, and saving them."""

from __future__ import annotations

import pytest
from django.test import Client

from parley import actions
from parley.comments.errors import InvalidInput
from parley.comments.models import CommentStatus
from parley.moderation.models import AuditEntry
from parley.moderation.policy_preview import preview_policy
from tests.moderation.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scored(story, make_comment, moderator):
    """Five scored comments (insult 0.1 .. 0.97) and one rules-only comment."""
    made = []
    for insult, status in [(0.1, "published"), (0.3, "published"), (0.7, "pending"),
                           (0.9, "pending"), (0.97, "rejected")]:
        made.append(make_comment(story, status=status, scores={"INSULT": insult}))
    rules_only = make_comment(story, status=CommentStatus.PUBLISHED, scores={"note": "x"})
    actions.reject_comment(comment=made[1], acting_user=moderator, reason="abusive")
    actions.approve_comment(comment=made[3], acting_user=moderator)
    return made, rules_only


def test_default_thresholds_match_the_engine(site, scored):
    preview = preview_policy(site=site, policy_data={})
    assert preview.scored == 5 and preview.unscored == 1
    assert preview.would == {"publish": 2, "review": 2, "reject": 1}
    assert preview.actual == {"publish": 2, "review": 2, "reject": 1}
    assert preview.human_decided == 2


def test_stricter_thresholds_move_comments(site, scored):
    strict = {"review": {"INSULT": 0.25}, "reject": {"INSULT": 0.85}}
    preview = preview_policy(site=site, policy_data=strict)
    assert preview.would == {"publish": 1, "review": 2, "reject": 2}
    # The comment a moderator approved (0.9) would now be rejected automatically.
    assert preview.human_approved_rejected == 1
    lenient = preview_policy(site=site, policy_data={"review": {"INSULT": 0.5}})
    assert lenient.human_rejected_published == 1  # the 0.3 one a moderator rejected


def test_bad_policy_is_refused(site):
    with pytest.raises(InvalidInput):
        preview_policy(site=site, policy_data={"review": {"INSULT": 0.9},
                                               "reject": {"INSULT": 0.5}})
    with pytest.raises(InvalidInput):
        preview_policy(site=site, policy_data={}, days=0)


def form_data(**overrides):
    data = {"days": 7, "profanity": "publish", "unsupported_language": "review"}
    for name in ["TOXICITY", "SEVERE_TOXICITY", "INSULT", "PROFANITY", "THREAT",
                 "IDENTITY_ATTACK", "OFF_TOPIC", "SPAM"]:
        data[f"review_{name}"] = 0.6
        data[f"reject_{name}"] = 0.95
    data.update(overrides)
    return data


def test_policy_page_previews_for_moderators_and_saves_for_admins(site, scored, moderator):
    client = Client()
    client.force_login(moderator)
    page = client.get("/moderate/sites/planet/policy/")
    assert page.status_code == 200
    assert "2 published</strong> / <strong>2 held</strong> / <strong>1 rejected" in (
        page.content.decode())
    preview = client.post("/moderate/sites/planet/policy/", form_data(
        action="preview", review_INSULT=0.25, reject_INSULT=0.85))
    assert preview.context["preview"].would == {"publish": 1, "review": 2, "reject": 2}
    assert client.post("/moderate/sites/planet/policy/",
                       form_data(action="save")).status_code == 403
    bad = client.post("/moderate/sites/planet/policy/", form_data(
        action="preview", review_INSULT=0.9, reject_INSULT=0.5))
    assert bad.status_code == 200 and b"below its review threshold" in bad.content

    admin = make_user("siteadmin", site=site, role="admin")
    client.force_login(admin)
    saved = client.post("/moderate/sites/planet/policy/", form_data(action="save",
                                                                    reject_INSULT=""))
    assert saved.status_code == 302
    site.refresh_from_db()
    assert site.moderation_settings["policy"]["reject"]["INSULT"] is None
    assert AuditEntry.objects.filter(action="change_settings", reason="policy").count() == 1

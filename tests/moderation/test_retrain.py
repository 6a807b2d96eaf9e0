"""Recalibrating thresholds on moderators' decisions (``parley retrain``)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from parley.engine.policy import Policy, decide
from parley.engine.types import Scores
from parley.moderation.models import HumanDecision
from parley.moderation.recalibration import (
    ATTRIBUTES,
    Examples,
    _thresholds,
    recalibrate,
    statuses,
)
from tests.moderation.conftest import make_user

STATUS = {"publish": 0, "review": 1, "reject": 2}


@pytest.mark.parametrize("policy_data", [
    {}, {"review": {"INSULT": 0.3}, "reject": {"INSULT": 0.5, "SPAM": None}},
    {"profanity": "review", "unsupported_language": "publish"},
])
def test_vectorised_statuses_match_the_engine_policy(policy_data):
    rng = np.random.default_rng(1)
    rows = []
    for i in range(300):
        values = {a: float(rng.random()) for a in ATTRIBUTES if rng.random() < 0.8}
        rows.append((values, ["en", "de", "fr", "ur"][i % 4], bool(i % 2)))
    examples = Examples.from_rows(rows)
    review, reject, hold = _thresholds(policy_data)
    ours = statuses(examples, review, reject, hold)
    policy = Policy.from_dict(policy_data)
    engine = [STATUS[decide(Scores(values=v, language=lang), policy).status]
              for v, lang, _ in rows]
    assert ours.tolist() == engine


def synthetic(n=400, seed=2):
    """Moderators here reject insults from 0.4 up; the default policy only looks from 0.6."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        insult = float(rng.random())
        rows.append(({"INSULT": insult, "TOXICITY": insult * 0.5}, "en", insult >= 0.4))
    return rows


def test_recalibration_beats_the_defaults_on_held_out_decisions():
    report = recalibrate(Examples.from_rows(synthetic()), {}, random_state=0)
    assert report["held_out"] == 120
    assert report["before"]["misses"] > 10
    assert report["after"]["cost"] < report["before"]["cost"]
    assert 0.35 <= report["policy"]["review"]["INSULT"] <= 0.45
    Policy.from_dict(report["policy"])  # the engine accepts what we write


pytestmark_db = pytest.mark.django_db(transaction=True)


@pytestmark_db
def test_retrain_command_reports_and_applies(site, story, make_comment):
    admin = make_user("siteadmin", site=site, role="admin")
    with pytest.raises(CommandError, match="at least 40"):
        call_command("retrain", "--site", "planet", stdout=io.StringIO())
    for scores, _, was_rejected in synthetic(n=120):
        comment = make_comment(story, scores=scores)
        HumanDecision.objects.create(
            comment=comment, site=site, label="rejected" if was_rejected else "approved",
            text=comment.text, scores=scores, language="en", decided_by=admin)
    out = io.StringIO()
    call_command("retrain", "--site", "planet", stdout=out)
    assert "On the held-out decisions:" in out.getvalue()
    site.refresh_from_db()
    assert "policy" not in site.moderation_settings  # a report only, without --apply
    with pytest.raises(CommandError, match="--user"):
        call_command("retrain", "--site", "planet", "--apply", stdout=io.StringIO())
    out = io.StringIO()
    call_command("retrain", "--site", "planet", "--apply", "--user", "siteadmin", "--json",
                 stdout=out)
    report = json.loads(out.getvalue())
    assert report["applied"] and report["after"]["cost"] < report["before"]["cost"]
    site.refresh_from_db()
    assert site.moderation_settings["policy"] == report["policy"]

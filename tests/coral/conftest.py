"""Fixtures for Coral's moderation phase: a site with a phase secret, a story, and an engine
whose scores follow visible rules, behind the real pipeline, policy and gateway."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from parley.engine.types import ABUSE_ATTRIBUTES, Context, Scores

SECRET = "ssc_0f3c2a9b7d4e41c8a6b5f2e1d0c9b8a7f6e5d4c3"
STORY_URL = "https://news.example.com/2026/12/bridge-repairs"


@dataclass
class ScriptedEngine:
    """Scores by visible rules: "idiot" is an insult (0.97), "vermin" an identity attack (0.97),
    "http" with "buy" spam (0.95), "nasty" toxic enough to hold (0.7); OFF_TOPIC is 0.9 when the
    comment shares no word with the article (None without one). ``delay`` makes it slow."""

    delay: float = 0.0
    contexts: list = field(default_factory=list)

    def score(self, text: str, context: Context) -> Scores:
        self.contexts.append(context)
        if self.delay:
            time.sleep(self.delay)
        lower = text.lower()
        values: dict[str, float | None] = dict.fromkeys(ABUSE_ATTRIBUTES, 0.02)
        if "idiot" in lower:
            values["TOXICITY"] = values["INSULT"] = 0.97
        if "vermin" in lower:
            values["IDENTITY_ATTACK"] = 0.97
            values["TOXICITY"] = 0.96
        if "nasty" in lower:
            values["TOXICITY"] = 0.7
        values["SPAM"] = 0.95 if ("http" in lower and "buy" in lower) else 0.01
        if context.has_article:
            article = set(f"{context.title} {context.body}".lower().split())
            values["OFF_TOPIC"] = 0.1 if set(lower.split()) & article else 0.9
        else:
            values["OFF_TOPIC"] = None
        return Scores(values=values, language="en", engine_version="scripted-1")


@pytest.fixture
def engine(monkeypatch, settings):
    """PARLEY_ENGINE on; the pipeline's engine is a ScriptedEngine, with the real Policy."""
    from parley.engine.policy import Policy, decide
    from parley.moderation import pipeline

    settings.PARLEY_ENGINE = True
    settings.RATELIMIT_ENABLE = False
    scripted = ScriptedEngine()
    api = pipeline.EngineApi(get_engine=lambda: scripted, context=Context,
                             policy_from_dict=Policy.from_dict, decide=decide)
    monkeypatch.setattr(pipeline, "load_engine_api", lambda: api)
    return scripted


@pytest.fixture
def site(db):
    from parley import actions
    from parley.comments.models import Site

    site = Site.objects.create(name="Coral News", slug="coral-news")
    # Coral's longest timeout: tests that are not about the budget must not depend on how
    # loaded the machine is (the budget tests set their own).
    actions.set_coral_phase(site=site, acting_user=None, secret=SECRET, timeout_ms=10_000)
    return site


@pytest.fixture
def story(site):
    from parley.comments import services

    return services.ensure_story(
        site=site, url=STORY_URL, title="Council approves bridge repairs",
        body="The council voted to fund repairs to the old bridge over the river.")

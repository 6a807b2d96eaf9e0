"""Fixtures for the Perspective-compatible API: a site with a key, and a small scripted engine."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from parley.engine.normalise import normalise_text
from parley.engine.types import ABUSE_ATTRIBUTES, Context, Scores

API_KEY = "pk_test_perspective_key"


class ScriptedEngine:
    """A stand-in for parley.engine.Engine whose scores follow visible rules, for shape tests.

    TOXICITY and INSULT are 0.91 for text containing "idiot", else 0.04; THREAT is 0.8 for
    "kill"; OFF_TOPIC is None without context, 0.9 when the comment shares no word with the
    article, else 0.1; SPAM is 0.7 for "http". Every call is recorded. Like the real engine,
    it refuses text that normalises to nothing.
    """

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, Context | None]]] = []

    def score_many(self, items: Sequence[tuple[str, Context | None]]) -> list[Scores]:
        self.calls.append(list(items))
        if any(not normalise_text(text) for text, _ in items):
            raise ValueError("comment text is empty")
        return [self._score(text, context) for text, context in items]

    @staticmethod
    def _score(text: str, context: Context | None) -> Scores:
        lower = text.lower()
        values: dict[str, float | None] = dict.fromkeys(ABUSE_ATTRIBUTES, 0.04)
        if "idiot" in lower:
            values["TOXICITY"] = values["INSULT"] = 0.91
        if "kill" in lower:
            values["THREAT"] = 0.8
        values["SPAM"] = 0.7 if "http" in lower else 0.02
        if context is None or not context.has_relevance_context:
            values["OFF_TOPIC"] = None
        else:
            shared = set(lower.split()) & set(f"{context.body} {context.parent}".lower().split())
            values["OFF_TOPIC"] = 0.1 if shared else 0.9
        return Scores(values=values, language="en", engine_version="scripted")


@pytest.fixture
def site(db):
    from parley.comments.models import Site

    site = Site(name="The Daily Test", slug="daily-test")
    site.set_api_key(API_KEY)
    site.save()
    return site


@pytest.fixture
def engine(monkeypatch):
    """Replace the shared engine the views use with a ScriptedEngine."""
    scripted = ScriptedEngine()
    monkeypatch.setattr("parley.perspective.views.get_engine", lambda: scripted)
    return scripted

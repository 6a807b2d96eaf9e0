"""Parley's offline moderation engine: pure Python, no Django.

    from parley.engine import Engine, Context, decide, Policy
    scores = Engine.shared().score("text", Context(title="...", body="..."))
    verdict = decide(scores, Policy.from_dict(site_settings))
"""

from .engine import Engine
from .language import detect_language
from .normalise import normalise_text
from .policy import Policy, PolicyError, Verdict, decide, decide_failure
from .types import ABUSE_ATTRIBUTES, ATTRIBUTES, SUPPORTED_LANGUAGES, Context, Scores

__all__ = [
    "ABUSE_ATTRIBUTES",
    "ATTRIBUTES",
    "SUPPORTED_LANGUAGES",
    "Context",
    "Engine",
    "Policy",
    "PolicyError",
    "Scores",
    "Verdict",
    "decide",
    "decide_failure",
    "detect_language",
    "normalise_text",
]

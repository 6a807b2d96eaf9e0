"""System checks: a malformed PARLEY_PERSPECTIVE_RATE shows at start-up, not on the first call."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register
from django_ratelimit.core import rate_re


@register()
def check_perspective_rate(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    rate = getattr(settings, "PARLEY_PERSPECTIVE_RATE", "600/m")
    if isinstance(rate, str) and rate_re.fullmatch(rate):
        return []
    return [
        Error(
            f"PARLEY_PERSPECTIVE_RATE={rate!r} is not a rate.",
            hint='Use "count/period" as django-ratelimit reads it, e.g. "600/m" or "20/s".',
            id="perspective.E001",
        )
    ]

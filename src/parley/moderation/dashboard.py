"""Dashboard numbers: comments per day by the pipeline's decision, time to a human decision,
top reasons and the busiest stories — each computed by a few grouped queries over the window,
and kept (``cached_dashboard``) for ``PARLEY_DASHBOARD_CACHE_SECONDS``: the page says when its
numbers were counted, so ten moderators opening it cost one count a minute, not ten."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone, translation

from parley.comments.models import Comment, Site
from parley.moderation.labels import reason_label
from parley.moderation.models import HumanDecision, ModerationRecord

MAX_REASON_ROWS = 20000
_SCORE_SUFFIX = re.compile(r"\s*\(\d+(?:\.\d+)?\)$")


@dataclass
class Dashboard:
    """The numbers of the dashboard page, all over the window ``days`` (UTC dates)."""

    days: list[date]
    published: list[int]
    held: list[int]
    rejected: list[int]
    total: int = 0
    median_minutes_to_decision: float | None = None
    decisions: int = 0
    top_reasons: list[tuple[str, int]] = field(default_factory=list)
    stories: list[dict[str, Any]] = field(default_factory=list)
    # When these numbers were counted (the page shows it: they may be that old).
    computed_at: datetime | None = None

    @property
    def first_day(self) -> date:
        return self.days[0]

    @property
    def last_day(self) -> date:
        return self.days[-1]

    def share(self, values: list[int]) -> float:
        return sum(values) / self.total if self.total else 0.0


def reason_key(reason: str) -> str:
    """Group "likely an insult (0.93)" with "likely an insult (0.71)"."""
    return _SCORE_SUFFIX.sub("", str(reason)).strip()


def dashboard(*, sites: list[Site], days: int = 14, now: Any = None) -> Dashboard:
    """Return the dashboard of the given sites over the last ``days`` days (UTC dates)."""
    now = now or timezone.now()
    first_day = (now - timedelta(days=days - 1)).date()
    since = datetime.combine(first_day, time.min, tzinfo=UTC)
    records = ModerationRecord.objects.filter(
        comment__story__site__in=sites, comment__created_at__gte=since)
    per_day = (
        records.annotate(day=TruncDate("comment__created_at"))
        .values("day", "decision").annotate(n=Count("id"))
    )
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    index = {d: i for i, d in enumerate(day_list)}
    series = {"publish": [0] * days, "review": [0] * days, "reject": [0] * days}
    for row in per_day:
        if row["day"] in index and row["decision"] in series:
            series[row["decision"]][index[row["day"]]] += row["n"]
    result = Dashboard(days=day_list, published=series["publish"], held=series["review"],
                       rejected=series["reject"], computed_at=now)
    result.total = sum(map(sum, series.values()))

    waits = [
        (decided - created).total_seconds() / 60
        for decided, created in HumanDecision.objects.filter(
            site__in=sites, decided_at__gte=since, undone_at__isnull=True,
            comment__isnull=False,  # decisions sent from elsewhere (suggestscore) have no wait
        ).values_list("decided_at", "comment__created_at")
    ]
    result.decisions = len(waits)
    result.median_minutes_to_decision = statistics.median(waits) if waits else None

    reasons: Counter[str] = Counter()
    for reason_list in records.values_list("reasons", flat=True)[:MAX_REASON_ROWS]:
        for reason in reason_list or []:
            reasons[reason_key(reason)] += 1
    for reason in HumanDecision.objects.filter(
        site__in=sites, decided_at__gte=since, undone_at__isnull=True, label="rejected",
        comment__isnull=False,
    ).values_list("reason", flat=True):
        # In the workspace's language, not the current request's: the numbers are cached and
        # shared by every moderator.
        with translation.override(settings.LANGUAGE_CODE):
            label = reason_label(reason).lower()
        reasons[f"Rejected by a moderator: {label}"] += 1
    result.top_reasons = reasons.most_common(10)

    result.stories = list(
        Comment.objects.filter(story__site__in=sites, created_at__gte=since)
        .values("story_id", "story__title", "story__url")
        .annotate(
            total=Count("id"),
            published=Count("id", filter=Q(status="published")),
            pending=Count("id", filter=Q(status="pending")),
            rejected=Count("id", filter=Q(status="rejected")),
        ).order_by("-total", "story_id")[:10]
    )
    return result


def cached_dashboard(*, sites: list[Site], days: int = 14) -> Dashboard:
    """Return ``dashboard`` of these sites, counted at most PARLEY_DASHBOARD_CACHE_SECONDS ago.

    Keyed on the sites and the window; shared by every moderator (Redis in production).
    Counting the window reads every comment in it, so it is done once per period, not per view.
    """
    from django.core.cache import cache

    seconds = settings.PARLEY_DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return dashboard(sites=sites, days=days)
    ids = ",".join(str(pk) for pk in sorted(site.pk for site in sites))
    key = f"parley:dashboard:{ids}:{days}:{timezone.now().date().isoformat()}"
    stats = cache.get(key)
    if stats is None:
        stats = dashboard(sites=sites, days=days)
        cache.set(key, stats, seconds)
    return stats

"""The moderators' dashboard page (numbers from ``moderation.dashboard``, SVG charts)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from parley.comments.ids import parse_int
from parley.moderation.permissions import moderated_site, moderated_sites
from parley.moderation.views import handles_errors, my_sites


@require_GET
@login_required
@handles_errors
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Comments per day, auto-published / held / rejected shares, time to a human decision,
    top reasons and per-story numbers, drawn as server-side SVG."""
    from parley.moderation.charts import horizontal_bars, stacked_bars
    from parley.moderation.dashboard import cached_dashboard

    site_slug = request.GET.get("site", "")
    sites = [moderated_site(request.user, site_slug)] if site_slug else my_sites(request)
    raw_days = request.GET.get("days", "14")
    days = parse_int(raw_days, field="days", lo=1, hi=90, message="choose 1 to 90 days.")
    stats = cached_dashboard(sites=sites, days=days)
    labels = [d.strftime("%d %b") for d in stats.days]
    return render(request, "moderation/dashboard.html", {
        "stats": stats, "site_slug": site_slug, "days": days,
        "refresh_seconds": settings.PARLEY_DASHBOARD_CACHE_SECONDS,
        "all_sites": moderated_sites(request.user),
        "per_day_chart": stacked_bars(labels, [
            ("published", "#137333", stats.published), ("held", "#f9ab00", stats.held),
            ("rejected", "#b3261e", stats.rejected)], title="Comments per day"),
        "reasons_chart": horizontal_bars(stats.top_reasons, title="Top reasons"),
        "shares": [("published", stats.share(stats.published)),
                   ("held", stats.share(stats.held)),
                   ("rejected", stats.share(stats.rejected))],
    })

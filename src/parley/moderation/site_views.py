"""Site admins' and moderators' pages for a site: its rules, engine thresholds, stories and
webhooks."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parley import actions
from parley.comments.errors import InvalidInput, NotFound
from parley.comments.models import Site, Story
from parley.moderation.forms import PolicyForm, SiteRulesForm, StorySettingsForm, WebhookForm
from parley.moderation.permissions import (
    can_administer,
    check_can_administer,
    moderated_site,
    moderated_sites,
)
from parley.moderation.views import handles_errors


@login_required
@handles_errors
def site_rules(request: HttpRequest, site_slug: str) -> HttpResponse:
    """The site's rules (banned and suspect words, report thresholds...) for site admins."""
    site = moderated_site(request.user, site_slug)
    check_can_administer(request.user, site)
    if request.method == "POST":
        form = SiteRulesForm(request.POST, site=site)
        if form.is_valid():
            actions.update_site_rules(site=site, acting_user=request.user,
                                       changes=form.cleaned_settings())
            return HttpResponseRedirect(reverse("moderation:site_rules", args=[site.slug]))
    else:
        form = SiteRulesForm(site=site)
    stories = site.stories.order_by("-created_at")[:50]
    return render(request, "moderation/site_rules.html", {
        "site": site, "form": form, "stories": stories,
        "can_administer": can_administer(request.user, site),
        "webhook_form": WebhookForm(), "webhooks": _webhooks(site),
    })


def _webhooks(site: Site) -> list[Any]:
    endpoints = list(site.webhooks.order_by("id"))
    for endpoint in endpoints:
        endpoint.recent = list(endpoint.deliveries.order_by("-id")[:5])
    return endpoints


@require_POST
@login_required
@handles_errors
def add_webhook(request: HttpRequest, site_slug: str) -> HttpResponse:
    """Register a webhook endpoint for the site (site admins)."""
    site = moderated_site(request.user, site_slug)
    check_can_administer(request.user, site)
    form = WebhookForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(field, " ".join(errors))
    actions.add_webhook_endpoint(site=site, acting_user=request.user,
                                  url=form.cleaned_data["url"], events=form.cleaned_data["events"])
    return HttpResponseRedirect(reverse("moderation:site_rules", args=[site.slug]) + "#webhooks")


@require_POST
@login_required
@handles_errors
def toggle_webhook(request: HttpRequest, endpoint_id: int) -> HttpResponse:
    """Pause or resume a webhook endpoint (site admins)."""
    from parley.moderation.models import WebhookEndpoint

    endpoint = WebhookEndpoint.objects.select_related("site").filter(
        pk=endpoint_id, site__in=moderated_sites(request.user)).first()
    if endpoint is None:
        raise NotFound("No such webhook.")
    actions.set_webhook_active(endpoint=endpoint, acting_user=request.user,
                                active=request.POST.get("active") == "1")
    return HttpResponseRedirect(
        reverse("moderation:site_rules", args=[endpoint.site.slug]) + "#webhooks")


@require_POST
@login_required
@handles_errors
def story_settings(request: HttpRequest, story_id: int) -> HttpResponse:
    """Close a story's comments (now or later) or pre-moderate it."""
    story = Story.objects.select_related("site").filter(
        pk=story_id, site__in=moderated_sites(request.user)
    ).first()
    if story is None:
        raise NotFound("No such story.")
    form = StorySettingsForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        raise InvalidInput(field, " ".join(errors))
    actions.update_story_settings(story=story, acting_user=request.user, **form.cleaned_data)
    return HttpResponseRedirect(reverse("moderation:site_rules", args=[story.site.slug]))


@login_required
@handles_errors
def site_policy(request: HttpRequest, site_slug: str) -> HttpResponse:
    """The engine's thresholds with a preview on recent comments; site admins may save them.

    Both buttons POST (so no token lands in a URL); only "save" changes anything.
    """
    from parley.moderation.policy_preview import parse_policy, preview_policy

    site = moderated_site(request.user, site_slug)
    stored = (site.moderation_settings or {}).get("policy", {})
    current = parse_policy(stored)
    if request.method == "POST":
        form = PolicyForm(request.POST, policy=current)
        policy_data, days = None, 7
        if form.is_valid():
            policy_data, days = form.policy_data(), form.cleaned_data["days"]
            try:
                parse_policy(policy_data)
            except InvalidInput as error:
                form.add_error(None, error.detail)
                policy_data = None
        if policy_data is not None and request.POST.get("action") == "save":
            actions.update_site_policy(site=site, acting_user=request.user,
                                        policy_data=policy_data)
            return HttpResponseRedirect(reverse("moderation:site_policy", args=[site.slug]))
        preview = (preview_policy(site=site, policy_data=policy_data, days=days)
                   if policy_data is not None else None)
    else:
        form = PolicyForm(policy=current)
        preview = preview_policy(site=site, policy_data=stored, days=7)
    return render(request, "moderation/site_policy.html", {
        "site": site, "form": form, "preview": preview,
        "can_administer": can_administer(request.user, site),
    })

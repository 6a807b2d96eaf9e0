"""Site admins' and moderators' pages for a site: creating it, its embed and access (origins,
API key, FAQ, the snippet), its rules, engine thresholds, stories and webhooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parley import actions
from parley.comments.errors import Forbidden, InvalidInput, NotFound
from parley.comments.models import Site, Story
from parley.comments.origins import embed_snippet
from parley.moderation.forms import (
    AllowedOriginsForm,
    FaqForm,
    PolicyForm,
    SiteCreateForm,
    SiteRulesForm,
    StorySettingsForm,
    WebhookForm,
)
from parley.moderation.permissions import (
    administered_site,
    administered_sites,
    can_administer,
    can_create_sites,
    check_can_create_sites,
    moderated_site,
    moderated_sites,
)
from parley.moderation.views import handles_errors


@login_required
@handles_errors
def site_rules(request: HttpRequest, site_slug: str) -> HttpResponse:
    """The site's rules (banned and suspect words, report thresholds...) for site admins."""
    site = administered_site(request.user, site_slug)
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
    site = administered_site(request.user, site_slug)
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


# --- Onboarding: the sites list, a new site, and a site's embed and access page ----------------

def parley_url(request: HttpRequest) -> str:
    """Parley's public address for snippets: PARLEY_PUBLIC_URL, else the address asked for."""
    return settings.PARLEY_PUBLIC_URL or request.build_absolute_uri("/").rstrip("/")


def _no_store(response: HttpResponse) -> HttpResponse:
    # Pages that may show a new API key must not be kept by the browser or any proxy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@handles_errors
def sites_index(request: HttpRequest) -> HttpResponse:
    """The sites the user administers, each with its embed and access page."""
    sites = list(administered_sites(request.user).order_by("name"))
    can_create = can_create_sites(request.user)
    if not sites and not can_create:
        raise Forbidden("You are not a site admin of any site.")
    return render(request, "moderation/sites.html", {"sites": sites, "can_create": can_create})


@login_required
@handles_errors
def create_site(request: HttpRequest) -> HttpResponse:
    """Create a site (superusers): its name, slug and domain; shows its first API key once."""
    check_can_create_sites(request.user)
    status = 200
    if request.method == "POST":
        form = SiteCreateForm(request.POST)
        if form.is_valid():
            try:
                site, api_key = actions.create_site(
                    acting_user=request.user, name=form.cleaned_data["name"],
                    slug=form.cleaned_data["slug"], domain=form.cleaned_data["domain"])
            except InvalidInput as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                return _setup_page(request, site, new_key=api_key, created=True)
        status = 422
    else:
        form = SiteCreateForm()
    return render(request, "moderation/site_create.html", {"form": form}, status=status)


def _setup_page(request: HttpRequest, site: Site, *, status: int = 200, new_key: str = "",
                created: bool = False, saved: str = "", **forms: Form) -> HttpResponse:
    site.refresh_from_db()
    context = {
        "site": site, "new_key": new_key, "created": created, "saved": saved,
        "snippet": embed_snippet(site, parley_url(request)),
        "origins_form": forms.get("origins_form")
        or AllowedOriginsForm(initial={"origins": "\n".join(site.origins)}),
        "faq_form": forms.get("faq_form") or FaqForm(initial={"faq_text": site.faq_text}),
        "faq_url": reverse("comments:faq") + f"?site={site.slug}",
    }
    return _no_store(render(request, "moderation/site_setup.html", context, status=status))


@login_required
@handles_errors
def site_setup(request: HttpRequest, site_slug: str) -> HttpResponse:
    """A site's embed and access: allowed origins, API key, FAQ text and the embed snippet."""
    saved = request.GET.get("saved", "")
    return _setup_page(request, administered_site(request.user, site_slug),
                       saved=saved if saved in ("origins", "faq") else "")


def _saved(site: Site, what: str) -> HttpResponse:
    """Post/redirect/get: a reload of the page after saving does not post again."""
    return HttpResponseRedirect(
        reverse("moderation:site_setup", args=[site.slug]) + f"?saved={what}#{what}")


def _save_setup_form(request: HttpRequest, site: Site, form: Form, *, field: str, what: str,
                     save: Callable[[Any], object]) -> HttpResponse:
    """Validate one form of the setup page and save its ``field`` with ``save``: back to the
    page on success, the page again with the form's error (422) otherwise."""
    if form.is_valid():
        try:
            save(form.cleaned_data[field])
        except InvalidInput as error:
            form.add_error(field, error.detail)
        else:
            return _saved(site, what)
    return _setup_page(request, site, status=422, **{f"{what}_form": form})


@require_POST
@login_required
@handles_errors
def site_origins(request: HttpRequest, site_slug: str) -> HttpResponse:
    """Replace the site's allowed origins (site admins); takes effect for CORS at once."""
    site = administered_site(request.user, site_slug)
    return _save_setup_form(
        request, site, AllowedOriginsForm(request.POST), field="origins", what="origins",
        save=lambda origins: actions.update_allowed_origins(
            site=site, acting_user=request.user, origins=origins))


@require_POST
@login_required
@handles_errors
def site_key(request: HttpRequest, site_slug: str) -> HttpResponse:
    """Rotate the site's API key (site admins): the new key is shown on this answer only."""
    site = administered_site(request.user, site_slug)
    api_key = actions.rotate_api_key(site=site, acting_user=request.user)
    return _setup_page(request, site, new_key=api_key)


@require_POST
@login_required
@handles_errors
def site_faq(request: HttpRequest, site_slug: str) -> HttpResponse:
    """Set the Comments FAQ text readers see (site admins)."""
    site = administered_site(request.user, site_slug)
    return _save_setup_form(
        request, site, FaqForm(request.POST), field="faq_text", what="faq",
        save=lambda text: actions.set_faq_text(site=site, acting_user=request.user, text=text))

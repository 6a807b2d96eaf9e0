"""A commenter's data for site admins: look a person up, download their data, erase it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from parley import actions
from parley.actions.people import commenter_comments
from parley.comments.errors import InvalidInput
from parley.moderation.permissions import administered_site, moderated_site
from parley.moderation.views import handles_errors


@login_required
@handles_errors
def people(request: HttpRequest, site_slug: str) -> HttpResponse:
    """Find a commenter by e-mail address or account name and show what the site keeps."""
    site = administered_site(request.user, site_slug)
    email = request.GET.get("email", "").strip()
    username = request.GET.get("account", "").strip()
    found = None
    if email or username:
        comments = commenter_comments(site=site, email=email, username=username)
        found = {"count": comments.count(),
                 "recent": list(comments.select_related("story").order_by("-created_at")[:20])}
    return render(request, "moderation/people.html", {
        "site": site, "email": email, "account": username, "found": found,
    })


@login_required
@handles_errors
def people_export(request: HttpRequest, site_slug: str) -> HttpResponse:
    """Download the commenter's data as JSON (what a subject access request asks for)."""
    site = moderated_site(request.user, site_slug)
    data = actions.commenter_data(site=site, acting_user=request.user,
                                  email=request.GET.get("email", ""),
                                  username=request.GET.get("account", ""))
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{site.slug}-commenter-data.json"'
    return response


@require_POST
@login_required
@handles_errors
def people_erase(request: HttpRequest, site_slug: str) -> HttpResponse:
    """Erase the commenter's data after the admin typed the address (or account) again."""
    site = administered_site(request.user, site_slug)
    email = request.POST.get("email", "").strip()
    username = request.POST.get("account", "").strip()
    if request.POST.get("confirm", "").strip() != (email or username):
        raise InvalidInput("confirm", "type the e-mail address (or account name) again to "
                                      "confirm the erasure.")
    count = actions.erase_commenter(site=site, acting_user=request.user, email=email,
                                    username=username,
                                    keep_text=request.POST.get("keep_text") == "on")
    messages.success(request, f"Erased the author data of {count} comment(s).")
    return HttpResponseRedirect(reverse("moderation:people", args=[site.slug]))

"""Signing in: moderators' sign-in page and readers' single sign-on from the publisher."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from parley.comments.errors import InvalidInput, NotFound
from parley.comments.models import Site
from parley.moderation.permissions import moderated_sites
from parley.moderation.views import handles_errors


@require_GET
@handles_errors
def sso_login(request: HttpRequest) -> HttpResponse:
    """Sign a reader in with a JWT from the publisher's login, then go back to ``next``."""
    from django.contrib.auth import login

    from parley.moderation.sso import user_from_token

    site = Site.objects.filter(slug=request.GET.get("site", "")).first()
    if site is None:
        raise NotFound("No such site.")
    token = request.GET.get("token", "")
    if not token:
        raise InvalidInput("token", "is required.")
    user = user_from_token(site=site, token=token)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return HttpResponseRedirect(target)


class SignInView(auth_views.LoginView):
    """Django's sign-in page; without ``next``, moderators go to their queues, readers home."""

    template_name = "moderation/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        if moderated_sites(self.request.user).exists():
            return reverse("moderation:queue")
        return "/"

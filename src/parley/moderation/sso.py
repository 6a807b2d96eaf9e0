"""Single sign-on: a JWT signed by the publisher's own login maps to a Parley commenter account.

The site keeps a shared secret in ``moderation_settings["sso"] = {"secret": "...",
"issuer": "..." (optional)}``. The publisher signs (HS256) ``{"sub": <their user id>,
"aud": <the site's slug>, "exp": ..., "name": ..., "email": ...}`` and sends the reader to
``/accounts/sso/?site=<slug>&token=<jwt>&next=<page>``. The token must be unexpired and meant for
this site (``aud``); ``sub`` is stable, so a ban on the account follows the reader.
"""

from __future__ import annotations

import hashlib
from typing import Any

import jwt
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from parley.comments.errors import BadRequest, Forbidden
from parley.comments.models import Site
from parley.moderation.models import SsoIdentity

MIN_SECRET_CHARS = 32
LEEWAY_S = 30


def sso_config(site: Site) -> dict[str, Any] | None:
    """Return the site's SSO settings when SSO is set up (a long enough secret), else None."""
    config = (site.moderation_settings or {}).get("sso")
    if not isinstance(config, dict) or len(str(config.get("secret", ""))) < MIN_SECRET_CHARS:
        return None
    return config


def decode_token(*, site: Site, token: str) -> dict[str, Any]:
    """Verify the token for the site and return its claims; raise BadRequest saying why not."""
    config = sso_config(site)
    if config is None:
        raise Forbidden("Single sign-on is not set up for this site.")
    try:
        claims = jwt.decode(
            token, str(config["secret"]), algorithms=["HS256"], audience=site.slug,
            issuer=config.get("issuer") or None, leeway=LEEWAY_S,
            options={"require": ["sub", "exp", "aud"]},
        )
    except jwt.ExpiredSignatureError:
        raise BadRequest("The sign-in link has expired; please sign in again.") from None
    except jwt.InvalidAudienceError:
        raise BadRequest("The sign-in token is for another site.") from None
    except jwt.InvalidTokenError as error:
        raise BadRequest(f"The sign-in token is not valid ({error}).") from None
    subject = str(claims["sub"]).strip()
    if not subject or len(subject) > 255:
        raise BadRequest("The sign-in token has no usable subject.")
    claims["sub"] = subject
    return claims


def _username(site: Site, subject: str) -> str:
    digest = hashlib.sha256(f"{site.pk}:{subject}".encode()).hexdigest()[:32]
    return f"sso-{site.pk}-{digest}"


def user_from_token(*, site: Site, token: str) -> Any:
    """Return the commenter account for a valid token, creating it on first sign-in."""
    claims = decode_token(site=site, token=token)
    name = str(claims.get("name") or "")[:150]
    email = str(claims.get("email") or "")[:254]
    user_model = get_user_model()
    identity = SsoIdentity.objects.select_related("user").filter(
        site=site, subject=claims["sub"]).first()
    if identity is None:
        try:
            with transaction.atomic():
                user = user_model(username=_username(site, claims["sub"]), email=email,
                                  first_name=name)
                user.set_unusable_password()
                user.save()
                identity = SsoIdentity.objects.create(site=site, subject=claims["sub"], user=user)
        except IntegrityError:  # signed in twice at once: the other request made it
            identity = SsoIdentity.objects.select_related("user").get(
                site=site, subject=claims["sub"])
    user = identity.user
    if not user.is_active:
        raise Forbidden("This account is disabled.")
    changed = []
    for field_name, value in (("email", email), ("first_name", name)):
        if value and getattr(user, field_name) != value:
            setattr(user, field_name, value)
            changed.append(field_name)
    if changed:
        user.save(update_fields=changed)
    SsoIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
    return user

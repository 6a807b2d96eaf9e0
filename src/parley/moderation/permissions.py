"""Who may moderate what: staff see every site, everyone else only the sites they are members of.

A comment on a site the user does not moderate is reported as *not found*, not *forbidden*, so a
moderator of one newsroom cannot even learn which comment ids exist on another.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from parley.comments.errors import Forbidden, NotFound
from parley.comments.models import Comment, Site
from parley.moderation.models import Role, SiteMembership


def moderated_sites(user: Any) -> QuerySet[Site]:
    """Return the sites the user may moderate (all of them for active staff)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Site.objects.none()
    if user.is_staff:
        return Site.objects.all()
    return Site.objects.filter(memberships__user=user).distinct()


def can_moderate(user: Any, site: Site) -> bool:
    """Return True when the user may see and decide on the site's comments."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or SiteMembership.objects.filter(user=user, site=site).exists()


def can_administer(user: Any, site: Site) -> bool:
    """Return True when the user may change the site's rules (site admins and staff)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_staff or SiteMembership.objects.filter(
        user=user, site=site, role=Role.ADMIN
    ).exists()


def can_create_sites(user: Any) -> bool:
    """Return True for active superusers: a new site is a new tenant, not a site admin's call."""
    return bool(getattr(user, "is_authenticated", False) and user.is_active
                and user.is_superuser)


def check_can_create_sites(user: Any) -> None:
    """Raise Forbidden unless the user may create sites."""
    if not can_create_sites(user):
        raise Forbidden("Only a Parley superuser can create a site.")


def administered_sites(user: Any) -> QuerySet[Site]:
    """Return the sites whose settings the user may change (all of them for active staff)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Site.objects.none()
    if user.is_staff:
        return Site.objects.all()
    return Site.objects.filter(memberships__user=user, memberships__role=Role.ADMIN).distinct()


def check_can_moderate(user: Any, site: Site) -> None:
    """Raise NotFound unless the user moderates the site."""
    if not can_moderate(user, site):
        raise NotFound("No such site.")


def check_can_administer(user: Any, site: Site) -> None:
    """Raise NotFound for strangers and Forbidden for moderators who are not site admins."""
    check_can_moderate(user, site)
    if not can_administer(user, site):
        raise Forbidden("Only a site admin can change the site's rules.")


def moderated_comment(user: Any, comment_id: int) -> Comment:
    """Return the comment if the user moderates its site, else raise NotFound."""
    comment = (
        Comment.objects.select_related("story__site").filter(
            pk=comment_id, story__site__in=moderated_sites(user)
        ).first()
    )
    if comment is None:
        raise NotFound("No such comment.")
    return comment


def moderated_site(user: Any, site_slug: str) -> Site:
    """Return the site by slug if the user moderates it, else raise NotFound."""
    site = moderated_sites(user).filter(slug=site_slug).first()
    if site is None:
        raise NotFound("No such site.")
    return site


def administered_site(user: Any, site_slug: str) -> Site:
    """Return the site by slug if the user administers it: NotFound for strangers, Forbidden
    for its moderators who are not site admins."""
    site = moderated_site(user, site_slug)
    check_can_administer(user, site)
    return site

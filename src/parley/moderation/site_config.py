"""Per-site facts that posting needs and that rarely change, cached across requests.

Posting asks "does this site have any author restriction in force?" and "any active webhook
endpoint?" on every comment. The answers are cached under the site's ``config_version``, read
fresh from the database with one raw indexed SELECT (far cheaper than the ORM queries). Every write
that could turn an answer from "no" to "yes" bumps the version in its own transaction
(``bump_config_version``; ``post_save`` on both models does it for creates, edits and admin
saves), so each process — each with its own local-memory cache — misses on its next post and
asks the database again. A "yes" is only a hint: the exact query still runs.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import F

from parley.comments.models import Site
from parley.moderation.models import AuthorRestriction, WebhookEndpoint

CACHE_SECONDS = 3600


def bump_config_version(site_id: int) -> None:
    """Make every process's cached restriction and webhook answers for the site stale."""
    Site.objects.filter(pk=site_id).update(config_version=F("config_version") + 1)


def config_version(site_id: int) -> int:
    """Return the site's config version, fresh from the database (one raw indexed SELECT).

    Read fresh rather than from the caller's ``Site`` instance, which may predate a ban.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT config_version FROM {Site._meta.db_table} WHERE id = %s",  # noqa: S608
            [site_id],
        )
        row = cursor.fetchone()
    return -1 if row is None else row[0]


def _cached(name: str, site: Site, compute: Any) -> bool:
    version = config_version(site.pk)
    if version < 0:
        return bool(compute())
    key = f"parley:site-config:{site.pk}:{version}:{name}"
    value = cache.get(key)
    if value is None:
        value = bool(compute())
        cache.set(key, value, CACHE_SECONDS)
    return value


def may_have_restrictions(site: Site) -> bool:
    """Return False only when the site has no unlifted author restriction at all."""
    return _cached("restrictions", site, lambda: AuthorRestriction.objects.filter(
        site_id=site.pk, lifted_at__isnull=True).exists())


def may_have_webhooks(site: Site) -> bool:
    """Return False only when the site has no active webhook endpoint."""
    return _cached("webhooks", site, lambda: WebhookEndpoint.objects.filter(
        site_id=site.pk, is_active=True).exists())


def _on_change(sender: type, instance: Any, **kwargs: Any) -> None:
    bump_config_version(instance.site_id)


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (AuthorRestriction, WebhookEndpoint):
        post_save.connect(_on_change, sender=model,
                          dispatch_uid=f"parley.site_config.save.{model.__name__}")
        post_delete.connect(_on_change, sender=model,
                            dispatch_uid=f"parley.site_config.delete.{model.__name__}")

"""Django admin for moderation: memberships and restrictions are editable, the audit log is not."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from parley.moderation.models import (
    AuditEntry,
    AuthorRestriction,
    CoralPhase,
    HumanDecision,
    ModerationRecord,
    SiteMembership,
    SsoIdentity,
    WebhookDelivery,
    WebhookEndpoint,
)


@admin.register(SiteMembership)
class SiteMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "site", "role", "created_at")
    list_filter = ("role", "site")
    autocomplete_fields = ()


@admin.register(AuthorRestriction)
class AuthorRestrictionAdmin(admin.ModelAdmin):
    list_display = ("site", "kind", "author_name", "email", "created_at", "expires_at", "lifted_at")
    list_filter = ("kind", "site")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable, never editable or deletable from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_name", "action", "site", "comment_id", "reason")
    list_filter = ("action", "site")
    search_fields = ("actor_name", "note")


@admin.register(HumanDecision)
class HumanDecisionAdmin(ReadOnlyAdmin):
    list_display = ("decided_at", "label", "reason", "language", "site", "source", "comment_id",
                    "external_id", "undone_at")
    list_filter = ("label", "reason", "source", "site")


@admin.register(CoralPhase)
class CoralPhaseAdmin(ReadOnlyAdmin):
    """Coral's signing secrets, shown to superusers only; set them with ``parley coral-phase``
    (an action with its audit entry), not here."""

    list_display = ("site", "timeout_ms", "previous_expires_at", "updated_at")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)


@admin.register(ModerationRecord)
class ModerationRecordAdmin(ReadOnlyAdmin):
    list_display = ("comment_id", "decision", "language", "engine_version", "human_label")
    list_filter = ("decision", "human_label")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("site", "url", "is_active", "created_at")
    list_filter = ("is_active", "site")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "event", "endpoint", "status", "attempts", "response_status")
    list_filter = ("status", "event")


@admin.register(SsoIdentity)
class SsoIdentityAdmin(ReadOnlyAdmin):
    list_display = ("site", "subject", "user", "last_login_at")

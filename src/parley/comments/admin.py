"""Django admin for sites, stories, comments and reports.

Counters and comment statuses are read-only here: they change only through ``parley.actions``
(posting, and the moderation workspace's actions, which also write the audit log).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpRequest

from parley.comments.models import Comment, Report, Site, Story
from parley.comments.services import update_story_counters


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    readonly_fields = ["api_key_hash", "created_at"]
    actions = ["issue_new_api_key"]

    @admin.action(description="Issue a new API key (shown once)")
    def issue_new_api_key(self, request: HttpRequest, queryset) -> None:
        for site in queryset:
            key = site.set_api_key()
            site.save(update_fields=["api_key_hash"])
            self.message_user(request, f"New API key for {site.name}: {key}", messages.WARNING)


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "site", "published_count", "is_closed", "premoderate", "created_at"]
    list_filter = ["site", "is_closed", "premoderate"]
    search_fields = ["title", "url", "slug"]
    readonly_fields = ["published_count", "cache_version", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Story, form, change: bool) -> None:
        """Save (which marks the article edited) and make cached thread pages stale."""
        super().save_model(request, obj, form, change)
        if change:
            update_story_counters(story_id=obj.pk)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "author_name", "story", "status", "created_at"]
    list_filter = ["status", "story__site"]
    search_fields = ["author_name", "text"]
    raw_id_fields = ["story", "parent", "root", "author_user"]
    readonly_fields = ["status", "author_ip_hash", "public_reasons", "created_at", "updated_at",
                       "depth", "language"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["id", "comment", "reason", "resolved", "created_at"]
    list_filter = ["reason", "resolved"]
    raw_id_fields = ["comment", "reporter_user"]
    readonly_fields = ["reporter_ip_hash", "created_at"]

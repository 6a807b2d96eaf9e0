"""``parley seed_demo``: the demo site, the seed article with its two comments, a moderator,
and, when ``PARLEY_DEMO_CORAL_SECRET`` is set, the demo site's Coral moderation phase.

Idempotent: running it again updates the site and story in place and adds nothing twice.
Seeding never calls the engine: the seed comments are inserted as published with a
moderation record that says so.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import UTC, date, datetime, time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from parley import actions
from parley.comments.models import Comment, CommentStatus, Site, Story
from parley.comments.services import update_story_counters
from parley.moderation.models import CoralPhase, Decision, ModerationRecord

SEED_FILE = Path(__file__).resolve().parents[3] / "comments" / "seed_article.json"
SITE_SLUG = "express-tribune-demo"
SITE_NAME = "The Express Tribune (demo)"
MODERATOR = "moderator"


def demo_origins(port: str) -> list[str]:
    """The origins the demo serves on: 127.0.0.1 and localhost, on port 8000 and $PORT."""
    ports = ["8000"] if port == "8000" else ["8000", port]
    return [f"http://{host}:{p}" for p in ports for host in ("127.0.0.1", "localhost")]


class Command(BaseCommand):
    help = "Create or refresh the demo site, the seed article and its comments, and a moderator."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"),
                            help="Port the demo is served on (default $PORT or 8000).")

    def handle(self, *args, port: str, **options) -> None:
        seed = json.loads(SEED_FILE.read_text(encoding="utf-8"))
        with transaction.atomic():
            site, api_key = self._site(str(port))
            story = self._story(site, seed, str(port))
            added = self._comments(story, seed["comments"])
            password = self._moderator()
        coral = self._coral_phase(site)
        self.stdout.write(f"Site: {site.name} (origins: {', '.join(site.origins)})")
        if api_key:
            self.stdout.write(f"Site API key (shown once): {api_key}")
        if coral:
            self.stdout.write(f"Coral phase URL: http://127.0.0.1:{port}/api/v1/coral/phase"
                              f"?site={site.slug} (secret from PARLEY_DEMO_CORAL_SECRET)")
        self.stdout.write(f"Seed article: {story.url} ({added} comment(s) added, "
                          f"{story.published_count} published)")
        if password:
            self.stdout.write(f"Moderator login: {MODERATOR} / {password}")
        else:
            self.stdout.write(f"Moderator account {MODERATOR!r} already exists (password kept).")

    def _site(self, port: str) -> tuple[Site, str]:
        site, created = Site.objects.get_or_create(slug=SITE_SLUG, defaults={"name": SITE_NAME})
        origins = list(dict.fromkeys([*site.origins, *demo_origins(port)]))
        site.name = SITE_NAME
        site.allowed_origins = "\n".join(origins)
        api_key = ""
        wanted = os.environ.get("PARLEY_DEMO_API_KEY", "")
        if wanted:
            site.set_api_key(wanted)
        elif created or not site.api_key_hash:
            api_key = site.set_api_key()
        site.save()
        return site, api_key

    def _coral_phase(self, site: Site) -> bool:
        """Set the demo site's Coral phase secret from PARLEY_DEMO_CORAL_SECRET (as the API key
        comes from PARLEY_DEMO_API_KEY); unchanged secrets are left alone. True when set up."""
        wanted = os.environ.get("PARLEY_DEMO_CORAL_SECRET", "").strip()
        if not wanted:
            return CoralPhase.objects.filter(site=site).exists()
        if not CoralPhase.objects.filter(site=site, secret=wanted).exists():
            actions.set_coral_phase(site=site, acting_user=None, secret=wanted)
        return True

    def _story(self, site: Site, seed: dict, port: str) -> Story:
        url = f"http://127.0.0.1:{port}/stories/{seed['slug']}/"
        story = Story.objects.filter(site=site, slug=seed["slug"]).first() or Story(site=site)
        story.url = url
        story.slug = seed["slug"]
        story.title = seed["title"]
        story.standfirst = seed["standfirst"]
        story.dateline = seed["dateline"]
        story.body = "\n\n".join(seed["body"])
        story.publication_line = seed["publication_line"]
        story.published_at = timezone.make_aware(
            datetime.combine(date.fromisoformat(seed["published"]), time(6, 0)), UTC)
        story.updated_at = timezone.now()
        story.save()
        return story

    def _comments(self, story: Story, comments: list[dict]) -> int:
        added = 0
        for item in comments:
            if story.comments.filter(author_name=item["author"], text=item["text"]).exists():
                continue
            comment = Comment.objects.create(
                story=story, author_name=item["author"], text=item["text"], language="en",
                status=CommentStatus.PUBLISHED,
                created_at=datetime.fromisoformat(item["created"]),
            )
            ModerationRecord.objects.create(
                comment=comment, decision=Decision.PUBLISH, reasons=["seeded"],
                engine_version="seed", language="en",
            )
            added += 1
        update_story_counters(story_id=story.pk, published_delta=added)
        story.refresh_from_db(fields=["published_count", "cache_version"])
        return added

    def _moderator(self) -> str:
        """Create the moderator account; return its password when it was set now."""
        user_model = get_user_model()
        wanted = os.environ.get("PARLEY_DEMO_MODERATOR_PASSWORD", "")
        user = user_model.objects.filter(username=MODERATOR).first()
        if user is not None and not wanted:
            return ""
        password = wanted or secrets.token_urlsafe(12)
        if user is None:
            user = user_model(username=MODERATOR, email="moderator@localhost", is_staff=True)
        user.set_password(password)
        user.save()
        return password

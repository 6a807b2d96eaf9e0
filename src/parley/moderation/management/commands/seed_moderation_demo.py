"""``parley seed_moderation_demo``: a second site and held and reported comments for the queues.

Run after ``seed_demo`` (``make demo`` does): gives the demo "moderator" account a site-admin
membership on both demo sites, creates "The Karachi Chronicle (demo)" with site rules (suspect
and banned words, held links) and a story whose comments land in every queue through the real
posting and reporting actions. Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from parley import actions
from parley.actions import post_comment, report_comment
from parley.comments.models import CommentStatus, Site, Story
from parley.moderation.models import Role, SiteMembership

DEMO_SITE_SLUG = "express-tribune-demo"
SECOND_SITE_SLUG = "karachi-chronicle-demo"
SECOND_SITE_NAME = "The Karachi Chronicle (demo)"
MODERATOR = "moderator"
RULES = {
    "banned_words": ["scum"],
    "suspect_words": ["bribe", "رشوت", "chor"],
    "hold_links": True,
    "report_threshold_review": 1,
    "report_threshold_hide": 3,
}
STORY = {
    "slug": "port-expansion-approved",
    "title": "Port expansion approved after two-year delay",
    "standfirst": "The city's second container terminal will double capacity by 2029.",
    "body": "The port authority approved the expansion of the eastern container terminal on "
            "Tuesday, ending a two-year dispute over land and dredging costs.\n\n"
            "Exporters welcomed the decision; fishermen's groups said the dredging plan "
            "threatens mangroves along the creek.",
}
# (author, e-mail, text, reports): what the demo posts; the rules decide where each one lands.
COMMENTS: list[tuple[str, str, str, int]] = [
    ("Farah", "farah@example.com", "Finally. Exporters have waited far too long for this.", 0),
    ("Imran", "imran@example.com", "Was a bribe paid to get the dredging contract approved?", 0),
    ("Link Bot", "bot@example.com", "Full leak of the contract at www.port-leaks-example.com", 0),
    ("Saima", "saima@example.com", "یہ رشوت کا معاملہ لگتا ہے، تحقیقات ہونی چاہئیں", 0),
    ("Angry Reader", "angry@example.com", "The port board are scum, all of them.", 0),
    ("Bilal", "bilal@example.com", "The mangroves matter more than another terminal.", 1),
    ("Zafar", "zafar@example.com", "The port chairman lied about the dredging costs.", 3),
    ("Noor", "noor@example.com", "Good news for Karachi, if the dredging is done carefully.", 0),
]
HELD_ON_FIRST_SITE = ("Hamza", "hamza@example.com",
                      "Joint raids again? Sounds like the same chor deal as last time.")


class Command(BaseCommand):
    help = "Add a second demo site and held/reported comments so the moderation queues have work."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"),
                            help="Port the demo is served on (default $PORT or 8000).")

    def handle(self, *args: Any, port: str, **options: Any) -> None:
        first = Site.objects.filter(slug=DEMO_SITE_SLUG).first()
        moderator = get_user_model().objects.filter(username=MODERATOR).first()
        if first is None or moderator is None:
            raise CommandError("Run `parley seed_demo` first (it makes the site and moderator).")
        site, created = Site.objects.get_or_create(
            slug=SECOND_SITE_SLUG, defaults={"name": SECOND_SITE_NAME})
        origins = [f"http://{host}:{port}" for host in ("127.0.0.1", "localhost")]
        site.allowed_origins = "\n".join(dict.fromkeys([*site.origins, *origins]))
        site.moderation_settings = {**RULES, **(site.moderation_settings or {})}
        site.save()
        for each in (first, site):
            SiteMembership.objects.get_or_create(user=moderator, site=each,
                                                 defaults={"role": Role.ADMIN})
        story = Story.objects.filter(site=site, slug=STORY["slug"]).first()
        if story is not None:
            self.stdout.write(f"{site.name} is already seeded ({story.comments.count()} comments).")
            return
        story = Story.objects.create(
            site=site, slug=STORY["slug"], url=f"http://127.0.0.1:{port}/stories/{STORY['slug']}/",
            title=STORY["title"], standfirst=STORY["standfirst"], body=STORY["body"],
            published_at=timezone.now() - timedelta(hours=5),
        )
        outcomes: dict[str, int] = {}
        for number, (author, email, text, reports) in enumerate(COMMENTS, start=1):
            result = post_comment(story=story, text=text, author_name=author, author_email=email,
                                  client_ip=f"192.0.2.{number}")
            comment = result.comment
            if reports and comment.status != CommentStatus.PUBLISHED:
                # Only published comments can be reported; a held one is approved first.
                comment = actions.approve_comment(comment=comment, acting_user=moderator)
            for r in range(reports):
                report_comment(comment=comment, reason="abusive" if r % 2 else "other",
                               client_ip=f"198.51.100.{number * 10 + r}")
            comment.refresh_from_db()
            outcomes[comment.status] = outcomes.get(comment.status, 0) + 1
        demo_story = first.stories.order_by("id").first()
        if demo_story is not None:
            author, email, text = HELD_ON_FIRST_SITE
            if not demo_story.comments.filter(author_name=author).exists():
                current = first.moderation_settings or {}
                first.moderation_settings = {
                    **current, "suspect_words": sorted({*current.get("suspect_words", []), "chor"}),
                }
                first.save(update_fields=["moderation_settings"])
                post_comment(story=demo_story, text=text, author_name=author, author_email=email,
                             client_ip="192.0.2.200")
        summary = ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items()))
        self.stdout.write(f"Second site: {site.name}; story {story.url} ({summary}).")
        self.stdout.write(f"{MODERATOR!r} moderates both sites: http://127.0.0.1:{port}/moderate/")

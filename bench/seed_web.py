"""Seed a benchmark database: STORIES stories x COMMENTS comments, REPLY_SHARE of them replies.

Run with PARLEY_DATA_DIR pointing at a fresh folder (bench/web.py does this). Comments go
through the real posting service (engine off, rate limits off), so counters are right.
"""

from __future__ import annotations

import os
import random
import sys

import django


def main(stories: int = 10, comments: int = 100, reply_share: float = 0.2) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")
    django.setup()
    from parley import actions
    from parley.comments import services
    from parley.comments.models import Site

    rng = random.Random(20120805)
    site = Site.objects.create(name="Bench News", slug="bench",
                               allowed_origins="http://127.0.0.1")
    words = ("raids", "policy", "border", "trust", "talks", "price", "security", "region",
             "intelligence", "cooperation", "history", "future")
    for s in range(stories):
        story = services.ensure_story(site=site, url=f"http://127.0.0.1/news/story-{s}/",
                                      title=f"Bench story {s}", body="Paragraph.\n\nAnother.")
        posted = []
        replies = int(comments * reply_share)
        for c in range(comments):
            parent = rng.choice(posted) if c >= comments - replies and posted else None
            text = " ".join(rng.choice(words) for _ in range(rng.randint(20, 60))).capitalize()
            result = actions.post_comment(story=story, text=text + ".",
                                           author_name=f"Reader {rng.randint(1, 500)}",
                                           author_email="reader@example.com", parent=parent)
            posted.append(result.comment)
    print(f"seeded {stories} stories x {comments} comments", file=sys.stderr)


if __name__ == "__main__":
    main()

"""Prepare a fault run's database from a child process (the test process has its own test DB).

    python -m tests.faults.seed migrate             # migrate; print {"site": id, "stories": {}}
    python -m tests.faults.seed webhook URL SECRET  # a site with an endpoint; print ids

Run with the same environment as the gunicorn under test (DATABASE_URL or PARLEY_DATA_DIR).
"""

from __future__ import annotations

import json
import sys

import django

STORIES = ("kill-workers", "redis", "postgres", "celery", "engine", "soak")


def main(argv: list[str]) -> None:
    django.setup()
    from django.core.management import call_command

    from parley.comments import services
    from parley.comments.models import Site

    if argv[0] == "migrate":
        call_command("migrate", verbosity=0, interactive=False)
        site, _ = Site.objects.get_or_create(slug="faults", defaults={
            "name": "Fault News", "allowed_origins": "http://127.0.0.1"})
        stories = {}
        for key in STORIES:
            story = services.ensure_story(site=site, url=f"http://127.0.0.1/faults/{key}",
                                          title="Pakistan, US agree on joint raids")
            stories[key] = story.pk
        print(json.dumps({"site": site.pk, "stories": stories}))
    elif argv[0] == "webhook":
        from parley.moderation.models import WebhookEndpoint

        # A site of its own, so that no other fault test sends webhooks.
        site, _ = Site.objects.get_or_create(slug="hooks", defaults={
            "name": "Hook News", "allowed_origins": "http://127.0.0.1"})
        story = services.ensure_story(site=site, url="http://127.0.0.1/hooks/webhooks",
                                      title="Pakistan, US agree on joint raids")
        WebhookEndpoint.objects.filter(site=site).update(is_active=False)
        endpoint = WebhookEndpoint.objects.create(site=site, url=argv[1], secret=argv[2],
                                                  events=["comment.created"])
        print(json.dumps({"endpoint": endpoint.pk, "story": story.pk}))
    else:
        raise SystemExit(f"unknown command {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""``parley alert_pending``: e-mail moderators of sites whose Pending queue waits too long.

For a cron job when no Celery beat runs (the beat schedule in parley.celery does the same).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from parley.moderation.notifications import alert_waiting_pending


class Command(BaseCommand):
    help = "E-mail moderators when a site's pending comments wait longer than its set limit."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{alert_waiting_pending()} site(s) alerted.")

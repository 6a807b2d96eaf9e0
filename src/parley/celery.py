"""The Celery app: slow side effects (e-mail, webhooks) run here; eagerly, in process, in the demo.

Settings come from Django's (``CELERY_*``): without ``REDIS_URL`` tasks run eagerly, so the demo
needs no worker. Start a worker with ``celery -A parley.celery worker`` when Redis is set.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parley.settings")

app = Celery("parley")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["parley.moderation", "parley.imports"])
app.conf.beat_schedule = {
    "alert-moderators-when-pending-waits": {
        "task": "parley.moderation.tasks.alert_waiting_pending",
        "schedule": 300.0,
    },
}

"""The Celery app: slow side effects (e-mail, webhooks) run here; eagerly, in process, in the demo.

Settings come from Django's (``CELERY_*``): without ``REDIS_URL`` tasks run eagerly, so the demo
needs no worker. With Redis, start a worker (``celery -A parley.celery worker``) and one beat
(``celery -A parley.celery beat``: the Pending alert and the outbox sweeper); ``make prod``
starts both.
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
    # Enqueue again outbox rows (webhooks, e-mails, re-scoring) whose task was lost.
    "sweep-outbox": {
        "task": "parley.moderation.tasks.sweep_outbox",
        "schedule": float(os.environ.get("PARLEY_OUTBOX_SWEEP_S") or 30),
    },
}

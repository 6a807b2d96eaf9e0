from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "parley.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # The Celery app must exist before any task is sent, so tasks bind to its settings
        # (eager in the demo) rather than to Celery's default app.
        import parley.celery  # noqa: F401
        from parley.moderation import site_config

        site_config.connect_signals()

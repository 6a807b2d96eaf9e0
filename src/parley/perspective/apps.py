from django.apps import AppConfig


class PerspectiveConfig(AppConfig):
    name = "parley.perspective"
    label = "perspective"
    verbose_name = "Perspective-compatible API"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)

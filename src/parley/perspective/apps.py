from django.apps import AppConfig


class PerspectiveConfig(AppConfig):
    name = "parley.perspective"
    label = "perspective"
    verbose_name = "Perspective-compatible API"

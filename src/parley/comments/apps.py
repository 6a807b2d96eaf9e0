from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "parley.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from parley import checks  # noqa: F401  (registers the settings checks)

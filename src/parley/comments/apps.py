from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "parley.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self) -> None:
        from django.urls import register_converter

        from parley import checks  # noqa: F401  (registers the settings checks)
        from parley.comments.ids import IdConverter

        register_converter(IdConverter, "id")  # <id:...> in URL patterns: fits a bigint

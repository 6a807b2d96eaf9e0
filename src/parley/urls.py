"""URL map: reader pages, the JSON API, the Perspective-compatible API, moderator pages,
Prometheus metrics (/healthz and /readyz are answered by ``parley.health.HealthMiddleware``)."""

from django.contrib import admin
from django.urls import include, path

from parley.api import api as parley_api
from parley.metrics import metrics_view

# A database that is away answers 503 + Retry-After instead of 500 (parley.web.errors).
handler500 = "parley.web.errors.server_error"

urlpatterns = [
    path("metrics", metrics_view, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", parley_api.urls),
    path("", include("parley.moderation.urls")),
    path("", include("parley.web.urls")),
    path("", include("parley.perspective.urls")),
]

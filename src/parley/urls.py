"""URL map: reader pages, the JSON API, the Perspective-compatible API, moderator pages."""

from django.contrib import admin
from django.urls import include, path

from parley.api import api as parley_api

# A database that is away answers 503 + Retry-After instead of 500 (parley.web.errors).
handler500 = "parley.web.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", parley_api.urls),
    path("", include("parley.moderation.urls")),
    path("", include("parley.web.urls")),
    path("", include("parley.perspective.urls")),
]

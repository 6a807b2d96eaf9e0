"""URL map: reader pages, the JSON API, the Perspective-compatible API, moderator pages."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("parley.comments.urls")),
]

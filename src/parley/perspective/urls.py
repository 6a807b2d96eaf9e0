"""Routes of the Perspective-compatible API, mounted at the site root like Google's host.

Google's paths contain a colon ("comments:analyze"); Django's ``path()`` escapes everything
outside ``<converters>``, so the colon (and the "$" of "$discovery") are matched literally.
"""

from django.urls import path

from . import views

app_name = "perspective"
urlpatterns = [
    path("v1alpha1/comments:analyze", views.analyze, name="analyze"),
    path("v1alpha1/comments:suggestscore", views.suggest_score, name="suggestscore"),
    path("$discovery/rest", views.discovery, name="discovery"),
]

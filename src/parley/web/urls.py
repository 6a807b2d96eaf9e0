"""Reader pages, the Comments FAQ and the embed script."""

from django.urls import path

from parley.web import views

app_name = "comments"
urlpatterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story_page, name="story"),
    path("stories/<slug:slug>/comments/", views.thread_fragment, name="thread_fragment"),
    path("stories/<slug:slug>/comments/new/", views.post_comment, name="post_comment"),
    path("comments/<id:comment_id>/report/", views.report_comment, name="report"),
    path("faq/", views.faq, name="faq"),
    path("embed.js", views.embed_js, name="embed_js"),
]

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
    path("comments/<id:comment_id>/edit/", views.edit_comment, name="edit"),
    path("comments/<id:comment_id>/delete/", views.delete_comment, name="delete"),
    path("comments/<id:comment_id>/recommend/", views.recommend_comment, name="recommend"),
    path("faq/", views.faq, name="faq"),
    path("embed.js", views.embed_js, name="embed_js"),
    path("embed/fonts/<str:name>.woff2", views.embed_font, name="embed_font"),
]

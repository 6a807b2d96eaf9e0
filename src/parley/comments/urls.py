from django.urls import path

from parley.comments import views

app_name = "comments"
urlpatterns = [
    path("", views.home, name="home"),
]
